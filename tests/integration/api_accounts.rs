//! The operator API, authentication, keys and the producer's profile.

use serde_json::json;

use crate::support::{admin_token, call, get, new_producer, str_of, unique_handle};

#[test]
fn the_operator_creates_producers_whose_key_works_once_shown() {
    let handle = unique_handle("op");
    let body = json!({"handle": handle, "display_name": "Op Producer"});
    let created = call("POST", "/admin/producers", &admin_token(), Some(&body));
    assert_eq!(created.status, 201);
    let json = created.json();
    assert_eq!(json["handle"], handle.as_str());
    let key = str_of(&json["api_key"]);
    assert!(
        key.len() >= 60,
        "a key carries at least 128 random bits: {key}"
    );

    let me = call("GET", "/api/me", key, None);
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["id"], json["id"]);
    assert_eq!(me.json()["display_name"], "Op Producer");
    assert_eq!(
        me.json()["dropbox"],
        json!({"status": "not_connected", "warning": null, "account": null})
    );

    let clash = call("POST", "/admin/producers", &admin_token(), Some(&body));
    assert_eq!(clash.status, 409);
    assert_eq!(clash.error_code(), "handle_taken");
}

#[test]
fn the_operator_api_needs_the_operator_token() {
    let body = json!({"handle": unique_handle("x"), "display_name": "X"});
    let producer = new_producer("notop");
    for token in ["", "wrong", producer.key.as_str()] {
        let refused = call("POST", "/admin/producers", token, Some(&body));
        assert_eq!(refused.status, 401, "token {token:?}");
        assert_eq!(refused.error_code(), "unauthorized");
        assert_eq!(refused.header("www-authenticate"), Some("Bearer"));
    }
    let bad = call(
        "POST",
        "/admin/producers",
        &admin_token(),
        Some(&json!({"handle": "A B", "display_name": "x"})),
    );
    assert_eq!((bad.status, bad.error_field().as_str()), (422, "handle"));
}

/// Every producer route, with an id where it takes one.
fn producer_routes(track: &str, share: &str, key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("GET", "/api/me".into()),
        ("PATCH", "/api/me".into()),
        ("GET", "/api/keys".into()),
        ("POST", "/api/keys".into()),
        ("DELETE", format!("/api/keys/{key}")),
        ("GET", "/api/tracks".into()),
        ("POST", "/api/tracks".into()),
        ("GET", format!("/api/tracks/{track}")),
        ("PATCH", format!("/api/tracks/{track}")),
        ("DELETE", format!("/api/tracks/{track}")),
        ("GET", "/api/shares".into()),
        ("POST", "/api/shares".into()),
        ("GET", format!("/api/shares/{share}")),
        ("PATCH", format!("/api/shares/{share}")),
        ("DELETE", format!("/api/shares/{share}")),
    ]
}

#[test]
fn no_key_a_wrong_key_or_a_revoked_key_gets_401_on_every_route() {
    let owner = new_producer("auth");
    let track = owner.track(crate::support::simple_track("Locked"));
    let share = owner.share(json!({"track_ids": [track["id"]]}));
    let spare = owner.call("POST", "/api/keys", None).json();
    let revoked_key = str_of(&spare["api_key"]).to_string();
    let revoked = owner.call(
        "DELETE",
        &format!("/api/keys/{}", str_of(&spare["id"])),
        None,
    );
    assert_eq!(revoked.status, 204);

    // Same id as a real key, wrong secret: found by id, refused by hash.
    let forged = format!("{}{}", &owner.key[..owner.key.len() - 4], "AAAA");
    let body = json!({});
    for (method, path) in producer_routes(str_of(&track["id"]), str_of(&share["id"]), "k") {
        for key in [
            "",
            "garbage",
            "sp.x.y",
            forged.as_str(),
            revoked_key.as_str(),
            &admin_token(),
        ] {
            let page = call(method, &path, key, Some(&body));
            assert_eq!(
                page.status, 401,
                "{method} {path} with {key:?}: {}",
                page.raw
            );
            assert_eq!(page.error_code(), "unauthorized");
        }
    }
    // And nothing happened: the track and share are still there.
    assert_eq!(
        owner
            .call(
                "GET",
                &format!("/api/tracks/{}", str_of(&track["id"])),
                None
            )
            .status,
        200
    );
}

