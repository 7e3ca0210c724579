//! Visitors' play, file and artwork requests: one D1 batch, the core's
//! decision, then a temporary link (cached) or a streamed ZIP from Dropbox.

use worker::{console_error, Context, D1Database, Env, Request, Response, ResponseBody, Result};

use super::dropbox::{self as client, Dropbox, Session};
use super::{respond, store, visit};
use crate::delivery::{self, Artwork, Refusal, Target};
use crate::dropbox::{self, Answer};
use crate::http::Reply;
use crate::model::{file_name, FileRow};
use crate::pages;
use crate::policy::Millis;
use crate::{art, model::ShareRow};

/// The request being served, and what every handler here needs with it.
pub struct Visit<'a> {
    pub req: &'a Request,
    pub env: &'a Env,
    pub ctx: &'a Context,
    pub now: Millis,
    pub nonce: &'a str,
}

/// What a handler answers: a page or redirect, or headers with a streamed body.
pub enum Delivered {
    Reply(Reply),
    Stream(Reply, ResponseBody),
}

impl Delivered {
    pub fn into_response(self) -> Result<Response> {
        match self {
            Delivered::Reply(reply) => respond(reply),
            Delivered::Stream(reply, body) => Ok(respond(reply)?.into_parts().0.body(body)),
        }
    }
}

fn refused(refusal: Refusal<'_>, token: &str, nonce: &str) -> Delivered {
    let owner = refusal.share.map(|s| &s.producer);
    let back = refusal.share.map(|_| token);
    Delivered::Reply(pages::error_in_share(refusal.page, owner, back, nonce))
}

fn failed(answer: &Answer, share: &ShareRow, token: &str, nonce: &str) -> Delivered {
    if !matches!(answer, Answer::Missing | Answer::TooLarge) {
        console_error!("dropbox: {answer:?}");
    }
    let page = delivery::failure_page(answer);
    Delivered::Reply(pages::error_in_share(
        page,
        Some(&share.producer),
        Some(token),
        nonce,
    ))
}

async fn link(
    v: &Visit<'_>,
    db: &D1Database,
    target: Target<'_>,
) -> std::result::Result<String, Answer> {
    client::temporary_link(
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
pub async fn play(v: &Visit<'_>, token: &str, track_id: &str) -> Result<Delivered> {
    let db = v.env.d1("DB")?;
    let data = store::delivery::track_files(&db, token, track_id).await?;
    let target = match delivery::play(&data, track_id, v.now) {
        Ok(target) => target,
        Err(refusal) => return Ok(refused(refusal, token, v.nonce)),
    };
    Ok(match link(v, &db, target).await {
        Ok(link) => Delivered::Reply(Reply::redirect(&link)),
        Err(answer) => failed(&answer, target.share, token, v.nonce),
    })
}

/// `GET /s/{token}/files/{file_id}`: a redirect for a file, a ZIP for a
/// folder; a visitor's successful GET is one download event.
pub async fn file(v: &Visit<'_>, token: &str, file_id: &str) -> Result<Delivered> {
    let db = v.env.d1("DB")?;
    let data = store::delivery::file(&db, token, file_id).await?;
    let (target, file) = match delivery::download(&data, v.now) {
        Ok(found) => found,
        Err(refusal) => return Ok(refused(refusal, token, v.nonce)),
    };
    let share = target.share;
    let head = v.req.method() == worker::Method::Head;
    let name = file_name(&file.path);
    let fetched = match (file.is_folder, head) {
        // A HEAD learns what it would get without Dropbox building a ZIP.
        (true, true) => return Ok(Delivered::Reply(Reply::zip(name))),
        (true, false) => zip(v.env, &db, target)
            .await
            .map(|body| Delivered::Stream(Reply::zip(name), body)),
        (false, _) => link(v, &db, target)
            .await
            .map(|link| Delivered::Reply(Reply::redirect(&link))),
    };
    let delivered = match fetched {
        Ok(delivered) => delivered,
        Err(answer) => return Ok(failed(&answer, share, token, v.nonce)),
    };
    if visit(v.req) {
        record_download(v, db, &share.id, file);
    }
    Ok(delivered)
}

/// Dropbox needs a while to start a large ZIP: more patience than a link.
const ZIP_BUDGET_MS: u64 = 8_000;

/// The folder as a ZIP body, streamed through as Dropbox sends it: the
/// visitor never sees the producer's token, and nothing is buffered.
async fn zip(
    env: &Env,
    db: &D1Database,
    target: Target<'_>,
) -> std::result::Result<ResponseBody, Answer> {
    let dropbox = Dropbox::from_env(env).ok_or(Answer::Unavailable)?;
    let mut session = Session::new(&dropbox, db, target.connection, ZIP_BUDGET_MS);
    let response = session
        .call(|config, token| dropbox::download_zip(config, token, target.path))
        .await?;
    Ok(response.into_parts().1)
}

fn record_download(v: &Visit<'_>, db: D1Database, share_id: &str, file: &FileRow) {
    let (now, country) = (v.now, v.req.cf().and_then(|cf| cf.country()));
    let (share_id, file) = (share_id.to_owned(), file.clone());
    v.ctx.wait_until(async move {
        if let Err(e) = store::events::record_download(&db, &share_id, &file, now, country).await {
            console_error!("downloads: {e}");
        }
    });
}

/// `GET /s/{token}/art/{track_id}`: the cover from Dropbox, else the
/// track's generated pattern.
pub async fn artwork(v: &Visit<'_>, token: &str, track_id: &str) -> Result<Delivered> {
    let db = v.env.d1("DB")?;
    let data = store::delivery::track(&db, token, track_id).await?;
    let placeholder =
        |cacheable| Delivered::Reply(Reply::svg(art::placeholder_svg(track_id), cacheable));
    Ok(match delivery::artwork(&data, v.now) {
        Err(refusal) => refused(refusal, token, v.nonce),
        Ok(Artwork::Placeholder) => placeholder(true),
        Ok(Artwork::Dropbox(target)) => match link(v, &db, target).await {
            Ok(link) => Delivered::Reply(Reply::redirect(&link)),
            Err(answer) => {
                console_error!("artwork: {answer:?}");
                placeholder(false)
            }
        },
    })
}
