//! Forwarded and relayed activities (a `pull` job): an activity signed by
//! another server than its actor's, accepted at the inbox only as a
//! request to look (see `federation::delivery`). Its body is never used:
//! the object is fetched from its own server, signed by the instance
//! actor, through the guarded client, and must be attributed to the
//! activity's actor and live on that actor's server.
//!
//! - `Create`: the object is stored unless we have it, when it concerns
//!   someone here (it answers a status we have, mentions a local account,
//!   its author has local followers) or a relay we follow brought it.
//! - `Update`: a status we have by that actor takes the fetched version.
//! - `Delete`: a status we have by that actor is deleted once its server
//!   answers 404 or 410 (or serves a `Tombstone`) for it.
use ferrodon_apub::activitypub::{Document, Object};
use ferrodon_db::models::Account;
use ferrodon_db::queries::{accounts, follows};

use super::notes::{check_note_author, store_note};
use super::{local_account_by_uri, status_by_uri, update};
use crate::authority::same_authority;
use crate::federation::actors::{fetch_document, fetch_document_unless_gone, resolve_actor};
use crate::federation::relays;
use crate::jobs::ForwardedKind;
use crate::services::delete_status::delete_status;
use crate::{AppState, Error, Result};

/// Fetches what a forwarded activity of `kind` by `actor` about `object`
/// names, and applies what the object's server says. `signer_id` is the
/// account that forwarded it. Refusals are logged, not retried; a server
/// that is down is (the job fails and is retried).
pub async fn fetch_and_apply(
    state: &AppState,
    signer_id: i64,
    kind: ForwardedKind,
    actor: &str,
    object: &str,
) -> Result<()> {
    if !same_authority(actor, object) {
        return Ok(());
    }
    let outcome = match kind {
        ForwardedKind::Create => create(state, signer_id, actor, object).await,
        ForwardedKind::Update => update(state, actor, object).await,
        ForwardedKind::Delete => delete(state, actor, object).await,
    };
    match outcome {
        Err(Error::Validation(reason))
        | Err(Error::BadRequest(reason))
        | Err(Error::Forbidden(reason))
        | Err(Error::Unauthorized(reason)) => {
            tracing::info!(kind = kind.name(), %actor, %object, %reason, "forwarded activity refused");
            Ok(())
        }
        Err(Error::NotFound) => Ok(()),
        other => other,
    }
}

/// The activity's actor, fetched if unknown; `None` when it is suspended
/// here.
async fn author(state: &AppState, actor: &str) -> Result<Option<Account>> {
    let author = resolve_actor(state, actor, false).await?;
    Ok(author.suspended_at.is_none().then_some(author))
}

/// `object` fetched from its server: a content object attributed to
/// `author`, on its server.
async fn fetch_note(state: &AppState, author: &Account, object: &str) -> Result<Option<Object>> {
    let Document::Object(note) = fetch_document(state, object).await? else {
        return Ok(None);
    };
    if note.attributed_to_id() != Some(author.uri.as_str()) {
        return Err(Error::validation(format!(
            "{object} is not attributed to the activity's actor"
        )));
    }
    check_note_author(author, &note)?;
    Ok(Some(*note))
}

async fn create(state: &AppState, signer_id: i64, actor: &str, object: &str) -> Result<()> {
    if status_by_uri(state, object).await?.is_some() {
        return Ok(());
    }
    let Some(author) = author(state, actor).await? else {
        return Ok(());
    };
    let Some(note) = fetch_note(state, &author, object).await? else {
        return Ok(());
    };
    if !concerns_us(state, signer_id, &author, &note).await? {
        tracing::info!(%object, signer_id, "forwarded post concerns no one here; not stored");
        return Ok(());
    }
    store_note(state, &author, &note).await.map(|_| ())
}

/// Whether a forwarded post is ours to keep: brought by a relay we follow,
/// an answer to a status we have, a mention of a local account, or by an
/// author someone here follows (as Mastodon keeps only such posts).
async fn concerns_us(
    state: &AppState,
    signer_id: i64,
    author: &Account,
    note: &Object,
) -> Result<bool> {
    let mut conn = state.conn().await?;
    let signer = match accounts::get_account_by_id(&mut conn, signer_id).await {
        Ok(signer) => Some(signer),
        Err(ferrodon_db::Error::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    if let Some(signer) = &signer {
        if relays::is_relay(state, signer).await? {
            return Ok(true);
        }
    }
    if let Some(parent) = note.in_reply_to.as_deref() {
        if status_by_uri(state, parent).await?.is_some() {
            return Ok(true);
        }
    }
    for mentioned in note.mentioned_ids() {
        if local_account_by_uri(state, mentioned).await?.is_some() {
            return Ok(true);
        }
    }
    let mut conn = state.conn().await?;
    Ok(!follows::list_local_follower_ids(&mut conn, author.id)
        .await?
        .is_empty())
}

/// The stored status `object` and its author, when that author is `actor`.
async fn own_status(
    state: &AppState,
    actor: &str,
    object: &str,
) -> Result<Option<(Account, ferrodon_db::models::Status)>> {
    let Some(status) = status_by_uri(state, object).await? else {
        return Ok(None);
    };
    let mut conn = state.conn().await?;
    let author = accounts::get_account_by_id(&mut conn, status.account_id).await?;
    Ok((author.uri == actor && !author.is_local()).then_some((author, status)))
}

async fn update(state: &AppState, actor: &str, object: &str) -> Result<()> {
    let Some((author, status)) = own_status(state, actor, object).await? else {
        return Ok(());
    };
    let Some(note) = fetch_note(state, &author, object).await? else {
        return Ok(());
    };
    if note.id.as_deref() != Some(status.uri.as_str()) {
        return Err(Error::validation(format!(
            "{object} is served under another id"
        )));
    }
    update::edit(state, &author, &note, &status).await
}

async fn delete(state: &AppState, actor: &str, object: &str) -> Result<()> {
    let Some((author, status)) = own_status(state, actor, object).await? else {
        return Ok(());
    };
    match fetch_document_unless_gone(state, object).await? {
        None => delete_status(state, &author, status.id).await.map(|_| ()),
        Some(_) => {
            tracing::info!(%object, "forwarded Delete ignored: the object's server still serves it");
            Ok(())
        }
    }
}
