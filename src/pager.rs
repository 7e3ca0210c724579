//! A large share is shown a page of tracks at a time, so that what one
//! request reads, renders and sends has a bound whatever its tracks hold
//! (the largest share the limits allow is measured in BENCHMARKS.md). The
//! store divides a share's tracks by their weight, an estimate of the HTML
//! each writes that the schema keeps on the track (`edge::store::pages`,
//! migrations/0005_track_weight.sql). Page 1 is the share's address itself;
//! `?page=N` asks for another, and `player.js` brings the next page into
//! the one open.

use serde::Serialize;

use crate::limits::TRACKS_PER_SHARE;
use crate::model::Place;

/// The most a page's tracks weigh together: about 80 KB of HTML, under
/// 5 ms of CPU however it is made up (BENCHMARKS.md). That is a hundred
/// tracks of one file each, or about eighty with a key, two files and a
/// credit. A track over it alone has a page of its own.
pub const PAGE_WEIGHT: i64 = 80_000;

/// The page of tracks (from 0) that a share page's query asks for; no
/// `page` asks for the first. Other parameters (the tags chat apps add) are
/// ignored. A `page` that is not a number from 1 to 100 (no share has more
/// pages than tracks) asks for a page no share has, which is answered as
/// not found, with the way back to the share.
pub fn requested(query: Option<&str>) -> usize {
    let Some(value) = query.and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes()).find_map(|(k, v)| (k == "page").then_some(v))
    }) else {
        return 0;
    };
    let number = value
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| value.parse::<usize>().ok())
        .flatten();
    match number {
        Some(n @ 1..=TRACKS_PER_SHARE) => n - 1,
        _ => TRACKS_PER_SHARE,
    }
}

/// The address of a share's page `index` (from 0).
fn url(token: &str, index: usize) -> String {
    match index {
        0 => format!("/s/{token}"),
        _ => format!("/s/{token}?page={}", index + 1),
    }
}

/// The way between the pages of a share that has several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PagerView {
    /// This page's number, from 1, and how many there are.
    pub number: usize,
    pub pages: usize,
    /// The numbers of the tracks shown, and of all of them.
    pub first: usize,
    pub last: usize,
    pub total: usize,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
}

/// The pager of a page showing `shown` tracks from `place`; `None` when the
/// share fits on one page.
pub fn view(token: &str, place: &Place, shown: usize) -> Option<PagerView> {
    (place.pages > 1).then(|| PagerView {
        number: place.index + 1,
        pages: place.pages,
        first: place.first,
        last: place.first + shown.saturating_sub(1),
        total: place.total,
        previous_url: (place.index > 0).then(|| url(token, place.index - 1)),
        next_url: (place.index + 1 < place.pages).then(|| url(token, place.index + 1)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_names_the_page_from_one() {
        assert_eq!(requested(None), 0);
        assert_eq!(requested(Some("")), 0);
        assert_eq!(requested(Some("page=1")), 0);
        assert_eq!(requested(Some("page=2")), 1);
        assert_eq!(requested(Some("utm_source=chat&page=3&x")), 2);
        assert_eq!(requested(Some("page=100")), 99);
        assert_eq!(
            requested(Some("utm_source=chat")),
            0,
            "other tags are ignored"
        );
    }

    #[test]
    fn what_is_not_a_page_number_asks_for_no_page() {
        for query in [
            "page=0",
            "page=101",
            "page=-1",
            "page=+2",
            "page=2x",
            "page=",
            "page=%F0",
            "page=1e3",
            "page=99999999999999999999999",
        ] {
            assert_eq!(requested(Some(query)), TRACKS_PER_SHARE, "{query}");
        }
        let no_share_has_it = Place {
            index: TRACKS_PER_SHARE,
            pages: TRACKS_PER_SHARE,
            first: 1,
            total: TRACKS_PER_SHARE,
        };
        assert!(!no_share_has_it.exists());
    }

    #[test]
    fn one_page_needs_no_pager() {
        assert_eq!(view("tok", &Place::whole(100), 100), None);
    }

    #[test]
    fn pages_link_to_their_neighbours() {
        let place = |index, first| Place {
            index,
            pages: 3,
            first,
            total: 14,
        };
        let first = view("tok", &place(0, 1), 6).unwrap();
        assert_eq!((first.number, first.first, first.last), (1, 1, 6));
        assert_eq!(first.previous_url, None);
        assert_eq!(first.next_url.as_deref(), Some("/s/tok?page=2"));
        let middle = view("tok", &place(1, 7), 5).unwrap();
        assert_eq!((middle.first, middle.last, middle.total), (7, 11, 14));
        assert_eq!(middle.previous_url.as_deref(), Some("/s/tok"));
        assert_eq!(middle.next_url.as_deref(), Some("/s/tok?page=3"));
        let last = view("tok", &place(2, 12), 3).unwrap();
        assert_eq!(last.previous_url.as_deref(), Some("/s/tok?page=2"));
        assert_eq!(last.next_url, None);
    }
}
