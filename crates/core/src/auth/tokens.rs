//! Random secrets, their digests, and bearer-token authentication.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ferrodon_db::models::{Account, User};
use ferrodon_db::queries::oauth;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{Scope, ScopeSet};
use crate::{AppState, Error, Result};

/// A URL-safe random secret of 32 bytes (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 digest (hex) under which a secret is stored.
pub fn digest(secret: &str) -> String {
    let hash = Sha256::digest(secret.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// Byte comparison whose time does not depend on where the inputs differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Who a bearer token speaks for.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// Token row id.
    pub token_id: i64,
    /// The application the token was issued to.
    pub application_id: Option<i64>,
    /// Granted scopes.
    pub scopes: ScopeSet,
    /// The signed-in user, None for client_credentials tokens.
    pub user: Option<(User, Account)>,
}

impl Authenticated {
    /// The signed-in user and account, or 422/401 like Mastodon when the token has none.
    pub fn require_user(&self) -> Result<&(User, Account)> {
        self.user
            .as_ref()
            .ok_or_else(|| Error::Validation("This method requires an authenticated user".into()))
    }

    /// Fails with 403 unless the token grants one of `scopes`.
    pub fn require_scope(&self, scopes: &[Scope]) -> Result<()> {
        if self.scopes.allows_any(scopes) {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "This action is outside the authorized scopes".into(),
            ))
        }
    }

    /// The viewer's account id, if a user is signed in.
    pub fn account_id(&self) -> Option<i64> {
        self.user.as_ref().map(|(_, a)| a.id)
    }
}

/// Resolves a bearer token. Revoked or unknown tokens, and tokens of
/// disabled or suspended users, are refused with 401; tokens of users whose
/// e-mail is unconfirmed or who await approval with 403, as Mastodon's
/// `require_user!` does.
pub async fn authenticate(state: &AppState, bearer: &str) -> Result<Authenticated> {
    resolve(state, bearer, true).await
}

/// Like [`authenticate`], but lets through users whose e-mail is not
/// confirmed or who await approval: for the few endpoints they need
/// (`POST /api/v1/emails/confirmations`).
pub async fn authenticate_pending(state: &AppState, bearer: &str) -> Result<Authenticated> {
    resolve(state, bearer, false).await
}

async fn resolve(state: &AppState, bearer: &str, require_active: bool) -> Result<Authenticated> {
    let invalid = || Error::Unauthorized("The access token is invalid".into());
    let mut conn = state.conn().await?;
    let (token, user) = match oauth::get_live_token_with_user(&mut conn, &digest(bearer)).await {
        Ok(found) => found,
        Err(ferrodon_db::Error::NotFound) => return Err(invalid()),
        Err(e) => return Err(e.into()),
    };
    let scopes = ScopeSet::parse(&token.scopes).map_err(|_| invalid())?;
    if token.user_id.is_some() && user.is_none() {
        return Err(invalid());
    }
    if let Some((user, account)) = &user {
        if user.disabled || account.suspended_at.is_some() {
            return Err(Error::Unauthorized(
                "Your login is currently disabled".into(),
            ));
        }
        if require_active && user.confirmed_at.is_none() {
            return Err(Error::Forbidden(
                "Your login is missing a confirmed e-mail address".into(),
            ));
        }
        if require_active && !user.approved {
            return Err(Error::Forbidden(
                "Your login is currently pending approval".into(),
            ));
        }
    }
    Ok(Authenticated {
        token_id: token.id,
        application_id: token.application_id,
        scopes,
        user,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_digests_stable() {
        let a = random_token();
        let b = random_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
