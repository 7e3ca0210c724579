//! Reading untrusted JSON bodies field by field. Each reader names the field
//! it refuses (`files[2].kind`), so a producer knows what to fix: a field of
//! the wrong JSON type is a 400, a well-typed value that breaks a rule a 422.
//! Unknown fields are refused (422), so a typo never silently does nothing.

use serde_json::{Map, Value};

use super::ApiError;
use crate::commands::Patch;
use crate::ids::is_token;
use crate::limits::{self, BODY_BYTES};

/// Parses a request body that must be a JSON object.
pub fn parse_body(bytes: &[u8]) -> Result<Value, ApiError> {
    if bytes.len() > BODY_BYTES {
        return Err(ApiError::too_large());
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            400,
            "malformed_json",
            format!("The body is not valid JSON: {e}"),
        )
    })?;
    if !value.is_object() {
        return Err(ApiError::wrong_type("body", "a JSON object"));
    }
    Ok(value)
}

/// How a text field is cleaned and bounded.
#[derive(Debug, Clone, Copy)]
pub struct Text {
    pub max_chars: usize,
    /// Line breaks and tabs are kept (bio, description); elsewhere they are
    /// refused like every other control character.
    pub multiline: bool,
}

impl Text {
    pub const fn line(max_chars: usize) -> Text {
        Text {
            max_chars,
            multiline: false,
        }
    }

    pub const fn paragraphs(max_chars: usize) -> Text {
        Text {
            max_chars,
            multiline: true,
        }
    }
}

