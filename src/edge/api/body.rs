//! Reading a request body: one that announces more than the limit is
//! refused unread; one that does not announce its size is read only up to
//! the limit.

use futures_util::StreamExt;
use serde_json::Value;
use worker::Request;

use crate::api::{input, ApiError};
use crate::limits::BODY_BYTES;

pub async fn json(req: &mut Request) -> Result<Value, ApiError> {
    input::parse_body(&bytes(req).await?)
}

/// The body's bytes, up to the limit.
pub async fn bytes(req: &mut Request) -> Result<Vec<u8>, ApiError> {
    let announced = req
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|n| n.parse::<usize>().ok());
    if announced.is_some_and(|n| n > BODY_BYTES) {
        return Err(ApiError::too_large());
    }
    let unreadable = |_| ApiError::new(400, "unreadable_body", "The body could not be read");
    let mut bytes = Vec::new();
    // A request without a body has no stream.
    if let Ok(mut stream) = req.stream() {
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk.map_err(unreadable)?);
            if bytes.len() > BODY_BYTES {
                return Err(ApiError::too_large());
            }
        }
    }
    Ok(bytes)
}
