//! Loaded data -> what templates show. View models hold display-ready text and
//! checked URLs only; templates add markup and nothing else.

use std::collections::HashMap;

use chrono::DateTime;
use serde::Serialize;

use crate::art;
use crate::dropbox::thumbnails::ThumbSize;
use crate::ids::is_token;
use crate::model::{
    CollaboratorRow, FileKind, FileRow, ProducerRow, ProfileData, ProfileShareRow, SharePageData,
    TrackRow,
};
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

#[derive(Debug, Clone, Serialize)]
pub struct CollaboratorView {
    pub name: String,
    pub initials: String,
    pub role: Option<String>,
    pub avatar_url: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DownloadView {
    pub url: String,
    pub label: String,
    /// "WAV", "ZIP", ...: what the visitor gets.
    pub format: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrackView {
    pub number: usize,
    pub title: String,
    pub bpm: Option<String>,
    pub key: Option<String>,
    pub artwork_url: Option<String>,
    /// The class of its generated pattern (`patterns_css`), when it has no
    /// cover.
    pub pattern: Option<String>,
    pub play_url: Option<String>,
    pub collaborators: Vec<CollaboratorView>,
    pub downloads: Vec<DownloadView>,
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
pub struct SharePageView {
    pub theme: ThemeView,
    pub producer: ProducerView,
    pub title: String,
    pub description: Option<String>,
    /// One line for link previews and the page's meta description.
    pub summary: String,
    pub layout: Layout,
    /// Written by `markup::TrackList` (see `render::share`), not handed to
    /// the template one field at a time.
    #[serde(skip)]
    pub tracks: Vec<TrackView>,
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
    /// The rules of the page's generated patterns (numbers only, see
    /// `art::pattern_css`), for its nonced style element.
    pub patterns_css: String,
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
    pub pattern: Option<String>,
    pub artwork_url: Option<String>,
    pub expires: Option<ExpiryView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProfilePageView {
    pub theme: ThemeView,
    pub producer: ProducerView,
    pub bio: Option<String>,
    pub shares: Vec<ProfileShareView>,
    pub patterns_css: String,
}

/// The pattern class of the `n`th picture of a page without a cover, and
/// its rule added to `css`.
fn pattern_class(seed: &str, n: usize, css: &mut String) -> String {
    let class = format!("pt{n}");
    css.push_str(&art::pattern_css(seed, &class));
    class
}

/// Only absolute https URLs reach an `href` or `src`: a stored
/// `javascript:` or `http:` value is dropped rather than trusted.
fn https_url(raw: Option<&str>) -> Option<String> {
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
        return Some(raw.to_owned());
    }
    let parsed = url::Url::parse(raw).ok()?;
    (parsed.scheme() == "https" && parsed.host().is_some()).then(|| parsed.to_string())
}

/// Stored text, trimmed, or `None` when nothing is left.
fn text(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Up to two letters for an avatar that has no picture.
fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    if letters.is_empty() {
        "♪".into()
    } else {
        letters
    }
}

/// "124" or "92.5"; nonsense tempos are not shown at all.
fn format_bpm(bpm: Option<f64>) -> Option<String> {
    let bpm = bpm.filter(|b| b.is_finite() && *b > 0.0 && *b <= 999.0)?;
    let rounded = (bpm * 10.0).round() / 10.0;
    Some(if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
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
        initials: initials(&display_name),
        display_name,
        avatar_url: https_url(p.avatar_url.as_deref()),
        header_url: https_url(p.header_url.as_deref()),
        profile_url: p.public_profile.then(|| format!("/u/{}", p.handle)),
    }
}

/// The producer's stored theme, validated.
pub fn theme_view(p: &ProducerRow) -> ThemeView {
    Theme::from_stored(p.theme_accent.as_deref(), p.theme_mode.as_deref()).into()
}

/// Where a track's cover is served, within the share that shows it, at
/// the size the place needs.
fn art_url(token: &str, track_id: &str, size: ThumbSize) -> String {
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

fn collaborator_view(c: &CollaboratorRow) -> CollaboratorView {
    let name = c.name.trim().to_owned();
    CollaboratorView {
        initials: initials(&name),
        name,
        role: text(c.role.as_deref()),
        avatar_url: https_url(c.avatar_url.as_deref()),
        url: https_url(c.url.as_deref()),
    }
}

/// A size as people read it: "48 MB", "912 KB", "1.2 GB" (decimal units,
/// as file managers show them).
pub fn size_label(bytes: i64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < units.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 || value >= 10.0 {
        format!("{value:.0} {}", units[unit])
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

/// A download button: what it is (label), and its format with its size
/// when known ("WAV · 48 MB"; a folder is "ZIP").
fn download_view(token: &str, f: &FileRow) -> DownloadView {
    let format = if f.is_folder {
        Some("ZIP".into())
    } else {
        let ext = f.extension().map(|e| e.to_ascii_uppercase());
        match (ext, f.size) {
            (Some(ext), Some(size)) => Some(format!("{ext} · {}", size_label(size))),
            (Some(ext), None) => Some(ext),
            (None, Some(size)) => Some(size_label(size)),
            (None, None) => None,
        }
    };
    DownloadView {
        url: format!("/s/{token}/files/{}", f.id),
        label: text(f.label.as_deref()).unwrap_or_else(|| f.kind().label().to_owned()),
        format,
    }
}

/// A share's files and credits, by track: one pass over each list, so a
/// 100-track page never scans every file once per track.
struct ByTrack<'a> {
    files: HashMap<&'a str, Vec<&'a FileRow>>,
    collaborators: HashMap<&'a str, Vec<&'a CollaboratorRow>>,
}

impl<'a> ByTrack<'a> {
    fn of(data: &'a SharePageData) -> Self {
        let mut files: HashMap<&str, Vec<&FileRow>> = HashMap::new();
        for f in &data.files {
            files.entry(f.track_id.as_str()).or_default().push(f);
        }
        let mut collaborators: HashMap<&str, Vec<&CollaboratorRow>> = HashMap::new();
        for c in &data.collaborators {
            collaborators
                .entry(c.track_id.as_str())
                .or_default()
                .push(c);
        }
        ByTrack {
            files,
            collaborators,
        }
    }

    fn files(&self, track_id: &str) -> &[&'a FileRow] {
        self.files.get(track_id).map_or(&[], Vec::as_slice)
    }

    fn collaborators(&self, track_id: &str) -> &[&'a CollaboratorRow] {
        self.collaborators.get(track_id).map_or(&[], Vec::as_slice)
    }
}

fn track_view(
    token: &str,
    number: usize,
    t: &TrackRow,
    by_track: &ByTrack<'_>,
    downloads: &DownloadPolicy,
    cover: ThumbSize,
    patterns_css: &mut String,
) -> TrackView {
    let own_files = || by_track.files(&t.id).iter().copied();
    let artwork_url = text(t.artwork_path.as_deref()).map(|_| art_url(token, &t.id, cover));
    TrackView {
        pattern: artwork_url
            .is_none()
            .then(|| pattern_class(&t.id, number, patterns_css)),
        artwork_url,
        number,
        title: t.title.trim().to_owned(),
        bpm: format_bpm(t.bpm),
        key: text(t.musical_key.as_deref()),
        play_url: policy::playable_file(own_files(), &t.id, downloads.is_none())
            .map(|_| format!("/s/{token}/play/{}", t.id)),
        collaborators: by_track
            .collaborators(&t.id)
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
            allowed
                .into_iter()
                .map(|f| download_view(token, f))
                .collect()
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
pub fn share_page(
    token: &str,
    data: &SharePageData,
    now: Millis,
    origin: Option<&str>,
) -> SharePageView {
    let share = &data.share;
    let downloads = DownloadPolicy::from_stored(&share.download_kinds);
    let producer = producer_view(&share.producer);
    let layout = policy::layout(data.tracks.len());
    // The featured page shows its one cover large; lists show tiles.
    let cover = match layout {
        Layout::Featured => ThumbSize::Large,
        Layout::List => ThumbSize::Tile,
    };
    let mut patterns_css = String::new();
    let by_track = ByTrack::of(data);
    let tracks: Vec<TrackView> = data
        .tracks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            track_view(
                token,
                i + 1,
                t,
                &by_track,
                &downloads,
                cover,
                &mut patterns_css,
            )
        })
        .collect();
    let summary = format!(
        "{} by {}",
        count(tracks.len(), "track", "tracks"),
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
        layout,
        theme: theme_view(&share.producer),
        producer,
        summary,
        tracks,
        expires: expiry(share.expires_at).map(|mut e| {
            e.relative = share.expires_at.and_then(|at| relative_expiry(at, now));
            e
        }),
        downloads_enabled: !downloads.is_none(),
        files_ready: share.dropbox_ready(),
        patterns_css,
    }
}

fn profile_share_view(
    s: &ProfileShareRow,
    n: usize,
    patterns_css: &mut String,
) -> ProfileShareView {
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
        pattern: pattern.then(|| pattern_class(cover, n, patterns_css)),
        expires: expiry(s.expires_at),
    }
}

/// A public profile: only shares that are active at `now` and still hold a
/// track are listed. A share whose stored token is not one the router would
/// accept (set by hand in SQL, say) is left out rather than linked to a 404.
pub fn profile_page(data: &ProfileData, now: Millis) -> ProfilePageView {
    let mut patterns_css = String::new();
    let shares = data
        .shares
        .iter()
        .filter(|s| s.track_count > 0 && is_token(&s.token))
        .filter(|s| policy::access(s.expires_at, s.revoked_at, now).is_open())
        .enumerate()
        .map(|(i, s)| profile_share_view(s, i + 1, &mut patterns_css))
        .collect();
    ProfilePageView {
        theme: theme_view(&data.producer),
        producer: producer_view(&data.producer),
        bio: text(data.producer.bio.as_deref()),
        shares,
        patterns_css,
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
        assert_eq!(initials("night owl beats"), "NO");
        assert_eq!(initials("Ørjan"), "Ø");
        assert_eq!(initials("  (DJ) Élan "), "DÉ");
        assert_eq!(initials("!!!"), "♪");
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
                .map(|d| (d.label.clone(), d.format.clone()))
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
        let one = share_page("tok", &data, 0, None);
        assert_eq!(
            one.tracks[0].artwork_url.as_deref(),
            Some("/s/tok/art/t1/large")
        );
        let mut data = fixtures::share(&["t1", "t2"]);
        data.tracks[0].artwork_path = Some("/Art/a.jpg".into());
        let list = share_page("tok", &data, 0, None);
        assert_eq!(list.tracks[0].artwork_url.as_deref(), Some("/s/tok/art/t1"));
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
            .map(|d| (d.label.clone(), d.format.clone()))
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
        assert_eq!(size_label(0), "0 B");
        assert_eq!(size_label(1_234_567_890), "1.2 GB");
    }

    #[test]
    fn every_track_gets_its_own_urls_and_collaborators() {
        let mut data = fixtures::share(&["t1", "t2"]);
        data.tracks[1].artwork_path = Some("/Art/cover.jpg".into());
        data.collaborators.push(fixtures::collaborator("t2", "Bo"));
        let page = share_page("tok", &data, 0, None);
        assert_eq!(page.layout, Layout::List);
        let (t1, t2) = (&page.tracks[0], &page.tracks[1]);
        assert_eq!(t1.artwork_url, None);
        assert_eq!(t2.artwork_url.as_deref(), Some("/s/tok/art/t2"));
        assert_eq!(t1.play_url.as_deref(), Some("/s/tok/play/t1"));
        assert_eq!(t2.downloads[0].url, "/s/tok/files/t2-master");
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
        assert_eq!(share_page("tok", &data, 0, None).tracks[0].play_url, None);
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
