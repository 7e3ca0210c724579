//! Plain data as the store loads it. Rows mirror `schema.sql`; decisions about
//! them live in `policy`, and what visitors see is shaped in `view`.

use serde::{Deserialize, Deserializer, Serialize};

/// What a file is to the producer; share permissions are granted per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Master,
    Bounce,
    Stems,
    Project,
    Other,
}

impl FileKind {
    pub const ALL: [FileKind; 5] = [
        FileKind::Master,
        FileKind::Bounce,
        FileKind::Stems,
        FileKind::Project,
        FileKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Master => "master",
            FileKind::Bounce => "bounce",
            FileKind::Stems => "stems",
            FileKind::Project => "project",
            FileKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// A kind the schema does not know counts as `Other`.
    pub fn from_stored(s: &str) -> FileKind {
        FileKind::parse(s).unwrap_or(FileKind::Other)
    }
}

impl From<&str> for FileKind {
    fn from(stored: &str) -> Self {
        FileKind::from_stored(stored)
    }
}

impl FileKind {
    /// The word a visitor reads on a download button.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Master => "Master",
            FileKind::Bounce => "Bounce",
            FileKind::Stems => "Stems",
            FileKind::Project => "Project",
            FileKind::Other => "File",
        }
    }
}

/// A share joined with the producer who owns it: everything the page header
/// needs, in one row.
#[derive(Debug, Clone, Deserialize)]
pub struct ShareRow {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    /// Comma-separated file kinds visitors may download; empty for none.
    pub download_kinds: String,
    /// Unix epoch milliseconds; `None` for a share that never expires.
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// The owner's Dropbox connection: `ok`, `needs_reconnect`, or `None`
    /// when never connected. Only `ok` lets visitors play and download.
    #[serde(default)]
    pub dropbox_status: Option<String>,
    #[serde(flatten)]
    pub producer: ProducerRow,
}

impl ShareRow {
    pub fn dropbox_ready(&self) -> bool {
        self.dropbox_status.as_deref() == Some(CONNECTED)
    }
}

/// The stored status of a Dropbox connection that works (schema.sql).
pub const CONNECTED: &str = "ok";

