//! The producer console over HTTP: sessions, CSRF, the Dropbox link bound
//! to the browser that started it, import, and the same rules as the API.

use serde_json::{json, Value};

use crate::browser::{csrf_of, Browser};
use crate::standin::{authorize_url, connected, consent, dropbox_url, Account};
use crate::support::{base, new_producer, send, str_of, Body, Producer};

fn display_name(producer: &Producer) -> String {
    str_of(&producer.call("GET", "/api/me", None).json()["display_name"]).to_string()
}

fn dropbox_status(producer: &Producer) -> String {
    str_of(&producer.call("GET", "/api/me", None).json()["dropbox"]["status"]).to_string()
}

#[test]
fn signing_in_opens_a_session_cookie_and_signing_out_ends_it() {
    let producer = new_producer("console-in");
    let mut browser = Browser::new();
    let form = browser.get("/console");
    assert_eq!(form.status, 200);
    assert!(form.has("name=\"api_key\""), "{}", form.raw);
    assert_eq!(form.header("cache-control"), Some("no-store"));
    assert!(form
        .header("content-security-policy")
        .unwrap()
        .contains("script-src 'self'"));

    let wrong = browser.sign_in("sp.not-a-key", "/console");
    assert_eq!(wrong.status, 401);
    assert!(wrong.has("That key did not work"));
    assert!(wrong.header("set-cookie").is_none());

    let page = browser.sign_in(&producer.key, "/console");
    assert_eq!(page.status, 303);
    assert_eq!(page.header("location"), Some("/console?done=signed_in"));
    let cookie = page.header("set-cookie").unwrap();
    assert!(cookie.starts_with("sharepage_session="), "{cookie}");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain http on loopback: {cookie}"
    );

    let home = browser.get("/console?done=signed_in");
    assert_eq!(home.status, 200);
    assert!(home.has("Welcome back."));
    assert!(home.has("console-in producer"));

    let out = browser.submit("/console", "/console/sign-out", &[]);
    assert_eq!(out.status, 303);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    // The old cookie opens nothing any more.
    let after = browser.get("/console/library");
    assert!(after.has("name=\"api_key\""), "{}", after.raw);
}

#[test]
fn sign_out_everywhere_and_revoking_the_key_end_sessions() {
    let producer = new_producer("console-out");
    let (laptop, phone) = (Browser::signed_in(&producer), Browser::signed_in(&producer));
    assert!(phone.get("/console/library").has("<h1>Library</h1>"));
    let out = laptop.submit("/console", "/console/sign-out-everywhere", &[]);
    assert_eq!(out.status, 303);
    assert!(phone.get("/console/library").has("name=\"api_key\""));

    // A session lives only as long as the key that opened it.
    let key = producer.call("POST", "/api/keys", None).json();
    let second = Producer {
        key: str_of(&key["api_key"]).to_string(),
        id: producer.id.clone(),
        handle: producer.handle.clone(),
    };
    let browser = Browser::signed_in(&second);
    assert!(browser.get("/console/library").has("<h1>Library</h1>"));
    let revoked = producer.call("DELETE", &format!("/api/keys/{}", str_of(&key["id"])), None);
    assert_eq!(revoked.status, 204, "{}", revoked.raw);
    assert!(browser.get("/console/library").has("name=\"api_key\""));
}

#[test]
fn keys_are_made_shown_once_and_revoked_from_the_console() {
    let producer = new_producer("console-keys");
    let browser = Browser::signed_in(&producer);
    let made = browser.submit("/console/keys", "/console/keys", &[]);
    assert_eq!(made.status, 200, "{}", made.raw);
    assert!(made.has("it is shown only this once"));
    let marker = "id=\"new-key\" class=\"url\" value=\"";
    let start = made.raw.find(marker).expect("the new key is shown") + marker.len();
    let key = made.raw[start..].split('"').next().unwrap().to_string();
    let second = Producer {
        key: key.clone(),
        id: producer.id.clone(),
        handle: producer.handle.clone(),
    };
    assert_eq!(
        second.call("GET", "/api/me", None).status,
        200,
        "the new key opens the API"
    );
    let listed = browser.get("/console/keys");
    assert!(!listed.has(&key), "never shown again");
    assert!(listed.has("this browser"));

    // Revoking the key this browser signed in with signs it out.
    let this_key =
        str_of(&producer.call("GET", "/api/keys", None).json()["keys"][0]["id"]).to_string();
    let revoked = browser.submit(
        "/console/keys",
        &format!("/console/keys/{this_key}/revoke"),
        &[],
    );
    assert_eq!(revoked.status, 303, "{}", revoked.raw);
    assert!(browser.get("/console/keys").has("name=\"api_key\""));
    assert_eq!(producer.call("GET", "/api/me", None).status, 401);
    assert_eq!(second.call("GET", "/api/me", None).status, 200);
}

