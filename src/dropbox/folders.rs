//! Browsing a producer's Dropbox for the console's import:
//! `files/list_folder` and its `/continue`, built and read as plain data.

use serde_json::{json, Value};

use super::{rpc, Config, Outbound};

/// A folder's entries (`path` "" is the root); `recursive` lists everything
/// under it, which an import of a folder of track folders reads in one go.
/// Dropbox chooses the page size (about 2 000 entries).
pub fn list_folder(config: &Config, access_token: &str, path: &str, recursive: bool) -> Outbound {
    let argument = json!({ "path": path, "recursive": recursive });
    rpc(
        config,
        access_token,
        "/2/files/list_folder",
        argument.to_string(),
    )
}

/// The next page of a listing.
pub fn list_folder_continue(config: &Config, access_token: &str, cursor: &str) -> Outbound {
    let argument = json!({ "cursor": cursor });
    rpc(
        config,
        access_token,
        "/2/files/list_folder/continue",
        argument.to_string(),
    )
}

/// One entry of a listing, as the import needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    /// `path_display`: the path with the case the producer gave it.
    pub path: String,
    pub folder: bool,
    /// Bytes, for files.
    pub size: Option<u64>,
}

/// A page of entries and, when there are more, the cursor to continue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub entries: Vec<Entry>,
    pub cursor: Option<String>,
}

/// Reads a `list_folder` (or `/continue`) answer. Deleted entries and
/// anything unreadable are skipped; an answer without entries is `None`.
pub fn parse_listing(body: &str) -> Option<Listing> {
    let value: Value = serde_json::from_str(body).ok()?;
    let entries = value
        .get("entries")?
        .as_array()?
        .iter()
        .filter_map(|e| {
            let folder = match e.get(".tag")?.as_str()? {
                "file" => false,
                "folder" => true,
                _ => return None,
            };
            Some(Entry {
                name: e.get("name")?.as_str()?.to_owned(),
                path: e.get("path_display")?.as_str()?.to_owned(),
                folder,
                size: e.get("size").and_then(Value::as_u64),
            })
        })
        .collect();
    let more = value.get("has_more").and_then(Value::as_bool) == Some(true);
    let cursor = value
        .get("cursor")
        .and_then(Value::as_str)
        .filter(|_| more)
        .map(str::to_owned);
    Some(Listing { entries, cursor })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dropbox::testing::{config, header};

    #[test]
    fn listings_are_asked_as_dropbox_documents_them() {
        let out = list_folder(&config(), "tok", "/Beats", true);
        assert_eq!(out.url, "https://api.dropboxapi.com/2/files/list_folder");
        assert_eq!(header(&out, "authorization"), Some("Bearer tok"));
        let arg: Value = serde_json::from_str(out.body.as_deref().unwrap()).unwrap();
        assert_eq!(arg, json!({"path": "/Beats", "recursive": true}));
        let next = list_folder_continue(&config(), "tok", "c1");
        assert!(next.url.ends_with("/2/files/list_folder/continue"));
        assert_eq!(next.body.as_deref(), Some(r#"{"cursor":"c1"}"#));
    }

    #[test]
    fn a_listing_keeps_files_and_folders_and_the_cursor_only_when_more_follow() {
        let body = json!({
            "entries": [
                {".tag": "folder", "name": "Stems", "path_lower": "/a/stems",
                 "path_display": "/A/Stems", "id": "id:1"},
                {".tag": "file", "name": "Mix.wav", "path_lower": "/a/mix.wav",
                 "path_display": "/A/Mix.wav", "id": "id:2", "size": 1234},
                {".tag": "deleted", "name": "old.wav", "path_lower": "/a/old.wav",
                 "path_display": "/A/old.wav"}
            ],
            "cursor": "c2", "has_more": true
        })
        .to_string();
        let listing = parse_listing(&body).unwrap();
        assert_eq!(listing.entries.len(), 2);
        assert!(listing.entries[0].folder);
        assert_eq!(listing.entries[1].size, Some(1234));
        assert_eq!(listing.entries[1].path, "/A/Mix.wav");
        assert_eq!(listing.cursor.as_deref(), Some("c2"));
        let last = json!({"entries": [], "cursor": "c3", "has_more": false}).to_string();
        assert_eq!(parse_listing(&last).unwrap().cursor, None);
        assert_eq!(parse_listing("{}"), None);
        assert_eq!(parse_listing("not json"), None);
    }
}
