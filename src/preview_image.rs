//! The placeholder pattern as a PNG, for link previews of tracks without a
//! cover: chat apps show only raster images. It draws what `art`'s SVG
//! draws (gradient, three translucent discs, the note) into RGB pixels,
//! fills the picture the way the SVG's `xMidYMid slice` does, and encodes
//! them with deflate. Deterministic: one seed, one file, cacheable for good.

use crate::art::{pattern, Pattern};

/// The link-preview picture's size: the 1.91 : 1 card chat apps and social
/// sites show large, at the smallest size they accept for it.
pub const WIDTH: u32 = 600;
pub const HEIGHT: u32 = 315;

type Rgb = [f32; 3];

/// CSS `hsl()` with saturation and lightness in percent, as 0–255 floats.
fn hsl(hue: u64, saturation: u64, lightness: u64) -> Rgb {
    let (s, l) = (saturation as f32 / 100.0, lightness as f32 / 100.0);
    let a = s * l.min(1.0 - l);
    let channel = |n: f32| {
        let k = (n + hue as f32 / 30.0) % 12.0;
        255.0 * (l - a * (k - 3.0).min(9.0 - k).clamp(-1.0, 1.0))
    };
    [channel(0.0), channel(8.0), channel(4.0)]
}

#[inline(always)]
fn mix(under: Rgb, over: Rgb, alpha: f32) -> Rgb {
    [
        under[0] + (over[0] - under[0]) * alpha,
        under[1] + (over[1] - under[1]) * alpha,
        under[2] + (over[2] - under[2]) * alpha,
    ]
}

/// A stretch `[from, to]` of one row, in the 100 × 100 picture's units.
type Span = (f32, f32);

/// Where a row at height `y` crosses a disc.
fn disc_span(cx: f32, cy: f32, r: f32, y: f32) -> Option<Span> {
    let dy = y - cy;
    (dy.abs() <= r).then(|| {
        let half = (r * r - dy * dy).sqrt();
        (cx - half, cx + half)
    })
}

