//! `Follow`: a remote account asks to follow a local one. The follow is
//! made (or requested, for a locked account) and answered with `Accept` at
//! once unless the account is locked; a block either way is answered with
//! `Reject`.
use ferrodon_apub::activitypub::Activity;
use ferrodon_db::models::Account;
use ferrodon_db::queries::{blocks_mutes, follows};
use ferrodon_db::AccountId;

use super::local_account_by_uri;
use crate::federation::outbox;
use crate::services::follow::{follow, FollowOptions};
use crate::{AppState, Result};

/// A follow of a local account, checked.
pub(super) struct Verified<'a> {
    /// The local account followed.
    target: Account,
    /// Whether the two block each other: the follow is rejected.
    blocked: bool,
    /// The `Follow` activity's id (the follow is stored under it).
    follow_id: &'a str,
}

/// The followed account must be local.
pub(super) async fn verify<'a>(
    state: &AppState,
    signer: &Account,
    activity: &'a Activity,
) -> Result<Option<Verified<'a>>> {
    let Some(target) = activity.object_id() else {
        return Ok(None);
    };
    let Some(target) = local_account_by_uri(state, target).await? else {
        return Ok(None);
    };
    let mut conn = state.conn().await?;
    let blocked = blocks_mutes::blocked_either_way(
        &mut conn,
        AccountId::new(signer.id),
        AccountId::new(target.id),
    )
    .await?;
    Ok(Some(Verified {
        target,
        blocked,
        follow_id: &activity.id,
    }))
}

/// Follows (or requests) and answers.
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified<'_>) -> Result<()> {
    let Verified {
        target,
        blocked,
        follow_id,
    } = v;
    if blocked {
        let reject = outbox::answer_follow("Reject", &target, signer, follow_id);
        return outbox::send_to(state, &target, signer, reject).await;
    }
    follow(
        state,
        signer,
        target.id,
        FollowOptions {
            uri: Some(follow_id.to_owned()),
            ..FollowOptions::default()
        },
    )
    .await?;
    let mut conn = state.conn().await?;
    let following = follows::get_follow(
        &mut conn,
        AccountId::new(signer.id),
        AccountId::new(target.id),
    )
    .await?
    .is_some();
    drop(conn);
    if following {
        let accept = outbox::answer_follow("Accept", &target, signer, follow_id);
        outbox::send_to(state, &target, signer, accept).await?;
    }
    Ok(())
}
