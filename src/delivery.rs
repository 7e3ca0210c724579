//! What a visitor's play, file and artwork requests get, decided before any
//! Dropbox call: the share must exist and be active, the file must be in it
//! and allowed, and the owner's Dropbox must be connected. The edge fetches a
//! link only for what this lets through.

use crate::dropbox::answer::{visitor_retry_after, Answer};
use crate::model::{ConnectionRow, DeliveryData, FileRow, ShareRow, TrackRow};
use crate::pages::ErrorPage;
use crate::policy::{self, DownloadPolicy, Millis};

/// Something to fetch from the owner's Dropbox.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The share asking, whose owner's branding any failure page carries.
    pub share: &'a ShareRow,
    pub connection: &'a ConnectionRow,
    /// What the link stands for (a file or a track's artwork): part of its
    /// cache key.
    pub subject: &'a str,
    pub path: &'a str,
}

/// What a file route does, or the page it answers instead.
pub type Decision<'a, T> = Result<T, Refusal<'a>>;

/// A refusal, with the share's owner when known so the page carries their
/// branding.
#[derive(Debug, Clone, Copy)]
pub struct Refusal<'a> {
    pub page: ErrorPage,
    pub share: Option<&'a ShareRow>,
}

fn refuse<T>(page: ErrorPage, share: Option<&ShareRow>) -> Decision<'_, T> {
    Err(Refusal { page, share })
}

/// An owner who never connected, or must reconnect, cannot serve files.
fn disconnected() -> ErrorPage {
    ErrorPage::FilesUnavailable {
        retry_after_s: visitor_retry_after(&Answer::Revoked),
    }
}

fn active_share(data: &DeliveryData, now: Millis) -> Decision<'_, &ShareRow> {
    let Some(share) = data.share.as_ref() else {
        return refuse(ErrorPage::NotFound, None);
    };
    if policy::access(share.expires_at, share.revoked_at, now).is_open() {
        Ok(share)
    } else {
        refuse(ErrorPage::Gone, Some(share))
    }
}

fn connected<'a>(data: &'a DeliveryData, share: &'a ShareRow) -> Decision<'a, &'a ConnectionRow> {
    match data.connection.as_ref() {
        Some(c) if c.is_ok() => Ok(c),
        _ => refuse(disconnected(), Some(share)),
    }
}

fn target<'a>(share: &'a ShareRow, connection: &'a ConnectionRow, file: &'a FileRow) -> Target<'a> {
    Target {
        share,
        connection,
        subject: &file.id,
        path: &file.path,
    }
}

/// `GET /s/{token}/files/{file_id}`: the file (or folder) to deliver. The
/// store loaded the file only if it belongs to a live track of this share.
pub fn download(data: &DeliveryData, now: Millis) -> Decision<'_, (Target<'_>, &FileRow)> {
    let share = active_share(data, now)?;
    let Some(file) = data.files.first() else {
        return refuse(ErrorPage::NotFound, Some(share));
    };
    if !DownloadPolicy::from_stored(&share.download_kinds).allows(file.kind()) {
        return refuse(ErrorPage::Forbidden, Some(share));
    }
    let connection = connected(data, share)?;
    Ok((target(share, connection, file), file))
}

/// `GET /s/{token}/play/{track_id}`: the track's playable file, whatever the
/// share allows to download (listening is always allowed); a listen-only
/// share streams the bounce before the master.
pub fn play<'a>(data: &'a DeliveryData, track_id: &str, now: Millis) -> Decision<'a, Target<'a>> {
    let share = active_share(data, now)?;
    let listen_only = DownloadPolicy::from_stored(&share.download_kinds).is_none();
    let Some(file) = policy::playable_file(&data.files, track_id, listen_only) else {
        return refuse(ErrorPage::NotFound, Some(share));
    };
    let connection = connected(data, share)?;
    Ok(target(share, connection, file))
}

/// What `/s/{token}/art/{track_id}` serves.
#[derive(Debug, Clone, Copy)]
pub enum Artwork<'a> {
    Dropbox(Target<'a>),
    /// No artwork, or none we can fetch: the track's generated pattern.
    Placeholder,
}

pub fn artwork(data: &DeliveryData, now: Millis) -> Decision<'_, Artwork<'_>> {
    let share = active_share(data, now)?;
    let Some(track) = data.track.as_ref() else {
        return refuse(ErrorPage::NotFound, Some(share));
    };
    let path = artwork_path(track);
    Ok(match (path, data.connection.as_ref()) {
        (Some(path), Some(connection)) if connection.is_ok() => Artwork::Dropbox(Target {
            share,
            connection,
            subject: &track.id,
            path,
        }),
        _ => Artwork::Placeholder,
    })
}

