//! The console's pages: what each shows, decided from the API's own views
//! (the JSON an API client reads), and rendered with the console layout.

use serde_json::{json, Value};

use crate::api::ApiError;
use crate::http::Reply;
use crate::model::FileKind;
use crate::render;

/// Renders a console page; its context carries what the layout needs
/// (`chrome`) and the page's own data.
///
/// Console pages send referrers to this origin only (`same-origin`), never
/// elsewhere: with `no-referrer`, a browser sends `Origin: null` with every
/// form, and the worker could no longer tell its own forms from another
/// site's.
pub fn page(status: u16, template: &str, context: &Value, nonce: &str) -> Reply {
    match render::console(template, context, nonce) {
        Ok(html) => Reply::html(status, html, nonce).with_header("referrer-policy", "same-origin"),
        // Every template is rendered by the tests: this is a bug of ours.
        Err(_) => Reply::html(
            500,
            "<!doctype html><html lang=\"en\"><title>Error</title><p>Something went wrong on our side.</p></html>".into(),
            nonce,
        ),
    }
}

/// What the layout of a signed-in page shows: who, the Dropbox warning,
/// the form token, which section is current and the notice of a change
/// just made.
pub fn chrome(me: &Value, csrf: &str, section: &str, done: Option<&str>) -> Value {
    let dropbox = &me["dropbox"];
    let warning = match dropbox["status"].as_str() {
        Some("ok") => None,
        Some("needs_reconnect") => Some(
            dropbox["warning"]
                .as_str()
                .unwrap_or("Dropbox needs to be reconnected.")
                .to_owned(),
        ),
        _ => Some(
            "Dropbox is not connected: visitors can open your shares, but cannot play or \
             download anything until you connect it."
                .to_owned(),
        ),
    };
    json!({
        "me": me,
        "csrf": csrf,
        "section": section,
        "notice": done.and_then(notice),
        "warning": warning,
    })
}

/// The notice a redirect after a change asks for (`?done=`): fixed texts
/// only, so a crafted link cannot put words on the page.
pub fn notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "signed_in" => "Welcome back.",
        "share_created" => "Share created. Copy its link and send it.",
        "share_saved" => "Share saved.",
        "share_revoked" => "Share revoked: its link no longer works.",
        "track_saved" => "Track saved.",
        "track_deleted" => "Track deleted. It left every share at once.",
        "imported" => "Tracks imported. They are in your library.",
        "profile_saved" => "Profile saved.",
        "key_revoked" => "Key revoked: it no longer opens the API or the console.",
        "connected" => "Dropbox connected.",
        "disconnected" => {
            "Dropbox disconnected. Visitors cannot play or download until you connect it again."
        }
        _ => return None,
    })
}

/// A refused form, as its page shows it above the form.
pub fn refusal(e: &ApiError) -> Value {
    json!({"status": e.status, "code": e.code, "message": e.message, "field": e.field})
}

/// Shares, most active first (views and downloads together), newest first
/// among equals.
pub fn by_activity(shares: &mut [Value]) {
    let activity =
        |s: &Value| s["views"].as_i64().unwrap_or(0) + s["total_downloads"].as_i64().unwrap_or(0);
    shares.sort_by(|a, b| {
        activity(b)
            .cmp(&activity(a))
            .then_with(|| b["created_at"].as_str().cmp(&a["created_at"].as_str()))
    });
}

/// The library as a share form lists it: the picked tracks first, in
/// their order and numbered, then the rest.
pub fn track_choices(library: &[Value], picked: &[String]) -> Vec<Value> {
    let position = |t: &Value| {
        picked
            .iter()
            .position(|id| t["id"].as_str() == Some(id.as_str()))
    };
    let mut choices: Vec<(Option<usize>, Value)> = library
        .iter()
        .map(|t| (position(t), json!({"id": t["id"], "title": t["title"]})))
        .collect();
    choices.sort_by_key(|(p, _)| p.unwrap_or(usize::MAX));
    choices
        .into_iter()
        .map(|(p, mut t)| {
            t["picked"] = json!(p.is_some());
            t["position"] = json!(p.map(|p| p + 1));
            t
        })
        .collect()
}

