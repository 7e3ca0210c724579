//! Randomness for values that must be unguessable.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// 128 bits from the platform's secure generator (WebCrypto on Workers),
/// URL-safe base64 without padding: 22 characters.
pub fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::is_token;

    #[test]
    fn tokens_are_22_url_safe_chars_and_do_not_repeat() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_eq!(a.len(), 22);
        assert!(is_token(&a));
        assert_ne!(a, b);
    }
}
