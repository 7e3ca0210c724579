//! The JSON API for operators and producers: its routes, its errors, what it
//! accepts (`requests`) and what it answers (`responses`). All pure: the edge
//! authenticates, loads and stores, and calls in here for every decision.

use serde::Serialize;

use crate::http::Reply;
use crate::policy::Millis;
use requests::FileInput;

pub mod input;
pub mod requests;
pub mod responses;

/// Request bodies larger than this are refused before they are parsed.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Enough for a key per machine or collaborator tool, few enough that a
/// leaked key cannot mint an unbounded supply of others.
pub const MAX_ACTIVE_KEYS: i64 = 20;

/// Everything the API can do; one row of `ENDPOINTS` each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    CreateProducer,
    GetMe,
    PatchMe,
    ListKeys,
    CreateKey,
    RevokeKey,
    ListTracks,
    CreateTrack,
    GetTrack,
    PatchTrack,
    DeleteTrack,
    ListShares,
    CreateShare,
    GetShare,
    PatchShare,
    RevokeShare,
    OpenApi,
    DropboxConnect,
}

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Anyone,
    Operator,
    Producer,
}

/// The route table: method, path pattern (`{id}` is one opaque id segment, as
/// in the OpenAPI document, which a test holds to this table) and endpoint.
pub const ENDPOINTS: [(&str, &str, Endpoint); 18] = [
    ("POST", "/admin/producers", Endpoint::CreateProducer),
    ("GET", "/api/me", Endpoint::GetMe),
    ("PATCH", "/api/me", Endpoint::PatchMe),
    ("GET", "/api/keys", Endpoint::ListKeys),
    ("POST", "/api/keys", Endpoint::CreateKey),
    ("DELETE", "/api/keys/{id}", Endpoint::RevokeKey),
    ("GET", "/api/tracks", Endpoint::ListTracks),
    ("POST", "/api/tracks", Endpoint::CreateTrack),
    ("GET", "/api/tracks/{id}", Endpoint::GetTrack),
    ("PATCH", "/api/tracks/{id}", Endpoint::PatchTrack),
    ("DELETE", "/api/tracks/{id}", Endpoint::DeleteTrack),
    ("GET", "/api/shares", Endpoint::ListShares),
    ("POST", "/api/shares", Endpoint::CreateShare),
    ("GET", "/api/shares/{id}", Endpoint::GetShare),
    ("PATCH", "/api/shares/{id}", Endpoint::PatchShare),
    ("DELETE", "/api/shares/{id}", Endpoint::RevokeShare),
    ("GET", "/api/openapi.json", Endpoint::OpenApi),
    ("GET", "/api/dropbox/connect", Endpoint::DropboxConnect),
];

impl Endpoint {
    pub fn caller(self) -> Caller {
        match self {
            Endpoint::CreateProducer => Caller::Operator,
            Endpoint::OpenApi => Caller::Anyone,
            _ => Caller::Producer,
        }
    }
}

/// A request the API table recognised.
#[derive(Debug, PartialEq, Eq)]
pub enum ApiRoute<'a> {
    Call {
        endpoint: Endpoint,
        /// The `{id}` segment, empty for routes without one.
        id: &'a str,
    },
    /// The path exists, the method does not: the methods that do.
    MethodNotAllowed {
        allow: String,
    },
    NotFound,
}

/// Ids are ours (URL-safe random tokens), so anything else cannot name an
/// object and is refused without a lookup.
fn is_id(s: &str) -> bool {
    crate::routes::is_token(s)
}

fn matches<'a>(pattern: &str, path: &'a str) -> Option<&'a str> {
    let mut id = "";
    let mut parts = path.split('/');
    for expected in pattern.split('/') {
        let part = parts.next()?;
        if expected == "{id}" && is_id(part) {
            id = part;
        } else if expected != part {
            return None;
        }
    }
    parts.next().is_none().then_some(id)
}

/// Routes a path under `/api/` or `/admin/`.
pub fn route<'a>(method: &str, path: &'a str) -> ApiRoute<'a> {
    let path = path.strip_suffix('/').unwrap_or(path);
    let mut allow = Vec::new();
    for (m, pattern, endpoint) in ENDPOINTS {
        if let Some(id) = matches(pattern, path) {
            if m == method {
                return ApiRoute::Call { endpoint, id };
            }
            allow.push(m);
        }
    }
    if allow.is_empty() {
        ApiRoute::NotFound
    } else {
        ApiRoute::MethodNotAllowed {
            allow: allow.join(", "),
        }
    }
}

/// A key's `last_used_at` is refreshed at most hourly: enough to tell which
/// keys are still in use, without a write on every request.
pub fn key_use_worth_recording(last_used_at: Option<Millis>, now: Millis) -> bool {
    last_used_at.is_none_or(|at| now - at >= 3_600_000)
}

