//! A producer's Dropbox connection as the API shows it, and the link that
//! starts connecting one (`GET /api/dropbox/connect`).

use serde::Serialize;

use super::time;
use crate::model::CONNECTED;
use crate::policy::Millis;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Dropbox {
    pub status: &'static str,
    pub warning: Option<String>,
}

const RECONNECT: &str = "Dropbox needs to be reconnected: visitors can open your shares, \
but playback and downloads stay unavailable until you connect Dropbox again.";
const NOT_CONNECTED: &str = "Dropbox is not connected: visitors can open this share, \
but playback and downloads stay unavailable until you connect Dropbox.";

/// The producer's Dropbox connection as they see it: `status`, and a
/// `warning` when it stopped working.
pub fn dropbox(status: Option<&str>, warning: Option<&str>) -> Dropbox {
    match status {
        None => Dropbox {
            status: "not_connected",
            warning: None,
        },
        Some(CONNECTED) => Dropbox {
            status: CONNECTED,
            warning: None,
        },
        Some(_) => Dropbox {
            status: "needs_reconnect",
            warning: Some(warning.unwrap_or(RECONNECT).to_string()),
        },
    }
}

impl Dropbox {
    /// Why a share's downloads cannot work, if they cannot.
    pub fn share_warning(&self) -> Option<String> {
        match self.status {
            CONNECTED => None,
            "not_connected" => Some(NOT_CONNECTED.to_string()),
            _ => self.warning.clone(),
        }
    }
}

/// Where to send the producer to connect Dropbox, and until when it works.
#[derive(Debug, Serialize)]
pub struct ConnectLink {
    pub authorize_url: String,
    pub expires_at: String,
}

pub fn connect_link(authorize_url: &str, expires_at: Millis) -> ConnectLink {
    ConnectLink {
        authorize_url: authorize_url.to_owned(),
        expires_at: time(expires_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropbox_status_is_never_more_than_the_contract_names() {
        assert_eq!(dropbox(None, None).status, "not_connected");
        assert_eq!(dropbox(None, None).warning, None);
        assert_eq!(dropbox(Some("ok"), Some("stale")).warning, None);
        assert_eq!(
            dropbox(Some("needs_reconnect"), Some("Token revoked")),
            Dropbox {
                status: "needs_reconnect",
                warning: Some("Token revoked".into())
            }
        );
        assert_eq!(dropbox(Some("garbage"), None).status, "needs_reconnect");
    }
}
