//! What Dropbox's answers mean for us, and how long to wait before trying
//! again.

use serde_json::Value;

/// What an answer from Dropbox means for us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Success,
    /// 401: the access token expired or was revoked; a refresh may help.
    Unauthorized,
    /// 429 (or 503 with `Retry-After`): wait at least this long.
    RateLimited {
        retry_after_s: u64,
    },
    /// 5xx, or no answer in time: worth another try.
    Unavailable,
    /// The refresh token was revoked: only the producer reconnecting helps.
    Revoked,
    /// The path is not there, or is not what we asked for (file or folder).
    Missing,
    /// A folder over `download_zip`'s limits (20 GB, 10 000 entries).
    TooLarge,
    /// A file `get_thumbnail_v2` cannot picture (not an image, or one it
    /// cannot convert).
    NotAnImage,
    /// Anything else: a request we should not have sent. Kept for the log.
    Refused(String),
}

/// Dropbox's own name for an error, safe to log: the summary's words up to
/// its trailing `/..` (API errors), or OAuth's error code.
fn error_tag<'a>(summary: &'a str, oauth_error: &'a str) -> &'a str {
    let tag = if summary.is_empty() {
        oauth_error
    } else {
        summary
    };
    let tag = tag.split("/..").next().unwrap_or("");
    let plain = tag.len() <= 100
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'/' | b'.' | b'-'));
    if plain && !tag.is_empty() {
        tag
    } else {
        "unrecognised error"
    }
}

/// Dropbox's `Retry-After` is whole seconds; an unreadable one means "soon".
fn seconds(header: Option<&str>) -> Option<u64> {
    header?.trim().parse().ok()
}

/// Reads a status, its `Retry-After` header and its body (API errors are
/// JSON with an `error_summary` such as `path/not_found/..`; the token
/// endpoint answers OAuth's `{"error": "invalid_grant"}`).
pub fn classify(status: u16, retry_after: Option<&str>, body: &str) -> Answer {
    let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let summary = json
        .get("error_summary")
        .and_then(Value::as_str)
        .unwrap_or("");
    let oauth_error = json.get("error").and_then(Value::as_str).unwrap_or("");
    match status {
        200..=299 => Answer::Success,
        401 => Answer::Unauthorized,
        400 if oauth_error == "invalid_grant" => Answer::Revoked,
        429 => Answer::RateLimited {
            retry_after_s: seconds(retry_after)
                .or_else(|| json.pointer("/error/retry_after").and_then(Value::as_u64))
                .unwrap_or(1),
        },
        500..=599 => match seconds(retry_after) {
            // A 503 that says when to come back is a rate limit by another name.
            Some(retry_after_s) if status == 503 => Answer::RateLimited { retry_after_s },
            _ => Answer::Unavailable,
        },
        409 if summary.starts_with("too_large") || summary.starts_with("too_many_files") => {
            Answer::TooLarge
        }
        409 if summary.starts_with("path/") => Answer::Missing,
        409 if [
            "unsupported_extension",
            "unsupported_image",
            "conversion_error",
        ]
        .iter()
        .any(|tag| summary.starts_with(tag)) =>
        {
            Answer::NotAnImage
        }
        // Only Dropbox's error tag is kept for the log, never the body: a
        // token endpoint's body can hold a token.
        _ => Answer::Refused(format!("{status}: {}", error_tag(summary, oauth_error))),
    }
}

const MAX_ATTEMPTS: u32 = 4;

/// How long to wait before attempt `attempt + 1`, or `None` to stop: only
/// rate limits and outages are retried, with backoff (100, 300, 900 ms) or
/// the wait Dropbox asked for, and never past the budget.
pub fn retry_delay(answer: &Answer, attempt: u32, elapsed_ms: u64, budget_ms: u64) -> Option<u64> {
    let wait = match answer {
        Answer::RateLimited { retry_after_s } => retry_after_s.saturating_mul(1000),
        Answer::Unavailable => 100 * 3u64.pow(attempt.min(5)),
        _ => return None,
    };
    (attempt + 1 < MAX_ATTEMPTS && elapsed_ms.saturating_add(wait) < budget_ms).then_some(wait)
}

