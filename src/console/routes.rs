//! The console's addresses. Pages are GETs; every change is a POST of a
//! form (which the edge checks for CSRF before anything else).

use crate::ids::is_token;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page<'a> {
    /// The sign-in form, or the overview of shares when signed in.
    Home,
    Library,
    Track(&'a str),
    /// A track's cover, from the producer's Dropbox.
    Artwork(&'a str),
    /// Browsing the connected Dropbox (`?path=`, `?cursor=`).
    Import,
    /// The tracks a picked folder proposes (`?path=`).
    Proposal,
    NewShare,
    Share(&'a str),
    Profile,
    /// The producer's API keys.
    Keys,
    /// The link `GET /api/dropbox/connect` hands out (`?state=`).
    ConnectLink,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    SignOut,
    SignOutEverywhere,
    UpdateTrack(&'a str),
    DeleteTrack(&'a str),
    Import,
    CreateShare,
    UpdateShare(&'a str),
    RevokeShare(&'a str),
    UpdateProfile,
    CreateKey,
    RevokeKey(&'a str),
    Connect,
    Disconnect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleRoute<'a> {
    Page(Page<'a>),
    /// The sign-in form's answer: the one form without a session.
    SignIn,
    Action(Action<'a>),
    NotFound,
    MethodNotAllowed {
        allow: &'static str,
    },
}

/// `path` starts with `/console`.
pub fn route<'a>(method: &str, path: &'a str) -> ConsoleRoute<'a> {
    let rest = path.strip_prefix("/console").unwrap_or(path);
    let parts: Vec<&'a str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    let page = match parts[..] {
        [] => Some(Page::Home),
        ["library"] => Some(Page::Library),
        ["tracks", id] if is_token(id) => Some(Page::Track(id)),
        ["art", id] if is_token(id) => Some(Page::Artwork(id)),
        ["import"] => Some(Page::Import),
        ["import", "proposal"] => Some(Page::Proposal),
        ["shares", "new"] => Some(Page::NewShare),
        ["shares", id] if is_token(id) => Some(Page::Share(id)),
        ["profile"] => Some(Page::Profile),
        ["keys"] => Some(Page::Keys),
        ["dropbox", "connect"] => Some(Page::ConnectLink),
        _ => None,
    };
    let action = match parts[..] {
        ["sign-out"] => Some(Action::SignOut),
        ["sign-out-everywhere"] => Some(Action::SignOutEverywhere),
        ["tracks", id] if is_token(id) => Some(Action::UpdateTrack(id)),
        ["tracks", id, "delete"] if is_token(id) => Some(Action::DeleteTrack(id)),
        ["import"] => Some(Action::Import),
        ["shares"] => Some(Action::CreateShare),
        ["shares", id] if is_token(id) && id != "new" => Some(Action::UpdateShare(id)),
        ["shares", id, "revoke"] if is_token(id) => Some(Action::RevokeShare(id)),
        ["profile"] => Some(Action::UpdateProfile),
        ["keys"] => Some(Action::CreateKey),
        ["keys", id, "revoke"] if is_token(id) => Some(Action::RevokeKey(id)),
        ["dropbox", "connect"] => Some(Action::Connect),
        ["dropbox", "disconnect"] => Some(Action::Disconnect),
        _ => None,
    };
    if parts[..] == ["sign-in"] {
        return match method {
            "POST" => ConsoleRoute::SignIn,
            _ => ConsoleRoute::MethodNotAllowed { allow: "POST" },
        };
    }
    let allow = match (page.is_some(), action.is_some()) {
        (true, true) => "GET, HEAD, POST",
        (true, false) => "GET, HEAD",
        (false, true) => "POST",
        (false, false) => return ConsoleRoute::NotFound,
    };
    match (method, page, action) {
        ("GET" | "HEAD", Some(page), _) => ConsoleRoute::Page(page),
        ("POST", _, Some(action)) => ConsoleRoute::Action(action),
        _ => ConsoleRoute::MethodNotAllowed { allow },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_gets_and_changes_are_posts() {
        assert_eq!(route("GET", "/console"), ConsoleRoute::Page(Page::Home));
        assert_eq!(route("GET", "/console/"), ConsoleRoute::Page(Page::Home));
        assert_eq!(route("POST", "/console/sign-in"), ConsoleRoute::SignIn);
        assert_eq!(
            route("GET", "/console/shares/new"),
            ConsoleRoute::Page(Page::NewShare)
        );
        assert_eq!(
            route("GET", "/console/shares/abc"),
            ConsoleRoute::Page(Page::Share("abc"))
        );
        assert_eq!(
            route("POST", "/console/shares/abc"),
            ConsoleRoute::Action(Action::UpdateShare("abc"))
        );
        assert_eq!(
            route("POST", "/console/shares/abc/revoke"),
            ConsoleRoute::Action(Action::RevokeShare("abc"))
        );
        assert_eq!(
            route("POST", "/console/shares"),
            ConsoleRoute::Action(Action::CreateShare)
        );
        assert_eq!(
            route("GET", "/console/sign-in"),
            ConsoleRoute::MethodNotAllowed { allow: "POST" }
        );
        assert_eq!(
            route("DELETE", "/console/profile"),
            ConsoleRoute::MethodNotAllowed {
                allow: "GET, HEAD, POST"
            }
        );
        assert_eq!(
            route("POST", "/console/library"),
            ConsoleRoute::MethodNotAllowed { allow: "GET, HEAD" }
        );
        assert_eq!(
            route("GET", "/console/tracks/a%20b"),
            ConsoleRoute::NotFound
        );
        assert_eq!(route("GET", "/console/nope"), ConsoleRoute::NotFound);
    }
}
