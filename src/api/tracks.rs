//! A producer's tracks (`/api/tracks`): title, tempo, key, artwork, the
//! collaborators credited and the Dropbox files that make the track.

use serde::Serialize;
use serde_json::Value;

use super::input::{item_id, item_object, Object, Text};
use super::{time, ApiError};
use crate::commands::{CollaboratorSpec, FileSpec, NewTrack, TrackUpdate};
use crate::limits;
use crate::model::{CollaboratorRow, FileKind, FileRow, TrackRecord};

const TRACK_TITLE: Text = Text::line(limits::TRACK_TITLE_CHARS);
const MUSICAL_KEY: Text = Text::line(limits::MUSICAL_KEY_CHARS);
const LABEL: Text = Text::line(limits::FILE_LABEL_CHARS);
const PERSON: Text = Text::line(limits::PERSON_CHARS);
/// A petabyte: larger than any file Dropbox holds.
const MAX_FILE_BYTES: i64 = 1_000_000_000_000_000;

const TRACK_FIELDS: [&str; 6] = [
    "title",
    "bpm",
    "key",
    "artwork_path",
    "collaborators",
    "files",
];

pub fn new_track(body: &Value) -> Result<NewTrack, ApiError> {
    let fields = track_fields(body, false)?;
    let missing =
        |field: &str| ApiError::invalid(field, "missing_field", format!("`{field}` is required"));
    Ok(NewTrack {
        title: fields.title.ok_or_else(|| missing("title"))?,
        bpm: fields.bpm.flatten(),
        key: fields.key.flatten(),
        artwork_path: fields.artwork_path.flatten(),
        collaborators: fields.collaborators.unwrap_or_default(),
        files: fields.files.ok_or_else(|| missing("files"))?,
    })
}

/// `PATCH /api/tracks/{id}`.
pub fn track_update(body: &Value) -> Result<TrackUpdate, ApiError> {
    track_fields(body, true)
}

/// The fields a track body sent; only an update may name files it keeps.
fn track_fields(body: &Value, may_keep: bool) -> Result<TrackUpdate, ApiError> {
    let o = Object::root(body)?;
    o.only(&TRACK_FIELDS)?;
    Ok(TrackUpdate {
        title: o.replacement_text("title", TRACK_TITLE)?,
        bpm: o.number("bpm", 1.0, 400.0)?,
        key: o.text("key", MUSICAL_KEY)?,
        artwork_path: o.dropbox_path("artwork_path")?,
        collaborators: collaborators(&o)?,
        files: files(&o, may_keep)?,
    })
}

/// The store refused a new track: the library is full.
pub fn too_many_tracks() -> ApiError {
    ApiError::new(
        422,
        "too_many_tracks",
        format!(
            "A library holds at most {} tracks: delete one before adding another",
            limits::TRACKS_PER_PRODUCER
        ),
    )
}

fn collaborators(o: &Object) -> Result<Option<Vec<CollaboratorSpec>>, ApiError> {
    o.array(
        "collaborators",
        0,
        limits::COLLABORATORS_PER_TRACK,
        |v, path| {
            let c = item_object(v, path)?;
            c.only(&["name", "role", "avatar_url", "url"])?;
            Ok(CollaboratorSpec {
                name: c.required_text("name", PERSON)?,
                role: c.text("role", PERSON)?.flatten(),
                avatar_url: c.https_url("avatar_url")?.flatten(),
                url: c.https_url("url")?.flatten(),
            })
        },
    )
}

/// A new track's files have no ids yet; an update may name the ids it keeps.
fn files(o: &Object, may_keep: bool) -> Result<Option<Vec<FileSpec>>, ApiError> {
    let files = o.array("files", 1, limits::FILES_PER_TRACK, |v, path| {
        let f = item_object(v, path.clone())?;
        let known: &[&str] = if may_keep {
            &["id", "kind", "path", "folder", "label", "size"]
        } else {
            &["kind", "path", "folder", "label", "size"]
        };
        f.only(known)?;
        let kind = file_kind(f.required("kind")?, &f.path("kind"))?;
        let id = match f.value("id") {
            None | Some(Value::Null) => None,
            Some(id) => Some(item_id(id, f.path("id"))?),
        };
        Ok(FileSpec {
            id,
            kind,
            path: f.required_dropbox_path("path")?,
            folder: f.boolean("folder")?.unwrap_or(false),
            label: f.text("label", LABEL)?.flatten(),
            size: f.integer("size", 0, MAX_FILE_BYTES)?.flatten(),
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

pub fn file_kind(value: &Value, field: &str) -> Result<FileKind, ApiError> {
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

/// An update may keep only files the track has (`known`: their ids).
pub fn check_kept_files(files: &[FileSpec], known: &[&str]) -> Result<(), ApiError> {
    for (i, file) in files.iter().enumerate() {
        if let Some(id) = &file.id {
            if !known.contains(&id.as_str()) {
                let field = format!("files[{i}].id");
                return Err(ApiError::invalid(
                    &field,
                    "unknown_id",
                    format!("`{field}` is not a file of this track"),
                ));
            }
        }
    }
    Ok(())
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
    pub size: Option<i64>,
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
                size: f.size,
            })
            .collect(),
        created_at: time(record.created_at),
        updated_at: time(record.updated_at),
    }
}

/// `124`, not `124.0`, for the whole tempos nearly every track has.
pub(crate) fn whole_as_integer<S: serde::Serializer>(
    bpm: &Option<f64>,
    s: S,
) -> Result<S::Ok, S::Error> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::refusal as code;
    use serde_json::json;

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
    fn track_updates_keep_files_by_id_and_refuse_twins() {
        let p = track_update(&json!({"bpm": null, "files": [
            {"id": "f1", "kind": "master", "path": "/a.wav"}, {"kind": "bounce", "path": "/b.mp3"}]}))
        .unwrap();
        assert_eq!((p.bpm, p.title.as_ref()), (Some(None), None));
        let files = p.files.unwrap();
        assert_eq!(files[0].id.as_deref(), Some("f1"));
        assert_eq!(files[1].id, None);
        assert_eq!(p.collaborators, None);
        let twins = json!({"files": [{"id": "f1", "kind": "master", "path": "/a"},
                                     {"id": "f1", "kind": "bounce", "path": "/b"}]});
        assert_eq!(code(track_update(&twins)), (422, "files".into()));
        assert_eq!(
            code(track_update(&json!({"title": null}))),
            (422, "title".into())
        );
    }

    #[test]
    fn kept_files_must_belong_to_the_track() {
        let file = |id: Option<&str>| FileSpec {
            id: id.map(str::to_string),
            kind: crate::model::FileKind::Master,
            path: "/a.wav".into(),
            folder: false,
            label: None,
            size: None,
        };
        assert!(check_kept_files(&[file(Some("f1")), file(None)], &["f1"]).is_ok());
        let e = check_kept_files(&[file(None), file(Some("f9"))], &["f1"]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("files[1].id"));
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
}