/// One JSON object in a body, with the path that names it in errors.
pub struct Object<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Object<'a> {
    /// The body itself, which `parse_body` has checked is an object.
    pub fn root(body: &'a Value) -> Result<Object<'a>, ApiError> {
        Object::of(body, String::new())
    }

    fn of(value: &'a Value, path: String) -> Result<Object<'a>, ApiError> {
        match value {
            Value::Object(map) => Ok(Object { map, path }),
            _ => Err(ApiError::wrong_type(
                if path.is_empty() { "body" } else { &path },
                "an object",
            )),
        }
    }

    pub fn path(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    /// Refuses any field not in `known`.
    pub fn only(&self, known: &[&str]) -> Result<(), ApiError> {
        match self.map.keys().find(|k| !known.contains(&k.as_str())) {
            None => Ok(()),
            Some(unknown) => {
                let field = self.path(unknown);
                Err(ApiError::invalid(
                    &field,
                    "unknown_field",
                    format!(
                        "`{field}` is not a field here; known fields: {}",
                        known.join(", ")
                    ),
                ))
            }
        }
    }

    /// Reads a field that is present and not null with `read` (which may
    /// answer `None` to clear it); absent stays `None`, `null` is `Some(None)`.
    fn read<T>(
        &self,
        name: &str,
        read: impl FnOnce(&'a Value, &str) -> Result<Option<T>, ApiError>,
    ) -> Result<Patch<T>, ApiError> {
        match self.map.get(name) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(value) => read(value, &self.path(name)).map(Some),
        }
    }

    /// Checks a value that another reader produced, when there is one.
    fn refine<T, U>(
        &self,
        name: &str,
        value: Patch<T>,
        check: impl FnOnce(T, &str) -> Result<U, ApiError>,
    ) -> Result<Patch<U>, ApiError> {
        match value {
            Some(Some(v)) => check(v, &self.path(name)).map(|u| Some(Some(u))),
            Some(None) => Ok(Some(None)),
            None => Ok(None),
        }
    }

    fn require<T>(&self, name: &str, value: Patch<T>) -> Result<T, ApiError> {
        value.flatten().ok_or_else(|| {
            let field = self.path(name);
            ApiError::invalid(&field, "missing_field", format!("`{field}` is required"))
        })
    }

    /// Trimmed text; empty or null clears it. The limit counts the text as
    /// sent, so the document's `maxLength` and this agree.
    pub fn text(&self, name: &str, rule: Text) -> Result<Patch<String>, ApiError> {
        self.read(name, |value, field| {
            let sent = string(value, field, rule.max_chars)?;
            let cleaned = clean_text(sent, rule.multiline);
            if let Some(problem) = spoofing(&cleaned, rule.multiline) {
                return Err(ApiError::invalid(
                    field,
                    "invalid_text",
                    format!("`{field}` {problem}"),
                ));
            }
            Ok((!cleaned.is_empty()).then_some(cleaned))
        })
    }

    pub fn required_text(&self, name: &str, rule: Text) -> Result<String, ApiError> {
        let text = self.text(name, rule)?;
        self.require(name, text)
    }

    /// Text a PATCH may change but not clear: `None` when absent.
    pub fn replacement_text(&self, name: &str, rule: Text) -> Result<Option<String>, ApiError> {
        match self.text(name, rule)? {
            None => Ok(None),
            Some(Some(text)) => Ok(Some(text)),
            Some(None) => {
                let field = self.path(name);
                Err(ApiError::invalid(
                    &field,
                    "missing_field",
                    format!("`{field}` cannot be empty"),
                ))
            }
        }
    }

    /// A string taken exactly as sent (no trimming) and read by `read`,
    /// which says what is wrong with it as the rest of a sentence about the
    /// field; `null` clears it.
    fn exact<T>(
        &self,
        name: &str,
        max_chars: usize,
        code: &'static str,
        read: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Patch<T>, ApiError> {
        self.read(name, |value, field| {
            let sent = string(value, field, max_chars)?;
            read(sent)
                .map(Some)
                .map_err(|wrong| ApiError::invalid(field, code, format!("`{field}` {wrong}")))
        })
    }

    /// One of a set of words or a fixed format, read by `parse`; anything
    /// else (the empty string included) is refused as `code`, saying what is
    /// `expected`.
    pub fn choice<T>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Option<T>,
        code: &'static str,
        expected: &str,
    ) -> Result<Patch<T>, ApiError> {
        self.exact(name, 100, code, |s| {
            parse(s).ok_or_else(|| format!("must be {expected}"))
        })
    }

    /// An `https://` URL with a host and no credentials, exactly as sent:
    /// printable ASCII, none of the characters a URI may not hold.
    pub fn https_url(&self, name: &str) -> Result<Patch<String>, ApiError> {
        self.exact(name, limits::URL_CHARS, "invalid_url", |sent| {
            let plain = sent
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b));
            let ok = plain
                && sent.starts_with("https://")
                && url::Url::parse(sent).is_ok_and(|u| {
                    u.host_str().is_some_and(|h| !h.is_empty())
                        && u.username().is_empty()
                        && u.password().is_none()
                });
            ok.then(|| sent.to_owned())
                .ok_or_else(|| "must be an https:// URL".to_owned())
        })
    }

    /// A Dropbox path (`/Folder/File.wav`) or file id (`id:…`), as sent. A
    /// trailing slash is dropped; the root itself names no file.
    pub fn dropbox_path(&self, name: &str) -> Result<Patch<String>, ApiError> {
        self.exact(name, limits::DROPBOX_PATH_CHARS, "invalid_path", |sent| {
            let path = if sent.starts_with("id:") {
                sent
            } else {
                sent.strip_suffix('/').unwrap_or(sent)
            };
            let valid = (path.starts_with('/')
                && path.len() > 1
                && !path.contains("//")
                && !path.ends_with('/'))
                || (path.starts_with("id:") && path.len() > 3);
            if !valid {
                return Err(
                    "must be a Dropbox path starting with `/` (or an `id:` file id)".into(),
                );
            }
            match spoofing(path, false) {
                Some(problem) => Err(problem.to_owned()),
                None => Ok(path.to_owned()),
            }
        })
    }

    pub fn required_dropbox_path(&self, name: &str) -> Result<String, ApiError> {
        let path = self.dropbox_path(name)?;
        self.require(name, path)
    }

    /// A number within `min..=max`.
    pub fn number(&self, name: &str, min: f64, max: f64) -> Result<Patch<f64>, ApiError> {
        self.read(name, |value, field| {
            let n = value
                .as_f64()
                .ok_or_else(|| ApiError::wrong_type(field, "a number"))?;
            if (min..=max).contains(&n) {
                Ok(Some(n))
            } else {
                Err(ApiError::invalid(
                    field,
                    "out_of_range",
                    format!("`{field}` must be from {min} to {max}"),
                ))
            }
        })
    }

    /// A whole number within `min..=max`.
    pub fn integer(&self, name: &str, min: i64, max: i64) -> Result<Patch<i64>, ApiError> {
        let number = self.number(name, min as f64, max as f64)?;
        self.refine(name, number, |n, field| {
            if n.fract() == 0.0 {
                Ok(n as i64)
            } else {
                Err(ApiError::invalid(
                    field,
                    "not_whole",
                    format!("`{field}` must be a whole number"),
                ))
            }
        })
    }

    /// A boolean; `null` is not one.
    pub fn boolean(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.map.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::wrong_type(&self.path(name), "true or false")),
        }
    }

    /// A nested object; `null` clears it.
    pub fn object(&self, name: &str) -> Result<Patch<Object<'a>>, ApiError> {
        self.read(name, |value, field| {
            Object::of(value, field.to_string()).map(Some)
        })
    }

    /// A field that must be present and not null, as it came.
    pub fn required(&self, name: &str) -> Result<&'a Value, ApiError> {
        let value = self.read(name, |value, _| Ok(Some(value)))?;
        self.require(name, value)
    }

    /// The raw value of a field, for the rare field with several shapes.
    pub fn value(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name)
    }

    /// An array of `min..=max` items, each read by `item` (which gets the
    /// item's value and its path, e.g. `files[2]`).
    pub fn array<T>(
        &self,
        name: &str,
        min: usize,
        max: usize,
        item: impl Fn(&'a Value, String) -> Result<T, ApiError>,
    ) -> Result<Option<Vec<T>>, ApiError> {
        let Some(value) = self.map.get(name) else {
            return Ok(None);
        };
        let field = self.path(name);
        let items = value
            .as_array()
            .ok_or_else(|| ApiError::wrong_type(&field, "an array"))?;
        if !(min..=max).contains(&items.len()) {
            return Err(ApiError::invalid(
                &field,
                "wrong_count",
                format!("`{field}` must hold {min} to {max} items"),
            ));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, v)| item(v, format!("{field}[{i}]")))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    pub fn required_array<T>(
        &self,
        name: &str,
        min: usize,
        max: usize,
        item: impl Fn(&'a Value, String) -> Result<T, ApiError>,
    ) -> Result<Vec<T>, ApiError> {
        let items = self.array(name, min, max, item)?;
        self.require(name, items.map(Some))
    }
}

/// A JSON string of at most `max_chars` characters.
fn string<'v>(value: &'v Value, field: &str, max_chars: usize) -> Result<&'v str, ApiError> {
    let s = value
        .as_str()
        .ok_or_else(|| ApiError::wrong_type(field, "a string"))?;
    if s.chars().count() > max_chars {
        return Err(ApiError::invalid(
            field,
            "too_long",
            format!("`{field}` is limited to {max_chars} characters"),
        ));
    }
    Ok(s)
}

