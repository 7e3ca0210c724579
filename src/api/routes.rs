//! The API's route table: which endpoint a method and path under `/api/` or
//! `/admin/` reach, and who may call it. The OpenAPI document lists exactly
//! these (a test holds them together).

use crate::ids::is_token;

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

fn matches<'a>(pattern: &str, path: &'a str) -> Option<&'a str> {
    let mut id = "";
    let mut parts = path.split('/');
    for expected in pattern.split('/') {
        let part = parts.next()?;
        if expected == "{id}" && is_token(part) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::OPENAPI;

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
}
