//! Loaded data -> what templates show. View models hold display-ready text and
//! checked URLs only; templates add markup and nothing else.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::DateTime;
use serde::Serialize;

use crate::art;
use crate::dropbox::thumbnails::ThumbSize;
use crate::ids::is_token;
use crate::model::{
    CollaboratorRow, FileKind, FileRow, ProducerRow, ProfileData, ProfileShareRow, SharePageData,
    TrackRow,
};
use crate::pager::{self, PagerView};
use crate::policy::{self, DownloadPolicy, Layout, Millis};
use crate::preview_image;
use crate::theme::{Mode, Theme};

#[derive(Debug, Clone, Serialize)]
pub struct ThemeView {
    pub accent: String,
    pub on_accent: String,
    /// Focus rings and link underlines (`Theme::ring`).
    pub ring: String,
    pub mode: Mode,
}

impl From<Theme> for ThemeView {
    fn from(t: Theme) -> Self {
        ThemeView {
            accent: t.accent.hex(),
            on_accent: t.accent.text_on().hex(),
            ring: t.ring().hex(),
            mode: t.mode,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ProducerView {
    pub display_name: String,
    pub initials: String,
    pub avatar_url: Option<String>,
    pub header_url: Option<String>,
    pub profile_url: Option<String>,
}

/// A person credited on a track, borrowed from the loaded rows.
#[derive(Debug, Clone)]
pub struct CollaboratorView<'a> {
    pub name: &'a str,
    pub initials: Initials,
    pub role: Option<&'a str>,
    pub avatar_url: Option<Cow<'a, str>>,
    pub url: Option<Cow<'a, str>>,
}

/// A download button. Its address is the share's and the file's id
/// (`markup` writes it).
#[derive(Debug, Clone)]
pub struct DownloadView<'a> {
    pub file_id: &'a str,
    pub label: &'a str,
    pub format: Format<'a>,
}

/// What the visitor gets, as the button says it: "WAV · 48 MB", "MP3",
/// "912 KB", "ZIP" for a folder, or nothing (`is_empty`).
#[derive(Debug, Clone, Copy)]
pub enum Format<'a> {
    Folder,
    File {
        extension: Option<&'a str>,
        size: Option<i64>,
    },
}

impl Format<'_> {
    pub fn is_empty(&self) -> bool {
        matches!(
            self,
            Format::File {
                extension: None,
                size: None
            }
        )
    }
}

impl std::fmt::Display for Format<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (extension, size) = match *self {
            Format::Folder => return f.write_str("ZIP"),
            Format::File { extension, size } => (extension, size),
        };
        if let Some(extension) = extension {
            for c in extension.chars() {
                f.write_char(c.to_ascii_uppercase())?;
            }
        }
        match (extension, size) {
            (Some(_), Some(size)) => write!(f, " · {}", SizeLabel(size)),
            (None, Some(size)) => write!(f, "{}", SizeLabel(size)),
            _ => Ok(()),
        }
    }
}

/// What stands for a track's artwork.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cover {
    /// Its thumbnail, served by the share (`/s/{token}/art/{track}`).
    Picture,
    /// No cover: its generated pattern (`art::variant`).
    Pattern(u64),
}

