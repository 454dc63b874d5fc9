//! `ferrodonctl accounts create|modify|delete`, printing what tootctl prints.
use anyhow::{bail, Context};
use chrono::Utc;
use clap::Subcommand;
use ferrodon_core::auth::passwords::hash_password;
use ferrodon_core::auth::tokens::random_token;
use ferrodon_core::db::models::UserChanges;
use ferrodon_core::db::queries::{accounts, oauth, users};
use ferrodon_core::services::register_account::{register_account, Origin, Registration};
use ferrodon_core::AppState;

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
}

fn new_password() -> String {
    random_token()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(32)
        .collect()
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
                    role,
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
            if let Some(r) = &role {
                if !["Owner", "Admin", "Moderator", "User"].contains(&r.as_str()) {
                    bail!("unknown role {r:?}: use Owner, Admin, Moderator or User");
                }
            }
            let mut conn = state.conn().await?;
            let account = accounts::get_account_by_acct(&mut conn, &username, None)
                .await
                .with_context(|| format!("No user with such username: {username}"))?;
            let user = users::get_user_by_account_id(&mut conn, account.id).await?;
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
                    role,
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
            accounts::delete_account(&mut conn, account.id).await?;
            println!("OK");
            Ok(())
        }
    }
}
