//! Changing one's e-mail address (it waits for its confirmation link) or
//! password (which signs out the other browsers and revokes every access
//! token, as Mastodon does). Both need the current password.
use chrono::Utc;
use ferrodon_db::models::{User, UserChanges};
use ferrodon_db::queries::{oauth, users, web_sessions};

use super::register_account::validate_email;
use crate::auth::passwords::{hash_password, validate_password, verify_password};
use crate::mail::{self, MailJob};
use crate::{streaming, AppState, Error, Result};

async fn require_password(user: &User, current_password: &str) -> Result<()> {
    let hash = user.encrypted_password.clone();
    let given = current_password.to_owned();
    let ok = tokio::task::spawn_blocking(move || verify_password(&given, &hash))
        .await
        .map_err(|e| Error::caused("password check task", e))?;
    if ok {
        Ok(())
    } else {
        Err(Error::validation("Current password is invalid"))
    }
}

/// Puts `new_email` up for confirmation; the current address stays until
/// the link in the e-mail sent to the new one is followed.
pub async fn change_email(
    state: &AppState,
    user: &User,
    current_password: &str,
    new_email: &str,
) -> Result<()> {
    require_password(user, current_password).await?;
    let new_email = new_email.trim();
    validate_email(new_email)?;
    if new_email.eq_ignore_ascii_case(&user.email) {
        return Err(Error::validation("Email is the same as the current one"));
    }
    let mut conn = state.conn().await?;
    if users::email_taken(&mut conn, new_email).await? {
        return Err(Error::validation("Email has already been taken"));
    }
    users::update_user(
        &mut conn,
        user.id,
        &UserChanges {
            unconfirmed_email: Some(Some(new_email.to_owned())),
            updated_at: Some(Utc::now()),
            ..Default::default()
        },
    )
    .await?;
    mail::queue(state, MailJob::Confirmation { user_id: user.id }).await
}

/// Sets a new password; every other browser session ends (all but
/// `keep_session`) and every access token is revoked, closing its streams.
pub async fn change_password(
    state: &AppState,
    user: &User,
    current_password: &str,
    new_password: &str,
    confirmation: &str,
    keep_session: Option<i64>,
) -> Result<()> {
    require_password(user, current_password).await?;
    if new_password != confirmation {
        return Err(Error::validation(
            "Password confirmation doesn't match Password",
        ));
    }
    validate_password(new_password)?;
    let password = new_password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::caused("password hashing task", e))??;
    let mut conn = state.conn().await?;
    users::update_user(
        &mut conn,
        user.id,
        &UserChanges {
            encrypted_password: Some(hash),
            updated_at: Some(Utc::now()),
            ..Default::default()
        },
    )
    .await?;
    web_sessions::delete_other_web_sessions(&mut conn, user.id, keep_session).await?;
    let revoked = oauth::revoke_user_tokens(&mut conn, user.id).await?;
    drop(conn);
    if let Err(e) = streaming::kill_token_connections(state, &revoked).await {
        tracing::warn!(error = %e, "could not close the streams of revoked tokens");
    }
    tracing::info!(
        user_id = user.id,
        revoked = revoked.len(),
        "password changed"
    );
    Ok(())
}
