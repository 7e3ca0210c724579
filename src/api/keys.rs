//! A producer's API keys (`/api/keys`): listed without their secrets,
//! created up to a limit, revoked unless it is the last one.

use serde::Serialize;

use super::{time, time_opt, ApiError};
use crate::limits;
use crate::model::KeyRow;
use crate::policy::Millis;

#[derive(Debug, Serialize)]
pub struct Key {
    pub id: String,
    /// The whole key, only in the answer that created it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

pub fn key(row: &KeyRow, api_key: Option<String>) -> Key {
    Key {
        id: row.id.clone(),
        api_key,
        created_at: time(row.created_at),
        last_used_at: time_opt(row.last_used_at),
        revoked_at: time_opt(row.revoked_at),
    }
}

#[derive(Debug, Serialize)]
pub struct Keys {
    pub keys: Vec<Key>,
}

pub fn keys(rows: &[KeyRow]) -> Keys {
    Keys {
        keys: rows.iter().map(|k| key(k, None)).collect(),
    }
}

/// The store refused a new key: the producer holds the most allowed.
pub fn too_many_keys() -> ApiError {
    ApiError::conflict(
        "too_many_keys",
        format!(
            "You hold {} active keys: revoke one before creating another",
            limits::ACTIVE_KEYS
        ),
    )
}

/// The store's guarded revocation changed nothing: `Ok` when the key was
/// already revoked (revoking is idempotent), else why not.
pub fn unrevoked(keys: &[KeyRow], id: &str) -> Result<(), ApiError> {
    match keys.iter().find(|k| k.id == id) {
        None => Err(ApiError::not_found()),
        Some(k) if k.revoked_at.is_some() => Ok(()),
        Some(_) => Err(ApiError::conflict(
            "last_key",
            "This is your only active key: create a new one before revoking it",
        )),
    }
}

/// A key's `last_used_at` is refreshed at most hourly: enough to tell which
/// keys are still in use, without a write on every request.
pub fn use_worth_recording(last_used_at: Option<Millis>, now: Millis) -> bool {
    last_used_at.is_none_or(|at| now - at >= 3_600_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_use_is_recorded_at_most_hourly() {
        assert!(use_worth_recording(None, 0));
        assert!(!use_worth_recording(Some(1_000), 3_600_999));
        assert!(use_worth_recording(Some(1_000), 3_601_000));
    }

    #[test]
    fn a_revocation_that_changed_nothing_says_why() {
        let row = |id: &str, revoked_at| KeyRow {
            id: id.into(),
            created_at: 0,
            last_used_at: None,
            revoked_at,
        };
        let keys = [row("old", Some(5)), row("only", None)];
        assert_eq!(unrevoked(&keys, "old"), Ok(()));
        assert_eq!(unrevoked(&keys, "only").unwrap_err().code, "last_key");
        assert_eq!(unrevoked(&keys, "nope").unwrap_err().status, 404);
        assert_eq!(too_many_keys().status, 409);
    }
}
