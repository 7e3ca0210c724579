//! Importing tracks from the producer's Dropbox: browse folders, see the
//! tracks a folder proposes, correct them, save them through the API's own
//! track rules.

use serde_json::{json, Value};
use worker::console_error;

use super::super::api::tracks;
use super::super::{dropbox, store};
use super::{Desk, Signed};
use crate::api::tracks::new_track;
use crate::api::ApiError;
use crate::console::forms::{self, Form};
use crate::console::import::{crumbs, folder_path, proposals};
use crate::console::pages::{self, refusal};
use crate::dropbox::answer::Answer;
use crate::dropbox::session::Goal;
use crate::http::Reply;
use crate::model::{ConnectionRow, FileKind};

/// Pages of a recursive listing one proposal reads at most (Dropbox pages
/// hold about 2 000 entries).
const PROPOSAL_PAGES: usize = 10;

/// Why Dropbox cannot be browsed now, as the page says it.
fn unavailable(heading: &str, message: &str) -> Value {
    json!({"heading": heading, "message": message})
}

fn why(answer: &Answer) -> Value {
    match answer {
        Answer::Missing => unavailable(
            "That folder is not in your Dropbox",
            "It may have been moved or renamed. Start again from the top of your Dropbox.",
        ),
        Answer::Revoked | Answer::Unauthorized => unavailable(
            "Dropbox needs reconnecting",
            "Use the Reconnect Dropbox button above, then come back here.",
        ),
        _ => unavailable(
            "Dropbox is not answering",
            "Your files are fine; Dropbox did not answer in time. Try again in a moment.",
        ),
    }
}

/// The producer's working connection, or what the page says instead.
async fn connection(desk: &Desk<'_>, s: &Signed) -> Result<ConnectionRow, Value> {
    match store::dropbox::of_producer(&desk.db, &s.producer).await {
        Ok(Some(c)) if c.is_ok() => Ok(c),
        Ok(_) => Err(unavailable(
            "Connect Dropbox first",
            "Your tracks come from your Dropbox. Use the Connect Dropbox button above.",
        )),
        Err(e) => {
            console_error!("console: import: {e}");
            Err(why(&Answer::Unavailable))
        }
    }
}

fn render(desk: &Desk<'_>, s: &Signed, template: &str, status: u16, mut context: Value) -> Reply {
    context["chrome"] = desk.chrome(s, "import");
    pages::page(status, template, &context, desk.nonce)
}

/// `GET /console/import?path=…&cursor=…`: one page of a folder.
pub async fn browse(desk: &Desk<'_>, s: &Signed) -> Reply {
    let Some(path) = folder_path(desk.query("path").as_deref()) else {
        return render(
            desk,
            s,
            "console/import.html",
            400,
            json!({"unavailable": why(&Answer::Missing)}),
        );
    };
    let listing = match connection(desk, s).await {
        Ok(c) => {
            let goal = match desk.query("cursor") {
                Some(cursor) => Goal::ListMore { cursor },
                None => Goal::List {
                    path: path.clone(),
                    recursive: false,
                },
            };
            dropbox::list(desk.env, &desk.db, &c, goal)
                .await
                .map_err(|a| why(&a))
        }
        Err(why) => Err(why),
    };
    let context = match listing {
        Ok(mut listing) => {
            // Folders first, then files, each by name.
            listing
                .entries
                .sort_by_key(|e| (!e.folder, e.name.to_lowercase()));
            let entries: Vec<Value> = listing
                .entries
                .iter()
                .map(
                    |e| json!({"name": e.name, "path": e.path, "folder": e.folder, "size": e.size}),
                )
                .collect();
            json!({"path": path, "crumbs": crumbs(&path), "entries": entries, "cursor": listing.cursor})
        }
        Err(why) => json!({"unavailable": why}),
    };
    render(desk, s, "console/import.html", 200, context)
}

/// `GET /console/import/proposal?path=…`: the tracks the folder proposes,
/// as a form to correct (with the API's refusal when a save failed).
pub async fn proposal(desk: &Desk<'_>, s: &Signed, refused: Option<(&str, &ApiError)>) -> Reply {
    let query = refused
        .map(|(path, _)| path.to_owned())
        .or_else(|| desk.query("path"));
    let path = match folder_path(query.as_deref()) {
        Some(path) if !path.is_empty() => path,
        _ => return Reply::see_other("/console/import"),
    };
    let connection = match connection(desk, s).await {
        Ok(c) => c,
        Err(why) => {
            return render(
                desk,
                s,
                "console/import.html",
                200,
                json!({"unavailable": why}),
            )
        }
    };
    let entries =
        match dropbox::list_all(desk.env, &desk.db, &connection, &path, PROPOSAL_PAGES).await {
            Ok(entries) => entries,
            Err(answer) => {
                return render(
                    desk,
                    s,
                    "console/import.html",
                    200,
                    json!({"unavailable": why(&answer)}),
                )
            }
        };
    let kinds: Vec<&str> = FileKind::ALL.iter().map(|k| k.as_str()).collect();
    let context = json!({
        "path": path,
        "proposals": proposals(&path, &entries),
        "kinds": kinds,
        "refusal": refused.map(|(_, e)| refusal(e)),
    });
    let status = refused.map_or(200, |(_, e)| e.status);
    render(desk, s, "console/proposal.html", status, context)
}

/// `POST /console/import`: every kept track is checked by the API's own
/// rules first, then each is created as `POST /api/tracks` would.
pub async fn save(desk: &Desk<'_>, s: &Signed, form: &Form) -> Reply {
    let path = form.get("path").unwrap_or("");
    let bodies = forms::imported_tracks(form);
    if bodies.is_empty() {
        let none = ApiError::invalid(
            "import",
            "missing_field",
            "Pick at least one track to import",
        );
        return proposal(desk, s, Some((path, &none))).await;
    }
    for (i, body) in bodies.iter().enumerate() {
        if let Err(mut e) = new_track(body) {
            let title = body["title"].as_str().unwrap_or("");
            e.message = format!("Track {} ({title}): {}", i + 1, e.message);
            return proposal(desk, s, Some((path, &e))).await;
        }
    }
    let call = desk.call(&s.producer, "/api/tracks", "");
    for body in &bodies {
        if let Err(e) = tracks::create(&call, body).await {
            return proposal(desk, s, Some((path, &e))).await;
        }
    }
    Reply::see_other("/console/library?done=imported")
}
