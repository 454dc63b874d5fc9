//! The instance actor: an `Application` actor at `/actor` that signs the
//! fetches the server makes on its own behalf (resolving accounts, keys).
//! It is an account row with a fixed id, as Mastodon's (-99).
use ferrodon_db::models::Account;
use ferrodon_db::queries::accounts;

use crate::{AppState, Error, Result};

/// The instance actor's account id.
pub const INSTANCE_ACTOR_ID: i64 = -99;

/// The instance actor, created with its key pair on first use.
pub async fn instance_actor(state: &AppState) -> Result<Account> {
    let mut conn = state.conn().await?;
    match accounts::get_account_by_id(&mut conn, INSTANCE_ACTOR_ID).await {
        Ok(account) => return Ok(account),
        Err(ferrodon_db::Error::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    drop(conn);
    let keys = tokio::task::spawn_blocking(ferrodon_apub::signatures::keys::generate_rsa_key_pair)
        .await
        .map_err(|e| Error::caused("key generation task", e))?
        .map_err(|e| Error::caused("key generation", e))?;
    let config = &state.config;
    let uri = format!("{}/actor", config.base_url());
    let mut conn = state.conn().await?;
    accounts::ensure_account_with_id(
        &mut conn,
        INSTANCE_ACTOR_ID,
        &ferrodon_db::models::NewAccount {
            username: config.local_domain.clone(),
            domain: None,
            display_name: String::new(),
            note: String::new(),
            locked: true,
            bot: true,
            uri: uri.clone(),
            url: Some(format!(
                "{}/about/more?instance_actor=true",
                config.base_url()
            )),
            inbox_url: format!("{uri}/inbox"),
            shared_inbox_url: super::documents::shared_inbox(config),
            outbox_url: format!("{uri}/outbox"),
            followers_url: String::new(),
            public_key: keys.public_key_pem,
            private_key: Some(keys.private_key_pem),
        },
    )
    .await?;
    Ok(accounts::get_account_by_id(&mut conn, INSTANCE_ACTOR_ID).await?)
}
