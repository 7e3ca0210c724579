//! Console forms → the API's request bodies. Nothing is validated here: a
//! form's fields are only given JSON types (a number field that is not a
//! number stays text, so the API's own rule refuses it with its own
//! message), then the API handler checks every rule exactly as for a JSON
//! request.

use serde_json::{json, Map, Value};

/// A submitted `application/x-www-form-urlencoded` body.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    pub fn parse(body: &[u8]) -> Form {
        Form {
            pairs: url::form_urlencoded::parse(body).into_owned().collect(),
        }
    }

    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated field (checkboxes), in the form's order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A checkbox: present means on.
    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

/// An optional text field: empty clears it.
fn text_or_null(value: Option<&str>) -> Value {
    match value.map(str::trim) {
        None | Some("") => Value::Null,
        Some(text) => Value::String(text.to_owned()),
    }
}

/// A number field: empty clears it; text that is no number is passed on as
/// text for the API to refuse.
fn number_or_null(value: Option<&str>) -> Value {
    match value.map(str::trim) {
        None | Some("") => Value::Null,
        Some(text) => match text.parse::<i64>() {
            Ok(n) => json!(n),
            Err(_) => match text.parse::<f64>() {
                Ok(x) if x.is_finite() => json!(x),
                _ => Value::String(text.to_owned()),
            },
        },
    }
}

/// A required text field, trimmed (empty stays empty, for the API to refuse).
fn trimmed(value: Option<&str>) -> Value {
    json!(value.unwrap_or("").trim())
}

/// Copies the form's field `name` into the body, converted, when the form
/// has the field at all (a field left out changes nothing).
fn copy(
    body: &mut Map<String, Value>,
    form: &Form,
    name: &str,
    convert: fn(Option<&str>) -> Value,
) {
    if let Some(value) = form.get(name) {
        body.insert(name.to_owned(), convert(Some(value)));
    }
}

/// The profile form → `PATCH /api/me`.
pub fn profile(form: &Form) -> Value {
    let mut body = Map::new();
    copy(&mut body, form, "display_name", trimmed);
    for field in ["bio", "avatar_url", "header_url"] {
        copy(&mut body, form, field, text_or_null);
    }
    body.insert(
        "theme".into(),
        json!({"accent": form.get("accent").unwrap_or(""), "mode": form.get("mode").unwrap_or("")}),
    );
    body.insert(
        "public_profile".into(),
        json!(form.checked("public_profile")),
    );
    Value::Object(body)
}

/// The tracks a share form picked (`track` checkboxes), ordered by their
/// `position.<id>` fields (ties and blanks keep the form's order).
fn picked_tracks(form: &Form) -> Vec<String> {
    let mut picked: Vec<(f64, usize, &str)> = form
        .all("track")
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            let position = form
                .get(&format!("position.{id}"))
                .and_then(|p| p.trim().parse::<f64>().ok())
                .filter(|p| p.is_finite())
                .unwrap_or(f64::MAX);
            (position, i, id)
        })
        .collect();
    picked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    picked.into_iter().map(|(_, _, id)| id.to_owned()).collect()
}

/// What a share form says about downloads: the checked kinds, or none.
fn downloads(form: &Form) -> Value {
    let kinds = form.all("kind");
    if kinds.is_empty() {
        json!("none")
    } else {
        json!({ "kinds": kinds })
    }
}

/// `expires_in_days`: "never" is `null`; "keep" (or absent) leaves it out.
fn expiry(form: &Form) -> Option<Value> {
    match form.get("expires_in_days").map(str::trim) {
        None | Some("keep") => None,
        Some("never") => Some(Value::Null),
        value => Some(number_or_null(value)),
    }
}

/// The new-share form → `POST /api/shares`.
pub fn new_share(form: &Form) -> Value {
    let mut body = Map::new();
    copy(&mut body, form, "title", text_or_null);
    copy(&mut body, form, "description", text_or_null);
    body.insert("track_ids".into(), json!(picked_tracks(form)));
    if let Some(expiry) = expiry(form) {
        body.insert("expires_in_days".into(), expiry);
    }
    body.insert("downloads".into(), downloads(form));
    body.insert("on_profile".into(), json!(form.checked("on_profile")));
    Value::Object(body)
}

