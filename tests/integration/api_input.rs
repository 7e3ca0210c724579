//! Whatever a client sends, the API answers with a clear 4xx in the
//! contract's error shape: never a 5xx, never a panic.

use serde_json::{json, Map, Value};

use crate::support::{admin_token, new_producer, send, simple_track, str_of, Body, Page};

/// Every route that reads a body: method, path and the credential it needs.
fn write_routes() -> Vec<(&'static str, String, String)> {
    let p = new_producer("fuzz");
    let track = p.track(simple_track("Fuzzed"));
    let id = str_of(&track["id"]).to_string();
    let share = p.share(json!({"track_ids": [id]}));
    let share_id = str_of(&share["id"]).to_string();
    vec![
        ("POST", "/admin/producers".into(), admin_token()),
        ("PATCH", "/api/me".into(), p.key.clone()),
        ("POST", "/api/tracks".into(), p.key.clone()),
        ("PATCH", format!("/api/tracks/{id}"), p.key.clone()),
        ("POST", "/api/shares".into(), p.key.clone()),
        ("PATCH", format!("/api/shares/{share_id}"), p.key.clone()),
    ]
}

fn raw(method: &str, path: &str, key: &str, body: Body) -> Page {
    let bearer = format!("Bearer {key}");
    send(
        method,
        path,
        &[
            ("authorization", &bearer),
            ("content-type", "application/json"),
        ],
        body,
    )
}

fn assert_error(page: &Page, status: u16, code: &str, what: &str) {
    assert_eq!(page.status, status, "{what}: {}", page.raw);
    assert_eq!(page.error_code(), code, "{what}: {}", page.raw);
    assert!(page.json()["error"]["message"].is_string(), "{what}");
    assert_eq!(page.header("content-type"), Some("application/json"));
}

#[test]
fn each_error_class_gets_its_status_on_every_write_route() {
    for (method, path, key) in write_routes() {
        let what = format!("{method} {path}");
        for malformed in [
            &b"{"[..],
            b"{\"title\": }",
            b"",
            b"\xff\xfe",
            b"{\"a\":1} trailing",
            b"NaN",
        ] {
            let page = raw(method, &path, &key, Body::Sized(malformed));
            assert_error(&page, 400, "malformed_json", &what);
        }
        for not_object in ["[]", "\"text\"", "42", "null", "true"] {
            let page = raw(method, &path, &key, Body::Sized(not_object.as_bytes()));
            assert_error(&page, 400, "wrong_type", &what);
        }
        let unknown = raw(method, &path, &key, Body::Sized(br#"{"surprise": 1}"#));
        assert_error(&unknown, 422, "unknown_field", &what);
        assert_eq!(unknown.error_field(), "surprise");

        // Over 64 KiB: refused unread when announced, and when streamed.
        let big = format!(r#"{{"title": "{}"}}"#, "a".repeat(70_000));
        let sized = raw(method, &path, &key, Body::Sized(big.as_bytes()));
        assert_error(&sized, 413, "body_too_large", &what);
        let chunked = raw(method, &path, &key, Body::Chunked(big.into_bytes()));
        assert_error(&chunked, 413, "body_too_large", &what);
    }
}

/// A small deterministic generator, so a failure names a reproducible seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn text(&mut self) -> String {
        const PIECES: [&str; 12] = [
            "",
            " ",
            "a",
            "Ω",
            "🎧",
            "\u{0}",
            "\u{7}",
            "\n",
            "<script>",
            "\"",
            "\\",
            "/Mixes/x.wav",
        ];
        (0..self.below(6))
            .map(|_| PIECES[self.below(PIECES.len() as u64) as usize])
            .collect()
    }

    fn value(&mut self, depth: u32) -> Value {
        match self.below(if depth > 3 { 7 } else { 10 }) {
            0 => Value::Null,
            1 => json!(self.below(2) == 1),
            2 => json!(self.next() as i64),
            3 => json!([1e300, -1e300, 0.5, -0.0, 401.0, 0.0][self.below(6) as usize]),
            4 | 5 => json!(self.text()),
            6 => json!("x".repeat(self.below(3000) as usize)),
            7 => Value::Array((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
            _ => Value::Object(self.object(depth + 1)),
        }
    }

    fn object(&mut self, depth: u32) -> Map<String, Value> {
        const FIELDS: [&str; 24] = [
            "handle",
            "display_name",
            "bio",
            "avatar_url",
            "header_url",
            "theme",
            "accent",
            "mode",
            "public_profile",
            "title",
            "bpm",
            "key",
            "artwork_path",
            "collaborators",
            "files",
            "kind",
            "path",
            "folder",
            "label",
            "track_ids",
            "expires_in_days",
            "downloads",
            "kinds",
            "on_profile",
        ];
        (0..1 + self.below(4))
            .map(|_| {
                (
                    FIELDS[self.below(FIELDS.len() as u64) as usize].to_string(),
                    self.value(depth),
                )
            })
            .collect()
    }
}

/// Hostile shapes a generator rarely reaches on its own.
fn hostile_bodies() -> Vec<Vec<u8>> {
    let deep = |n: usize| format!("{}1{}", r#"{"theme":"#.repeat(n), "}".repeat(n));
    vec![
        format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        format!(r#"{{"title":"t","files":{}}}"#, deep(200)).into_bytes(),
        br#"{"bpm": 1e999}"#.to_vec(),
        br#"{"bpm": 123456789012345678901234567890123456789}"#.to_vec(),
        br#"{"expires_in_days": 18446744073709551616, "track_ids": ["a"]}"#.to_vec(),
        serde_json::to_vec(&json!({"track_ids": vec!["a"; 10_000]})).unwrap(),
        serde_json::to_vec(
            &json!({"title": "t", "files": vec![json!({"kind": "master", "path": "/a"}); 10_000]}),
        )
        .unwrap(),
        serde_json::to_vec(
            &json!({"collaborators": vec![json!({"name": "x"}); 5_000], "title": "t", "files": []}),
        )
        .unwrap(),
        serde_json::to_vec(
            &json!({"title": "\u{0}\u{1}\u{1b}[31m", "display_name": "\u{202e}evil"}),
        )
        .unwrap(),
        br#"{"title": "\ud800"}"#.to_vec(),
        br#"{"title": "a", "title": "b"}"#.to_vec(),
        b"{\"title\": \"t\", \"files\": [{\"kind\": \"master\", \"path\": \"/a\x00b\"}]}".to_vec(),
    ]
}

#[test]
fn random_and_hostile_json_never_gets_a_5xx() {
    let mut rng = Rng(0x05ee_d0f5_ba2e);
    for (method, path, key) in write_routes() {
        let mut bodies = hostile_bodies();
        bodies.extend((0..40).map(|_| serde_json::to_vec(&Value::Object(rng.object(0))).unwrap()));
        for body in bodies {
            let page = raw(method, &path, &key, Body::Sized(&body));
            let shown = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
            assert!(
                page.status < 500,
                "{method} {path} {shown}: {} {}",
                page.status,
                page.raw
            );
            if page.status >= 300 {
                assert!((400..500).contains(&page.status), "{method} {path} {shown}");
                assert!(
                    !page.error_code().is_empty(),
                    "{method} {path} {shown}: {}",
                    page.raw
                );
            }
        }
    }
}
