//! Inbound federation: processing a delivered activity (the `ingress`
//! queue), storing remote notes, resolving pasted URLs. This is the only
//! federation code that may call services and live; `federation` below it
//! (outbound documents, deliveries, actors, the signature check of a
//! delivery) never calls back up here.
//!
//! A delivery reaches [`process`] with its signature already checked and
//! its actor already the signer. (A forwarded one, whose actor is not the
//! signer, reaches [`forwarded`] instead, which fetches the object from
//! its own server.) [`process`] reads the activity's typed
//! kind and hands it to that kind's module, in two steps:
//!
//! - `verify` checks origin, authorship and target and looks up what the
//!   activity is about. It only reads (the database, and for a `Move` the
//!   new account's actor document): it never writes. It returns the
//!   module's `Verified` value, or `None` when the activity concerns
//!   nothing here, or a validation error when it is refused.
//! - `apply` takes that `Verified` value and makes the writes.
//!
//! Every handler is idempotent: a duplicate delivery changes nothing.
//! Activities and objects are only accepted from their own server: a
//! server cannot create, edit or delete another server's statuses, nor
//! store anything under another server's ids.
use ferrodon_apub::activitypub::{same_origin, ActivityKind, Document};
use ferrodon_db::models::{Account, Status};
use ferrodon_db::queries::{accounts, statuses};
use serde_json::Value;

use crate::{AppState, Error, Result};

mod accept_reject;
mod add_remove;
mod announce;
mod block;
mod create;
mod delete;
mod flag;
mod follow;
pub mod forwarded;
mod like;
#[path = "move.rs"]
mod move_;
pub mod notes;
mod quote_request;
pub mod quotes;
pub mod resolve;
pub mod threads;
mod undo;
mod update;

/// Runs one kind's `verify` then, if it returned something to do, its
/// `apply` with the verified value.
macro_rules! verify_then_apply {
    ($state:expr, $signer:expr, $activity:expr, $module:ident) => {
        match $module::verify($state, $signer, $activity).await {
            Ok(Some(verified)) => $module::apply($state, $signer, verified).await,
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        }
    };
}

/// Handles one activity from `signer_id`.
pub async fn process(state: &AppState, signer_id: i64, value: &Value) -> Result<()> {
    let mut conn = state.conn().await?;
    let signer = match accounts::get_account_by_id(&mut conn, signer_id).await {
        Ok(signer) => signer,
        Err(ferrodon_db::Error::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    let Ok(Document::Activity(activity)) = Document::from_value(value.clone()) else {
        tracing::info!(signer = %signer.uri, "ignoring a delivery that is not an activity");
        return Ok(());
    };
    let kind = &activity.kind;
    // Activities are stored under their id (a boost, a follow): an id on
    // another server would squat a URI that server will use.
    if !same_origin(&activity.id, &signer.uri) {
        tracing::info!(%kind, signer = %signer.uri, id = %activity.id, "activity refused: its id is not on the sender's server");
        return Ok(());
    }
    let (state, signer, activity) = (state, &signer, &*activity);
    let outcome = match kind {
        ActivityKind::Follow => verify_then_apply!(state, signer, activity, follow),
        ActivityKind::Accept | ActivityKind::Reject => {
            verify_then_apply!(state, signer, activity, accept_reject)
        }
        ActivityKind::Undo => verify_then_apply!(state, signer, activity, undo),
        ActivityKind::Create => verify_then_apply!(state, signer, activity, create),
        ActivityKind::Update => verify_then_apply!(state, signer, activity, update),
        ActivityKind::Delete => verify_then_apply!(state, signer, activity, delete),
        ActivityKind::Like => verify_then_apply!(state, signer, activity, like),
        ActivityKind::Announce => verify_then_apply!(state, signer, activity, announce),
        ActivityKind::Block => verify_then_apply!(state, signer, activity, block),
        ActivityKind::Flag => verify_then_apply!(state, signer, activity, flag),
        ActivityKind::Move => verify_then_apply!(state, signer, activity, move_),
        ActivityKind::Add | ActivityKind::Remove => {
            verify_then_apply!(state, signer, activity, add_remove)
        }
        ActivityKind::QuoteRequest => verify_then_apply!(state, signer, activity, quote_request),
        ActivityKind::Dislike | ActivityKind::EmojiReact | ActivityKind::Other(_) => {
            tracing::debug!(%kind, signer = %signer.uri, "activity type not handled");
            Ok(())
        }
    };
    match outcome {
        // Bad content is the sender's problem: log it, do not retry.
        Err(Error::Validation(reason)) | Err(Error::BadRequest(reason)) => {
            tracing::info!(%kind, signer = %signer.uri, %reason, "activity refused");
            Ok(())
        }
        Err(Error::NotFound) | Err(Error::Forbidden(_)) => Ok(()),
        other => other,
    }
}

/// The local account (not the instance actor) whose URI is `uri`, if any.
async fn local_account_by_uri(state: &AppState, uri: &str) -> Result<Option<Account>> {
    let mut conn = state.conn().await?;
    match accounts::get_account_by_uri(&mut conn, uri).await {
        Ok(a) if a.is_local() && a.id > 0 => Ok(Some(a)),
        Ok(_) | Err(ferrodon_db::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The stored status whose URI is `uri`, if any.
async fn status_by_uri(state: &AppState, uri: &str) -> Result<Option<Status>> {
    let mut conn = state.conn().await?;
    Ok(statuses::find_status_by_uri(&mut conn, uri).await?)
}