#[test]
fn a_form_without_this_sessions_token_or_from_another_site_changes_nothing() {
    let producer = new_producer("console-csrf");
    let browser = Browser::signed_in(&producer);
    let profile = browser.get("/console/profile");
    let token = csrf_of(&profile);
    let fields = |csrf: &'static str| {
        vec![
            ("csrf", csrf),
            ("display_name", "Changed"),
            ("accent", "#112233"),
            ("mode", "dark"),
        ]
    };
    for (csrf, origin) in [
        ("", base()),
        ("0000", base()),
        (token.as_str(), "https://evil.example"),
        (token.as_str(), "null"),
    ] {
        let mut sent = fields("");
        sent[0].1 = csrf;
        let page = browser.post_from("/console/profile", &sent, origin);
        assert_eq!(page.status, 403, "{csrf} {origin}: {}", page.raw);
        assert!(page.has("This form could not be accepted"));
        assert_eq!(display_name(&producer), "console-csrf producer");
    }
    // Another browser's token is no good either.
    let other = Browser::signed_in(&producer);
    let theirs = csrf_of(&other.get("/console/profile"));
    assert_ne!(theirs, token);
    let mut sent = fields("");
    sent[0].1 = &theirs;
    assert_eq!(browser.post("/console/profile", &sent).status, 403);
    // The right one changes it.
    let mut sent = fields("");
    sent[0].1 = &token;
    let saved = browser.post("/console/profile", &sent);
    assert_eq!(saved.status, 303, "{}", saved.raw);
    assert_eq!(display_name(&producer), "Changed");
}

#[test]
fn failed_sign_ins_are_limited_per_client_with_retry_after() {
    let client = crate::support::new_client();
    let form = "api_key=sp.wrong&next=%2Fconsole";
    let headers = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("cf-connecting-ip", client.as_str()),
    ];
    // The binding counts in fixed one-minute windows: of 25, the first 10
    // always fail plainly, at most 20 do, and the rest are refused.
    let answers: Vec<_> = (0..25)
        .map(|_| {
            send(
                "POST",
                "/console/sign-in",
                &headers,
                Body::Sized(form.as_bytes()),
            )
        })
        .collect();
    let statuses: Vec<u16> = answers.iter().map(|p| p.status).collect();
    assert_eq!(&statuses[..10], &[401; 10], "{statuses:?}");
    assert!(
        statuses.iter().filter(|s| **s == 401).count() <= 20,
        "{statuses:?}"
    );
    let limited = answers.iter().find(|p| p.status == 429).expect("a 429");
    assert_eq!(limited.header("retry-after"), Some("60"));
    assert!(limited.has("Too many sign-in attempts"));
    // The real owner, from the same address, is not locked out.
    let owner = new_producer("limited-owner");
    let good = format!("api_key={}&next=%2Fconsole", owner.key);
    let signed = send(
        "POST",
        "/console/sign-in",
        &headers,
        Body::Sized(good.as_bytes()),
    );
    assert_eq!(signed.status, 303, "{}", signed.raw);
}

#[test]
fn a_connect_link_opened_by_anyone_else_links_nothing() {
    let owner = new_producer("link-owner");
    let account = Account::new(json!({"/private.pdf": {}}), json!({"name": "Victim"}));

    // Signed out: the link asks to sign in and goes nowhere near Dropbox.
    let stranger = Browser::new();
    let page = stranger.get(&authorize_url(&owner));
    assert_eq!(page.status, 200);
    assert!(page.has("Sign in as the producer who asked to connect Dropbox"));
    assert!(page.header("location").is_none());

    // Signed in as another producer: refused, nothing bound.
    let other = Browser::signed_in(&new_producer("link-other"));
    let page = other.get(&authorize_url(&owner));
    assert_eq!(page.status, 400, "{}", page.raw);

    // The owner's own Dropbox URL, completed in a browser that is not the
    // owner's session: the code is refused (and the state spent), nothing
    // is linked.
    let owners_browser = Browser::signed_in(&owner);
    for browser in [Browser::new(), other] {
        let callback = consent(&dropbox_url(&owners_browser, &owner), &account);
        let page = browser.get(&callback);
        assert_eq!(page.status, 403, "{}", page.raw);
        assert!(page.has("Nothing was linked"));
    }
    assert_eq!(dropbox_status(&owner), "not_connected");
    assert_eq!(account.calls("token"), 0, "no code was ever exchanged");

    // The stranger signs in as the owner from the link: that is the owner.
    let mut signing = Browser::new();
    let link = authorize_url(&owner);
    let next = link.trim_start_matches(base());
    let signed = signing.sign_in(&owner.key, next);
    assert_eq!(signed.header("location"), Some(next));
    let to_dropbox = signing.get(next);
    assert_eq!(to_dropbox.status, 303);
    let page = signing.get(&consent(to_dropbox.header("location").unwrap(), &account));
    assert_eq!(page.status, 200, "{}", page.raw);
    assert_eq!(dropbox_status(&owner), "ok");
}

