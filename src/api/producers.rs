//! Producers: created by the operator (`POST /admin/producers`), read and
//! edited by themselves (`GET|PATCH /api/me`).

use serde::Serialize;
use serde_json::Value;

use super::dropbox::{dropbox, Dropbox};
use super::input::{Object, Text};
use super::{time, ApiError};
use crate::commands::{NewProducer, ProfileUpdate};
use crate::ids::is_handle;
use crate::limits;
use crate::model::{AccountRow, DropboxRow};
use crate::theme::{self, Mode, Theme};

const DISPLAY_NAME: Text = Text::line(limits::DISPLAY_NAME_CHARS);
const BIO: Text = Text::paragraphs(limits::BIO_CHARS);

pub fn new_producer(body: &Value) -> Result<NewProducer, ApiError> {
    let o = Object::root(body)?;
    o.only(&["handle", "display_name"])?;
    let handle = o.required_text("handle", Text::line(32))?;
    if !is_handle(&handle) {
        return Err(ApiError::invalid(
            "handle",
            "invalid_handle",
            "`handle` must be 3 to 32 of a-z, 0-9 and -",
        ));
    }
    Ok(NewProducer {
        handle,
        display_name: o.required_text("display_name", DISPLAY_NAME)?,
    })
}

/// The store found the handle taken.
pub fn handle_taken(handle: &str) -> ApiError {
    ApiError::conflict(
        "handle_taken",
        format!("The handle `{handle}` is already taken"),
    )
}

/// `PATCH /api/me`: only the fields present change; `null` clears optional ones.
pub fn profile_update(body: &Value) -> Result<ProfileUpdate, ApiError> {
    let o = Object::root(body)?;
    o.only(&[
        "display_name",
        "bio",
        "avatar_url",
        "header_url",
        "theme",
        "public_profile",
    ])?;
    let mut update = ProfileUpdate {
        display_name: o.replacement_text("display_name", DISPLAY_NAME)?,
        bio: o.text("bio", BIO)?,
        avatar_url: o.https_url("avatar_url")?,
        header_url: o.https_url("header_url")?,
        public_profile: o.boolean("public_profile")?,
        ..ProfileUpdate::default()
    };
    match o.object("theme")? {
        None => {}
        Some(None) => {
            update.theme_accent = Some(None);
            update.theme_mode = Some(None);
        }
        Some(Some(t)) => {
            t.only(&["accent", "mode"])?;
            let accent = |a: &str| theme::parse_accent(a).map(|_| a.to_ascii_lowercase());
            let mode = |m: &str| theme::parse_mode(m).map(|_| m.to_owned());
            let colour = "a colour like #7c3aed";
            update.theme_accent = t.choice("accent", accent, "invalid_color", colour)?;
            update.theme_mode = t.choice("mode", mode, "invalid_value", "\"dark\" or \"light\"")?;
        }
    }
    Ok(update)
}

#[derive(Debug, Serialize)]
pub struct CreatedProducer<'a> {
    pub id: &'a str,
    pub handle: &'a str,
    /// Shown once: only its hash is stored.
    pub api_key: &'a str,
}

#[derive(Debug, Serialize)]
pub struct ThemeJson {
    pub accent: String,
    pub mode: Mode,
}

#[derive(Debug, Serialize)]
pub struct Profile {
    pub id: String,
    pub handle: String,
    pub display_name: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub header_url: Option<String>,
    /// The colours pages use: stored values, or the defaults.
    pub theme: ThemeJson,
    pub public_profile: bool,
    /// The public profile page, while the profile is public.
    pub profile_url: Option<String>,
    pub dropbox: Dropbox,
    pub created_at: String,
    pub updated_at: String,
}

pub fn profile(row: &AccountRow, origin: &str) -> Profile {
    let p = &row.producer;
    let theme = Theme::from_stored(p.theme_accent.as_deref(), p.theme_mode.as_deref());
    let connection = row.dropbox_status.clone().map(|status| DropboxRow {
        status,
        warning: row.dropbox_warning.clone(),
        account_name: row.dropbox_account_name.clone(),
        account_email: row.dropbox_account_email.clone(),
    });
    Profile {
        id: row.id.clone(),
        handle: p.handle.clone(),
        display_name: p.display_name.clone(),
        bio: p.bio.clone(),
        avatar_url: p.avatar_url.clone(),
        header_url: p.header_url.clone(),
        theme: ThemeJson {
            accent: theme.accent.hex(),
            mode: theme.mode,
        },
        public_profile: p.public_profile,
        profile_url: p.public_profile.then(|| format!("{origin}/u/{}", p.handle)),
        dropbox: dropbox(connection.as_ref()),
        created_at: time(row.created_at),
        updated_at: time(row.updated_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::refusal as code;
    use serde_json::json;

    #[test]
    fn producers_need_a_valid_handle_and_a_name() {
        let p =
            new_producer(&json!({"handle": " nightowl ", "display_name": "Night Owl"})).unwrap();
        assert_eq!(p.handle, "nightowl");
        for handle in ["ab", "Night", "night_owl", "a".repeat(33).as_str()] {
            let r = new_producer(&json!({"handle": handle, "display_name": "x"}));
            assert_eq!(code(r), (422, "handle".into()), "{handle}");
        }
        assert_eq!(
            code(new_producer(&json!({"handle": "abc"}))),
            (422, "display_name".into())
        );
        assert_eq!(handle_taken("abc").status, 409);
    }

    #[test]
    fn profile_updates_change_only_what_is_sent() {
        let update = profile_update(&json!({
            "bio": null, "theme": {"accent": "#FF8800"}, "public_profile": true
        }))
        .unwrap();
        assert_eq!(
            update,
            ProfileUpdate {
                bio: Some(None),
                theme_accent: Some(Some("#ff8800".into())),
                public_profile: Some(true),
                ..ProfileUpdate::default()
            }
        );
        assert_eq!(
            profile_update(&json!({})).unwrap(),
            ProfileUpdate::default()
        );
        let reset = profile_update(&json!({"theme": null})).unwrap();
        assert_eq!(
            (reset.theme_accent, reset.theme_mode),
            (Some(None), Some(None)),
            "null theme resets accent and mode"
        );
        for (body, field) in [
            (json!({"display_name": ""}), "display_name"),
            (json!({"display_name": "x".repeat(81)}), "display_name"),
            (json!({"bio": "x".repeat(1001)}), "bio"),
            (json!({"avatar_url": "http://x.com/a.png"}), "avatar_url"),
            (json!({"theme": {"accent": "red"}}), "theme.accent"),
            (json!({"theme": {"accent": "#12345g"}}), "theme.accent"),
            (json!({"theme": {"accent": ""}}), "theme.accent"),
            (json!({"theme": {"mode": "sepia"}}), "theme.mode"),
            (json!({"theme": {"mode": ""}}), "theme.mode"),
            (json!({"theme": {"font": "x"}}), "theme.font"),
            (json!({"handle": "new"}), "handle"),
        ] {
            assert_eq!(code(profile_update(&body)), (422, field.into()), "{body}");
        }
        assert_eq!(
            code(profile_update(&json!({"public_profile": "yes"}))),
            (400, "public_profile".into())
        );
    }
}
