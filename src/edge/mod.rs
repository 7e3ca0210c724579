//! The only code that touches the Workers runtime: it reads the clock and the
//! request, loads what the core asks for, and writes the core's `Reply` out.

use worker::{
    console_error, event, Context, Date, Env, Headers, Request, Response, ResponseBuilder, Result,
    ScheduleContext, ScheduledEvent,
};

use crate::crypto;
use crate::http::Reply;
use crate::model::SharePageData;
use crate::pages::{self, ErrorPage};
use crate::policy::{self, Millis, ShareState};
use crate::routes::{self, Route};

mod api;
mod connect;
mod cron;
mod delivery;
mod dropbox;
mod store;

use delivery::Delivered;

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, ctx: Context) -> Result<Response> {
    let now = Date::now().as_millis() as i64;
    let nonce = crypto::random_token().map_err(|e| worker::Error::RustError(e.to_string()))?;
    let path = req.path();
    let method = req.method();
    let visit = || delivery::Visit {
        req: &req,
        env: &env,
        ctx: &ctx,
        now,
        nonce: &nonce,
    };
    let reply = match routes::route(method.as_ref(), &path) {
        Route::SharePage { token } => {
            let loaded = store::pages::share_page(&env.d1("DB")?, token).await;
            if let Ok(Some(data)) = &loaded {
                record_view(&req, &env, &ctx, data, now);
            }
            or_unavailable(loaded, &nonce, |data| {
                pages::share(token, data.as_ref(), now, &nonce)
            })
        }
        Route::Profile { handle } => {
            let loaded = store::pages::profile(&env.d1("DB")?, handle).await;
            or_unavailable(loaded, &nonce, |data| {
                pages::profile(data.as_ref(), now, &nonce)
            })
        }
        Route::Play { token, track_id } => {
            return delivered(delivery::play(&visit(), token, track_id).await, &nonce);
        }
        Route::File { token, file_id } => {
            return delivered(delivery::file(&visit(), token, file_id).await, &nonce);
        }
        Route::Artwork { token, track_id } => {
            return delivered(delivery::artwork(&visit(), token, track_id).await, &nonce);
        }
        Route::DropboxCallback => connect::callback(&req, &env, now, &nonce).await,
        Route::Api(route) => api::handle(&mut req, &env, &ctx, route, now).await,
        Route::Asset(asset) => Reply::asset(asset),
        Route::NotFound => pages::error(ErrorPage::NotFound, None, &nonce),
        Route::MethodNotAllowed { allow } => {
            pages::error(ErrorPage::MethodNotAllowed, None, &nonce).with_header("allow", allow)
        }
    };
    respond(reply)
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    cron::refresh_tokens(&env).await;
}

/// Whether a request is a person's (see `policy::is_visit`).
fn visit(req: &Request) -> bool {
    let header = |name| req.headers().get(name).ok().flatten();
    policy::is_visit(
        req.method().as_ref(),
        header("user-agent").as_deref(),
        header("sec-purpose")
            .or_else(|| header("purpose"))
            .as_deref(),
    )
}

/// Counts a visitor's view of an active share, after the page has gone out.
fn record_view(req: &Request, env: &Env, ctx: &Context, data: &SharePageData, now: Millis) {
    let share = &data.share;
    let active = policy::share_state(share.expires_at, share.revoked_at, now) == ShareState::Active;
    if !(active && visit(req)) {
        return;
    }
    let Ok(db) = env.d1("DB") else { return };
    let share_id = share.id.clone();
    let country = req.cf().and_then(|cf| cf.country());
    ctx.wait_until(async move {
        if let Err(e) = store::events::record_view(&db, &share_id, now, country).await {
            console_error!("views: {e}");
        }
    });
}

/// A store failure is ours, not the visitor's: log it and ask them to retry.
fn or_unavailable<T>(loaded: Result<T>, nonce: &str, page: impl FnOnce(T) -> Reply) -> Reply {
    match loaded {
        Ok(data) => page(data),
        Err(e) => store_failed(e, nonce),
    }
}

fn store_failed(e: worker::Error, nonce: &str) -> Reply {
    console_error!("store: {e}");
    pages::error(ErrorPage::Unavailable, None, nonce)
}

/// A file route's answer, or the unavailable page when the store failed.
fn delivered(result: Result<Delivered>, nonce: &str) -> Result<Response> {
    match result {
        Ok(delivered) => delivered.into_response(),
        Err(e) => respond(store_failed(e, nonce)),
    }
}

fn respond(reply: Reply) -> Result<Response> {
    let headers = Headers::new();
    for (name, value) in &reply.headers {
        headers.set(name, value)?;
    }
    let builder = ResponseBuilder::new()
        .with_status(reply.status)
        .with_headers(headers);
    Ok(if reply.status == 204 {
        builder.empty()
    } else {
        builder.fixed(reply.body.into_owned().into_bytes())
    })
}
