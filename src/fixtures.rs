//! Sample data for the core's unit tests.

use crate::model::{
    CollaboratorRow, FileRow, Place, ProducerRow, SharePageData, ShareRow, TrackRow,
};

pub const HOSTILE: &str = "<script>alert(1)</script>\"'&";

pub fn producer() -> ProducerRow {
    ProducerRow {
        handle: "nightowl".into(),
        display_name: "Night Owl".into(),
        bio: None,
        avatar_url: Some("https://cdn.example.com/owl.png".into()),
        header_url: Some("https://cdn.example.com/header.jpg".into()),
        theme_accent: Some("#ff8800".into()),
        theme_mode: Some("light".into()),
        public_profile: true,
    }
}

pub fn track(id: &str, title: &str) -> TrackRow {
    TrackRow {
        id: id.into(),
        title: title.into(),
        bpm: Some(124.0),
        musical_key: Some("F# minor".into()),
        artwork_path: None,
    }
}

pub fn file(id: &str, track_id: &str, kind: &str, path: &str) -> FileRow {
    FileRow {
        id: id.into(),
        track_id: track_id.into(),
        kind: kind.into(),
        path: path.into(),
        is_folder: false,
        label: None,
        size: None,
    }
}

pub fn collaborator(track_id: &str, name: &str) -> CollaboratorRow {
    CollaboratorRow {
        track_id: track_id.into(),
        name: name.into(),
        role: Some("Vocals".into()),
        avatar_url: None,
        url: Some("https://example.com/ada".into()),
    }
}

/// A share of `track_ids`, each with a WAV master and a stems folder,
/// allowing masters and bounces.
pub fn share(track_ids: &[&str]) -> SharePageData {
    SharePageData {
        share: ShareRow {
            id: "shr_1".into(),
            title: "Summer pack".into(),
            description: Some("For the label.".into()),
            download_kinds: "master,bounce".into(),
            expires_at: None,
            dropbox_status: Some("ok".into()),
            revoked_at: None,
            producer: producer(),
        },
        place: Place::whole(track_ids.len()),
        tracks: track_ids
            .iter()
            .map(|id| track(id, &format!("Song {id}")))
            .collect(),
        files: track_ids
            .iter()
            .flat_map(|id| {
                let mut stems = file(&format!("{id}-stems"), id, "stems", "/Stems");
                stems.is_folder = true;
                [
                    file(&format!("{id}-master"), id, "master", "/Masters/song.wav"),
                    stems,
                ]
            })
            .collect(),
        collaborators: track_ids.iter().map(|id| collaborator(id, "Ada")).collect(),
    }
}

/// A share in which every text a producer can type is hostile.
pub fn hostile_share() -> SharePageData {
    let mut data = share(&["t1", "t2"]);
    data.share.title = HOSTILE.into();
    data.share.description = Some(HOSTILE.into());
    let p = &mut data.share.producer;
    p.display_name = HOSTILE.into();
    p.handle = HOSTILE.into();
    p.avatar_url = Some(format!("https://x.example/{HOSTILE}"));
    p.header_url = Some("javascript:alert(1)".into());
    p.theme_accent = Some("#000000;}</style><script>alert(1)</script>".into());
    p.theme_mode = Some(HOSTILE.into());
    for t in &mut data.tracks {
        t.title = HOSTILE.into();
        t.musical_key = Some(HOSTILE.into());
        t.artwork_path = Some(HOSTILE.into());
    }
    for f in &mut data.files {
        f.label = Some(HOSTILE.into());
        f.path = format!("/{HOSTILE}.wav");
    }
    for c in &mut data.collaborators {
        c.name = HOSTILE.into();
        c.role = Some(HOSTILE.into());
        c.avatar_url = Some(format!("https://x.example/{HOSTILE}"));
        c.url = Some("javascript:alert(1)".into());
    }
    data
}

/// Undoes the HTML escaping of `render`, so tests can look for values as a
/// browser reads them.
pub fn unescape(html: &str) -> String {
    html.replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
