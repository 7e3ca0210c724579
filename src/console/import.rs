//! Proposing tracks from Dropbox folders: a folder is a track, its name the
//! title; each file's kind is guessed from its name and extension; BPM and
//! key are read from names where present; an image in the folder is the
//! artwork. The producer corrects the proposal before anything is saved.

use serde::Serialize;

use crate::dropbox::folders::Entry;
use crate::limits;
use crate::model::FileKind;

/// Project files of the common DAWs (Logic's `.logicx` is a folder).
const PROJECT: [&str; 10] = [
    "als", "flp", "logicx", "ptx", "cpr", "rpp", "song", "band", "aup3", "reason",
];
const LOSSLESS: [&str; 5] = ["wav", "aif", "aiff", "flac", "alac"];
const LOSSY: [&str; 5] = ["mp3", "m4a", "aac", "ogg", "opus"];
const IMAGES: [&str; 5] = ["jpg", "jpeg", "png", "webp", "gif"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposedFile {
    pub name: String,
    pub path: String,
    pub folder: bool,
    pub size: Option<u64>,
    pub kind: FileKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// The folder the track comes from.
    pub folder: String,
    pub title: String,
    #[serde(serialize_with = "crate::api::tracks::whole_as_integer")]
    pub bpm: Option<f64>,
    pub key: Option<String>,
    pub artwork_path: Option<String>,
    pub files: Vec<ProposedFile>,
}

fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty()).then(|| ext.to_ascii_lowercase())
}

fn is_image(entry: &Entry) -> bool {
    !entry.folder && extension(&entry.name).is_some_and(|e| IMAGES.contains(&e.as_str()))
}

/// A file's (or folder's) kind from its name; `None` for what is not worth
/// sharing (hidden files, images, which become artwork).
pub fn guess_kind(name: &str, folder: bool) -> Option<FileKind> {
    if name.starts_with('.') {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let ext = extension(name);
    let ext = ext.as_deref().unwrap_or("");
    if PROJECT.contains(&ext) {
        return Some(FileKind::Project);
    }
    if lower.contains("stem") {
        return Some(FileKind::Stems);
    }
    if folder {
        return Some(FileKind::Other);
    }
    if IMAGES.contains(&ext) {
        return None;
    }
    let audio = LOSSLESS.contains(&ext) || LOSSY.contains(&ext);
    let hinted = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    Some(match () {
        _ if audio && hinted(&["master"]) => FileKind::Master,
        _ if audio && hinted(&["bounce", "mix", "demo", "rough", "preview"]) => FileKind::Bounce,
        _ if LOSSLESS.contains(&ext) => FileKind::Master,
        _ if LOSSY.contains(&ext) => FileKind::Bounce,
        _ => FileKind::Other,
    })
}

/// Words of a name (without its extension), split where producers
/// separate them.
fn words(name: &str) -> Vec<&str> {
    let stem = match name.rsplit_once('.') {
        Some((stem, ext))
            if ext.len() <= 6
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
                && ext.chars().any(|c| c.is_ascii_alphabetic()) =>
        {
            stem
        }
        _ => name,
    };
    stem.split(|c: char| c.is_whitespace() || "_-()[]{},".contains(c))
        .filter(|w| !w.is_empty())
        .collect()
}

/// A tempo written as `128bpm`, `128 BPM` or `128_bpm`, from 1 to 400.
pub fn parse_bpm(name: &str) -> Option<f64> {
    let words = words(name);
    words.iter().enumerate().find_map(|(i, w)| {
        let lower = w.to_ascii_lowercase();
        let number = match lower.strip_suffix("bpm") {
            Some("") => *words.get(i.checked_sub(1)?)?,
            Some(n) => n,
            None => return None,
        };
        let bpm: f64 = number.parse().ok()?;
        (1.0..=400.0).contains(&bpm).then_some(bpm)
    })
}

/// A key written as `F#m`, `Bbmaj`, `A minor` or `C# Major`: answered as
/// "F# minor", "Bb major".
pub fn parse_key(name: &str) -> Option<String> {
    let words = words(name);
    words.iter().enumerate().find_map(|(i, w)| {
        let mut chars = w.chars();
        let note = chars.next().filter(|c| ('A'..='G').contains(c))?;
        let rest = chars.as_str();
        let (accidental, quality) = match rest.chars().next() {
            Some(a @ ('#' | 'b' | '♯' | '♭')) => (Some(a), &rest[a.len_utf8()..]),
            _ => (None, rest),
        };
        let accidental = match accidental {
            Some('#' | '♯') => "#",
            Some(_) => "b",
            None => "",
        };
        let quality = match quality {
            "" => words.get(i + 1).and_then(|next| mode(next))?,
            "m" => "minor",
            q => mode(q)?,
        };
        Some(format!("{note}{accidental} {quality}"))
    })
}

fn mode(word: &str) -> Option<&'static str> {
    match word.to_ascii_lowercase().as_str() {
        "min" | "minor" => Some("minor"),
        "maj" | "major" => Some("major"),
        _ => None,
    }
}

