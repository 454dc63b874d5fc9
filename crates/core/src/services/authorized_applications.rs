//! The applications a user has authorized, and taking that back (all the
//! tokens the user gave one application, with their streams).
use ferrodon_db::queries::oauth::{self, AuthorizedApplication};

use crate::{streaming, AppState, Error, Result};

/// Applications with live tokens of `user_id`.
pub async fn list(state: &AppState, user_id: i64) -> Result<Vec<AuthorizedApplication>> {
    let mut conn = state.conn().await?;
    Ok(oauth::authorized_applications(&mut conn, user_id).await?)
}

/// Revokes every token `user_id` gave `application_id`.
pub async fn revoke(state: &AppState, user_id: i64, application_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    let revoked = oauth::revoke_user_application_tokens(&mut conn, user_id, application_id).await?;
    drop(conn);
    if revoked.is_empty() {
        return Err(Error::NotFound);
    }
    if let Err(e) = streaming::kill_token_connections(state, &revoked).await {
        tracing::warn!(error = %e, "could not close the streams of revoked tokens");
    }
    Ok(())
}
