//! A producer's shares (`/api/shares`): which tracks, for how long, what
//! visitors may download, and what they did (views and downloads).

use serde::Serialize;
use serde_json::Value;

use super::dropbox::{dropbox, Dropbox};
use super::input::{item_id, Object, Text};
use super::tracks::file_kind;
use super::{time, time_opt, ApiError};
use crate::commands::{NewShare, ShareUpdate};
use crate::limits;
use crate::model::{file_name, FileKind, ShareDetailsData, ShareRecord};
use crate::policy::{self, Access, DownloadPolicy, Millis};

const SHARE_TITLE: Text = Text::line(limits::SHARE_TITLE_CHARS);
const DESCRIPTION: Text = Text::paragraphs(limits::DESCRIPTION_CHARS);
const DAY_MS: Millis = 86_400_000;

const SHARE_FIELDS: [&str; 6] = [
    "title",
    "description",
    "track_ids",
    "expires_in_days",
    "downloads",
    "on_profile",
];

/// What visitors may download when the producer does not say.
const DEFAULT_DOWNLOADS: [FileKind; 2] = [FileKind::Master, FileKind::Bounce];

/// `POST /api/shares`. An untitled share has an empty title until
/// `check_tracks` names it after its tracks.
pub fn new_share(body: &Value, now: Millis) -> Result<NewShare, ApiError> {
    let o = Object::root(body)?;
    o.only(&SHARE_FIELDS)?;
    Ok(NewShare {
        title: o.text("title", SHARE_TITLE)?.flatten().unwrap_or_default(),
        description: o.text("description", DESCRIPTION)?.flatten(),
        track_ids: share_tracks(&o)?.ok_or_else(|| {
            ApiError::invalid("track_ids", "missing_field", "`track_ids` is required")
        })?,
        expires_at: o
            .integer("expires_in_days", 1, 365)?
            .flatten()
            .map(|days| now + days * DAY_MS),
        download_kinds: downloads_field(&o)?.unwrap_or(DEFAULT_DOWNLOADS.to_vec()),
        on_profile: o.boolean("on_profile")?.unwrap_or(false),
    })
}

/// Every track must be one of the producer's live tracks (`owned`: id and
/// title). An untitled share takes the track's title for one track and
/// "N Tracks" for several.
pub fn check_tracks(new: &mut NewShare, owned: &[(String, String)]) -> Result<(), ApiError> {
    let first_title = check_owned_tracks(&new.track_ids, owned)?;
    if new.title.is_empty() {
        new.title = match new.track_ids.len() {
            1 => first_title.to_string(),
            n => format!("{n} Tracks"),
        };
    }
    Ok(())
}

/// `PATCH /api/shares/{id}`: the fields of a new share, each optional.
/// `expires_in_days` counts from `now` (`null`: never expires).
pub fn share_update(body: &Value, now: Millis) -> Result<ShareUpdate, ApiError> {
    let o = Object::root(body)?;
    o.only(&SHARE_FIELDS)?;
    Ok(ShareUpdate {
        title: o.replacement_text("title", SHARE_TITLE)?,
        description: o.text("description", DESCRIPTION)?,
        expires_at: o
            .integer("expires_in_days", 1, 365)?
            .map(|days| days.map(|d| now + d * DAY_MS)),
        download_kinds: downloads_field(&o)?,
        on_profile: o.boolean("on_profile")?,
        track_ids: share_tracks(&o)?,
    })
}

/// Every id must be one of the producer's live tracks (`owned`: id, title);
/// answers the first track's title. Another producer's track is refused
/// exactly like one that does not exist.
pub fn check_owned_tracks<'a>(
    ids: &[String],
    owned: &'a [(String, String)],
) -> Result<&'a str, ApiError> {
    let title = |id: &String| owned.iter().find(|(o, _)| o == id).map(|(_, t)| t.as_str());
    for (i, id) in ids.iter().enumerate() {
        if title(id).is_none() {
            let field = format!("track_ids[{i}]");
            return Err(ApiError::invalid(
                &field,
                "unknown_track",
                format!("`{field}` is not one of your tracks"),
            ));
        }
    }
    ids.first()
        .and_then(title)
        .ok_or_else(|| ApiError::invalid("track_ids", "missing_field", "`track_ids` is required"))
}

