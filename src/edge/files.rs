//! Visitors' play, file and artwork requests: one D1 batch, the core's
//! decision, then a temporary link (cached) or a streamed ZIP from Dropbox.

use worker::{console_error, D1Database, Response, ResponseBody, Result};

use super::dropbox;
use super::events;
use super::respond::{respond, store_failed, stream, with_bytes};
use super::store;
use super::throttle;
use super::thumbnails;
use super::visit::Visit;
use crate::art;
use crate::delivery::{self, Artwork, Refusal, Target};
use crate::dropbox::answer::Answer;
use crate::dropbox::thumbnails::ThumbSize;
use crate::events::What;
use crate::http::Reply;
use crate::model::{file_name, FileRow, ShareRow};
use crate::pages::{self, ErrorPage};
use crate::throttle::{Limit, RETRY_AFTER_S};

fn refused(refusal: Refusal<'_>, token: &str, nonce: &str) -> Reply {
    let owner = refusal.share.map(|s| &s.producer);
    let back = refusal.share.map(|_| token);
    pages::error_in_share(refusal.page, owner, back, nonce)
}

fn failed(answer: &Answer, share: &ShareRow, token: &str, nonce: &str) -> Reply {
    if !matches!(answer, Answer::Missing | Answer::TooLarge) {
        console_error!("dropbox: {answer:?}");
    }
    let page = delivery::failure_page(answer);
    pages::error_in_share(page, Some(&share.producer), Some(token), nonce)
}

async fn link(
    v: &Visit<'_>,
    db: &D1Database,
    target: Target<'_>,
) -> std::result::Result<String, Answer> {
    dropbox::temporary_link(
        v.env,
        v.ctx,
        db,
        target.connection,
        target.subject,
        target.path,
    )
    .await
}

/// `GET /s/{token}/play/{track_id}`: never counted, allowed for any share.
pub async fn play(v: &Visit<'_>, token: &str, track_id: &str) -> Result<Response> {
    let db = v.env.d1("DB")?;
    let data = match store::delivery::track_files(&v.reads(&db), token, track_id).await {
        Ok(data) => data,
        Err(e) => return respond(store_failed(e, v.nonce)),
    };
    respond(match delivery::play(&data, track_id, v.now) {
        Err(refusal) => refused(refusal, token, v.nonce),
        Ok(target) => match link(v, &db, target).await {
            Ok(link) => Reply::redirect(&link),
            Err(answer) => failed(&answer, target.share, token, v.nonce),
        },
    })
}

/// `GET /s/{token}/files/{file_id}`: a redirect for a file, a ZIP for a
/// folder; a visitor's successful GET is one download event.
pub async fn file(v: &Visit<'_>, token: &str, file_id: &str) -> Result<Response> {
    let db = v.env.d1("DB")?;
    let data = match store::delivery::file(&v.reads(&db), token, file_id).await {
        Ok(data) => data,
        Err(e) => return respond(store_failed(e, v.nonce)),
    };
    let (target, file) = match delivery::download(&data, v.now) {
        Ok(found) => found,
        Err(refusal) => return respond(refused(refusal, token, v.nonce)),
    };
    // Over the limit nothing is fetched and nothing counted; a folder's
    // ZIP, which costs the producer's Dropbox a call, has a limit of its own.
    let limit = if file.is_folder {
        Limit::Zip
    } else {
        Limit::Download
    };
    let key = limit.key(&throttle::client(v.req), token);
    if throttle::over(v.env, limit, key).await {
        let page = ErrorPage::Throttled {
            retry_after_s: RETRY_AFTER_S,
        };
        return respond(pages::error_in_share(
            page,
            Some(&target.share.producer),
            Some(token),
            v.nonce,
        ));
    }
    let name = file_name(&file.path);
    let fetched = match (file.is_folder, v.is_head()) {
        // A HEAD learns what it would get without Dropbox building a ZIP.
        (true, true) => return respond(Reply::zip(name)),
        (true, false) => dropbox::zip(v.env, &db, target.connection, target.path)
            .await
            .map(|response| Fetched::Zip(response.into_parts().1)),
        (false, _) => link(v, &db, target).await.map(Fetched::Link),
    };
    match fetched {
        Err(answer) => respond(failed(&answer, target.share, token, v.nonce)),
        Ok(fetched) => {
            if v.counts() {
                record_download(v, &target.share.id, file);
            }
            match fetched {
                Fetched::Zip(body) => stream(Reply::zip(name), body),
                Fetched::Link(link) => respond(Reply::redirect(&link)),
            }
        }
    }
}

/// What Dropbox gave for a download.
enum Fetched {
    /// A temporary link to redirect to.
    Link(String),
    /// A folder's ZIP, to stream through unread.
    Zip(ResponseBody),
}

fn record_download(v: &Visit<'_>, share_id: &str, file: &FileRow) {
    let what = What::Download {
        track_id: file.track_id.clone(),
        file_id: file.id.clone(),
    };
    events::send(v, share_id, what);
}

/// `GET /s/{token}/art/{track_id}[/large]`: the cover as a thumbnail of
/// that size, else the track's generated pattern (SVG for a tile, PNG for
/// a link preview, which chat apps show only as a raster).
pub async fn artwork(
    v: &Visit<'_>,
    token: &str,
    track_id: &str,
    size: ThumbSize,
) -> Result<Response> {
    let db = v.env.d1("DB")?;
    let data = match store::delivery::track(&v.reads(&db), token, track_id).await {
        Ok(data) => data,
        Err(e) => return respond(store_failed(e, v.nonce)),
    };
    let target = match delivery::artwork(&data, v.now) {
        Err(refusal) => return respond(refused(refusal, token, v.nonce)),
        Ok(Artwork::Placeholder) => None,
        Ok(Artwork::Dropbox(target)) => Some(target),
    };
    let Some(origin) = v.origin() else {
        return respond(pages::error(ErrorPage::Unavailable, None, v.nonce));
    };
    if let Some(target) = target {
        let fetched = thumbnails::thumbnail(
            v.env,
            v.ctx,
            &db,
            target.connection,
            target.path,
            size,
            &origin,
        )
        .await;
        match fetched {
            Ok(jpeg) => return with_bytes(Reply::image("image/jpeg", true), jpeg),
            Err(Answer::Missing | Answer::NotAnImage) => {}
            Err(answer) => console_error!("artwork: {answer:?}"),
        }
    }
    // The pattern stands for "no artwork" (kept an hour) or for a cover
    // Dropbox did not serve this time (not kept).
    let cacheable = target.is_none();
    match size {
        ThumbSize::Tile => respond(Reply::svg(art::placeholder_svg(track_id), cacheable)),
        ThumbSize::Large => with_bytes(
            Reply::image("image/png", cacheable),
            thumbnails::pattern_png(v.ctx, track_id, &origin).await,
        ),
    }
}
