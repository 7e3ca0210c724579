//! What an id, a token and a handle may look like. A leaf: every layer may
//! import it, and it imports nothing of the crate.

/// Handles are 3 to 32 of `a-z`, `0-9` and `-`.
pub fn is_handle(s: &str) -> bool {
    (3..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Share tokens and object ids are URL-safe base64; anything else is not one
/// we issued, so it can be refused without a lookup.
pub fn is_token(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_short_lowercase_words() {
        assert!(is_handle("night-owl9"));
        for bad in ["ab", "NightOwl", "night_owl", &"a".repeat(33)] {
            assert!(!is_handle(bad), "{bad}");
        }
    }

    #[test]
    fn tokens_are_url_safe_and_bounded() {
        assert!(is_token("abc_DEF-123"));
        for bad in ["", "a b", "a.b", "<x>", &"a".repeat(65)] {
            assert!(!is_token(bad), "{bad}");
        }
    }
}
