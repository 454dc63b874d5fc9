//! A user deleting their own account (`/settings/delete`): the password
//! again, then every token is revoked (closing streams) and the account
//! with its user, statuses and sessions is deleted, as an admin's
//! deletion does (`accounts::delete_account`).
use ferrodon_db::models::{Account, User};
use ferrodon_db::queries::{accounts, oauth};

use crate::auth::passwords::verify_password;
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
    let mut conn = state.conn().await?;
    let revoked = oauth::revoke_user_tokens(&mut conn, user.id).await?;
    accounts::delete_account(&mut conn, account.id).await?;
    drop(conn);
    if let Err(e) = streaming::kill_token_connections(state, &revoked).await {
        tracing::warn!(error = %e, "could not close the streams of revoked tokens");
    }
    tracing::info!(account_id = account.id, "account deleted by its owner");
    Ok(())
}