/// One track's card, borrowed from the loaded rows: a page of a hundred
/// tracks builds its view without copying their text. Addresses are the
/// share's token and these ids, written by `markup`.
#[derive(Debug, Clone)]
pub struct TrackView<'a> {
    pub number: usize,
    pub id: &'a str,
    pub title: &'a str,
    pub bpm: Option<String>,
    pub key: Option<&'a str>,
    pub cover: Cover,
    /// Whether it has a file to play (`policy::playable_file`).
    pub playable: bool,
    pub collaborators: Vec<CollaboratorView<'a>>,
    pub downloads: Vec<DownloadView<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExpiryView {
    pub iso: String,
    pub label: String,
    /// The date alone, for tight spaces such as profile cards.
    pub date: String,
    /// "Expires in 3 days", when it is that soon.
    pub relative: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SharePageView<'a> {
    pub theme: ThemeView,
    pub producer: ProducerView,
    pub title: String,
    pub description: Option<String>,
    /// One line for link previews and the page's meta description.
    pub summary: String,
    pub layout: Layout,
    /// The way to the share's other pages of tracks, when it has several.
    pub pager: Option<PagerView>,
    /// Written by `markup::TrackList` (see `render::share`), not handed to
    /// the template one field at a time.
    #[serde(skip)]
    pub tracks: Vec<TrackView<'a>>,
    /// The share's address token, for the tracks' addresses.
    #[serde(skip)]
    pub token: &'a str,
    pub has_tracks: bool,
    /// The featured card's title is the page's heading (the share is
    /// named after its one track).
    pub titled_card: bool,
    pub expires: Option<ExpiryView>,
    pub downloads_enabled: bool,
    /// Whether the owner's Dropbox can serve files now. When it cannot, the
    /// page still shows everything, with playback and downloads marked as
    /// temporarily unavailable instead of links that would fail.
    pub files_ready: bool,
    /// What chat apps and social sites show for the link; `None` when the
    /// deployment's origin is unknown (absolute URLs need it).
    pub preview: Option<PreviewView>,
}

/// A link preview (Open Graph and Twitter cards).
#[derive(Debug, Clone, Serialize)]
pub struct PreviewView {
    /// The page's absolute URL.
    pub url: String,
    /// The share's own description when it has one, else the summary.
    pub description: String,
    pub image: Option<PreviewImage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviewImage {
    pub url: String,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProfileShareView {
    pub url: String,
    pub title: String,
    pub summary: String,
    /// Its pattern (`art::variant`), when it has no cover.
    pub pattern: Option<u64>,
    pub artwork_url: Option<String>,
    pub expires: Option<ExpiryView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProfilePageView {
    pub theme: ThemeView,
    pub producer: ProducerView,
    pub bio: Option<String>,
    pub shares: Vec<ProfileShareView>,
}

/// Only absolute https URLs reach an `href` or `src`: a stored
/// `javascript:` or `http:` value is dropped rather than trusted.
fn https_url(raw: Option<&str>) -> Option<Cow<'_, str>> {
    let raw = raw?.trim();
    // What the API stores is already this plain shape: kept as it is,
    // without a parse per link on every page view.
    let host = raw.strip_prefix("https://").unwrap_or("");
    let plain = host
        .bytes()
        .take_while(|b| !matches!(b, b'/' | b'?' | b'#'))
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'));
    if plain
        && !host.starts_with(['.', '-', '/'])
        && !host.is_empty()
        && raw.bytes().all(|b| b.is_ascii_graphic())
    {
        return Some(Cow::Borrowed(raw));
    }
    let parsed = url::Url::parse(raw).ok()?;
    (parsed.scheme() == "https" && parsed.host().is_some()).then(|| Cow::Owned(parsed.into()))
}

/// Stored text, trimmed, or `None` when nothing is left.
fn text(raw: Option<&str>) -> Option<String> {
    trimmed(raw).map(str::to_owned)
}

/// `text`, borrowed.
fn trimmed(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

/// Up to two letters for an avatar that has no picture, kept inline:
/// every credit on a page has them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Initials {
    // Two characters upper-cased are at most six (`char::to_uppercase`).
    bytes: [u8; 24],
    len: usize,
}

impl Initials {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("♪")
    }
}

impl std::fmt::Debug for Initials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

pub fn initials(name: &str) -> Initials {
    let mut initials = Initials {
        bytes: [0; 24],
        len: 0,
    };
    let letters = name
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase);
    for c in letters {
        initials.len += c.encode_utf8(&mut initials.bytes[initials.len..]).len();
    }
    if initials.len == 0 {
        initials.len = "♪".len();
        initials.bytes[..initials.len].copy_from_slice("♪".as_bytes());
    }
    initials
}