/// What a visitor is told to wait, in seconds, after Dropbox could not
/// serve: what Dropbox asked for, else a short pause for an outage, else
/// longer for an account that must be reconnected.
pub fn visitor_retry_after(answer: &Answer) -> u64 {
    match answer {
        Answer::RateLimited { retry_after_s } => (*retry_after_s).max(1),
        Answer::Revoked => 300,
        _ => 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropbox_errors_are_told_apart() {
        let expired =
            r#"{"error_summary":"expired_access_token/","error":{".tag":"expired_access_token"}}"#;
        assert_eq!(classify(401, None, expired), Answer::Unauthorized);
        assert_eq!(classify(200, None, "{}"), Answer::Success);
        assert_eq!(
            classify(
                400,
                None,
                r#"{"error":"invalid_grant","error_description":"refresh token is invalid or revoked"}"#
            ),
            Answer::Revoked
        );
        let limited = r#"{"error_summary":"too_many_requests/","error":{"reason":{".tag":"too_many_requests"},"retry_after":7}}"#;
        assert_eq!(
            classify(429, Some("3"), limited),
            Answer::RateLimited { retry_after_s: 3 }
        );
        assert_eq!(
            classify(429, None, limited),
            Answer::RateLimited { retry_after_s: 7 }
        );
        assert_eq!(
            classify(429, None, ""),
            Answer::RateLimited { retry_after_s: 1 }
        );
        assert_eq!(classify(500, None, "oops"), Answer::Unavailable);
        assert_eq!(
            classify(503, Some("2"), ""),
            Answer::RateLimited { retry_after_s: 2 }
        );
        assert_eq!(
            classify(
                409,
                None,
                r#"{"error_summary":"path/not_found/..","error":{".tag":"path","path":{".tag":"not_found"}}}"#
            ),
            Answer::Missing
        );
        assert_eq!(
            classify(
                409,
                None,
                r#"{"error_summary":"too_many_files/.","error":{".tag":"too_many_files"}}"#
            ),
            Answer::TooLarge
        );
        assert_eq!(
            classify(
                409,
                None,
                r#"{"error_summary":"too_large/..","error":{".tag":"too_large"}}"#
            ),
            Answer::TooLarge
        );
        assert_eq!(
            classify(
                409,
                None,
                r#"{"error_summary":"unsupported_extension/.","error":{".tag":"unsupported_extension"}}"#
            ),
            Answer::NotAnImage
        );
        assert!(matches!(
            classify(400, None, "Error in call to API function"),
            Answer::Refused(_)
        ));
    }

    #[test]
    fn retries_back_off_within_the_budget_and_honour_retry_after() {
        let b = crate::dropbox::VISITOR_BUDGET_MS;
        assert_eq!(retry_delay(&Answer::Unavailable, 0, 0, b), Some(100));
        assert_eq!(retry_delay(&Answer::Unavailable, 1, 150, b), Some(300));
        assert_eq!(retry_delay(&Answer::Unavailable, 2, 500, b), Some(900));
        assert_eq!(retry_delay(&Answer::Unavailable, 3, 1500, b), None);
        assert_eq!(retry_delay(&Answer::Unavailable, 2, 1200, b), None);
        let limited = Answer::RateLimited { retry_after_s: 1 };
        assert_eq!(retry_delay(&limited, 0, 10, b), Some(1000));
        assert_eq!(retry_delay(&limited, 1, 1010, b), None);
        let long = Answer::RateLimited { retry_after_s: 300 };
        assert_eq!(retry_delay(&long, 0, 0, b), None);
        assert_eq!(visitor_retry_after(&long), 300);
        for final_answer in [
            Answer::Missing,
            Answer::TooLarge,
            Answer::Revoked,
            Answer::Unauthorized,
        ] {
            assert_eq!(retry_delay(&final_answer, 0, 0, b), None);
        }
    }
}
