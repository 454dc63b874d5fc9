//! `ferrodonctl accounts create|modify|delete|approve|follow|unfollow|
//! refresh|cull|rotate`, printing what tootctl prints.
use anyhow::{bail, Context};
use chrono::Utc;
use clap::Subcommand;
use ferrodon_core::auth::passwords::hash_password;
use ferrodon_core::auth::tokens::random_token;
use ferrodon_core::db::models::UserChanges;
use ferrodon_core::db::models::{Account, Role};
use ferrodon_core::db::queries::{accounts, oauth, operations, users};
use ferrodon_core::federation::actors;
use ferrodon_core::services::admin::{accounts as admin_accounts, Actor};
use ferrodon_core::services::follow::{self, FollowOptions};
use ferrodon_core::services::purge;
use ferrodon_core::services::register_account::{register_account, Origin, Registration};
use ferrodon_core::services::remote_accounts::{self, Liveness};
use ferrodon_core::AppState;
use futures::stream::{self, StreamExt};

#[derive(Subcommand)]
pub enum AccountsCommand {
    /// Create a local account and print its password
    Create {
        /// Username
        username: String,
        /// E-mail address
        #[arg(long)]
        email: String,
        /// Skip e-mail confirmation
        #[arg(long)]
        confirmed: bool,
        /// Owner, Admin, Moderator or User
        #[arg(long, default_value = "User")]
        role: String,
    },
    /// Change a local account
    Modify {
        /// Username
        username: String,
        /// New role: Owner, Admin, Moderator or User
        #[arg(long)]
        role: Option<String>,
        /// New e-mail address
        #[arg(long)]
        email: Option<String>,
        /// Mark the e-mail address confirmed
        #[arg(long)]
        confirm: bool,
        /// Approve a pending sign-up
        #[arg(long)]
        approve: bool,
        /// Allow sign-in again
        #[arg(long)]
        enable: bool,
        /// Forbid sign-in and revoke every token
        #[arg(long)]
        disable: bool,
        /// Set a new random password, print it, and revoke every token
        #[arg(long)]
        reset_password: bool,
    },
    /// Delete a local account and everything it posted
    Delete {
        /// Username
        username: String,
    },
    /// Approve pending sign-ups: one by username, the N oldest, or all
    Approve {
        /// Username of the pending account
        username: Option<String>,
        /// Approve the N oldest pending sign-ups
        #[arg(long)]
        number: Option<i64>,
        /// Approve every pending sign-up
        #[arg(long)]
        all: bool,
    },
    /// Make every local account follow USERNAME (local, or user@domain)
    Follow {
        /// The account to follow
        acct: String,
    },
    /// Make every local follower of ACCT unfollow it
    Unfollow {
        /// The account to unfollow (local, or user@domain)
        acct: String,
    },
    /// Fetch remote accounts' profiles, avatars and headers again
    Refresh {
        /// user@domain of one remote account
        acct: Option<String>,
        /// Every known account of this domain
        #[arg(long)]
        domain: Option<String>,
        /// Every known remote account
        #[arg(long)]
        all: bool,
        /// Accounts fetched at once
        #[arg(long, default_value_t = 5)]
        concurrency: usize,
        /// Only list what would be refreshed
        #[arg(long)]
        dry_run: bool,
    },
    /// Delete remote accounts whose server answers 404 or 410 for their actor
    Cull {
        /// Only accounts of these domains (default: all remote accounts)
        domains: Vec<String>,
        /// Accounts checked at once
        #[arg(long, default_value_t = 5)]
        concurrency: usize,
        /// Only report what would be deleted
        #[arg(long)]
        dry_run: bool,
    },
    /// Give a local account (or all) a new key pair and tell followers
    Rotate {
        /// Username
        username: Option<String>,
        /// Every local account
        #[arg(long)]
        all: bool,
    },
}

fn new_password() -> String {
    random_token()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(32)
        .collect()
}

