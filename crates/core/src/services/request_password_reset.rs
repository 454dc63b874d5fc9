//! `POST /auth/password`: e-mail a password reset link. The answer is the
//! same whether or not the address belongs to someone.
use ferrodon_db::queries::users;

use crate::mail::{self, MailJob};
use crate::{rate_limit, AppState, Result};

/// Reset e-mails one address may receive per window, whoever asks.
const PER_ADDRESS_LIMIT: u32 = 5;
/// The per-address window: 30 minutes, as Mastodon's rack-attack rule.
const PER_ADDRESS_WINDOW_SECS: u64 = 1800;

/// Queues a reset e-mail when `email` belongs to an active user. Callers
/// rate-limit by client IP; this limits e-mails per address silently.
pub async fn request_password_reset(state: &AppState, email: &str) -> Result<()> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    let user = match users::get_user_by_email(&mut conn, &email).await {
        Ok(user) => user,
        Err(ferrodon_db::Error::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    if user.disabled {
        return Ok(());
    }
    let bucket = format!("password_reset:{}", crate::auth::tokens::digest(&email));
    if rate_limit::check(state, &bucket, PER_ADDRESS_LIMIT, PER_ADDRESS_WINDOW_SECS)
        .await
        .is_err()
    {
        tracing::info!(
            user_id = user.id,
            "password reset e-mail withheld: too many requests"
        );
        return Ok(());
    }
    mail::queue(state, MailJob::PasswordReset { user_id: user.id }).await
}
