//! Visitor-facing pages: the decision (found? active?) and its rendering, as
//! one pure step from loaded data to a `Reply`.

use serde::Serialize;

use crate::http::Reply;
use crate::model::{ProducerRow, ProfileData, SharePageData};
use crate::policy::{self, Millis};
use crate::render;
use crate::theme::Theme;
use crate::view::{self, ProducerView, ThemeView};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPage {
    NotFound,
    Gone,
    MethodNotAllowed,
    /// Our storage is not answering.
    Unavailable,
    /// The share does not let visitors download this kind of file.
    Forbidden,
    /// The share names a file its owner has since moved or deleted.
    FileMissing,
    /// A folder over Dropbox's ZIP limits.
    ZipTooLarge,
    /// Dropbox cannot serve now: disconnected account, rate limit, outage.
    FilesUnavailable {
        retry_after_s: u64,
    },
    /// The OAuth callback came with a bad, used or expired `state`.
    BadConnectLink,
    /// The producer declined access on Dropbox's page.
    ConnectDeclined,
    /// Not an error: the OAuth callback stored the producer's tokens.
    Connected,
    /// The Dropbox account someone allowed is linked to another producer.
    AccountTaken,
    /// The OAuth callback was opened outside the console session that
    /// started the link (or the link was opened signed in as someone else).
    ConnectElsewhere,
    /// A console form without this session's CSRF token, or from another
    /// site.
    FormRefused,
    /// A form over the body limit.
    TooLarge,
    /// Too many failed sign-ins from this client.
    TooManySignIns {
        retry_after_s: u64,
    },
    /// Too many downloads, ZIPs or connection attempts from this client in
    /// a short time (`throttle`).
    Throttled {
        retry_after_s: u64,
    },
}

impl ErrorPage {
    fn status(self) -> u16 {
        match self {
            ErrorPage::NotFound | ErrorPage::FileMissing => 404,
            ErrorPage::Gone => 410,
            ErrorPage::MethodNotAllowed => 405,
            ErrorPage::Unavailable | ErrorPage::FilesUnavailable { .. } => 503,
            ErrorPage::Forbidden | ErrorPage::ConnectElsewhere | ErrorPage::FormRefused => 403,
            ErrorPage::TooLarge => 413,
            ErrorPage::TooManySignIns { .. } | ErrorPage::Throttled { .. } => 429,
            ErrorPage::ZipTooLarge | ErrorPage::AccountTaken => 409,
            ErrorPage::BadConnectLink | ErrorPage::ConnectDeclined => 400,
            ErrorPage::Connected => 200,
        }
    }

