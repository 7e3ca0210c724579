//! What the API answers: serialisable views built from stored rows, apart
//! from the rows themselves (as crates.io keeps its models apart from the
//! views it returns). Instants are RFC 3339 in UTC.

use chrono::{DateTime, SecondsFormat};
use serde::Serialize;

use crate::model::{
    file_name, AccountRow, CollaboratorRow, FileKind, FileRow, KeyRow, ShareDetailsData,
    ShareRecord, TrackRecord,
};
use crate::policy::{share_state, DownloadPolicy, Millis, ShareState};
use crate::theme::{Mode, Theme};

pub fn time(ms: Millis) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn time_opt(ms: Option<Millis>) -> Option<String> {
    ms.map(time)
}

#[derive(Debug, Serialize)]
pub struct CreatedProducer<'a> {
    pub id: &'a str,
    pub handle: &'a str,
    /// Shown once: only its hash is stored.
    pub api_key: &'a str,
}

#[derive(Debug, Serialize)]
pub struct Key {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

pub fn key(row: &KeyRow, api_key: Option<String>) -> Key {
    Key {
        id: row.id.clone(),
        api_key,
        created_at: time(row.created_at),
        last_used_at: time_opt(row.last_used_at),
        revoked_at: time_opt(row.revoked_at),
    }
}

#[derive(Debug, Serialize)]
pub struct Keys {
    pub keys: Vec<Key>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Dropbox {
    pub status: &'static str,
    pub warning: Option<String>,
}

const RECONNECT: &str = "Dropbox needs to be reconnected: visitors can open your shares, \
but playback and downloads stay unavailable until you connect Dropbox again.";
const NOT_CONNECTED: &str = "Dropbox is not connected: visitors can open this share, \
but playback and downloads stay unavailable until you connect Dropbox.";

/// The producer's Dropbox connection as they see it: `status`, and a
/// `warning` when it stopped working.
pub fn dropbox(status: Option<&str>, warning: Option<&str>) -> Dropbox {
    match status {
        None => Dropbox {
            status: "not_connected",
            warning: None,
        },
        Some("ok") => Dropbox {
            status: "ok",
            warning: None,
        },
        Some(_) => Dropbox {
            status: "needs_reconnect",
            warning: Some(warning.unwrap_or(RECONNECT).to_string()),
        },
    }
}

impl Dropbox {
    /// Why a share's downloads cannot work, if they cannot.
    fn share_warning(&self) -> Option<String> {
        match self.status {
            "ok" => None,
            "not_connected" => Some(NOT_CONNECTED.to_string()),
            _ => self.warning.clone(),
        }
    }
}

/// Where to send the producer to connect Dropbox, and until when it works.
#[derive(Debug, Serialize)]
pub struct ConnectLink {
    pub authorize_url: String,
    pub expires_at: String,
}

pub fn connect_link(authorize_url: &str, expires_at: Millis) -> ConnectLink {
    ConnectLink {
        authorize_url: authorize_url.to_owned(),
        expires_at: time(expires_at),
    }
}

#[derive(Debug, Serialize)]
pub struct ThemeJson {
    pub accent: String,
    pub mode: Mode,
}

#[derive(Debug, Serialize)]
pub struct Profile {
    pub id: String,
    pub handle: String,
    pub display_name: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub header_url: Option<String>,
    /// The colours pages use: stored values, or the defaults.
    pub theme: ThemeJson,
    pub public_profile: bool,
    /// The public profile page, while the profile is public.
    pub profile_url: Option<String>,
    pub dropbox: Dropbox,
    pub created_at: String,
    pub updated_at: String,
}

pub fn profile(row: &AccountRow, origin: &str) -> Profile {
    let p = &row.producer;
    let theme = Theme::from_stored(p.theme_accent.as_deref(), p.theme_mode.as_deref());
    Profile {
        id: row.id.clone(),
        handle: p.handle.clone(),
        display_name: p.display_name.clone(),
        bio: p.bio.clone(),
        avatar_url: p.avatar_url.clone(),
        header_url: p.header_url.clone(),
        theme: ThemeJson {
            accent: theme.accent.hex(),
            mode: theme.mode,
        },
        public_profile: p.public_profile,
        profile_url: p.public_profile.then(|| format!("{origin}/u/{}", p.handle)),
        dropbox: dropbox(
            row.dropbox_status.as_deref(),
            row.dropbox_warning.as_deref(),
        ),
        created_at: time(row.created_at),
        updated_at: time(row.updated_at),
    }
}

#[derive(Debug, Serialize)]
pub struct Collaborator {
    pub name: String,
    pub role: Option<String>,
    pub avatar_url: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct File {
    pub id: String,
    pub kind: &'static str,
    pub path: String,
    pub name: String,
    pub folder: bool,
    pub label: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Track {
    pub id: String,
    pub title: String,
    #[serde(serialize_with = "whole_as_integer")]
    pub bpm: Option<f64>,
    pub key: Option<String>,
    pub artwork_path: Option<String>,
    pub collaborators: Vec<Collaborator>,
    pub files: Vec<File>,
    pub created_at: String,
    pub updated_at: String,
}

/// A track with its own files and collaborators picked from lists that may
/// hold other tracks' too (a listing loads them all at once).
pub fn track(record: &TrackRecord, files: &[FileRow], collaborators: &[CollaboratorRow]) -> Track {
    let t = &record.track;
    Track {
        id: t.id.clone(),
        title: t.title.clone(),
        bpm: t.bpm,
        key: t.musical_key.clone(),
        artwork_path: t.artwork_path.clone(),
        collaborators: collaborators
            .iter()
            .filter(|c| c.track_id == t.id)
            .map(|c| Collaborator {
                name: c.name.clone(),
                role: c.role.clone(),
                avatar_url: c.avatar_url.clone(),
                url: c.url.clone(),
            })
            .collect(),
        files: files
            .iter()
            .filter(|f| f.track_id == t.id)
            .map(|f| File {
                id: f.id.clone(),
                kind: f.kind().as_str(),
                path: f.path.clone(),
                name: f.name().to_string(),
                folder: f.is_folder,
                label: f.label.clone(),
            })
            .collect(),
        created_at: time(record.created_at),
        updated_at: time(record.updated_at),
    }
}

/// `124`, not `124.0`, for the whole tempos nearly every track has.
fn whole_as_integer<S: serde::Serializer>(bpm: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match bpm {
        Some(n) if n.fract() == 0.0 && n.abs() < 1e15 => s.serialize_i64(*n as i64),
        Some(n) => s.serialize_f64(*n),
        None => s.serialize_none(),
    }
}

#[derive(Debug, Serialize)]
pub struct TrackPage {
    pub tracks: Vec<Track>,
    /// Pass as `?cursor=` for the next page; null on the last one.
    pub next_cursor: Option<String>,
}

/// `"none"`, or the kinds visitors may download.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Downloads {
    None(&'static str),
    Kinds { kinds: Vec<&'static str> },
}

pub fn downloads(stored: &str) -> Downloads {
    let policy = DownloadPolicy::from_stored(stored);
    if policy.is_none() {
        Downloads::None("none")
    } else {
        Downloads::Kinds {
            kinds: FileKind::ALL
                .into_iter()
                .filter(|k| policy.allows(*k))
                .map(FileKind::as_str)
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Share {
    pub id: String,
    pub token: String,
    pub url: String,
    pub title: String,
    pub description: Option<String>,
    pub track_ids: Vec<String>,
    pub downloads: Downloads,
    pub on_profile: bool,
    /// `active`, `expired` or `revoked`, judged at the request's instant.
    pub status: &'static str,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub views: i64,
    pub total_downloads: i64,
}

pub fn share(row: &ShareRecord, origin: &str, now: Millis) -> Share {
    Share {
        id: row.id.clone(),
        token: row.token.clone(),
        url: format!("{origin}/s/{}", row.token),
        title: row.title.clone(),
        description: row.description.clone(),
        track_ids: row.track_ids.clone(),
        downloads: downloads(&row.download_kinds),
        on_profile: row.on_profile,
        status: match share_state(row.expires_at, row.revoked_at, now) {
            ShareState::Active => "active",
            ShareState::Expired => "expired",
            ShareState::Revoked => "revoked",
        },
        created_at: time(row.created_at),
        expires_at: time_opt(row.expires_at),
        revoked_at: time_opt(row.revoked_at),
        views: row.views,
        total_downloads: row.total_downloads,
    }
}

#[derive(Debug, Serialize)]
pub struct SharePage {
    pub shares: Vec<Share>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FileStats {
    pub file_id: String,
    pub kind: &'static str,
    pub name: String,
    pub downloads: i64,
}

#[derive(Debug, Serialize)]
pub struct TrackStats {
    pub track_id: String,
    pub title: String,
    /// The producer deleted the track: it is off the page, its history stays.
    pub deleted: bool,
    /// Every download of the track from this share, including files since
    /// removed from it.
    pub downloads: i64,
    pub files: Vec<FileStats>,
}

#[derive(Debug, Serialize)]
pub struct Stats {
    pub views: i64,
    pub last_viewed_at: Option<String>,
    pub last_downloaded_at: Option<String>,
    pub total_downloads: i64,
    pub tracks: Vec<TrackStats>,
}

#[derive(Debug, Serialize)]
pub struct ShareDetails {
    #[serde(flatten)]
    pub share: Share,
    pub stats: Stats,
    pub dropbox: Dropbox,
    /// Why visitors cannot play or download right now, if they cannot.
    pub warning: Option<String>,
}

pub fn share_details(data: &ShareDetailsData, origin: &str, now: Millis) -> ShareDetails {
    let row = &data.share;
    let dropbox = dropbox(
        data.dropbox.as_ref().map(|d| d.status.as_str()),
        data.dropbox.as_ref().and_then(|d| d.warning.as_deref()),
    );
    let tracks = data
        .tracks
        .iter()
        .map(|t| TrackStats {
            track_id: t.track_id.clone(),
            title: t.title.clone(),
            deleted: t.deleted,
            downloads: t.downloads,
            files: data
                .files
                .iter()
                .filter(|f| f.track_id == t.track_id)
                .map(|f| FileStats {
                    file_id: f.file_id.clone(),
                    kind: FileKind::from_stored(&f.kind).as_str(),
                    name: file_name(&f.path).to_string(),
                    downloads: f.downloads,
                })
                .collect(),
        })
        .collect();
    ShareDetails {
        share: share(row, origin, now),
        stats: Stats {
            views: row.views,
            last_viewed_at: time_opt(row.last_viewed_at),
            last_downloaded_at: time_opt(row.last_downloaded_at),
            total_downloads: row.total_downloads,
            tracks,
        },
        warning: dropbox.share_warning(),
        dropbox,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DropboxRow, FileStatRow, TrackStatRow};

    fn record() -> ShareRecord {
        ShareRecord {
            id: "shr_1".into(),
            token: "tok".into(),
            title: "Two".into(),
            description: None,
            download_kinds: "stems,master".into(),
            on_profile: true,
            created_at: 0,
            expires_at: Some(86_400_000),
            revoked_at: None,
            track_ids: vec!["a".into(), "b".into()],
            views: 3,
            last_viewed_at: Some(1_000),
            total_downloads: 5,
            last_downloaded_at: Some(2_000),
        }
    }

    #[test]
    fn whole_tempos_read_as_integers() {
        let record = |bpm| TrackRecord {
            created_at: 0,
            updated_at: 0,
            track: crate::model::TrackRow {
                id: "t".into(),
                title: "T".into(),
                bpm,
                musical_key: None,
                artwork_path: None,
            },
        };
        let json =
            |bpm| serde_json::to_value(track(&record(bpm), &[], &[])).unwrap()["bpm"].to_string();
        assert_eq!(json(Some(124.0)), "124");
        assert_eq!(json(Some(92.5)), "92.5");
        assert_eq!(json(None), "null");
    }

    #[test]
    fn instants_are_rfc3339_utc() {
        assert_eq!(time(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(time(1_764_316_800_123), "2025-11-28T08:00:00.123Z");
    }

    #[test]
    fn shares_carry_their_url_state_and_permissions() {
        let s = share(&record(), "https://share.example", 1);
        assert_eq!(s.url, "https://share.example/s/tok");
        assert_eq!(s.status, "active");
        assert_eq!(s.expires_at.as_deref(), Some("1970-01-02T00:00:00.000Z"));
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(
            json["downloads"],
            serde_json::json!({"kinds": ["master", "stems"]})
        );
        assert_eq!(share(&record(), "", 86_400_000).status, "expired");

        let mut none = record();
        none.download_kinds = String::new();
        none.revoked_at = Some(5);
        let json = serde_json::to_value(share(&none, "", 1)).unwrap();
        assert_eq!(json["downloads"], "none");
        assert_eq!(json["status"], "revoked");
    }

    #[test]
    fn details_group_files_under_tracks_and_warn_when_dropbox_cannot_serve() {
        let data = ShareDetailsData {
            share: record(),
            tracks: vec![
                TrackStatRow {
                    track_id: "a".into(),
                    title: "A".into(),
                    deleted: false,
                    downloads: 4,
                },
                TrackStatRow {
                    track_id: "b".into(),
                    title: "B".into(),
                    deleted: true,
                    downloads: 1,
                },
            ],
            files: vec![FileStatRow {
                file_id: "f".into(),
                track_id: "a".into(),
                kind: "master".into(),
                path: "/Mixes/A.wav".into(),
                downloads: 4,
            }],
            dropbox: None,
        };
        let json = serde_json::to_value(share_details(&data, "", 1)).unwrap();
        assert_eq!(json["stats"]["views"], 3);
        assert_eq!(json["stats"]["total_downloads"], 5);
        assert_eq!(
            json["stats"]["last_downloaded_at"],
            "1970-01-01T00:00:02.000Z"
        );
        assert_eq!(json["stats"]["tracks"][0]["files"][0]["name"], "A.wav");
        assert_eq!(json["stats"]["tracks"][0]["files"][0]["downloads"], 4);
        assert_eq!(json["stats"]["tracks"][1]["files"], serde_json::json!([]));
        assert_eq!(json["stats"]["tracks"][1]["deleted"], true);
        assert_eq!(json["dropbox"]["status"], "not_connected");
        assert!(json["warning"].as_str().unwrap().contains("not connected"));
        assert_eq!(json["id"], "shr_1", "the share's own fields sit at the top");

        let connected = ShareDetailsData {
            dropbox: Some(DropboxRow {
                status: "ok".into(),
                warning: None,
            }),
            ..data.clone()
        };
        assert_eq!(share_details(&connected, "", 1).warning, None);
        let broken = ShareDetailsData {
            dropbox: Some(DropboxRow {
                status: "needs_reconnect".into(),
                warning: None,
            }),
            ..data
        };
        let details = share_details(&broken, "", 1);
        assert_eq!(details.dropbox.status, "needs_reconnect");
        assert!(details.warning.unwrap().contains("reconnected"));
    }

    #[test]
    fn dropbox_status_is_never_more_than_the_contract_names() {
        assert_eq!(dropbox(None, None).status, "not_connected");
        assert_eq!(dropbox(None, None).warning, None);
        assert_eq!(dropbox(Some("ok"), Some("stale")).warning, None);
        assert_eq!(
            dropbox(Some("needs_reconnect"), Some("Token revoked")),
            Dropbox {
                status: "needs_reconnect",
                warning: Some("Token revoked".into())
            }
        );
        assert_eq!(dropbox(Some("garbage"), None).status, "needs_reconnect");
    }
}
