//! Visitors' events leave after the answer: sent on the `EVENTS` queue,
//! whose consumer (`consume`, the worker's queue handler) writes each
//! delivered batch to D1 in one round trip. One D1 primary then takes a
//! write per batch, not per view. Should the queue refuse an event, it is
//! written directly instead: nothing is lost.

use wasm_bindgen::JsValue;
use worker::{console_error, console_warn, Env, MessageBatch, MessageExt};

use super::store;
use super::visit::Visit;
use crate::crypto;
use crate::events::{self, Event, What};

/// Sends what a visitor did, after the answer has gone out.
pub fn send(v: &Visit<'_>, share_id: &str, what: What) {
    let Ok(id) = crypto::random_token() else {
        console_error!("events: no random id");
        return;
    };
    let event = Event::new(id, share_id.to_owned(), v.now, v.country(), what);
    let (queue, db) = (v.env.queue("EVENTS"), v.env.d1("DB"));
    v.ctx.wait_until(async move {
        let sent = match (queue, serde_json::to_string(&event)) {
            (Ok(queue), Ok(body)) => queue.send(body).await,
            (Err(e), _) => Err(e),
            (_, Err(e)) => Err(e.into()),
        };
        if let Err(e) = sent {
            console_warn!("events: queue refused, writing directly: {e}");
            let written = match db {
                Ok(db) => store::events::record(&db, &[event]).await,
                Err(e) => Err(e),
            };
            if let Err(e) = written {
                console_error!("events: {e}");
            }
        }
    });
}

/// The queue's consumer: one D1 batch for the delivered events, then the
/// whole batch acknowledged, or retried if D1 failed (a retry writes only
/// what is missing). A message that is no event is logged and dropped.
pub async fn consume(batch: MessageBatch<JsValue>, env: &Env) {
    let messages: Vec<_> = batch.raw_iter().collect();
    let bodies: Vec<String> = messages
        .iter()
        .map(|m| m.body().as_string().unwrap_or_default())
        .collect();
    let delivery = events::delivery(bodies.iter().map(String::as_str));
    for &i in &delivery.malformed {
        console_error!(
            "events: dropped a message that is no event ({})",
            messages[i].id()
        );
    }
    let written = match env.d1("DB") {
        Ok(db) => store::events::record(&db, &delivery.events).await,
        Err(e) => Err(e),
    };
    match written {
        Ok(()) => batch.ack_all(),
        Err(e) => {
            console_error!(
                "events: batch of {} not written, retrying: {e}",
                messages.len()
            );
            batch.retry_all();
        }
    }
}