/// The file kinds a share form offers for download, with those allowed
/// checked.
pub fn kind_choices(allowed: &[&str]) -> Vec<Value> {
    FileKind::ALL
        .iter()
        .map(|k| {
            let label = match k {
                FileKind::Other => "Other files",
                k => k.label(),
            };
            json!({"kind": k.as_str(), "label": label, "allowed": allowed.contains(&k.as_str())})
        })
        .collect()
}

/// What a share's `downloads` allows, as kind names.
pub fn allowed_kinds(share: &Value) -> Vec<&str> {
    share["downloads"]["kinds"]
        .as_array()
        .map(|kinds| kinds.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me(status: &str) -> Value {
        json!({
            "id": "p1", "handle": "nightowl", "display_name": "Night <Owl>", "bio": null,
            "avatar_url": null, "header_url": null,
            "theme": {"accent": "#7c3aed", "mode": "dark"}, "public_profile": true,
            "profile_url": "https://share.example/u/nightowl",
            "dropbox": {"status": status, "warning": null,
                        "account": {"name": "Jane Doe", "email": "jane@example.com"}},
            "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-01T00:00:00Z"
        })
    }

    fn track() -> Value {
        json!({
            "id": "t1", "title": "Night Drive", "bpm": 128, "key": "F# minor",
            "artwork_path": "/A/cover.jpg",
            "collaborators": [{"name": "Ana", "role": "Vocals", "avatar_url": null, "url": null}],
            "files": [{"id": "f1", "kind": "master", "path": "/A/m.wav", "name": "m.wav",
                       "folder": false, "label": null, "size": 48_000_000},
                      {"id": "f2", "kind": "stems", "path": "/A/Stems", "name": "Stems",
                       "folder": true, "label": "All", "size": null}],
            "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-01T00:00:00Z"
        })
    }

    fn share() -> Value {
        json!({
            "id": "s1", "token": "tok", "url": "https://share.example/s/tok", "title": "Night & Day",
            "description": null, "track_ids": ["t1"], "downloads": {"kinds": ["master"]},
            "on_profile": false, "status": "active", "created_at": "2026-11-01T00:00:00Z",
            "expires_at": "2026-12-01T00:00:00Z", "revoked_at": null, "views": 3, "total_downloads": 1,
            "stats": {"views": 3, "last_viewed_at": "2026-11-29T10:00:00Z", "last_downloaded_at": null,
                      "total_downloads": 1,
                      "tracks": [{"track_id": "t1", "title": "Night Drive", "deleted": false, "downloads": 1,
                                  "files": [{"file_id": "f1", "kind": "master", "name": "m.wav", "downloads": 1}]}]},
            "dropbox": {"status": "ok", "warning": null, "account": null},
            "warning": null
        })
    }

    /// Renders every console page with a representative view, signed in
    /// with and without a working Dropbox: a template error fails here.
    #[test]
    fn every_console_page_renders_and_escapes_producer_text() {
        let days = crate::console::chart::days(&[], 0);
        let refused = refusal(&ApiError::invalid(
            "title",
            "too_long",
            "`title` is too long",
        ));
        for status in ["ok", "not_connected", "needs_reconnect"] {
            let chrome = chrome(&me(status), "csrf-token", "home", Some("share_saved"));
            let pages = [
                (
                    "console/home.html",
                    json!({"chrome": chrome, "shares": [share()]}),
                ),
                ("console/home.html", json!({"chrome": chrome, "shares": []})),
                (
                    "console/library.html",
                    json!({"chrome": chrome, "tracks": [track()], "next_cursor": "c"}),
                ),
                (
                    "console/library.html",
                    json!({"chrome": chrome, "tracks": [], "next_cursor": null}),
                ),
                (
                    "console/track.html",
                    json!({"chrome": chrome, "track": track(), "kinds": ["master", "bounce"], "refusal": refused}),
                ),
                (
                    "console/import.html",
                    json!({"chrome": chrome, "path": "/A b", "crumbs": crate::console::import::crumbs("/A b"),
                    "entries": [{"name": "Stems", "path": "/A b/Stems", "folder": true, "size": null},
                                {"name": "m.wav", "path": "/A b/m.wav", "folder": false, "size": 10}], "cursor": "c"}),
                ),
                (
                    "console/import.html",
                    json!({"chrome": chrome, "unavailable": {"heading": "H", "message": "M"}}),
                ),
                (
                    "console/proposal.html",
                    json!({"chrome": chrome, "path": "/A",
                    "proposals": crate::console::import::proposals("/A", &[crate::dropbox::folders::Entry {
                        name: "m.wav".into(), path: "/A/m.wav".into(), folder: false, size: Some(5)}]),
                    "kinds": ["master"], "refusal": null}),
                ),
                (
                    "console/proposal.html",
                    json!({"chrome": chrome, "path": "/A", "proposals": [], "kinds": [], "refusal": null}),
                ),
                (
                    "console/share_new.html",
                    json!({"chrome": chrome, "share": null,
                    "tracks": track_choices(&[track()], &[]), "kinds": kind_choices(&["master"]), "refusal": null}),
                ),
                (
                    "console/share_new.html",
                    json!({"chrome": chrome, "share": {"title": "x", "description": null, "on_profile": true},
                    "tracks": [], "kinds": kind_choices(&[]), "refusal": refused}),
                ),
                (
                    "console/share.html",
                    json!({"chrome": chrome, "share": share(), "chart": "<svg></svg>", "days": days, "quiet": true,
                    "tracks": track_choices(&[track()], &["t1".into()]), "kinds": kind_choices(&["master"]), "refusal": null}),
                ),
                (
                    "console/profile.html",
                    json!({"chrome": chrome, "refusal": null}),
                ),
                (
                    "console/signin.html",
                    json!({"next": "/console", "failed": true, "connecting": true}),
                ),
            ];
            for (template, context) in pages {
                let reply = page(200, template, &context, "n0nce");
                assert_eq!(
                    reply.status,
                    200,
                    "{template}: {:?}",
                    render::console(template, &context, "n0nce").err()
                );
                assert!(!reply.body.contains("Night <Owl>"), "{template} escapes");
                assert_eq!(reply.header("referrer-policy"), Some("same-origin"));
                assert_eq!(reply.header("cache-control"), Some("no-store"));
            }
        }
    }

    #[test]
    fn the_most_active_shares_come_first() {
        let mut shares = vec![
            json!({"id": "a", "views": 1, "total_downloads": 0, "created_at": "2026-11-01T00:00:00Z"}),
            json!({"id": "b", "views": 5, "total_downloads": 2, "created_at": "2026-10-01T00:00:00Z"}),
            json!({"id": "c", "views": 1, "total_downloads": 0, "created_at": "2026-11-02T00:00:00Z"}),
        ];
        by_activity(&mut shares);
        let ids: Vec<&str> = shares.iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["b", "c", "a"]);
    }

    #[test]
    fn a_shares_tracks_come_first_in_its_order() {
        let library = [
            json!({"id": "a", "title": "A"}),
            json!({"id": "b", "title": "B"}),
            json!({"id": "c", "title": "C"}),
        ];
        let choices = track_choices(&library, &["c".into(), "a".into()]);
        let shown: Vec<(&str, bool, Value)> = choices
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap(),
                    c["picked"].as_bool().unwrap(),
                    c["position"].clone(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("c", true, json!(1)),
                ("a", true, json!(2)),
                ("b", false, Value::Null)
            ]
        );
        let kinds = kind_choices(&allowed_kinds(&json!({"downloads": {"kinds": ["stems"]}})));
        assert_eq!(kinds.len(), 5);
        assert_eq!(kinds[2]["allowed"], json!(true));
        assert_eq!(kinds[0]["allowed"], json!(false));
        assert!(allowed_kinds(&json!({"downloads": "none"})).is_empty());
    }

    #[test]
    fn every_page_warns_while_dropbox_cannot_serve() {
        let me = |status: &str| json!({"dropbox": {"status": status, "warning": null}});
        assert_eq!(chrome(&me("ok"), "t", "home", None)["warning"], Value::Null);
        assert!(chrome(&me("not_connected"), "t", "home", None)["warning"].is_string());
        assert!(chrome(&me("needs_reconnect"), "t", "home", None)["warning"].is_string());
        assert_eq!(notice("<script>"), None);
        assert!(chrome(&me("ok"), "t", "home", Some("share_saved"))["notice"].is_string());
    }
}
