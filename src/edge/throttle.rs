//! Asks the Rate Limiting bindings whether a client is over a limit
//! (`crate::throttle` says which limit and key).

use worker::{console_error, Env, Request};

use crate::throttle::Limit;

/// The client as Cloudflare names it; "unknown" when nothing says (never in
/// production, where Cloudflare always sets the header).
pub fn client(req: &Request) -> String {
    req.headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .unwrap_or_else(|| "unknown".into())
}

/// Counts one more against `limit` for `key`; true once it is over. A
/// missing or failing binding limits nothing (logged): throttling must
/// never stop a person.
pub async fn over(env: &Env, limit: Limit, key: String) -> bool {
    match env.rate_limiter(limit.binding()) {
        Ok(limiter) => match limiter.limit(key).await {
            Ok(outcome) => !outcome.success,
            Err(e) => {
                console_error!("throttle: {}: {e}", limit.binding());
                false
            }
        },
        Err(e) => {
            console_error!("throttle: {} is not bound: {e}", limit.binding());
            false
        }
    }
}
