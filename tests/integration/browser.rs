//! A browser's side of the console over plain HTTP: a session cookie, the
//! hidden CSRF field of the page a form is on, and `Origin` on every POST,
//! as browsers send them.

use crate::support::{base, send_to, Body, Page, Producer};

pub struct Browser {
    /// `name=value` of the session cookie, once signed in.
    pub cookie: Option<String>,
    /// Its address, as Cloudflare would name it (`CF-Connecting-IP`).
    client: String,
}

impl Browser {
    pub fn new() -> Browser {
        Browser {
            cookie: None,
            client: crate::support::new_client(),
        }
    }

    /// A browser signed in to the console as `producer`.
    pub fn signed_in(producer: &Producer) -> Browser {
        let mut browser = Browser::new();
        let page = browser.sign_in(&producer.key, "/console");
        assert_eq!(page.status, 303, "{}", page.raw);
        browser
    }

    /// Submits the sign-in form; keeps the cookie it sets.
    pub fn sign_in(&mut self, key: &str, next: &str) -> Page {
        let page = self.post("/console/sign-in", &[("api_key", key), ("next", next)]);
        if let Some(set) = page.header("set-cookie") {
            let pair = set.split(';').next().unwrap_or_default().to_string();
            self.cookie = (!pair.ends_with('=')).then_some(pair);
        }
        page
    }

    fn headers(&self) -> Vec<(&str, &str)> {
        let mut headers = vec![
            ("user-agent", crate::support::BROWSER),
            ("cf-connecting-ip", self.client.as_str()),
        ];
        if let Some(cookie) = &self.cookie {
            headers.push(("cookie", cookie));
        }
        headers
    }

    /// Opens an address (a path of the worker, or an absolute URL).
    pub fn get(&self, path: &str) -> Page {
        send_to("GET", &absolute(path), &self.headers(), Body::None)
    }

    /// Submits a form as the browser would: urlencoded, with `Origin`.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_from(path, fields, base())
    }

    /// Like `post`, claiming to come from `origin`.
    pub fn post_from(&self, path: &str, fields: &[(&str, &str)], origin: &str) -> Page {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut headers = self.headers();
        headers.push(("content-type", "application/x-www-form-urlencoded"));
        headers.push(("origin", origin));
        send_to(
            "POST",
            &absolute(path),
            &headers,
            Body::Sized(body.as_bytes()),
        )
    }

    /// Opens `page_path`, then submits `fields` to `action` with the page's
    /// own CSRF token, as pressing the form's button does.
    pub fn submit(&self, page_path: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(page_path);
        assert_eq!(page.status, 200, "{page_path}: {}", page.raw);
        let csrf = csrf_of(&page);
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all)
    }
}

fn absolute(path: &str) -> String {
    if path.starts_with("http") {
        path.to_string()
    } else {
        format!("{}{path}", base())
    }
}

/// The hidden `csrf` field of a console page.
pub fn csrf_of(page: &Page) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = page
        .raw
        .find(marker)
        .unwrap_or_else(|| panic!("no csrf field: {}", page.raw))
        + marker.len();
    page.raw[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}
