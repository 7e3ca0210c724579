//! Only GET and HEAD reach visitors' pages and files, and only the
//! documented methods reach the API. Methods the runtime's request type does
//! not know (it would read them as GET) are refused like any other, and
//! nothing they reach is counted.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::standin::connected;
use crate::support::{base, str_of, visit, BROWSER};

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

/// The status and `Allow` header of a request sent as raw HTTP/1.1: the
/// test client refuses methods it does not know, as a browser would not.
fn send_raw(method: &str, path: &str, headers: &[(&str, &str)]) -> (u16, Option<String>) {
    let addr = base().trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("connect to the worker");
    let mut request = format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("content-length: 0\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let head = answer.split("\r\n\r\n").next().unwrap_or("");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let allow = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("allow")
            .then(|| value.trim().to_owned())
    });
    (status, allow)
}

fn refused((status, allow): &(u16, Option<String>), expected: &str) -> bool {
    (*status == 405 && allow.as_deref() == Some(expected)) || *status == 501
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
            let answer = send_raw(method, path, &[("user-agent", BROWSER)]);
            assert!(refused(&answer, "GET, HEAD"), "{method} {path}: {answer:?}");
        }
        let auth = format!("Bearer {}", producer.key);
        let api = send_raw(method, "/api/me", &[("authorization", &auth)]);
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
            std::thread::sleep(Duration::from_millis(300));
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
