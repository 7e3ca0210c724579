//! A small HTTP vocabulary for the tests.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;
use ureq::http::Request;
use ureq::SendBody;

/// An answer to a request sent as raw HTTP/1.1.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    head: String,
    pub body: String,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (n, value) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// Sends a request as raw HTTP/1.1, for what the test client refuses to
/// send (methods it does not know, a `Host` of our choosing), as a browser
/// never would. `Host` defaults to the worker's own address.
pub fn send_raw(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Raw {
    use std::io::{Read, Write};
    let addr = base().trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the worker");
    let mut request = format!("{method} {path} HTTP/1.1\r\nconnection: close\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        request.push_str(&format!("host: {addr}\r\n"));
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Raw {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

pub struct Page {
    pub status: u16,
    headers: Vec<(String, String)>,
    /// The body as a browser reads it: the page's entity escapes undone
    /// (`&lt;` stays escaped, so raw markup can still be told apart).
    pub text: String,
    /// The body exactly as sent, as text (lossy) and as bytes.
    pub raw: String,
    pub bytes: Vec<u8>,
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

    /// The body as JSON (`Null` when it is not JSON, which tests then see).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.raw).unwrap_or(Value::Null)
    }

    /// The `code` of an API error answer.
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn error_field(&self) -> String {
        self.json()["error"]["field"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

pub fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        std::env::var("SHAREPAGE_URL")
            .expect("SHAREPAGE_URL is not set: run the integration tests with `make test`")
    })
}

pub fn admin_token() -> String {
    std::env::var("SHAREPAGE_ADMIN_TOKEN")
        .expect("SHAREPAGE_ADMIN_TOKEN is not set: run the integration tests with `make test`")
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

/// How a request body is sent.
pub enum Body<'a> {
    None,
    /// With a `Content-Length`.
    Sized(&'a [u8]),
    /// Chunked, so its size is unknown until it has been read.
    Chunked(Vec<u8>),
}

/// An address no request of this run has used yet (and, through the
/// process id, none of a run just before it).
pub fn new_client() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let run = std::process::id() & 255;
    format!("10.{run}.{}.{}", n >> 8 & 255, n & 255)
}

/// A request to the worker. Cloudflare tells clients apart by
/// `CF-Connecting-IP`; a request that names none comes from a client of its
/// own, as if every test were a different visitor, so the rate limits
/// (`src/throttle.rs`) hold back only the tests that name one client.
pub fn send(method: &str, path: &str, headers: &[(&str, &str)], body: Body) -> Page {
    let own_client;
    let mut headers = headers.to_vec();
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("cf-connecting-ip"))
    {
        own_client = new_client();
        headers.push(("cf-connecting-ip", own_client.as_str()));
    }
    send_to(method, &format!("{}{path}", base()), &headers, body)
}

/// Like `send`, to any absolute URL (the Dropbox stand-in, a temporary link).
pub fn send_to(method: &str, url: &str, headers: &[(&str, &str)], body: Body) -> Page {
    let url = url.to_string();
    let mut builder = Request::builder().method(method).uri(&url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let result = match body {
        Body::None => agent().run(builder.body(()).unwrap()),
        Body::Sized(bytes) => agent().run(builder.body(bytes).unwrap()),
        Body::Chunked(bytes) => agent().run(
            builder
                .body(SendBody::from_owned_reader(std::io::Cursor::new(bytes)))
                .unwrap(),
        ),
    };
    let mut response = result.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    let bytes = if method == "HEAD" {
        Vec::new()
    } else {
        response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .unwrap_or_else(|e| panic!("{method} {url} body: {e}"))
    };
    let raw = String::from_utf8_lossy(&bytes).into_owned();
    Page {
        status: response.status().as_u16(),
        headers,
        bytes,
        text: raw
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&amp;", "&"),
        raw,
    }
}

pub fn request(method: &str, path: &str) -> Page {
    send(method, path, &[], Body::None)
}

pub fn get(path: &str) -> Page {
    request("GET", path)
}

/// A browser's page load, which counts as a view.
/// How long a counted view or download may take to reach the statistics:
/// events go through the queue, whose consumer waits up to a second to
/// fill a batch (`max_batch_timeout` in wrangler.toml). A test that checks
/// nothing more was counted waits this long first.
pub const EVENTS_DELAY: std::time::Duration = std::time::Duration::from_millis(1500);

/// A share's details, as its producer reads them.
pub fn details(key: &str, share_id: &str) -> Value {
    let page = call("GET", &format!("/api/shares/{share_id}"), key, None);
    assert_eq!(page.status, 200, "{}", page.raw);
    page.json()
}

/// Views are sent after the page has gone out, through the events queue:
/// wait until the count reaches `expected`, then make sure it stays there.
pub fn settled_views(key: &str, share_id: &str, expected: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    while details(key, share_id)["stats"]["views"].as_u64() < Some(expected)
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(EVENTS_DELAY);
    details(key, share_id)
}

pub const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

pub fn visit(path: &str) -> Page {
    send("GET", path, &[("user-agent", BROWSER)], Body::None)
}

/// A JSON API call with a bearer credential (`""` for none). The body is
/// sent only with methods that carry one, so a route table can be walked
/// with one body for all.
pub fn call(method: &str, path: &str, key: &str, body: Option<&Value>) -> Page {
    let body = body.filter(|_| matches!(method, "POST" | "PATCH" | "PUT"));
    let bearer = format!("Bearer {key}");
    let mut headers = vec![("content-type", "application/json")];
    if !key.is_empty() {
        headers.push(("authorization", &bearer));
    }
    let bytes = body.map(|b| serde_json::to_vec(b).unwrap());
    let body = match &bytes {
        Some(bytes) => Body::Sized(bytes),
        None => Body::None,
    };
    send(method, path, &headers, body)
}

/// A handle no other test in this run uses (the database lives for the run).
pub fn unique_handle(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let pid = std::process::id() % 10_000;
    format!("{prefix}-{pid}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

pub struct Producer {
    pub id: String,
    pub handle: String,
    pub key: String,
}

/// A new producer, made through the operator API.
pub fn new_producer(prefix: &str) -> Producer {
    let handle = unique_handle(prefix);
    let body = serde_json::json!({"handle": handle, "display_name": format!("{prefix} producer")});
    let created = call("POST", "/admin/producers", &admin_token(), Some(&body));
    assert_eq!(created.status, 201, "{}", created.raw);
    let json = created.json();
    Producer {
        id: json["id"].as_str().unwrap().to_string(),
        handle,
        key: json["api_key"].as_str().unwrap().to_string(),
    }
}

impl Producer {
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Page {
        call(method, path, &self.key, body)
    }

    /// Sends each body and expects the status and the field it names.
    pub fn assert_refused(&self, method: &str, path: &str, cases: &[(Value, u16, &str)]) {
        for (body, status, field) in cases {
            let page = self.call(method, path, Some(body));
            assert_eq!(
                (page.status, page.error_field().as_str()),
                (*status, *field),
                "{method} {path} {body}: {}",
                page.raw
            );
        }
    }

    /// Creates a track and answers its JSON.
    pub fn track(&self, body: Value) -> Value {
        let created = self.call("POST", "/api/tracks", Some(&body));
        assert_eq!(created.status, 201, "{}", created.raw);
        created.json()
    }

    /// Creates a share and answers its JSON.
    pub fn share(&self, body: Value) -> Value {
        let created = self.call("POST", "/api/shares", Some(&body));
        assert_eq!(created.status, 201, "{}", created.raw);
        created.json()
    }
}

/// A minimal valid track body.
pub fn simple_track(title: &str) -> Value {
    serde_json::json!({
        "title": title,
        "files": [{"kind": "master", "path": format!("/Mixes/{title}.wav")}]
    })
}

pub fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}
