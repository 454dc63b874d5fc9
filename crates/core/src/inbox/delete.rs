//! `Delete`: of one of the signer's statuses, or of the signer itself
//! (the account is suspended here).
use ferrodon_apub::activitypub::Activity;
use ferrodon_db::models::{Account, Status};
use ferrodon_db::queries::accounts;

use super::status_by_uri;
use crate::services::delete_status::delete_status;
use crate::{AppState, Error, Result};

/// What is deleted, checked to be the signer's.
pub(super) enum Verified {
    /// The signer's account.
    Account,
    /// One of the signer's statuses.
    Status(Box<Status>),
}

/// Only the signer itself or its own statuses may be deleted.
pub(super) async fn verify(
    state: &AppState,
    signer: &Account,
    activity: &Activity,
) -> Result<Option<Verified>> {
    let Some(uri) = activity.object_id() else {
        return Ok(None);
    };
    if uri == signer.uri {
        return Ok(Some(Verified::Account));
    }
    let Some(status) = status_by_uri(state, uri).await? else {
        return Ok(None);
    };
    if status.account_id != signer.id {
        return Err(Error::validation("a Delete of someone else's status"));
    }
    Ok(Some(Verified::Status(Box::new(status))))
}

/// Suspends the account or deletes the status.
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified) -> Result<()> {
    match v {
        Verified::Account => {
            let mut conn = state.conn().await?;
            accounts::suspend_remote_account(&mut conn, signer.id).await?;
            Ok(())
        }
        Verified::Status(status) => delete_status(state, signer, status.id).await.map(|_| ()),
    }
}
