//! A producer's Dropbox connection as the API shows it, and the link that
//! starts connecting one (`GET /api/dropbox/connect`).

use serde::Serialize;

use super::time;
use crate::model::{DropboxRow, CONNECTED};
use crate::policy::Millis;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Dropbox {
    pub status: &'static str,
    pub warning: Option<String>,
    /// The linked account, as Dropbox names it; `null` when none is linked
    /// (or it was linked before accounts were recorded).
    pub account: Option<LinkedAccount>,
}

const RECONNECT: &str = "Dropbox needs to be reconnected: visitors can open your shares, \
but playback and downloads stay unavailable until you connect Dropbox again.";
const NOT_CONNECTED: &str = "Dropbox is not connected: visitors can open this share, \
but playback and downloads stay unavailable until you connect Dropbox.";

/// The producer's Dropbox connection as they see it: `status`, a `warning`
/// when it stopped working, and which account it is.
pub fn dropbox(row: Option<&DropboxRow>) -> Dropbox {
    let Some(row) = row else {
        return Dropbox {
            status: "not_connected",
            warning: None,
            account: None,
        };
    };
    let account = row.account_name.as_ref().map(|name| LinkedAccount {
        name: name.clone(),
        email: row.account_email.clone(),
    });
    if row.status == CONNECTED {
        Dropbox {
            status: CONNECTED,
            warning: None,
            account,
        }
    } else {
        Dropbox {
            status: "needs_reconnect",
            warning: Some(row.warning.as_deref().unwrap_or(RECONNECT).to_string()),
            account,
        }
    }
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct LinkedAccount {
    pub name: String,
    pub email: Option<String>,
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

    fn row(status: &str, warning: Option<&str>) -> DropboxRow {
        DropboxRow {
            status: status.into(),
            warning: warning.map(str::to_owned),
            account_name: Some("Jane Doe".into()),
            account_email: Some("jane@example.com".into()),
        }
    }

    #[test]
    fn dropbox_status_is_never_more_than_the_contract_names() {
        assert_eq!(dropbox(None).status, "not_connected");
        assert_eq!(dropbox(None).warning, None);
        assert_eq!(dropbox(None).account, None);
        let ok = dropbox(Some(&row("ok", Some("stale"))));
        assert_eq!(ok.warning, None);
        assert_eq!(ok.account.unwrap().name, "Jane Doe");
        let revoked = dropbox(Some(&row("needs_reconnect", Some("Token revoked"))));
        assert_eq!(
            (revoked.status, revoked.warning.as_deref()),
            ("needs_reconnect", Some("Token revoked"))
        );
        assert_eq!(
            dropbox(Some(&row("garbage", None))).status,
            "needs_reconnect"
        );
    }
}