/// A PATCH may keep only files the track has.
pub fn check_kept_files(files: &[FileInput], known: &[&str]) -> Result<(), ApiError> {
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

/// The committed OpenAPI 3.1 description of this API, served as is.
pub const OPENAPI: &str = include_str!("openapi.json");

/// An answer that is not a success, as the contract shapes it:
/// `{"error": {"code", "message"}}`, plus the offending `field` when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
        }
    }

    /// Valid JSON that breaks a rule about one field.
    pub fn invalid(field: &str, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            field: Some(field.to_string()),
            ..ApiError::new(422, code, message)
        }
    }

    /// A field of the wrong JSON type.
    pub fn wrong_type(field: &str, expected: &str) -> ApiError {
        ApiError {
            field: Some(field.to_string()),
            ..ApiError::new(400, "wrong_type", format!("`{field}` must be {expected}"))
        }
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            401,
            "unauthorized",
            "A valid key is required: send `Authorization: Bearer <key>`",
        )
    }

    /// Missing and someone else's look the same, so ids reveal nothing.
    pub fn not_found() -> ApiError {
        ApiError::new(404, "not_found", "No such object")
    }

    pub fn too_large() -> ApiError {
        ApiError::new(
            413,
            "body_too_large",
            format!("Request bodies are limited to {MAX_BODY_BYTES} bytes"),
        )
    }

    pub fn reply(&self) -> Reply {
        #[derive(Serialize)]
        struct Body<'a> {
            error: Inner<'a>,
        }
        #[derive(Serialize)]
        struct Inner<'a> {
            code: &'a str,
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            field: Option<&'a str>,
        }
        let body = Body {
            error: Inner {
                code: self.code,
                message: &self.message,
                field: self.field.as_deref(),
            },
        };
        let reply = Reply::json(self.status, to_json(&body));
        match self.status {
            401 => reply.with_header("www-authenticate", "Bearer"),
            503 => reply.with_header("retry-after", "5"),
            _ => reply,
        }
    }
}

pub fn method_not_allowed(allow: String) -> Reply {
    ApiError::new(
        405,
        "method_not_allowed",
        format!("This address accepts {allow}"),
    )
    .reply()
    .with_header("allow", allow)
}

/// Serialising our own response types cannot fail: they are plain structs of
/// strings, numbers and options.
pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| String::from("{}"))
}

pub fn ok<T: Serialize>(status: u16, value: &T) -> Reply {
    Reply::json(status, to_json(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_found_by_method_and_path() {
        assert_eq!(
            route("GET", "/api/me"),
            ApiRoute::Call {
                endpoint: Endpoint::GetMe,
                id: ""
            }
        );
        assert_eq!(
            route("PATCH", "/api/tracks/trk_1/"),
            ApiRoute::Call {
                endpoint: Endpoint::PatchTrack,
                id: "trk_1"
            }
        );
        assert_eq!(
            route("PUT", "/api/tracks/trk_1"),
            ApiRoute::MethodNotAllowed {
                allow: "GET, PATCH, DELETE".into()
            }
        );
        for path in [
            "/api",
            "/api/",
            "/api/nope",
            "/api/tracks/a.b",
            "/api/tracks/x/y",
            "/admin",
        ] {
            assert_eq!(route("GET", path), ApiRoute::NotFound, "{path}");
        }
    }

    #[test]
    fn every_routed_endpoint_is_in_the_openapi_document_and_nothing_else_is() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        let mut documented: Vec<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, ops)| {
                ops.as_object()
                    .unwrap()
                    .keys()
                    .filter(|k| *k != "parameters")
                    .map(move |m| (m.to_uppercase(), path.clone()))
            })
            .collect();
        let mut routed: Vec<(String, String)> = ENDPOINTS
            .iter()
            .map(|(m, p, _)| (m.to_string(), p.to_string()))
            .collect();
        documented.sort();
        routed.sort();
        assert_eq!(documented, routed);
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
    fn kept_files_must_belong_to_the_track() {
        let file = |id: Option<&str>| FileInput {
            id: id.map(str::to_string),
            kind: crate::model::FileKind::Master,
            path: "/a.wav".into(),
            folder: false,
            label: None,
        };
        assert!(check_kept_files(&[file(Some("f1")), file(None)], &["f1"]).is_ok());
        let e = check_kept_files(&[file(None), file(Some("f9"))], &["f1"]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("files[1].id"));
    }

    #[test]
    fn key_use_is_recorded_at_most_hourly() {
        assert!(key_use_worth_recording(None, 0));
        assert!(!key_use_worth_recording(Some(1_000), 3_600_999));
        assert!(key_use_worth_recording(Some(1_000), 3_601_000));
    }

    #[test]
    fn errors_have_the_contract_shape() {
        let reply = ApiError::invalid("bpm", "out_of_range", "`bpm` must be 1 to 400").reply();
        assert_eq!(reply.status, 422);
        assert_eq!(reply.header("content-type"), Some("application/json"));
        let body: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(body["error"]["code"], "out_of_range");
        assert_eq!(body["error"]["field"], "bpm");
        assert_eq!(body["error"]["message"], "`bpm` must be 1 to 400");
        let unauthorized = ApiError::unauthorized().reply();
        assert_eq!(unauthorized.header("www-authenticate"), Some("Bearer"));
        let refused = method_not_allowed("GET, POST".into());
        assert_eq!(refused.status, 405);
        assert_eq!(refused.header("allow"), Some("GET, POST"));
    }
}
