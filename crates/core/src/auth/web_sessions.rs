//! Browser sessions for the server's HTML pages: a random secret in a
//! cookie (stored as its digest), a CSRF token per session, an idle limit.
use chrono::{Duration, Utc};
use ferrodon_db::models::{Account, User};
use ferrodon_db::queries::web_sessions::{self as queries, NewWebSession, WebSession};

use super::tokens::{constant_time_eq, digest, random_token};
use crate::{AppState, Error, Result};

/// A session unused for this long is signed out.
pub const IDLE_LIMIT_DAYS: i64 = 30;

/// Activity is written back at most this often per session.
const TOUCH_EVERY_SECS: i64 = 60;

/// A signed-in browser: its session, user and account.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The session row.
    pub session: WebSession,
    /// The user signed in.
    pub user: User,
    /// The user's account.
    pub account: Account,
}

/// Starts a session for `user_id`; returns the secret for the cookie.
pub async fn start(
    state: &AppState,
    user_id: i64,
    user_agent: &str,
    ip: &str,
) -> Result<(String, WebSession)> {
    let secret = random_token();
    let csrf = random_token();
    let mut conn = state.conn().await?;
    let user_agent: String = user_agent.chars().take(500).collect();
    let session = queries::insert_web_session(
        &mut conn,
        NewWebSession {
            user_id,
            token_digest: &digest(&secret),
            csrf_token: &csrf,
            user_agent: &user_agent,
            ip,
        },
    )
    .await?;
    Ok((secret, session))
}

/// The session a cookie secret stands for, if it is live and its user may
/// still sign in (not disabled, not suspended).
pub async fn resume(state: &AppState, secret: &str, ip: &str) -> Result<Option<SignedIn>> {
    if secret.is_empty() || secret.len() > 100 {
        return Ok(None);
    }
    let mut conn = state.conn().await?;
    let (session, user, account) = match queries::find_web_session(&mut conn, &digest(secret)).await
    {
        Ok(found) => found,
        Err(ferrodon_db::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let now = Utc::now();
    if now - session.last_active_at > Duration::days(IDLE_LIMIT_DAYS) {
        queries::delete_web_session(&mut conn, user.id, session.id).await?;
        return Ok(None);
    }
    if user.disabled || account.suspended_at.is_some() {
        return Ok(None);
    }
    if now - session.last_active_at > Duration::seconds(TOUCH_EVERY_SECS) || session.ip != ip {
        queries::touch_web_session(&mut conn, session.id, ip).await?;
    }
    Ok(Some(SignedIn {
        session,
        user,
        account,
    }))
}

/// Ends the session a cookie secret stands for (signing out).
pub async fn end(state: &AppState, secret: &str) -> Result<()> {
    let mut conn = state.conn().await?;
    match queries::find_web_session(&mut conn, &digest(secret)).await {
        Ok((session, user, _)) => {
            queries::delete_web_session(&mut conn, user.id, session.id).await?;
            Ok(())
        }
        Err(ferrodon_db::Error::NotFound) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Whether a submitted form token matches the session's, compared in
/// constant time.
pub fn csrf_matches(session: &WebSession, submitted: &str) -> bool {
    constant_time_eq(session.csrf_token.as_bytes(), submitted.as_bytes())
}

/// Refuses a form whose token does not match the session's.
pub fn require_csrf(session: &WebSession, submitted: &str) -> Result<()> {
    if csrf_matches(session, submitted) {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "Your session has expired or the form is stale. Reload the page and try again.".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_comparison_agrees_with_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
    }
}
