//! Remote accounts: resolving `user@domain` through WebFinger, fetching
//! actor documents (signed by the instance actor) and storing them.
use std::time::Duration;

use chrono::Utc;
use ferrodon_apub::activitypub::{parse_document, Actor, Document, Limits};
use ferrodon_apub::sanitize::sanitize_remote_html;
use ferrodon_db::models::{Account, NewAccount};
use ferrodon_db::queries::accounts::{self, RemoteProfile};
use serde_json::json;

use super::client::{signed_fetch, FederationError, FetchedDocument, MAX_DOCUMENT_BYTES};
use super::instance_actor::instance_actor;
use crate::authority::{authority_of, same_url};
use crate::http_client::{fetch_limited, FetchError};
use crate::jobs::{self, Job};
use crate::{AppState, Error, Result};

/// A stored remote account younger than this is not fetched again.
const FRESH_FOR: chrono::Duration = chrono::Duration::hours(24);

/// Document limits for what remote servers send.
pub fn limits() -> Limits {
    Limits {
        max_bytes: MAX_DOCUMENT_BYTES as usize,
        ..Limits::default()
    }
}

fn federation_error(e: FederationError) -> Error {
    if e.is_transient() {
        Error::Unavailable(e.to_string())
    } else {
        Error::Validation(e.to_string())
    }
}

