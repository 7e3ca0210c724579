//! Visitors' events, appended and never updated: counting them is exact
//! however many arrive at once.

use worker::{D1Database, Result};

use super::run;
use crate::policy::Millis;

pub async fn record_view(
    db: &D1Database,
    share_id: &str,
    now: Millis,
    country: Option<String>,
) -> Result<()> {
    let sql = "INSERT INTO view_events (share_id, at, country) VALUES (?1, ?2, ?3)";
    run(db, sql, &[share_id.into(), now.into(), country.into()])
        .await
        .map(drop)
}
