//! A producer's colours. Stored values are validated every time they are read:
//! whatever sits in the database, only a well-formed colour ever reaches CSS.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Dark,
    Light,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub accent: Rgb,
    pub mode: Mode,
}

pub const DEFAULT_ACCENT: Rgb = Rgb(0x7c, 0x3a, 0xed);

impl Default for Theme {
    fn default() -> Self {
        Theme {
            accent: DEFAULT_ACCENT,
            mode: Mode::Dark,
        }
    }
}

/// The page background and the card surface of each mode (app.css).
fn backgrounds(mode: Mode) -> [Rgb; 2] {
    match mode {
        Mode::Dark => [Rgb(0x0e, 0x0f, 0x13), Rgb(0x18, 0x1a, 0x21)],
        Mode::Light => [Rgb(0xf6, 0xf6, 0xf8), Rgb(0xff, 0xff, 0xff)],
    }
}

impl Theme {
    /// The colour of focus rings and link underlines: the accent when it
    /// stands out from the page and its cards at 3:1 or better (WCAG's
    /// non-text contrast), else the accent moved toward the mode's text
    /// colour until it does, so a pale accent on a light page still shows
    /// where the keyboard is.
    pub fn ring(self) -> Rgb {
        let toward = match self.mode {
            Mode::Dark => Rgb(0xff, 0xff, 0xff),
            Mode::Light => Rgb(0, 0, 0),
        };
        let visible = |c: Rgb| {
            backgrounds(self.mode)
                .iter()
                .all(|bg| contrast(c, *bg) >= 3.0)
        };
        (0..=20)
            .map(|step| self.accent.mix(toward, f64::from(step) / 20.0))
            .find(|c| visible(*c))
            .unwrap_or(toward)
    }

    /// Reads stored theme values, falling back field by field to the default
    /// for anything malformed.
    pub fn from_stored(accent: Option<&str>, mode: Option<&str>) -> Theme {
        let default = Theme::default();
        Theme {
            accent: accent.and_then(parse_accent).unwrap_or(default.accent),
            mode: mode.and_then(parse_mode).unwrap_or(default.mode),
        }
    }
}

/// Exactly `#rrggbb` (either case); nothing else is a colour here.
pub fn parse_accent(s: &str) -> Option<Rgb> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
}

pub fn parse_mode(s: &str) -> Option<Mode> {
    match s {
        "dark" => Some(Mode::Dark),
        "light" => Some(Mode::Light),
        _ => None,
    }
}

impl Rgb {
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// WCAG relative luminance.
    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// This colour moved `amount` (0 to 1) of the way to `other`.
    fn mix(self, other: Rgb, amount: f64) -> Rgb {
        let channel =
            |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * amount).round() as u8;
        Rgb(
            channel(self.0, other.0),
            channel(self.1, other.1),
            channel(self.2, other.2),
        )
    }

    /// Black or white, whichever reads better on this colour, so a producer
    /// can pick any accent without making button labels illegible.
    pub fn text_on(self) -> Rgb {
        let l = self.luminance();
        let contrast_black = (l + 0.05) / 0.05;
        let contrast_white = 1.05 / (l + 0.05);
        if contrast_black >= contrast_white {
            Rgb(0, 0, 0)
        } else {
            Rgb(0xff, 0xff, 0xff)
        }
    }
}

/// WCAG contrast ratio of two colours.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_rings_stand_out_at_three_to_one_for_any_accent_in_either_mode() {
        for mode in [Mode::Dark, Mode::Light] {
            for r in (0..=255).step_by(17) {
                for g in (0..=255).step_by(17) {
                    for b in (0..=255).step_by(17) {
                        let ring = Theme {
                            accent: Rgb(r, g, b),
                            mode,
                        }
                        .ring();
                        for bg in backgrounds(mode) {
                            assert!(contrast(ring, bg) >= 3.0, "{mode:?} #{r:02x}{g:02x}{b:02x}");
                        }
                    }
                }
            }
        }
        // A strong accent is kept as it is; a pale one on a light page is darkened.
        assert_eq!(Theme::default().ring(), DEFAULT_ACCENT);
        let pale = Theme {
            accent: Rgb(0xfd, 0xe6, 0x8a),
            mode: Mode::Light,
        };
        assert_ne!(pale.ring(), pale.accent);
    }

    #[test]
    fn accepts_only_six_digit_hex_colours() {
        assert_eq!(parse_accent("#FF8800"), Some(Rgb(0xff, 0x88, 0)));
        assert_eq!(parse_accent("#0a0b0c"), Some(Rgb(10, 11, 12)));
        for bad in [
            "",
            "#",
            "ff8800",
            "#f80",
            "#ff88001",
            "#ff88zz",
            "red",
            "#ff8800;}body{display:none",
            "#ff8800 ",
            "#+f+f+f",
            "#ÿÿÿ",
        ] {
            assert_eq!(parse_accent(bad), None, "{bad:?} must be refused");
        }
    }

    #[test]
    fn malformed_stored_values_fall_back_per_field() {
        let t = Theme::from_stored(Some("</style><script>"), Some("light"));
        assert_eq!(t.accent, DEFAULT_ACCENT);
        assert_eq!(t.mode, Mode::Light);
        let t = Theme::from_stored(Some("#112233"), Some("neon"));
        assert_eq!(t.accent, Rgb(0x11, 0x22, 0x33));
        assert_eq!(t.mode, Mode::Dark);
        assert_eq!(Theme::from_stored(None, None), Theme::default());
    }

    #[test]
    fn button_text_stays_readable_on_any_accent() {
        assert_eq!(Rgb(0xff, 0xee, 0x00).text_on(), Rgb(0, 0, 0));
        assert_eq!(Rgb(0x1e, 0x1b, 0x4b).text_on(), Rgb(0xff, 0xff, 0xff));
        assert_eq!(DEFAULT_ACCENT.text_on(), Rgb(0xff, 0xff, 0xff));
    }

    #[test]
    fn hex_is_normalised_to_lower_case() {
        assert_eq!(parse_accent("#ABCDEF").unwrap().hex(), "#abcdef");
    }
}
