//! Dropbox tokens at rest: AES-256-GCM under `TOKEN_ENCRYPTION_KEY`, a fresh
//! random nonce per value. Each value is sealed together with what it is (the
//! producer and the column), so a ciphertext copied into another row or
//! column does not open there.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

pub struct Vault(Aes256Gcm);

const NONCE_LEN: usize = 12;

/// Which stored token a ciphertext is: part of what it is sealed with.
#[derive(Debug, Clone, Copy)]
pub enum Slot {
    Refresh,
    Access,
}

fn context(producer_id: &str, slot: Slot) -> Vec<u8> {
    let slot = match slot {
        Slot::Refresh => "refresh",
        Slot::Access => "access",
    };
    format!("sharepage/dropbox/{slot}/{producer_id}").into_bytes()
}

impl Vault {
    /// The key as configured: base64 of exactly 32 bytes, else nothing.
    pub fn from_base64(key: &str) -> Option<Vault> {
        let bytes = STANDARD.decode(key.trim()).ok()?;
        Aes256Gcm::new_from_slice(&bytes).ok().map(Vault)
    }

    /// base64 of nonce || ciphertext || tag. The nonce is the caller's, so
    /// this stays deterministic; `seal_fresh` draws it.
    pub fn seal(
        &self,
        producer_id: &str,
        slot: Slot,
        plaintext: &str,
        nonce: [u8; NONCE_LEN],
    ) -> String {
        let aad = context(producer_id, slot);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: &aad,
        };
        // Encryption fails only for messages of gigabytes; tokens are short.
        let sealed = self
            .0
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        STANDARD.encode([&nonce[..], &sealed].concat())
    }

    pub fn seal_fresh(
        &self,
        producer_id: &str,
        slot: Slot,
        plaintext: &str,
    ) -> Result<String, getrandom::Error> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)?;
        Ok(self.seal(producer_id, slot, plaintext, nonce))
    }

    /// The token, if `sealed` was sealed by this key for this producer and slot.
    pub fn open(&self, producer_id: &str, slot: Slot, sealed: &str) -> Option<String> {
        let bytes = STANDARD.decode(sealed).ok()?;
        if bytes.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let aad = context(producer_id, slot);
        let payload = Payload {
            msg: ciphertext,
            aad: &aad,
        };
        let plain = self.0.decrypt(Nonce::from_slice(nonce), payload).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    #[test]
    fn sealed_tokens_open_only_where_they_were_sealed() {
        let vault = Vault::from_base64(KEY).unwrap();
        let sealed = vault
            .seal_fresh("prd_a", Slot::Refresh, "rt-secret")
            .unwrap();
        assert!(!sealed.contains("rt-secret"));
        assert_eq!(
            vault.open("prd_a", Slot::Refresh, &sealed).as_deref(),
            Some("rt-secret")
        );
        assert_eq!(vault.open("prd_b", Slot::Refresh, &sealed), None);
        assert_eq!(vault.open("prd_a", Slot::Access, &sealed), None);

        let other = Vault::from_base64(&STANDARD.encode([7u8; 32])).unwrap();
        assert_eq!(other.open("prd_a", Slot::Refresh, &sealed), None);
    }

    #[test]
    fn every_seal_uses_a_new_nonce() {
        let vault = Vault::from_base64(KEY).unwrap();
        let a = vault.seal_fresh("p", Slot::Access, "same").unwrap();
        let b = vault.seal_fresh("p", Slot::Access, "same").unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn tampered_or_truncated_values_do_not_open() {
        let vault = Vault::from_base64(KEY).unwrap();
        let sealed = vault.seal("p", Slot::Access, "token", [1; 12]);
        let mut bytes = STANDARD.decode(&sealed).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        assert_eq!(
            vault.open("p", Slot::Access, &STANDARD.encode(&bytes)),
            None
        );
        assert_eq!(vault.open("p", Slot::Access, "AAAA"), None);
        assert_eq!(vault.open("p", Slot::Access, "not base64!"), None);
    }

    #[test]
    fn keys_must_be_32_bytes_of_base64() {
        assert!(Vault::from_base64(KEY).is_some());
        assert!(Vault::from_base64(&STANDARD.encode([0u8; 16])).is_none());
        assert!(Vault::from_base64("change-me").is_none());
        assert!(Vault::from_base64("").is_none());
    }
}
