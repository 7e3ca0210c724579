//! Artwork as the pages show it: Dropbox's thumbnails, kept in the edge
//! cache under the file's rev (`dropbox::thumbnails`), and the generated
//! pattern as a PNG for link previews, kept the same way under its seed.

use worker::{console_error, Cache, Context, D1Database, Env, Headers, Response};

use super::dropbox::{call, remember};
use super::settings::dropbox_app;
use crate::dropbox::answer::Answer;
use crate::dropbox::session::Goal;
use crate::dropbox::thumbnails::{self, ThumbSize, REV_TTL_SECONDS};
use crate::dropbox::VISITOR_BUDGET_MS;
use crate::model::ConnectionRow;
use crate::preview_image;

/// A revision's thumbnail never changes: the cache may keep it a year.
const FOREVER: &str = "public, max-age=31536000, immutable";

async fn cached(key: &str) -> Option<Vec<u8>> {
    match Cache::default().get(key, false).await {
        Ok(Some(mut hit)) => hit.bytes().await.ok(),
        Ok(None) => None,
        Err(e) => {
            console_error!("cache: {e}");
            None
        }
    }
}

/// Keeps `bytes` under `key` after the answer has gone out.
fn keep(ctx: &Context, key: String, content_type: &'static str, bytes: Vec<u8>) {
    ctx.wait_until(async move {
        let headers = Headers::new();
        let stored = headers
            .set("content-type", content_type)
            .and_then(|_| headers.set("cache-control", FOREVER))
            .and_then(|_| Response::from_bytes(bytes))
            .map(|r| r.with_headers(headers));
        let put = match stored {
            Ok(response) => Cache::default().put(key.as_str(), response).await,
            Err(e) => Err(e),
        };
        if let Err(e) = put {
            console_error!("cache: {e}");
        }
    });
}

/// The JPEG thumbnail of the image at `path`: no Dropbox call while the
/// rev this path was last seen at is remembered and its thumbnail cached.
pub async fn thumbnail(
    env: &Env,
    ctx: &Context,
    db: &D1Database,
    connection: &ConnectionRow,
    path: &str,
    size: ThumbSize,
    origin: &str,
) -> Result<Vec<u8>, Answer> {
    let (producer, account) = (
        connection.producer_id.as_str(),
        connection.account_id.as_deref().unwrap_or(""),
    );
    let rev_key = thumbnails::rev_key(producer, account, path);
    // Both caches are optimisations: when one fails, Dropbox is asked.
    let revs = env
        .kv("LINKS")
        .map_err(|e| console_error!("revs: {e}"))
        .ok();
    if let Some(revs) = &revs {
        if let Ok(Some(rev)) = revs.get(&rev_key).text().await {
            let key = thumbnails::cache_url(origin, producer, account, &rev, size);
            if let Some(jpeg) = cached(&key).await {
                return Ok(jpeg);
            }
        }
    }
    let app = dropbox_app(env).ok_or(Answer::Unavailable)?;
    let goal = Goal::Thumbnail {
        path: path.to_owned(),
        size,
    };
    let mut response = call(env, &app, db, connection, goal, VISITOR_BUDGET_MS).await?;
    let rev = response
        .headers()
        .get("dropbox-api-result")
        .ok()
        .flatten()
        .and_then(|header| thumbnails::parse_rev(&header));
    let jpeg = response.bytes().await.map_err(|_| Answer::Unavailable)?;
    // Without a rev there is no key that a replaced cover would change.
    if let (Some(rev), Some(revs)) = (rev, revs) {
        let key = thumbnails::cache_url(origin, producer, account, &rev, size);
        keep(ctx, key, "image/jpeg", jpeg.clone());
        remember(ctx, revs, rev_key, rev, REV_TTL_SECONDS, "revs");
    }
    Ok(jpeg)
}

/// The pattern of `seed` as the link preview's PNG, drawn once per edge.
pub async fn pattern_png(ctx: &Context, seed: &str, origin: &str) -> Vec<u8> {
    let key = preview_image::cache_url(origin, seed);
    if let Some(png) = cached(&key).await {
        return png;
    }
    let png = preview_image::pattern_png(seed);
    keep(ctx, key, "image/png", png.clone());
    png
}