fn artwork_path(track: &TrackRow) -> Option<&str> {
    track
        .artwork_path
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// The page a visitor gets when Dropbox did not deliver.
pub fn failure_page(answer: &Answer) -> ErrorPage {
    match answer {
        Answer::Missing => ErrorPage::FileMissing,
        Answer::TooLarge => ErrorPage::ZipTooLarge,
        _ => ErrorPage::FilesUnavailable {
            retry_after_s: visitor_retry_after(answer),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    const NOW: Millis = 1_790_000_000_000;

    fn connection(status: &str) -> ConnectionRow {
        ConnectionRow {
            producer_id: "prd_1".into(),
            account_id: Some("dbid:1".into()),
            account_name: None,
            account_email: None,
            status: status.into(),
            refresh_token_enc: "sealed".into(),
            access_token_enc: None,
            access_expires_at: None,
        }
    }

    fn data(files: Vec<FileRow>) -> DeliveryData {
        DeliveryData {
            share: Some(fixtures::share(&["t1"]).share),
            files,
            track: Some(fixtures::track("t1", "Song")),
            connection: Some(connection("ok")),
        }
    }

    fn page<T: std::fmt::Debug>(d: Decision<'_, T>) -> ErrorPage {
        d.unwrap_err().page
    }

    #[test]
    fn allowed_files_are_delivered_from_the_owners_dropbox() {
        let d = data(vec![fixtures::file("f1", "t1", "master", "/M/song.wav")]);
        let (target, file) = download(&d, NOW).unwrap();
        assert_eq!((target.subject, target.path), ("f1", "/M/song.wav"));
        assert_eq!(target.connection.producer_id, "prd_1");
        assert_eq!(file.id, "f1");
    }

    #[test]
    fn share_access_is_checked_before_the_file_and_its_permission() {
        let mut d = data(vec![fixtures::file("f1", "t1", "stems", "/S")]);
        assert_eq!(page(download(&d, NOW)), ErrorPage::Forbidden);
        d.files.clear();
        assert_eq!(page(download(&d, NOW)), ErrorPage::NotFound);
        d.share.as_mut().unwrap().revoked_at = Some(NOW - 1);
        assert_eq!(page(download(&d, NOW)), ErrorPage::Gone);
        assert_eq!(page(play(&d, "t1", NOW)), ErrorPage::Gone);
        assert_eq!(page(artwork(&d, NOW)), ErrorPage::Gone);
        d.share = None;
        let refused = download(&d, NOW).unwrap_err();
        assert_eq!(
            (refused.page, refused.share.is_none()),
            (ErrorPage::NotFound, true)
        );
    }

    #[test]
    fn a_disconnected_owner_means_unavailable_not_broken() {
        let mut d = data(vec![fixtures::file("f1", "t1", "master", "/M/song.wav")]);
        d.connection = Some(connection("needs_reconnect"));
        let refused = download(&d, NOW).unwrap_err();
        assert!(matches!(refused.page, ErrorPage::FilesUnavailable { .. }));
        assert!(
            refused.share.is_some(),
            "the page carries the owner's branding"
        );
        assert!(matches!(
            page(play(&d, "t1", NOW)),
            ErrorPage::FilesUnavailable { .. }
        ));
        d.connection = None;
        assert!(matches!(
            page(download(&d, NOW)),
            ErrorPage::FilesUnavailable { .. }
        ));
    }

    #[test]
    fn listening_is_allowed_and_a_listen_only_share_streams_the_bounce() {
        let mut d = data(vec![
            fixtures::file("b1", "t1", "bounce", "/B/song.mp3"),
            fixtures::file("m1", "t1", "master", "/M/song.wav"),
        ]);
        d.share.as_mut().unwrap().download_kinds = "stems".into();
        assert_eq!(play(&d, "t1", NOW).unwrap().subject, "m1");
        d.share.as_mut().unwrap().download_kinds = String::new();
        assert_eq!(play(&d, "t1", NOW).unwrap().subject, "b1");
        d.files.remove(0);
        assert_eq!(
            play(&d, "t1", NOW).unwrap().subject,
            "m1",
            "nothing else plays"
        );
        assert_eq!(page(play(&d, "t2", NOW)), ErrorPage::NotFound);
    }

    #[test]
    fn artwork_falls_back_to_the_placeholder() {
        let mut d = data(vec![]);
        assert!(matches!(artwork(&d, NOW).unwrap(), Artwork::Placeholder));
        d.track.as_mut().unwrap().artwork_path = Some("/Art/cover.jpg".into());
        assert!(matches!(
            artwork(&d, NOW).unwrap(),
            Artwork::Dropbox(Target {
                subject: "t1",
                path: "/Art/cover.jpg",
                ..
            })
        ));
        d.connection = Some(connection("needs_reconnect"));
        assert!(matches!(artwork(&d, NOW).unwrap(), Artwork::Placeholder));
        d.track = None;
        assert_eq!(page(artwork(&d, NOW)), ErrorPage::NotFound);
    }

    #[test]
    fn dropbox_failures_become_pages_visitors_understand() {
        assert_eq!(failure_page(&Answer::Missing), ErrorPage::FileMissing);
        assert_eq!(failure_page(&Answer::TooLarge), ErrorPage::ZipTooLarge);
        assert_eq!(
            failure_page(&Answer::RateLimited { retry_after_s: 42 }),
            ErrorPage::FilesUnavailable { retry_after_s: 42 }
        );
        assert_eq!(
            failure_page(&Answer::Unavailable),
            ErrorPage::FilesUnavailable { retry_after_s: 10 }
        );
    }
}
