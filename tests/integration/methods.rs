//! Only GET and HEAD reach visitors' pages and files, and only the
//! documented methods reach the API. Methods the runtime's request type does
//! not know (it would read them as GET) are refused like any other, and
//! nothing they reach is counted.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::standin::connected;
use crate::support::{send_raw, str_of, visit, BROWSER, EVENTS_DELAY};

const ODD: [&str; 14] = [
    "QUERY",
    "PROPFIND",
    "PROPPATCH",
    "SEARCH",
    "MKCOL",
    "LOCK",
    "UNLOCK",
    "PURGE",
    "COPY",
    "MOVE",
    "OPTIONS",
    "PUT",
    "DELETE",
    "POST",
];

fn refused(answer: &crate::support::Raw, expected: &str) -> bool {
    (answer.status == 405 && answer.header("allow") == Some(expected)) || answer.status == 501
}

#[test]
fn odd_methods_are_refused_and_never_counted() {
    let (producer, _account) = connected("methods", json!({"/M/m.wav": {}}), json!({}));
    let track = producer.track(json!({"title": "Methods",
        "files": [{"kind": "master", "path": "/M/m.wav"}]}));
    let track_id = str_of(&track["id"]).to_string();
    let file_id = str_of(&track["files"][0]["id"]).to_string();
    let share = producer.share(json!({"track_ids": [track_id]}));
    let (share_id, token) = (str_of(&share["id"]), str_of(&share["token"]));
    let visitor_paths = [
        format!("/s/{token}"),
        format!("/s/{token}/files/{file_id}"),
        format!("/s/{token}/play/{track_id}"),
        format!("/s/{token}/art/{track_id}"),
        "/oauth/dropbox/callback?code=x&state=y".to_string(),
    ];
    for method in ODD {
        for path in &visitor_paths {
            let answer = send_raw(method, path, &[("user-agent", BROWSER)], "");
            assert!(refused(&answer, "GET, HEAD"), "{method} {path}: {answer:?}");
        }
        let auth = format!("Bearer {}", producer.key);
        let api = send_raw(method, "/api/me", &[("authorization", &auth)], "");
        assert!(refused(&api, "GET, PATCH"), "{method} /api/me: {api:?}");
    }
    // One real view and one real download, then exactly those are counted.
    assert_eq!(visit(&visitor_paths[0]).status, 200);
    assert_eq!(visit(&visitor_paths[1]).status, 302);
    let deadline = Instant::now() + Duration::from_secs(15);
    let stats = loop {
        let stats = producer
            .call("GET", &format!("/api/shares/{share_id}"), None)
            .json()["stats"]
            .clone();
        let settled = stats["views"] == 1 && stats["total_downloads"] == 1;
        if settled || Instant::now() > deadline {
            std::thread::sleep(EVENTS_DELAY);
            break producer
                .call("GET", &format!("/api/shares/{share_id}"), None)
                .json()["stats"]
                .clone();
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        (stats["views"].as_u64(), stats["total_downloads"].as_u64()),
        (Some(1), Some(1)),
        "{stats}"
    );
}
