//! A small HTTP vocabulary for the tests.

use std::sync::OnceLock;

pub struct Page {
    pub status: u16,
    headers: Vec<(String, String)>,
    /// The body as a browser reads it: minijinja's entity escapes undone
    /// (`&lt;` stays escaped, so raw markup can still be told apart).
    pub text: String,
    /// The body exactly as sent.
    pub raw: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn has(&self, needle: &str) -> bool {
        self.text.contains(needle)
    }
}

fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        std::env::var("SHAREPAGE_URL")
            .expect("SHAREPAGE_URL is not set: run the integration tests with `make test`")
    })
}

fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into()
    })
}

pub fn request(method: &str, path: &str) -> Page {
    let url = format!("{}{path}", base());
    let result = match method {
        "GET" => agent().get(&url).call(),
        "HEAD" => agent().head(&url).call(),
        "POST" => agent().post(&url).send_empty(),
        "DELETE" => agent().delete(&url).call(),
        other => panic!("no helper for {other}"),
    };
    let mut response = result.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    let raw = response
        .body_mut()
        .read_to_string()
        .unwrap_or_else(|e| panic!("{method} {url} body: {e}"));
    Page {
        status: response.status().as_u16(),
        headers,
        text: raw
            .replace("&#x2f;", "/")
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&amp;", "&"),
        raw,
    }
}

pub fn get(path: &str) -> Page {
    request("GET", path)
}
