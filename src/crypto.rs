//! Randomness for values that must be unguessable, and the handling of bearer
//! credentials: API keys are shown once and kept only as hashes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// 128 bits from the platform's secure generator (WebCrypto on Workers),
/// URL-safe base64 without padding: 22 characters.
pub fn random_token() -> Result<String, getrandom::Error> {
    random_base64::<16>()
}

fn random_base64<const N: usize>() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// A producer's API key as issued: `sp.<key id>.<secret>`. The id names the
/// stored row, so checking a key is a primary-key lookup followed by a
/// constant-time comparison of hashes; the 256-bit secret is what makes the
/// key unguessable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: String,
    pub key: String,
}

const KEY_PREFIX: &str = "sp.";

impl ApiKey {
    pub fn generate() -> Result<ApiKey, getrandom::Error> {
        let id = random_token()?;
        let key = format!("{KEY_PREFIX}{id}.{}", random_base64::<32>()?);
        Ok(ApiKey { id, key })
    }

    /// The key id a presented key claims, if it has the issued shape.
    pub fn claimed_id(key: &str) -> Option<&str> {
        let (id, secret) = key.strip_prefix(KEY_PREFIX)?.split_once('.')?;
        let url_safe = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        (id.len() == 22 && secret.len() == 43 && url_safe(id) && url_safe(secret)).then_some(id)
    }
}

/// What is stored for a credential: hex SHA-256. Keys carry 256 random bits,
/// so a plain hash is enough; no salt or stretching is needed.
pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares a presented credential with a stored hash without an early exit,
/// so response timing says nothing about how much of it matched.
pub fn matches_hash(presented: &str, stored_hash: &str) -> bool {
    same(&hash(presented), stored_hash)
}

/// Whether two values are equal, without an early exit (lengths aside).
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// The credential in an `Authorization: Bearer …` header, if there is one.
pub fn bearer(authorization: Option<&str>) -> Option<&str> {
    let value = authorization?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::is_token;

    #[test]
    fn tokens_are_22_url_safe_chars_and_do_not_repeat() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_eq!(a.len(), 22);
        assert!(is_token(&a));
        assert_ne!(a, b);
    }

    #[test]
    fn issued_keys_name_their_row_and_only_match_themselves() {
        let key = ApiKey::generate().unwrap();
        assert_eq!(ApiKey::claimed_id(&key.key), Some(key.id.as_str()));
        let stored = hash(&key.key);
        assert_eq!(stored.len(), 64);
        assert!(matches_hash(&key.key, &stored));

        let other = ApiKey::generate().unwrap();
        assert!(!matches_hash(&other.key, &stored));
        // Same id, different secret: the lookup finds the row, the hash refuses.
        let forged = format!("{KEY_PREFIX}{}.{}", key.id, "A".repeat(43));
        assert_eq!(ApiKey::claimed_id(&forged), Some(key.id.as_str()));
        assert!(!matches_hash(&forged, &stored));
        assert!(!matches_hash(&key.key, "short"));
    }

    #[test]
    fn malformed_keys_claim_no_id() {
        for key in [
            "",
            "sp.",
            "sp.abc.def",
            "nope.aaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            "sp.aaaaaaaaaaaaaaaaaaaa<>.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        ] {
            assert_eq!(ApiKey::claimed_id(key), None, "{key}");
        }
    }

    #[test]
    fn bearer_credentials_are_read_from_the_header() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(Some("Bearer ")), None);
        assert_eq!(bearer(None), None);
    }
}
