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
    // The binding counts in fixed one-minute windows, so a burst may span
    // two of them: of 25, at most 20 get through, and the rest are refused.
    let zips_before = account.calls("download_zip");
    let answers = burst(&files[1], &one, 25);
    let zips = served(&answers, 200);
    assert!((10..=20).contains(&zips), "{zips} ZIPs of 25");
    let refused = answers.iter().find(|p| p.status == 429).expect("a 429");
    assert_eq!(refused.header("retry-after"), Some("60"));
    assert!(refused.has("Too many requests at once"));
    assert!(refused.has(&format!(r#"href="/s/{token}">Back to the share"#)));
    assert_eq!(
        account.calls("download_zip") - zips_before,
        zips,
        "no Dropbox call over the limit"
    );
    // Another client is not held back by this one.
    assert_eq!(send("GET", &files[1], &from(&two), Body::None).status, 200);

    // Files: 120 a minute per client and share.
    let answers = burst(&files[0], &three, 250);
    let links = served(&answers, 302);
    assert!((120..=240).contains(&links), "{links} files of 250");
    assert_eq!(served(&answers, 429), 250 - links);

    let expected = (zips + 1 + links) as u64;
    let stats = crate::downloads::settled_downloads(&producer, &share, expected);
    assert_eq!(
        stats["total_downloads"], expected,
        "only what was served counts: {stats}"
    );
}

/// `n` requests for `path` from `client`, one after another.
fn burst(path: &str, client: &str, n: usize) -> Vec<crate::support::Page> {
    (0..n)
        .map(|_| send("GET", path, &from(client), Body::None))
        .collect()
}

fn served(answers: &[crate::support::Page], status: u16) -> usize {
    answers.iter().filter(|p| p.status == status).count()
}

#[test]
fn failed_api_keys_are_throttled_but_a_valid_key_always_works() {
    let producer = crate::support::new_producer("authlimit");
    let client = new_client();
    let ip = [
        ("cf-connecting-ip", client.as_str()),
        ("authorization", "Bearer sp.nope.nope"),
    ];
    // 30 a minute, counted in fixed windows: of 70, at most 60 are 401s.
    let answers: Vec<_> = (0..70)
        .map(|_| send("GET", "/api/me", &ip, Body::None))
        .collect();
    let failed = served(&answers, 401);
    assert!((30..=60).contains(&failed), "{failed} of 70");
    let refused = answers.iter().find(|p| p.status == 429).expect("a 429");
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
    let answers = burst(path, &client, 25);
    assert!((10..=20).contains(&served(&answers, 400)));
    let refused = answers.iter().find(|p| p.status == 429).expect("a 429");
    assert_eq!(refused.header("retry-after"), Some("60"));
    assert!(refused.has("Too many requests at once"));
}