/// "124" or "92.5"; nonsense tempos are not shown at all.
fn format_bpm(bpm: Option<f64>) -> Option<String> {
    let bpm = bpm.filter(|b| b.is_finite() && *b > 0.0 && *b <= 999.0)?;
    // In tenths, as an integer: formatting floats is costly per track.
    let tenths = (bpm * 10.0).round() as u32;
    Some(match tenths % 10 {
        0 => (tenths / 10).to_string(),
        tenth => format!("{}.{tenth}", tenths / 10),
    })
}

fn expiry(expires_at: Option<Millis>) -> Option<ExpiryView> {
    let at = DateTime::from_timestamp_millis(expires_at?)?;
    Some(ExpiryView {
        iso: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        label: at.format("%-d %B %Y, %H:%M UTC").to_string(),
        date: at.format("%-d %b %Y").to_string(),
        relative: None,
    })
}

/// How soon a link expires, as people say it ("Expires in 3 days"), while
/// it is soon enough to matter; `None` past 30 days (the date says it).
pub fn relative_expiry(expires_at: Millis, now: Millis) -> Option<String> {
    const MINUTE: Millis = 60_000;
    const HOUR: Millis = 60 * MINUTE;
    const DAY: Millis = 24 * HOUR;
    let left = expires_at - now;
    let (n, unit) = match left {
        l if l <= 0 => return None,
        l if l < HOUR => ((l + MINUTE - 1) / MINUTE, "minute"),
        l if l < 2 * DAY => ((l + HOUR - 1) / HOUR, "hour"),
        l if l <= 30 * DAY => ((l + DAY - 1) / DAY, "day"),
        _ => return None,
    };
    Some(format!(
        "Expires in {n} {unit}{}",
        if n == 1 { "" } else { "s" }
    ))
}

pub fn producer_view(p: &ProducerRow) -> ProducerView {
    let display_name = text(Some(&p.display_name)).unwrap_or_else(|| p.handle.clone());
    ProducerView {
        initials: initials(&display_name).as_str().to_owned(),
        display_name,
        avatar_url: https_url(p.avatar_url.as_deref()).map(Cow::into_owned),
        header_url: https_url(p.header_url.as_deref()).map(Cow::into_owned),
        profile_url: p.public_profile.then(|| format!("/u/{}", p.handle)),
    }
}

/// The producer's stored theme, validated.
pub fn theme_view(p: &ProducerRow) -> ThemeView {
    Theme::from_stored(p.theme_accent.as_deref(), p.theme_mode.as_deref()).into()
}

/// Where a track's cover is served, within the share that shows it, at
/// the size the place needs.
pub fn art_url(token: &str, track_id: &str, size: ThumbSize) -> String {
    match size {
        ThumbSize::Tile => format!("/s/{token}/art/{track_id}"),
        ThumbSize::Large => format!("/s/{token}/art/{track_id}/large"),
    }
}

/// At most `max` characters of `text`, cut at a word with an ellipsis.
fn clipped(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max - 1).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(words, _)| words);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':', '-']))
}

/// The link preview of a share. Its picture is the first cover among the
/// tracks (a JPEG thumbnail; covers are square), else the first track's
/// pattern drawn as a PNG card (`preview_image`); the artwork route serves
/// whichever the track has.
fn preview(token: &str, data: &SharePageData, summary: &str, origin: &str) -> PreviewView {
    let covered = data
        .tracks
        .iter()
        .find(|t| text(t.artwork_path.as_deref()).is_some());
    let image = covered.or(data.tracks.first()).map(|t| {
        let side = ThumbSize::Large.square_side();
        let (mime, width, height) = match covered {
            Some(_) => ("image/jpeg", side, side),
            None => ("image/png", preview_image::WIDTH, preview_image::HEIGHT),
        };
        PreviewImage {
            url: format!("{origin}{}", art_url(token, &t.id, ThumbSize::Large)),
            mime,
            width,
            height,
            alt: format!("Artwork of {}", t.title.trim()),
        }
    });
    PreviewView {
        url: format!("{origin}/s/{token}"),
        description: text(data.share.description.as_deref())
            .map_or_else(|| summary.to_owned(), |d| clipped(&d, 200)),
        image,
    }
}

