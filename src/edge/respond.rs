//! The core's `Reply` written out as a runtime response.

use worker::{console_error, Headers, Response, ResponseBody, ResponseBuilder, Result};

use crate::http::Reply;
use crate::pages::{error, ErrorPage};

pub fn respond(reply: Reply) -> Result<Response> {
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

/// A reply with a binary body (a picture).
pub fn with_bytes(reply: Reply, bytes: Vec<u8>) -> Result<Response> {
    stream(reply, ResponseBody::Body(bytes))
}

/// A reply whose body streams through from elsewhere (a ZIP from Dropbox).
pub fn stream(reply: Reply, body: ResponseBody) -> Result<Response> {
    Ok(respond(reply)?.into_parts().0.body(body))
}

/// A store failure is ours, not the visitor's: logged, and a page asking
/// them to retry.
pub fn store_failed(e: worker::Error, nonce: &str) -> Reply {
    console_error!("store: {e}");
    error(ErrorPage::Unavailable, None, nonce)
}