/// An update reached a share that was revoked: it stays revoked.
pub fn revoked() -> ApiError {
    ApiError::conflict(
        "share_revoked",
        "A revoked share cannot be changed: share the tracks again instead",
    )
}

/// 1 to the limit of distinct ids, in display order.
fn share_tracks(o: &Object) -> Result<Option<Vec<String>>, ApiError> {
    let Some(ids) = o.array("track_ids", 1, limits::TRACKS_PER_SHARE, item_id)? else {
        return Ok(None);
    };
    let mut sorted: Vec<&String> = ids.iter().collect();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return Err(ApiError::invalid(
            "track_ids",
            "duplicate",
            "`track_ids` lists a track twice",
        ));
    }
    Ok(Some(ids))
}

/// `"none"`, or `{"kinds": [...]}`; `None` when absent or null (the default).
fn downloads_field(o: &Object) -> Result<Option<Vec<FileKind>>, ApiError> {
    let refuse = || {
        ApiError::invalid(
            "downloads",
            "invalid_value",
            "`downloads` must be \"none\" or {\"kinds\": [file kinds]}",
        )
    };
    match o.value("downloads") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s == "none" => Ok(Some(Vec::new())),
        Some(Value::String(_)) => Err(refuse()),
        Some(Value::Object(_)) => {
            let Some(Some(d)) = o.object("downloads")? else {
                return Err(refuse());
            };
            d.only(&["kinds"])?;
            let kinds = d.required_array("kinds", 0, FileKind::ALL.len() * 4, |v, path| {
                file_kind(v, &path)
            })?;
            // Stored in the canonical order, once each.
            Ok(Some(
                FileKind::ALL
                    .into_iter()
                    .filter(|k| kinds.contains(k))
                    .collect(),
            ))
        }
        Some(_) => Err(ApiError::wrong_type(
            "downloads",
            "\"none\" or an object with `kinds`",
        )),
    }
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

