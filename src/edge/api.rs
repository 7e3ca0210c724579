//! The JSON API at the edge: authenticate, read the body, let the core
//! validate and shape, and do the D1 work in between.

use futures_util::StreamExt;
use serde_json::Value;
use worker::{console_error, Context, D1Database, Env, Request};

use super::store::shares::NewShareRow;
use super::store::{keys, producers, shares, tracks};
use crate::api::requests::{self, Cursor, FileInput};
use crate::api::responses;
use crate::api::{self, input, ApiError, ApiRoute, Caller, Endpoint};
use crate::crypto::{self, ApiKey};
use crate::http::Reply;
use crate::policy::Millis;

/// A storage or platform failure is ours: logged, and answered as a 503 the
/// client may retry, never as a 500.
impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> ApiError {
        console_error!("api: {e}");
        unavailable()
    }
}

impl From<getrandom::Error> for ApiError {
    fn from(e: getrandom::Error) -> ApiError {
        console_error!("api: no randomness: {e}");
        unavailable()
    }
}

fn unavailable() -> ApiError {
    ApiError::new(
        503,
        "unavailable",
        "The service is briefly unavailable; please retry",
    )
}

/// What every handler needs about the request it serves.
struct Call<'a> {
    db: D1Database,
    /// The producer the key belongs to (empty for operator and public calls).
    producer: String,
    /// `scheme://host[:port]` of this deployment, for absolute URLs.
    origin: String,
    id: &'a str,
    now: Millis,
}

pub async fn handle(
    req: &mut Request,
    env: &Env,
    ctx: &Context,
    route: ApiRoute<'_>,
    now: Millis,
) -> Reply {
    let result = match route {
        ApiRoute::NotFound => Err(ApiError::new(404, "not_found", "No such API address")),
        ApiRoute::MethodNotAllowed { allow } => return api::method_not_allowed(allow),
        ApiRoute::Call { endpoint, id } => dispatch(req, env, ctx, endpoint, id, now).await,
    };
    result.unwrap_or_else(|e| e.reply())
}

async fn dispatch(
    req: &mut Request,
    env: &Env,
    ctx: &Context,
    endpoint: Endpoint,
    id: &str,
    now: Millis,
) -> Result<Reply, ApiError> {
    let db = env.d1("DB")?;
    let producer = match endpoint.caller() {
        Caller::Anyone => String::new(),
        Caller::Operator => {
            authenticate_operator(req, env)?;
            String::new()
        }
        Caller::Producer => authenticate_producer(req, env, ctx, &db, now).await?,
    };
    let url = req.url()?;
    let call = Call {
        db,
        producer,
        origin: url.origin().ascii_serialization(),
        id,
        now,
    };
    match endpoint {
        Endpoint::OpenApi => Ok(Reply::json(200, api::OPENAPI.into())
            .with_header("cache-control", "public, max-age=300")),
        Endpoint::CreateProducer => create_producer(&call, &body(req).await?).await,
        Endpoint::GetMe => me(&call).await,
        Endpoint::PatchMe => patch_me(&call, &body(req).await?).await,
        Endpoint::ListKeys => list_keys(&call).await,
        Endpoint::CreateKey => create_key(&call).await,
        Endpoint::RevokeKey => revoke_key(&call).await,
        Endpoint::ListTracks => list_tracks(&call, url.query()).await,
        Endpoint::CreateTrack => create_track(&call, &body(req).await?).await,
        Endpoint::GetTrack => get_track(&call).await,
        Endpoint::PatchTrack => patch_track(&call, &body(req).await?).await,
        Endpoint::DeleteTrack => delete_track(&call).await,
        Endpoint::ListShares => list_shares(&call, url.query()).await,
        Endpoint::CreateShare => create_share(&call, &body(req).await?).await,
        Endpoint::GetShare => get_share(&call).await,
        Endpoint::PatchShare => patch_share(&call, &body(req).await?).await,
        Endpoint::RevokeShare => revoke_share(&call).await,
        Endpoint::DropboxConnect => {
            super::connect::start(env, &call.db, &call.producer, &call.origin, now).await
        }
    }
}

fn authorization(req: &Request) -> Option<String> {
    req.headers().get("authorization").ok().flatten()
}

/// The operator's token is a secret of the deployment; without one, the
/// operator API is closed.
fn authenticate_operator(req: &Request, env: &Env) -> Result<(), ApiError> {
    // Secrets and plain vars (`wrangler dev --var`) read the same way.
    let expected = env
        .secret("ADMIN_TOKEN")
        .map(|s| s.to_string())
        .ok()
        .filter(|t| !t.is_empty());
    let header = authorization(req);
    match (expected, crypto::bearer(header.as_deref())) {
        (Some(expected), Some(given)) if crypto::matches_hash(given, &crypto::hash(&expected)) => {
            Ok(())
        }
        _ => Err(ApiError::unauthorized()),
    }
}

