//! `ferrodonctl ip-blocks add|remove|export`: address ranges that need
//! approval to sign up, may not sign up, or may not reach the server, as
//! `tootctl ip_blocks` manages them. The same table as the admin API; the
//! web processes pick changes up within 10 seconds.
use anyhow::{anyhow, bail};
use chrono::{Duration, Utc};
use clap::Subcommand;
use ferrodon_core::db::queries::ip_blocks::{self, IpBlockFields};
use ferrodon_core::moderation::ip_blocks::{self as ip_rules, Added};
use ferrodon_core::AppState;

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

/// Runs an `ip-blocks` subcommand.
pub async fn run(cmd: IpBlocksCommand, state: &AppState) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
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
                match ip_rules::add_block(&mut conn, &fields, force).await? {
                    Added::Created(_) => {
                        println!("Added {ip} ({severity})");
                        added += 1;
                    }
                    Added::Renewed(_) => {
                        println!("Replaced {ip} ({severity})");
                        added += 1;
                    }
                    Added::Exists(block) => {
                        println!(
                            "{ip} is already blocked ({}); --force replaces it",
                            block.severity
                        );
                        skipped += 1;
                    }
                }
            }
            println!("Added {added}, skipped {skipped}");
        }
        IpBlocksCommand::Remove { addresses } => {
            let (mut removed, mut missing) = (0, 0);
            for address in addresses {
                let ip = range(&address)?;
                match ip_blocks::find_ip_block(&mut conn, &ip).await? {
                    Some(block) => {
                        ip_blocks::delete_ip_block(&mut conn, block.id).await?;
                        println!("Removed {ip}");
                        removed += 1;
                    }
                    None => {
                        println!("{ip} is not blocked");
                        missing += 1;
                    }
                }
            }
            println!("Removed {removed}, not found {missing}");
        }
        IpBlocksCommand::Export { format } => {
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
