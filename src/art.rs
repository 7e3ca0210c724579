//! Placeholder artwork: a deterministic SVG pattern drawn from a seed (a
//! track id), so a track without a cover still looks like itself everywhere.
//! The markup holds only numbers derived from a hash, never the seed itself,
//! which is what makes it safe to embed without escaping.

/// FNV-1a: small, stable across platforms and releases, good enough to spread
/// ids over colours. Not for anything secret.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A square SVG image, hidden from assistive technology because the track
/// title is always written next to it.
pub fn placeholder_svg(seed: &str) -> String {
    let h = fnv1a(seed.as_bytes());
    let bits = |shift: u32, modulo: u64| (h >> shift) % modulo;
    let hue = bits(0, 360);
    let hue2 = (hue + 40 + bits(9, 100)) % 360;
    let angle = bits(16, 4) * 45;
    let id = format!("ph{:012x}", h >> 16);
    let mut circles = String::new();
    for i in 0..3u32 {
        let cx = bits(20 + i * 8, 100);
        let cy = bits(24 + i * 8, 100);
        let r = 18 + bits(28 + i * 7, 34);
        let light = 60 + bits(40 + i * 5, 25);
        circles.push_str(&format!(
            r#"<circle cx="{cx}" cy="{cy}" r="{r}" fill="hsl({hue2} 80% {light}%)" fill-opacity="0.35"/>"#
        ));
    }
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" preserveAspectRatio="xMidYMid slice" aria-hidden="true" focusable="false">"#,
            r#"<defs><linearGradient id="{id}" gradientTransform="rotate({angle} .5 .5)">"#,
            r#"<stop offset="0" stop-color="hsl({hue} 70% 45%)"/><stop offset="1" stop-color="hsl({hue2} 75% 25%)"/>"#,
            r#"</linearGradient></defs><rect width="100" height="100" fill="url(#{id})"/>{circles}"#,
            r#"<path d="M44 34v26a8 8 0 1 1-4-7V30l22-5v25a8 8 0 1 1-4-7V30z" fill="white" fill-opacity="0.55"/></svg>"#
        ),
        id = id,
        angle = angle,
        hue = hue,
        hue2 = hue2,
        circles = circles,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_picture_other_seed_other_picture() {
        assert_eq!(placeholder_svg("trk_a"), placeholder_svg("trk_a"));
        assert_ne!(placeholder_svg("trk_a"), placeholder_svg("trk_b"));
    }

    #[test]
    fn hostile_seeds_never_reach_the_markup() {
        let svg = placeholder_svg("\"><script>alert(1)</script>");
        assert!(!svg.contains("script"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
    }
}