async fn authenticate_producer(
    req: &Request,
    env: &Env,
    ctx: &Context,
    db: &D1Database,
    now: Millis,
) -> Result<String, ApiError> {
    let header = authorization(req);
    let key = crypto::bearer(header.as_deref()).ok_or_else(ApiError::unauthorized)?;
    let key_id = ApiKey::claimed_id(key).ok_or_else(ApiError::unauthorized)?;
    let row = keys::for_auth(db, key_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    if row.revoked_at.is_some() || !crypto::matches_hash(key, &row.key_hash) {
        return Err(ApiError::unauthorized());
    }
    if api::key_use_worth_recording(row.last_used_at, now) {
        let db = env.d1("DB")?;
        let key_id = key_id.to_string();
        ctx.wait_until(async move {
            if let Err(e) = keys::touch(&db, &key_id, now).await {
                console_error!("api: recording key use: {e}");
            }
        });
    }
    Ok(row.producer_id)
}

/// The body as JSON. A body that announces more than the limit is refused
/// unread; one that does not announce its size is read only up to the limit.
async fn body(req: &mut Request) -> Result<Value, ApiError> {
    let announced = req
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|n| n.parse::<usize>().ok());
    if announced.is_some_and(|n| n > api::MAX_BODY_BYTES) {
        return Err(ApiError::too_large());
    }
    let unreadable = |_| ApiError::new(400, "unreadable_body", "The body could not be read");
    let mut bytes = Vec::new();
    // A request without a body has no stream.
    if let Ok(mut stream) = req.stream() {
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk.map_err(unreadable)?);
            if bytes.len() > api::MAX_BODY_BYTES {
                return Err(ApiError::too_large());
            }
        }
    }
    input::parse_body(&bytes)
}

fn new_id() -> Result<String, ApiError> {
    Ok(crypto::random_token()?)
}

async fn create_producer(call: &Call<'_>, body: &Value) -> Result<Reply, ApiError> {
    let new = requests::new_producer(body)?;
    let id = new_id()?;
    let key = ApiKey::generate()?;
    let created = producers::create(
        &call.db,
        &id,
        &new,
        &key.id,
        &crypto::hash(&key.key),
        call.now,
    )
    .await?;
    if !created {
        return Err(ApiError::new(
            409,
            "handle_taken",
            format!("The handle `{}` is already taken", new.handle),
        ));
    }
    Ok(api::ok(
        201,
        &responses::CreatedProducer {
            id: &id,
            handle: &new.handle,
            api_key: &key.key,
        },
    ))
}

async fn me(call: &Call<'_>) -> Result<Reply, ApiError> {
    let account = producers::account(&call.db, &call.producer)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    Ok(api::ok(200, &responses::profile(&account, &call.origin)))
}

async fn patch_me(call: &Call<'_>, body: &Value) -> Result<Reply, ApiError> {
    let changes = requests::profile_patch(body)?;
    let account = producers::update(&call.db, &call.producer, changes, call.now)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    Ok(api::ok(200, &responses::profile(&account, &call.origin)))
}

async fn list_keys(call: &Call<'_>) -> Result<Reply, ApiError> {
    let rows = keys::list(&call.db, &call.producer).await?;
    Ok(api::ok(
        200,
        &responses::Keys {
            keys: rows.iter().map(|k| responses::key(k, None)).collect(),
        },
    ))
}

async fn create_key(call: &Call<'_>) -> Result<Reply, ApiError> {
    let key = ApiKey::generate()?;
    let row = keys::create(
        &call.db,
        &call.producer,
        &key.id,
        &crypto::hash(&key.key),
        api::MAX_ACTIVE_KEYS,
        call.now,
    )
    .await?
    .ok_or_else(|| {
        ApiError::new(
            409,
            "too_many_keys",
            format!(
                "You hold {} active keys: revoke one before creating another",
                api::MAX_ACTIVE_KEYS
            ),
        )
    })?;
    Ok(api::ok(201, &responses::key(&row, Some(key.key))))
}

async fn revoke_key(call: &Call<'_>) -> Result<Reply, ApiError> {
    if keys::revoke(&call.db, &call.producer, call.id, call.now).await? {
        return Ok(Reply::no_content());
    }
    // Nothing changed: say why.
    let all = keys::list(&call.db, &call.producer).await?;
    match all.iter().find(|k| k.id == call.id) {
        None => Err(ApiError::not_found()),
        Some(k) if k.revoked_at.is_some() => Ok(Reply::no_content()),
        Some(_) => Err(ApiError::new(
            409,
            "last_key",
            "This is your only active key: create a new one before revoking it",
        )),
    }
}

async fn list_tracks(call: &Call<'_>, query: Option<&str>) -> Result<Reply, ApiError> {
    let page = requests::page_query(query)?;
    let mut loaded = tracks::list(&call.db, &call.producer, &page).await?;
    let next_cursor = requests::next_page(&mut loaded.tracks, page.limit, |t| Cursor {
        created_at: t.created_at,
        id: t.track.id.clone(),
    });
    let tracks = loaded
        .tracks
        .iter()
        .map(|t| responses::track(t, &loaded.files, &loaded.collaborators))
        .collect();
    Ok(api::ok(
        200,
        &responses::TrackPage {
            tracks,
            next_cursor,
        },
    ))
}

