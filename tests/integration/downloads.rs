//! Visitors' play, file, ZIP and artwork routes against the Dropbox
//! stand-in: permissions first, then links (cached), streams and faults.

use std::time::Instant;

use serde_json::{json, Value};

use crate::standin::{connected, zip_names};
use crate::support::{
    get, new_producer, request, send, send_to, str_of, visit, Body, Page, Producer, BROWSER,
    EVENTS_DELAY,
};

fn content(text: &str) -> Value {
    json!({ "content": text })
}

/// Follows a redirect to the temporary link and answers what it serves.
fn follow(page: &Page) -> Page {
    assert_eq!(page.status, 302, "{}", page.raw);
    send_to("GET", page.header("location").unwrap(), &[], Body::None)
}

fn ids(track: &Value) -> (String, Vec<String>) {
    let files = track["files"].as_array().unwrap();
    (
        str_of(&track["id"]).to_string(),
        files.iter().map(|f| str_of(&f["id"]).to_string()).collect(),
    )
}

fn details(producer: &Producer, share: &Value) -> Value {
    let id = str_of(&share["id"]);
    producer
        .call("GET", &format!("/api/shares/{id}"), None)
        .json()
}

#[test]
fn play_picks_master_then_bounce_then_other_audio_and_listen_only_protects_the_master() {
    let (producer, account) = connected(
        "play",
        json!({
            "/P/master.wav": content("master"), "/P/bounce.mp3": content("bounce"),
            "/P/alt.flac": content("flac"), "/P/notes.pdf": content("pdf"),
        }),
        json!({}),
    );
    let track = |files: Value| producer.track(json!({"title": "T", "files": files}));
    let all = track(json!([
        {"kind": "other", "path": "/P/alt.flac"},
        {"kind": "bounce", "path": "/P/bounce.mp3"},
        {"kind": "master", "path": "/P/master.wav"}]));
    let bounce = track(json!([
        {"kind": "other", "path": "/P/alt.flac"},
        {"kind": "bounce", "path": "/P/bounce.mp3"}]));
    let other = track(json!([
        {"kind": "other", "path": "/P/notes.pdf"},
        {"kind": "stems", "path": "/P/alt.flac"}]));
    let master = track(json!([{"kind": "master", "path": "/P/master.wav"}]));
    let ids_of = || json!([all["id"], bounce["id"], other["id"], master["id"]]);
    let downloads =
        producer.share(json!({"track_ids": ids_of(), "downloads": {"kinds": ["stems"]}}));
    let listen_only = producer.share(json!({"track_ids": ids_of(), "downloads": "none"}));
    let plays = |share: &Value, track: &Value| {
        let token = str_of(&share["token"]);
        follow(&visit(&format!("/s/{token}/play/{}", str_of(&track["id"])))).raw
    };
    for (track, expected) in [
        (&all, "master"),
        (&bounce, "bounce"),
        (&other, "flac"),
        (&master, "master"),
    ] {
        assert_eq!(plays(&downloads, track), expected);
    }
    // A listen-only share streams the bounce; the master only when nothing
    // else plays.
    for (track, expected) in [
        (&all, "bounce"),
        (&bounce, "bounce"),
        (&other, "flac"),
        (&master, "master"),
    ] {
        assert_eq!(plays(&listen_only, track), expected);
    }
    let page = visit(&format!("/s/{}", str_of(&listen_only["token"])));
    assert_eq!(
        page.raw.matches("controlslist=\"nodownload\"").count(),
        4,
        "{}",
        page.raw
    );
    assert!(!page.raw.contains("<a href=\"/s/"), "no link to a file");
    let page = visit(&format!("/s/{}", str_of(&downloads["token"])));
    assert!(!page.has("nodownload"));
    // Listening is not downloading.
    assert_eq!(
        settled_downloads(&producer, &listen_only, 0)["total_downloads"],
        0
    );
    let (_, files) = ids(&all);
    let token = str_of(&listen_only["token"]);
    assert_eq!(visit(&format!("/s/{token}/files/{}", files[2])).status, 403);
    assert_eq!(
        account.calls("get_temporary_link"),
        5,
        "each file's link once (links are cached per file, whatever the share)"
    );
}

