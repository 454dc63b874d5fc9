//! `ferrodonctl relays add|remove|list`: ActivityPub relays, as Mastodon's
//! admin relay page manages them.
use anyhow::bail;
use clap::Subcommand;
use ferrodon_core::db::queries::relays;
use ferrodon_core::federation::relays::{add_relay, remove_relay};
use ferrodon_core::AppState;

#[derive(Subcommand)]
pub enum RelaysCommand {
    /// Subscribe to a relay by its inbox URL (e.g. https://relay.example/inbox)
    Add {
        /// The relay's inbox
        inbox_url: String,
    },
    /// Unsubscribe from a relay
    Remove {
        /// The relay's inbox
        inbox_url: String,
    },
    /// List relays and whether they accepted
    List,
}

pub async fn run(cmd: RelaysCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        RelaysCommand::Add { inbox_url } => {
            let relay = add_relay(state, inbox_url.trim()).await?;
            println!(
                "{}\t{} (the relay answers asynchronously)",
                relay.inbox_url, relay.state
            );
        }
        RelaysCommand::Remove { inbox_url } => {
            if !remove_relay(state, inbox_url.trim()).await? {
                bail!("{inbox_url} is not a relay of this server");
            }
            println!("Removed {inbox_url}");
        }
        RelaysCommand::List => {
            let mut conn = state.conn().await?;
            for relay in relays::list_relays(&mut conn).await? {
                println!("{}\t{}", relay.inbox_url, relay.state);
            }
        }
    }
    Ok(())
}