/// An array item that must be an object.
pub fn item_object(value: &Value, path: String) -> Result<Object<'_>, ApiError> {
    Object::of(value, path)
}

/// An array item that must be a string id.
pub fn item_id(value: &Value, path: String) -> Result<String, ApiError> {
    let id = value
        .as_str()
        .ok_or_else(|| ApiError::wrong_type(&path, "a string id"))?;
    if is_token(id) {
        Ok(id.to_string())
    } else {
        Err(ApiError::invalid(
            &path,
            "unknown_id",
            format!("`{path}` is not an id this API issued"),
        ))
    }
}

/// Characters that reorder how text around them is shown (bidi embeddings,
/// overrides and isolates): with them a name can pose as another.
fn reorders(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters with nothing to show: zero-width spaces and joiners, word
/// joiners, the byte-order mark and invisible operators. Legitimate inside
/// text (a joiner in an emoji or in Persian), never as all of it.
fn invisible(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{034f}' | '\u{115f}' | '\u{1160}' | '\u{180e}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{3164}' | '\u{feff}' | '\u{ffa0}')
}

/// Why cleaned text cannot stand as a producer wrote it, if it cannot:
/// control characters (other than the line breaks and tabs multi-line text
/// keeps), reordering characters, or nothing visible at all.
fn spoofing(text: &str, multiline: bool) -> Option<&'static str> {
    let kept = |c: char| multiline && matches!(c, '\n' | '\t');
    if text.contains(|c: char| c.is_control() && !kept(c)) {
        Some("contains control characters")
    } else if text.contains(reorders) {
        Some("contains characters that reorder text (bidi controls)")
    } else if !text.is_empty() && text.chars().all(|c| invisible(c) || c.is_whitespace()) {
        Some("holds only invisible characters")
    } else {
        None
    }
}