    fn heading(self) -> &'static str {
        match self {
            ErrorPage::NotFound => "We couldn't find that page",
            ErrorPage::Gone => "This link is no longer valid",
            ErrorPage::MethodNotAllowed => "That can't be done here",
            ErrorPage::Unavailable => "Temporarily unavailable",
            ErrorPage::Forbidden => "This file isn't part of the download",
            ErrorPage::FileMissing => "This file is no longer available",
            ErrorPage::ZipTooLarge => "This folder is too large to download at once",
            ErrorPage::FilesUnavailable { .. } => "Files are temporarily unavailable",
            ErrorPage::BadConnectLink => "This connection link has expired",
            ErrorPage::ConnectDeclined => "Dropbox was not connected",
            ErrorPage::Connected => "Dropbox connected",
            ErrorPage::AccountTaken => "This Dropbox is linked to another producer",
            ErrorPage::ConnectElsewhere => "Connect Dropbox from your console",
            ErrorPage::FormRefused => "This form could not be accepted",
            ErrorPage::TooLarge => "That was too much to send at once",
            ErrorPage::TooManySignIns { .. } => "Too many sign-in attempts",
            ErrorPage::Throttled { .. } => "Too many requests at once",
        }
    }

    fn message(self) -> &'static str {
        match self {
            ErrorPage::NotFound => {
                "Check that the link was copied in full, or ask the sender for a new one."
            }
            ErrorPage::Gone => {
                "It has expired or was withdrawn by its owner. Ask them for a new link."
            }
            ErrorPage::MethodNotAllowed => "This address can only be opened in a browser.",
            ErrorPage::Unavailable => {
                "Something on our side is not answering. Please try again in a moment."
            }
            ErrorPage::Forbidden => {
                "The owner shared this file for listening only. Ask them if you need a copy."
            }
            ErrorPage::FileMissing => {
                "Its owner has moved or removed it from their Dropbox. Let them know, and they can share it again."
            }
            ErrorPage::ZipTooLarge => {
                "Dropbox makes ZIP files of folders up to 20 GB and 10,000 files. Ask the owner to share it in smaller parts."
            }
            ErrorPage::FilesUnavailable { .. } => {
                "The files are kept in their owner's Dropbox, which is not serving them right now. The page still works; please try the download again in a little while."
            }
            ErrorPage::BadConnectLink => {
                "Connection links work once, for 10 minutes, and only for the producer who asked for them. Start again from your console; nothing was changed."
            }
            ErrorPage::ConnectDeclined => {
                "Access was not granted, so nothing was changed. Ask for a new connection link whenever you are ready."
            }
            ErrorPage::Connected => {
                "Your share pages can now play and deliver your files. You can close this window."
            }
            ErrorPage::AccountTaken => {
                "One Dropbox account serves one producer, so nothing was changed. Sign in to Dropbox with another account, or ask the producer it is linked to to connect a different one."
            }
            ErrorPage::ConnectElsewhere => {
                "A Dropbox can be linked only in the browser that started connecting it, signed in to the sharepage console as that producer. Nothing was linked. Sign in to your console and press Connect Dropbox there."
            }
            ErrorPage::FormRefused => {
                "It came from another site, or from a page that was open before you signed in again. Nothing was changed. Go back, reload the page and try once more."
            }
            ErrorPage::TooLarge => "Nothing was changed. Send less at once, or shorten the longest texts.",
            ErrorPage::Throttled { .. } => {
                "So many came from your connection in a short time that we paused them for a minute. Nothing was downloaded or counted; please wait a moment and try again."
            }
            ErrorPage::TooManySignIns { .. } => {
                "For your account's safety, sign-ins from here are paused for a minute. Nothing is wrong with your account; try again shortly with the key exactly as you were given it."
            }
        }
    }

    /// Seconds a visitor should wait before trying again, for the pages
    /// that ask them to.
    fn retry_after(self) -> Option<u64> {
        match self {
            ErrorPage::Unavailable => Some(RETRY_AFTER_S),
            ErrorPage::FilesUnavailable { retry_after_s }
            | ErrorPage::TooManySignIns { retry_after_s }
            | ErrorPage::Throttled { retry_after_s } => Some(retry_after_s),
            _ => None,
        }
    }
}

#[derive(Serialize)]
struct ErrorView {
    status: u16,
    heading: &'static str,
    message: String,
    /// The owner of the link, when known: the visitor sees whose link it was.
    producer: Option<ProducerView>,
    theme: ThemeView,
    /// Where to go back to: the share page, after a refused or failed file;
    /// the console after a console error.
    back_url: Option<String>,
    back_label: &'static str,
}

/// How long a visitor should wait before retrying our own 503, in seconds.
const RETRY_AFTER_S: u64 = 30;

pub fn error(kind: ErrorPage, producer: Option<&ProducerRow>, nonce: &str) -> Reply {
    error_in_share(kind, producer, None, nonce)
}