/// The share edit form → `PATCH /api/shares/{id}`: a title left empty keeps
/// the current one.
pub fn share_update(form: &Form) -> Value {
    let mut body = match new_share(form) {
        Value::Object(body) => body,
        _ => Map::new(),
    };
    if body.get("title") == Some(&Value::Null) {
        body.remove("title");
    }
    Value::Object(body)
}

/// The track edit form → `PATCH /api/tracks/{id}`. Files are listed by id
/// (`file`), each with `kind.<id>`, `label.<id>`, and kept unless
/// `remove.<id>` is checked; collaborators are numbered rows.
pub fn track_update(form: &Form) -> Value {
    let mut body = Map::new();
    copy(&mut body, form, "title", trimmed);
    copy(&mut body, form, "bpm", number_or_null);
    copy(&mut body, form, "key", text_or_null);
    copy(&mut body, form, "artwork_path", text_or_null);
    let files: Vec<Value> = form
        .all("file")
        .into_iter()
        .filter(|id| !form.checked(&format!("remove.{id}")))
        .map(|id| {
            let field = |name: &str| form.get(&format!("{name}.{id}"));
            json!({
                "id": id,
                "kind": field("kind").unwrap_or(""),
                "path": field("path").unwrap_or(""),
                "folder": field("folder") == Some("1"),
                "label": text_or_null(field("label")),
            })
        })
        .collect();
    if form.get("file").is_some() {
        body.insert("files".into(), Value::Array(files));
    }
    if form.get("collaborators").is_some() {
        body.insert("collaborators".into(), Value::Array(collaborators(form)));
    }
    Value::Object(body)
}

/// Collaborator rows `collab.<n>.name` (a row without a name is dropped),
/// with `.role` and the links kept from before in hidden fields.
fn collaborators(form: &Form) -> Vec<Value> {
    (0..crate::limits::COLLABORATORS_PER_TRACK + 1)
        .filter_map(|n| {
            let field = |name: &str| form.get(&format!("collab.{n}.{name}"));
            let name = field("name").map(str::trim).filter(|v| !v.is_empty())?;
            Some(json!({
                "name": name,
                "role": text_or_null(field("role")),
                "avatar_url": text_or_null(field("avatar_url")),
                "url": text_or_null(field("url")),
            }))
        })
        .collect()
}

