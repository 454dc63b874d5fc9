//! Invitations to sign up: users hand out codes that open sign-up even
//! when registrations are closed or need approval (Mastodon's invites).
use chrono::{Duration, Utc};
use ferrodon_db::models::Account;
use ferrodon_db::queries::invites::{self, Invite, NewInvite};
use ferrodon_db::queries::users;

use super::follow::{follow, FollowOptions};
use crate::auth::tokens::random_token;
use crate::{AppState, Error, Result};

/// How many characters an invite code has.
const CODE_LENGTH: usize = 8;

/// The use limits offered on the invites page (None: no limit).
pub const MAX_USES_CHOICES: &[Option<i32>] = &[
    None,
    Some(1),
    Some(5),
    Some(10),
    Some(25),
    Some(50),
    Some(100),
];

/// The lifetimes offered on the invites page, in seconds (None: never expires).
pub const EXPIRY_CHOICES: &[(Option<i64>, &str)] = &[
    (None, "Never"),
    (Some(1800), "30 minutes"),
    (Some(3600), "1 hour"),
    (Some(6 * 3600), "6 hours"),
    (Some(12 * 3600), "12 hours"),
    (Some(86400), "1 day"),
    (Some(7 * 86400), "1 week"),
];

/// What an invite is created with.
#[derive(Debug, Clone, Default)]
pub struct InviteOptions {
    /// How many sign-ups it allows (None: unlimited).
    pub max_uses: Option<i32>,
    /// Seconds until it expires (None: never).
    pub expires_in: Option<i64>,
    /// Whether people who sign up with it follow the inviter.
    pub autofollow: bool,
}

/// Creates an invite for `user_id`.
pub async fn create_invite(
    state: &AppState,
    user_id: i64,
    options: InviteOptions,
) -> Result<Invite> {
    if options.max_uses.is_some_and(|n| !(1..=1000).contains(&n)) {
        return Err(Error::validation("Max uses must be between 1 and 1000"));
    }
    if options
        .expires_in
        .is_some_and(|s| !(60..=366 * 86400).contains(&s))
    {
        return Err(Error::validation("Expires in is out of range"));
    }
    let code: String = random_token()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(CODE_LENGTH)
        .collect();
    let mut conn = state.conn().await?;
    Ok(invites::insert_invite(
        &mut conn,
        NewInvite {
            user_id,
            code: &code,
            max_uses: options.max_uses,
            expires_at: options
                .expires_in
                .map(|s| Utc::now() + Duration::seconds(s)),
            autofollow: options.autofollow,
        },
    )
    .await?)
}

/// The invite with `code` if it can still be used; [`Error::NotFound`]
/// otherwise (unknown, expired, used up, or its inviter can no longer
/// sign in).
pub async fn usable_invite(state: &AppState, code: &str) -> Result<Invite> {
    let code = code.trim();
    if code.is_empty() || code.len() > 64 {
        return Err(Error::NotFound);
    }
    let mut conn = state.conn().await?;
    let invite = invites::find_invite_by_code(&mut conn, code).await?;
    if !invite.is_valid(Utc::now()) {
        return Err(Error::NotFound);
    }
    let (inviter, account) = users::get_user_with_account(&mut conn, invite.user_id).await?;
    if inviter.disabled || account.suspended_at.is_some() {
        return Err(Error::NotFound);
    }
    Ok(invite)
}

/// After a sign-up with `invite`: the new account follows the inviter
/// when the invite says so. Failing to follow does not undo the sign-up.
pub async fn after_sign_up(state: &AppState, invite: &Invite, new_account: &Account) {
    if !invite.autofollow {
        return;
    }
    let inviter = match state.conn().await {
        Ok(mut conn) => users::get_user_with_account(&mut conn, invite.user_id).await,
        Err(e) => {
            tracing::warn!(error = %e, "invite autofollow: no connection");
            return;
        }
    };
    match inviter {
        Ok((_, inviter)) => {
            if let Err(e) = follow(state, new_account, inviter.id, FollowOptions::default()).await {
                tracing::warn!(error = %e, invite_id = invite.id, "invite autofollow failed");
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, invite_id = invite.id, "invite autofollow: no inviter")
        }
    }
}

/// A user's invites, newest first.
pub async fn list_invites(state: &AppState, user_id: i64) -> Result<Vec<Invite>> {
    let mut conn = state.conn().await?;
    Ok(invites::list_invites(&mut conn, user_id).await?)
}

/// Expires one of the user's invites now.
pub async fn expire_invite(state: &AppState, user_id: i64, invite_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    if invites::expire_invite(&mut conn, user_id, invite_id).await? {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}
