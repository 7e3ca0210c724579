//! The JSON API for operators and producers, one file per resource: each
//! reads that resource's requests into `commands`, makes the decisions a
//! handler would otherwise make (conflicts, ownership), and shapes its
//! answers. All pure: the edge authenticates, loads and stores in between.

use chrono::{DateTime, SecondsFormat};
use serde::Serialize;

use crate::http::Reply;
use crate::limits;
use crate::policy::Millis;

pub mod dropbox;
pub mod input;
pub mod keys;
pub mod listing;
pub mod producers;
pub mod routes;
pub mod shares;
pub mod tracks;

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

    /// Too many failed authentications from this client (`throttle`).
    pub fn throttled() -> ApiError {
        ApiError::new(
            429,
            "rate_limited",
            "Too many requests without a valid key from here; wait a minute",
        )
    }

    /// Missing and someone else's look the same, so ids reveal nothing.
    pub fn not_found() -> ApiError {
        ApiError::new(404, "not_found", "No such object")
    }

    /// The request is valid but clashes with what is stored.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(409, code, message)
    }

    /// A storage or platform failure: ours, and worth retrying.
    pub fn unavailable() -> ApiError {
        ApiError::new(
            503,
            "unavailable",
            "The service is briefly unavailable; please retry",
        )
    }

    pub fn too_large() -> ApiError {
        ApiError::new(
            413,
            "body_too_large",
            format!("Request bodies are limited to {} bytes", limits::BODY_BYTES),
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
            429 => reply.with_header("retry-after", crate::throttle::RETRY_AFTER_S.to_string()),
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

/// An instant as the API writes it: RFC 3339 in UTC, to the millisecond.
pub fn time(ms: Millis) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn time_opt(ms: Option<Millis>) -> Option<String> {
    ms.map(time)
}

/// The status and field of a refusal, for the resources' tests.
#[cfg(test)]
pub(crate) fn refusal<T: std::fmt::Debug>(r: Result<T, ApiError>) -> (u16, String) {
    let e = r.unwrap_err();
    (e.status, e.field.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn the_document_states_the_limits_the_server_enforces() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
        let schema = |name: &str, pointer: &str| {
            doc["components"]["schemas"][name]
                .pointer(pointer)
                .and_then(serde_json::Value::as_u64)
                .unwrap_or_else(|| panic!("{name}{pointer}")) as usize
        };
        for name in ["NewTrack", "TrackPatch"] {
            assert_eq!(
                schema(name, "/properties/files/maxItems"),
                limits::FILES_PER_TRACK
            );
            assert_eq!(
                schema(name, "/properties/collaborators/maxItems"),
                limits::COLLABORATORS_PER_TRACK
            );
            assert_eq!(
                schema(name, "/properties/title/maxLength"),
                limits::TRACK_TITLE_CHARS
            );
        }
        for name in ["NewShare", "SharePatch"] {
            assert_eq!(
                schema(name, "/properties/track_ids/maxItems"),
                limits::TRACKS_PER_SHARE
            );
            assert_eq!(
                schema(name, "/properties/title/maxLength"),
                limits::SHARE_TITLE_CHARS
            );
            assert_eq!(
                schema(name, "/properties/description/maxLength"),
                limits::DESCRIPTION_CHARS
            );
        }
        assert_eq!(
            schema("Collaborator", "/properties/name/maxLength"),
            limits::PERSON_CHARS
        );
        assert_eq!(
            schema("NewFile", "/properties/label/maxLength"),
            limits::FILE_LABEL_CHARS
        );
        assert_eq!(
            schema("ProfilePatch", "/properties/display_name/maxLength"),
            limits::DISPLAY_NAME_CHARS
        );
        assert_eq!(
            schema("ProfilePatch", "/properties/bio/maxLength"),
            limits::BIO_CHARS
        );
    }

    #[test]
    fn instants_are_rfc3339_utc() {
        assert_eq!(time(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(time(1_764_316_800_123), "2025-11-28T08:00:00.123Z");
    }
}
