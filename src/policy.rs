//! Decisions about shares, made at an instant the caller passes in: whether a
//! share is still valid, what it lets visitors download, which file plays.

use serde::Serialize;

use crate::model::{FileKind, FileRow};

/// Milliseconds since the Unix epoch, as stored in D1.
pub type Millis = i64;

/// What a visitor may do with a share at an instant. Every visitor route
/// (page, play, file, artwork, profile listing) and the API's share status
/// ask `access`, and nothing else decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Open to anyone holding the link.
    Open,
    /// Gone: the link's time ran out.
    Expired,
    /// Gone: its owner withdrew it.
    Revoked,
}

impl Access {
    pub fn is_open(self) -> bool {
        self == Access::Open
    }
}

/// A share is open until the instant it expires: at `expires_at` itself it
/// is already gone. Revocation wins over expiry, and is immediate.
pub fn access(expires_at: Option<Millis>, revoked_at: Option<Millis>, now: Millis) -> Access {
    if revoked_at.is_some() {
        Access::Revoked
    } else if expires_at.is_some_and(|at| now >= at) {
        Access::Expired
    } else {
        Access::Open
    }
}

/// The file kinds a share lets visitors download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadPolicy {
    kinds: Vec<FileKind>,
}

impl DownloadPolicy {
    /// Reads the stored comma-separated list. Unknown words grant nothing.
    pub fn from_stored(s: &str) -> DownloadPolicy {
        let mut kinds: Vec<FileKind> = s
            .split(',')
            .filter_map(|k| FileKind::parse(k.trim()))
            .collect();
        kinds.dedup();
        DownloadPolicy { kinds }
    }

    pub fn allows(&self, kind: FileKind) -> bool {
        self.kinds.contains(&kind)
    }

    pub fn is_none(&self) -> bool {
        self.kinds.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One track: large artwork and every detail.
    Featured,
    /// Several tracks: a compact list.
    List,
}

pub fn layout(track_count: usize) -> Layout {
    if track_count == 1 {
        Layout::Featured
    } else {
        Layout::List
    }
}

/// Extensions browsers can be asked to play, as the product promises.
const AUDIO_EXTENSIONS: [&str; 9] = [
    "wav", "aiff", "aif", "flac", "mp3", "m4a", "aac", "ogg", "opus",
];

fn is_audio(file: &FileRow) -> bool {
    !file.is_folder
        && file
            .extension()
            .is_some_and(|e| AUDIO_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(e)))
}

/// The file the player streams. A share that allows downloads plays the
/// best there is: the master, else the bounce, else any other audio file of
/// the track. A listen-only share (`listen_only`) protects the master: the
/// bounce, else other audio, and the master only when nothing else plays.
/// Folders never play. `files` may hold other tracks' files; only
/// `track_id`'s are considered, in their stored order.
pub fn playable_file<'a, I>(files: I, track_id: &str, listen_only: bool) -> Option<&'a FileRow>
where
    I: IntoIterator<Item = &'a FileRow>,
    I::IntoIter: Clone,
{
    let files = files.into_iter();
    let own = || {
        files
            .clone()
            .filter(move |f| f.track_id == track_id && !f.is_folder)
    };
    let master = || own().find(|f| f.kind() == FileKind::Master);
    let bounce = || own().find(|f| f.kind() == FileKind::Bounce);
    let other =
        || own().find(|f| !matches!(f.kind(), FileKind::Master | FileKind::Bounce) && is_audio(f));
    if listen_only {
        bounce().or_else(other).or_else(master)
    } else {
        master().or_else(bounce).or_else(other)
    }
}

/// Link-preview fetchers and crawlers that open share links on their own:
/// their visits are not a person listening. Matched case-insensitively.
const AUTOMATED_AGENTS: [&str; 22] = [
    "bot",
    "crawler",
    "spider",
    "facebookexternalhit",
    "facebookcatalog",
    "slack-imgproxy",
    "slackbot",
    "twitterbot",
    "discordbot",
    "telegrambot",
    "whatsapp",
    "linkedinbot",
    "skypeuripreview",
    "microsoftpreview",
    "embedly",
    "iframely",
    "pinterest",
    "vkshare",
    "mastodon",
    "bluesky",
    "cardyb",
    "preview",
];