fn collaborator_view(c: &CollaboratorRow) -> CollaboratorView<'_> {
    let name = c.name.trim();
    CollaboratorView {
        initials: initials(name),
        name,
        role: trimmed(c.role.as_deref()),
        avatar_url: https_url(c.avatar_url.as_deref()),
        url: https_url(c.url.as_deref()),
    }
}

/// A size as people read it: "48 MB", "912 KB", "1.2 GB" (decimal units,
/// as file managers show them).
pub struct SizeLabel(pub i64);

impl std::fmt::Display for SizeLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let units = ["B", "KB", "MB", "GB", "TB"];
        let mut value = self.0.max(0) as f64;
        let mut unit = 0;
        while value >= 1000.0 && unit < units.len() - 1 {
            value /= 1000.0;
            unit += 1;
        }
        if unit == 0 || value >= 10.0 {
            write!(f, "{value:.0} {}", units[unit])
        } else {
            write!(f, "{value:.1} {}", units[unit])
        }
    }
}

/// A download button: what it is (label), and its format with its size
/// when known.
fn download_view(f: &FileRow) -> DownloadView<'_> {
    DownloadView {
        file_id: &f.id,
        label: trimmed(f.label.as_deref()).unwrap_or_else(|| f.kind().label()),
        format: if f.is_folder {
            Format::Folder
        } else {
            Format::File {
                extension: f.extension(),
                size: f.size,
            }
        },
    }
}

/// A share's files and credits, by track: one pass over each list, so a
/// 100-track page never scans every file once per track. The store loads
/// both in track order, so a track's rows come in one run and its id is
/// looked up once per run, not once per row.
struct ByTrack<'a> {
    files: Vec<Vec<&'a FileRow>>,
    collaborators: Vec<Vec<&'a CollaboratorRow>>,
}

impl<'a> ByTrack<'a> {
    fn of(data: &'a SharePageData) -> Self {
        let index: HashMap<&str, usize> = data
            .tracks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect();
        ByTrack {
            files: grouped(&index, &data.files, |f| &f.track_id),
            collaborators: grouped(&index, &data.collaborators, |c| &c.track_id),
        }
    }
}

/// `rows` by the position of their track in `index`, in their order.
fn grouped<'a, T>(
    index: &HashMap<&str, usize>,
    rows: &'a [T],
    track_of: impl Fn(&T) -> &str,
) -> Vec<Vec<&'a T>> {
    let mut groups: Vec<Vec<&T>> = vec![Vec::new(); index.len()];
    let mut run: Option<(&str, Option<usize>)> = None;
    for row in rows {
        let track = track_of(row);
        let at = match run {
            Some((id, at)) if id == track => at,
            _ => index.get(track).copied(),
        };
        run = Some((track, at));
        if let Some(at) = at {
            groups[at].push(row);
        }
    }
    groups
}

