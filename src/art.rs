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

/// A light disc drawn over the gradient, in the 100 × 100 picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disc {
    pub cx: u64,
    pub cy: u64,
    pub r: u64,
    pub light: u64,
}

/// Everything that tells one seed's picture from another's: a gradient
/// between two hues at an angle, and three translucent discs. The SVG and
/// the raster preview (`preview_image`) draw the same pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub hash: u64,
    pub hue: u64,
    pub hue2: u64,
    /// Degrees, a multiple of 45.
    pub angle: u64,
    pub discs: [Disc; 3],
}

/// How many patterns there are. A seed always shows the same one, and the
/// stylesheet carries them all (`palette_css`), so a page of tracks
/// without covers costs no style of its own.
pub const PATTERNS: u64 = 32;

/// Which of the patterns a seed shows.
pub fn variant(seed: &str) -> u64 {
    fnv1a(seed.as_bytes()) % PATTERNS
}

pub fn pattern(seed: &str) -> Pattern {
    pattern_of(variant(seed))
}

fn pattern_of(variant: u64) -> Pattern {
    let h = fnv1a(&variant.to_le_bytes());
    let bits = |shift: u32, modulo: u64| (h >> shift) % modulo;
    // Hues spread evenly round the wheel: no two patterns share a colour.
    let hue = variant * 360 / PATTERNS;
    let disc = |i: u32| Disc {
        cx: bits(20 + i * 8, 100),
        cy: bits(24 + i * 8, 100),
        r: 18 + bits(28 + i * 7, 34),
        light: 60 + bits(40 + i * 5, 25),
    };
    Pattern {
        hash: h,
        hue,
        hue2: (hue + 40 + bits(9, 100)) % 360,
        angle: bits(16, 4) * 45,
        discs: [disc(0), disc(1), disc(2)],
    }
}

/// A square SVG image, hidden from assistive technology because the track
/// title is always written next to it.
pub fn placeholder_svg(seed: &str) -> String {
    let Pattern {
        hash,
        hue,
        hue2,
        angle,
        discs,
    } = pattern(seed);
    let id = format!("ph{:012x}", hash >> 16);
    let mut circles = String::new();
    for Disc { cx, cy, r, light } in discs {
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
            r#"<path d="{NOTE}" fill="white" fill-opacity="0.55"/></svg>"#
        ),
        id = id,
        angle = angle,
        hue = hue,
        hue2 = hue2,
        circles = circles,
        NOTE = NOTE,
    )
}

/// Every pattern as a CSS rule for its class (`pt{variant}`), for the
/// stylesheet: gradients only, so a page shows any number of patterns
/// without markup of their own (the stylesheet draws the note over them).
pub fn palette_css() -> String {
    (0..PATTERNS)
        .map(|v| pattern_css(&pattern_of(v), &format!("pt{v}")))
        .collect()
}

fn pattern_css(p: &Pattern, class: &str) -> String {
    let Pattern {
        hue,
        hue2,
        angle,
        discs,
        ..
    } = p;
    // CSS lists backgrounds top first; the SVG draws its discs bottom first.
    let mut layers: Vec<String> = discs
        .iter()
        .rev()
        .map(|Disc { cx, cy, r, light }| {
            format!("radial-gradient({r}% {r}% at {cx}% {cy}%,hsl({hue2} 80% {light}%/.35) 99%,#0000 100%)")
        })
        .collect();
    // SVG's gradient runs to the right, turned clockwise by `angle`; CSS
    // counts its angles clockwise from "to top".
    layers.push(format!(
        "linear-gradient({}deg,hsl({hue} 70% 45%),hsl({hue2} 75% 25%))",
        90 + angle
    ));
    format!(".{class}{{background:{}}}", layers.join(","))
}

/// Two beamed quavers, drawn over the pattern. `preview_image::in_note`
/// draws the same shape.
const NOTE: &str = "M44 34v26a8 8 0 1 1-4-7V30l22-5v25a8 8 0 1 1-4-7V30z";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_picture_other_seed_other_picture() {
        assert_eq!(placeholder_svg("trk_a"), placeholder_svg("trk_a"));
        assert_ne!(variant("trk_a"), variant("trk_b"));
        assert_ne!(placeholder_svg("trk_a"), placeholder_svg("trk_b"));
    }

    #[test]
    fn hostile_seeds_never_reach_the_markup() {
        let svg = placeholder_svg("\"><script>alert(1)</script>");
        assert!(!svg.contains("script"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn the_css_pattern_is_the_svgs_in_gradients() {
        let p = pattern("trk_a");
        let class = format!("pt{}", variant("trk_a"));
        let css = palette_css();
        let rule = css
            .split_inclusive("))}")
            .find(|rule| rule.starts_with(&format!(".{class}{{")))
            .expect("the seed's class has a rule");
        assert!(rule.starts_with(&format!(".{class}{{background:radial-gradient(")));
        assert_eq!(rule.matches("radial-gradient(").count(), 3);
        let d = p.discs[2];
        let top = format!("radial-gradient({}% {}% at {}% {}%,", d.r, d.r, d.cx, d.cy);
        assert!(rule.contains(&top), "the last disc is on top: {rule}");
        assert!(rule.ends_with(&format!(
            "linear-gradient({}deg,hsl({} 70% 45%),hsl({} 75% 25%))}}",
            90 + p.angle,
            p.hue,
            p.hue2
        )));
    }

    #[test]
    fn every_pattern_has_its_own_colour_and_rule() {
        let css = palette_css();
        let hues: std::collections::HashSet<u64> =
            (0..PATTERNS).map(|v| pattern_of(v).hue).collect();
        assert_eq!(hues.len() as u64, PATTERNS);
        for v in 0..PATTERNS {
            assert_eq!(css.matches(&format!(".pt{v}{{")).count(), 1, "pt{v}");
        }
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
    }
}
