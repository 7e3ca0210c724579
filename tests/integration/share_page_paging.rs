//! A large share is shown a page of tracks at a time (`sharepage::pager`):
//! shares built through the API, pages read over HTTP.

use serde_json::{json, Value};

use crate::support::{get, new_producer, settled_views, simple_track, str_of, visit, Page};

/// The titles of a page's tracks, in order.
fn titles(page: &Page) -> Vec<String> {
    page.raw
        .split(r#"<div class="track-head"><h2><span id="t"#)
        .skip(1)
        .map(|card| {
            let title = card.split_once("\">").unwrap().1;
            title.split_once('<').unwrap().0.to_string()
        })
        .collect()
}

/// The address of the page after this one, if any.
fn next_page(page: &Page) -> Option<String> {
    let before = page.raw.split_once(r#"" rel="next">"#)?.0;
    Some(
        before
            .rsplit_once("href=\"")
            .unwrap()
            .1
            .replace("&amp;", "&"),
    )
}

/// A track whose five credits have every text at its longest, URLs
/// included: about 23 KB of page each, so a page holds a handful.
fn heavy_track(n: usize) -> Value {
    let url = |c: &str| format!("https://example.com/{}", c.repeat(2_000));
    let credit = json!({
        "name": "N".repeat(60), "role": "R".repeat(60),
        "avatar_url": url("a"), "url": url("u"),
    });
    json!({
        "title": format!("Heavy {n:02}"),
        "files": [{"kind": "master", "path": format!("/Heavy/{n:02}.wav")}],
        "collaborators": vec![credit; 5],
    })
}

#[test]
fn a_hundred_tracks_of_one_file_are_one_page() {
    let p = new_producer("hundred");
    let ids: Vec<Value> = (0..100)
        .map(|n| p.track(simple_track(&format!("Cut {n:03}")))["id"].clone())
        .collect();
    let share = p.share(json!({"track_ids": ids}));
    let page = get(&format!("/s/{}", str_of(&share["token"])));
    assert_eq!(page.status, 200);
    let expected: Vec<String> = (0..100).map(|n| format!("Cut {n:03}")).collect();
    assert_eq!(titles(&page), expected);
    assert!(!page.has(r#"class="pager""#), "no pager on one page");
}

#[test]
fn a_large_share_is_shown_a_page_at_a_time_and_viewed_once() {
    let p = new_producer("paged");
    let ids: Vec<Value> = (0..12)
        .map(|n| p.track(heavy_track(n))["id"].clone())
        .collect();
    let share = p.share(json!({"track_ids": ids}));
    let token = str_of(&share["token"]);

    // Following "More tracks" from the first page reaches every track once,
    // in share order, each page numbering on from the last.
    let (mut seen, mut pages, mut address) = (Vec::new(), 0, Some(format!("/s/{token}")));
    while let Some(path) = address {
        let page = visit(&path);
        assert_eq!(page.status, 200, "{path}");
        let shown = titles(&page);
        assert!(!shown.is_empty(), "{path} shows tracks");
        let (first, last) = (seen.len() + 1, seen.len() + shown.len());
        assert!(
            page.has(&format!(
                r#"<span class="pager-range">{first}–{last}</span> of 12"#
            )),
            "{path}"
        );
        if first > 1 {
            assert!(page
                .raw
                .contains(&format!(r#"<ol class="tracks" start="{first}">"#)));
            assert!(
                page.has(&format!(" (page {} of ", pages + 1)),
                "{path}'s title"
            );
        }
        assert!(
            page.has("12 tracks by"),
            "the summary counts the whole share"
        );
        seen.extend(shown);
        pages += 1;
        address = next_page(&page);
    }
    let expected: Vec<String> = (0..12).map(|n| format!("Heavy {n:02}")).collect();
    assert_eq!(seen, expected);
    assert!((2..=4).contains(&pages), "{pages} pages of 12 heavy tracks");

    // Tags a chat app adds change nothing; a page the share does not have
    // is not found, with the way back to the share.
    let tagged = visit(&format!("/s/{token}?utm_source=chat&fbclid=x"));
    assert_eq!(titles(&tagged)[0], "Heavy 00");
    for query in ["page=99", "page=0", "page=two", "page=2&page=x"] {
        let page = get(&format!("/s/{token}?{query}"));
        assert_eq!(
            page.status,
            if query.starts_with("page=2") {
                200
            } else {
                404
            },
            "{query}"
        );
        if page.status == 404 {
            assert!(
                page.raw.contains(&format!(r#"href="/s/{token}""#)),
                "{query}"
            );
        }
    }

    // Two loads of the first page are two views; the later pages are the
    // same visits going on.
    let stats = settled_views(&p.key, str_of(&share["id"]), 2);
    assert_eq!(stats["stats"]["views"], 2);
}
