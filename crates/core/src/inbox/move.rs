//! `Move`: the signer moved to another account. If the new account names
//! the old one in `alsoKnownAs`, the old one is marked as moved and its
//! local followers follow the new one.
use ferrodon_apub::activitypub::{Activity, Actor};
use ferrodon_db::models::Account;
use ferrodon_db::queries::accounts;
use ferrodon_db::AccountId;

use crate::authority::same_authority;
use crate::federation::actors::{fetch_actor, store_actor};
use crate::services::account_migration::{carry_local_followers, names_as_alias};
use crate::{AppState, Error, Result};

/// The account moved to, checked to name the signer as an alias.
pub(super) enum Verified<'a> {
    /// A local account (its aliases are here).
    Local(Box<Account>),
    /// A remote actor, fetched from its own server and not stored yet.
    Remote {
        /// Its actor document.
        actor: Box<Actor>,
        /// Where it was fetched from.
        uri: &'a str,
    },
}

fn not_an_alias(target_uri: &str, signer: &Account) -> Error {
    Error::validation(format!(
        "{target_uri} does not name {} as an alias",
        signer.uri
    ))
}

/// Only the signer itself may move, and only to an account that names it
/// as an alias. A remote new account is fetched (read, not stored).
pub(super) async fn verify<'a>(
    state: &AppState,
    signer: &Account,
    activity: &'a Activity,
) -> Result<Option<Verified<'a>>> {
    if activity.object_id() != Some(signer.uri.as_str()) {
        return Err(Error::validation("a Move of someone else"));
    }
    let Some(target_uri) = activity.target_id() else {
        return Ok(None);
    };
    if same_authority(target_uri, &state.config.base_url()) {
        let mut conn = state.conn().await?;
        let target = accounts::get_account_by_uri(&mut conn, target_uri).await?;
        drop(conn);
        if !names_as_alias(state, &target, signer).await? {
            return Err(not_an_alias(target_uri, signer));
        }
        return Ok(Some(Verified::Local(Box::new(target))));
    }
    let actor = fetch_actor(state, target_uri).await?;
    if !actor.also_known_as.iter().any(|aka| *aka == signer.uri) {
        return Err(not_an_alias(target_uri, signer));
    }
    Ok(Some(Verified::Remote {
        actor,
        uri: target_uri,
    }))
}

/// Stores the new account (if remote), marks the move and carries the
/// local followers over.
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified<'_>) -> Result<()> {
    let target = match v {
        Verified::Local(target) => *target,
        Verified::Remote { actor, uri } => store_actor(state, &actor, uri).await?,
    };
    let mut conn = state.conn().await?;
    accounts::set_moved_to(
        &mut conn,
        AccountId::new(signer.id),
        AccountId::new(target.id),
    )
    .await?;
    drop(conn);
    carry_local_followers(state, signer, &target).await
}
