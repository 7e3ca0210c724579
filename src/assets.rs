//! Static files compiled into the worker. Each is served under a name that
//! carries a hash of its content, so browsers may cache it forever and a new
//! release is picked up at once.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::art::{self, fnv1a};

#[derive(Debug, PartialEq, Eq)]
pub struct Asset {
    pub path: String,
    pub content_type: &'static str,
    pub body: Cow<'static, str>,
}

fn hashed(
    stem: &str,
    ext: &str,
    content_type: &'static str,
    body: impl Into<Cow<'static, str>>,
) -> Asset {
    let body = body.into();
    Asset {
        path: format!("/assets/{stem}.{:016x}.{ext}", fnv1a(body.as_bytes())),
        content_type,
        body,
    }
}

/// The visitors' stylesheet, with every generated pattern (`art`).
pub fn stylesheet() -> &'static Asset {
    static CSS: OnceLock<Asset> = OnceLock::new();
    CSS.get_or_init(|| {
        hashed(
            "app",
            "css",
            "text/css; charset=utf-8",
            include_str!("../templates/assets/app.css").to_owned() + &art::palette_css(),
        )
    })
}

/// The console's own styles (visitor pages never load them).
pub fn console_stylesheet() -> &'static Asset {
    static CSS: OnceLock<Asset> = OnceLock::new();
    CSS.get_or_init(|| {
        hashed(
            "console",
            "css",
            "text/css; charset=utf-8",
            include_str!("../templates/assets/console.css"),
        )
    })
}

/// The console's enhancements (copy a link, reorder tracks): every form
/// works without it.
pub fn console_script() -> &'static Asset {
    static JS: OnceLock<Asset> = OnceLock::new();
    JS.get_or_init(|| {
        hashed(
            "console",
            "js",
            "text/javascript; charset=utf-8",
            include_str!("../templates/assets/console.js"),
        )
    })
}

/// The share page's player: every page works without it.
pub fn player_script() -> &'static Asset {
    static JS: OnceLock<Asset> = OnceLock::new();
    JS.get_or_init(|| {
        hashed(
            "player",
            "js",
            "text/javascript; charset=utf-8",
            include_str!("../templates/assets/player.js"),
        )
    })
}

/// The favicon (browsers ask for one on every page; this one is cached
/// forever).
pub fn icon() -> &'static Asset {
    static SVG: OnceLock<Asset> = OnceLock::new();
    SVG.get_or_init(|| {
        hashed(
            "icon",
            "svg",
            "image/svg+xml",
            include_str!("../templates/assets/icon.svg"),
        )
    })
}

/// The asset served at `path`, if any. Old hashes are not found: pages always
/// name the current one.
pub fn by_path(path: &str) -> Option<&'static Asset> {
    [
        stylesheet(),
        console_stylesheet(),
        console_script(),
        player_script(),
        icon(),
    ]
    .into_iter()
    .find(|a| a.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheet_is_found_only_under_its_current_hash() {
        let css = stylesheet();
        assert!(css.path.starts_with("/assets/app.") && css.path.ends_with(".css"));
        assert!(by_path(&css.path).is_some());
        assert!(by_path("/assets/app.0000000000000000.css").is_none());
        assert!(by_path("/assets/app.css").is_none());
        for asset in [
            console_stylesheet(),
            console_script(),
            player_script(),
            icon(),
        ] {
            assert_eq!(by_path(&asset.path), Some(asset));
        }
        assert_eq!(icon().content_type, "image/svg+xml");
    }
}