/// A role named as `users.role` stores it (`Owner`, `Admin`, `Moderator`, `User`).
fn parse_role(name: &str) -> anyhow::Result<Role> {
    name.parse()
        .map_err(|_| anyhow::anyhow!("unknown role {name:?}: use Owner, Admin, Moderator or User"))
}

pub async fn run(cmd: AccountsCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        AccountsCommand::Create {
            username,
            email,
            confirmed,
            role,
        } => {
            let password = new_password();
            let mut conn = state.conn().await?;
            if accounts::get_account_by_acct(&mut conn, &username, None)
                .await
                .is_ok()
            {
                bail!("Failure/Error: username {username} is already taken");
            }
            drop(conn);
            register_account(
                state,
                Registration {
                    username,
                    email,
                    password: password.clone(),
                    role: parse_role(&role)?,
                    confirmed,
                    approved: true,
                    locale: "en".into(),
                    reason: None,
                    application_id: None,
                },
                Origin::Admin,
            )
            .await?;
            println!("OK");
            println!("New password: {password}");
            Ok(())
        }
        AccountsCommand::Modify {
            username,
            role,
            email,
            confirm,
            approve,
            enable,
            disable,
            reset_password,
        } => {
            if enable && disable {
                bail!("--enable and --disable cannot be combined");
            }
            let role = role.as_deref().map(parse_role).transpose()?;
            let mut conn = state.conn().await?;
            let account = accounts::get_account_by_acct(&mut conn, &username, None)
                .await
                .with_context(|| format!("No user with such username: {username}"))?;
            let user = users::get_user_by_account_id(&mut conn, account.id).await?;
            if let Some(role) = role {
                // Audited, as done by "the system".
                drop(conn);
                admin_accounts::change_role(state, Actor::System, &account, &user, role).await?;
                conn = state.conn().await?;
            }
            let password = reset_password.then(new_password);
            let encrypted_password = match &password {
                Some(p) => Some(hash_password(p)?),
                None => None,
            };
            users::update_user(
                &mut conn,
                user.id,
                &UserChanges {
                    email,
                    encrypted_password,
                    confirmed_at: confirm.then(|| Some(Utc::now())),
                    approved: approve.then_some(true),
                    disabled: if disable {
                        Some(true)
                    } else if enable {
                        Some(false)
                    } else {
                        None
                    },
                    updated_at: Some(Utc::now()),
                    ..Default::default()
                },
            )
            .await?;
            if disable || reset_password {
                let revoked = oauth::revoke_user_tokens(&mut conn, user.id).await?;
                ferrodon_core::streaming::kill_token_connections(state, &revoked).await?;
            }
            println!("OK");
            if let Some(p) = password {
                println!("New password: {p}");
            }
            Ok(())
        }
        AccountsCommand::Delete { username } => {
            let mut conn = state.conn().await?;
            let account = accounts::get_account_by_acct(&mut conn, &username, None)
                .await
                .with_context(|| format!("No user with such username: {username}"))?;
            anyhow::ensure!(account.is_local(), "{username} is not a local account");
            drop(conn);
            purge::purge_account(state, account.id).await?;
            println!("OK");
            Ok(())
        }
        AccountsCommand::Approve {
            username,
            number,
            all,
        } => approve(state, username, number, all).await,
        AccountsCommand::Follow { acct } => follow_all(state, &acct).await,
        AccountsCommand::Unfollow { acct } => unfollow_all(state, &acct).await,
        AccountsCommand::Refresh {
            acct,
            domain,
            all,
            concurrency,
            dry_run,
        } => refresh(state, acct, domain, all, concurrency, dry_run).await,
        AccountsCommand::Cull {
            domains,
            concurrency,
            dry_run,
        } => cull(state, domains, concurrency, dry_run).await,
        AccountsCommand::Rotate { username, all } => rotate(state, username, all).await,
    }
}

