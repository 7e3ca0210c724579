//! The test side of the Dropbox stand-in (tests/dropbox_standin.py): an
//! account per test, so tests running at once never share faults or logs.

use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::browser::Browser;
use crate::support::{send_to, str_of, Body, Page, Producer};

fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        std::env::var("SHAREPAGE_DROPBOX_URL")
            .expect("SHAREPAGE_DROPBOX_URL is not set: run the integration tests with `make test`")
    })
}

/// The stand-in's origin, which the worker is told serves temporary links.
pub fn origin() -> &'static str {
    base()
}

fn control(method: &str, path: &str, body: &Value) -> Value {
    let bytes = serde_json::to_vec(body).unwrap();
    let page = send_to(
        method,
        &format!("{}/__standin/{path}", base()),
        &[],
        Body::Sized(&bytes),
    );
    assert_eq!(page.status, 200, "stand-in {path}: {}", page.raw);
    page.json()
}

/// A Dropbox account in the stand-in.
pub struct Account {
    pub id: String,
}

impl Account {
    /// `files` maps paths to `{"content": "..."}`, `{"size": n}` or `{"tone": seconds}` (a real WAV; folders
    /// are the paths' prefixes). `settings` may add `expires_in` (seconds an
    /// access token lives), `zip_max_entries`, and the `name` and `email`
    /// Dropbox gives the account.
    pub fn new(files: Value, settings: Value) -> Account {
        let mut spec = json!({ "files": files });
        if let (Some(spec), Some(settings)) = (spec.as_object_mut(), settings.as_object()) {
            spec.extend(settings.clone());
        }
        let created = control("POST", "accounts", &spec);
        Account {
            id: str_of(&created["account_id"]).to_string(),
        }
    }

    fn action(&self, action: &str, body: Value) -> Value {
        control("POST", &format!("accounts/{}/{action}", self.id), &body)
    }

    /// Queues faults: `{"endpoint", "status"?, "retry_after"?, "delay_ms"?, "times"?}`.
    pub fn inject(&self, faults: Value) {
        self.action("faults", json!({ "faults": faults }));
    }

    /// Drops the faults not used up yet.
    pub fn clear_faults(&self) {
        self.action("faults", json!({ "clear": true }));
    }

    /// As when the owner unlinks the app: every token stops working.
    pub fn revoke(&self) {
        self.action("revoke", json!({}));
    }

    /// How long the access tokens Dropbox grants from now on live.
    pub fn grant_tokens_for(&self, seconds: u64) {
        self.action("settings", json!({"expires_in": seconds}));
    }

    pub fn expire_access_tokens(&self) {
        self.action("expire_access_tokens", json!({}));
    }

    /// The Dropbox calls this account saw, as (endpoint, status).
    pub fn log(&self) -> Vec<(String, u16)> {
        let page = send_to(
            "GET",
            &format!("{}/__standin/accounts/{}/log", base(), self.id),
            &[],
            Body::None,
        );
        page.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    str_of(&e["endpoint"]).to_string(),
                    e["status"].as_u64().unwrap() as u16,
                )
            })
            .collect()
    }

    /// How many calls to `endpoint` the account saw.
    pub fn calls(&self, endpoint: &str) -> usize {
        self.log().iter().filter(|(e, _)| e == endpoint).count()
    }
}

/// Walks the OAuth flow as the producer's browser would: signs in to the
/// console, opens the link the API hands out, "signs in" as `account` on
/// Dropbox's consent page, and follows Dropbox's redirect to the worker's
/// callback. Answers that page.
pub fn connect(producer: &Producer, account: &Account) -> Page {
    let browser = Browser::signed_in(producer);
    let url = dropbox_url(&browser, producer);
    browser.get(&consent(&url, account))
}

/// The link `GET /api/dropbox/connect` hands out (it points at the console).
pub fn authorize_url(producer: &Producer) -> String {
    let link = producer.call("GET", "/api/dropbox/connect", None);
    assert_eq!(link.status, 200, "{}", link.raw);
    str_of(&link.json()["authorize_url"]).to_string()
}

/// Dropbox's authorize URL, where the API's link leads `browser`.
pub fn dropbox_url(browser: &Browser, producer: &Producer) -> String {
    let to_dropbox = browser.get(&authorize_url(producer));
    assert_eq!(to_dropbox.status, 303, "{}", to_dropbox.raw);
    to_dropbox.header("location").unwrap().to_string()
}

/// Allows access on the stand-in's consent page as `account`: the callback
/// address Dropbox sends the browser back to.
pub fn consent(dropbox_url: &str, account: &Account) -> String {
    let consent = send_to(
        "GET",
        &format!("{dropbox_url}&login={}", account.id),
        &[],
        Body::None,
    );
    assert_eq!(consent.status, 302, "{}", consent.raw);
    consent.header("location").unwrap().to_string()
}

/// A producer connected to a new stand-in account holding `files`.
pub fn connected(prefix: &str, files: Value, settings: Value) -> (Producer, Account) {
    let producer = crate::support::new_producer(prefix);
    let account = Account::new(files, settings);
    let page = connect(&producer, &account);
    assert_eq!(page.status, 200, "{}", page.raw);
    (producer, account)
}

/// The names inside a ZIP archive, read from its central directory.
pub fn zip_names(bytes: &[u8]) -> Vec<String> {
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
    let end = (0..=bytes.len().saturating_sub(22))
        .rev()
        .find(|&i| bytes[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
        .expect("not a ZIP: no end of central directory");
    let (count, mut at) = (u16_at(end + 10), u32_at(end + 16));
    let mut names = Vec::new();
    for _ in 0..count {
        assert_eq!(
            bytes[at..at + 4],
            [0x50, 0x4b, 0x01, 0x02],
            "bad central directory"
        );
        let (name_len, extra, comment) = (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
        names.push(String::from_utf8_lossy(&bytes[at + 46..at + 46 + name_len]).into_owned());
        at += 46 + name_len + extra + comment;
    }
    names
}