#[test]
fn the_console_connects_and_disconnects_dropbox() {
    let producer = new_producer("console-dbx");
    let browser = Browser::signed_in(&producer);
    let home = browser.get("/console");
    assert!(
        home.has("Connect Dropbox"),
        "every page warns until connected"
    );
    let to_dropbox = browser.submit("/console", "/console/dropbox/connect", &[]);
    assert_eq!(to_dropbox.status, 303, "{}", to_dropbox.raw);
    let account = Account::new(
        json!({}),
        json!({"name": "Jane Doe", "email": "jane@example.com"}),
    );
    let page = browser.get(&consent(to_dropbox.header("location").unwrap(), &account));
    assert_eq!(page.status, 200, "{}", page.raw);
    let home = browser.get("/console");
    assert!(
        home.has("Jane Doe") && home.has("jane@example.com"),
        "{}",
        home.text
    );
    assert!(!home.has("Connect Dropbox."));
    let out = browser.submit("/console", "/console/dropbox/disconnect", &[]);
    assert_eq!(out.header("location"), Some("/console?done=disconnected"));
    assert_eq!(dropbox_status(&producer), "not_connected");
}

#[test]
fn a_folder_of_track_folders_imports_in_one_go() {
    let files = json!({
        "/Beats/Night Drive 128bpm F#m/Night Drive Master.wav": {"size": 48_000_000},
        "/Beats/Night Drive 128bpm F#m/Night Drive.mp3": {"size": 9_000_000},
        "/Beats/Night Drive 128bpm F#m/Stems/drums.wav": {"size": 10},
        "/Beats/Night Drive 128bpm F#m/Night Drive.als": {"size": 70_000},
        "/Beats/Night Drive 128bpm F#m/cover.jpg": {"size": 10},
        "/Beats/Sunrise - A minor - 100 BPM/Sunrise.wav": {"size": 40_000_000},
        "/Beats/Low Tide/Low Tide bounce.wav": {"size": 30_000_000},
        "/Beats/Low Tide/Low Tide.flp": {"size": 1_000},
        "/Beats/notes.txt": {"size": 5}
    });
    let (producer, _account) = connected("import", files, json!({"list_page": 3}));
    let browser = Browser::signed_in(&producer);
    let root = browser.get("/console/import");
    assert!(root.has("Beats"), "{}", root.text);
    let folder = browser.get("/console/import?path=%2FBeats");
    assert!(folder.has("Night Drive 128bpm F#m") && folder.has("notes.txt"));
    assert!(folder.has("More in this folder"), "pages of 3 entries");

    let proposal = browser.get("/console/import/proposal?path=%2FBeats");
    assert_eq!(proposal.status, 200, "{}", proposal.raw);
    for shown in [
        "value=\"Night Drive\"",
        "value=\"128\"",
        "value=\"F# minor\"",
        "value=\"Sunrise\"",
        "value=\"A minor\"",
        "value=\"100\"",
        "value=\"/Beats/Night Drive 128bpm F#m/cover.jpg\"",
    ] {
        assert!(proposal.text.contains(shown), "{shown}: {}", proposal.text);
    }
    // Submit the form as proposed: every field the page carries.
    let fields = form_fields(&proposal.raw, "/console/import");
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let saved = browser.post("/console/import", &pairs);
    assert_eq!(saved.status, 303, "{}", saved.raw);
    assert_eq!(
        saved.header("location"),
        Some("/console/library?done=imported")
    );

    let tracks = producer.call("GET", "/api/tracks", None).json()["tracks"].clone();
    let by_title = |title: &str| -> Value {
        tracks
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["title"] == title)
            .cloned()
            .unwrap_or_else(|| panic!("{title} not imported: {tracks}"))
    };
    let night = by_title("Night Drive");
    assert_eq!(
        (night["bpm"].clone(), night["key"].clone()),
        (json!(128), json!("F# minor"))
    );
    assert_eq!(
        night["artwork_path"],
        "/Beats/Night Drive 128bpm F#m/cover.jpg"
    );
    let kinds: Vec<(&str, &str, Value)> = night["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (str_of(&f["name"]), str_of(&f["kind"]), f["size"].clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Night Drive Master.wav", "master", json!(48_000_000)),
            ("Night Drive.mp3", "bounce", json!(9_000_000)),
            ("Stems", "stems", Value::Null),
            ("Night Drive.als", "project", json!(70_000)),
        ]
    );
    assert_eq!(by_title("Sunrise")["key"], "A minor");
    let low_tide = by_title("Low Tide");
    let low: Vec<&str> = low_tide["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| str_of(&f["kind"]))
        .collect();
    assert_eq!(low, ["bounce", "project"]);
    let library = browser.get("/console/library?done=imported");
    assert!(
        library.has("Tracks imported") && library.has("48 MB"),
        "{}",
        library.text
    );
}