/// An error met on one of a live share's file routes: the page offers the way
/// back to the share. `token` must be one the router accepted.
pub fn error_in_share(
    kind: ErrorPage,
    producer: Option<&ProducerRow>,
    token: Option<&str>,
    nonce: &str,
) -> Reply {
    let model = ErrorView {
        back_url: token
            .filter(|_| kind != ErrorPage::Gone)
            .map(|t| format!("/s/{t}")),
        back_label: "Back to the share",
        status: kind.status(),
        heading: kind.heading(),
        message: kind.message().to_owned(),
        theme: producer.map_or_else(|| Theme::default().into(), view::theme_view),
        producer: producer.map(view::producer_view),
    };
    with_retry_after(kind, html(kind.status(), "error.html", &model, nonce))
}

/// An error met in the producer console: the page leads back to it.
pub fn console_error(kind: ErrorPage, nonce: &str) -> Reply {
    let model = ErrorView {
        back_url: Some("/console".into()),
        back_label: "Back to your console",
        status: kind.status(),
        heading: kind.heading(),
        message: kind.message().to_owned(),
        theme: Theme::default().into(),
        producer: None,
    };
    with_retry_after(kind, html(kind.status(), "error.html", &model, nonce))
}

fn with_retry_after(kind: ErrorPage, reply: Reply) -> Reply {
    match kind.retry_after() {
        Some(seconds) => reply.with_header("retry-after", seconds.to_string()),
        None => reply,
    }
}

/// The OAuth callback stored the tokens: it says whose Dropbox now serves
/// which producer ("Connected Jane Doe's Dropbox to Night Owl (@nightowl)").
pub fn connected(account: &str, producer: &ProducerRow, nonce: &str) -> Reply {
    let model = ErrorView {
        status: 200,
        heading: ErrorPage::Connected.heading(),
        message: format!(
            "Connected {account}'s Dropbox to {} (@{}). {}",
            view::producer_view(producer).display_name,
            producer.handle,
            ErrorPage::Connected.message()
        ),
        theme: view::theme_view(producer),
        producer: None,
        back_url: Some("/console?done=connected".into()),
        back_label: "Open your console",
    };
    html(200, "error.html", &model, nonce)
}

/// `GET /s/{token}`: `loaded` is what the store found for the token.
pub fn share(
    token: &str,
    loaded: Option<&SharePageData>,
    now: Millis,
    origin: Option<&str>,
    nonce: &str,
) -> Reply {
    let Some(data) = loaded else {
        return error(ErrorPage::NotFound, None, nonce);
    };
    let producer = &data.share.producer;
    if !policy::access(data.share.expires_at, data.share.revoked_at, now).is_open() {
        return error(ErrorPage::Gone, Some(producer), nonce);
    }
    if !data.place.exists() {
        // Past the last page (the share lost tracks since the link was
        // copied) or not a page number: the share itself is a click away.
        return error_in_share(ErrorPage::NotFound, Some(producer), Some(token), nonce);
    }
    let page = view::share_page(token, data, now, origin);
    html_from(200, render::share(&page, nonce), nonce)
}

/// `GET /u/{handle}`: a profile that is not public is not found, exactly
/// like one that does not exist.
pub fn profile(loaded: Option<&ProfileData>, now: Millis, nonce: &str) -> Reply {
    match loaded {
        Some(data) if data.producer.public_profile => {
            html(200, "profile.html", &view::profile_page(data, now), nonce)
        }
        _ => error(ErrorPage::NotFound, None, nonce),
    }
}

fn html<V: Serialize>(status: u16, template: &str, model: &V, nonce: &str) -> Reply {
    html_from(status, render::page(template, model, nonce), nonce)
}

