//! Absolute URLs start with the configured `PUBLIC_ORIGIN` (the test stack
//! sets it to the worker's own address, as a deployment sets its domain),
//! whatever `Host` a request carries.

use serde_json::{json, Value};

use crate::support::{base, new_producer, send_raw, simple_track, str_of};

#[test]
fn absolute_urls_come_from_the_configured_origin_not_the_host_header() {
    let p = new_producer("origin");
    let track = p.track(simple_track("Origin"));
    let auth = format!("Bearer {}", p.key);
    let forged = [
        ("host", "evil.example"),
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    let body = json!({"track_ids": [track["id"]]}).to_string();
    let created = send_raw("POST", "/api/shares", &forged, &body);
    assert_eq!(created.status, 201, "{}", created.body);
    let share: Value = serde_json::from_str(&created.body).unwrap();
    let url = str_of(&share["url"]);
    assert!(url.starts_with(&format!("{}/s/", base())), "{url}");

    let connect = send_raw("GET", "/api/dropbox/connect", &forged, "");
    assert_eq!(connect.status, 200, "{}", connect.body);
    let link: Value = serde_json::from_str(&connect.body).unwrap();
    let authorize = str_of(&link["authorize_url"]);
    assert!(
        authorize.starts_with(&format!("{}/console/dropbox/connect?state=", base())),
        "{authorize}"
    );
    assert!(!connect.body.contains("evil.example"));
}
