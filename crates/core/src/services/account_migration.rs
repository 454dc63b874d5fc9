//! Moving an account: aliases (`alsoKnownAs`, so another server's `Move`
//! to this account verifies) and moving this account to another one, which
//! must name it as an alias first. A move marks the account moved, sends
//! `Move` to its followers' servers (Mastodon's then re-follow the new
//! account) and makes local followers follow the new account.
use ferrodon_db::models::{Account, User};
use ferrodon_db::queries::{account_aliases, accounts, follows};
use ferrodon_db::AccountId;

use crate::auth::passwords::verify_password;
use crate::federation::{actors, outbox};
use crate::services::follow::{follow, unfollow, FollowOptions};
use crate::services::update_credentials::announce_profile;
use crate::{AppState, Error, Result};

/// The account a handle (`user`, `@user@domain`) names, looked up over
/// WebFinger when it is on another server.
pub async fn find_by_handle(state: &AppState, handle: &str) -> Result<Account> {
    let handle = handle.trim().trim_start_matches('@');
    let (username, domain) = match handle.split_once('@') {
        Some((u, d)) if !d.eq_ignore_ascii_case(&state.config.local_domain) => (u, Some(d)),
        Some((u, _)) => (u, None),
        None => (handle, None),
    };
    if username.is_empty() {
        return Err(Error::validation("Enter an account as user@domain"));
    }
    match domain {
        None => {
            let mut conn = state.conn().await?;
            match accounts::get_account_by_acct(&mut conn, username, None).await {
                Ok(account) => Ok(account),
                Err(ferrodon_db::Error::NotFound) => {
                    Err(Error::validation(format!("No account {username} here")))
                }
                Err(e) => Err(e.into()),
            }
        }
        Some(domain) => actors::resolve_acct(state, username, domain)
            .await
            .map_err(|e| Error::validation(format!("Could not find {handle}: {e}"))),
    }
}

/// Names `handle` as another account of `account`'s owner.
pub async fn add_alias(state: &AppState, account: &Account, handle: &str) -> Result<()> {
    let other = find_by_handle(state, handle).await?;
    if other.id == account.id {
        return Err(Error::validation("An account cannot be its own alias"));
    }
    let mut conn = state.conn().await?;
    account_aliases::put_alias(&mut conn, account.id, &other.acct(), &other.uri).await?;
    drop(conn);
    announce_profile(state, account).await;
    Ok(())
}

/// Removes an alias.
pub async fn remove_alias(state: &AppState, account: &Account, id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    if !account_aliases::delete_alias(&mut conn, AccountId::new(account.id), id).await? {
        return Err(Error::NotFound);
    }
    drop(conn);
    announce_profile(state, account).await;
    Ok(())
}

/// Whether `target` names `account` among its aliases (asked of its own
/// server when it is remote).
pub async fn names_as_alias(state: &AppState, target: &Account, account: &Account) -> Result<bool> {
    if target.is_local() {
        let mut conn = state.conn().await?;
        let aliases = account_aliases::list_aliases(&mut conn, target.id).await?;
        return Ok(aliases.iter().any(|a| a.uri == account.uri));
    }
    let actor = actors::fetch_actor(state, &target.uri).await?;
    Ok(actor.also_known_as.iter().any(|aka| *aka == account.uri))
}

/// Moves `account` to the account `handle` names, after checking the
/// password. Returns the new account.
pub async fn move_account(
    state: &AppState,
    user: &User,
    account: &Account,
    handle: &str,
    password: &str,
) -> Result<Account> {
    if !verify_password(password, &user.encrypted_password) {
        return Err(Error::validation("Current password is invalid"));
    }
    let target = find_by_handle(state, handle).await?;
    if target.id == account.id {
        return Err(Error::validation("An account cannot move to itself"));
    }
    let mut conn = state.conn().await?;
    if accounts::moved_to(&mut conn, target.id).await?.is_some() {
        return Err(Error::validation("The new account has itself moved"));
    }
    drop(conn);
    if !names_as_alias(state, &target, account).await? {
        return Err(Error::validation(format!(
            "{} must first name this account ({}) as an alias",
            target.acct(),
            account.acct()
        )));
    }
    let mut conn = state.conn().await?;
    accounts::set_moved_to(
        &mut conn,
        AccountId::new(account.id),
        AccountId::new(target.id),
    )
    .await?;
    let moved = accounts::get_account_by_id(&mut conn, account.id).await?;
    drop(conn);
    announce_profile(state, &moved).await;
    let activity = outbox::move_activity(account, &target);
    outbox::send_to_followers(state, account, activity).await?;
    carry_local_followers(state, account, &target).await?;
    Ok(target)
}

/// Local followers of `from` follow `to` instead (a move, ours or one a
/// remote server announced).
pub async fn carry_local_followers(state: &AppState, from: &Account, to: &Account) -> Result<()> {
    let mut conn = state.conn().await?;
    let followers = follows::list_local_follower_ids(&mut conn, from.id).await?;
    drop(conn);
    for (follower_id, _) in followers {
        if follower_id == to.id {
            continue;
        }
        let mut conn = state.conn().await?;
        let follower = accounts::get_account_by_id(&mut conn, follower_id).await?;
        drop(conn);
        match follow(state, &follower, to.id, FollowOptions::default()).await {
            Ok(()) | Err(Error::Forbidden(_)) => {}
            Err(e) => return Err(e),
        }
        unfollow(state, &follower, from.id).await?;
    }
    Ok(())
}