fn html_from(status: u16, rendered: Result<String, minijinja::Error>, nonce: &str) -> Reply {
    match rendered {
        Ok(body) => Reply::html(status, body, nonce),
        // Only a template bug gets here (the tests render every template with
        // hostile data); say so plainly rather than show half a page.
        Err(_) => Reply::html(
            500,
            "<!doctype html><title>Error</title><p>Something went wrong on our side.</p>".into(),
            nonce,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use crate::model::Place;

    const NOW: Millis = 1_790_000_000_000;

    fn body(r: &Reply) -> &str {
        &r.body
    }

    #[test]
    fn unknown_tokens_get_a_404_page() {
        let r = share("nope", None, NOW, None, "n0nce");
        assert_eq!(r.status, 404);
        assert!(fixtures::unescape(body(&r)).contains("We couldn't find that page"));
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    }

    #[test]
    fn expired_and_revoked_shares_are_gone_and_name_their_owner() {
        let mut data = fixtures::share(&["t1"]);
        data.share.expires_at = Some(NOW);
        let r = share("tok", Some(&data), NOW, None, "n");
        assert_eq!(r.status, 410);
        assert!(body(&r).contains("This link is no longer valid"));
        assert!(body(&r).contains("A link from Night Owl"));
        assert!(!body(&r).contains("Song t1"), "a dead link shows no tracks");
        // A way onward: the owner's other shares, when the profile is public.
        let onward = format!("href=\"/u/{}\"", data.share.producer.handle);
        data.share.producer.public_profile = false;
        assert!(!body(&share("tok", Some(&data), NOW, None, "n")).contains(&onward));
        data.share.producer.public_profile = true;
        let r = share("tok", Some(&data), NOW, None, "n");
        assert!(body(&r).contains(&onward), "{}", body(&r));
        assert!(body(&r).contains("See Night Owl's other shares"));

        data.share.expires_at = Some(NOW + 1);
        assert_eq!(share("tok", Some(&data), NOW, None, "n").status, 200);
        data.share.revoked_at = Some(NOW - 1000);
        assert_eq!(share("tok", Some(&data), NOW, None, "n").status, 410);
    }

    #[test]
    fn a_link_expiring_soon_says_so_with_the_exact_instant_on_hover() {
        let mut data = fixtures::share(&["t1"]);
        data.share.expires_at = Some(NOW + 3 * 86_400_000);
        let r = share("tok", Some(&data), NOW, None, "n");
        let b = body(&r);
        assert!(b.contains(">Expires in 3 days</time>"), "{b}");
        assert!(
            b.contains(" UTC\">Expires in 3 days"),
            "the exact instant on hover"
        );
    }

    #[test]
    fn the_link_preview_names_the_page_its_picture_and_the_producer() {
        let mut data = fixtures::share(&["t1"]);
        data.share.description = Some(fixtures::HOSTILE.into());
        let r = share(
            "tok",
            Some(&data),
            NOW,
            Some("https://share.example.com"),
            "n",
        );
        let b = body(&r);
        for tag in [
            r#"<meta property="og:url" content="https://share.example.com/s/tok">"#,
            r#"<meta property="og:image" content="https://share.example.com/s/tok/art/t1/large">"#,
            r#"<meta property="og:image:type" content="image/png">"#,
            r#"<meta property="og:image:width" content="600">"#,
            r#"<meta property="og:site_name" content="Night Owl">"#,
            r#"<meta name="twitter:card" content="summary_large_image">"#,
        ] {
            assert!(b.contains(tag), "{tag} in {b}");
        }
        assert!(!b.contains("<script>alert"), "the description is escaped");
        assert!(b.contains(r#"<meta property="og:description" content="&lt;script&gt;"#));
    }

    #[test]
    fn one_track_is_featured_and_several_are_listed() {
        let one = share("tok", Some(&fixtures::share(&["t1"])), NOW, None, "n");
        assert!(body(&one).contains("class=\"featured\""));
        assert!(body(&one).contains("music.song"));
        let three = share(
            "tok",
            Some(&fixtures::share(&["t1", "t2", "t3"])),
            NOW,
            None,
            "n",
        );
        assert!(body(&three).contains("class=\"tracks\""));
        assert_eq!(body(&three).matches("class=\"track-head\"").count(), 3);
        assert!(!body(&three).contains("class=\"featured\""));
    }

    /// The second of three pages of a 14-track share, showing tracks 7
    /// to 8 (what `fixtures::share` names t7 and t8).
    fn second_page() -> SharePageData {
        let mut data = fixtures::share(&["t7", "t8"]);
        data.place = Place {
            index: 1,
            pages: 3,
            first: 7,
            total: 14,
        };
        data
    }

    #[test]
    fn a_later_page_goes_on_from_the_earlier_ones() {
        let r = share("tok", Some(&second_page()), NOW, None, "n");
        assert_eq!(r.status, 200);
        let page = body(&r);
        // Numbered on: the list, its titles' ids and the stylesheet's counter.
        assert!(page.contains(r#"<ol class="tracks" start="7">"#), "{page}");
        assert!(page.contains(r#"id="t7">Song t7<"#) && page.contains(r#"id="t8">"#));
        assert!(page.contains(".tracks{counter-reset:track 6}</style>"));
        // The share as a whole: its summary, and the way to both neighbours.
        assert!(page.contains("<title>Summer pack (page 2 of 3) · Night Owl</title>"));
        assert!(page.contains("14 tracks by Night Owl"));
        assert!(page.contains(r#"<a class="btn" href="/s/tok" rel="prev">"#));
        assert!(page.contains(r#"href="/s/tok?page=3" rel="next">More tracks</a>"#));
        assert!(page.contains(r#"<span class="pager-range">7–8</span> of 14"#));
        assert!(page.contains(r#"data-last="8" data-total="14""#));
    }

    #[test]
    fn a_page_of_one_track_is_still_a_list_and_one_page_has_no_pager() {
        let mut data = second_page();
        data.tracks.truncate(1);
        let r = share("tok", Some(&data), NOW, None, "n");
        assert!(body(&r).contains(r#"<ol class="tracks" start="7">"#));
        assert!(!body(&r).contains("class=\"featured\""));

        let whole = share("tok", Some(&fixtures::share(&["a", "b"])), NOW, None, "n");
        assert!(!body(&whole).contains("class=\"pager\""));
        assert!(!body(&whole).contains("counter-reset"));
        assert!(body(&whole).contains(r#"<ol class="tracks">"#));
    }

    #[test]
    fn a_page_the_share_does_not_have_is_not_found_with_the_way_back() {
        let mut data = second_page();
        data.place.index = 3;
        data.tracks.clear();
        let r = share("tok", Some(&data), NOW, None, "n");
        assert_eq!(r.status, 404);
        assert!(body(&r).contains(r#"href="/s/tok""#), "{}", body(&r));
        assert!(body(&r).contains("A link from Night Owl"));
        // A share that has ended is gone, whichever page was asked for.
        data.share.revoked_at = Some(NOW - 1);
        assert_eq!(share("tok", Some(&data), NOW, None, "n").status, 410);
    }

    #[test]
    fn the_page_carries_branding_and_track_details() {
        let r = share("tok", Some(&fixtures::share(&["t1"])), NOW, None, "n0nce");
        let b = &fixtures::unescape(body(&r));
        for expected in [
            "<style nonce=\"n0nce\">:root{--accent:#ff8800;--on-accent:#000000;--ring:#",
            "data-mode=\"light\"",
            "src=\"https://cdn.example.com/owl.png\"",
            "src=\"https://cdn.example.com/header.jpg\"",
            "href=\"/u/nightowl\"",
            "124 BPM",
            "F# minor",
            "Ada",
            "Vocals",
            "href=\"/s/tok/files/t1-master\"",
            "src=\"/s/tok/play/t1\"",
            "<span class=\"fmt\">WAV</span>",
        ] {
            assert!(b.contains(expected), "missing {expected}");
        }
        assert!(
            !body(&r).contains("&#x2f;"),
            "a slash needs no escaping, in text or in an attribute"
        );
        assert!(
            !b.contains("t1-stems"),
            "stems are not allowed by this share"
        );
        assert_eq!(
            r.header("content-security-policy")
                .map(|c| c.contains("'nonce-n0nce'")),
            Some(true)
        );
    }

    #[test]
    fn hostile_text_is_escaped_everywhere_and_hostile_urls_dropped() {
        let r = share("tok", Some(&fixtures::hostile_share()), NOW, None, "n");
        assert_eq!(r.status, 200);
        // The one script is the player, from this origin.
        let player = format!(
            "<script src=\"{}\" defer></script>",
            crate::assets::player_script().path
        );
        let b = body(&r).replacen(&player, "", 1);
        assert!(!b.contains("<script"), "raw script tag in page");
        assert!(!b.contains("javascript:"), "javascript: URL in page");
        assert!(b.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        // The malformed accent never reaches the style element.
        assert!(b.contains(":root{--accent:#7c3aed;--on-accent:#ffffff;--ring:#7c3aed}"));
        assert!(b.contains("data-mode=\"dark\""));
        let gone = error(
            ErrorPage::Gone,
            Some(&fixtures::hostile_share().share.producer),
            "n",
        );
        assert!(!body(&gone).contains("<script"));
    }

    #[test]
    fn private_profiles_are_not_found() {
        let mut data = ProfileData {
            producer: fixtures::producer(),
            shares: vec![],
        };
        let public = profile(Some(&data), NOW, "n");
        assert_eq!(public.status, 200);
        assert!(fixtures::unescape(body(&public)).contains("No public shares yet"));
        data.producer.public_profile = false;
        assert_eq!(profile(Some(&data), NOW, "n").status, 404);
        assert_eq!(profile(None, NOW, "n").status, 404);
    }

    #[test]
    fn hostile_profiles_are_escaped() {
        let mut producer = fixtures::hostile_share().share.producer;
        producer.public_profile = true;
        producer.bio = Some(fixtures::HOSTILE.into());
        let r = profile(
            Some(&ProfileData {
                producer,
                shares: vec![],
            }),
            NOW,
            "n",
        );
        assert_eq!(r.status, 200);
        assert!(!body(&r).contains("<script"));
        assert!(!body(&r).contains("javascript:"));
    }

    #[test]
    fn the_connected_page_names_the_account_and_the_producer_escaped() {
        let mut owner = fixtures::producer();
        let r = connected("Jane Doe", &owner, "n");
        assert_eq!(r.status, 200);
        assert!(fixtures::unescape(body(&r))
            .contains("Connected Jane Doe's Dropbox to Night Owl (@nightowl)."));
        assert!(body(&r).contains("href=\"/console?done=connected\""));
        owner.display_name = fixtures::HOSTILE.into();
        let hostile = connected("<script>alert(1)</script>", &owner, "n");
        assert!(!body(&hostile).contains("<script"));
        assert_eq!(error(ErrorPage::AccountTaken, None, "n").status, 409);
    }

    #[test]
    fn unavailable_pages_ask_to_retry() {
        let r = error(ErrorPage::Unavailable, None, "n");
        assert_eq!(r.status, 503);
        assert_eq!(r.header("retry-after"), Some("30"));
        let r = error(
            ErrorPage::FilesUnavailable { retry_after_s: 7 },
            Some(&fixtures::producer()),
            "n",
        );
        assert_eq!((r.status, r.header("retry-after")), (503, Some("7")));
        assert!(fixtures::unescape(body(&r)).contains("A link from Night Owl"));
        assert!(!body(&r).contains("Back to the share"));
        let owner = fixtures::producer();
        let r = error_in_share(ErrorPage::Forbidden, Some(&owner), Some("tok"), "n");
        assert!(fixtures::unescape(body(&r))
            .contains(r#"<a class="btn" href="/s/tok">Back to the share</a>"#));
        let gone = error_in_share(ErrorPage::Gone, Some(&owner), Some("tok"), "n");
        assert!(
            !body(&gone).contains("Back to the share"),
            "a dead share is no way back"
        );
    }
}
