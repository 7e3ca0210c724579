//! The markup a share page repeats for every track, written directly into
//! one string. A 100-track share is thousands of pieces (buttons, chips,
//! credits); through template macros each cost a call frame in minijinja's
//! VM, written here they cost a few `push_str`s. Everything a producer typed
//! goes through `text`, which escapes exactly as the templates do.
//!
//! Templates reach the shared pieces (`avatar`, `artwork`) as functions,
//! so each piece of markup has one source.

use std::fmt::Write;

use crate::view::{CollaboratorView, TrackView};

/// Escapes text for HTML content and quoted attributes: `&`, `<`, `>` and
/// both quotes, nothing else (an escaped `/` protects nothing and bloats
/// every URL).
pub fn escape<W: Write>(text: &str, out: &mut W) -> std::fmt::Result {
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
            Raw(r#"" aria-hidden="true"><span class="initials">"#),
            Text(initials),
            Raw("</span>"),
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

/// A cover (decorative: the title is written beside it), else the
/// pattern class of the page's style element.
pub fn artwork(out: &mut String, url: Option<&str>, pattern: Option<&str>, size: &str) {
    push(out, &[Raw(r#"<div class="art art-"#), Text(size)]);
    if let Some(pattern) = pattern {
        push(out, &[Raw(" pattern "), Text(pattern)]);
    }
    out.push_str(r#"" aria-hidden="true">"#);
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
                Raw(r#"<div class="chip"><dt>Tempo</dt><dd>"#),
                Text(bpm),
                Raw(" BPM</dd></div>"),
            ],
        );
    }
    if let Some(key) = &track.key {
        push(
            out,
            &[
                Raw(r#"<div class="chip"><dt>Key</dt><dd>"#),
                Text(key),
                Raw("</dd></div>"),
            ],
        );
    }
    out.push_str("</dl>");
}

/// The native player, the page's base without JavaScript (`player.js`
/// turns the players into one). A listen-only share's offers no download
/// in the browser's menu and no fallback link to the file.
fn player(out: &mut String, track: &TrackView, listen_only: bool) {
    let Some(play) = &track.play_url else { return };
    out.push_str(r#"<audio class="player" controls preload="none""#);
    if listen_only {
        out.push_str(r#" controlslist="nodownload""#);
    }
    push(
        out,
        &[
            Raw(r#" src=""#),
            Text(play),
            Raw(r#"" aria-label="Play "#),
            Text(&track.title),
            Raw(r#"" data-title=""#),
            Text(&track.title),
            Raw(r#"" data-art=""#),
            Text(track.artwork_url.as_deref().unwrap_or("")),
            Raw(r#"">"#),
        ],
    );
    if !listen_only {
        push(
            out,
            &[
                Raw(r#"<a href=""#),
                Text(play),
                Raw(r#"">Listen to "#),
                Text(&track.title),
                Raw("</a>"),
            ],
        );
    }
    out.push_str("</audio>");
}

/// One button per file the share allows. While the owner's Dropbox cannot
/// serve, buttons show what exists but lead nowhere: a link that fails is
/// worse than a clear "not now". The list's name says whose files these
/// are, so each button need not repeat the title.
fn downloads(out: &mut String, track: &TrackView, ready: bool) {
    if track.downloads.is_empty() {
        return;
    }
    push(
        out,
        &[
            Raw(r#"<ul class="downloads" aria-label="Downloads for "#),
            Text(&track.title),
            Raw(r#"">"#),
        ],
    );
    for d in &track.downloads {
        if ready {
            push(
                out,
                &[
                    Raw(r#"<li><a class="btn" href=""#),
                    Text(&d.url),
                    Raw(r#"" download>"#),
                ],
            );
        } else {
            out.push_str(r#"<li><span class="btn btn-off" aria-disabled="true">"#);
        }
        push(
            out,
            &[
                Raw(
                    r##"<svg class="icon" aria-hidden="true" focusable="false"><use href="#i-download"/></svg><span>"##,
                ),
                Text(&d.label),
                Raw("</span>"),
            ],
        );
        if let Some(format) = &d.format {
            push(
                out,
                &[Raw(r#"<span class="fmt">"#), Text(format), Raw("</span>")],
            );
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
    out.push_str(r#"<li class="collab">"#);
    avatar(out, &c.initials, c.avatar_url.as_deref(), "xs");
    out.push_str(r#"<span class="collab-name">"#);
    match &c.url {
        Some(url) => push(
            out,
            &[
                Raw(r#"<a href=""#),
                Text(url),
                Raw(r#"" rel="noopener noreferrer" target="_blank">"#),
                Text(&c.name),
                Raw("</a>"),
            ],
        ),
        None => text(out, &c.name),
    }
    if let Some(role) = &c.role {
        push(
            out,
            &[Raw(r#" <span class="role">"#), Text(role), Raw("</span>")],
        );
    }
    out.push_str("</span></li>");
}

fn collaborators(out: &mut String, track: &TrackView) {
    if track.collaborators.is_empty() {
        return;
    }
    push(
        out,
        &[
            Raw(r#"<ul class="collabs" aria-label="Collaborators on "#),
            Text(&track.title),
            Raw(r#"">"#),
        ],
    );
    for c in &track.collaborators {
        collaborator(out, c);
    }
    out.push_str("</ul>");
}

/// What a page's tracks are shown with.
pub struct TrackList<'a> {
    pub tracks: &'a [TrackView],
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
        out.push_str(r#"<article class="featured">"#);
        artwork(
            out,
            track.artwork_url.as_deref(),
            track.pattern.as_deref(),
            "xl",
        );
        let heading = if title_is_heading { "h1" } else { "h2" };
        push(
            out,
            &[
                Raw(r#"<div class="featured-body"><"#),
                Raw(heading),
                Raw(r#" class="track-title">"#),
                Text(&track.title),
                Raw("</"),
                Raw(heading),
                Raw(">"),
            ],
        );
        details(out, track);
        self.listening(out, track);
        out.push_str("</div></article>");
    }

    /// Several tracks as a numbered list of cards.
    pub fn list(&self, out: &mut String) {
        out.push_str(r#"<ol class="tracks">"#);
        for track in self.tracks {
            out.push_str(r#"<li class="track">"#);
            artwork(
                out,
                track.artwork_url.as_deref(),
                track.pattern.as_deref(),
                "sm",
            );
            let _ = write!(
                out,
                r#"<div class="track-head"><h2 class="track-title"><span class="num">{}</span> "#,
                track.number
            );
            text(out, &track.title);
            out.push_str("</h2>");
            details(out, track);
            out.push_str(r#"</div><div class="track-rest">"#);
            self.listening(out, track);
            out.push_str("</div></li>");
        }
        out.push_str("</ol>");
    }

    fn listening(&self, out: &mut String, track: &TrackView) {
        if self.ready {
            player(out, track, self.listen_only);
        }
        downloads(out, track, self.ready);
        collaborators(out, track);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::HOSTILE;
    use crate::view::DownloadView;

    fn track() -> TrackView {
        TrackView {
            number: 2,
            title: HOSTILE.into(),
            bpm: Some("124".into()),
            key: Some(HOSTILE.into()),
            artwork_url: None,
            pattern: Some("pt2".into()),
            play_url: Some("/s/tok/play/t1".into()),
            collaborators: vec![CollaboratorView {
                name: HOSTILE.into(),
                initials: "<".into(),
                role: Some(HOSTILE.into()),
                avatar_url: Some("https://x.test/a\".png".into()),
                url: Some("https://x.test/?a=1&b=2".into()),
            }],
            downloads: vec![DownloadView {
                url: "/s/tok/files/f1".into(),
                label: HOSTILE.into(),
                format: Some("WAV · 48 MB".into()),
            }],
        }
    }

    #[test]
    fn escaping_covers_the_five_and_nothing_else() {
        let mut out = String::new();
        escape("a/b & <c> \"d\" 'e' é", &mut out).unwrap();
        assert_eq!(out, "a/b &amp; &lt;c&gt; &quot;d&quot; &#x27;e&#x27; é");
    }

    #[test]
    fn producer_text_never_becomes_markup() {
        let tracks = [track()];
        let mut out = String::new();
        let list = TrackList {
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
        assert!(out.contains(r#"<h1 class="track-title">"#));
    }

    #[test]
    fn a_dropbox_that_cannot_serve_shows_buttons_that_lead_nowhere() {
        let tracks = [track()];
        let mut out = String::new();
        TrackList {
            tracks: &tracks,
            ready: false,
            listen_only: false,
        }
        .list(&mut out);
        assert!(!out.contains("<audio"));
        assert!(!out.contains("/s/tok/files/f1"));
        assert!(out.contains(r#"class="btn btn-off" aria-disabled="true""#));
    }

    #[test]
    fn listen_only_players_offer_no_download() {
        let tracks = [track()];
        let mut out = String::new();
        TrackList {
            tracks: &tracks,
            ready: true,
            listen_only: true,
        }
        .list(&mut out);
        assert!(out.contains(r#"controlslist="nodownload""#));
        assert!(!out.contains("Listen to"));
    }
}