#[test]
fn a_file_redirects_to_a_link_that_serves_ranges_and_the_second_download_is_free() {
    let (producer, account) = connected(
        "range",
        json!({"/Masters/Café 🎧 Mix.wav": content("0123456789abcdef")}),
        json!({}),
    );
    let track = producer.track(json!({"title": "Café", "files": [
        {"kind": "master", "path": "/Masters/Café 🎧 Mix.wav"}]}));
    let share = producer.share(json!({"track_ids": [track["id"]]}));
    let (_, files) = ids(&track);
    let path = format!("/s/{}/files/{}", str_of(&share["token"]), files[0]);

    let first = visit(&path);
    assert_eq!(first.status, 302);
    assert_eq!(first.header("cache-control"), Some("no-store"));
    assert_eq!(first.header("referrer-policy"), Some("no-referrer"));
    let location = first.header("location").unwrap();
    let part = send_to("GET", location, &[("range", "bytes=4-9")], Body::None);
    assert_eq!(part.status, 206);
    assert_eq!(part.raw, "456789");
    assert_eq!(part.header("content-range"), Some("bytes 4-9/16"));

    let links = account.calls("get_temporary_link");
    let second = visit(&path);
    assert_eq!(
        second.header("location"),
        Some(location),
        "served from the cache"
    );
    assert_eq!(
        account.calls("get_temporary_link"),
        links,
        "no Dropbox call"
    );
    assert_eq!(account.calls("token"), 1, "only the connection's own grant");
}