/// Whether a page load is a visitor's view: a GET (not HEAD) by something
/// other than a link-preview bot, and not a speculative prefetch. Preview
/// bots name themselves; a client that sends no agent at all is not taken
/// for one.
pub fn is_visit(method: &str, user_agent: Option<&str>, purpose: Option<&str>) -> bool {
    let agent = user_agent.unwrap_or("").to_ascii_lowercase();
    let prefetch = purpose.is_some_and(|p| p.to_ascii_lowercase().contains("prefetch"));
    method == "GET" && !prefetch && !AUTOMATED_AGENTS.iter().any(|a| agent.contains(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_790_000_000_000;

    #[test]
    fn a_share_expires_at_its_instant_not_after() {
        assert_eq!(access(None, None, NOW), Access::Open);
        assert_eq!(access(Some(NOW + 1), None, NOW), Access::Open);
        assert_eq!(access(Some(NOW), None, NOW), Access::Expired);
        assert_eq!(access(Some(NOW - 1), None, NOW), Access::Expired);
    }

    #[test]
    fn revocation_wins_over_everything() {
        assert_eq!(access(None, Some(NOW - 5), NOW), Access::Revoked);
        assert_eq!(access(Some(NOW - 1), Some(NOW - 5), NOW), Access::Revoked);
        // Revoked "in the future" is still revoked: revoking is immediate.
        assert_eq!(access(None, Some(NOW + 5), NOW), Access::Revoked);
    }

    #[test]
    fn download_policy_grants_only_listed_known_kinds() {
        let p = DownloadPolicy::from_stored("master, stems,bogus");
        assert!(p.allows(FileKind::Master));
        assert!(p.allows(FileKind::Stems));
        assert!(!p.allows(FileKind::Bounce));
        assert!(!p.allows(FileKind::Other));
        assert!(DownloadPolicy::from_stored("").is_none());
        assert!(DownloadPolicy::from_stored("everything").is_none());
    }

    #[test]
    fn visits_are_people_loading_the_page() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert!(is_visit("GET", Some(firefox), None));
        assert!(!is_visit("HEAD", Some(firefox), None));
        assert!(!is_visit("GET", Some(firefox), Some("prefetch;prerender")));
        assert!(is_visit("GET", None, None));
        assert!(is_visit("GET", Some("python-requests/2.32.3"), None));
        for bot in [
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
            "WhatsApp/2.23.20.0",
            "TelegramBot (like TwitterBot)",
            "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/11.1.1 Safari/605.1.15 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
        ] {
            assert!(!is_visit("GET", Some(bot), None), "{bot}");
        }
    }

    #[test]
    fn one_track_is_featured_several_are_listed() {
        assert_eq!(layout(1), Layout::Featured);
        assert_eq!(layout(2), Layout::List);
        assert_eq!(layout(0), Layout::List);
    }

    fn file(id: &str, track: &str, kind: &str, path: &str, folder: bool) -> FileRow {
        FileRow {
            id: id.into(),
            track_id: track.into(),
            kind: kind.into(),
            path: path.into(),
            is_folder: folder,
            label: None,
            size: None,
        }
    }

    #[test]
    fn master_plays_before_bounce_before_other_audio() {
        let files = vec![
            file("other", "t1", "other", "/a/alt.mp3", false),
            file("bounce", "t1", "bounce", "/a/bounce.mp3", false),
            file("master", "t1", "master", "/a/master.wav", false),
            file("foreign", "t2", "master", "/b/master.wav", false),
        ];
        assert_eq!(playable_file(&files, "t1", false).unwrap().id, "master");
        assert_eq!(
            playable_file(&files[..2], "t1", false).unwrap().id,
            "bounce"
        );
        assert_eq!(playable_file(&files[..1], "t1", false).unwrap().id, "other");
        assert_eq!(playable_file(&files, "t2", false).unwrap().id, "foreign");
    }

    #[test]
    fn a_listen_only_share_plays_the_master_only_when_nothing_else_plays() {
        let files = vec![
            file("master", "t1", "master", "/a/master.wav", false),
            file("other", "t1", "other", "/a/alt.mp3", false),
            file("bounce", "t1", "bounce", "/a/bounce.mp3", false),
            file("pdf", "t1", "other", "/a/notes.pdf", false),
        ];
        assert_eq!(playable_file(&files, "t1", true).unwrap().id, "bounce");
        let no_bounce = [files[0].clone(), files[1].clone(), files[3].clone()];
        assert_eq!(playable_file(&no_bounce, "t1", true).unwrap().id, "other");
        let master_only = [files[0].clone(), files[3].clone()];
        assert_eq!(
            playable_file(&master_only, "t1", true).unwrap().id,
            "master"
        );
    }

    #[test]
    fn folders_and_non_audio_never_play() {
        let files = vec![
            file("stems", "t1", "stems", "/a/Stems", true),
            file("master-folder", "t1", "master", "/a/Master", true),
            file("project", "t1", "project", "/a/song.als", false),
            file("notes", "t1", "other", "/a/notes.pdf", false),
        ];
        assert!(playable_file(&files, "t1", false).is_none());
        let with_flac = [
            files,
            vec![file("flac", "t1", "stems", "/a/vox.FLAC", false)],
        ]
        .concat();
        assert_eq!(playable_file(&with_flac, "t1", false).unwrap().id, "flac");
    }
}
