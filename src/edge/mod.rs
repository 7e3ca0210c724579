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
        Route::SharePage { token } => match store::share_page(&env.d1("DB")?, token).await {
            Ok(loaded) => pages::share(token, loaded.as_ref(), now, &nonce),
            Err(e) => {
                console_error!("loading share page: {e}");
                pages::error(ErrorPage::Unavailable, None, &nonce)
            }
        },
        Route::Asset(asset) => Reply::asset(asset),
        Route::NotFound => pages::error(ErrorPage::NotFound, None, &nonce),
        Route::MethodNotAllowed { allow } => {
            pages::error(ErrorPage::MethodNotAllowed, None, &nonce).with_header("allow", allow)
        }
    };
    respond(reply)
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
