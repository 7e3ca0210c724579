//! A link going round: many visitors at once, each told apart as
//! Cloudflare does (`CF-Connecting-IP`), viewing and downloading. Every
//! view and download travels through the events queue; once it has
//! drained, the statistics hold exactly what the visitors did.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::standin::connected;
use crate::support::{send, str_of, Body, BROWSER, EVENTS_DELAY};

const CLIENTS: usize = 50;
const EACH: usize = 20;

#[test]
fn a_thousand_views_and_a_thousand_downloads_from_fifty_clients_count_exactly() {
    let (producer, _account) = connected("load", json!({"/Load/song.wav": {}}), json!({}));
    let track = producer.track(json!({"title": "Viral", "files": [
        {"kind": "master", "path": "/Load/song.wav"}]}));
    let share = producer.share(json!({"track_ids": [track["id"]]}));
    let page = format!("/s/{}", str_of(&share["token"]));
    let file = format!("{page}/files/{}", str_of(&track["files"][0]["id"]));

    // Each client views and downloads in turn, all clients at once.
    let statuses: Vec<(u16, u16)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let (page, file) = (&page, &file);
                s.spawn(move || {
                    let ip = format!("203.0.113.{client}");
                    let headers = [("user-agent", BROWSER), ("cf-connecting-ip", ip.as_str())];
                    (0..EACH)
                        .map(|_| {
                            let view = send("GET", page, &headers, Body::None).status;
                            let download = send("GET", file, &headers, Body::None).status;
                            (view, download)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let errors = statuses.iter().filter(|s| **s != (200, 302)).count();
    assert_eq!(errors, 0, "every view and download answered: {statuses:?}");

    let id = str_of(&share["id"]);
    let stats = || {
        producer
            .call("GET", &format!("/api/shares/{id}"), None)
            .json()["stats"]
            .clone()
    };
    let expected = (CLIENTS * EACH) as u64;
    let deadline = Instant::now() + Duration::from_secs(60);
    while (
        stats()["views"].as_u64(),
        stats()["total_downloads"].as_u64(),
    ) != (Some(expected), Some(expected))
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(250));
    }
    // Drained: nothing more arrives, and nothing was counted twice.
    std::thread::sleep(EVENTS_DELAY);
    let stats = stats();
    assert_eq!(
        (stats["views"].as_u64(), stats["total_downloads"].as_u64()),
        (Some(expected), Some(expected)),
        "{stats}"
    );
    assert_eq!(stats["tracks"][0]["files"][0]["downloads"], expected);
}
