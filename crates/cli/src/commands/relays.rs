//! `ferrodonctl relays add|remove|list`: ActivityPub relays, through the
//! admin service the admin relay page calls (each change in the audit log).
use anyhow::bail;
use clap::Subcommand;
use ferrodon_core::db::queries::relays;
use ferrodon_core::services::admin::{relays as service, Actor};
use ferrodon_core::{AppState, Error};

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
            let relay = service::create(state, Actor::System, &inbox_url).await?;
            println!(
                "{}\t{} (the relay answers asynchronously)",
                relay.inbox_url, relay.state
            );
        }
        RelaysCommand::Remove { inbox_url } => {
            match service::delete_inbox(state, Actor::System, &inbox_url).await {
                Ok(relay) => println!("Removed {}", relay.inbox_url),
                Err(Error::NotFound) => bail!("{inbox_url} is not a relay of this server"),
                Err(e) => return Err(e.into()),
            }
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
