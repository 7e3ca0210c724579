//! D1: every SQL statement the worker runs, and the mapping of its rows. Each
//! module answers one kind of caller; each function is one round trip (a
//! batch runs as one transaction).

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result, Result};

use crate::model::SqlValue;

pub mod delivery;
pub mod dropbox;
pub mod events;
pub mod keys;
pub mod pages;
pub mod producers;
pub mod shares;
pub mod tracks;

fn js(value: &SqlValue) -> JsValue {
    match value {
        SqlValue::Null => JsValue::NULL,
        // D1 takes numbers as JS numbers; our integers (epoch milliseconds,
        // counts, 0/1) are far inside the 53 bits a double holds exactly.
        SqlValue::Int(n) => JsValue::from_f64(*n as f64),
        SqlValue::Real(n) => JsValue::from_f64(*n),
        SqlValue::Text(s) => JsValue::from_str(s),
    }
}

fn statement(db: &D1Database, sql: &str, args: &[SqlValue]) -> Result<D1PreparedStatement> {
    db.prepare(sql)
        .bind(&args.iter().map(js).collect::<Vec<_>>())
}

/// A statement built at run time, with its arguments.
type Owned = (String, Vec<SqlValue>);

/// Runs statements in one round trip and one transaction.
async fn batch<const N: usize>(
    db: &D1Database,
    statements: [(&str, &[SqlValue]); N],
) -> Result<[D1Result; N]> {
    let prepared = statements
        .into_iter()
        .map(|(sql, args)| statement(db, sql, args))
        .collect::<Result<Vec<_>>>()?;
    last(db.batch(prepared).await?)
}

/// Like `batch`, for a number of statements known only at run time; answers
/// the results of the last `N`, which are the reads.
async fn batch_then_read<const N: usize>(
    db: &D1Database,
    statements: &[Owned],
) -> Result<[D1Result; N]> {
    let prepared = statements
        .iter()
        .map(|(sql, args)| statement(db, sql, args))
        .collect::<Result<Vec<_>>>()?;
    last(db.batch(prepared).await?)
}

fn last<const N: usize>(mut results: Vec<D1Result>) -> Result<[D1Result; N]> {
    results
        .split_off(results.len().saturating_sub(N))
        .try_into()
        .map_err(|_| worker::Error::RustError("D1 batch returned a short result".into()))
}

async fn run(db: &D1Database, sql: &str, args: &[SqlValue]) -> Result<D1Result> {
    statement(db, sql, args)?.run().await
}

fn first<T: DeserializeOwned>(result: &D1Result) -> Result<Option<T>> {
    Ok(result.results()?.into_iter().next())
}

/// Rows a write changed: how an update learns that its target did not exist
/// (or was not the caller's), without a read before it.
fn changes(result: &D1Result) -> Result<usize> {
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0))
}

/// `SET a = ?n, b = ?n+1, …` for columns the core named (never user text),
/// numbered after the statement's first `offset` parameters.
fn set_clause(columns: &[&str], offset: usize) -> String {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ?{}", offset + i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A list of rows passed as one JSON parameter, unpacked by `json_each`:
/// inserts of any length stay one statement.
fn json_rows<T: serde::Serialize>(rows: &T) -> SqlValue {
    SqlValue::Text(serde_json::to_string(rows).unwrap_or_else(|_| "[]".into()))
}
