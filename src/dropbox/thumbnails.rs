//! Artwork thumbnails: `files/get_thumbnail_v2` on the content host, and the
//! keys they are cached under. A revision's bytes never change, so a
//! thumbnail is kept under its file's `rev` for as long as the edge cache
//! will hold it; which rev a path has now is remembered only for
//! `REV_TTL_SECONDS`, so a replaced cover shows within that time.

use serde_json::{json, Value};

use super::files::{api_arg, digest_hex};
use super::{join, Config, Outbound};

/// The sizes the pages use, named after the places they fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThumbSize {
    /// Track tiles and profile cards (64–96 CSS px, sharp on 3× screens).
    Tile,
    /// The featured cover and link previews.
    Large,
}

impl ThumbSize {
    /// Dropbox's name for the box the thumbnail fits in.
    pub fn dropbox_name(self) -> &'static str {
        match self {
            ThumbSize::Tile => "w256h256",
            ThumbSize::Large => "w1024h768",
        }
    }

    /// The picture a square cover becomes (`strict` keeps the aspect ratio
    /// inside the box): what a link preview declares as its size.
    pub fn square_side(self) -> u32 {
        match self {
            ThumbSize::Tile => 256,
            ThumbSize::Large => 768,
        }
    }
}

/// How long the rev a path was last seen at is trusted.
pub const REV_TTL_SECONDS: u64 = 3600;

/// A JPEG of the image at `path`, fitted inside `size` without cropping.
/// Like every content route, the argument travels in `Dropbox-API-Arg`.
pub fn thumbnail(config: &Config, access_token: &str, path: &str, size: ThumbSize) -> Outbound {
    let argument = json!({
        "resource": { ".tag": "path", "path": path },
        "format": "jpeg",
        "size": size.dropbox_name(),
        "mode": "strict",
    });
    Outbound {
        url: join(&config.content_base, "/2/files/get_thumbnail_v2"),
        headers: vec![
            ("authorization", format!("Bearer {access_token}")),
            ("dropbox-api-arg", api_arg(&argument)),
        ],
        body: None,
    }
}

/// The file's revision, from the `Dropbox-API-Result` header of a
/// thumbnail (`{"file_metadata": {..., "rev": "a1c10ce0dd78"}}`). Dropbox
/// documents a rev as at least 9 hex digits; anything else is not trusted
/// as part of a cache key.
pub fn parse_rev(result_header: &str) -> Option<String> {
    let value: Value = serde_json::from_str(result_header).ok()?;
    let rev = value.pointer("/file_metadata/rev")?.as_str()?;
    let valid = (9..=64).contains(&rev.len()) && rev.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| rev.to_owned())
}

/// The KV key under which the rev of a producer's path is remembered.
pub fn rev_key(producer_id: &str, account_id: &str, path: &str) -> String {
    format!(
        "thumbrev:v1:{}",
        digest_hex(&[producer_id, account_id, path])
    )
}

/// The edge cache's key for one revision at one size: a URL on this
/// deployment's own origin (the Cache API keys by URL), under a path no
/// route answers.
pub fn cache_url(
    origin: &str,
    producer_id: &str,
    account_id: &str,
    rev: &str,
    size: ThumbSize,
) -> String {
    let digest = digest_hex(&[producer_id, account_id, rev, size.dropbox_name()]);
    format!("{}/__thumbnails/v1/{digest}", origin.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dropbox::testing::{config, header};

    #[test]
    fn thumbnails_ask_the_content_host_for_a_fitted_jpeg() {
        let out = thumbnail(&config(), "tok", "/Art/Café.png", ThumbSize::Tile);
        assert_eq!(
            out.url,
            "https://content.dropboxapi.com/2/files/get_thumbnail_v2"
        );
        assert_eq!(out.body, None);
        assert_eq!(header(&out, "authorization"), Some("Bearer tok"));
        let arg: Value = serde_json::from_str(header(&out, "dropbox-api-arg").unwrap()).unwrap();
        assert_eq!(
            arg,
            json!({"resource": {".tag": "path", "path": "/Art/Café.png"},
                   "format": "jpeg", "size": "w256h256", "mode": "strict"})
        );
        let large = thumbnail(&config(), "tok", "/a.jpg", ThumbSize::Large);
        assert!(header(&large, "dropbox-api-arg")
            .unwrap()
            .contains(r#""size":"w1024h768""#));
    }

    #[test]
    fn only_a_well_formed_rev_is_read() {
        let ok =
            r#"{"file_metadata": {".tag": "file", "name": "a.jpg", "rev": "015f6a2b3c4d5e6f7"}}"#;
        assert_eq!(parse_rev(ok).as_deref(), Some("015f6a2b3c4d5e6f7"));
        for bad in [
            r#"{"file_metadata": {"rev": "0123"}}"#,
            r#"{"file_metadata": {"rev": "../../etc/passwd"}}"#,
            r#"{"file_metadata": {"rev": 12345678901}}"#,
            r#"{"link_metadata": {}}"#,
            "not json",
        ] {
            assert_eq!(parse_rev(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_part_of_a_key_keeps_entries_apart() {
        let base = cache_url("https://x.test/", "p", "a", "0123456789", ThumbSize::Tile);
        assert!(base.starts_with("https://x.test/__thumbnails/v1/"));
        for other in [
            cache_url("https://x.test", "q", "a", "0123456789", ThumbSize::Tile),
            cache_url("https://x.test", "p", "b", "0123456789", ThumbSize::Tile),
            cache_url("https://x.test", "p", "a", "0123456788", ThumbSize::Tile),
            cache_url("https://x.test", "p", "a", "0123456789", ThumbSize::Large),
        ] {
            assert_ne!(base, other);
        }
        assert_ne!(rev_key("p", "a", "/x.jpg"), rev_key("p", "a", "/y.jpg"));
        assert!(rev_key("p", "a", "/x.jpg").starts_with("thumbrev:v1:"));
    }
}
