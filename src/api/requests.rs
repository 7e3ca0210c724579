//! What each write route accepts, read from untrusted JSON into plain values
//! the store can write. Limits live here, next to the fields they bound.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use serde_json::Value;

use super::input::{item_id, item_object, Object, Patch, Text};
use super::ApiError;
use crate::model::{FileKind, SqlValue};
use crate::policy::Millis;
use crate::routes::is_handle;
use crate::theme;

const DISPLAY_NAME: Text = Text::line(80);
const BIO: Text = Text::paragraphs(1000);
const TRACK_TITLE: Text = Text::line(200);
const MUSICAL_KEY: Text = Text::line(40);
const LABEL: Text = Text::line(80);
const PERSON: Text = Text::line(80);
const SHARE_TITLE: Text = Text::line(200);
const DESCRIPTION: Text = Text::paragraphs(2000);
const MAX_FILES: usize = 50;
const MAX_COLLABORATORS: usize = 20;
pub const MAX_SHARE_TRACKS: usize = 100;
const DAY_MS: Millis = 86_400_000;

/// Columns to set, each with its new value.
pub type Changes = Vec<(&'static str, SqlValue)>;

#[derive(Debug, Clone, PartialEq)]
pub struct NewProducer {
    pub handle: String,
    pub display_name: String,
}

pub fn new_producer(body: &Value) -> Result<NewProducer, ApiError> {
    let o = Object::root(body)?;
    o.only(&["handle", "display_name"])?;
    let handle = o.required_text("handle", Text::line(32))?;
    if !is_handle(&handle) {
        return Err(ApiError::invalid(
            "handle",
            "invalid_handle",
            "`handle` must be 3 to 32 of a-z, 0-9 and -",
        ));
    }
    Ok(NewProducer {
        handle,
        display_name: o.required_text("display_name", DISPLAY_NAME)?,
    })
}

/// `PATCH /api/me`: only the fields present change; `null` clears optional ones.
pub fn profile_patch(body: &Value) -> Result<Changes, ApiError> {
    let o = Object::root(body)?;
    o.only(&[
        "display_name",
        "bio",
        "avatar_url",
        "header_url",
        "theme",
        "public_profile",
    ])?;
    let mut changes = Changes::new();
    if let Some(name) = o.replacement_text("display_name", DISPLAY_NAME)? {
        changes.push(("display_name", SqlValue::Text(name)));
    }
    if let Some(bio) = o.text("bio", BIO)? {
        changes.push(("bio", bio.into()));
    }
    for field in ["avatar_url", "header_url"] {
        if let Some(url) = o.https_url(field)? {
            changes.push((field, url.into()));
        }
    }
    match o.object("theme")? {
        None => {}
        Some(None) => {
            changes.push(("theme_accent", SqlValue::Null));
            changes.push(("theme_mode", SqlValue::Null));
        }
        Some(Some(t)) => {
            t.only(&["accent", "mode"])?;
            if let Some(accent) = t.text("accent", Text::line(7))? {
                if let Some(a) = &accent {
                    theme::parse_accent(a).ok_or_else(|| {
                        ApiError::invalid(
                            "theme.accent",
                            "invalid_color",
                            "`theme.accent` must be a colour like #7c3aed",
                        )
                    })?;
                }
                changes.push((
                    "theme_accent",
                    accent.map(|a| a.to_ascii_lowercase()).into(),
                ));
            }
            if let Some(mode) = t.text("mode", Text::line(5))? {
                if let Some(m) = &mode {
                    theme::parse_mode(m).ok_or_else(|| {
                        ApiError::invalid(
                            "theme.mode",
                            "invalid_value",
                            "`theme.mode` must be \"dark\" or \"light\"",
                        )
                    })?;
                }
                changes.push(("theme_mode", mode.into()));
            }
        }
    }
    if let Some(public) = o.boolean("public_profile")? {
        changes.push(("public_profile", public.into()));
    }
    Ok(changes)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollaboratorInput {
    pub name: String,
    pub role: Option<String>,
    pub avatar_url: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileInput {
    /// Set when a PATCH keeps an existing file (and its download history).
    pub id: Option<String>,
    pub kind: FileKind,
    pub path: String,
    pub folder: bool,
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewTrack {
    pub title: String,
    pub bpm: Option<f64>,
    pub key: Option<String>,
    pub artwork_path: Option<String>,
    pub collaborators: Vec<CollaboratorInput>,
    pub files: Vec<FileInput>,
}

const TRACK_FIELDS: [&str; 6] = [
    "title",
    "bpm",
    "key",
    "artwork_path",
    "collaborators",
    "files",
];

pub fn new_track(body: &Value) -> Result<NewTrack, ApiError> {
    let o = Object::root(body)?;
    o.only(&TRACK_FIELDS)?;
    let scalars = track_scalars(&o)?;
    Ok(NewTrack {
        title: o.required_text("title", TRACK_TITLE)?,
        bpm: scalars.bpm.flatten(),
        key: scalars.key.flatten(),
        artwork_path: scalars.artwork_path.flatten(),
        collaborators: collaborators(&o)?.unwrap_or_default(),
        files: files(&o, false)?
            .ok_or_else(|| ApiError::invalid("files", "missing_field", "`files` is required"))?,
    })
}

impl NewTrack {
    /// The track's own columns, as a PATCH would set them.
    pub fn columns(&self) -> Changes {
        vec![
            ("title", SqlValue::Text(self.title.clone())),
            ("bpm", self.bpm.into()),
            ("musical_key", self.key.clone().into()),
            ("artwork_path", self.artwork_path.clone().into()),
        ]
    }
}

/// `PATCH /api/tracks/{id}`: `collaborators` and `files`, when present,
/// replace the whole list. A file given with its `id` is kept (with its
/// download history); existing files left out are removed.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackPatch {
    pub changes: Changes,
    pub collaborators: Option<Vec<CollaboratorInput>>,
    pub files: Option<Vec<FileInput>>,
}

pub fn track_patch(body: &Value) -> Result<TrackPatch, ApiError> {
    let o = Object::root(body)?;
    o.only(&TRACK_FIELDS)?;
    let scalars = track_scalars(&o)?;
    let mut changes = Changes::new();
    if let Some(title) = o.replacement_text("title", TRACK_TITLE)? {
        changes.push(("title", SqlValue::Text(title)));
    }
    if let Some(bpm) = scalars.bpm {
        changes.push(("bpm", bpm.into()));
    }
    if let Some(key) = scalars.key {
        changes.push(("musical_key", key.into()));
    }
    if let Some(path) = scalars.artwork_path {
        changes.push(("artwork_path", path.into()));
    }
    Ok(TrackPatch {
        changes,
        collaborators: collaborators(&o)?,
        files: files(&o, true)?,
    })
}

struct TrackScalars {
    bpm: Patch<f64>,
    key: Patch<String>,
    artwork_path: Patch<String>,
}

fn track_scalars(o: &Object) -> Result<TrackScalars, ApiError> {
    Ok(TrackScalars {
        bpm: o.number("bpm", 1.0, 400.0)?,
        key: o.text("key", MUSICAL_KEY)?,
        artwork_path: o.dropbox_path("artwork_path")?,
    })
}

fn collaborators(o: &Object) -> Result<Option<Vec<CollaboratorInput>>, ApiError> {
    o.array("collaborators", 0, MAX_COLLABORATORS, |v, path| {
        let c = item_object(v, path)?;
        c.only(&["name", "role", "avatar_url", "url"])?;
        Ok(CollaboratorInput {
            name: c.required_text("name", PERSON)?,
            role: c.text("role", PERSON)?.flatten(),
            avatar_url: c.https_url("avatar_url")?.flatten(),
            url: c.https_url("url")?.flatten(),
        })
    })
}

fn files(o: &Object, may_keep: bool) -> Result<Option<Vec<FileInput>>, ApiError> {
    let files = o.array("files", 1, MAX_FILES, |v, path| {
        let f = item_object(v, path.clone())?;
        let known: &[&str] = if may_keep {
            &["id", "kind", "path", "folder", "label"]
        } else {
            &["kind", "path", "folder", "label"]
        };
        f.only(known)?;
        let kind = file_kind(f.required("kind")?, &f.path("kind"))?;
        let id = match f.value("id") {
            None | Some(Value::Null) => None,
            Some(id) => Some(item_id(id, f.path("id"))?),
        };
        Ok(FileInput {
            id,
            kind,
            path: f.required_dropbox_path("path")?,
            folder: f.boolean("folder")?.unwrap_or(false),
            label: f.text("label", LABEL)?.flatten(),
        })
    })?;
    if let Some(files) = &files {
        let mut ids: Vec<&str> = files.iter().filter_map(|f| f.id.as_deref()).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err(ApiError::invalid(
                "files",
                "duplicate",
                "`files` names the same file id twice",
            ));
        }
    }
    Ok(files)
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewShare {
    pub title: Option<String>,
    pub description: Option<String>,
    pub track_ids: Vec<String>,
    pub expires_in_days: Option<i64>,
    pub download_kinds: Vec<FileKind>,
    pub on_profile: bool,
}

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

pub fn new_share(body: &Value) -> Result<NewShare, ApiError> {
    let o = Object::root(body)?;
    o.only(&SHARE_FIELDS)?;
    Ok(NewShare {
        title: o.text("title", SHARE_TITLE)?.flatten(),
        description: o.text("description", DESCRIPTION)?.flatten(),
        track_ids: share_tracks(&o)?.ok_or_else(|| {
            ApiError::invalid("track_ids", "missing_field", "`track_ids` is required")
        })?,
        expires_in_days: o.integer("expires_in_days", 1, 365)?.flatten(),
        download_kinds: downloads(&o)?.unwrap_or(DEFAULT_DOWNLOADS.to_vec()),
        on_profile: o.boolean("on_profile")?.unwrap_or(false),
    })
}

/// `PATCH /api/shares/{id}`: the fields of a new share, each optional.
/// `expires_in_days` counts from `now` (`null`: never expires); `track_ids`
/// replaces the list and its order.
#[derive(Debug, Clone, PartialEq)]
pub struct SharePatch {
    pub changes: Changes,
    pub track_ids: Option<Vec<String>>,
}

pub fn share_patch(body: &Value, now: Millis) -> Result<SharePatch, ApiError> {
    let o = Object::root(body)?;
    o.only(&SHARE_FIELDS)?;
    let mut changes = Changes::new();
    if let Some(title) = o.replacement_text("title", SHARE_TITLE)? {
        changes.push(("title", SqlValue::Text(title)));
    }
    if let Some(description) = o.text("description", DESCRIPTION)? {
        changes.push(("description", description.into()));
    }
    if let Some(days) = o.integer("expires_in_days", 1, 365)? {
        changes.push(("expires_at", days.map(|d| now + d * DAY_MS).into()));
    }
    if let Some(kinds) = downloads(&o)? {
        changes.push(("download_kinds", SqlValue::Text(stored_kinds(&kinds))));
    }
    if let Some(on_profile) = o.boolean("on_profile")? {
        changes.push(("on_profile", on_profile.into()));
    }
    Ok(SharePatch {
        changes,
        track_ids: share_tracks(&o)?,
    })
}

/// 1 to 100 distinct ids, in display order.
fn share_tracks(o: &Object) -> Result<Option<Vec<String>>, ApiError> {
    let Some(ids) = o.array("track_ids", 1, MAX_SHARE_TRACKS, item_id)? else {
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

fn file_kind(value: &Value, field: &str) -> Result<FileKind, ApiError> {
    let s = value
        .as_str()
        .ok_or_else(|| ApiError::wrong_type(field, "a file kind"))?;
    FileKind::parse(s).ok_or_else(|| {
        ApiError::invalid(
            field,
            "invalid_value",
            format!("`{field}` must be one of master, bounce, stems, project, other"),
        )
    })
}

/// `"none"`, or `{"kinds": [...]}`; `None` when absent or null (the default).
fn downloads(o: &Object) -> Result<Option<Vec<FileKind>>, ApiError> {
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

/// The stored form `DownloadPolicy::from_stored` reads back.
fn stored_kinds(kinds: &[FileKind]) -> String {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    kinds.join(",")
}

impl NewShare {
    /// The producer's title, or the track's title for one track and
    /// "N Tracks" for several.
    pub fn title_or_default(&self, first_track_title: &str) -> String {
        match (&self.title, self.track_ids.len()) {
            (Some(title), _) => title.clone(),
            (None, 1) => first_track_title.to_string(),
            (None, n) => format!("{n} Tracks"),
        }
    }

    pub fn expires_at(&self, now: Millis) -> Option<Millis> {
        self.expires_in_days.map(|days| now + days * DAY_MS)
    }

    pub fn stored_kinds(&self) -> String {
        stored_kinds(&self.download_kinds)
    }
}

/// Where a newest-first listing resumes: the last item's creation time and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: Millis,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}.{}", self.created_at, self.id))
    }

    fn decode(s: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(s).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (at, id) = text.split_once('.')?;
        let created_at = at.parse().ok()?;
        crate::routes::is_token(id).then(|| Cursor {
            created_at,
            id: id.to_string(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageQuery {
    pub limit: u32,
    pub after: Option<Cursor>,
}

/// Trims a page that was loaded with one row more than asked for, and
/// answers the cursor of the next page when that extra row existed.
pub fn next_page<T>(
    items: &mut Vec<T>,
    limit: u32,
    cursor: impl Fn(&T) -> Cursor,
) -> Option<String> {
    if items.len() <= limit as usize {
        return None;
    }
    items.truncate(limit as usize);
    items.last().map(|last| cursor(last).encode())
}

pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 100;

/// `?limit=1..100&cursor=…` of a listing.
pub fn page_query(query: Option<&str>) -> Result<PageQuery, ApiError> {
    let mut page = PageQuery {
        limit: DEFAULT_PAGE,
        after: None,
    };
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match name.as_ref() {
            "limit" => {
                page.limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_PAGE).contains(n))
                    .ok_or_else(|| {
                        ApiError::invalid(
                            "limit",
                            "out_of_range",
                            format!("`limit` must be from 1 to {MAX_PAGE}"),
                        )
                    })?;
            }
            "cursor" => {
                page.after = Some(Cursor::decode(&value).ok_or_else(|| {
                    ApiError::invalid(
                        "cursor",
                        "invalid_cursor",
                        "`cursor` must be a `next_cursor` this API returned",
                    )
                })?);
            }
            _ => {}
        }
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn code<T: std::fmt::Debug>(r: Result<T, ApiError>) -> (u16, String) {
        let e = r.unwrap_err();
        (e.status, e.field.unwrap_or_default())
    }

    #[test]
    fn producers_need_a_valid_handle_and_a_name() {
        let p =
            new_producer(&json!({"handle": " nightowl ", "display_name": "Night Owl"})).unwrap();
        assert_eq!(p.handle, "nightowl");
        for handle in ["ab", "Night", "night_owl", "a".repeat(33).as_str()] {
            let r = new_producer(&json!({"handle": handle, "display_name": "x"}));
            assert_eq!(code(r), (422, "handle".into()), "{handle}");
        }
        assert_eq!(
            code(new_producer(&json!({"handle": "abc"}))),
            (422, "display_name".into())
        );
    }

    #[test]
    fn profile_patches_change_only_what_is_sent() {
        let changes = profile_patch(&json!({
            "bio": null, "theme": {"accent": "#FF8800"}, "public_profile": true
        }))
        .unwrap();
        assert_eq!(
            changes,
            vec![
                ("bio", SqlValue::Null),
                ("theme_accent", SqlValue::Text("#ff8800".into())),
                ("public_profile", SqlValue::Int(1)),
            ]
        );
        assert!(profile_patch(&json!({})).unwrap().is_empty());
        assert_eq!(
            profile_patch(&json!({"theme": null})).unwrap().len(),
            2,
            "null theme resets accent and mode"
        );
        for (body, field) in [
            (json!({"display_name": ""}), "display_name"),
            (json!({"display_name": "x".repeat(81)}), "display_name"),
            (json!({"bio": "x".repeat(1001)}), "bio"),
            (json!({"avatar_url": "http://x.com/a.png"}), "avatar_url"),
            (json!({"theme": {"accent": "red"}}), "theme.accent"),
            (json!({"theme": {"accent": "#12345g"}}), "theme.accent"),
            (json!({"theme": {"mode": "sepia"}}), "theme.mode"),
            (json!({"theme": {"font": "x"}}), "theme.font"),
            (json!({"handle": "new"}), "handle"),
        ] {
            assert_eq!(code(profile_patch(&body)), (422, field.into()), "{body}");
        }
        assert_eq!(
            code(profile_patch(&json!({"public_profile": "yes"}))),
            (400, "public_profile".into())
        );
    }

    #[test]
    fn tracks_are_read_with_files_and_collaborators() {
        let t = new_track(&json!({
            "title": " Midnight ", "bpm": 124, "key": "F# minor",
            "collaborators": [{"name": "Ada", "role": "Vocals", "url": "https://ada.example.com"}],
            "files": [{"kind": "master", "path": "/Mixes/Midnight.wav"},
                      {"kind": "stems", "path": "/Stems/Midnight/", "folder": true, "label": "All stems"}]
        }))
        .unwrap();
        assert_eq!(t.title, "Midnight");
        assert_eq!(t.bpm, Some(124.0));
        assert_eq!(t.files[1].path, "/Stems/Midnight");
        assert!(t.files[1].folder);
        assert_eq!(t.collaborators[0].role.as_deref(), Some("Vocals"));
        for (body, status, field) in [
            (json!({"title": "x"}), 422, "files"),
            (json!({"title": "x", "files": []}), 422, "files"),
            (
                json!({"files": [{"kind": "master", "path": "/a.wav"}]}),
                422,
                "title",
            ),
            (
                json!({"title": "x", "bpm": 0, "files": [{"kind": "master", "path": "/a"}]}),
                422,
                "bpm",
            ),
            (
                json!({"title": "x", "bpm": "fast", "files": [{"kind": "master", "path": "/a"}]}),
                400,
                "bpm",
            ),
            (
                json!({"title": "x", "files": [{"kind": "mp3", "path": "/a"}]}),
                422,
                "files[0].kind",
            ),
            (
                json!({"title": "x", "files": [{"kind": "master", "path": "a.wav"}]}),
                422,
                "files[0].path",
            ),
            (
                json!({"title": "x", "files": [{"id": "f1", "kind": "master", "path": "/a"}]}),
                422,
                "files[0].id",
            ),
            (
                json!({"title": "x", "files": {"kind": "master"}}),
                400,
                "files",
            ),
            (
                json!({"title": "x", "files": [{"kind": "master", "path": "/a"}],
                    "collaborators": [{"role": "x"}]}),
                422,
                "collaborators[0].name",
            ),
        ] {
            assert_eq!(code(new_track(&body)), (status, field.into()), "{body}");
        }
    }

    #[test]
    fn track_patches_keep_files_by_id_and_refuse_twins() {
        let p = track_patch(&json!({"bpm": null, "files": [
            {"id": "f1", "kind": "master", "path": "/a.wav"}, {"kind": "bounce", "path": "/b.mp3"}]}))
        .unwrap();
        assert_eq!(p.changes, vec![("bpm", SqlValue::Null)]);
        let files = p.files.unwrap();
        assert_eq!(files[0].id.as_deref(), Some("f1"));
        assert_eq!(files[1].id, None);
        assert_eq!(p.collaborators, None);
        let twins = json!({"files": [{"id": "f1", "kind": "master", "path": "/a"},
                                     {"id": "f1", "kind": "bounce", "path": "/b"}]});
        assert_eq!(code(track_patch(&twins)), (422, "files".into()));
        assert_eq!(
            code(track_patch(&json!({"title": null}))),
            (422, "title".into())
        );
    }

    #[test]
    fn shares_default_to_masters_and_bounces_and_never_expiring() {
        let s = new_share(&json!({"track_ids": ["a", "b"]})).unwrap();
        assert_eq!(s.stored_kinds(), "master,bounce");
        assert_eq!(s.expires_at(1_000), None);
        assert_eq!(s.title_or_default("First"), "2 Tracks");
        assert!(!s.on_profile);

        let s = new_share(&json!({"track_ids": ["a"], "expires_in_days": 7,
                                  "downloads": {"kinds": ["stems", "master", "stems"]}}))
        .unwrap();
        assert_eq!(s.stored_kinds(), "master,stems");
        assert_eq!(s.expires_at(1_000), Some(1_000 + 7 * DAY_MS));
        assert_eq!(s.title_or_default("First"), "First");

        let none = new_share(&json!({"track_ids": ["a"], "downloads": "none"})).unwrap();
        assert_eq!(none.stored_kinds(), "");

        for (body, status, field) in [
            (json!({}), 422, "track_ids"),
            (json!({"track_ids": []}), 422, "track_ids"),
            (json!({"track_ids": ["a", "a"]}), 422, "track_ids"),
            (json!({"track_ids": [1]}), 400, "track_ids[0]"),
            (json!({"track_ids": ["../x"]}), 422, "track_ids[0]"),
            (
                json!({"track_ids": ["a"], "expires_in_days": 0}),
                422,
                "expires_in_days",
            ),
            (
                json!({"track_ids": ["a"], "expires_in_days": 366}),
                422,
                "expires_in_days",
            ),
            (
                json!({"track_ids": ["a"], "downloads": "all"}),
                422,
                "downloads",
            ),
            (
                json!({"track_ids": ["a"], "downloads": {"kinds": ["mp3"]}}),
                422,
                "downloads.kinds[0]",
            ),
            (
                json!({"track_ids": ["a"], "downloads": 3}),
                400,
                "downloads",
            ),
            (
                json!({"track_ids": ["a"], "on_profile": 1}),
                400,
                "on_profile",
            ),
        ] {
            assert_eq!(code(new_share(&body)), (status, field.into()), "{body}");
        }
        let many: Vec<String> = (0..=MAX_SHARE_TRACKS).map(|i| format!("t{i}")).collect();
        assert_eq!(
            code(new_share(&json!({ "track_ids": many }))),
            (422, "track_ids".into())
        );
    }

    #[test]
    fn share_patches_change_only_what_is_sent() {
        let now = 1_000;
        let p = share_patch(
            &json!({"expires_in_days": 30, "downloads": "none", "description": null}),
            now,
        )
        .unwrap();
        assert_eq!(
            p.changes,
            vec![
                ("description", SqlValue::Null),
                ("expires_at", SqlValue::Int(now + 30 * DAY_MS)),
                ("download_kinds", SqlValue::Text(String::new())),
            ]
        );
        assert_eq!(p.track_ids, None);
        let never =
            share_patch(&json!({"expires_in_days": null, "on_profile": true}), now).unwrap();
        assert_eq!(
            never.changes,
            vec![
                ("expires_at", SqlValue::Null),
                ("on_profile", SqlValue::Int(1))
            ]
        );
        let reorder = share_patch(&json!({"track_ids": ["b", "a"]}), now).unwrap();
        assert_eq!(reorder.track_ids, Some(vec!["b".into(), "a".into()]));
        assert!(share_patch(&json!({}), now).unwrap().changes.is_empty());
        for (body, field) in [
            (json!({"title": ""}), "title"),
            (json!({"track_ids": []}), "track_ids"),
            (json!({"expires_in_days": 0}), "expires_in_days"),
            (json!({"token": "mine"}), "token"),
        ] {
            assert_eq!(code(share_patch(&body, now)), (422, field.into()), "{body}");
        }
    }

    #[test]
    fn listings_page_with_an_opaque_cursor() {
        assert_eq!(
            page_query(None).unwrap(),
            PageQuery {
                limit: DEFAULT_PAGE,
                after: None
            }
        );
        let cursor = Cursor {
            created_at: 1_700_000_000_000,
            id: "trk_1".into(),
        };
        let q = page_query(Some(&format!("limit=10&cursor={}", cursor.encode()))).unwrap();
        assert_eq!(q.limit, 10);
        assert_eq!(q.after, Some(cursor));
        let mut items = vec![1, 2, 3];
        let next = next_page(&mut items, 2, |n| Cursor {
            created_at: *n,
            id: format!("t{n}"),
        });
        assert_eq!(items, [1, 2]);
        assert_eq!(
            page_query(Some(&format!("cursor={}", next.unwrap())))
                .unwrap()
                .after
                .unwrap()
                .created_at,
            2
        );
        assert_eq!(next_page(&mut items, 2, |_| unreachable!()), None);
        for bad in [
            "limit=0",
            "limit=101",
            "limit=x",
            "cursor=%%%",
            "cursor=bm9wZQ",
        ] {
            assert_eq!(page_query(Some(bad)).unwrap_err().status, 422, "{bad}");
        }
    }
}
