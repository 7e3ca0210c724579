//! View model -> HTML. Templates are compiled into the worker and every value
//! is HTML-escaped unless a template marks it safe (only generated markup is).

use std::sync::OnceLock;

use minijinja::{
    context, escape_formatter, AutoEscape, Environment, Error, Output, State, UndefinedBehavior,
    Value,
};
use serde::Serialize;

use crate::assets;

/// A template compiled in, by its path under `templates/`.
macro_rules! template {
    ($name:literal) => {
        ($name, include_str!(concat!("../templates/", $name)))
    };
}

const TEMPLATES: [(&str, &str); 18] = [
    template!("base.html"),
    template!("console/base.html"),
    template!("console/parts.html"),
    template!("console/signin.html"),
    template!("console/home.html"),
    template!("console/library.html"),
    template!("console/track.html"),
    template!("console/import.html"),
    template!("console/proposal.html"),
    template!("console/share_new.html"),
    template!("console/share.html"),
    template!("console/share_form.html"),
    template!("console/profile.html"),
    template!("console/keys.html"),
    template!("parts.html"),
    template!("share.html"),
    template!("error.html"),
    template!("profile.html"),
];

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // A typo in a template fails its tests instead of rendering blank.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_formatter(html_formatter);
        env.add_filter("bytes", |bytes: Option<i64>| {
            bytes.map(crate::view::size_label).unwrap_or_default()
        });
        env.add_filter("q", query_value);
        // Each template is parsed when a page first needs it, so a visitor's
        // cold start never pays for the console's templates (parsing all of
        // them took 2 ms natively). The sources are compiled in and every
        // one is parsed by the tests: a syntax error cannot reach a
        // deployment.
        env.set_loader(|name| {
            Ok(TEMPLATES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, source)| (*source).to_owned()))
        });
        env
    })
}

/// Escapes text as HTML needs and no more: `&`, `<`, `>` and both quotes.
/// (minijinja's own escaping also turns every `/` into `&#x2f;`, which
/// bloats every URL in an attribute and protects nothing.)
fn escape_html(text: &str, out: &mut Output) -> std::fmt::Result {
    // The five are ASCII, so scanning bytes finds them without decoding
    // UTF-8, and every cut falls on a character boundary.
    let mut start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.write_str(&text[start..i])?;
        out.write_str(entity)?;
        start = i + 1;
    }
    out.write_str(&text[start..])
}

fn html_formatter(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    match value.as_str() {
        Some(text) if state.auto_escape() == AutoEscape::Html && !value.is_safe() => {
            Ok(escape_html(text, out)?)
        }
        _ => escape_formatter(out, state, value),
    }
}

/// A value for a URL's query string.
fn query_value(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Renders a console page: `view` is the whole context (the layout reads
/// `chrome`), plus the console's stylesheet and script addresses.
pub fn console<V: Serialize>(template: &str, view: &V, nonce: &str) -> Result<String, Error> {
    env().get_template(template)?.render(context! {
        page => view,
        nonce => nonce,
        stylesheet => assets::console_stylesheet().path,
        script => assets::console_script().path,
        icon => assets::icon().path,
    })
}

/// Renders a page template with its view model as `page`, plus what the
/// layout needs: the CSP nonce for the theme's style element and the
/// stylesheet's current address.
pub fn page<V: Serialize>(
    template: &str,
    view: &V,
    nonce: &str,
) -> Result<String, minijinja::Error> {
    env().get_template(template)?.render(context! {
        page => view,
        nonce => nonce,
        stylesheet => assets::stylesheet().path,
        player_script => assets::player_script().path,
        icon => assets::icon().path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        for (name, _) in TEMPLATES {
            env()
                .get_template(name)
                .unwrap_or_else(|e| panic!("template {name}: {e}"));
        }
        assert!(env().get_template("nope.html").is_err());
    }
}
