//! Which handler a request goes to, decided from its method and path alone.
//! Anything that cannot be a valid address is answered here, before any
//! storage is touched.

use crate::api::routes::{self as api, ApiRoute};
use crate::assets::{self, Asset};
use crate::console::routes::{self as console, ConsoleRoute};
use crate::dropbox::thumbnails::ThumbSize;
use crate::ids::{is_handle, is_token};

#[derive(Debug, PartialEq, Eq)]
pub enum Route<'a> {
    SharePage {
        token: &'a str,
    },
    Profile {
        handle: &'a str,
    },
    /// The audio player's source: a redirect to the playable file.
    Play {
        token: &'a str,
        track_id: &'a str,
    },
    /// A download: a redirect for a file, a streamed ZIP for a folder.
    File {
        token: &'a str,
        file_id: &'a str,
    },
    /// A track's cover as a thumbnail of `size` (tiles at `/art/{id}`, the
    /// featured cover and link previews at `/art/{id}/large`).
    Artwork {
        token: &'a str,
        track_id: &'a str,
        size: ThumbSize,
    },
    /// Where Dropbox sends a producer back after they granted access.
    DropboxCallback,
    Asset(&'static Asset),
    /// Everything under `/api/` and `/admin/` answers in JSON.
    Api(ApiRoute<'a>),
    /// The producer console's pages and forms.
    Console(ConsoleRoute<'a>),
    NotFound,
    MethodNotAllowed {
        allow: &'static str,
    },
}

const READ_ONLY: &str = "GET, HEAD";

pub fn route<'a>(method: &str, path: &'a str) -> Route<'a> {
    if ["/api/", "/admin/"].iter().any(|p| path.starts_with(p)) {
        return Route::Api(api::route(method, path));
    }
    if path == "/console" || path.starts_with("/console/") {
        return Route::Console(console::route(method, path));
    }
    let read_only = matches!(method, "GET" | "HEAD");
    let target = match path
        .strip_prefix('/')
        .unwrap_or(path)
        .split('/')
        .collect::<Vec<_>>()[..]
    {
        ["s", token] | ["s", token, ""] if is_token(token) => Route::SharePage { token },
        ["u", handle] | ["u", handle, ""] if is_handle(handle) => Route::Profile { handle },
        ["s", token, "play", track_id] if is_token(token) && is_token(track_id) => {
            Route::Play { token, track_id }
        }
        ["s", token, "files", file_id] if is_token(token) && is_token(file_id) => {
            Route::File { token, file_id }
        }
        ["s", token, "art", track_id] if is_token(token) && is_token(track_id) => Route::Artwork {
            token,
            track_id,
            size: ThumbSize::Tile,
        },
        ["s", token, "art", track_id, "large"] if is_token(token) && is_token(track_id) => {
            Route::Artwork {
                token,
                track_id,
                size: ThumbSize::Large,
            }
        }
        ["oauth", "dropbox", "callback"] => Route::DropboxCallback,
        ["assets", _] => match assets::by_path(path) {
            Some(asset) => Route::Asset(asset),
            None => return Route::NotFound,
        },
        _ => return Route::NotFound,
    };
    if read_only {
        target
    } else {
        Route::MethodNotAllowed { allow: READ_ONLY }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_pages_are_found_by_token() {
        assert_eq!(
            route("GET", "/s/abc_DEF-123"),
            Route::SharePage {
                token: "abc_DEF-123"
            }
        );
        assert_eq!(route("HEAD", "/s/abc/"), Route::SharePage { token: "abc" });
    }

    #[test]
    fn profiles_are_found_by_handle() {
        assert_eq!(
            route("GET", "/u/night-owl9"),
            Route::Profile {
                handle: "night-owl9"
            }
        );
        for path in [
            "/u/ab",
            "/u/NightOwl",
            "/u/night_owl",
            &format!("/u/{}", "a".repeat(33)),
        ] {
            assert_eq!(route("GET", path), Route::NotFound, "{path}");
        }
    }

    #[test]
    fn malformed_tokens_are_not_found_without_a_lookup() {
        for path in [
            "/s/",
            "/s",
            "/s/a%20b",
            "/s/<script>",
            "/s/a.b",
            &format!("/s/{}", "a".repeat(65)),
            "/s/abc/extra/segments",
        ] {
            assert_eq!(route("GET", path), Route::NotFound, "{path}");
        }
    }

    #[test]
    fn file_routes_name_the_share_and_what_they_serve() {
        assert_eq!(
            route("GET", "/s/tok/play/trk_1"),
            Route::Play {
                token: "tok",
                track_id: "trk_1"
            }
        );
        assert_eq!(
            route("HEAD", "/s/tok/files/fil-2"),
            Route::File {
                token: "tok",
                file_id: "fil-2"
            }
        );
        assert_eq!(
            route("GET", "/s/tok/art/trk_1"),
            Route::Artwork {
                token: "tok",
                track_id: "trk_1",
                size: ThumbSize::Tile
            }
        );
        assert_eq!(
            route("GET", "/s/tok/art/trk_1/large"),
            Route::Artwork {
                token: "tok",
                track_id: "trk_1",
                size: ThumbSize::Large
            }
        );
        assert_eq!(
            route("GET", "/oauth/dropbox/callback"),
            Route::DropboxCallback
        );
        for path in [
            "/s/tok/files/a.b",
            "/s/tok/play/",
            "/s/tok/files/x/y",
            "/s/t%20k/art/a",
            "/s/tok/art/a/huge",
        ] {
            assert_eq!(route("GET", path), Route::NotFound, "{path}");
        }
        assert_eq!(
            route("POST", "/s/tok/files/f"),
            Route::MethodNotAllowed { allow: "GET, HEAD" }
        );
    }

    #[test]
    fn writes_to_pages_are_refused_with_the_allowed_methods() {
        assert_eq!(
            route("POST", "/s/abc"),
            Route::MethodNotAllowed { allow: "GET, HEAD" }
        );
        assert_eq!(
            route("DELETE", &assets::stylesheet().path),
            Route::MethodNotAllowed { allow: "GET, HEAD" }
        );
    }

    #[test]
    fn unknown_paths_are_not_found() {
        for path in [
            "/",
            "/favicon.ico",
            "/api",
            "/s/abc/files",
            "/assets/app.css",
        ] {
            assert_eq!(route("GET", path), Route::NotFound, "{path}");
        }
        assert!(matches!(
            route("GET", &assets::stylesheet().path),
            Route::Asset(_)
        ));
        assert!(matches!(
            route("GET", "/api/nope"),
            Route::Api(ApiRoute::NotFound)
        ));
    }
}
