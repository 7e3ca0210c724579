//! The markup a share page repeats for every track, written directly into
//! one string. A 100-track share is thousands of pieces (buttons, chips,
//! credits); through template macros each cost a call frame in minijinja's
//! VM, written here they cost a few `push_str`s. Everything a producer typed
//! goes through `text`, which escapes exactly as the templates do.
//!
//! Templates reach the shared pieces (`avatar`, `artwork`) as functions,
//! so each piece of markup has one source.

use std::fmt::Write;

use crate::dropbox::thumbnails::ThumbSize;
use crate::view::{art_url, CollaboratorView, Cover, TrackView};

/// Escapes text for HTML content and quoted attributes: `&`, `<`, `>` and
/// both quotes, nothing else (an escaped `/` protects nothing and bloats
/// every URL).
pub fn escape<W: Write>(text: &str, out: &mut W) -> std::fmt::Result {
    // The five are ASCII, so scanning bytes finds them without decoding
    // UTF-8, and every cut falls on a character boundary. Most text has
    // none: one table lookup a byte, then one copy.
    let mut start = 0;
    let bytes = text.as_bytes();
    while let Some(found) = bytes[start..].iter().position(|&b| SPECIAL[usize::from(b)]) {
        let at = start + found;
        out.write_str(&text[start..at])?;
        out.write_str(match bytes[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#x27;",
        })?;
        start = at + 1;
    }
    out.write_str(&text[start..])
}

/// The bytes `escape` replaces.
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table
};

/// Appends `value` escaped (writing to a `String` cannot fail).
fn text(out: &mut String, value: &str) {
    let _ = escape(value, out);
}

