//! `ferrodonctl ip-blocks add|remove|export`: address ranges that need
//! approval to sign up, may not sign up, or may not reach the server, as
//! `tootctl ip_blocks` manages them. The same table as the admin API; the
//! web processes pick changes up within 10 seconds.
use anyhow::{anyhow, bail};
use chrono::{Duration, Utc};
use clap::Subcommand;
use ferrodon_core::db::queries::ip_blocks::{self, IpBlockFields};
use ferrodon_core::moderation::ip_blocks as ip_rules;
use ferrodon_core::services::admin::{ip_blocks as service, Actor};
use ferrodon_core::{AppState, Error};

#[derive(Subcommand)]
pub enum IpBlocksCommand {
    /// Block addresses or ranges (CIDR)
    Add {
        /// Addresses or ranges, e.g. 192.0.2.7 or 2001:db8::/32
        #[arg(required = true)]
        addresses: Vec<String>,
        /// sign_up_requires_approval, sign_up_block or no_access
        #[arg(long)]
        severity: String,
        /// Note for moderators
        #[arg(long, default_value = "")]
        comment: String,
        /// Seconds until the block expires (never when absent)
        #[arg(long)]
        duration: Option<i64>,
        /// Replace an existing block of the same range
        #[arg(long)]
        force: bool,
    },
    /// Remove blocks of addresses or ranges
    Remove {
        /// Addresses or ranges, as added
        #[arg(required = true)]
        addresses: Vec<String>,
    },
    /// Print the blocks that are in force
    Export {
        /// plain (one range per line) or nginx (`deny RANGE;` lines)
        #[arg(long, default_value = "plain")]
        format: String,
    },
}

fn range(text: &str) -> anyhow::Result<String> {
    ip_rules::parse_range(text).map_err(|_| anyhow!("{text:?} is not an IP address or range"))
}

/// Runs an `ip-blocks` subcommand. Adding and removing go through the
/// admin service the admin API and pages call: a range blocked already is
/// refused alike (here: a message on standard error, the other ranges
/// still added, and a failing exit status) and every change is in the
/// audit log, as done by "the system".
pub async fn run(cmd: IpBlocksCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        IpBlocksCommand::Add {
            addresses,
            severity,
            comment,
            duration,
            force,
        } => {
            let severity = ip_rules::parse_severity(&severity)
                .map_err(|_| {
                    anyhow!("unknown severity {severity:?}: use sign_up_requires_approval, sign_up_block or no_access")
                })?
                .as_str()
                .to_owned();
            let expires_at = match duration {
                Some(secs) if secs > 0 => Some(Utc::now() + Duration::seconds(secs)),
                Some(_) => bail!("--duration must be a positive number of seconds"),
                None => None,
            };
            let (mut added, mut skipped) = (0, 0);
            for address in addresses {
                let ip = range(&address)?;
                let fields = IpBlockFields {
                    ip: ip.clone(),
                    severity: severity.clone(),
                    comment: comment.clone(),
                    expires_at,
                };
                match service::create(state, Actor::System, &fields, force).await {
                    Ok(done) if done.replaced => {
                        println!("Replaced {ip} ({severity})");
                        added += 1;
                    }
                    Ok(_) => {
                        println!("Added {ip} ({severity})");
                        added += 1;
                    }
                    Err(refused @ Error::Validation(_)) => {
                        eprintln!("{ip}: {refused} (--force replaces the block)");
                        skipped += 1;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            println!("Added {added}, skipped {skipped}");
            if skipped > 0 {
                bail!("{skipped} of the ranges were not added");
            }
        }
        IpBlocksCommand::Remove { addresses } => {
            let (mut removed, mut missing) = (0, 0);
            for address in addresses {
                let ip = range(&address)?;
                match service::delete_range(state, Actor::System, &ip).await {
                    Ok(_) => {
                        println!("Removed {ip}");
                        removed += 1;
                    }
                    Err(Error::NotFound) => {
                        println!("{ip} is not blocked");
                        missing += 1;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            println!("Removed {removed}, not found {missing}");
        }
        IpBlocksCommand::Export { format } => {
            let mut conn = state.conn().await?;
            let blocks = ip_blocks::live_ip_blocks(&mut conn).await?;
            match format.as_str() {
                "plain" => blocks.iter().for_each(|b| println!("{}", b.ip)),
                "nginx" => blocks.iter().for_each(|b| println!("deny {};", b.ip)),
                other => bail!("unknown format {other:?}: use plain or nginx"),
            }
        }
    }
    Ok(())
}