/// Every field of the form sent to `action`, as a browser would send it
/// untouched: inputs with their values (checkboxes when checked) and each
/// select's selected option.
fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let marker = format!(" {name}=\"");
        let start = tag.find(&marker)? + marker.len();
        Some(
            tag[start..]
                .split('"')
                .next()?
                .replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&#x27;", "'"),
        )
    };
    let form = html
        .split("<form")
        .find(|f| {
            f.split('>')
                .next()
                .unwrap_or_default()
                .contains(&format!("action=\"{action}\""))
        })
        .unwrap_or_else(|| panic!("no form for {action}"));
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if tag.starts_with("<input") {
            let checkable = tag.contains("type=\"checkbox\"") || tag.contains("type=\"radio\"");
            if let (Some(name), false) = (attr(tag, "name"), checkable && !tag.contains(" checked"))
            {
                fields.push((name, attr(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<select") {
            let name = attr(tag, "name").unwrap_or_default();
            let options = &rest[..rest.find("</select>").unwrap_or(rest.len())];
            let selected = options
                .split("<option")
                .find(|o| o.contains(" selected"))
                .or_else(|| options.split("<option").nth(1))
                .unwrap_or_default();
            fields.push((name, attr(selected, "value").unwrap_or_default()));
        } else if tag.starts_with("</form") {
            break;
        }
        rest = &rest[1..];
    }
    fields
}

/// Form fields as owned pairs.
macro_rules! fields {
    ($(($name:expr, $value:expr)),* $(,)?) => {
        vec![$(($name.to_string(), $value.to_string())),*]
    };
}

/// One refused change, sent through both doors.
struct Case {
    /// Method, path and JSON body of the API request.
    api: (&'static str, String, Value),
    /// The page the console's form is on, where it is sent, what it sends.
    console: (String, String, Vec<(String, String)>),
}

impl Case {
    fn new_share(body: Value, form: Vec<(String, String)>) -> Case {
        Case {
            api: ("POST", "/api/shares".into(), body),
            console: ("/console/shares/new".into(), "/console/shares".into(), form),
        }
    }

    fn share(id: &str, body: Value, form: Vec<(String, String)>) -> Case {
        let page = format!("/console/shares/{id}");
        Case {
            api: ("PATCH", format!("/api/shares/{id}"), body),
            console: (page.clone(), page, form),
        }
    }

    fn track(id: &str, body: Value, form: Vec<(String, String)>) -> Case {
        let page = format!("/console/tracks/{id}");
        Case {
            api: ("PATCH", format!("/api/tracks/{id}"), body),
            console: (page.clone(), page, form),
        }
    }

    fn revoke_key(id: &str) -> Case {
        Case {
            api: ("DELETE", format!("/api/keys/{id}"), Value::Null),
            console: (
                "/console/keys".into(),
                format!("/console/keys/{id}/revoke"),
                vec![],
            ),
        }
    }

    fn profile(body: Value, form: Vec<(String, String)>) -> Case {
        Case {
            api: ("PATCH", "/api/me".into(), body),
            console: ("/console/profile".into(), "/console/profile".into(), form),
        }
    }
}

/// One rule, two doors: each case is sent to the API as JSON and to the
/// console as the form a producer fills in (the body below is what that
/// form means); both must refuse it with the same status and message, and
/// change nothing.
#[test]
fn every_rule_an_api_request_obeys_a_console_form_obeys() {
    let producer = new_producer("one-rule");
    let other = new_producer("one-rule-other");
    let track =
        producer.track(json!({"title": "Song", "files": [{"kind": "master", "path": "/a.wav"}]}));
    let theirs =
        other.track(json!({"title": "Theirs", "files": [{"kind": "master", "path": "/b.wav"}]}));
    let (track_id, their_id) = (str_of(&track["id"]), str_of(&theirs["id"]));
    let file_id = str_of(&track["files"][0]["id"]);
    let share = producer.share(json!({"track_ids": [track_id], "title": "Kept"}));
    let share_id = str_of(&share["id"]);
    let long = "x".repeat(121);
    let theme = json!({"accent": "#6d28d9", "mode": "dark"});
    let only_key =
        str_of(&producer.call("GET", "/api/keys", None).json()["keys"][0]["id"]).to_string();
    let cases = [
        Case::revoke_key(&only_key),
        Case::new_share(
            json!({"track_ids": [], "expires_in_days": 30, "downloads": {"kinds": ["master"]}, "on_profile": false}),
            fields![("expires_in_days", "30"), ("kind", "master")],
        ),
        Case::new_share(
            json!({"track_ids": [their_id], "expires_in_days": 30, "downloads": "none", "on_profile": false}),
            fields![("track", their_id), ("expires_in_days", "30")],
        ),
        Case::new_share(
            json!({"track_ids": [track_id], "expires_in_days": 400, "downloads": "none", "on_profile": false}),
            fields![("track", track_id), ("expires_in_days", "400")],
        ),
        Case::new_share(
            json!({"title": long, "track_ids": [track_id], "downloads": "none", "on_profile": false}),
            fields![("title", long), ("track", track_id)],
        ),
        Case::share(
            share_id,
            json!({"track_ids": [track_id], "expires_in_days": 0, "downloads": "none", "on_profile": false}),
            fields![("track", track_id), ("expires_in_days", "0")],
        ),
        Case::track(
            track_id,
            json!({"title": "Song", "bpm": 900, "key": null, "artwork_path": null}),
            fields![
                ("title", "Song"),
                ("bpm", "900"),
                ("key", ""),
                ("artwork_path", "")
            ],
        ),
        Case::track(
            track_id,
            json!({"title": "", "bpm": null}),
            fields![("title", ""), ("bpm", "")],
        ),
        Case::track(
            track_id,
            json!({"files": [{"id": file_id, "kind": "vinyl", "path": "/a.wav", "folder": false, "label": null}]}),
            fields![
                ("file", file_id),
                (format!("kind.{file_id}"), "vinyl"),
                (format!("path.{file_id}"), "/a.wav"),
                (format!("folder.{file_id}"), "0"),
            ],
        ),
        Case::track(
            track_id,
            json!({"artwork_path": "cover.jpg"}),
            fields![("artwork_path", "cover.jpg")],
        ),
        Case::profile(
            json!({"display_name": "", "theme": theme, "public_profile": false}),
            fields![
                ("display_name", ""),
                ("accent", "#6d28d9"),
                ("mode", "dark")
            ],
        ),
        Case::profile(
            json!({"display_name": "N", "avatar_url": "http://insecure.example/a.png", "theme": theme, "public_profile": false}),
            fields![
                ("display_name", "N"),
                ("avatar_url", "http://insecure.example/a.png"),
                ("accent", "#6d28d9"),
                ("mode", "dark")
            ],
        ),
        Case::profile(
            json!({"display_name": "N", "theme": {"accent": "red", "mode": "dark"}, "public_profile": false}),
            fields![("display_name", "N"), ("accent", "red"), ("mode", "dark")],
        ),
        Case::profile(
            json!({"display_name": "N", "theme": {"accent": "#6d28d9", "mode": "sepia"}, "public_profile": false}),
            fields![
                ("display_name", "N"),
                ("accent", "#6d28d9"),
                ("mode", "sepia")
            ],
        ),
    ];

    let browser = Browser::signed_in(&producer);
    let before = (
        producer.call("GET", "/api/me", None).json(),
        producer.call("GET", "/api/tracks", None).json(),
        producer.call("GET", "/api/shares", None).json(),
    );
    for case in &cases {
        let (method, path, body) = &case.api;
        let api = producer.call(method, path, Some(body));
        assert!(api.status >= 400, "{method} {path} {body}: {}", api.raw);
        let message = str_of(&api.json()["error"]["message"]).to_string();
        let (page, action, fields) = &case.console;
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let console = browser.submit(page, action, &fields);
        assert_eq!(
            console.status, api.status,
            "{action} {fields:?}: {}",
            console.raw
        );
        assert!(
            console.text.contains(&message),
            "{action}: `{message}` not in {}",
            console.text
        );
    }
    let after = (
        producer.call("GET", "/api/me", None).json(),
        producer.call("GET", "/api/tracks", None).json(),
        producer.call("GET", "/api/shares", None).json(),
    );
    assert_eq!(before, after, "no refused request changed anything");
}
