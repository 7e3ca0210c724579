//! D1: every SQL statement the worker runs, and the mapping of its rows. Each
//! module answers one kind of caller; each function is one round trip (a
//! batch runs as one transaction).

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1DatabaseSession, D1PreparedStatement, D1Result, Result};

pub mod delivery;
pub mod dropbox;
pub mod events;
pub mod keys;
pub mod pages;
pub mod producers;
pub mod sessions;
pub mod shares;
pub mod tracks;

/// A value bound to a SQL parameter, as the core hands it to the store.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl From<Option<String>> for SqlValue {
    fn from(v: Option<String>) -> SqlValue {
        v.map_or(SqlValue::Null, SqlValue::Text)
    }
}

impl From<Option<f64>> for SqlValue {
    fn from(v: Option<f64>) -> SqlValue {
        v.map_or(SqlValue::Null, SqlValue::Real)
    }
}

impl From<String> for SqlValue {
    fn from(v: String) -> SqlValue {
        SqlValue::Text(v)
    }
}

impl From<f64> for SqlValue {
    fn from(v: f64) -> SqlValue {
        SqlValue::Real(v)
    }
}

impl From<&str> for SqlValue {
    fn from(v: &str) -> SqlValue {
        SqlValue::Text(v.to_string())
    }
}

impl From<i64> for SqlValue {
    fn from(v: i64) -> SqlValue {
        SqlValue::Int(v)
    }
}

impl From<Option<i64>> for SqlValue {
    fn from(v: Option<i64>) -> SqlValue {
        v.map_or(SqlValue::Null, SqlValue::Int)
    }
}

impl From<bool> for SqlValue {
    fn from(v: bool) -> SqlValue {
        SqlValue::Int(i64::from(v))
    }
}

/// Columns to set, each with its new value: what a command changes.
#[derive(Default)]
struct Columns(Vec<(&'static str, SqlValue)>);

impl Columns {
    /// Sets `column` when the command changes it (a `Patch` sets or
    /// clears it, since `Option<T>` becomes a value or NULL).
    fn set<T: Into<SqlValue>>(&mut self, column: &'static str, value: Option<T>) -> &mut Self {
        if let Some(v) = value {
            self.0.push((column, v.into()));
        }
        self
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `SET` clause, numbered after the statement's first `offset`
    /// parameters, and its arguments.
    fn split(self, offset: usize) -> (String, Vec<SqlValue>) {
        let (columns, args): (Vec<&str>, Vec<SqlValue>) = self.0.into_iter().unzip();
        (set_clause(&columns, offset), args)
    }
}

/// What runs statements: the database itself, whose primary sees every
/// write at once (the API, the console, every write), or a session of it,
/// which lets the nearest read replica answer (visitors' reads, see
/// `edge::visit`).
pub trait Runs {
    fn prepare(&self, sql: &str) -> D1PreparedStatement;
    #[allow(async_fn_in_trait)] // used only inside this crate, never boxed
    async fn batch(&self, statements: Vec<D1PreparedStatement>) -> Result<Vec<D1Result>>;
}

impl Runs for D1Database {
    fn prepare(&self, sql: &str) -> D1PreparedStatement {
        D1Database::prepare(self, sql)
    }

    async fn batch(&self, statements: Vec<D1PreparedStatement>) -> Result<Vec<D1Result>> {
        D1Database::batch(self, statements).await
    }
}

impl Runs for D1DatabaseSession {
    fn prepare(&self, sql: &str) -> D1PreparedStatement {
        D1DatabaseSession::prepare(self, sql)
    }

    async fn batch(&self, statements: Vec<D1PreparedStatement>) -> Result<Vec<D1Result>> {
        D1DatabaseSession::batch(self, statements).await
    }
}

/// Where visitors' reads go: a session that lets the nearest read replica
/// answer, or the primary when the runtime could not open one.
pub enum Reads<'a> {
    Nearest(D1DatabaseSession),
    Primary(&'a D1Database),
}

impl Runs for Reads<'_> {
    fn prepare(&self, sql: &str) -> D1PreparedStatement {
        match self {
            Reads::Nearest(session) => session.prepare(sql),
            Reads::Primary(db) => db.prepare(sql),
        }
    }

    async fn batch(&self, statements: Vec<D1PreparedStatement>) -> Result<Vec<D1Result>> {
        match self {
            Reads::Nearest(session) => session.batch(statements).await,
            Reads::Primary(db) => db.batch(statements).await,
        }
    }
}

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

fn statement(db: &impl Runs, sql: &str, args: &[SqlValue]) -> Result<D1PreparedStatement> {
    db.prepare(sql)
        .bind(&args.iter().map(js).collect::<Vec<_>>())
}

/// A statement built at run time, with its arguments.
type Owned = (String, Vec<SqlValue>);

/// Runs statements in one round trip and one transaction.
async fn batch<const N: usize>(
    db: &impl Runs,
    statements: [(&str, &[SqlValue]); N],
) -> Result<[D1Result; N]> {
    run_all(db, statements).await
}

/// Like `batch`, for a number of statements known only at run time; answers
/// the results of the last `N`, which are the reads.
async fn batch_then_read<const N: usize>(
    db: &D1Database,
    statements: &[Owned],
) -> Result<[D1Result; N]> {
    run_all(
        db,
        statements
            .iter()
            .map(|(sql, args)| (sql.as_str(), args.as_slice())),
    )
    .await
}

/// Prepares and runs statements as one batch; answers the last `N` results.
async fn run_all<'a, const N: usize>(
    db: &impl Runs,
    statements: impl IntoIterator<Item = (&'a str, &'a [SqlValue])>,
) -> Result<[D1Result; N]> {
    let prepared = statements
        .into_iter()
        .map(|(sql, args)| statement(db, sql, args))
        .collect::<Result<Vec<_>>>()?;
    let mut results = db.batch(prepared).await?;
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
