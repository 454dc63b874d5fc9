//! `ferrodonctl cache clear|recount`: Redis caches and stored counters, as
//! `tootctl cache`.
use clap::{Subcommand, ValueEnum};
use ferrodon_core::db::queries::operations;
use ferrodon_core::{caches, AppState};

#[derive(Subcommand)]
pub enum CacheCommand {
    /// Delete the caches this server keeps in Redis (home feeds, the
    /// translation languages); queues and rate limits are kept
    Clear,
    /// Recompute stored counters from the rows
    Recount {
        /// accounts (statuses, followers, following) or statuses (replies,
        /// reblogs, favourites, quotes)
        what: Recount,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Recount {
    /// Accounts' statuses, followers and following counts
    Accounts,
    /// Statuses' replies, reblogs, favourites and quotes counts
    Statuses,
}

pub async fn run(cmd: CacheCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        CacheCommand::Clear => {
            let cleared = caches::clear_all(state).await?;
            println!(
                "OK, cleared {} home feed keys and {} other cached values",
                cleared.home_feeds, cleared.other
            );
        }
        CacheCommand::Recount { what } => {
            let mut conn = state.conn().await?;
            let (fixed, kind) = match what {
                Recount::Accounts => (operations::recount_accounts(&mut conn).await?, "accounts"),
                Recount::Statuses => (operations::recount_statuses(&mut conn).await?, "statuses"),
            };
            println!("OK, corrected the counters of {fixed} {kind}");
        }
    }
    Ok(())
}