#[derive(Debug, Clone, Deserialize)]
pub struct ProducerRow {
    pub handle: String,
    pub display_name: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub header_url: Option<String>,
    pub theme_accent: Option<String>,
    pub theme_mode: Option<String>,
    #[serde(deserialize_with = "int_bool")]
    pub public_profile: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TrackRow {
    pub id: String,
    pub title: String,
    pub bpm: Option<f64>,
    pub musical_key: Option<String>,
    pub artwork_path: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FileRow {
    pub id: String,
    pub track_id: String,
    /// Read leniently as it is loaded (`FileKind::from_stored`).
    #[serde(deserialize_with = "stored_kind")]
    pub kind: FileKind,
    pub path: String,
    #[serde(deserialize_with = "int_bool")]
    pub is_folder: bool,
    pub label: Option<String>,
    /// Not read by every statement that loads files.
    #[serde(default)]
    pub size: Option<i64>,
}

impl FileRow {
    /// A kind the schema does not know counts as `Other`, so a bad row can
    /// never widen what a share allows.
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    pub fn name(&self) -> &str {
        file_name(&self.path)
    }

    /// The extension of the file name as written, if it has a short one
    /// (ASCII letters and digits only).
    pub fn extension(&self) -> Option<&str> {
        let (stem, ext) = self.name().rsplit_once('.')?;
        let plausible = !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.chars().all(|c| c.is_ascii_alphanumeric());
        plausible.then_some(ext)
    }
}

/// The last segment of a Dropbox path, which is what the producer named it.
pub fn file_name(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

#[derive(Debug, Clone, Deserialize)]
pub struct CollaboratorRow {
    pub track_id: String,
    pub name: String,
    pub role: Option<String>,
    pub avatar_url: Option<String>,
    pub url: Option<String>,
}

/// Everything a share page shows, as loaded in one D1 round trip: the
/// share and one page of its tracks (`pager`). Tracks are in display order;
/// files and collaborators in their order within a track.
#[derive(Debug, Clone)]
pub struct SharePageData {
    pub share: ShareRow,
    pub place: Place,
    pub tracks: Vec<TrackRow>,
    pub files: Vec<FileRow>,
    pub collaborators: Vec<CollaboratorRow>,
}

/// Where the loaded tracks sit in their share: page `index` (from 0) of
/// `pages`, its first track numbered `first` (from 1), of `total` tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub index: usize,
    pub pages: usize,
    pub first: usize,
    pub total: usize,
}

impl Place {
    /// The whole share on one page, `total` tracks long.
    pub fn whole(total: usize) -> Place {
        Place {
            index: 0,
            pages: 1,
            first: 1,
            total,
        }
    }

    /// Whether the page asked for is one the share has.
    pub fn exists(&self) -> bool {
        self.index < self.pages
    }
}

/// A producer's Dropbox connection as stored: tokens are sealed (see
/// `vault`), and `refresh_token_enc` also tells one connection from the next
/// (a reconnect replaces it), which guards every write after a refresh.
#[derive(Debug, Clone, Deserialize)]
pub struct ConnectionRow {
    pub producer_id: String,
    pub account_id: Option<String>,
    /// Who the account is, as Dropbox names it (not loaded where unneeded).
    #[serde(default)]
    pub account_name: Option<String>,
    #[serde(default)]
    pub account_email: Option<String>,
    pub status: String,
    pub refresh_token_enc: String,
    pub access_token_enc: Option<String>,
    pub access_expires_at: Option<i64>,
}

impl ConnectionRow {
    pub fn is_ok(&self) -> bool {
        self.status == CONNECTED
    }
}

/// What a visitor's play, file or artwork request needs, in one D1 round
/// trip: the share (`None` for an unknown token), the track's files or the
/// one file asked for (only from live tracks of the share), the track when
/// artwork is asked for, and the owner's Dropbox connection.
#[derive(Debug, Clone)]
pub struct DeliveryData {
    pub share: Option<ShareRow>,
    pub files: Vec<FileRow>,
    pub track: Option<TrackRow>,
    pub connection: Option<ConnectionRow>,
}

/// A share listed on its producer's public profile.
#[derive(Debug, Clone, Deserialize)]
pub struct ProfileShareRow {
    pub token: String,
    pub title: String,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// Tracks still in the share (deleted ones do not count).
    pub track_count: i64,
    /// The first track, whose artwork stands for the share.
    pub cover_track_id: Option<String>,
    pub cover_artwork_path: Option<String>,
}

/// A public profile page, as loaded in one D1 round trip.
#[derive(Debug, Clone)]
pub struct ProfileData {
    pub producer: ProducerRow,
    pub shares: Vec<ProfileShareRow>,
}

/// A producer as their own API sees them, with the state of their Dropbox
/// connection (both `None` when they never connected).
#[derive(Debug, Clone, Deserialize)]
pub struct AccountRow {
    pub id: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub dropbox_status: Option<String>,
    pub dropbox_warning: Option<String>,
    pub dropbox_account_name: Option<String>,
    pub dropbox_account_email: Option<String>,
    #[serde(flatten)]
    pub producer: ProducerRow,
}

/// What authenticating a key needs: its owner, hash and state.
#[derive(Debug, Clone, Deserialize)]
pub struct KeyAuthRow {
    pub producer_id: String,
    pub key_hash: String,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A key as its owner may list it (never the hash).
#[derive(Debug, Clone, Deserialize)]
pub struct KeyRow {
    pub id: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A track with its bookkeeping, as the API returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct TrackRecord {
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(flatten)]
    pub track: TrackRow,
}

/// A share as its producer sees it, with the aggregates of its events.
#[derive(Debug, Clone, Deserialize)]
pub struct ShareRecord {
    pub id: String,
    pub token: String,
    pub title: String,
    pub description: Option<String>,
    pub download_kinds: String,
    #[serde(deserialize_with = "int_bool")]
    pub on_profile: bool,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// The share's live tracks in display order.
    #[serde(deserialize_with = "json_text")]
    pub track_ids: Vec<String>,
    pub views: i64,
    pub last_viewed_at: Option<i64>,
    pub total_downloads: i64,
    pub last_downloaded_at: Option<i64>,
}

/// Downloads of one track of a share, whether or not the track still exists.
#[derive(Debug, Clone, Deserialize)]
pub struct TrackStatRow {
    pub track_id: String,
    pub title: String,
    #[serde(deserialize_with = "int_bool")]
    pub deleted: bool,
    pub downloads: i64,
}

/// Downloads of one current file of a share's track.
#[derive(Debug, Clone, Deserialize)]
pub struct FileStatRow {
    pub file_id: String,
    pub track_id: String,
    pub kind: String,
    pub path: String,
    pub downloads: i64,
}

/// A share's details: the share, its tracks' and files' downloads, and the
/// owner's Dropbox state, as loaded in one D1 round trip.
#[derive(Debug, Clone)]
pub struct ShareDetailsData {
    pub share: ShareRecord,
    pub tracks: Vec<TrackStatRow>,
    pub files: Vec<FileStatRow>,
    pub dropbox: Option<DropboxRow>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DropboxRow {
    pub status: String,
    pub warning: Option<String>,
    pub account_name: Option<String>,
    pub account_email: Option<String>,
}

/// A list SQLite built with `json_group_array`, which arrives as JSON text.
fn json_text<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let text = String::deserialize(d)?;
    serde_json::from_str(&text).map_err(serde::de::Error::custom)
}

/// SQLite has no boolean: D1 hands back 0/1, as whichever number type the
/// deserializer prefers, so accept them all (and real booleans).
fn stored_kind<'de, D: Deserializer<'de>>(d: D) -> Result<FileKind, D::Error> {
    struct Kind;
    impl serde::de::Visitor<'_> for Kind {
        type Value = FileKind;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a file kind")
        }
        fn visit_str<E>(self, v: &str) -> Result<FileKind, E> {
            Ok(FileKind::from_stored(v))
        }
    }
    d.deserialize_str(Kind)
}

fn int_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Flag;
    impl serde::de::Visitor<'_> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("0, 1 or a boolean")
        }
        fn visit_bool<E>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_i64<E>(self, v: i64) -> Result<bool, E> {
            Ok(v != 0)
        }
        fn visit_u64<E>(self, v: u64) -> Result<bool, E> {
            Ok(v != 0)
        }
        fn visit_f64<E>(self, v: f64) -> Result<bool, E> {
            Ok(v != 0.0)
        }
    }
    d.deserialize_any(Flag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> FileRow {
        FileRow {
            id: "f".into(),
            track_id: "t".into(),
            kind: "master".into(),
            path: path.into(),
            is_folder: false,
            label: None,
            size: None,
        }
    }

    #[test]
    fn file_names_and_extensions_come_from_the_last_segment() {
        assert_eq!(file("/Mixes/v2.final/Song.WAV").name(), "Song.WAV");
        assert_eq!(file("/Mixes/v2.final/Song.WAV").extension(), Some("WAV"));
        assert_eq!(file("/Stems/Drums/").name(), "Drums");
        assert_eq!(file("/Mixes/v2.final/Song").extension(), None);
        assert_eq!(file("/a/.hidden").extension(), None);
        assert_eq!(file("/a/b.toolongext").extension(), None);
    }

    /// Share pages read a file's path by its last 12 characters only
    /// (`edge/store/pages.rs`): a name's extension of at most five
    /// characters, its dot and one character before fit in seven.
    #[test]
    fn the_end_of_a_path_names_the_same_extension_as_the_whole() {
        let tail = |path: &str| path.chars().rev().take(12).collect::<Vec<_>>();
        for path in [
            "/Music/Night Drive (final master).wav",
            "/a/b.wav",
            "/Mixes/v2.final/Song",
            "/x/longname/.abc",
            "/Stems/Night Drive Stems/",
            "/Music/abcdefgh.flac",
            "/a/b.toolongext",
            "/Music/ÜÜÜÜÜÜÜÜÜÜÜÜ.aiff",
            "/.hidden",
        ] {
            let end: String = tail(path).into_iter().rev().collect();
            assert_eq!(file(path).extension(), file(&end).extension(), "{path}");
        }
    }

    #[test]
    fn unknown_stored_kinds_read_as_other() {
        let mut f = file("/a.wav");
        f.kind = "everything".into();
        assert_eq!(f.kind(), FileKind::Other);
        f.kind = "stems".into();
        assert_eq!(f.kind(), FileKind::Stems);
    }

    #[test]
    fn booleans_read_from_sqlite_integers() {
        let row: FileRow = serde_json::from_value(serde_json::json!({
            "id": "f", "track_id": "t", "kind": "stems", "path": "/Stems",
            "is_folder": 1, "label": null
        }))
        .unwrap();
        assert!(row.is_folder);
    }
}