#[test]
fn another_producers_objects_are_not_found_and_untouched() {
    let owner = new_producer("owner");
    let other = new_producer("other");
    let track = owner.track(crate::support::simple_track("Mine"));
    let share = owner.share(json!({"track_ids": [track["id"]]}));
    let key = owner.call("POST", "/api/keys", None).json();
    let (t, s, k) = (
        str_of(&track["id"]),
        str_of(&share["id"]),
        str_of(&key["id"]),
    );
    for (method, path) in [
        ("GET", format!("/api/tracks/{t}")),
        ("PATCH", format!("/api/tracks/{t}")),
        ("DELETE", format!("/api/tracks/{t}")),
        ("GET", format!("/api/shares/{s}")),
        ("PATCH", format!("/api/shares/{s}")),
        ("DELETE", format!("/api/shares/{s}")),
        ("DELETE", format!("/api/keys/{k}")),
    ] {
        let page = other.call(method, &path, Some(&json!({"title": "stolen"})));
        assert_eq!(page.status, 404, "{method} {path}: {}", page.raw);
        assert_eq!(page.error_code(), "not_found");
    }
    // Nor can their tracks be put in a share.
    let theft = other.call("POST", "/api/shares", Some(&json!({"track_ids": [t]})));
    assert_eq!(
        (theft.status, theft.error_field().as_str()),
        (422, "track_ids[0]")
    );

    assert_eq!(
        owner.call("GET", &format!("/api/tracks/{t}"), None).json()["title"],
        "Mine"
    );
    let share_now = owner.call("GET", &format!("/api/shares/{s}"), None).json();
    assert_eq!(share_now["status"], "active");
    assert_eq!(share_now["title"], "Mine");
    assert_eq!(get(&format!("/s/{}", str_of(&share["token"]))).status, 200);
    let keys = owner.call("GET", "/api/keys", None).json();
    assert!(keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .all(|k| k["revoked_at"].is_null()));
}

#[test]
fn keys_rotate_without_the_operator() {
    let p = new_producer("rotate");
    let fresh = p.call("POST", "/api/keys", None);
    assert_eq!(fresh.status, 201);
    let fresh = fresh.json();
    let new_key = str_of(&fresh["api_key"]);
    assert_eq!(call("GET", "/api/me", new_key, None).status, 200);

    let listed = p.call("GET", "/api/keys", None).json();
    let keys = listed["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert!(
        keys.iter().all(|k| k.get("api_key").is_none()),
        "secrets are never listed"
    );
    assert!(!listed.to_string().contains(new_key));
    let old_id = keys.iter().find(|k| k["id"] != fresh["id"]).unwrap()["id"].clone();

    // Revoke the old key with the new one: the old stops at once.
    let revoked = call(
        "DELETE",
        &format!("/api/keys/{}", str_of(&old_id)),
        new_key,
        None,
    );
    assert_eq!(revoked.status, 204);
    assert_eq!(p.call("GET", "/api/me", None).status, 401);
    // Revoking again is harmless; the last active key cannot be revoked.
    assert_eq!(
        call(
            "DELETE",
            &format!("/api/keys/{}", str_of(&old_id)),
            new_key,
            None
        )
        .status,
        204
    );
    let last = call(
        "DELETE",
        &format!("/api/keys/{}", str_of(&fresh["id"])),
        new_key,
        None,
    );
    assert_eq!((last.status, last.error_code().as_str()), (409, "last_key"));
    assert_eq!(call("GET", "/api/me", new_key, None).status, 200);
    assert_eq!(call("DELETE", "/api/keys/nokey", new_key, None).status, 404);

    // A leaked key cannot mint keys without end: 20 active at most.
    for _ in 1..20 {
        assert_eq!(call("POST", "/api/keys", new_key, None).status, 201);
    }
    let capped = call("POST", "/api/keys", new_key, None);
    assert_eq!(
        (capped.status, capped.error_code().as_str()),
        (409, "too_many_keys")
    );
}

