//! `Undo` of the signer's own `Follow`, `Like`, `Announce` or `Block`
//! (embedded), or of an `Announce` named by its id alone.
use ferrodon_apub::activitypub::{Activity, ActivityKind, Document};
use ferrodon_db::models::{Account, Status};

use super::{local_account_by_uri, status_by_uri};
use crate::services::block::unblock;
use crate::services::delete_status::delete_status;
use crate::services::favourite::unfavourite;
use crate::services::follow::unfollow;
use crate::{AppState, Error, Result};

/// What is undone, checked to be the signer's.
pub(super) enum Verified {
    /// The signer's follow of a local account.
    Follow(Account),
    /// The signer's favourite of a status.
    Like(Status),
    /// The signer's boost (a reblog row of the signer's).
    Announce(Status),
    /// The signer's block of a local account.
    Block(Account),
}

/// The reblog, when `reblog` is the signer's boost.
fn own_reblog(signer: &Account, reblog: Option<Status>) -> Option<Verified> {
    reblog
        .filter(|r| r.account_id == signer.id && r.reblog_of_id.is_some())
        .map(Verified::Announce)
}

/// The undone activity must be the signer's, and what it was about known.
pub(super) async fn verify(
    state: &AppState,
    signer: &Account,
    activity: &Activity,
) -> Result<Option<Verified>> {
    let undone = match activity.embedded_object() {
        Some(Document::Activity(inner)) => inner,
        _ => {
            // A bare id: an Announce we stored under that id, if any.
            let Some(id) = activity.object_id() else {
                return Ok(None);
            };
            return Ok(own_reblog(signer, status_by_uri(state, id).await?));
        }
    };
    if undone.actor_id() != Some(signer.uri.as_str()) {
        return Err(Error::validation("an Undo of someone else's activity"));
    }
    Ok(match undone.kind {
        ActivityKind::Follow => match undone.object_id() {
            Some(target) => local_account_by_uri(state, target)
                .await?
                .map(Verified::Follow),
            None => None,
        },
        ActivityKind::Like => match undone.object_id() {
            Some(uri) => status_by_uri(state, uri).await?.map(Verified::Like),
            None => None,
        },
        ActivityKind::Announce => own_reblog(signer, status_by_uri(state, &undone.id).await?),
        ActivityKind::Block => match undone.object_id() {
            Some(target) => local_account_by_uri(state, target)
                .await?
                .map(Verified::Block),
            None => None,
        },
        _ => None,
    })
}

/// Ends the follow, favourite, boost or block.
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified) -> Result<()> {
    match v {
        Verified::Follow(target) => unfollow(state, signer, target.id).await,
        Verified::Like(status) => unfavourite(state, signer, status.id).await,
        Verified::Announce(reblog) => delete_status(state, signer, reblog.id).await.map(|_| ()),
        Verified::Block(target) => unblock(state, signer, target.id).await,
    }
}
