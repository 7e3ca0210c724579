//! View model -> HTML. Templates are compiled into the worker and every value
//! is HTML-escaped unless a template marks it safe (only generated markup is).

use std::sync::OnceLock;

use minijinja::{
    context, escape_formatter, AutoEscape, Environment, Error, Output, State, UndefinedBehavior,
    Value,
};
use serde::Serialize;

use crate::assets;
use crate::markup::{self, TrackList};
use crate::policy::Layout;
use crate::view::SharePageView;

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
            bytes
                .map(|b| crate::view::SizeLabel(b).to_string())
                .unwrap_or_default()
        });
        env.add_filter("q", query_value);
        env.add_function("avatar", avatar);
        env.add_function("artwork", artwork);
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

fn html_formatter(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    match value.as_str() {
        Some(text) if state.auto_escape() == AutoEscape::Html && !value.is_safe() => {
            Ok(markup::escape(text, out)?)
        }
        _ => escape_formatter(out, state, value),
    }
}

/// `avatar(person, size)`: `markup::avatar` for templates (a person has
/// `initials` and maybe `avatar_url`).
fn avatar(person: Value, size: &str) -> Result<Value, Error> {
    let initials = person.get_attr("initials")?;
    let url = person.get_attr("avatar_url")?;
    let mut out = String::new();
    markup::avatar(
        &mut out,
        initials.as_str().unwrap_or(""),
        url.as_str(),
        size,
    );
    Ok(Value::from_safe_string(out))
}

/// `artwork(item, size)`: `markup::artwork` for templates (an item has
/// `artwork_url` and `pattern`).
fn artwork(item: Value, size: &str) -> Result<Value, Error> {
    let url = item.get_attr("artwork_url")?;
    let pattern = item.get_attr("pattern")?;
    let mut out = String::new();
    let pattern = pattern.as_i64().and_then(|n| u64::try_from(n).ok());
    markup::artwork(&mut out, url.as_str(), pattern, size);
    Ok(Value::from_safe_string(out))
}

/// Where `share.html` wants the tracks.
const TRACKS_HERE: &str = "<!--tracks-->";

/// A share page: the template for everything but the tracks, which
/// `markup::TrackList` writes straight into the page where the template
/// marks their place (the one copy of the largest part of the page).
pub fn share(view: &SharePageView, nonce: &str) -> Result<String, Error> {
    let chrome = page("share.html", view, nonce)?;
    let Some(at) = chrome.find(TRACKS_HERE) else {
        return Ok(chrome);
    };
    // About 1 KB a track: one allocation for most pages.
    let mut out = String::with_capacity(chrome.len() + 1024 * view.tracks.len());
    out.push_str(&chrome[..at]);
    let list = TrackList {
        token: view.token,
        tracks: &view.tracks,
        ready: view.files_ready,
        listen_only: !view.downloads_enabled,
    };
    match view.layout {
        Layout::Featured => list.featured(&mut out, view.titled_card),
        Layout::List => list.list(&mut out),
    }
    out.push_str(&chrome[at + TRACKS_HERE.len()..]);
    Ok(out)
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