/// Answers the one track a create, read or update loaded.
fn one_track(status: u16, loaded: &tracks::Tracks) -> Result<Reply, ApiError> {
    let track = loaded.tracks.first().ok_or_else(ApiError::not_found)?;
    Ok(api::ok(
        status,
        &responses::track(track, &loaded.files, &loaded.collaborators),
    ))
}

/// Gives every file that has no id yet a new one.
fn with_ids(files: &mut [FileInput]) -> Result<(), ApiError> {
    for file in files.iter_mut().filter(|f| f.id.is_none()) {
        file.id = Some(new_id()?);
    }
    Ok(())
}

async fn create_track(call: &Call<'_>, body: &Value) -> Result<Reply, ApiError> {
    let mut new = requests::new_track(body)?;
    with_ids(&mut new.files)?;
    let id = new_id()?;
    let loaded = tracks::create(&call.db, &call.producer, &id, &new, call.now).await?;
    Ok(one_track(201, &loaded)?.with_header("location", format!("/api/tracks/{id}")))
}

async fn get_track(call: &Call<'_>) -> Result<Reply, ApiError> {
    let loaded = tracks::get(&call.db, &call.producer, call.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    one_track(200, &loaded)
}

async fn patch_track(call: &Call<'_>, body: &Value) -> Result<Reply, ApiError> {
    let mut patch = requests::track_patch(body)?;
    let current = tracks::get(&call.db, &call.producer, call.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if let Some(files) = &mut patch.files {
        let known: Vec<&str> = current.files.iter().map(|f| f.id.as_str()).collect();
        api::check_kept_files(files, &known)?;
        with_ids(files)?;
    }
    let loaded = tracks::update(
        &call.db,
        &call.producer,
        call.id,
        patch.changes,
        patch.files.as_deref(),
        patch.collaborators.as_deref(),
        call.now,
    )
    .await?;
    one_track(200, &loaded)
}

async fn delete_track(call: &Call<'_>) -> Result<Reply, ApiError> {
    if tracks::delete(&call.db, &call.producer, call.id, call.now).await? {
        Ok(Reply::no_content())
    } else {
        Err(ApiError::not_found())
    }
}

async fn list_shares(call: &Call<'_>, query: Option<&str>) -> Result<Reply, ApiError> {
    let page = requests::page_query(query)?;
    let mut rows = shares::list(&call.db, &call.producer, &page).await?;
    let next_cursor = requests::next_page(&mut rows, page.limit, |s| Cursor {
        created_at: s.created_at,
        id: s.id.clone(),
    });
    let shares = rows
        .iter()
        .map(|s| responses::share(s, &call.origin, call.now))
        .collect();
    Ok(api::ok(
        200,
        &responses::SharePage {
            shares,
            next_cursor,
        },
    ))
}

async fn create_share(call: &Call<'_>, body: &Value) -> Result<Reply, ApiError> {
    let new = requests::new_share(body)?;
    let owned = shares::owned_tracks(&call.db, &call.producer, &new.track_ids).await?;
    let first_title = api::check_owned_tracks(&new.track_ids, &owned)?;
    let id = new_id()?;
    let token = crypto::random_token()?;
    let title = new.title_or_default(first_title);
    let row = NewShareRow {
        id: &id,
        token: &token,
        title: &title,
        description: new.description.as_deref(),
        download_kinds: &new.stored_kinds(),
        on_profile: new.on_profile,
        expires_at: new.expires_at(call.now),
        track_ids: &new.track_ids,
    };
    let record = shares::create(&call.db, &call.producer, row, call.now)
        .await?
        .ok_or_else(unavailable)?;
    Ok(
        api::ok(201, &responses::share(&record, &call.origin, call.now))
            .with_header("location", format!("/api/shares/{id}")),
    )
}

async fn get_share(call: &Call<'_>) -> Result<Reply, ApiError> {
    let details = shares::details(&call.db, &call.producer, call.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(api::ok(
        200,
        &responses::share_details(&details, &call.origin, call.now),
    ))
}

async fn patch_share(call: &Call<'_>, body: &Value) -> Result<Reply, ApiError> {
    let patch = requests::share_patch(body, call.now)?;
    if let Some(ids) = &patch.track_ids {
        let owned = shares::owned_tracks(&call.db, &call.producer, ids).await?;
        api::check_owned_tracks(ids, &owned)?;
    }
    // The update leaves a revoked share alone; reading it back tells which.
    let record = shares::update(
        &call.db,
        &call.producer,
        call.id,
        patch.changes,
        patch.track_ids.as_deref(),
    )
    .await?
    .ok_or_else(ApiError::not_found)?;
    if record.revoked_at.is_some() {
        return Err(ApiError::new(
            409,
            "share_revoked",
            "A revoked share cannot be changed: share the tracks again instead",
        ));
    }
    Ok(api::ok(
        200,
        &responses::share(&record, &call.origin, call.now),
    ))
}

async fn revoke_share(call: &Call<'_>) -> Result<Reply, ApiError> {
    if shares::revoke(&call.db, &call.producer, call.id, call.now).await? {
        Ok(Reply::no_content())
    } else {
        Err(ApiError::not_found())
    }
}