/// Appends pieces in order: `Raw` as it is, `Text` escaped.
enum Piece<'a> {
    Raw(&'a str),
    Text(&'a str),
}
use Piece::{Raw, Text};

fn push(out: &mut String, pieces: &[Piece<'_>]) {
    for piece in pieces {
        match piece {
            Raw(raw) => out.push_str(raw),
            Text(value) => text(out, value),
        }
    }
}

/// A person's picture over their initials (decorative: the name is always
/// written beside it).
pub fn avatar(out: &mut String, initials: &str, url: Option<&str>, size: &str) {
    push(
        out,
        &[
            Raw(r#"<span class="avatar avatar-"#),
            Text(size),
            Raw(r#"" aria-hidden="true">"#),
            Text(initials),
        ],
    );
    if let Some(url) = url {
        push(
            out,
            &[
                Raw(r#"<img src=""#),
                Text(url),
                Raw(r#"" alt="" data-initials=""#),
                Text(initials),
                Raw(r#"" loading="lazy" decoding="async">"#),
            ],
        );
    }
    out.push_str("</span>");
}

/// A cover (decorative: the title is written beside it, and `alt=""`
/// keeps it out of the accessibility tree), else its pattern (a class of
/// the stylesheet, `art::palette_css`).
pub fn artwork(out: &mut String, url: Option<&str>, pattern: Option<u64>, size: &str) {
    push(out, &[Raw(r#"<div class="art art-"#), Text(size)]);
    if let Some(pattern) = pattern {
        out.push_str(" pattern pt");
        number_to(out, pattern);
    }
    out.push_str(r#"">"#);
    if let Some(url) = url {
        push(
            out,
            &[
                Raw(r#"<img src=""#),
                Text(url),
                Raw(r#"" alt="" loading="lazy" decoding="async">"#),
            ],
        );
    }
    out.push_str("</div>");
}

fn details(out: &mut String, track: &TrackView) {
    if track.bpm.is_none() && track.key.is_none() {
        return;
    }
    out.push_str(r#"<dl class="chips">"#);
    if let Some(bpm) = &track.bpm {
        push(
            out,
            &[
                Raw(r#"<div><dt>Tempo</dt><dd>"#),
                Text(bpm),
                Raw(" BPM</dd></div>"),
            ],
        );
    }
    if let Some(key) = &track.key {
        push(
            out,
            &[
                Raw(r#"<div><dt>Key</dt><dd>"#),
                Text(key),
                Raw("</dd></div>"),
            ],
        );
    }
    out.push_str("</dl>");
}

/// The native player, the page's base without JavaScript (`player.js`
/// turns the players into one); every browser in use plays `<audio>`, so
/// it carries no fallback. A listen-only share's offers no download in the
/// browser's menu. Names refer to the track's title (`aria-labelledby`),
/// which is written once per track.
fn player(out: &mut String, token: &str, track: &TrackView, listen_only: bool) {
    if !track.playable {
        return;
    }
    // Inside <noscript>: with JavaScript the native player is never built
    // or laid out (twenty of them were most of a page's layout), and
    // `player.js` reads from its text what to play.
    out.push_str(r#"<noscript><audio controls preload="none""#);
    if listen_only {
        out.push_str(r#" controlslist="nodownload""#);
    }
    push(
        out,
        &[
            Raw(r#" src="/s/"#),
            Text(token),
            Raw("/play/"),
            Text(track.id),
            Raw(r#"""#),
        ],
    );
    // Named by its title alone: without JavaScript the control says
    // what it does, and with it, `player.js` puts a "Play" button here.
    out.push_str(r#" aria-labelledby="t"#);
    number_to(out, track.number as u64);
    out.push_str(r#""></audio></noscript>"#);
}

/// The ids of the words track names start with, written once a page by
/// `TrackList::labels`.
const LABEL_DOWNLOADS: &str = "l-dl";
const LABEL_CREDITS: &str = "l-cr";

/// ` aria-labelledby="{word} t{number}"`: the word, then the title.
fn labelled_by(out: &mut String, word: &str, number: usize) {
    push(out, &[Raw(r#" aria-labelledby=""#), Raw(word), Raw(" t")]);
    number_to(out, number as u64);
    out.push('"');
}

/// Appends `n` in decimal (without `fmt`'s machinery: this runs several
/// times per track).
fn number_to(out: &mut String, n: impl Into<u64>) {
    let mut digits = [0u8; 20];
    let mut n: u64 = n.into();
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // ASCII digits only, so always UTF-8.
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
}

/// One button per file the share allows. While the owner's Dropbox cannot
/// serve, buttons show what exists but lead nowhere: a link that fails is
/// worse than a clear "not now". The list's name says whose files these
/// are, so each button need not repeat the title.
fn downloads(out: &mut String, token: &str, track: &TrackView, ready: bool) {
    if track.downloads.is_empty() {
        return;
    }
    out.push_str(r#"<ul class="downloads""#);
    labelled_by(out, LABEL_DOWNLOADS, track.number);
    out.push('>');
    for d in &track.downloads {
        if ready {
            push(
                out,
                &[
                    Raw(r#"<li><a href="/s/"#),
                    Text(token),
                    Raw("/files/"),
                    Text(d.file_id),
                    Raw(r#"" download>"#),
                ],
            );
        } else {
            out.push_str(r#"<li><span class="btn-off" aria-disabled="true">"#);
        }
        push(out, &[Raw("<span>"), Text(d.label), Raw("</span>")]);
        if !d.format.is_empty() {
            // Letters, digits, spaces and "·": nothing to escape.
            out.push_str(r#"<span class="fmt">"#);
            let _ = write!(out, "{}", d.format);
            out.push_str("</span>");
        }
        out.push_str(if ready {
            "</a></li>"
        } else {
            r#"<span class="sr-only"> (temporarily unavailable)</span></span></li>"#
        });
    }
    out.push_str("</ul>");
}

fn collaborator(out: &mut String, c: &CollaboratorView) {
    out.push_str("<li>");
    avatar(out, c.initials.as_str(), c.avatar_url.as_deref(), "xs");
    match &c.url {
        Some(url) => push(
            out,
            &[
                // A new tab keeps the music playing; it gets no opener
                // (the default for `_blank`) and no referrer (the page's
                // Referrer-Policy).
                Raw(r#"<a href=""#),
                Text(url),
                Raw(r#"" target="_blank">"#),
                Text(c.name),
                Raw("</a>"),
            ],
        ),
        None => text(out, c.name),
    }
    if let Some(role) = &c.role {
        push(
            out,
            &[Raw(r#"<span class="role">"#), Text(role), Raw("</span>")],
        );
    }
    out.push_str("</li>");
}

fn collaborators(out: &mut String, track: &TrackView) {
    if track.collaborators.is_empty() {
        return;
    }
    out.push_str(r#"<ul class="collabs""#);
    labelled_by(out, LABEL_CREDITS, track.number);
    out.push('>');
    for c in &track.collaborators {
        collaborator(out, c);
    }
    out.push_str("</ul>");
}

/// What a page's tracks are shown with.
pub struct TrackList<'a> {
    /// The share's token, which every address on the page starts with.
    pub token: &'a str,
    pub tracks: &'a [TrackView<'a>],
    /// Whether the owner's Dropbox can serve now.
    pub ready: bool,
    pub listen_only: bool,
}

impl TrackList<'_> {
    /// The one track of a featured page, inside its card: the title (as
    /// the page's heading when the share is named after it), details, then
    /// listening first so the play button is on a phone's first screen.
    pub fn featured(&self, out: &mut String, title_is_heading: bool) {
        let Some(track) = self.tracks.first() else {
            return;
        };
        Self::labels(out);
        out.push_str(r#"<article class="featured">"#);
        self.artwork(out, track, ThumbSize::Large, "xl");
        let heading = if title_is_heading { "h1" } else { "h2" };
        let _ = write!(
            out,
            r#"<div class="featured-body"><{heading} class="track-title" id="t{}">"#,
            track.number
        );
        text(out, track.title);
        let _ = write!(out, "</{heading}>");
        details(out, track);
        self.listening(out, track);
        out.push_str("</div></article>");
    }

    /// Several tracks as a numbered list of cards.
    pub fn list(&self, out: &mut String) {
        Self::labels(out);
        out.push_str(r#"<ol class="tracks""#);
        // A later page of a share goes on counting where the last ended.
        match self.tracks.first() {
            Some(track) if track.number > 1 => {
                out.push_str(r#" start=""#);
                number_to(out, track.number as u64);
                out.push_str(r#"">"#);
            }
            _ => out.push('>'),
        }
        for track in self.tracks {
            out.push_str("<li>");
            self.artwork(out, track, ThumbSize::Tile, "sm");
            // The stylesheet numbers the tracks (a counter).
            out.push_str(r#"<div class="track-head"><h2><span id="t"#);
            number_to(out, track.number as u64);
            out.push_str(r#"">"#);
            text(out, track.title);
            out.push_str("</span></h2>");
            details(out, track);
            out.push_str(r#"</div><div class="track-rest">"#);
            self.listening(out, track);
            out.push_str("</div></li>");
        }
        out.push_str("</ol>");
    }

    /// The words track names start with, once a page (hidden: read only
    /// through the names that refer to them).
    fn labels(out: &mut String) {
        push(
            out,
            &[
                Raw(r#"<span hidden id=""#),
                Raw(LABEL_DOWNLOADS),
                Raw(r#"">Downloads for</span><span hidden id=""#),
                Raw(LABEL_CREDITS),
                Raw(r#"">Collaborators on</span>"#),
            ],
        );
    }

    /// A track's cover, served by the share at the size its place needs,
    /// else its pattern.
    fn artwork(&self, out: &mut String, track: &TrackView, thumb: ThumbSize, size: &str) {
        match track.cover {
            Cover::Picture => {
                artwork(out, Some(&art_url(self.token, track.id, thumb)), None, size);
            }
            Cover::Pattern(variant) => artwork(out, None, Some(variant), size),
        }
    }

    fn listening(&self, out: &mut String, track: &TrackView) {
        if self.ready {
            player(out, self.token, track, self.listen_only);
        }
        downloads(out, self.token, track, self.ready);
        collaborators(out, track);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::HOSTILE;
    use crate::view::DownloadView;

    fn track() -> TrackView<'static> {
        TrackView {
            number: 2,
            id: "t1",
            title: HOSTILE,
            bpm: Some("124".into()),
            key: Some(HOSTILE),
            cover: Cover::Pattern(7),
            playable: true,
            collaborators: vec![CollaboratorView {
                name: HOSTILE,
                initials: crate::view::initials(HOSTILE),
                role: Some(HOSTILE),
                avatar_url: Some("https://x.test/a\".png".into()),
                url: Some("https://x.test/?a=1&b=2".into()),
            }],
            downloads: vec![DownloadView {
                file_id: "f1",
                label: HOSTILE,
                format: crate::view::Format::File {
                    extension: Some("wav"),
                    size: Some(48_000_000),
                },
            }],
        }
    }

    #[test]
    fn escaping_covers_the_five_and_nothing_else() {
        let mut out = String::new();
        escape("a/b & <c> \"d\" 'e' é", &mut out).unwrap();
        assert_eq!(out, "a/b &amp; &lt;c&gt; &quot;d&quot; &#x27;e&#x27; é");
    }

    /// The tracks as a list, on share `tok`.
    fn listed(tracks: &[TrackView], ready: bool, listen_only: bool) -> String {
        let mut out = String::new();
        TrackList {
            token: "tok",
            tracks,
            ready,
            listen_only,
        }
        .list(&mut out);
        out
    }

    #[test]
    fn producer_text_never_becomes_markup() {
        let tracks = [track()];
        let mut out = String::new();
        let list = TrackList {
            token: "tok",
            tracks: &tracks,
            ready: true,
            listen_only: false,
        };
        list.list(&mut out);
        list.featured(&mut out, true);
        assert!(!out.contains("<script>"), "{out}");
        assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;&amp;"));
        assert!(out.contains(r#"href="https://x.test/?a=1&amp;b=2""#));
        assert!(out.contains(r#"src="https://x.test/a&quot;.png""#));
        assert!(out.contains(r#"<h1 class="track-title" id="t2">"#));
    }

    /// With JavaScript a browser never builds a player written in
    /// <noscript>: twenty native players were most of a page's layout.
    #[test]
    fn native_players_wait_in_noscript() {
        let out = listed(&[track()], true, false);
        assert_eq!(out.matches("<audio").count(), 1, "{out}");
        assert!(out.contains(r#"<noscript><audio controls preload="none""#));
        assert!(out.contains("></audio></noscript>"));
    }

    #[test]
    fn a_title_is_written_once_and_named_by_reference() {
        let mut tracks = [track()];
        tracks[0].title = "Night Drive";
        let out = listed(&tracks, true, false);
        assert_eq!(out.matches("Night Drive").count(), 1, "{out}");
        assert!(out.contains(r#"<span id="t2">Night Drive</span>"#));
        assert!(out.contains(r#"aria-labelledby="t2"></audio>"#));
        for (word, id) in [("Downloads for", "l-dl"), ("Collaborators on", "l-cr")] {
            assert!(out.contains(&format!(r#"<span hidden id="{id}">{word}</span>"#)));
            assert!(
                out.contains(&format!(r#"aria-labelledby="{id} t2""#)),
                "{id}"
            );
        }
    }

    #[test]
    fn a_dropbox_that_cannot_serve_shows_buttons_that_lead_nowhere() {
        let tracks = [track()];
        let out = listed(&tracks, false, false);
        assert!(!out.contains("<audio"));
        assert!(!out.contains("/s/tok/files/f1"));
        assert!(out.contains(r#"class="btn-off" aria-disabled="true""#));
    }

    #[test]
    fn listen_only_players_offer_no_download() {
        let tracks = [track()];
        let out = listed(&tracks, true, true);
        assert!(out.contains(r#"controlslist="nodownload""#));
        assert!(!out.contains("<a href=\"/s/tok/play"));
    }
}