/// The title a folder name proposes: the name without tempo and key, with
/// separators turned to spaces.
pub fn title_from(name: &str) -> String {
    let all = words(name);
    let mut kept = Vec::new();
    let mut skip_next = false;
    for (i, word) in all.iter().enumerate() {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        let next = all.get(i + 1).copied().unwrap_or("");
        let lower = word.to_ascii_lowercase();
        let tempo = lower
            .strip_suffix("bpm")
            .is_some_and(|n| n.is_empty() || n.parse::<f64>().is_ok());
        let pair = format!("{word} {next}");
        if tempo || parse_key(word).is_some() {
            continue;
        }
        if (word.parse::<f64>().is_ok() && next.eq_ignore_ascii_case("bpm"))
            || (mode(next).is_some() && parse_key(&pair).is_some())
        {
            skip_next = true;
            continue;
        }
        kept.push(*word);
    }
    let title = match kept.join(" ") {
        t if t.is_empty() => name.trim().to_owned(),
        t => t,
    };
    title.chars().take(limits::TRACK_TITLE_CHARS).collect()
}

/// The artwork among a folder's entries: `cover.*` or `artwork.*` first,
/// then any image.
fn artwork(entries: &[Entry]) -> Option<String> {
    let named = |e: &&&Entry| {
        let lower = e.name.to_ascii_lowercase();
        ["cover.", "artwork.", "art.", "folder."]
            .iter()
            .any(|p| lower.starts_with(p))
    };
    let images: Vec<&Entry> = entries.iter().filter(|e| is_image(e)).collect();
    images
        .iter()
        .find(named)
        .or(images.first())
        .map(|e| e.path.clone())
}

/// The track a folder proposes, from its direct entries.
pub fn propose(folder_path: &str, entries: &[Entry]) -> Proposal {
    let name = crate::model::file_name(folder_path);
    let mut files: Vec<ProposedFile> = entries
        .iter()
        .filter_map(|e| {
            Some(ProposedFile {
                kind: guess_kind(&e.name, e.folder)?,
                name: e.name.clone(),
                path: e.path.clone(),
                folder: e.folder,
                size: e.size,
            })
        })
        .collect();
    // The canonical order (master, bounce, stems, project, other), then by name.
    files.sort_by_key(|f| {
        (
            FileKind::ALL.iter().position(|k| *k == f.kind),
            f.name.to_lowercase(),
        )
    });
    files.truncate(limits::FILES_PER_TRACK);
    let names = std::iter::once(name).chain(entries.iter().map(|e| e.name.as_str()));
    let (mut bpm, mut key) = (None, None);
    for n in names {
        bpm = bpm.or_else(|| parse_bpm(n));
        key = key.or_else(|| parse_key(n));
    }
    Proposal {
        folder: folder_path.to_owned(),
        title: title_from(name),
        bpm,
        key,
        artwork_path: artwork(entries),
        files,
    }
}

/// Whether a folder holds a track of its own (audio or a project at its top
/// level) rather than being a folder of track folders.
fn holds_a_track(entries: &[Entry]) -> bool {
    entries.iter().any(|e| {
        !e.folder
            && matches!(
                guess_kind(&e.name, false),
                Some(FileKind::Master | FileKind::Bounce | FileKind::Project)
            )
    })
}

