//! Connecting Dropbox, and keeping the connection alive: OAuth through the
//! stand-in, refresh on demand and from the cron, revocation.

use std::sync::Barrier;

use serde_json::{json, Value};

use crate::browser::Browser;
use crate::standin::{connect, connected, consent, dropbox_url, Account};
use crate::support::{get, new_producer, send_to, str_of, visit, Body, Producer};

fn dropbox_state(producer: &Producer) -> Value {
    producer.call("GET", "/api/me", None).json()["dropbox"].clone()
}

/// A track with one master at `path`, in a share allowing masters: answers
/// (share token, track id, file id).
fn shared_file(producer: &Producer, path: &str) -> (String, String, String) {
    let track =
        producer.track(json!({"title": "Song", "files": [{"kind": "master", "path": path}]}));
    let share = producer.share(json!({"track_ids": [track["id"]]}));
    (
        str_of(&share["token"]).to_string(),
        str_of(&track["id"]).to_string(),
        str_of(&track["files"][0]["id"]).to_string(),
    )
}

#[test]
fn connecting_stores_the_account_once_per_link() {
    let producer = new_producer("connect");
    assert_eq!(
        dropbox_state(&producer),
        json!({"status": "not_connected", "warning": null, "account": null})
    );

    let browser = Browser::signed_in(&producer);
    let url = dropbox_url(&browser, &producer);
    let parsed = url::Url::parse(&url).unwrap();
    let query: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
    assert_eq!(parsed.path(), "/oauth2/authorize");
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["token_access_type"], "offline");
    assert_eq!(query["client_id"], "standin-app-key");
    assert!(query["redirect_uri"].ends_with("/oauth/dropbox/callback"));
    assert!(query["state"].len() >= 22, "the state is unguessable");

    let account = Account::new(
        json!({"/a.wav": {}}),
        json!({"name": "Jane Doe", "email": "jane@example.com"}),
    );
    let callback = consent(&url, &account);
    let page = browser.get(&callback);
    assert_eq!(page.status, 200, "{}", page.raw);
    assert!(page.has("Dropbox connected"));
    let handle = &producer.handle;
    assert!(
        page.has(&format!(
            "Connected Jane Doe's Dropbox to connect producer (@{handle})"
        )),
        "{}",
        page.text
    );
    assert_eq!(
        dropbox_state(&producer),
        json!({"status": "ok", "warning": null,
               "account": {"name": "Jane Doe", "email": "jane@example.com"}})
    );

    // The same link again: the state was spent.
    let again = browser.get(&callback);
    assert_eq!(again.status, 400);
    assert!(again.has("This connection link has expired"));
    assert_eq!(
        account.calls("token"),
        1,
        "a spent state never reaches Dropbox"
    );
}

#[test]
fn bad_or_declined_callbacks_store_nothing() {
    let producer = new_producer("connect-bad");
    for query in [
        "",
        "?code=abc",
        "?state=made-up&code=abc",
        "?code=abc&state=a&state=b",
    ] {
        let page = get(&format!("/oauth/dropbox/callback{query}"));
        assert_eq!(page.status, 400, "{query}: {}", page.raw);
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8")
        );
    }
    let browser = Browser::signed_in(&producer);
    let url = dropbox_url(&browser, &producer);
    let account = Account::new(json!({}), json!({}));
    let declined = send_to(
        "GET",
        &format!("{url}&login={}&deny=1", account.id),
        &[],
        Body::None,
    );
    let page = browser.get(declined.header("location").unwrap());
    assert_eq!(page.status, 400);
    assert!(page.has("Dropbox was not connected"));
    assert_eq!(dropbox_state(&producer)["status"], "not_connected");
    assert_eq!(account.calls("token"), 0);
}

#[test]
fn an_expired_access_token_is_refreshed_once_and_the_request_retried() {
    let (producer, account) = connected("refresh", json!({"/Mix/a.wav": {}}), json!({}));
    let (token, _, file) = shared_file(&producer, "/Mix/a.wav");
    account.expire_access_tokens();
    let page = visit(&format!("/s/{token}/files/{file}"));
    assert_eq!(page.status, 302, "{}", page.raw);
    let log = account.log();
    let tail: Vec<_> = log[log.len() - 3..]
        .iter()
        .map(|(e, s)| (e.as_str(), *s))
        .collect();
    assert_eq!(
        tail,
        [
            ("get_temporary_link", 401),
            ("token", 200),
            ("get_temporary_link", 200)
        ]
    );
}

/// Fifty visitors at once, each fetching a file of their own (no cached
/// link to hide behind), on a producer whose token needs a refresh: `stale`
/// makes it so (Dropbox refusing the token, or its expiry passed). One
/// token call in the stand-in's log, every visitor served, and the stored
/// token works for the next visitor without another refresh.
fn fifty_visitors_cause_one_refresh(prefix: &str, settings: Value, stale: impl Fn(&Account)) {
    let files: serde_json::Map<String, Value> = (0..51)
        .map(|i| (format!("/Many/{i}.wav"), json!({})))
        .collect();
    let (producer, account) = connected(prefix, Value::Object(files), settings);
    let shared: Vec<_> = (0..51)
        .map(|i| shared_file(&producer, &format!("/Many/{i}.wav")))
        .collect();
    stale(&account);
    let before = account.calls("token");
    let start = Barrier::new(50);
    std::thread::scope(|s| {
        for (token, _, file) in &shared[..50] {
            let start = &start;
            s.spawn(move || {
                start.wait();
                let page = visit(&format!("/s/{token}/files/{file}"));
                assert_eq!(page.status, 302, "{}", page.raw);
            });
        }
    });
    assert_eq!(account.calls("token"), before + 1, "{:?}", account.log());
    let (token, _, file) = &shared[50];
    assert_eq!(visit(&format!("/s/{token}/files/{file}")).status, 302);
    assert_eq!(account.calls("token"), before + 1);
    assert_eq!(
        account.log().last().unwrap(),
        &("get_temporary_link".to_string(), 200)
    );
}