#[test]
fn profile_changes_show_on_the_pages_at_once() {
    let p = new_producer("brand");
    let track = p.track(crate::support::simple_track("Brand New"));
    let share = p.share(json!({"track_ids": [track["id"]]}));
    let token = str_of(&share["token"]);
    assert_eq!(
        get(&format!("/u/{}", p.handle)).status,
        404,
        "profiles start private"
    );

    let patched = p.call(
        "PATCH",
        "/api/me",
        Some(&json!({
            "display_name": "  Neon Tiger  ",
            "bio": "Line one\r\nLine two",
            "avatar_url": "https://cdn.example.com/tiger.png",
            "header_url": "https://cdn.example.com/tiger-wide.jpg",
            "theme": {"accent": "#00FF88", "mode": "light"},
            "public_profile": true
        })),
    );
    assert_eq!(patched.status, 200, "{}", patched.raw);
    let me = patched.json();
    assert_eq!(me["id"], p.id.as_str());
    assert_eq!(me["display_name"], "Neon Tiger");
    assert_eq!(me["bio"], "Line one\nLine two");
    assert_eq!(me["theme"], json!({"accent": "#00ff88", "mode": "light"}));
    assert!(str_of(&me["profile_url"]).ends_with(&format!("/u/{}", p.handle)));
    assert_eq!(
        p.call("GET", "/api/me", None).json()["display_name"],
        "Neon Tiger"
    );

    let page = get(&format!("/s/{token}"));
    assert!(page.has("Neon Tiger"));
    assert!(page.has(":root{--accent:#00ff88;"));
    assert!(page.has(r#"data-mode="light""#));
    assert!(page.has(r#"src="https://cdn.example.com/tiger.png""#));
    assert!(page.has(&format!(r#"href="/u/{}""#, p.handle)));
    let profile = get(&format!("/u/{}", p.handle));
    assert_eq!(profile.status, 200);
    assert!(profile.has("Line one"));

    // Clearing: null resets the theme and removes the URLs.
    let cleared = p.call(
        "PATCH",
        "/api/me",
        Some(&json!({"theme": null, "avatar_url": null, "bio": "", "public_profile": false})),
    );
    assert_eq!(cleared.status, 200);
    let me = cleared.json();
    assert_eq!(me["theme"], json!({"accent": "#7c3aed", "mode": "dark"}));
    assert!(me["avatar_url"].is_null() && me["bio"].is_null() && me["profile_url"].is_null());
    assert_eq!(get(&format!("/u/{}", p.handle)).status, 404);
    assert!(!get(&format!("/s/{token}")).has("tiger.png"));
}

#[test]
fn profile_rules_are_enforced_field_by_field() {
    let p = new_producer("rules");
    p.assert_refused(
        "PATCH",
        "/api/me",
        &[
            (json!({"display_name": ""}), 422, "display_name"),
            (json!({"display_name": "x".repeat(81)}), 422, "display_name"),
            (json!({"bio": "x".repeat(1001)}), 422, "bio"),
            (
                json!({"avatar_url": "http://cdn.example.com/a.png"}),
                422,
                "avatar_url",
            ),
            (
                json!({"header_url": "javascript:alert(1)"}),
                422,
                "header_url",
            ),
            (json!({"theme": {"accent": "red"}}), 422, "theme.accent"),
            (
                json!({"theme": {"accent": "#ff0000;}body{"}}),
                422,
                "theme.accent",
            ),
            (json!({"theme": {"mode": "sepia"}}), 422, "theme.mode"),
            (json!({"public_profile": "yes"}), 400, "public_profile"),
            (json!({"display_name": 7}), 400, "display_name"),
            (json!({"handle": "renamed"}), 422, "handle"),
        ],
    );
    // Nothing of the refused patches stuck.
    assert_eq!(
        p.call("GET", "/api/me", None).json()["display_name"],
        "rules producer"
    );
}
