//! `GET /s/{token}`: the page a visitor opens, against the fixtures in
//! tests/fixtures/share_pages.sql.

use crate::support::{get, request, Page};

/// A script other than the page's own player (an asset of this origin).
fn has_foreign_script(page: &Page) -> bool {
    page.raw.matches("<script").count()
        != page.raw.matches(r#"<script src="/assets/player."#).count()
}

/// Headers every page must carry, whatever its status.
fn assert_page_headers(page: &Page) {
    let csp = page.header("content-security-policy").expect("CSP header");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self';"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    // The configured link host (the stand-in) serves audio and images; no
    // other host does.
    let links = crate::standin::origin();
    assert!(csp.contains(&format!("media-src 'self' {links};")), "{csp}");
    assert!(
        csp.contains(&format!("img-src 'self' data: https: {links};")),
        "{csp}"
    );
    assert!(!csp.contains("dropboxusercontent"), "{csp}");
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("x-robots-tag"), Some("noindex, nofollow"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page.has(r#"<meta name="robots" content="noindex, nofollow">"#));
}

/// The nonce in the CSP is the one on the page's only style element.
fn assert_style_is_nonced(page: &Page) {
    let csp = page.header("content-security-policy").unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a style nonce in the CSP");
    assert!(nonce.len() >= 22, "nonce too short: {nonce}");
    assert!(page.has(&format!(r#"<style nonce="{nonce}">"#)));
    assert_eq!(page.raw.matches("<style").count(), 1);
}

#[test]
fn one_track_gets_the_featured_layout_with_every_detail() {
    let page = get("/s/it-featured");
    assert_eq!(page.status, 200);
    assert_page_headers(&page);
    assert_style_is_nonced(&page);
    for expected in [
        r#"<main class="wrap layout-featured">"#,
        r#"<h1 class="track-title" id="t1">Midnight Drive</h1>"#,
        // Branding: theme, avatar, header, public profile link.
        ":root{--accent:#ff8800;--on-accent:#000000;--ring:",
        r#"data-mode="light""#,
        r#"src="https://cdn.example.com/owl.png""#,
        r#"src="https://cdn.example.com/owl-header.jpg""#,
        r#"href="/u/nightowl">Night Owl</a>"#,
        // The track.
        "124 BPM",
        "F# minor",
        r#"<a href="https://ada.example.com/" target="_blank">Ada Lovelace</a>"#,
        "Vocals",
        "Bo Diddley",
        "Mix engineer",
        r#"src="/s/it-featured/play/trk_midnight""#,
        // Downloads this share allows: masters and stems.
        r#"href="/s/it-featured/files/fil_mid_master""#,
        r#"<span>Master</span><span class="fmt">WAV</span>"#,
        r#"href="/s/it-featured/files/fil_mid_stems""#,
        r#"<span>Stems</span><span class="fmt">ZIP</span>"#,
        // Judged against 2100-01-01.
        r#"Available until <time datetime="2100-01-01T00:00:00Z">1 January 2100, 00:00 UTC</time>"#,
        "Final master for the label.",
    ] {
        assert!(page.has(expected), "missing: {expected}");
    }
    // Kinds the share does not allow get no button.
    assert!(!page.has("fil_mid_bounce"));
    assert!(!page.has("fil_mid_project"));
    assert!(!page.has(r#"class="tracks""#));
}

#[test]
fn several_tracks_are_listed_in_share_order() {
    let page = get("/s/it-list");
    assert_eq!(page.status, 200);
    assert_page_headers(&page);
    assert!(page.has(r#"<main class="wrap layout-list">"#));
    assert_eq!(page.raw.matches(r#"<div class="track-head">"#).count(), 3);
    let at = |s: &str| page.text.find(s).unwrap_or_else(|| panic!("missing {s}"));
    assert!(at("Sunrise") < at("Low Tide") && at("Low Tide") < at("Neon"));
    assert!(page.has("3 tracks by Night Owl"));
    assert!(page.has("98.5 BPM"));
    assert!(page.has("Three ideas for the EP.\nTell me which one you like."));
    // Only bounces may be downloaded here; the label the producer chose wins.
    assert!(page.has(r#"href="/s/it-list/files/fil_sun_bounce""#));
    assert!(page.has(r#"<span>Radio edit</span><span class="fmt">MP3</span>"#));
    assert!(page.has(r#"href="/s/it-list/files/fil_tide_bounce""#));
    assert!(page.has(r#"<span class="fmt">M4A</span>"#));
    assert!(!page.has("fil_sun_master"));
    assert!(!page.has("fil_neon_stems"));
    // Sunrise has artwork; Neon has only a stems folder, so nothing to play.
    assert!(page.has(r#"<img src="/s/it-list/art/trk_sunrise""#));
    assert!(page.has(r#"src="/s/it-list/play/trk_sunrise""#));
    assert!(!page.has("/s/it-list/play/trk_neon"));
    assert!(!page.has("Available until"));
}

#[test]
fn expired_and_revoked_links_are_gone() {
    for token in ["it-expired", "it-revoked"] {
        let page = get(&format!("/s/{token}"));
        assert_eq!(page.status, 410, "{token}");
        assert_page_headers(&page);
        assert!(page.has("This link is no longer valid"), "{token}");
        assert!(page.has("A link from Night Owl"), "{token}");
        assert!(
            !page.has("Midnight Drive"),
            "{token} must not show its tracks"
        );
        assert!(!page.has("/files/"), "{token} must not offer downloads");
    }
}

#[test]
fn unknown_and_malformed_tokens_are_not_found() {
    for path in [
        "/s/no-such-token",
        "/s/%3Cscript%3E",
        "/s/a.b",
        "/s/",
        "/",
        "/u/nightowl/x",
    ] {
        let page = get(path);
        assert_eq!(page.status, 404, "{path}");
        assert_page_headers(&page);
        assert!(page.has("We couldn't find that page"), "{path}");
    }
}

#[test]
fn every_producer_controlled_text_is_escaped() {
    let page = get("/s/it-hostile");
    assert_eq!(page.status, 200);
    assert!(!has_foreign_script(&page), "raw <script> in the page");
    assert!(
        !page.raw.contains("javascript:"),
        "javascript: URL in the page"
    );
    assert!(
        !page.raw.contains("http://insecure"),
        "non-https header image in the page"
    );
    for field in [
        "name",
        "share",
        "description",
        "title",
        "key",
        "collab",
        "role",
        "label",
    ] {
        let escaped = format!("&lt;script&gt;alert(\"{field}\")&lt;/script&gt;");
        assert!(page.has(&escaped), "{field} is not shown escaped");
    }
    // The malformed theme falls back to the defaults.
    assert!(page.has(":root{--accent:#7c3aed;--on-accent:#ffffff;--ring:#7c3aed}"));
    assert!(page.has(r#"data-mode="dark""#));
    assert_style_is_nonced(&page);
}

#[test]
fn deleted_tracks_leave_the_page() {
    let page = get("/s/it-deleted");
    assert_eq!(page.status, 200);
    assert!(!page.has("Deleted Demo"));
    assert!(!page.has("fil_gone_master"));
    // One track remains, so it is featured.
    assert!(page.has(r#"<main class="wrap layout-featured">"#));
    assert!(page.has("Low Tide"));
}

#[test]
fn listening_only_shares_offer_no_downloads() {
    let page = get("/s/it-listen-only");
    assert_eq!(page.status, 200);
    assert!(!page.has("/files/"));
    assert!(page.has("Listening only"));
    assert!(page.has(r#"src="/s/it-listen-only/play/trk_quiet""#));
    // A private profile is not linked, and no picture means initials.
    assert!(!page.has("/u/quietroom"));
    assert!(page.has(r#"<span class="avatar avatar-lg" aria-hidden="true">QR</span>"#));
}

#[test]
fn the_stylesheet_player_and_icon_are_served_and_cached_forever() {
    let page = get("/s/it-featured");
    let linked = |marker: &str| {
        page.text
            .split(marker)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no {marker}"))
            .to_string()
    };
    for (href, content_type, inside) in [
        (
            linked(r#"<link rel="stylesheet" href=""#),
            "text/css; charset=utf-8",
            ".featured",
        ),
        (
            linked(r#"<script src=""#),
            "text/javascript; charset=utf-8",
            "mediaSession",
        ),
        (
            linked(r#"<link rel="icon" href=""#),
            "image/svg+xml",
            "<svg",
        ),
    ] {
        let asset = get(&href);
        assert_eq!(asset.status, 200, "{href}");
        assert_eq!(asset.header("content-type"), Some(content_type));
        assert_eq!(
            asset.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        assert!(asset.raw.contains(inside), "{href}");
    }
}

#[test]
fn pages_answer_head_and_refuse_writes() {
    let head = request("HEAD", "/s/it-featured");
    assert_eq!(head.status, 200);
    assert!(head.raw.is_empty());
    let post = request("POST", "/s/it-featured");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
}

#[test]
fn odd_addresses_get_a_clean_answer_never_a_server_error() {
    let long = "a".repeat(4000);
    for path in [
        "/s/it-featured?x=%3Cscript%3Ealert(1)%3C/script%3E".to_string(),
        "/s/it-featured/".to_string(),
        "//s//it-featured".to_string(),
        "/s/../s/it-featured".to_string(),
        "/s/%00".to_string(),
        "/s/%E2%82%AC".to_string(),
        format!("/s/{long}"),
        format!("/{long}"),
        "/assets/../schema.sql".to_string(),
        "/u/%2e%2e".to_string(),
    ] {
        let page = get(&path);
        assert!(page.status < 500, "{path}: {}", page.status);
        assert!(!has_foreign_script(&page), "{path} reflected markup");
    }
    assert_eq!(get("/s/it-featured?utm_source=mail").status, 200);
    assert_eq!(get("/s/it-featured/").status, 200);
}
