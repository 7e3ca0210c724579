//! `/api/shares`: sharing tracks, revoking, and the statistics a producer
//! reads back, which must match exactly what visitors did.

use std::sync::{Arc, Barrier};

use serde_json::{json, Value};

use crate::support::{
    call, details, get, new_producer, send, settled_views, simple_track, str_of, visit, Body,
    Producer,
};

/// The list of download buttons (shown, if unavailable, without Dropbox).
const DOWNLOADS: &str = r#"<ul class="downloads""#;

/// The key of the fixture producer in tests/fixtures/api_stats.sql.
const STATS_KEY: &str = "sp.statsKeyFixture0000001.SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS";

#[test]
fn a_share_is_created_with_the_contracts_defaults() {
    let p = new_producer("share");
    let one = p.track(simple_track("Solo Cut"));
    let two = p.track(simple_track("Second Cut"));

    let single = p.share(json!({"track_ids": [one["id"]]}));
    assert_eq!(single["title"], "Solo Cut");
    assert_eq!(single["downloads"], json!({"kinds": ["master", "bounce"]}));
    assert!(single["expires_at"].is_null());
    assert_eq!(single["on_profile"], false);
    assert_eq!(single["status"], "active");
    assert_eq!(single["views"], 0);
    let token = str_of(&single["token"]);
    assert!(token.len() >= 22, "at least 128 bits: {token}");
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    let url = str_of(&single["url"]);
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with(&format!("/s/{token}")),
        "{url}"
    );

    let pair = p.share(
        json!({"track_ids": [two["id"], one["id"]], "expires_in_days": 7,
                              "description": "For the label", "downloads": "none"}),
    );
    assert_eq!(pair["title"], "2 Tracks");
    assert_eq!(pair["track_ids"], json!([two["id"], one["id"]]));
    assert_eq!(pair["downloads"], "none");
    assert_ne!(pair["token"], single["token"]);
    let expires = chrono::DateTime::parse_from_rfc3339(str_of(&pair["expires_at"])).unwrap();
    let created = chrono::DateTime::parse_from_rfc3339(str_of(&pair["created_at"])).unwrap();
    assert_eq!((expires - created).num_milliseconds(), 7 * 86_400_000);

    // The pages show what was shared, in order, with only allowed downloads.
    let page = get(&format!("/s/{}", str_of(&pair["token"])));
    assert_eq!(page.status, 200);
    assert!(page.has("For the label"));
    let (second, first) = (
        page.text.find("Second Cut").unwrap(),
        page.text.find("Solo Cut").unwrap(),
    );
    assert!(second < first, "tracks appear in the order given");
    assert!(
        !page.has(DOWNLOADS),
        "listening-only shares offer no downloads"
    );
    let single_page = get(&format!("/s/{token}"));
    assert!(single_page.has(r#"<main class="wrap layout-featured">"#));
    assert!(single_page.has(DOWNLOADS));

    let listed = p.call("GET", "/api/shares", None).json();
    let ids: Vec<&Value> = listed["shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["id"])
        .collect();
    assert_eq!(ids, [&pair["id"], &single["id"]], "newest first");
    assert!(listed["next_cursor"].is_null());
}

#[test]
fn share_rules_name_the_offending_field() {
    let p = new_producer("sharerules");
    let t = p.track(simple_track("Rule"));
    let id = t["id"].clone();
    p.assert_refused(
        "POST",
        "/api/shares",
        &[
            (json!({}), 422, "track_ids"),
            (json!({"track_ids": []}), 422, "track_ids"),
            (json!({"track_ids": [id, id]}), 422, "track_ids"),
            (json!({"track_ids": "one"}), 400, "track_ids"),
            (
                json!({"track_ids": [id], "expires_in_days": 0}),
                422,
                "expires_in_days",
            ),
            (
                json!({"track_ids": [id], "expires_in_days": 366}),
                422,
                "expires_in_days",
            ),
            (
                json!({"track_ids": [id], "expires_in_days": 1.5}),
                422,
                "expires_in_days",
            ),
            (
                json!({"track_ids": [id], "expires_in_days": "7"}),
                400,
                "expires_in_days",
            ),
            (
                json!({"track_ids": [id], "downloads": "all"}),
                422,
                "downloads",
            ),
            (
                json!({"track_ids": [id], "downloads": {"kinds": ["mp3"]}}),
                422,
                "downloads.kinds[0]",
            ),
            (
                json!({"track_ids": [id], "on_profile": "yes"}),
                400,
                "on_profile",
            ),
            (
                json!({"track_ids": [id], "title": "x".repeat(201)}),
                422,
                "title",
            ),
            (
                json!({"track_ids": [id, "nosuchtrack"]}),
                422,
                "track_ids[1]",
            ),
            (
                json!({"track_ids": (0..101).map(|i| format!("t{i}")).collect::<Vec<_>>()}),
                422,
                "track_ids",
            ),
        ],
    );
    assert_eq!(
        p.call("GET", "/api/shares", None).json()["shares"],
        json!([])
    );
}

#[test]
fn revoking_takes_effect_on_the_next_request() {
    let p = new_producer("revoke");
    let t = p.track(simple_track("Short Lived"));
    let share = p.share(json!({"track_ids": [t["id"]], "on_profile": true}));
    p.call("PATCH", "/api/me", Some(&json!({"public_profile": true})));
    let page = format!("/s/{}", str_of(&share["token"]));
    assert_eq!(get(&page).status, 200);
    assert!(get(&format!("/u/{}", p.handle)).has(&page));

    let revoked = p.call(
        "DELETE",
        &format!("/api/shares/{}", str_of(&share["id"])),
        None,
    );
    assert_eq!(revoked.status, 204);
    let gone = get(&page);
    assert_eq!(gone.status, 410);
    assert!(gone.has("no longer valid"));
    assert!(!get(&format!("/u/{}", p.handle)).has(&page));
    let after = details(&p.key, str_of(&share["id"]));
    assert_eq!(after["status"], "revoked");
    assert!(after["revoked_at"].is_string());
    // Idempotent, and the token is never handed out again.
    assert_eq!(
        p.call(
            "DELETE",
            &format!("/api/shares/{}", str_of(&share["id"])),
            None
        )
        .status,
        204
    );
    let again = p.share(json!({"track_ids": [t["id"]]}));
    assert_ne!(again["token"], share["token"]);
}

#[test]
fn a_share_can_be_changed_and_an_expired_one_extended() {
    let p = new_producer("edit");
    let one = p.track(simple_track("First Idea"));
    let two = p.track(simple_track("Second Idea"));
    let share = p.share(json!({"track_ids": [one["id"], two["id"]], "expires_in_days": 3}));
    let (id, page) = (
        str_of(&share["id"]),
        format!("/s/{}", str_of(&share["token"])),
    );
    assert!(get(&page).has(DOWNLOADS));

    let changed = p.call(
        "PATCH",
        &format!("/api/shares/{id}"),
        Some(
            &json!({"title": "Ideas, reordered", "track_ids": [two["id"], one["id"]],
                     "expires_in_days": null, "downloads": "none", "description": "Listen first"}),
        ),
    );
    assert_eq!(changed.status, 200, "{}", changed.raw);
    let after = changed.json();
    assert_eq!(after["title"], "Ideas, reordered");
    assert_eq!(after["track_ids"], json!([two["id"], one["id"]]));
    assert!(after["expires_at"].is_null());
    assert_eq!(after["downloads"], "none");
    assert_eq!(
        (&after["token"], &after["created_at"]),
        (&share["token"], &share["created_at"])
    );
    let shown = get(&page);
    assert!(shown.has("<h1>Ideas, reordered</h1>") && shown.has("Listen first"));
    assert!(shown.text.find("Second Idea").unwrap() < shown.text.find("First Idea").unwrap());
    assert!(!shown.has(DOWNLOADS), "downloads were turned off");

    p.assert_refused(
        "PATCH",
        &format!("/api/shares/{id}"),
        &[
            (json!({"title": ""}), 422, "title"),
            (
                json!({"track_ids": [one["id"], "notmine"]}),
                422,
                "track_ids[1]",
            ),
            (json!({"expires_in_days": 400}), 422, "expires_in_days"),
            (json!({"token": "chosen"}), 422, "token"),
        ],
    );
    assert_eq!(
        p.call("PATCH", "/api/shares/nosuchshare", Some(&json!({})))
            .status,
        404
    );

    p.call("DELETE", &format!("/api/shares/{id}"), None);
    let dead = p.call(
        "PATCH",
        &format!("/api/shares/{id}"),
        Some(&json!({"title": "Back?"})),
    );
    assert_eq!(
        (dead.status, dead.error_code().as_str()),
        (409, "share_revoked")
    );
    assert_eq!(get(&page).status, 410);
}

#[test]
fn an_expired_share_counts_no_views_until_it_is_extended() {
    let lapsed = "/s/it-stats-expired";
    assert_eq!(visit(lapsed).status, 410);
    let before = details(STATS_KEY, "shr_stats_expired");
    assert_eq!(before["status"], "expired");
    let extended = call(
        "PATCH",
        "/api/shares/shr_stats_expired",
        STATS_KEY,
        Some(&json!({"expires_in_days": 2})),
    );
    assert_eq!(extended.status, 200, "{}", extended.raw);
    assert_eq!(extended.json()["status"], "active");
    assert_eq!(visit(lapsed).status, 200);
    let counted = settled_views(STATS_KEY, "shr_stats_expired", 1);
    assert_eq!(
        counted["stats"]["views"], 1,
        "only the visit after extending counts"
    );
}

#[test]
fn statistics_match_the_recorded_history_exactly() {
    let stats = details(STATS_KEY, "shr_stats");
    assert_eq!(stats["title"], "Counted");
    assert_eq!(stats["stats"]["total_downloads"], 7);
    assert_eq!(stats["stats"]["views"], 2);
    assert_eq!(stats["stats"]["last_viewed_at"], "2023-11-14T22:13:40.000Z");
    assert_eq!(
        stats["stats"]["last_downloaded_at"],
        "2023-11-14T22:28:20.000Z"
    );
    let tracks = stats["stats"]["tracks"].as_array().unwrap();
    assert_eq!(tracks.len(), 2);
    assert_eq!(
        tracks[0],
        json!({"track_id": "trk_stats_a", "title": "Counted A", "deleted": false, "downloads": 6,
        "files": [
          {"file_id": "fil_stats_master", "kind": "master", "name": "Counted A.wav", "downloads": 3},
          {"file_id": "fil_stats_stems", "kind": "stems", "name": "Counted A", "downloads": 2}
        ]})
    );
    assert_eq!(tracks[1]["deleted"], true);
    assert_eq!(tracks[1]["downloads"], 1);
    assert_eq!(stats["dropbox"]["status"], "not_connected");
    assert!(stats["warning"].as_str().unwrap().contains("not connected"));

    let big = details(STATS_KEY, "shr_stats_big");
    assert_eq!(big["stats"]["total_downloads"], 100_000);
    assert_eq!(big["stats"]["views"], 100_000);
    assert_eq!(big["stats"]["tracks"][0]["files"][0]["downloads"], 100_000);
    let listed = call("GET", "/api/shares", STATS_KEY, None).json();
    let busy = listed["shares"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "shr_stats_big")
        .unwrap();
    assert_eq!(
        (busy["views"].as_u64(), busy["total_downloads"].as_u64()),
        (Some(100_000), Some(100_000))
    );
}

#[test]
fn only_visitors_page_loads_of_an_active_share_count_as_views() {
    let p = new_producer("views");
    let t = p.track(simple_track("Watched"));
    let share = p.share(json!({"track_ids": [t["id"]]}));
    let (id, page) = (
        str_of(&share["id"]),
        format!("/s/{}", str_of(&share["token"])),
    );

    for _ in 0..3 {
        assert_eq!(visit(&page).status, 200);
    }
    // Not views: link previews, a HEAD, a prefetch.
    for agent in [
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        "WhatsApp/2.23.20.0",
    ] {
        let preview = send("GET", &page, &[("user-agent", agent)], Body::None);
        assert_eq!(preview.status, 200);
        // The preview names this page and a picture the bot fetches next.
        let base = crate::support::base();
        assert!(preview.has(&format!(
            r#"<meta property="og:url" content="{base}{page}">"#
        )));
        let image = preview
            .raw
            .split(r#"<meta property="og:image" content=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("og:image");
        let image = image.strip_prefix(base).expect("an absolute URL");
        let picture = send("GET", image, &[("user-agent", agent)], Body::None);
        assert_eq!(picture.header("content-type"), Some("image/png"));
    }
    assert_eq!(
        send(
            "HEAD",
            &page,
            &[("user-agent", crate::support::BROWSER)],
            Body::None
        )
        .status,
        200
    );
    send(
        "GET",
        &page,
        &[
            ("user-agent", crate::support::BROWSER),
            ("sec-purpose", "prefetch"),
        ],
        Body::None,
    );

    let counted = settled_views(&p.key, id, 3);
    assert_eq!(counted["stats"]["views"], 3);
    assert!(counted["stats"]["last_viewed_at"].is_string());
    assert_eq!(counted["views"], 3);

    // Once revoked, loads are no longer views. A view of another share,
    // made after the refused one, marks when any write for it would be done.
    p.call("DELETE", &format!("/api/shares/{id}"), None);
    assert_eq!(visit(&page).status, 410);
    let sentinel = p.share(json!({"track_ids": [t["id"]]}));
    assert_eq!(
        visit(&format!("/s/{}", str_of(&sentinel["token"]))).status,
        200
    );
    settled_views(&p.key, str_of(&sentinel["id"]), 1);
    assert_eq!(details(&p.key, id)["stats"]["views"], 3);
}

/// Events are appended, never counted up in place, so simultaneous writes
/// cannot lose one another.
#[test]
fn two_hundred_simultaneous_views_count_as_exactly_two_hundred() {
    let p: Producer = new_producer("rush");
    let t = p.track(simple_track("Rush Hour"));
    let share = p.share(json!({"track_ids": [t["id"]]}));
    let page = Arc::new(format!("/s/{}", str_of(&share["token"])));
    let start = Arc::new(Barrier::new(200));
    let visitors: Vec<_> = (0..200)
        .map(|_| {
            let (page, start) = (page.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                visit(&page).status
            })
        })
        .collect();
    for visitor in visitors {
        assert_eq!(visitor.join().unwrap(), 200);
    }
    let counted = settled_views(&p.key, str_of(&share["id"]), 200);
    assert_eq!(counted["stats"]["views"], 200);
}
