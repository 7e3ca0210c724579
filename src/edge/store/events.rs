//! Visitors' events, appended and never updated: counting them is exact
//! however many arrive at once.

use worker::{D1Database, Result};

use super::run;
use crate::model::FileRow;
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

pub async fn record_download(
    db: &D1Database,
    share_id: &str,
    file: &FileRow,
    now: Millis,
    country: Option<String>,
) -> Result<()> {
    let sql = "INSERT INTO download_events (share_id, track_id, file_id, at, country)
               VALUES (?1, ?2, ?3, ?4, ?5)";
    let args = [
        share_id.into(),
        file.track_id.as_str().into(),
        file.id.as_str().into(),
        now.into(),
        country.into(),
    ];
    run(db, sql, &args).await.map(drop)
}
