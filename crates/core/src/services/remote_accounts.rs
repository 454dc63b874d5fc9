//! Operator upkeep of accounts (`ferrodonctl accounts refresh|cull|rotate`):
//! re-fetching remote profiles, finding remote accounts whose actor is gone,
//! and giving local accounts a new key pair.
use ferrodon_db::models::Account;
use ferrodon_db::queries::{accounts, operations};

use crate::federation::client::{signed_fetch, FederationError};
use crate::federation::{actors, instance_actor, outbox};
use crate::http_client::FetchError;
use crate::{AppState, Error, Result};

/// Fetches a remote account's actor again, stores its profile and caches
/// its avatar and header now (not through the queue).
pub async fn refresh(state: &AppState, account: &Account) -> Result<Account> {
    if account.is_local() {
        return Err(Error::validation(format!(
            "{} is a local account",
            account.acct()
        )));
    }
    let actor = actors::fetch_actor(state, &account.uri).await?;
    let refreshed = actors::store_actor(state, &actor, &account.uri).await?;
    crate::media::profile::cache_remote_images(
        state,
        refreshed.id,
        actor.avatar_url().map(str::to_owned),
        actor.header_url().map(str::to_owned),
    )
    .await?;
    Ok(refreshed)
}

/// What fetching a remote account's actor showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Liveness {
    /// The actor answers.
    Alive,
    /// Its server answered 404 or 410: the account is gone.
    Gone,
    /// It could not be told (server down, refused address, other status).
    Unknown(String),
}

/// Asks a remote account's server for its actor (signed by the instance actor).
pub async fn check_liveness(state: &AppState, account: &Account) -> Result<Liveness> {
    let signer = instance_actor::instance_actor(state).await?;
    Ok(match signed_fetch(state, &signer, &account.uri).await {
        Ok(_) => Liveness::Alive,
        Err(FederationError::Fetch(FetchError::Status { status, .. }))
            if status == 404 || status == 410 =>
        {
            Liveness::Gone
        }
        Err(e) => Liveness::Unknown(e.to_string()),
    })
}

/// Gives a local account a new RSA key pair and sends `Update` of its actor
/// (with the new key) to its followers' inboxes, as `tootctl accounts rotate`.
pub async fn rotate_keys(state: &AppState, account: &Account) -> Result<Account> {
    if !account.is_local() {
        return Err(Error::validation(format!(
            "{} is not a local account",
            account.acct()
        )));
    }
    let keys = tokio::task::spawn_blocking(ferrodon_apub::signatures::keys::generate_rsa_key_pair)
        .await
        .map_err(|e| Error::caused("key generation task", e))?
        .map_err(|e| Error::caused("key generation", e))?;
    let mut conn = state.conn().await?;
    operations::set_key_pair(
        &mut conn,
        account.id,
        &keys.public_key_pem,
        &keys.private_key_pem,
    )
    .await?;
    let rotated = accounts::get_account_by_id(&mut conn, account.id).await?;
    drop(conn);
    outbox::federate_actor_update(state, &rotated).await?;
    Ok(rotated)
}
