//! Visitors' events, appended and never updated: counting them is exact
//! however many arrive at once. The queue's consumer writes a delivered
//! batch in one round trip; an event already written (a redelivery) is
//! skipped by its id, and one whose share is gone is dropped.

use worker::{D1Database, Result};

use super::{run_all, SqlValue};
use crate::events::Event;

const VIEW: &str = "\
INSERT OR IGNORE INTO view_events (event_id, share_id, at, country)
SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM shares WHERE id = ?2)";

const DOWNLOAD: &str = "\
INSERT OR IGNORE INTO download_events (event_id, share_id, track_id, file_id, at, country)
SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM shares WHERE id = ?2)";

/// Writes `events` in one batch (one transaction).
pub async fn record(db: &D1Database, events: &[Event]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let statements: Vec<(&str, Vec<SqlValue>)> = events.iter().map(statement).collect();
    run_all::<0>(
        db,
        statements.iter().map(|(sql, args)| (*sql, args.as_slice())),
    )
    .await
    .map(drop)
}

fn statement(event: &Event) -> (&'static str, Vec<SqlValue>) {
    match event {
        Event::View {
            id,
            share_id,
            at,
            country,
        } => (
            VIEW,
            vec![
                id.as_str().into(),
                share_id.as_str().into(),
                (*at).into(),
                country.clone().into(),
            ],
        ),
        Event::Download {
            id,
            share_id,
            track_id,
            file_id,
            at,
            country,
        } => (
            DOWNLOAD,
            vec![
                id.as_str().into(),
                share_id.as_str().into(),
                track_id.as_str().into(),
                file_id.as_str().into(),
                (*at).into(),
                country.clone().into(),
            ],
        ),
    }
}
