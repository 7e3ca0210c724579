//! `/api/tracks`: a producer's catalogue.

use serde_json::{json, Value};

use sharepage::limits::{COLLABORATORS_PER_TRACK, FILES_PER_TRACK, TRACKS_PER_SHARE};

use crate::support::{get, new_producer, simple_track, str_of};

fn full_track() -> Value {
    json!({
        "title": "  Velvet Hours ",
        "bpm": 92.5,
        "key": "D♭ major",
        "artwork_path": "/Art/Velvet.jpg",
        "collaborators": [
            {"name": "Mina Okafor", "role": "Vocals", "avatar_url": "https://cdn.example.com/mina.jpg",
             "url": "https://mina.example.com/"},
            {"name": "Theo"}
        ],
        "files": [
            {"kind": "master", "path": "/Mixes/Velvet Hours (Master).wav"},
            {"kind": "bounce", "path": "/Mixes/Velvet Hours.mp3", "label": "Rough"},
            {"kind": "stems", "path": "/Stems/Velvet Hours/", "folder": true},
            {"kind": "project", "path": "/Projects/Velvet.als"}
        ]
    })
}

#[test]
fn a_track_is_created_read_and_listed_with_everything_it_was_given() {
    let p = new_producer("tracks");
    let created = p.call("POST", "/api/tracks", Some(&full_track()));
    assert_eq!(created.status, 201, "{}", created.raw);
    let track = created.json();
    let id = str_of(&track["id"]);
    assert_eq!(
        created.header("location"),
        Some(format!("/api/tracks/{id}").as_str())
    );
    assert_eq!(track["title"], "Velvet Hours");
    assert_eq!(track["bpm"], 92.5);
    assert_eq!(track["key"], "D♭ major");
    assert_eq!(track["artwork_path"], "/Art/Velvet.jpg");
    assert_eq!(track["collaborators"][0]["role"], "Vocals");
    assert_eq!(
        track["collaborators"][1],
        json!({"name": "Theo", "role": null, "avatar_url": null, "url": null})
    );
    let files = track["files"].as_array().unwrap();
    assert_eq!(files.len(), 4);
    assert_eq!(files[0]["name"], "Velvet Hours (Master).wav");
    assert_eq!(files[1]["label"], "Rough");
    assert_eq!(files[2]["folder"], true);
    assert_eq!(files[2]["path"], "/Stems/Velvet Hours");
    let ids: Vec<&str> = files.iter().map(|f| str_of(&f["id"])).collect();
    assert!(ids.iter().all(|i| i.len() >= 22) && ids[0] != ids[1]);

    let read = p.call("GET", &format!("/api/tracks/{id}"), None);
    assert_eq!(read.status, 200);
    assert_eq!(read.json(), track);
    let listed = p.call("GET", "/api/tracks", None).json();
    assert_eq!(listed["tracks"], json!([track]));
    assert!(listed["next_cursor"].is_null());
}