/// Trims, and makes line endings `\n` so limits count what a reader sees.
fn clean_text(s: &str, multiline: bool) -> String {
    let trimmed = s.trim();
    if multiline {
        trimmed.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field_error<T: std::fmt::Debug>(r: Result<T, ApiError>) -> (u16, &'static str, String) {
        let e = r.unwrap_err();
        (e.status, e.code, e.field.unwrap_or_default())
    }

    #[test]
    fn bodies_must_be_small_valid_json_objects() {
        assert_eq!(parse_body(b"{").unwrap_err().status, 400);
        assert_eq!(parse_body(b"{").unwrap_err().code, "malformed_json");
        assert_eq!(parse_body(b"[1]").unwrap_err().code, "wrong_type");
        assert_eq!(parse_body(b"1e999").unwrap_err().status, 400);
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(parse_body(deep.as_bytes()).unwrap_err().status, 400);
        let big = format!(r#"{{"bio": "{}"}}"#, "a".repeat(BODY_BYTES));
        assert_eq!(parse_body(big.as_bytes()).unwrap_err().status, 413);
        assert!(parse_body(br#"{"a": 1}"#).is_ok());
    }

    #[test]
    fn text_is_trimmed_bounded_and_free_of_control_characters() {
        let body = json!({"t": "  Night Owl \n", "e": "   ", "n": null, "c": "a\u{0}b", "tab": "a\tb",
                          "nl": "a\r\nb", "long": "é".repeat(81), "num": 5});
        let o = Object::root(&body).unwrap();
        let line = Text::line(80);
        assert_eq!(o.text("t", line).unwrap(), Some(Some("Night Owl".into())));
        assert_eq!(o.text("e", line).unwrap(), Some(None));
        assert_eq!(o.text("n", line).unwrap(), Some(None));
        assert_eq!(o.text("absent", line).unwrap(), None);
        assert!(o.text("tab", Text::paragraphs(10)).is_ok());
        assert_eq!(
            o.text("nl", Text::paragraphs(10)).unwrap(),
            Some(Some("a\nb".into()))
        );
        assert!(o.text("long", Text::line(81)).is_ok());
        for (field, rule, refused) in [
            ("c", line, (422, "invalid_text")),
            ("nl", line, (422, "invalid_text")),
            ("tab", line, (422, "invalid_text")),
            // Limits count characters, not bytes.
            ("long", line, (422, "too_long")),
            // What was sent counts, spaces a trim would drop included.
            ("t", Text::line(10), (422, "too_long")),
            ("num", line, (400, "wrong_type")),
        ] {
            let expected = (refused.0, refused.1, field.to_string());
            assert_eq!(field_error(o.text(field, rule)), expected);
        }
        assert_eq!(
            field_error(o.required_text("e", line)),
            (422, "missing_field", "e".into())
        );
    }

    #[test]
    fn text_that_hides_or_reorders_itself_is_refused() {
        let body = json!({"rlo": "Night \u{202e}lwO", "iso": "a\u{2067}b", "zw": "\u{200b}\u{200d} \u{feff}",
                          "emoji": "DJ \u{1f469}\u{200d}\u{1f3a4}", "farsi": "\u{645}\u{6cc}\u{200c}\u{62e}\u{648}\u{627}\u{647}\u{645}"});
        let o = Object::root(&body).unwrap();
        let line = Text::line(80);
        for field in ["rlo", "iso", "zw"] {
            assert_eq!(
                field_error(o.text(field, line)),
                (422, "invalid_text", field.into())
            );
        }
        for field in ["emoji", "farsi"] {
            assert!(o.text(field, line).unwrap().is_some(), "{field}");
        }
    }

    #[test]
    fn urls_must_be_https_with_a_host() {
        let body = json!({"ok": "https://cdn.example.com/a.png", "http": "http://x.com/a.png",
                          "js": "javascript:alert(1)", "creds": "https://u:p@x.com/",
                          "rel": "/a.png", "clear": null, "empty": "", "padded": " https://x.com/a.png",
                          "spaced": "https://x.com/a b.png"});
        let o = Object::root(&body).unwrap();
        assert_eq!(
            o.https_url("ok").unwrap(),
            Some(Some("https://cdn.example.com/a.png".into()))
        );
        for bad in ["http", "js", "creds", "rel", "empty", "padded", "spaced"] {
            assert_eq!(
                field_error(o.https_url(bad)),
                (422, "invalid_url", bad.into())
            );
        }
        assert_eq!(o.https_url("clear").unwrap(), Some(None));
        assert_eq!(o.https_url("absent").unwrap(), None);
    }

    #[test]
    fn dropbox_paths_are_absolute_or_file_ids() {
        let body = json!({"a": "/Mixes/Song.wav", "dir": "/Stems/", "id": "id:a4ayc_80_OEAAAAAAAAAXw",
                          "rel": "Mixes/Song.wav", "root": "/", "dbl": "/a//b", "emoji": "/Mixes/Café 🎧.wav",
                          "padded": " /Mixes/Song.wav", "empty": "", "slashes": "/Stems//"});
        let o = Object::root(&body).unwrap();
        assert_eq!(o.required_dropbox_path("a").unwrap(), "/Mixes/Song.wav");
        assert_eq!(o.required_dropbox_path("dir").unwrap(), "/Stems");
        assert_eq!(
            o.required_dropbox_path("emoji").unwrap(),
            "/Mixes/Café 🎧.wav"
        );
        assert!(o.required_dropbox_path("id").is_ok());
        for bad in ["rel", "root", "dbl", "padded", "empty", "slashes"] {
            assert_eq!(
                field_error(o.required_dropbox_path(bad)),
                (422, "invalid_path", bad.into())
            );
        }
    }

    #[test]
    fn numbers_are_range_checked_and_typed() {
        let body = json!({"bpm": 128.5, "big": 1e300, "neg": -1, "s": "128", "days": 2.5, "d": 30});
        let o = Object::root(&body).unwrap();
        assert_eq!(o.number("bpm", 1.0, 400.0).unwrap(), Some(Some(128.5)));
        for (field, status, code) in [
            ("big", 422, "out_of_range"),
            ("neg", 422, "out_of_range"),
            ("s", 400, "wrong_type"),
        ] {
            let refused = field_error(o.number(field, 1.0, 400.0));
            assert_eq!(refused, (status, code, field.to_string()));
        }
        let refused = field_error(o.integer("days", 1, 365));
        assert_eq!(refused, (422, "not_whole", "days".into()));
        assert_eq!(o.integer("d", 1, 365).unwrap(), Some(Some(30)));
    }

    #[test]
    fn nested_errors_name_the_full_path_and_unknown_fields_are_refused() {
        let body = json!({"files": [{"kind": "master"}, {"kind": 3}], "extra": 1});
        let o = Object::root(&body).unwrap();
        let err = o
            .required_array("files", 1, 2, |v, path| {
                item_object(v, path)?.required_text("kind", Text::line(10))
            })
            .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("files[1].kind"));
        assert_eq!(err.status, 400);
        assert_eq!(
            field_error(o.only(&["files"])),
            (422, "unknown_field", "extra".into())
        );
        assert_eq!(
            field_error(o.array("files", 3, 5, |_, _| Ok(()))),
            (422, "wrong_count", "files".into())
        );
        assert_eq!(
            field_error(o.required_array("missing", 1, 2, |_, _| Ok(()))),
            (422, "missing_field", "missing".into())
        );
    }
}
