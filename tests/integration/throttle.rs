//! Abuse is throttled, not counted: Cloudflare's Rate Limiting bindings
//! under `wrangler dev`, clients told apart by `CF-Connecting-IP`.

use serde_json::json;

use crate::standin::connected;
use crate::support::{call, new_client, send, str_of, Body, BROWSER};

fn from(ip: &str) -> [(&str, &str); 2] {
    [("user-agent", BROWSER), ("cf-connecting-ip", ip)]
}

#[test]
fn downloads_and_zips_over_the_limit_get_a_429_and_count_nothing() {
    let (producer, account) = connected(
        "throttle",
        json!({"/T/m.wav": {}, "/T/Stems/a.wav": {"content": "a"}}),
        json!({}),
    );
    let track = producer.track(json!({"title": "T", "files": [
        {"kind": "master", "path": "/T/m.wav"},
        {"kind": "stems", "path": "/T/Stems", "folder": true}]}));
    let share = producer
        .share(json!({"track_ids": [track["id"]], "downloads": {"kinds": ["master", "stems"]}}));
    let token = str_of(&share["token"]);
    let files: Vec<String> = track["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("/s/{token}/files/{}", str_of(&f["id"])))
        .collect();

    let (one, two, three) = (new_client(), new_client(), new_client());
    // A ZIP costs the producer's Dropbox a call: 10 a minute per client.
    for _ in 0..10 {
        assert_eq!(send("GET", &files[1], &from(&one), Body::None).status, 200);
    }
    let zips = account.calls("download_zip");
    let refused = send("GET", &files[1], &from(&one), Body::None);
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("retry-after"), Some("60"));
    assert!(refused.has("Too many requests at once"));
    assert!(refused.has(&format!(r#"href="/s/{token}">Back to the share"#)));
    assert_eq!(
        account.calls("download_zip"),
        zips,
        "no Dropbox call over the limit"
    );
    // Another client is not held back by this one.
    assert_eq!(send("GET", &files[1], &from(&two), Body::None).status, 200);

    // Files: 120 a minute per client and share.
    for _ in 0..120 {
        assert_eq!(
            send("GET", &files[0], &from(&three), Body::None).status,
            302
        );
    }
    assert_eq!(
        send("GET", &files[0], &from(&three), Body::None).status,
        429
    );

    let stats = crate::downloads::settled_downloads(&producer, &share, 131);
    assert_eq!(
        stats["total_downloads"], 131,
        "only what was served counts: {stats}"
    );
}

#[test]
fn failed_api_keys_are_throttled_but_a_valid_key_always_works() {
    let producer = crate::support::new_producer("authlimit");
    let client = new_client();
    let ip = [
        ("cf-connecting-ip", client.as_str()),
        ("authorization", "Bearer sp.nope.nope"),
    ];
    for _ in 0..30 {
        assert_eq!(send("GET", "/api/me", &ip, Body::None).status, 401);
    }
    let refused = send("GET", "/api/me", &ip, Body::None);
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("retry-after"), Some("60"));
    assert_eq!(refused.json()["error"]["code"], "rate_limited");
    let bearer = format!("Bearer {}", producer.key);
    let valid = [
        ("cf-connecting-ip", client.as_str()),
        ("authorization", bearer.as_str()),
    ];
    assert_eq!(send("GET", "/api/me", &valid, Body::None).status, 200);
    // Other clients are unaffected.
    assert_eq!(call("GET", "/api/me", "sp.nope.nope", None).status, 401);
}

#[test]
fn oauth_callbacks_are_throttled_per_client() {
    let path = "/oauth/dropbox/callback?code=c&state=not-a-state";
    let client = new_client();
    for _ in 0..10 {
        assert_eq!(send("GET", path, &from(&client), Body::None).status, 400);
    }
    let refused = send("GET", path, &from(&client), Body::None);
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("retry-after"), Some("60"));
    assert!(refused.has("Too many requests at once"));
}