/// Finds an account by `username` (local) or `user@domain` (remote, as stored).
async fn find_account(state: &AppState, acct: &str) -> anyhow::Result<Account> {
    let acct = acct.trim_start_matches('@');
    let (username, domain) = match acct.split_once('@') {
        Some((u, d)) if d.eq_ignore_ascii_case(&state.config.local_domain) => (u, None),
        Some((u, d)) => (u, Some(d)),
        None => (acct, None),
    };
    let mut conn = state.conn().await?;
    accounts::get_account_by_acct(&mut conn, username, domain)
        .await
        .with_context(|| format!("No such account: {acct}"))
}

async fn approve(
    state: &AppState,
    username: Option<String>,
    number: Option<i64>,
    all: bool,
) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
    let account_ids = match (username, number, all) {
        (Some(username), None, false) => {
            let account = accounts::get_account_by_acct(&mut conn, &username, None)
                .await
                .with_context(|| format!("No user with such username: {username}"))?;
            vec![account.id]
        }
        (None, Some(n), false) if n > 0 => {
            operations::pending_sign_up_account_ids(&mut conn, Some(n)).await?
        }
        (None, None, true) => operations::pending_sign_up_account_ids(&mut conn, None).await?,
        _ => bail!("give one of USERNAME, --number N (N > 0) or --all"),
    };
    drop(conn);
    // Through the admin service the admin API and pages call, so each
    // approval is in the audit log, as done by "the system".
    for id in &account_ids {
        let (account, user) = {
            let mut conn = state.conn().await?;
            let account = accounts::get_account_by_id(&mut conn, *id).await?;
            let user = users::get_user_by_account_id(&mut conn, *id).await?;
            (account, user)
        };
        admin_accounts::approve(state, Actor::System, &account, &user).await?;
    }
    println!("Approved {} accounts", account_ids.len());
    Ok(())
}

async fn follow_all(state: &AppState, acct: &str) -> anyhow::Result<()> {
    let target = match find_account(state, acct).await {
        Ok(a) => a,
        Err(e) => match acct.trim_start_matches('@').split_once('@') {
            Some((user, domain)) => actors::resolve_acct(state, user, domain)
                .await
                .with_context(|| format!("{e:#}; looking it up failed"))?,
            None => return Err(e),
        },
    };
    let mut conn = state.conn().await?;
    let ids = operations::local_user_account_ids(&mut conn).await?;
    let followers = accounts::get_accounts_by_ids(&mut conn, &ids).await?;
    drop(conn);
    let (mut done, mut failed) = (0, 0);
    for follower in followers.iter().filter(|a| a.id != target.id) {
        match follow::follow(state, follower, target.id, FollowOptions::default()).await {
            Ok(()) => done += 1,
            Err(e) => {
                failed += 1;
                eprintln!("{}: {e}", follower.acct());
            }
        }
    }
    println!(
        "OK, followed {} from {done} accounts, skipped {failed}",
        target.acct()
    );
    Ok(())
}

async fn unfollow_all(state: &AppState, acct: &str) -> anyhow::Result<()> {
    let target = find_account(state, acct).await?;
    let mut conn = state.conn().await?;
    let ids = operations::local_follower_ids(&mut conn, target.id).await?;
    let followers = accounts::get_accounts_by_ids(&mut conn, &ids).await?;
    drop(conn);
    for follower in &followers {
        follow::unfollow(state, follower, target.id)
            .await
            .with_context(|| format!("{} could not unfollow", follower.acct()))?;
    }
    println!(
        "OK, unfollowed {} from {} accounts",
        target.acct(),
        followers.len()
    );
    Ok(())
}

