//! The only code that touches the Workers runtime: it reads the clock and the
//! request, loads what the core asks for, and writes the core's `Reply` out.

use worker::{
    console_error, event, Context, Date, Env, Headers, Request, Response, ResponseBuilder, Result,
};

use crate::crypto;
use crate::http::Reply;
use crate::pages::{self, ErrorPage};
use crate::routes::{self, Route};

mod store;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let now = Date::now().as_millis() as i64;
    let nonce = crypto::random_token().map_err(|e| worker::Error::RustError(e.to_string()))?;
    let path = req.path();
    let reply = match routes::route(req.method().as_ref(), &path) {
        Route::SharePage { token } => {
            let loaded = store::share_page(&env.d1("DB")?, token).await;
            or_unavailable(loaded, &nonce, |data| {
                pages::share(token, data.as_ref(), now, &nonce)
            })
        }
        Route::Profile { handle } => {
            let loaded = store::profile(&env.d1("DB")?, handle).await;
            or_unavailable(loaded, &nonce, |data| {
                pages::profile(data.as_ref(), now, &nonce)
            })
        }
        Route::Asset(asset) => Reply::asset(asset),
        Route::NotFound => pages::error(ErrorPage::NotFound, None, &nonce),
        Route::MethodNotAllowed { allow } => {
            pages::error(ErrorPage::MethodNotAllowed, None, &nonce).with_header("allow", allow)
        }
    };
    respond(reply)
}

/// A store failure is ours, not the visitor's: log it and ask them to retry.
fn or_unavailable<T>(loaded: Result<T>, nonce: &str, page: impl FnOnce(T) -> Reply) -> Reply {
    match loaded {
        Ok(data) => page(data),
        Err(e) => {
            console_error!("store: {e}");
            pages::error(ErrorPage::Unavailable, None, nonce)
        }
    }
}

fn respond(reply: Reply) -> Result<Response> {
    let headers = Headers::new();
    for (name, value) in &reply.headers {
        headers.set(name, value)?;
    }
    Ok(ResponseBuilder::new()
        .with_status(reply.status)
        .with_headers(headers)
        .fixed(reply.body.into_owned().into_bytes()))
}