/// Where a row at height `y` crosses the note: two heads of radius 8, two
/// stems, and the slanted beam joining them (the SVG path's shapes).
fn note_spans(y: f32) -> Vec<Span> {
    let stem = |left: f32, top: f32, bottom: f32| {
        (top..=bottom).contains(&y).then_some((left, left + 4.0))
    };
    // Between the beam's top edge, y = 30 - 5/22 (x - 40), and its bottom
    // edge, y = 34 - 4/14 (x - 44), within x 40–62.
    let beam_from = (40.0 + (30.0 - y) * 22.0 / 5.0).max(40.0);
    let beam_to = (44.0 + (34.0 - y) * 14.0 / 4.0).min(62.0);
    let beam = (beam_from <= beam_to).then_some((beam_from, beam_to));
    [
        disc_span(36.0, 60.0, 8.0, y),
        disc_span(54.0, 50.0, 8.0, y),
        stem(40.0, 30.0, 60.0),
        stem(58.0, 25.0, 50.0),
        beam,
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[inline(always)]
fn inside(spans: &[Span], x: f32) -> bool {
    spans.iter().any(|&(from, to)| from <= x && x <= to)
}

/// A pattern's colours, worked out once for all its pixels.
struct Painter<'a> {
    pattern: &'a Pattern,
    sin: f32,
    cos: f32,
    from: Rgb,
    to: Rgb,
    discs: [Rgb; 3],
}

impl<'a> Painter<'a> {
    fn new(pattern: &'a Pattern) -> Self {
        let (sin, cos) = (pattern.angle as f32).to_radians().sin_cos();
        Painter {
            pattern,
            sin,
            cos,
            from: hsl(pattern.hue, 70, 45),
            to: hsl(pattern.hue2, 75, 25),
            discs: pattern.discs.map(|d| hsl(pattern.hue2, 80, d.light)),
        }
    }

    /// One row of the 100 × 100 picture at height `y`, `x0` + `step` × i
    /// for each RGB pixel of `out`. Shapes are found once per row as spans,
    /// so each pixel costs a few comparisons.
    fn row(&self, y: f32, x0: f32, step: f32, out: &mut [u8]) {
        let mut discs = [((f32::MAX, f32::MIN), [0.0; 3]); 3];
        for ((d, colour), slot) in self.pattern.discs.iter().zip(self.discs).zip(&mut discs) {
            if let Some(span) = disc_span(d.cx as f32, d.cy as f32, d.r as f32, y) {
                *slot = (span, colour);
            }
        }
        let note = note_spans(y);
        // The gradient runs left to right across the square, turned about
        // its centre by `angle` (SVG's `rotate(angle .5 .5)`): t is linear
        // in x along a row.
        let t0 = (x0 / 100.0 - 0.5) * self.cos + (y / 100.0 - 0.5) * self.sin + 0.5;
        let dt = step / 100.0 * self.cos;
        for (i, pixel) in out.chunks_exact_mut(3).enumerate() {
            let x = x0 + step * i as f32;
            let t = (t0 + dt * i as f32).clamp(0.0, 1.0);
            let mut c = mix(self.from, self.to, t);
            for &((from, to), over) in &discs {
                if from <= x && x <= to {
                    c = mix(c, over, 0.35);
                }
            }
            if inside(&note, x) {
                c = mix(c, [255.0; 3], 0.55);
            }
            pixel[0] = (c[0] + 0.5) as u8;
            pixel[1] = (c[1] + 0.5) as u8;
            pixel[2] = (c[2] + 0.5) as u8;
        }
    }
}

/// The pattern of `seed` as a `WIDTH` × `HEIGHT` PNG.
pub fn pattern_png(seed: &str) -> Vec<u8> {
    let p = pattern(seed);
    let painter = Painter::new(&p);
    // `slice`: the square is scaled to cover the card and centred on it.
    let scale = 100.0 / WIDTH.max(HEIGHT) as f32;
    let (dx, dy) = (
        (WIDTH.max(HEIGHT) - WIDTH) as f32 / 2.0,
        (WIDTH.max(HEIGHT) - HEIGHT) as f32 / 2.0,
    );
    let row_bytes = 1 + 3 * WIDTH as usize;
    let mut raw = vec![0; row_bytes * HEIGHT as usize];
    for (row, bytes) in raw.chunks_exact_mut(row_bytes).enumerate() {
        // Each row starts with its filter, 0 ("none"): the pattern's flat
        // areas deflate well as they are.
        let y = (row as f32 + 0.5 + dy) * scale;
        painter.row(y, (0.5 + dx) * scale, scale, &mut bytes[1..]);
    }
    let mut header = Vec::with_capacity(13);
    header.extend(WIDTH.to_be_bytes());
    header.extend(HEIGHT.to_be_bytes());
    // 8 bits a channel, RGB, deflate, adaptive filtering, not interlaced.
    header.extend([8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    // The fastest level: this runs in a request, and at level 1 the
    // picture is already ~20 KB.
    chunk(
        &mut png,
        b"IDAT",
        &miniz_oxide::deflate::compress_to_vec_zlib(&raw, 1),
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

/// The edge cache's key for the preview of `seed` (the Cache API keys by
/// URL): on this deployment's origin, under a path no route answers. The
/// version changes whenever the drawing does.
pub fn cache_url(origin: &str, seed: &str) -> String {
    let origin = origin.trim_end_matches('/');
    format!(
        "{origin}/__patterns/v1/{:016x}.png",
        crate::art::fnv1a(seed.as_bytes())
    )
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend((data.len() as u32).to_be_bytes());
    let start = png.len();
    png.extend(kind);
    png.extend(data);
    let crc = crc32(&png[start..]);
    png.extend(crc.to_be_bytes());
}

/// The CRC-32 PNG chunks end with (ISO 3309, reflected, as in zlib).
fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |crc, &b| {
        (0..8).fold(crc ^ u32::from(b), |c, _| {
            (c >> 1) ^ (0xedb8_8320 & (c & 1).wrapping_neg())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_reference_vector() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
    }

    #[test]
    fn the_preview_is_a_whole_png_of_the_declared_size() {
        let png = pattern_png("trk_a");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), WIDTH);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), HEIGHT);
        assert!(png.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]));
        // Inflating the data gives back one filter byte and RGB per pixel.
        let idat = png.windows(4).position(|w| w == b"IDAT").unwrap();
        let len = u32::from_be_bytes(png[idat - 4..idat].try_into().unwrap()) as usize;
        let raw =
            miniz_oxide::inflate::decompress_to_vec_zlib(&png[idat + 4..idat + 4 + len]).unwrap();
        assert_eq!(raw.len(), (1 + 3 * WIDTH as usize) * HEIGHT as usize);
        // Small enough for every chat app's preview limits.
        assert!(png.len() < 150_000, "{} bytes", png.len());
    }

    #[test]
    fn each_seed_draws_its_own_picture_and_the_note_shows() {
        assert_eq!(pattern_png("trk_a"), pattern_png("trk_a"));
        assert_ne!(pattern_png("trk_a"), pattern_png("trk_b"));
        assert!(inside(&note_spans(60.0), 36.0));
        assert!(inside(&note_spans(29.0), 50.0));
        assert!(!inside(&note_spans(10.0), 10.0));
        assert_eq!(hsl(0, 100, 50).map(f32::round), [255.0, 0.0, 0.0]);
        assert_eq!(hsl(120, 100, 25).map(f32::round), [0.0, 128.0, 0.0]);
    }
}
