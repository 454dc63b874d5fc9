//! `Block`: a remote account blocks a local one; follows between them end.
use ferrodon_apub::activitypub::Activity;
use ferrodon_db::models::Account;

use super::local_account_by_uri;
use crate::services::block::block;
use crate::{AppState, Result};

/// The local account blocked.
pub(super) struct Verified(Account);

/// The blocked account must be local.
pub(super) async fn verify(
    state: &AppState,
    _signer: &Account,
    activity: &Activity,
) -> Result<Option<Verified>> {
    let Some(target) = activity.object_id() else {
        return Ok(None);
    };
    Ok(local_account_by_uri(state, target).await?.map(Verified))
}

/// Blocks (once).
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified) -> Result<()> {
    block(state, signer, v.0.id).await
}
