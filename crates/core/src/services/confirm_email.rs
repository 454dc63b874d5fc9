//! Confirming an e-mail address with the token from the confirmation e-mail.
use ferrodon_db::models::User;
use ferrodon_db::queries::users;

use crate::auth::tokens::digest;
use crate::{AppState, Error, Result};

/// How long a confirmation link works (Devise's `confirm_within` as Mastodon sets it).
pub const CONFIRMATION_TOKEN_LIFETIME_SECS: i64 = 2 * 24 * 3600;

/// Confirms the address the token was sent to. The token is spent; an
/// unknown, spent or expired token is [`Error::NotFound`].
pub async fn confirm_email(state: &AppState, token: &str) -> Result<User> {
    let token = token.trim();
    if token.is_empty() {
        return Err(Error::NotFound);
    }
    let mut conn = state.conn().await?;
    let user =
        users::confirm_email(&mut conn, &digest(token), CONFIRMATION_TOKEN_LIFETIME_SECS).await?;
    drop(conn);
    // A first confirmation (not of a changed address) makes the sign-up
    // news for staff. The update sets both columns to the transaction's
    // time, so they are equal only when it confirmed the user just now.
    if user.confirmed_at == Some(user.updated_at) {
        super::staff_notifications::tell_staff_of_sign_up(state, user.account_id).await;
    }
    Ok(user)
}
