//! A user deleting their own account (`/settings/delete`): the password
//! again, then every token is revoked (closing streams) and the account
//! with its user, statuses and sessions is deleted, as an admin's
//! deletion does (`accounts::delete_account`). Every server that knew the
//! account then gets the `Delete` of its actor
//! (`federation::account_deletion`).
use ferrodon_db::models::{Account, User};
use ferrodon_db::queries::{accounts, oauth};

use crate::auth::passwords::verify_password;
use crate::federation::account_deletion::ActorDeletion;
use crate::{streaming, AppState, Error, Result};

/// Deletes `account` when `password` is the user's.
pub async fn delete_own_account(
    state: &AppState,
    user: &User,
    account: &Account,
    password: &str,
) -> Result<()> {
    let hash = user.encrypted_password.clone();
    let given = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || verify_password(&given, &hash))
        .await
        .map_err(|e| Error::caused("password check task", e))?;
    if !ok {
        return Err(Error::validation("Password is invalid"));
    }
    let told = ActorDeletion::prepare(state, account).await?;
    let mut conn = state.conn().await?;
    let revoked = oauth::revoke_user_tokens(&mut conn, user.id).await?;
    accounts::delete_account(&mut conn, account.id).await?;
    drop(conn);
    tell_other_servers(state, told).await;
    if let Err(e) = streaming::kill_token_connections(state, &revoked).await {
        tracing::warn!(error = %e, "could not close the streams of revoked tokens");
    }
    tracing::info!(account_id = account.id, "account deleted by its owner");
    Ok(())
}

/// Queues the `Delete` of a deleted account's actor; the account is gone
/// already, so a failure is logged rather than returned.
pub(crate) async fn tell_other_servers(state: &AppState, deletion: Option<ActorDeletion>) {
    let Some(deletion) = deletion else { return };
    match deletion.send(state).await {
        Ok(n) => tracing::info!(deliveries = n, "queued the Delete of the deleted actor"),
        Err(e) => tracing::warn!(error = %e, "could not queue the Delete of the deleted actor"),
    }
}