/// The tracks a picked folder proposes, from its recursive listing: the
/// folder itself when it holds a track, else each of its subfolders that
/// holds one (a whole folder of track folders imports in one go).
pub fn proposals(folder_path: &str, listing: &[Entry]) -> Vec<Proposal> {
    let children = |parent: &str| -> Vec<Entry> {
        let prefix = format!("{}/", parent.trim_end_matches('/')).to_lowercase();
        listing
            .iter()
            .filter(|e| {
                let lower = e.path.to_lowercase();
                lower
                    .strip_prefix(&prefix)
                    .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
            })
            .cloned()
            .collect()
    };
    let top = children(folder_path);
    if holds_a_track(&top) {
        return vec![propose(folder_path, &top)];
    }
    top.iter()
        .filter(|e| e.folder)
        .filter_map(|sub| {
            let entries = children(&sub.path);
            holds_a_track(&entries).then(|| propose(&sub.path, &entries))
        })
        .take(limits::TRACKS_PER_IMPORT)
        .collect()
}

/// A step of the path shown above a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Crumb {
    pub name: String,
    pub path: String,
}

/// The folders from the root down to `path` ("" is the root).
pub fn crumbs(path: &str) -> Vec<Crumb> {
    let mut out = vec![Crumb {
        name: "Dropbox".into(),
        path: String::new(),
    }];
    let mut so_far = String::new();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        so_far = format!("{so_far}/{part}");
        out.push(Crumb {
            name: part.to_owned(),
            path: so_far.clone(),
        });
    }
    out
}