#[test]
fn listing_pages_newest_first_without_gaps_or_repeats() {
    let p = new_producer("paging");
    let made: Vec<String> = (0..7)
        .map(|i| str_of(&p.track(simple_track(&format!("Take {i}")))["id"]).to_string())
        .collect();
    let mut seen = Vec::new();
    let mut path = "/api/tracks?limit=3".to_string();
    loop {
        let page = p.call("GET", &path, None);
        assert_eq!(page.status, 200, "{}", page.raw);
        let json = page.json();
        let tracks = json["tracks"].as_array().unwrap();
        assert!(tracks.len() <= 3);
        seen.extend(tracks.iter().map(|t| {
            (
                str_of(&t["created_at"]).to_string(),
                str_of(&t["id"]).to_string(),
            )
        }));
        match json["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/tracks?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    // Newest first (ties in the same millisecond broken by id), each once.
    let mut expected = seen.clone();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, expected);
    let mut ids: Vec<String> = seen.into_iter().map(|(_, id)| id).collect();
    let mut made = made;
    ids.sort();
    made.sort();
    assert_eq!(ids, made);

    for bad in ["limit=0", "limit=500", "cursor=not-a-cursor"] {
        let page = p.call("GET", &format!("/api/tracks?{bad}"), None);
        assert_eq!(page.status, 422, "{bad}");
    }
}

#[test]
fn patching_changes_only_what_is_sent_and_keeps_named_files() {
    let p = new_producer("patch");
    let track = p.track(full_track());
    let id = str_of(&track["id"]);
    let master = &track["files"][0];

    let patched = p.call(
        "PATCH",
        &format!("/api/tracks/{id}"),
        Some(&json!({
            "bpm": null,
            "title": "Velvet Hours (Final)",
            "files": [
                {"id": master["id"], "kind": "master", "path": "/Mixes/Velvet Hours v2.wav"},
                {"kind": "other", "path": "/Notes/lyrics.pdf", "label": "Lyrics"}
            ]
        })),
    );
    assert_eq!(patched.status, 200, "{}", patched.raw);
    let after = patched.json();
    assert_eq!(after["title"], "Velvet Hours (Final)");
    assert!(after["bpm"].is_null());
    assert_eq!(after["key"], "D♭ major", "untouched fields stay");
    assert_eq!(after["collaborators"], track["collaborators"]);
    let files = after["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["id"], master["id"], "a named file keeps its id");
    assert_eq!(files[0]["path"], "/Mixes/Velvet Hours v2.wav");
    assert_eq!(files[1]["label"], "Lyrics");
    assert_ne!(after["updated_at"], track["updated_at"]);

    let unknown = p.call(
        "PATCH",
        &format!("/api/tracks/{id}"),
        Some(&json!({"files": [{"id": "notafileofthis", "kind": "master", "path": "/x.wav"}]})),
    );
    assert_eq!(
        (unknown.status, unknown.error_field().as_str()),
        (422, "files[0].id")
    );
    let cleared = p.call(
        "PATCH",
        &format!("/api/tracks/{id}"),
        Some(&json!({"collaborators": []})),
    );
    assert_eq!(cleared.json()["collaborators"], json!([]));
    assert_eq!(
        p.call("PATCH", "/api/tracks/missing", Some(&json!({})))
            .status,
        404
    );
}

#[test]
fn a_deleted_track_leaves_share_pages_at_once() {
    let p = new_producer("delete");
    let keep = p.track(simple_track("Keeper"));
    let gone = p.track(simple_track("Goner"));
    let share = p.share(json!({"track_ids": [keep["id"], gone["id"]]}));
    let page = format!("/s/{}", str_of(&share["token"]));
    assert!(get(&page).has("Goner"));

    let deleted = p.call(
        "DELETE",
        &format!("/api/tracks/{}", str_of(&gone["id"])),
        None,
    );
    assert_eq!(deleted.status, 204);
    assert!(deleted.raw.is_empty());
    let after = get(&page);
    assert_eq!(after.status, 200);
    assert!(after.has("Keeper"));
    assert!(!after.has("Goner"));
    assert_eq!(
        p.call("GET", &format!("/api/tracks/{}", str_of(&gone["id"])), None)
            .status,
        404
    );
    assert_eq!(
        p.call(
            "DELETE",
            &format!("/api/tracks/{}", str_of(&gone["id"])),
            None
        )
        .status,
        404
    );
    let listed = p.call("GET", "/api/tracks", None).json();
    assert_eq!(listed["tracks"].as_array().unwrap().len(), 1);
    // The share keeps its history but no longer lists the track.
    let details = p
        .call(
            "GET",
            &format!("/api/shares/{}", str_of(&share["id"])),
            None,
        )
        .json();
    assert_eq!(details["track_ids"], json!([keep["id"]]));
    assert_eq!(details["stats"]["tracks"][1]["deleted"], true);
    // A deleted track cannot be shared again.
    let reshare = p.call(
        "POST",
        "/api/shares",
        Some(&json!({"track_ids": [gone["id"]]})),
    );
    assert_eq!(
        (reshare.status, reshare.error_field().as_str()),
        (422, "track_ids[0]")
    );
}

#[test]
fn track_rules_name_the_offending_field() {
    let p = new_producer("trackrules");
    let file = json!({"kind": "master", "path": "/a.wav"});
    p.assert_refused(
        "POST",
        "/api/tracks",
        &[
        (json!({"files": [file]}), 422, "title"),
        (json!({"title": "   ", "files": [file]}), 422, "title"),
        (
            json!({"title": "x".repeat(201), "files": [file]}),
            422,
            "title",
        ),
        (json!({"title": "t"}), 422, "files"),
        (json!({"title": "t", "files": []}), 422, "files"),
        (json!({"title": "t", "bpm": 0, "files": [file]}), 422, "bpm"),
        (
            json!({"title": "t", "bpm": 401, "files": [file]}),
            422,
            "bpm",
        ),
        (
            json!({"title": "t", "bpm": "120", "files": [file]}),
            400,
            "bpm",
        ),
        (
            json!({"title": "t", "files": [{"kind": "wav", "path": "/a"}]}),
            422,
            "files[0].kind",
        ),
        (
            json!({"title": "t", "files": [{"kind": "master", "path": "relative.wav"}]}),
            422,
            "files[0].path",
        ),
        (
            json!({"title": "t", "files": [{"kind": "master", "path": "/a", "folder": "yes"}]}),
            400,
            "files[0].folder",
        ),
        (
            json!({"title": "t", "files": [file], "collaborators": [{"name": "A", "url": "http://a.example"}]}),
            422,
            "collaborators[0].url",
        ),
        (
            json!({"title": "t", "files": [file], "artwork_path": "art.jpg"}),
            422,
            "artwork_path",
        ),
        (json!({"title": "t\u{7}", "files": [file]}), 422, "title"),
        (
            json!({"title": "t", "files": [file], "genre": "house"}),
            422,
            "genre",
        ),
        ],
    );
    assert_eq!(
        p.call("GET", "/api/tracks", None).json()["tracks"],
        json!([])
    );
}

#[test]
fn limits_and_text_that_could_spoof_are_refused_by_name() {
    let p = new_producer("limits");
    let file = json!({"kind": "master", "path": "/a.wav"});
    let files = |n: usize| vec![file.clone(); n];
    let people = |n: usize| vec![json!({"name": "A"}); n];
    p.assert_refused(
        "POST",
        "/api/tracks",
        &[
            (json!({"title": "t", "files": files(FILES_PER_TRACK + 1)}), 422, "files"),
            (
                json!({"title": "t", "files": [file], "collaborators": people(COLLABORATORS_PER_TRACK + 1)}),
                422,
                "collaborators",
            ),
            (
                json!({"title": "Night \u{202e}lwO", "files": [file]}),
                422,
                "title",
            ),
            (
                json!({"title": "\u{200b}\u{200d}", "files": [file]}),
                422,
                "title",
            ),
            (
                json!({"title": "t", "files": [file], "collaborators": [{"name": "\u{2067}x"}]}),
                422,
                "collaborators[0].name",
            ),
        ],
    );
    // At the limits, everything is accepted.
    let track = p.track(json!({"title": "DJ \u{1f469}\u{200d}\u{1f3a4}",
        "files": files(FILES_PER_TRACK), "collaborators": people(COLLABORATORS_PER_TRACK)}));
    let id = track["id"].as_str().unwrap();
    let many: Vec<Value> = (0..=TRACKS_PER_SHARE).map(|_| json!(id)).collect();
    p.assert_refused(
        "PATCH",
        "/api/me",
        &[(json!({"display_name": "\u{feff}"}), 422, "display_name")],
    );
    let share = p.call("POST", "/api/shares", Some(&json!({"track_ids": many})));
    assert_eq!(
        (share.status, share.error_field().as_str()),
        (422, "track_ids")
    );
}
