//! `GET /u/{handle}`: a producer's public profile.

use crate::support::get;

#[test]
fn public_profiles_list_their_active_profile_shares() {
    let page = get("/u/nightowl");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    assert!(page.has("<h1>Night Owl</h1>"));
    assert!(page.has("Late-night house."));
    assert!(page.has(":root{--accent:#ff8800;--on-accent:#000000;--ring:"));
    assert!(page.has(r#"src="https://cdn.example.com/owl-header.jpg""#));
    // On the profile and active.
    assert!(page.has(r#"href="/s/it-featured""#));
    assert!(page.has("1 track"));
    // Not on the profile, expired, or revoked.
    for hidden in ["it-list", "it-expired", "it-revoked"] {
        assert!(!page.has(hidden), "{hidden} must not be listed");
    }
}

#[test]
fn private_and_unknown_profiles_are_not_found() {
    for path in ["/u/quietroom", "/u/nobody-here", "/u/NightOwl"] {
        let page = get(path);
        assert_eq!(page.status, 404, "{path}");
        assert!(!page.has("Quiet Room"));
    }
}

#[test]
fn hostile_profiles_are_escaped() {
    let page = get("/u/evil");
    assert_eq!(page.status, 200);
    assert!(!page.raw.contains("<script"));
    assert!(!page.raw.contains("javascript:"));
    assert!(page.has("&lt;script&gt;alert(\"bio\")&lt;/script&gt;"));
    assert!(page.has(r#"href="/s/it-hostile""#));
}
