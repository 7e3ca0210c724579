//! The only code that touches the Workers runtime: it reads the clock and the
//! request, loads what the core asks for, and writes the core's `Reply` out.
//! `fetch` only routes; each handler lives with what it serves.

use wasm_bindgen::JsValue;
use worker::{
    event, Context, Date, Env, MessageBatch, Request, Response, Result, ScheduleContext,
    ScheduledEvent,
};

use crate::crypto;
use crate::http::{self, Reply, DEFAULT_LINK_ORIGINS};
use crate::pages::{error, ErrorPage};
use crate::routes::{self, Route};

mod api;
mod connect;
mod console;
mod cron;
mod dropbox;
mod events;
mod files;
mod pages;
mod refresher;
mod respond;
mod settings;
mod store;
mod throttle;
mod thumbnails;
mod visit;

use respond::respond;
use visit::Visit;

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, ctx: Context) -> Result<Response> {
    let now = Date::now().as_millis() as i64;
    let nonce = crypto::random_token().map_err(|e| worker::Error::RustError(e.to_string()))?;
    let path = req.path();
    // The method as sent: workers-rs reads methods it does not know as GET.
    let method = req.inner().method();
    let v = || Visit {
        req: &req,
        env: &env,
        ctx: &ctx,
        now,
        nonce: &nonce,
        method: &method,
    };
    let response = match routes::route(&method, &path) {
        Route::SharePage { token } => pages::share(&v(), token).await,
        Route::Profile { handle } => pages::profile(&v(), handle).await,
        Route::Play { token, track_id } => files::play(&v(), token, track_id).await,
        Route::File { token, file_id } => files::file(&v(), token, file_id).await,
        Route::Artwork {
            token,
            track_id,
            size,
        } => files::artwork(&v(), token, track_id, size).await,
        Route::DropboxCallback => respond(connect::callback(&v()).await),
        Route::Api(route) => respond(api::handle(&mut req, &env, &ctx, route, now).await),
        Route::Console(route) => {
            respond(console::handle(&mut req, &env, &ctx, route, now, &nonce).await)
        }
        Route::Asset(asset) => respond(Reply::asset(asset)),
        Route::NotFound => respond(error(ErrorPage::NotFound, None, &nonce)),
        Route::MethodNotAllowed { allow } => {
            respond(error(ErrorPage::MethodNotAllowed, None, &nonce).with_header("allow", allow))
        }
    }?;
    with_link_origins(response, &env)
}

/// Pages let the configured link hosts serve their audio and images (the
/// core writes Dropbox's; local development names the stand-in).
fn with_link_origins(mut response: Response, env: &Env) -> Result<Response> {
    // Only pages name link hosts; assets, redirects, JSON and ZIPs skip the
    // setting entirely.
    let Some(csp) = response.headers().get("content-security-policy")? else {
        return Ok(response);
    };
    if csp.contains(DEFAULT_LINK_ORIGINS) {
        let origins = settings::link_origins(env);
        if origins != DEFAULT_LINK_ORIGINS {
            let csp = http::with_link_origins(&csp, &origins);
            response
                .headers_mut()
                .set("content-security-policy", &csp)?;
        }
    }
    Ok(response)
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    cron::refresh_tokens(&env).await;
}

/// Visitors' events, delivered in batches by the `EVENTS` queue.
#[event(queue)]
async fn queue(batch: MessageBatch<JsValue>, env: Env, _ctx: Context) -> Result<()> {
    events::consume(batch, &env).await;
    Ok(())
}