/// The import form → one `POST /api/tracks` body per proposed track the
/// producer kept (`import` checkboxes name the track's number `n`). Each
/// file row `n.<j>` has a kind, or "skip" to leave the file out.
pub fn imported_tracks(form: &Form) -> Vec<Value> {
    form.all("import")
        .into_iter()
        .map(|n| {
            let field = |name: &str| form.get(&format!("{n}.{name}"));
            let files: Vec<Value> = form
                .all(&format!("{n}.file"))
                .into_iter()
                .filter_map(|j| {
                    let file = |name: &str| form.get(&format!("{n}.{j}.{name}"));
                    let kind = file("kind").unwrap_or("");
                    if kind == "skip" {
                        return None;
                    }
                    let mut spec = json!({
                        "kind": kind,
                        "path": file("path").unwrap_or(""),
                        "folder": file("folder") == Some("1"),
                    });
                    if let Some(size) = file("size").filter(|s| !s.is_empty()) {
                        spec["size"] = number_or_null(Some(size));
                    }
                    Some(spec)
                })
                .collect();
            json!({
                "title": field("title").unwrap_or("").trim(),
                "bpm": number_or_null(field("bpm")),
                "key": text_or_null(field("key")),
                "artwork_path": text_or_null(field("artwork_path")),
                "files": files,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str) -> Form {
        Form::parse(body.as_bytes())
    }

    #[test]
    fn a_new_share_form_becomes_the_apis_body_in_the_chosen_order() {
        let f = form(
            "title=Night+%26+Day&description=&track=t1&position.t1=2&track=t2&position.t2=1\
             &track=t3&kind=master&kind=stems&expires_in_days=30&on_profile=on",
        );
        assert_eq!(
            new_share(&f),
            json!({
                "title": "Night & Day", "description": null,
                "track_ids": ["t2", "t1", "t3"], "expires_in_days": 30,
                "downloads": {"kinds": ["master", "stems"]}, "on_profile": true
            })
        );
        let listen_only = form("track=t1&expires_in_days=never");
        assert_eq!(
            new_share(&listen_only),
            json!({"track_ids": ["t1"], "expires_in_days": null, "downloads": "none", "on_profile": false})
        );
    }

    #[test]
    fn fields_the_api_refuses_reach_it_unchanged() {
        let f = form("track=t1&expires_in_days=soon");
        assert_eq!(new_share(&f)["expires_in_days"], json!("soon"));
        assert_eq!(
            new_share(&form("expires_in_days=0"))["track_ids"],
            json!([])
        );
        let t = form("title=&bpm=fast&file=f1&kind.f1=vinyl&path.f1=%2Fa.wav");
        let body = track_update(&t);
        assert_eq!(body["title"], json!(""));
        assert_eq!(body["bpm"], json!("fast"));
        assert_eq!(body["files"][0]["kind"], json!("vinyl"));
    }

    #[test]
    fn an_edit_keeps_the_title_when_left_empty_and_the_expiry_when_kept() {
        let f = form("title=&track=t1&expires_in_days=keep");
        let body = share_update(&f);
        assert!(body.get("title").is_none());
        assert!(body.get("expires_in_days").is_none());
    }

    #[test]
    fn a_track_form_keeps_files_by_id_and_drops_removed_ones() {
        let f = form(
            "title=Song&bpm=128&key=&file=f1&kind.f1=master&path.f1=%2Fa.wav&folder.f1=0\
             &file=f2&kind.f2=stems&path.f2=%2FStems&folder.f2=1&remove.f2=on&label.f1=Final\
             &collaborators=1&collab.0.name=Ana&collab.0.role=Vocals&collab.1.name=",
        );
        assert_eq!(
            track_update(&f),
            json!({
                "title": "Song", "bpm": 128, "key": null,
                "files": [{"id": "f1", "kind": "master", "path": "/a.wav", "folder": false, "label": "Final"}],
                "collaborators": [{"name": "Ana", "role": "Vocals", "avatar_url": null, "url": null}]
            })
        );
    }

    #[test]
    fn an_import_form_makes_one_track_body_per_kept_proposal() {
        let f = form(
            "import=0&0.title=Night+Drive&0.bpm=128&0.key=F%23+minor&0.artwork_path=%2FA%2Fcover.jpg\
             &0.file=0&0.0.kind=master&0.0.path=%2FA%2Fm.wav&0.0.size=5&0.file=1&0.1.kind=skip\
             &0.1.path=%2FA%2Fx.txt&1.title=Not+kept",
        );
        assert_eq!(
            imported_tracks(&f),
            [json!({
                "title": "Night Drive", "bpm": 128, "key": "F# minor",
                "artwork_path": "/A/cover.jpg",
                "files": [{"kind": "master", "path": "/A/m.wav", "folder": false, "size": 5}]
            })]
        );
    }

    #[test]
    fn the_profile_form_sets_every_field_it_shows() {
        let f = form("display_name=+Night+Owl+&bio=&avatar_url=https%3A%2F%2Fa.example%2Fa.png&header_url=&accent=%23ff0000&mode=light");
        assert_eq!(
            profile(&f),
            json!({
                "display_name": "Night Owl", "bio": null,
                "avatar_url": "https://a.example/a.png", "header_url": null,
                "theme": {"accent": "#ff0000", "mode": "light"}, "public_profile": false
            })
        );
    }
}
