//! `ferrodonctl feeds build|clear`: home feeds in Redis, as `tootctl feeds`.
use anyhow::{bail, Context};
use clap::Subcommand;
use ferrodon_core::db::queries::{accounts, operations};
use ferrodon_core::{caches, feeds, AppState};

#[derive(Subcommand)]
pub enum FeedsCommand {
    /// Rebuild home feeds from follows: one account's or every local account's
    Build {
        /// Username
        username: Option<String>,
        /// Every local account
        #[arg(long)]
        all: bool,
    },
    /// Delete every home feed (each is rebuilt when next read)
    Clear,
}

pub async fn run(cmd: FeedsCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        FeedsCommand::Build { username, all } => {
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
            drop(conn);
            for id in &ids {
                feeds::regenerate_home_feed(state, *id).await?;
            }
            println!("OK, rebuilt {} home feeds", ids.len());
        }
        FeedsCommand::Clear => {
            let cleared = caches::clear_home_feeds(state).await?;
            println!("OK, cleared {cleared} home feed keys");
        }
    }
    Ok(())
}