fn track_view<'a>(
    number: usize,
    t: &'a TrackRow,
    files: &[&'a FileRow],
    collaborators: &[&'a CollaboratorRow],
    downloads: &DownloadPolicy,
) -> TrackView<'a> {
    let own_files = || files.iter().copied();
    TrackView {
        number,
        id: &t.id,
        title: t.title.trim(),
        bpm: format_bpm(t.bpm),
        key: trimmed(t.musical_key.as_deref()),
        cover: match trimmed(t.artwork_path.as_deref()) {
            Some(_) => Cover::Picture,
            None => Cover::Pattern(art::variant(&t.id)),
        },
        playable: policy::playable_file(own_files(), &t.id, downloads.is_none()).is_some(),
        collaborators: collaborators
            .iter()
            .filter(|c| !c.name.trim().is_empty())
            .map(|c| collaborator_view(c))
            .collect(),
        downloads: {
            // One fixed order on every page: master, bounce, stems, project,
            // other (then as the producer listed them).
            let mut allowed: Vec<&FileRow> =
                own_files().filter(|f| downloads.allows(f.kind())).collect();
            allowed.sort_by_key(|f| FileKind::ALL.iter().position(|k| *k == f.kind()));
            allowed.into_iter().map(download_view).collect()
        },
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The page for an active share. `token` must already be known to be
/// URL-safe (see `ids::is_token`); `origin` is the deployment's, for the
/// link preview's absolute URLs.
pub fn share_page<'a>(
    token: &'a str,
    data: &'a SharePageData,
    now: Millis,
    origin: Option<&str>,
) -> SharePageView<'a> {
    let share = &data.share;
    let downloads = DownloadPolicy::from_stored(&share.download_kinds);
    let producer = producer_view(&share.producer);
    // A share is featured, summed up and numbered as a whole, whichever
    // of its pages is shown.
    let place = &data.place;
    let layout = policy::layout(place.total);
    let by_track = ByTrack::of(data);
    let tracks: Vec<TrackView> = data
        .tracks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let (files, credits) = (&by_track.files[i], &by_track.collaborators[i]);
            track_view(place.first + i, t, files, credits, &downloads)
        })
        .collect();
    let summary = format!(
        "{} by {}",
        count(place.total, "track", "tracks"),
        producer.display_name
    );
    let title = text(Some(&share.title)).unwrap_or_else(|| summary.clone());
    let titled_card =
        layout == Layout::Featured && tracks.first().is_some_and(|t| t.title == title);
    SharePageView {
        preview: origin.map(|origin| preview(token, data, &summary, origin)),
        title,
        description: text(share.description.as_deref()),
        titled_card,
        has_tracks: !tracks.is_empty(),
        pager: pager::view(token, place, tracks.len()),
        layout,
        theme: theme_view(&share.producer),
        producer,
        summary,
        tracks,
        token,
        expires: expiry(share.expires_at).map(|mut e| {
            e.relative = share.expires_at.and_then(|at| relative_expiry(at, now));
            e
        }),
        downloads_enabled: !downloads.is_none(),
        files_ready: share.dropbox_ready(),
    }
}

fn profile_share_view(s: &ProfileShareRow) -> ProfileShareView {
    let summary = count(
        usize::try_from(s.track_count).unwrap_or(0),
        "track",
        "tracks",
    );
    let cover = s.cover_track_id.as_deref().unwrap_or(&s.token);
    let artwork_url = text(s.cover_artwork_path.as_deref())
        .and(s.cover_track_id.as_deref())
        .map(|track| art_url(&s.token, track, ThumbSize::Tile));
    let pattern = artwork_url.is_none();
    ProfileShareView {
        url: format!("/s/{}", s.token),
        title: text(Some(&s.title)).unwrap_or_else(|| summary.clone()),
        summary,
        artwork_url,
        pattern: pattern.then(|| art::variant(cover)),
        expires: expiry(s.expires_at),
    }
}