#[test]
fn permissions_and_share_state_are_checked_on_every_route() {
    let (producer, account) = connected(
        "perm",
        json!({"/Q/m.wav": content("m"), "/Q/Stems/a.wav": content("a"), "/Q/art.png": content("png")}),
        json!({}),
    );
    let track = producer.track(
        json!({"title": "Q", "artwork_path": "/Q/art.png", "files": [
        {"kind": "master", "path": "/Q/m.wav"},
        {"kind": "stems", "path": "/Q/Stems", "folder": true}]}),
    );
    let (track_id, files) = ids(&track);
    let share =
        producer.share(json!({"track_ids": [track_id], "downloads": {"kinds": ["master"]}}));
    let token = str_of(&share["token"]).to_string();
    let other = producer
        .share(json!({"track_ids": [producer.track(crate::support::simple_track("Other"))["id"]]}));

    assert_eq!(visit(&format!("/s/{token}/files/{}", files[1])).status, 403);
    let forbidden = visit(&format!("/s/{token}/files/{}", files[1]));
    assert!(forbidden.has("This file isn't part of the download"));
    assert!(forbidden.has(&format!(r#"href="/s/{token}">Back to the share"#)));
    assert_eq!(
        visit(&format!(
            "/s/{}/files/{}",
            str_of(&other["token"]),
            files[0]
        ))
        .status,
        404
    );
    assert_eq!(visit(&format!("/s/{token}/files/nope")).status, 404);
    assert_eq!(
        visit(&format!("/s/unknown-token/files/{}", files[0])).status,
        404
    );
    assert_eq!(get(&format!("/s/{token}/art/{track_id}")).status, 200);
    let links = account.calls("get_temporary_link");

    let id = str_of(&share["id"]);
    assert_eq!(
        producer
            .call("DELETE", &format!("/api/shares/{id}"), None)
            .status,
        204
    );
    for path in [
        format!("/s/{token}/files/{}", files[0]),
        format!("/s/{token}/files/{}", files[1]),
        format!("/s/{token}/files/nope"),
        format!("/s/{token}/play/{track_id}"),
        format!("/s/{token}/art/{track_id}"),
    ] {
        let page = visit(&path);
        assert_eq!(page.status, 410, "{path}");
        assert!(page.header("location").is_none());
    }
    // Expired (the fixture's share expired in 1970) answers the same.
    assert_eq!(visit("/s/it-expired/files/fil_mid_master").status, 410);
    assert_eq!(visit("/s/it-expired/play/trk_midnight").status, 410);
    assert_eq!(
        account.calls("get_temporary_link"),
        links,
        "no link for a dead share"
    );
}

#[test]
fn folders_stream_as_a_zip_named_after_the_folder() {
    let (producer, account) = connected(
        "zip",
        json!({
            "/Stems/Ünïcode 🎛/Drums.wav": content("drums"),
            "/Stems/Ünïcode 🎛/Bass/Sub.wav": content("sub"),
            "/Stems/Plain/One.wav": content("one"),
        }),
        json!({}),
    );
    let track = producer.track(json!({"title": "Z", "files": [
        {"kind": "stems", "path": "/Stems/Ünïcode 🎛", "folder": true},
        {"kind": "stems", "path": "/Stems/Plain", "folder": true}]}));
    let (_, files) = ids(&track);
    let share =
        producer.share(json!({"track_ids": [track["id"]], "downloads": {"kinds": ["stems"]}}));
    let token = str_of(&share["token"]);

    let zip = visit(&format!("/s/{token}/files/{}", files[0]));
    assert_eq!(zip.status, 200, "{}", zip.raw);
    assert_eq!(zip.header("content-type"), Some("application/zip"));
    assert_eq!(
        zip.header("content-disposition"),
        Some("attachment; filename=\"_n_code _.zip\"; filename*=UTF-8''%C3%9Cn%C3%AFcode%20%F0%9F%8E%9B.zip")
    );
    assert!(
        !zip.raw.contains("sl."),
        "the producer's token never reaches the visitor"
    );
    let mut names = zip_names(&zip.bytes);
    names.sort();
    assert_eq!(names, ["Ünïcode 🎛/Bass/Sub.wav", "Ünïcode 🎛/Drums.wav"]);

    let plain = visit(&format!("/s/{token}/files/{}", files[1]));
    assert_eq!(
        plain.header("content-disposition"),
        Some("attachment; filename=\"Plain.zip\"")
    );
    assert_eq!(zip_names(&plain.bytes), ["Plain/One.wav"]);

    let zips = account.calls("download_zip");
    let head = request("HEAD", &format!("/s/{token}/files/{}", files[1]));
    assert_eq!(
        (head.status, head.header("content-type")),
        (200, Some("application/zip"))
    );
    assert_eq!(account.calls("download_zip"), zips, "HEAD builds no ZIP");
    assert_eq!(
        settled_downloads(&producer, &share, 2)["total_downloads"],
        2
    );
}

#[test]
fn oversized_folders_and_missing_files_get_clear_pages() {
    let (producer, _) = connected(
        "limits",
        json!({"/Big/a.wav": {}, "/Big/b.wav": {}, "/Big/c.wav": {}}),
        json!({"zip_max_entries": 3}),
    );
    let track = producer.track(json!({"title": "L", "files": [
        {"kind": "stems", "path": "/Big", "folder": true},
        {"kind": "master", "path": "/Gone/missing.wav"}]}));
    let (_, files) = ids(&track);
    let share = producer
        .share(json!({"track_ids": [track["id"]], "downloads": {"kinds": ["stems", "master"]}}));
    let token = str_of(&share["token"]);
    let big = visit(&format!("/s/{token}/files/{}", files[0]));
    assert_eq!(big.status, 409, "{}", big.raw);
    assert!(big.has("This folder is too large to download at once"));
    assert_eq!(big.header("content-type"), Some("text/html; charset=utf-8"));
    let missing = visit(&format!("/s/{token}/files/{}", files[1]));
    assert_eq!(missing.status, 404);
    assert!(missing.has("This file is no longer available"));
    assert_eq!(
        settled_downloads(&producer, &share, 0)["total_downloads"],
        0
    );
}

/// (width, height) of a JPEG (its SOF0 segment) or a PNG (IHDR).
fn picture_size(bytes: &[u8]) -> (u32, u32) {
    let be = |b: &[u8]| b.iter().fold(0u32, |n, &x| n << 8 | u32::from(x));
    if bytes.starts_with(b"\x89PNG") {
        return (be(&bytes[16..20]), be(&bytes[20..24]));
    }
    assert!(bytes.starts_with(&[0xff, 0xd8]), "a JPEG");
    let sof = bytes.windows(2).position(|w| w == [0xff, 0xc0]).unwrap();
    (be(&bytes[sof + 7..sof + 9]), be(&bytes[sof + 5..sof + 7]))
}

#[test]
fn artwork_is_a_cached_thumbnail_never_the_original_or_the_tracks_pattern() {
    let (producer, account) = connected(
        "art",
        json!({"/Art/cover.png": content("png"), "/Art/notes.txt": content("txt")}),
        json!({}),
    );
    let track = |title: &str, artwork: Option<&str>| {
        let mut body = crate::support::simple_track(title);
        body["artwork_path"] = json!(artwork);
        producer.track(body)
    };
    let with = track("A", Some("/Art/cover.png"));
    let without = track("B", None);
    let broken = track("C", Some("/Art/missing.png"));
    let not_image = track("D", Some("/Art/notes.txt"));
    let share = producer
        .share(json!({"track_ids": [with["id"], without["id"], broken["id"], not_image["id"]]}));
    let token = str_of(&share["token"]);
    let art = |t: &Value, size: &str| get(&format!("/s/{token}/art/{}{size}", str_of(&t["id"])));

    // Tiles and the large cover are JPEG thumbnails of their own sizes (the
    // stand-in's pictures are 3000 px squares).
    let tile = art(&with, "");
    assert_eq!(tile.status, 200);
    assert_eq!(tile.header("content-type"), Some("image/jpeg"));
    assert_eq!(picture_size(&tile.bytes), (256, 256));
    assert_eq!(picture_size(&art(&with, "/large").bytes), (768, 768));
    assert_eq!(account.calls("get_thumbnail_v2"), 2);
    // Later visitors get them from the edge cache, kept under the rev.
    std::thread::sleep(std::time::Duration::from_millis(500));
    for _ in 0..3 {
        assert_eq!(art(&with, "").bytes, tile.bytes);
        assert_eq!(picture_size(&art(&with, "/large").bytes), (768, 768));
    }
    assert_eq!(account.calls("get_thumbnail_v2"), 2, "cached");

    // No cover: the track's pattern, as SVG for tiles, a PNG card for
    // previews, the same every time.
    let placeholder = art(&without, "");
    assert_eq!(placeholder.header("content-type"), Some("image/svg+xml"));
    assert!(placeholder.raw.starts_with("<svg"));
    assert_eq!(placeholder.raw, art(&without, "").raw);
    let card = art(&without, "/large");
    assert_eq!(card.header("content-type"), Some("image/png"));
    assert_eq!(picture_size(&card.bytes), (600, 315));
    assert_eq!(art(&without, "/large").bytes, card.bytes);

    // A cover that is gone or is no picture: the pattern, not kept.
    for t in [&broken, &not_image] {
        let fallback = art(t, "");
        assert_eq!(
            (fallback.status, fallback.header("cache-control")),
            (200, Some("no-store"))
        );
        assert!(fallback.raw.starts_with("<svg"));
        assert_eq!(
            art(t, "").raw,
            fallback.raw,
            "a track always shows the same pattern"
        );
    }
    assert_eq!(
        account.calls("get_temporary_link"),
        0,
        "never the original file"
    );
}

#[test]
fn dropbox_faults_are_retried_within_the_budget_and_never_a_500() {
    let (producer, account) = connected(
        "faults",
        json!({"/F/a.wav": {}, "/F/b.wav": {}, "/F/c.wav": {}, "/F/d.wav": {}, "/F/e.wav": {}}),
        json!({}),
    );
    let track = producer.track(json!({"title": "F", "files": [
        {"kind": "master", "path": "/F/a.wav"}, {"kind": "master", "path": "/F/b.wav"},
        {"kind": "master", "path": "/F/c.wav"}, {"kind": "master", "path": "/F/d.wav"},
        {"kind": "master", "path": "/F/e.wav"}]}));
    let (_, files) = ids(&track);
    let share = producer.share(json!({"track_ids": [track["id"]]}));
    let path = |i: usize| format!("/s/{}/files/{}", str_of(&share["token"]), files[i]);
    let tail = |n: usize| {
        let log = account.log();
        log[log.len() - n..]
            .iter()
            .map(|(_, s)| *s)
            .collect::<Vec<_>>()
    };

    // A short rate limit is waited out; its Retry-After is honoured.
    account.inject(json!([{"endpoint": "get_temporary_link", "status": 429, "retry_after": 1}]));
    let started = Instant::now();
    assert_eq!(visit(&path(0)).status, 302);
    assert!(
        started.elapsed().as_millis() >= 1000,
        "waited as Dropbox asked"
    );
    assert_eq!(tail(2), [429, 200]);

    // Two outages in a row are retried with backoff.
    account.inject(json!([{"endpoint": "get_temporary_link", "status": 500, "times": 2}]));
    assert_eq!(visit(&path(1)).status, 302);
    assert_eq!(tail(3), [500, 500, 200]);

    // A long outage ends inside the budget with a branded 503.
    account.inject(json!([{"endpoint": "get_temporary_link", "status": 503, "times": 10}]));
    let page = visit(&path(2));
    assert_eq!(page.status, 503);
    assert_eq!(page.header("retry-after"), Some("10"));
    assert!(page.has("Files are temporarily unavailable"));
    account.clear_faults();

    // A long rate limit is passed on to the visitor at once.
    account.inject(json!([{"endpoint": "get_temporary_link", "status": 429, "retry_after": 120}]));
    let started = Instant::now();
    let page = visit(&path(3));
    assert_eq!(
        (page.status, page.header("retry-after")),
        (503, Some("120"))
    );
    assert!(started.elapsed().as_millis() < 1500);

    // Dropbox not answering at all: the visitor waits about the budget.
    account.inject(json!([{"endpoint": "get_temporary_link", "delay_ms": 6000}]));
    let started = Instant::now();
    let page = visit(&path(4));
    let waited = started.elapsed().as_millis();
    assert_eq!(page.status, 503, "{}", page.raw);
    assert!((1900..4000).contains(&waited), "waited {waited} ms");
    assert_eq!(
        settled_downloads(&producer, &share, 2)["total_downloads"],
        2
    );
}

#[test]
fn a_producer_without_dropbox_has_pages_but_no_files() {
    let producer = new_producer("nodropbox");
    let track = producer.track(crate::support::simple_track("Quiet"));
    let share = producer.share(json!({"track_ids": [track["id"]]}));
    let token = str_of(&share["token"]);
    let page = visit(&format!("/s/{token}"));
    assert_eq!(page.status, 200);
    assert!(page.has("Playback and downloads are temporarily unavailable"));
    assert!(page.has("btn-off"));
    let (track_id, files) = ids(&track);
    let file = visit(&format!("/s/{token}/files/{}", files[0]));
    assert_eq!(file.status, 503);
    assert!(file.header("retry-after").is_some());
    assert_eq!(get(&format!("/s/{token}/play/{track_id}")).status, 503);
    assert!(get(&format!("/s/{token}/art/{track_id}"))
        .raw
        .starts_with("<svg"));
}

/// The share's statistics, once `expected` downloads have been recorded
/// (they go through the events queue after each response, so they trail
/// it), and once any further event would have arrived.
pub fn settled_downloads(producer: &Producer, share: &Value, expected: u64) -> Value {
    let deadline = Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let stats = details(producer, share)["stats"].clone();
        if stats["total_downloads"] == expected || Instant::now() > deadline {
            std::thread::sleep(EVENTS_DELAY);
            return details(producer, share)["stats"].clone();
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn every_successful_visitor_download_is_counted_exactly_once() {
    let (producer, account) = connected(
        "count",
        json!({"/C/m.wav": {}, "/C/b.mp3": {}, "/C/Stems/x.wav": {}}),
        json!({}),
    );
    let track = producer.track(json!({"title": "Counted", "files": [
        {"kind": "master", "path": "/C/m.wav"}, {"kind": "bounce", "path": "/C/b.mp3"},
        {"kind": "stems", "path": "/C/Stems", "folder": true}]}));
    let (track_id, files) = ids(&track);
    let share = producer
        .share(json!({"track_ids": [track_id], "downloads": {"kinds": ["master", "stems"]}}));
    let token = str_of(&share["token"]);
    let file = |i: usize| format!("/s/{token}/files/{}", files[i]);

    for _ in 0..3 {
        assert_eq!(visit(&file(0)).status, 302);
    }
    assert_eq!(visit(&file(2)).status, 200);
    // None of these is a download.
    assert_eq!(request("HEAD", &file(0)).status, 302);
    let slack = send(
        "GET",
        &file(0),
        &[("user-agent", "Slackbot-LinkExpanding 1.0")],
        Body::None,
    );
    assert_eq!(slack.status, 302);
    let prefetch = send(
        "GET",
        &file(0),
        &[("user-agent", BROWSER), ("sec-purpose", "prefetch")],
        Body::None,
    );
    assert_eq!(prefetch.status, 302);
    assert_eq!(visit(&file(1)).status, 403);
    assert_eq!(visit(&format!("/s/{token}/play/{track_id}")).status, 302);
    account.inject(json!([{"endpoint": "download_zip", "status": 500, "times": 10}]));
    assert_eq!(visit(&file(2)).status, 503);

    // 200 visitors at once, from 8 addresses as Cloudflare tells clients
    // apart: every one is counted.
    std::thread::scope(|s| {
        for client in 0..8 {
            let file = file(0);
            s.spawn(move || {
                let ip = format!("198.51.100.{client}");
                let headers = [("user-agent", BROWSER), ("cf-connecting-ip", ip.as_str())];
                for _ in 0..25 {
                    assert_eq!(send("GET", &file, &headers, Body::None).status, 302);
                }
            });
        }
    });
    let stats = settled_downloads(&producer, &share, 204);
    assert_eq!(stats["total_downloads"], 204, "{stats}");
    assert!(stats["last_downloaded_at"].is_string());
    let per_file: Vec<_> = stats["tracks"][0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                str_of(&f["kind"]).to_string(),
                f["downloads"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        per_file,
        [
            ("master".to_string(), 203),
            ("bounce".to_string(), 0),
            ("stems".to_string(), 1)
        ]
    );
    assert_eq!(stats["tracks"][0]["downloads"], 204);
}