async fn remote_targets(
    state: &AppState,
    acct: Option<String>,
    domain: Option<String>,
    all: bool,
) -> anyhow::Result<Vec<Account>> {
    let ids = match (acct, domain, all) {
        (Some(acct), None, false) => {
            let account = find_account(state, &acct).await?;
            anyhow::ensure!(!account.is_local(), "{acct} is a local account");
            vec![account.id]
        }
        (None, Some(domain), false) => {
            let mut conn = state.conn().await?;
            operations::remote_account_ids(&mut conn, Some(&domain)).await?
        }
        (None, None, true) => {
            let mut conn = state.conn().await?;
            operations::remote_account_ids(&mut conn, None).await?
        }
        _ => bail!("give one of USER@DOMAIN, --domain DOMAIN or --all"),
    };
    let mut conn = state.conn().await?;
    Ok(accounts::get_accounts_by_ids(&mut conn, &ids).await?)
}

async fn refresh(
    state: &AppState,
    acct: Option<String>,
    domain: Option<String>,
    all: bool,
    concurrency: usize,
    dry_run: bool,
) -> anyhow::Result<()> {
    let targets = remote_targets(state, acct, domain, all).await?;
    if dry_run {
        for a in &targets {
            println!("{}", a.acct());
        }
        println!("Would refresh {} accounts (DRY RUN)", targets.len());
        return Ok(());
    }
    let results: Vec<(String, Result<Account, String>)> = stream::iter(targets)
        .map(|a| async move {
            let r = remote_accounts::refresh(state, &a)
                .await
                .map_err(|e| e.to_string());
            (a.acct(), r)
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut failed = 0;
    for (acct, r) in &results {
        if let Err(e) = r {
            failed += 1;
            eprintln!("{acct}: {e}");
        }
    }
    println!(
        "Refreshed {} accounts, {failed} failed",
        results.len() - failed
    );
    if failed > 0 && failed == results.len() {
        bail!("every refresh failed");
    }
    Ok(())
}

async fn cull(
    state: &AppState,
    domains: Vec<String>,
    concurrency: usize,
    dry_run: bool,
) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
    let ids = if domains.is_empty() {
        operations::remote_account_ids(&mut conn, None).await?
    } else {
        operations::account_ids_on_domains(&mut conn, &domains).await?
    };
    let targets = accounts::get_accounts_by_ids(&mut conn, &ids).await?;
    drop(conn);
    let checked: Vec<(Account, anyhow::Result<Liveness>)> = stream::iter(targets)
        .map(|a| async move {
            let r = remote_accounts::check_liveness(state, &a).await;
            (a, r.map_err(anyhow::Error::from))
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let (mut culled, mut unknown) = (0, 0);
    for (account, liveness) in checked {
        match liveness? {
            Liveness::Alive => {}
            Liveness::Gone => {
                culled += 1;
                println!("{} is gone", account.acct());
                if !dry_run {
                    purge::purge_account(state, account.id).await?;
                }
            }
            Liveness::Unknown(why) => {
                unknown += 1;
                eprintln!("{}: not checked ({why})", account.acct());
            }
        }
    }
    let dry = if dry_run { " (DRY RUN)" } else { "" };
    println!("Visited {} accounts, removed {culled}{dry}", ids.len());
    if unknown > 0 {
        println!("{unknown} accounts could not be checked; they were kept");
    }
    Ok(())
}

async fn rotate(state: &AppState, username: Option<String>, all: bool) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
    let ids = match (username, all) {
        (Some(username), false) => {
            let account = accounts::get_account_by_acct(&mut conn, &username, None)
                .await
                .with_context(|| format!("No user with such username: {username}"))?;
            vec![account.id]
        }
        (None, true) => operations::local_user_account_ids(&mut conn).await?,
        _ => bail!("give USERNAME or --all"),
    };
    let targets = accounts::get_accounts_by_ids(&mut conn, &ids).await?;
    drop(conn);
    for account in &targets {
        remote_accounts::rotate_keys(state, account)
            .await
            .with_context(|| format!("rotating the keys of {}", account.acct()))?;
    }
    println!("OK, rotated the keys of {} accounts", targets.len());
    Ok(())
}