#[test]
fn fifty_visitors_on_a_refused_token_cause_one_refresh() {
    fifty_visitors_cause_one_refresh("refresh-401", json!({}), Account::expire_access_tokens);
}

#[test]
fn fifty_visitors_on_an_expired_token_cause_one_refresh() {
    // A token that lives 30 s is past the worker's safety margin at once;
    // the refreshed one lives the usual four hours.
    fifty_visitors_cause_one_refresh("refresh-due", json!({"expires_in": 30}), |account| {
        account.grant_tokens_for(14_400)
    });
}

#[test]
fn the_cron_refreshes_tokens_that_expire_within_the_hour() {
    let (_, soon) = connected("cron-soon", json!({}), json!({"expires_in": 1800}));
    let (_, later) = connected("cron-later", json!({}), json!({"expires_in": 14400}));
    let (unlinked_producer, unlinked) =
        connected("cron-unlinked", json!({}), json!({"expires_in": 1800}));
    unlinked.revoke();
    let before = (soon.calls("token"), later.calls("token"));
    let page = get("/__scheduled?cron=*/15+*+*+*+*");
    assert_eq!(page.status, 200, "{}", page.raw);
    assert_eq!(soon.calls("token"), before.0 + 1, "{:?}", soon.log());
    assert_eq!(
        later.calls("token"),
        before.1,
        "a token with hours left is left alone"
    );
    // The producer learns of an unlinked app from the cron, before any visitor does.
    assert_eq!(
        dropbox_state(&unlinked_producer)["status"],
        "needs_reconnect"
    );
}

#[test]
fn a_revoked_connection_warns_the_producer_and_pauses_files_not_pages() {
    let (producer, account) = connected("revoked", json!({"/R/a.wav": {}}), json!({}));
    let (token, track, file) = shared_file(&producer, "/R/a.wav");
    account.revoke();
    let download = visit(&format!("/s/{token}/files/{file}"));
    assert_eq!(download.status, 503, "{}", download.raw);
    assert!(download.header("retry-after").is_some());
    assert!(download.has("Files are temporarily unavailable"));

    let state = dropbox_state(&producer);
    assert_eq!(state["status"], "needs_reconnect");
    assert!(str_of(&state["warning"]).contains("connect Dropbox again"));
    let shares = producer.call("GET", "/api/shares", None).json();
    let id = str_of(&shares["shares"][0]["id"]).to_string();
    // Anything counted would have reached the statistics by now.
    std::thread::sleep(crate::support::EVENTS_DELAY);
    let details = producer
        .call("GET", &format!("/api/shares/{id}"), None)
        .json();
    assert_eq!(details["warning"], state["warning"]);
    assert_eq!(
        details["stats"]["total_downloads"], 0,
        "a failed download is not counted"
    );

    let page = visit(&format!("/s/{token}"));
    assert_eq!(page.status, 200);
    assert!(page.has("Playback and downloads are temporarily unavailable"));
    assert!(!page.has(&format!("href=\"/s/{token}/files/{file}\"")));
    assert_eq!(get(&format!("/s/{token}/play/{track}")).status, 503);
    let calls = account.log().len();
    assert_eq!(visit(&format!("/s/{token}/files/{file}")).status, 503);
    assert_eq!(
        account.log().len(),
        calls,
        "a known-revoked account is not asked again"
    );

    // Reconnecting (here to a new account) replaces the tokens and clears it.
    let fresh = Account::new(json!({"/R/a.wav": {}}), json!({"name": "Second Self"}));
    assert_eq!(connect(&producer, &fresh).status, 200);
    let state = dropbox_state(&producer);
    assert_eq!(
        (&state["status"], &state["warning"]),
        (&json!("ok"), &Value::Null)
    );
    assert_eq!(
        state["account"]["name"], "Second Self",
        "the new account is named"
    );
    assert_eq!(visit(&format!("/s/{token}/files/{file}")).status, 302);
    assert_eq!(fresh.calls("get_temporary_link"), 1);
}

#[test]
fn a_dropbox_account_serves_one_producer() {
    let (first, account) = connected("taken-first", json!({"/T/private.pdf": {}}), json!({}));
    let second = new_producer("taken-second");
    let page = connect(&second, &account);
    assert_eq!(page.status, 409, "{}", page.raw);
    assert!(page.has("This Dropbox is linked to another producer"));
    assert_eq!(dropbox_state(&second)["status"], "not_connected");
    assert_eq!(dropbox_state(&first)["status"], "ok");
    // The first producer may reconnect the same account at any time.
    assert_eq!(connect(&first, &account).status, 200);
}
