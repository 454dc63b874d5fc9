//! Setting a new password with the token from a reset e-mail.
use ferrodon_db::models::User;
use ferrodon_db::queries::{oauth, users};

use crate::auth::passwords::{hash_password, validate_password};
use crate::auth::tokens::digest;
use crate::{streaming, AppState, Error, Result};

/// How long a reset link works, as in Mastodon.
pub const RESET_TOKEN_LIFETIME_SECS: i64 = 6 * 3600;

/// The message for an unknown, spent or expired token.
pub const INVALID_TOKEN: &str = "This password reset link is invalid or has expired.";

/// Fails with [`Error::NotFound`] unless `token` is a live reset token.
pub async fn check_reset_token(state: &AppState, token: &str) -> Result<()> {
    if token.trim().is_empty() {
        return Err(Error::NotFound);
    }
    let mut conn = state.conn().await?;
    users::get_user_by_reset_password_token(
        &mut conn,
        &digest(token.trim()),
        RESET_TOKEN_LIFETIME_SECS,
    )
    .await?;
    Ok(())
}

/// Sets `password` (confirmed by `confirmation`) with a live reset token.
/// The token works once; every access token of the user is revoked and
/// their streaming connections closed.
pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: &str,
    confirmation: &str,
) -> Result<User> {
    check_reset_token(state, token).await?;
    if password != confirmation {
        return Err(Error::validation(
            "Password confirmation doesn't match Password",
        ));
    }
    validate_password(password)?;
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::caused("password hashing task", e))??;
    let mut conn = state.conn().await?;
    let user = users::reset_password(
        &mut conn,
        &digest(token.trim()),
        RESET_TOKEN_LIFETIME_SECS,
        &hash,
    )
    .await?;
    let revoked = oauth::revoke_user_tokens(&mut conn, user.id).await?;
    drop(conn);
    if let Err(e) = streaming::kill_token_connections(state, &revoked).await {
        tracing::warn!(error = %e, "could not close the streams of revoked tokens");
    }
    tracing::info!(user_id = user.id, revoked = revoked.len(), "password reset");
    Ok(user)
}