/// `origin` is the deployment's public origin (see `origin`).
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
        status: match policy::access(row.expires_at, row.revoked_at, now) {
            Access::Open => "active",
            Access::Expired => "expired",
            Access::Revoked => "revoked",
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
    let dropbox = dropbox(data.dropbox.as_ref());
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
    use crate::api::refusal as code;
    use crate::commands::stored_kinds;
    use crate::model::{DropboxRow, FileStatRow, TrackStatRow};
    use serde_json::json;

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

    fn owned(ids: &[&str]) -> Vec<(String, String)> {
        ids.iter()
            .map(|id| (id.to_string(), format!("Title {id}")))
            .collect()
    }

    /// A one-track share request with one more field.
    fn one(field: &str, value: Value) -> Value {
        let mut body = json!({"track_ids": ["a"]});
        body[field] = value;
        body
    }

    #[test]
    fn shares_default_to_masters_and_bounces_and_never_expiring() {
        let new = |body| {
            let mut new = new_share(&body, 1_000).unwrap();
            check_tracks(&mut new, &owned(&["a", "b"]))
                .map(|()| new)
                .unwrap()
        };
        let s = new(json!({"track_ids": ["a", "b"]}));
        assert_eq!(stored_kinds(&s.download_kinds), "master,bounce");
        assert_eq!(s.expires_at, None);
        assert_eq!(s.title, "2 Tracks");
        assert!(!s.on_profile);

        let s = new(json!({"track_ids": ["a"], "expires_in_days": 7,
                           "downloads": {"kinds": ["stems", "master", "stems"]}}));
        assert_eq!(stored_kinds(&s.download_kinds), "master,stems");
        assert_eq!(s.expires_at, Some(1_000 + 7 * DAY_MS));
        assert_eq!(s.title, "Title a");

        let none = new(json!({"track_ids": ["a"], "downloads": "none"}));
        assert_eq!(stored_kinds(&none.download_kinds), "");
        let mut foreign = new_share(&json!({"track_ids": ["a", "zz"]}), 0).unwrap();
        let refused = check_tracks(&mut foreign, &owned(&["a"]));
        assert_eq!(code(refused), (422, "track_ids[1]".into()));
        for (body, status, field) in [
            (json!({}), 422, "track_ids"),
            (json!({"track_ids": []}), 422, "track_ids"),
            (json!({"track_ids": ["a", "a"]}), 422, "track_ids"),
            (json!({"track_ids": [1]}), 400, "track_ids[0]"),
            (json!({"track_ids": ["../x"]}), 422, "track_ids[0]"),
            (one("expires_in_days", json!(0)), 422, "expires_in_days"),
            (one("expires_in_days", json!(366)), 422, "expires_in_days"),
            (one("downloads", json!("all")), 422, "downloads"),
            (
                one("downloads", json!({"kinds": ["mp3"]})),
                422,
                "downloads.kinds[0]",
            ),
            (one("downloads", json!(3)), 400, "downloads"),
            (one("on_profile", json!(1)), 400, "on_profile"),
        ] {
            assert_eq!(code(new_share(&body, 0)), (status, field.into()), "{body}");
        }
        let many: Vec<String> = (0..=limits::TRACKS_PER_SHARE)
            .map(|i| format!("t{i}"))
            .collect();
        assert_eq!(
            code(new_share(&json!({ "track_ids": many }), 0)),
            (422, "track_ids".into())
        );
    }

    #[test]
    fn share_updates_change_only_what_is_sent() {
        let now = 1_000;
        let p = share_update(
            &json!({"expires_in_days": 30, "downloads": "none", "description": null}),
            now,
        )
        .unwrap();
        assert_eq!(
            p,
            ShareUpdate {
                description: Some(None),
                expires_at: Some(Some(now + 30 * DAY_MS)),
                download_kinds: Some(vec![]),
                ..ShareUpdate::default()
            }
        );
        let never =
            share_update(&json!({"expires_in_days": null, "on_profile": true}), now).unwrap();
        assert_eq!(
            (never.expires_at, never.on_profile),
            (Some(None), Some(true))
        );
        let reorder = share_update(&json!({"track_ids": ["b", "a"]}), now).unwrap();
        assert_eq!(reorder.track_ids, Some(vec!["b".into(), "a".into()]));
        assert_eq!(
            share_update(&json!({}), now).unwrap(),
            ShareUpdate::default()
        );
        for (body, field) in [
            (json!({"title": ""}), "title"),
            (json!({"track_ids": []}), "track_ids"),
            (json!({"expires_in_days": 0}), "expires_in_days"),
            (json!({"token": "mine"}), "token"),
        ] {
            assert_eq!(
                code(share_update(&body, now)),
                (422, field.into()),
                "{body}"
            );
        }
    }

    #[test]
    fn share_tracks_must_all_be_the_producers_own() {
        let owned = vec![("a".to_string(), "A".to_string()), ("b".into(), "B".into())];
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(check_owned_tracks(&ids(&["b", "a"]), &owned).unwrap(), "B");
        let e = check_owned_tracks(&ids(&["a", "zz"]), &owned).unwrap_err();
        assert_eq!((e.status, e.field.as_deref()), (422, Some("track_ids[1]")));
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
                account_name: None,
                account_email: None,
            }),
            ..data.clone()
        };
        assert_eq!(share_details(&connected, "", 1).warning, None);
        let broken = ShareDetailsData {
            dropbox: Some(DropboxRow {
                status: "needs_reconnect".into(),
                warning: None,
                account_name: None,
                account_email: None,
            }),
            ..data
        };
        let details = share_details(&broken, "", 1);
        assert_eq!(details.dropbox.status, "needs_reconnect");
        assert!(details.warning.unwrap().contains("reconnected"));
    }
}