/// A public profile: only shares that are active at `now` and still hold a
/// track are listed. A share whose stored token is not one the router would
/// accept (set by hand in SQL, say) is left out rather than linked to a 404.
pub fn profile_page(data: &ProfileData, now: Millis) -> ProfilePageView {
    let shares = data
        .shares
        .iter()
        .filter(|s| s.track_count > 0 && is_token(&s.token))
        .filter(|s| policy::access(s.expires_at, s.revoked_at, now).is_open())
        .map(profile_share_view)
        .collect();
    ProfilePageView {
        theme: theme_view(&data.producer),
        producer: producer_view(&data.producer),
        bio: text(data.producer.bio.as_deref()),
        shares,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn only_absolute_https_urls_are_kept() {
        assert_eq!(
            https_url(Some(" https://cdn.example.com/a b.png ")).as_deref(),
            Some("https://cdn.example.com/a%20b.png")
        );
        for bad in [
            "javascript:alert(1)",
            "http://cdn.example.com/a.png",
            "data:image/png;base64,AA",
            "/relative.png",
            "mailto:a@b.c",
            "",
        ] {
            assert_eq!(https_url(Some(bad)), None, "{bad}");
        }
        assert_eq!(https_url(None), None);
    }

    #[test]
    fn initials_take_the_first_letter_of_two_words() {
        assert_eq!(initials("night owl beats").as_str(), "NO");
        assert_eq!(initials("Ørjan").as_str(), "Ø");
        assert_eq!(initials("  (DJ) Élan ").as_str(), "DÉ");
        assert_eq!(initials("!!!").as_str(), "♪");
        assert_eq!(initials("ﬃ ﬃ").as_str(), "FFIFFI", "the longest there is");
    }

    #[test]
    fn tempos_are_shown_plainly_and_nonsense_is_hidden() {
        assert_eq!(format_bpm(Some(124.0)).as_deref(), Some("124"));
        assert_eq!(format_bpm(Some(92.54)).as_deref(), Some("92.5"));
        assert_eq!(format_bpm(Some(f64::NAN)), None);
        assert_eq!(format_bpm(Some(-3.0)), None);
        assert_eq!(format_bpm(None), None);
    }

    #[test]
    fn a_near_expiry_is_said_relatively() {
        let (minute, hour, day) = (60_000, 3_600_000, 86_400_000);
        assert_eq!(
            relative_expiry(1000 + 5 * minute, 1000).as_deref(),
            Some("Expires in 5 minutes")
        );
        assert_eq!(
            relative_expiry(hour + 1, 0).as_deref(),
            Some("Expires in 2 hours")
        );
        assert_eq!(
            relative_expiry(hour, 0).as_deref(),
            Some("Expires in 1 hour")
        );
        assert_eq!(
            relative_expiry(3 * day, 0).as_deref(),
            Some("Expires in 3 days")
        );
        assert_eq!(
            relative_expiry(30 * day, 0).as_deref(),
            Some("Expires in 30 days")
        );
        assert_eq!(
            relative_expiry(31 * day, 0),
            None,
            "far off: the date says it"
        );
        assert_eq!(relative_expiry(0, 0), None);
    }

    #[test]
    fn expiry_is_written_in_utc_at_the_stored_instant() {
        let e = expiry(Some(1_796_169_600_000)).unwrap();
        assert_eq!(e.iso, "2026-12-02T00:00:00Z");
        assert_eq!(e.label, "2 December 2026, 00:00 UTC");
        assert_eq!(e.date, "2 Dec 2026");
        assert!(expiry(None).is_none());
    }

    #[test]
    fn downloads_list_only_the_kinds_the_share_allows() {
        let mut data = fixtures::share(&["t1"]);
        let kinds = |data: &SharePageData| {
            share_page("tok", data, 0, None).tracks[0]
                .downloads
                .iter()
                .map(|d| (d.label.to_string(), Some(d.format.to_string())))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            kinds(&data),
            vec![("Master".to_string(), Some("WAV".to_string()))]
        );
        data.share.download_kinds = "master,stems".into();
        assert_eq!(
            kinds(&data)[1],
            ("Stems".to_string(), Some("ZIP".to_string()))
        );
        data.share.download_kinds = String::new();
        assert!(kinds(&data).is_empty());
        assert!(!share_page("tok", &data, 0, None).downloads_enabled);
    }

    #[test]
    fn link_previews_carry_absolute_urls_and_a_raster_picture() {
        let origin = Some("https://share.example.com");
        let mut data = fixtures::share(&["t1", "t2"]);
        let page = share_page("tok", &data, 0, origin);
        let p = page.preview.unwrap();
        assert_eq!(p.url, "https://share.example.com/s/tok");
        assert_eq!(p.description, "For the label.");
        // No cover anywhere: the first track's pattern as a PNG card.
        let image = p.image.unwrap();
        assert_eq!(image.url, "https://share.example.com/s/tok/art/t1/large");
        assert_eq!(
            (image.mime, image.width, image.height),
            ("image/png", 600, 315)
        );
        // The first cover wins, as a large JPEG thumbnail.
        data.tracks[1].artwork_path = Some("/Art/two.jpg".into());
        let image = share_page("tok", &data, 0, origin)
            .preview
            .unwrap()
            .image
            .unwrap();
        assert_eq!(image.url, "https://share.example.com/s/tok/art/t2/large");
        assert_eq!(
            (image.mime, image.width, image.height),
            ("image/jpeg", 768, 768)
        );
        // Without a description, the summary; with a long one, a clipped one.
        data.share.description = None;
        let p = share_page("tok", &data, 0, origin).preview.unwrap();
        assert_eq!(p.description, "2 tracks by Night Owl");
        data.share.description = Some("word, ".repeat(100));
        let p = share_page("tok", &data, 0, origin).preview.unwrap();
        assert!(p.description.chars().count() <= 200 && p.description.ends_with("word…"));
        // No known origin, no preview (its URLs must be absolute).
        assert!(share_page("tok", &data, 0, None).preview.is_none());
    }

    #[test]
    fn covers_come_at_the_size_their_place_needs() {
        let mut data = fixtures::share(&["t1"]);
        data.tracks[0].artwork_path = Some("/Art/a.jpg".into());
        let html = |data| crate::render::share(&share_page("tok", data, 0, None), "n").unwrap();
        assert!(html(&data).contains(r#"<img src="/s/tok/art/t1/large""#));
        let mut data = fixtures::share(&["t1", "t2"]);
        data.tracks[0].artwork_path = Some("/Art/a.jpg".into());
        assert!(html(&data).contains(r#"<img src="/s/tok/art/t1""#));
    }

    #[test]
    fn buttons_name_format_and_size_in_one_fixed_order() {
        let mut data = fixtures::share(&["t1"]);
        data.share.download_kinds = "master,bounce,stems,project,other".into();
        let mut bounce = fixtures::file("t1-bounce", "t1", "bounce", "/B/song.mp3");
        bounce.size = Some(9_400_000);
        let mut project = fixtures::file("t1-project", "t1", "project", "/P/song.als");
        project.size = Some(912_000);
        // Listed by the producer in no particular order.
        data.files.insert(0, project);
        data.files.insert(0, bounce);
        data.files
            .iter_mut()
            .find(|f| f.id == "t1-master")
            .unwrap()
            .size = Some(48_000_000);
        let shown: Vec<(String, Option<String>)> = share_page("tok", &data, 0, None).tracks[0]
            .downloads
            .iter()
            .map(|d| (d.label.to_string(), Some(d.format.to_string())))
            .collect();
        let text = |l: &str, f: &str| (l.to_string(), Some(f.to_string()));
        assert_eq!(
            shown,
            [
                text("Master", "WAV · 48 MB"),
                text("Bounce", "MP3 · 9.4 MB"),
                text("Stems", "ZIP"),
                text("Project", "ALS · 912 KB"),
            ]
        );
        assert_eq!(SizeLabel(0).to_string(), "0 B");
        assert_eq!(SizeLabel(1_234_567_890).to_string(), "1.2 GB");
        let unknown = Format::File {
            extension: None,
            size: None,
        };
        assert!(unknown.is_empty() && unknown.to_string().is_empty());
    }

    #[test]
    fn every_track_gets_its_own_urls_and_collaborators() {
        let mut data = fixtures::share(&["t1", "t2"]);
        data.tracks[1].artwork_path = Some("/Art/cover.jpg".into());
        data.collaborators.push(fixtures::collaborator("t2", "Bo"));
        let page = share_page("tok", &data, 0, None);
        assert_eq!(page.layout, Layout::List);
        let (t1, t2) = (&page.tracks[0], &page.tracks[1]);
        assert_eq!(t1.cover, Cover::Pattern(art::variant("t1")));
        assert_eq!(t2.cover, Cover::Picture);
        assert!(t1.playable);
        assert_eq!(t2.downloads[0].file_id, "t2-master");
        let html = crate::render::share(&page, "n").unwrap();
        for address in ["/s/tok/art/t2", "/s/tok/play/t1", "/s/tok/files/t2-master"] {
            assert!(html.contains(&format!(r#""{address}""#)), "{address}");
        }
        assert!(html.contains(&format!("pattern pt{}", art::variant("t1"))));
        assert_eq!(t1.collaborators.len(), 1);
        assert_eq!(t2.collaborators.len(), 2);
        assert_eq!((t1.number, t2.number), (1, 2));
        assert_eq!(page.summary, "2 tracks by Night Owl");
    }

    #[test]
    fn a_track_with_nothing_playable_gets_no_player() {
        let mut data = fixtures::share(&["t1"]);
        data.files
            .retain(|f| f.kind() == crate::model::FileKind::Stems);
        assert!(!share_page("tok", &data, 0, None).tracks[0].playable);
        assert_eq!(share_page("tok", &data, 0, None).layout, Layout::Featured);
    }

    #[test]
    fn files_are_ready_only_while_dropbox_is_connected() {
        let mut data = fixtures::share(&["t1"]);
        assert!(share_page("tok", &data, 0, None).files_ready);
        for status in [Some("needs_reconnect"), None] {
            data.share.dropbox_status = status.map(str::to_owned);
            let page = share_page("tok", &data, 0, None);
            assert!(!page.files_ready);
            assert_eq!(
                page.tracks[0].downloads.len(),
                1,
                "formats are still listed"
            );
        }
    }

    #[test]
    fn blank_titles_fall_back_to_the_summary() {
        let mut data = fixtures::share(&["t1"]);
        data.share.title = "   ".into();
        assert_eq!(
            share_page("tok", &data, 0, None).title,
            "1 track by Night Owl"
        );
    }

    #[test]
    fn profiles_list_only_active_shares_with_tracks() {
        let share = |token: &str, expires_at, revoked_at, track_count| ProfileShareRow {
            token: token.into(),
            title: String::new(),
            expires_at,
            revoked_at,
            track_count,
            cover_track_id: Some(format!("trk_{token}")),
            cover_artwork_path: (token == "live").then(|| "/Art/cover.png".into()),
        };
        let now = 1_000_000;
        let data = ProfileData {
            producer: fixtures::producer(),
            shares: vec![
                share("live", Some(now + 1), None, 3),
                share("expired", Some(now), None, 1),
                share("revoked", None, Some(5), 1),
                share("emptied", None, None, 0),
                share("forever", None, None, 1),
                share("bad token/../x", None, None, 1),
            ],
        };
        let page = profile_page(&data, now);
        let urls: Vec<_> = page.shares.iter().map(|s| s.url.as_str()).collect();
        assert_eq!(urls, ["/s/live", "/s/forever"]);
        assert_eq!(page.shares[0].title, "3 tracks");
        assert_eq!(
            page.shares[0].artwork_url.as_deref(),
            Some("/s/live/art/trk_live")
        );
        assert_eq!(page.shares[1].artwork_url, None);
        assert_eq!(page.bio, None);
    }

    #[test]
    fn private_profiles_are_not_linked() {
        let mut p = fixtures::producer();
        assert_eq!(
            producer_view(&p).profile_url.as_deref(),
            Some("/u/nightowl")
        );
        p.public_profile = false;
        assert_eq!(producer_view(&p).profile_url, None);
    }
}
