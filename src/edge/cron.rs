//! The cron trigger: refreshes every access token that expires within the
//! hour, so visitors rarely wait for a refresh.

use futures_util::future::join_all;
use worker::{console_error, console_log, Date, Env};

use super::dropbox::drive;
use super::settings::dropbox_app;
use super::store;
use crate::dropbox::oauth::REFRESH_AHEAD_MS;
use crate::dropbox::session::{Goal, Session};
use crate::dropbox::CRON_BUDGET_MS;

/// Refreshes run this many at a time: quick overall, gentle on Dropbox's
/// per-app rate limit.
const CONCURRENCY: usize = 8;

pub async fn refresh_tokens(env: &Env) {
    let now = Date::now().as_millis() as i64;
    let Some(app) = dropbox_app(env) else {
        console_error!("cron: Dropbox is not configured; nothing refreshed");
        return;
    };
    let db = match env.d1("DB") {
        Ok(db) => db,
        Err(e) => return console_error!("cron: {e}"),
    };
    let due = match store::dropbox::due_for_refresh(&db, now + REFRESH_AHEAD_MS).await {
        Ok(due) => due,
        Err(e) => return console_error!("cron: {e}"),
    };
    let mut refreshed = 0;
    for chunk in due.chunks(CONCURRENCY) {
        let results = join_all(chunk.iter().map(|connection| {
            let (db, app) = (&db, &app);
            async move {
                let start = Date::now().as_millis() as i64;
                let (mut session, first) =
                    Session::start(app, connection, Goal::Refresh, start, CRON_BUDGET_MS);
                let result = drive(&mut session, first, Some(db), None).await;
                if let Err(answer) = &result {
                    console_error!("cron: {} not refreshed: {answer:?}", connection.producer_id);
                }
                result.is_ok()
            }
        }))
        .await;
        refreshed += results.into_iter().filter(|ok| *ok).count();
    }
    console_log!("cron: refreshed {refreshed} of {} access tokens", due.len());
}
