//! What a write wants, in the core's words: the API (and, next, the console)
//! produces these from what a producer sent, and the store maps them to
//! columns. No SQL and no HTTP here.

use serde::Serialize;

use crate::model::FileKind;
use crate::policy::Millis;

/// A field a write may leave alone (`None`), clear (`Some(None)`) or set.
pub type Patch<T> = Option<Option<T>>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProducer {
    pub handle: String,
    pub display_name: String,
}

/// Profile changes: only what is `Some` changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileUpdate {
    pub display_name: Option<String>,
    pub bio: Patch<String>,
    pub avatar_url: Patch<String>,
    pub header_url: Patch<String>,
    /// Lower-case `#rrggbb`.
    pub theme_accent: Patch<String>,
    pub theme_mode: Patch<String>,
    pub public_profile: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollaboratorSpec {
    pub name: String,
    pub role: Option<String>,
    pub avatar_url: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileSpec {
    /// Set when an update keeps an existing file (and its download history);
    /// the edge gives every new file an id before storing.
    pub id: Option<String>,
    pub kind: FileKind,
    pub path: String,
    pub folder: bool,
    pub label: Option<String>,
    /// Bytes, when known (the console's import records Dropbox's figure).
    pub size: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewTrack {
    pub title: String,
    pub bpm: Option<f64>,
    pub key: Option<String>,
    pub artwork_path: Option<String>,
    pub collaborators: Vec<CollaboratorSpec>,
    pub files: Vec<FileSpec>,
}

/// Track changes: `collaborators` and `files`, when present, replace the
/// whole list; a file given with its `id` is kept, existing files left out
/// are removed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrackUpdate {
    pub title: Option<String>,
    pub bpm: Patch<f64>,
    pub key: Patch<String>,
    pub artwork_path: Patch<String>,
    pub collaborators: Option<Vec<CollaboratorSpec>>,
    pub files: Option<Vec<FileSpec>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShare {
    pub title: String,
    pub description: Option<String>,
    pub track_ids: Vec<String>,
    pub expires_at: Option<Millis>,
    pub download_kinds: Vec<FileKind>,
    pub on_profile: bool,
}

/// Share changes; `track_ids` replaces the list and its order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShareUpdate {
    pub title: Option<String>,
    pub description: Patch<String>,
    pub expires_at: Patch<Millis>,
    pub download_kinds: Option<Vec<FileKind>>,
    pub on_profile: Option<bool>,
    pub track_ids: Option<Vec<String>>,
}

/// The stored form of a download permission, which
/// `policy::DownloadPolicy::from_stored` reads back.
pub fn stored_kinds(kinds: &[FileKind]) -> String {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    kinds.join(",")
}