/// A folder path from a query: "" (the root) or `/…` without a trailing
/// slash; `None` when it cannot be a Dropbox path.
pub fn folder_path(query: Option<&str>) -> Option<String> {
    let path = query.unwrap_or("").trim_end_matches('/');
    let valid = path.is_empty()
        || (path.starts_with('/')
            && path.len() <= limits::DROPBOX_PATH_CHARS
            && !path
                .split('/')
                .skip(1)
                .any(|p| p.is_empty() || p == "." || p == "..")
            && !path.chars().any(char::is_control));
    valid.then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, size: u64) -> Entry {
        Entry {
            name: crate::model::file_name(path).to_owned(),
            path: path.to_owned(),
            folder: false,
            size: Some(size),
        }
    }

    fn folder(path: &str) -> Entry {
        Entry {
            name: crate::model::file_name(path).to_owned(),
            path: path.to_owned(),
            folder: true,
            size: None,
        }
    }

    #[test]
    fn kinds_are_guessed_from_names_and_extensions() {
        use FileKind::*;
        let cases = [
            ("Night Drive Master.wav", false, Some(Master)),
            ("night drive.aiff", false, Some(Master)),
            ("Night Drive (Bounce).wav", false, Some(Bounce)),
            ("rough mix.wav", false, Some(Bounce)),
            ("night drive.mp3", false, Some(Bounce)),
            ("Stems", true, Some(Stems)),
            ("drums_stem.wav", false, Some(Stems)),
            ("Night Drive.als", false, Some(Project)),
            ("Night Drive.flp", false, Some(Project)),
            ("Night Drive.logicx", true, Some(Project)),
            ("Session.ptx", false, Some(Project)),
            ("lyrics.pdf", false, Some(Other)),
            ("References", true, Some(Other)),
            ("cover.jpg", false, None),
            (".DS_Store", false, None),
        ];
        for (name, is_folder, kind) in cases {
            assert_eq!(guess_kind(name, is_folder), kind, "{name}");
        }
    }

    #[test]
    fn tempo_and_key_are_read_where_written() {
        assert_eq!(parse_bpm("Night Drive 128bpm"), Some(128.0));
        assert_eq!(parse_bpm("Night Drive - 128 BPM - F#m"), Some(128.0));
        assert_eq!(parse_bpm("loop_92.5_bpm"), Some(92.5));
        assert_eq!(parse_bpm("Night Drive 900bpm"), None);
        assert_eq!(parse_bpm("Night Drive"), None);
        assert_eq!(
            parse_key("Night Drive - 128 BPM - F#m").as_deref(),
            Some("F# minor")
        );
        assert_eq!(parse_key("Sunrise A minor").as_deref(), Some("A minor"));
        assert_eq!(
            parse_key("Sunrise_Bbmaj_100bpm").as_deref(),
            Some("Bb major")
        );
        assert_eq!(parse_key("C# Major take 2").as_deref(), Some("C# major"));
        assert_eq!(parse_key("A Night Out"), None);
        assert_eq!(parse_key("Dance Floor"), None);
    }

    #[test]
    fn titles_drop_tempo_and_key() {
        assert_eq!(title_from("Night Drive - 128 BPM - F#m"), "Night Drive");
        assert_eq!(title_from("Sunrise_A_minor_100bpm"), "Sunrise");
        assert_eq!(title_from("128bpm"), "128bpm");
    }

    #[test]
    fn a_folder_of_track_folders_proposes_one_track_each() {
        let listing = vec![
            folder("/Beats/Night Drive 128bpm F#m"),
            file(
                "/Beats/Night Drive 128bpm F#m/Night Drive Master.wav",
                50_000_000,
            ),
            file("/Beats/Night Drive 128bpm F#m/Night Drive.mp3", 9_000_000),
            folder("/Beats/Night Drive 128bpm F#m/Stems"),
            file("/Beats/Night Drive 128bpm F#m/Stems/drums.wav", 1),
            file("/Beats/Night Drive 128bpm F#m/Night Drive.als", 70_000),
            file("/Beats/Night Drive 128bpm F#m/photo.png", 10),
            file("/Beats/Night Drive 128bpm F#m/cover.jpg", 10),
            folder("/Beats/Sunrise"),
            file("/Beats/Sunrise/Sunrise A minor 100 BPM.wav", 40_000_000),
            folder("/Beats/Empty"),
            file("/Beats/notes.txt", 5),
        ];
        let proposed = proposals("/Beats", &listing);
        assert_eq!(proposed.len(), 2);
        let night = &proposed[0];
        assert_eq!(night.title, "Night Drive");
        assert_eq!(night.bpm, Some(128.0));
        assert_eq!(night.key.as_deref(), Some("F# minor"));
        assert_eq!(
            night.artwork_path.as_deref(),
            Some("/Beats/Night Drive 128bpm F#m/cover.jpg")
        );
        let kinds: Vec<(&str, FileKind)> = night
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("Night Drive Master.wav", FileKind::Master),
                ("Night Drive.mp3", FileKind::Bounce),
                ("Stems", FileKind::Stems),
                ("Night Drive.als", FileKind::Project),
            ]
        );
        assert!(night.files[2].folder);
        assert_eq!(night.files[0].size, Some(50_000_000));
        let sunrise = &proposed[1];
        assert_eq!(
            (sunrise.title.as_str(), sunrise.bpm),
            ("Sunrise", Some(100.0))
        );
        assert_eq!(sunrise.key.as_deref(), Some("A minor"));
        assert_eq!(sunrise.artwork_path, None);
    }

    #[test]
    fn paths_are_walked_from_the_root() {
        let names: Vec<(String, String)> = crumbs("/Beats/Night")
            .into_iter()
            .map(|c| (c.name, c.path))
            .collect();
        assert_eq!(
            names,
            [
                ("Dropbox".into(), "".into()),
                ("Beats".into(), "/Beats".into()),
                ("Night".into(), "/Beats/Night".into())
            ]
        );
        assert_eq!(folder_path(None).as_deref(), Some(""));
        assert_eq!(folder_path(Some("/Beats/")).as_deref(), Some("/Beats"));
        assert_eq!(folder_path(Some("Beats")), None);
        assert_eq!(folder_path(Some("/a//b")), None);
        assert_eq!(folder_path(Some("/a/../b")), None);
    }

    #[test]
    fn a_folder_with_its_own_audio_is_one_track() {
        let listing = vec![
            file("/Night Drive/Night Drive.wav", 5),
            folder("/Night Drive/Stems"),
            file("/Night Drive/Stems/bass.wav", 5),
        ];
        let proposed = proposals("/Night Drive", &listing);
        assert_eq!(proposed.len(), 1);
        assert_eq!(proposed[0].files.len(), 2);
    }
}
