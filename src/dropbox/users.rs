//! Who a connection belongs to: `users/get_current_account`, so a producer
//! sees which Dropbox they linked, and one account serves one producer.

use serde_json::Value;

use super::{rpc, Config, Outbound};

pub fn current_account(config: &Config, access_token: &str) -> Outbound {
    // The route takes no argument; Dropbox wants JSON `null` for that.
    rpc(
        config,
        access_token,
        "/2/users/get_current_account",
        "null".to_owned(),
    )
}

/// The account as the producer knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub account_id: String,
    pub name: String,
    pub email: String,
}

pub fn parse_account(body: &str) -> Option<Account> {
    let value: Value = serde_json::from_str(body).ok()?;
    let text = |pointer: &str| value.pointer(pointer)?.as_str().map(str::to_owned);
    Some(Account {
        account_id: text("/account_id").filter(|id| !id.is_empty())?,
        name: text("/name/display_name")?,
        email: text("/email")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dropbox::testing::{config, header};

    #[test]
    fn the_current_account_is_asked_with_a_null_argument_and_read_by_name() {
        let out = current_account(&config(), "tok");
        assert_eq!(
            out.url,
            "https://api.dropboxapi.com/2/users/get_current_account"
        );
        assert_eq!(header(&out, "authorization"), Some("Bearer tok"));
        assert_eq!(out.body.as_deref(), Some("null"));
        let account = parse_account(
            r#"{"account_id": "dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc",
                "name": {"given_name": "Jane", "surname": "Doe", "display_name": "Jane Doe"},
                "email": "jane@example.com", "email_verified": true}"#,
        )
        .unwrap();
        assert_eq!(account.name, "Jane Doe");
        assert_eq!(account.email, "jane@example.com");
        assert_eq!(parse_account(r#"{"account_id": "", "name": {}}"#), None);
        assert_eq!(parse_account("<html>"), None);
    }
}