/// The stored account with ActivityPub id `uri` when it needs no fetch:
/// local, or remote and fetched less than a day ago.
pub async fn known_actor(state: &AppState, uri: &str) -> Result<Option<Account>> {
    let mut conn = state.conn().await?;
    match accounts::get_account_by_uri(&mut conn, uri).await {
        Ok(account) if account.is_local() || Utc::now() - account.updated_at < FRESH_FOR => {
            Ok(Some(account))
        }
        Ok(_) | Err(ferrodon_db::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The account with ActivityPub id `uri`: stored, or fetched and stored.
/// `refresh` fetches even a fresh stored copy (key rotation, Update).
pub async fn resolve_actor(state: &AppState, uri: &str, refresh: bool) -> Result<Account> {
    match known_actor(state, uri).await? {
        Some(account) if account.is_local() || !refresh => return Ok(account),
        _ => {}
    }
    let actor = fetch_actor(state, uri).await?;
    store_actor(state, &actor, &actor.id).await
}

/// Fetches a document (signed by the instance actor) unless its server is
/// blocked; its JSON and the URL that answered.
async fn fetch_json(state: &AppState, url: &str) -> Result<FetchedDocument> {
    crate::domain_policy::ensure_federates_with(state, url).await?;
    let signer = instance_actor(state).await?;
    signed_fetch(state, &signer, url)
        .await
        .map_err(federation_error)
}

/// Fetches `url` and returns the document only if it is its own: its `id`
/// is the URL that served it (after any redirects). A document served
/// under another URL (a profile page's URL, a redirect to another server)
/// is fetched once more by its id and must be served there under it, so
/// that no server, and no file uploaded to one, speaks for another.
pub async fn fetch_verified_json(state: &AppState, url: &str) -> Result<serde_json::Value> {
    let first = fetch_json(state, url).await?;
    verified_json(state, url, first).await
}

/// [`fetch_verified_json`]'s check of a first answer `first` from `url`.
async fn verified_json(
    state: &AppState,
    url: &str,
    first: FetchedDocument,
) -> Result<serde_json::Value> {
    let id = document_id(&first.value, url)?;
    if same_url(&id, &first.url) {
        return Ok(first.value);
    }
    let again = fetch_json(state, &id).await?;
    if document_id(&again.value, &id)? == id && same_url(&id, &again.url) {
        return Ok(again.value);
    }
    Err(Error::validation(format!(
        "{url} served a document with id {id}, which {id} does not serve"
    )))
}

fn document_id(value: &serde_json::Value, url: &str) -> Result<String> {
    value
        .get("id")
        .and_then(serde_json::Value::as_str)
        .filter(|id| id.starts_with("https://") || id.starts_with("http://"))
        .map(str::to_owned)
        .ok_or_else(|| Error::validation(format!("{url} served a document without an http(s) id")))
}

/// Fetches any ActivityPub document (signed by the instance actor) that is
/// served under its own id (see [`fetch_verified_json`]), unless its server
/// is blocked, and parses it within the document limits.
pub async fn fetch_document(state: &AppState, url: &str) -> Result<Document> {
    let value = fetch_verified_json(state, url).await?;
    let bytes = serde_json::to_vec(&value).map_err(|e| Error::caused("encoding an actor", e))?;
    parse_document(&bytes, limits()).map_err(|e| Error::validation(format!("{url}: {e}")))
}

/// [`fetch_document`], except that an object its server says is gone
/// (404 or 410 at `url`, or a `Tombstone`) is `None`: how a forwarded
/// `Delete` is checked with the object's own server.
pub async fn fetch_document_unless_gone(state: &AppState, url: &str) -> Result<Option<Document>> {
    crate::domain_policy::ensure_federates_with(state, url).await?;
    let signer = instance_actor(state).await?;
    let first = match signed_fetch(state, &signer, url).await {
        Ok(first) => first,
        Err(FederationError::Fetch(FetchError::Status {
            status: 404 | 410, ..
        })) => return Ok(None),
        Err(e) => return Err(federation_error(e)),
    };
    let value = verified_json(state, url, first).await?;
    let bytes = serde_json::to_vec(&value).map_err(|e| Error::caused("encoding a document", e))?;
    match parse_document(&bytes, limits()) {
        Ok(Document::Tombstone(_)) => Ok(None),
        Ok(document) => Ok(Some(document)),
        Err(e) => Err(Error::validation(format!("{url}: {e}"))),
    }
}

/// Fetches and parses an actor document (signed by the instance actor).
pub async fn fetch_actor(state: &AppState, uri: &str) -> Result<Box<Actor>> {
    match fetch_document(state, uri).await? {
        Document::Actor(actor) => Ok(actor),
        other => Err(Error::validation(format!(
            "{uri} is a {}, not an actor",
            other.class().name()
        ))),
    }
}

/// Stores (or updates) an actor; `fetched_from` (where it came from: a
/// URL it was verified to be served under, or its signer) must be on the
/// same host as the actor's id, so no server can speak for another.
pub async fn store_actor(state: &AppState, actor: &Actor, fetched_from: &str) -> Result<Account> {
    let host = authority_of(&actor.id)
        .ok_or_else(|| Error::validation(format!("actor id {:?} has no host", actor.id)))?;
    if authority_of(fetched_from).as_deref() != Some(host.as_str()) {
        return Err(Error::validation(format!(
            "actor {} was served by another host ({fetched_from})",
            actor.id
        )));
    }
    if authority_of(&state.config.base_url()).as_deref() == Some(host.as_str()) {
        return Err(Error::validation("a remote actor claims a local id"));
    }
    let username = actor
        .preferred_username
        .clone()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| Error::validation(format!("actor {} has no preferredUsername", actor.id)))?;
    let key = actor
        .main_key()
        .and_then(|k| k.public_key_pem.clone())
        .unwrap_or_default();
    let inbox = actor
        .inbox
        .clone()
        .ok_or_else(|| Error::validation(format!("actor {} has no inbox", actor.id)))?;
    let fields: Vec<serde_json::Value> = actor
        .fields()
        .take(16)
        .map(|(name, value)| json!({ "name": name, "value": sanitize_remote_html(value) }))
        .collect();
    let profile = RemoteProfile {
        account: NewAccount {
            username,
            domain: Some(host.clone()),
            display_name: actor
                .name
                .clone()
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect(),
            note: sanitize_remote_html(actor.summary.as_deref().unwrap_or_default()),
            locked: actor.manually_approves_followers.unwrap_or(false),
            bot: actor.is_bot(),
            uri: actor.id.clone(),
            url: actor.profile_url().map(str::to_owned),
            inbox_url: inbox,
            shared_inbox_url: actor.shared_inbox().unwrap_or_default().to_owned(),
            outbox_url: actor.outbox.clone().unwrap_or_default(),
            followers_url: actor.followers.clone().unwrap_or_default(),
            public_key: key,
            private_key: None,
        },
        discoverable: actor.discoverable.unwrap_or(false),
        indexable: actor.indexable.unwrap_or(false),
        fields: serde_json::Value::Array(fields),
    };
    let mut conn = state.conn().await?;
    super::emojis::learn(&mut conn, &actor.id, actor.tag.iter()).await?;
    let mut account = accounts::upsert_remote_account(&mut conn, &profile).await?;
    let silenced_domain = ferrodon_db::queries::domain_blocks::find_block_for(&mut conn, &host)
        .await?
        .is_some_and(|b| b.severity == "silence");
    if silenced_domain && account.silenced_at.is_none() {
        ferrodon_db::queries::domain_blocks::silence_account(&mut conn, account.id).await?;
        account = accounts::get_account_by_id(&mut conn, account.id).await?;
    }
    let says_suspended = actor.suspended.unwrap_or(false);
    if ferrodon_db::queries::moderation::follow_remote_suspension(
        &mut conn,
        account.id,
        says_suspended,
    )
    .await?
    {
        tracing::info!(account = %account.uri, suspended = says_suspended, "the account's own server changed its suspension");
        account = accounts::get_account_by_id(&mut conn, account.id).await?;
    }
    drop(conn);
    let images = Job::CacheAccountImages {
        account_id: account.id,
        avatar_url: actor.avatar_url().map(str::to_owned),
        header_url: actor.header_url().map(str::to_owned),
    };
    if let Err(e) = jobs::queue::enqueue(state, images).await {
        tracing::warn!(account = %account.uri, error = %e, "could not queue the avatar download");
    }
    Ok(account)
}

/// Resolves `user@domain` through the domain's WebFinger.
pub async fn resolve_acct(state: &AppState, username: &str, domain: &str) -> Result<Account> {
    let mut conn = state.conn().await?;
    if let Ok(account) = accounts::get_account_by_acct(&mut conn, username, Some(domain)).await {
        return Ok(account);
    }
    drop(conn);
    crate::domain_policy::ensure_federates_with(state, domain).await?;
    let scheme = if state.config.dev_allow_http {
        "http"
    } else {
        "https"
    };
    let url =
        format!("{scheme}://{domain}/.well-known/webfinger?resource=acct:{username}@{domain}");
    let fetched = fetch_limited(&state.http, &url, 256 << 10, Duration::from_secs(15))
        .await
        .map_err(|e| Error::Validation(e.to_string()))?;
    let doc: ferrodon_apub::webfinger::Jrd = serde_json::from_slice(&fetched.bytes)
        .map_err(|e| Error::validation(format!("WebFinger of {username}@{domain}: {e}")))?;
    let actor_uri = doc
        .links
        .iter()
        .find(|l| {
            l.rel == "self"
                && l.kind.as_deref().is_some_and(|t| {
                    t.starts_with("application/activity+json")
                        || t.starts_with("application/ld+json")
                })
        })
        .and_then(|l| l.href.clone())
        .ok_or_else(|| {
            Error::validation(format!("{username}@{domain} has no ActivityPub actor"))
        })?;
    resolve_actor(state, &actor_uri, false).await
}
