//! `ferrodonctl domains block|unblock|list|purge|crawl`: instance-level
//! domain blocks, as `tootctl domains` and Mastodon's admin pages manage
//! them (through the admin service the admin API and pages call: a domain
//! blocked already is refused, each change is in the audit log), deleting
//! a domain's data, and crawling the fediverse's peers.
use anyhow::bail;
use clap::Subcommand;
use ferrodon_core::db::queries::domain_blocks::{self, NewDomainBlock};
use ferrodon_core::db::queries::operations;
use ferrodon_core::services::admin::{domain_blocks as service, Actor};
use ferrodon_core::services::crawl_peers::{self, Server};
use ferrodon_core::services::purge;
use ferrodon_core::{AppState, Error};

#[derive(Subcommand)]
pub enum DomainsCommand {
    /// Block a domain (and its subdomains)
    Block {
        /// The domain, e.g. spam.example (with :port if not the default)
        domain: String,
        /// suspend (nothing in or out, its accounts suspended), silence, or noop
        #[arg(long, default_value = "suspend")]
        severity: String,
        /// Do not download its media
        #[arg(long)]
        reject_media: bool,
        /// Ignore reports from it
        #[arg(long)]
        reject_reports: bool,
        /// Reason shown publicly
        #[arg(long)]
        public_comment: Option<String>,
        /// Note for moderators
        #[arg(long)]
        private_comment: Option<String>,
    },
    /// Lift a domain block
    Unblock {
        /// The domain
        domain: String,
    },
    /// List domain blocks
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Delete every account, status, media file and custom emoji of remote domains
    Purge {
        /// The domains
        #[arg(required = true)]
        domains: Vec<String>,
        /// Only count what would be deleted
        #[arg(long)]
        dry_run: bool,
    },
    /// Walk /api/v1/instance/peers from a server (default: every domain this
    /// server knows) and report what answers
    Crawl {
        /// Where to start
        start: Option<String>,
        /// Servers asked at once
        #[arg(long, default_value_t = 50)]
        concurrency: usize,
        /// Stop after asking this many servers
        #[arg(long, default_value_t = 10_000)]
        max_servers: usize,
        /// summary, domains (one per line) or json
        #[arg(long, default_value = "summary")]
        format: String,
    },
}

pub async fn run(cmd: DomainsCommand, state: &AppState) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
    match cmd {
        DomainsCommand::Purge { domains, dry_run } => {
            drop(conn);
            let purged = purge::purge_domains(state, &domains, dry_run).await?;
            let verb = if dry_run { "Would remove" } else { "Removed" };
            println!(
                "{verb} {} accounts, {} statuses, {} media attachments and {} custom emojis of {}{}",
                purged.accounts,
                purged.statuses,
                purged.media,
                purged.emojis,
                domains.join(", "),
                if dry_run { " (DRY RUN)" } else { "" }
            );
        }
        DomainsCommand::Crawl {
            start,
            concurrency,
            max_servers,
            format,
        } => {
            if !["summary", "domains", "json"].contains(&format.as_str()) {
                bail!("unknown format {format:?}: use summary, domains or json");
            }
            let start = match start {
                Some(domain) => vec![domain],
                None => operations::known_domains(&mut conn).await?,
            };
            drop(conn);
            let servers = crawl_peers::crawl(state, start, concurrency, max_servers).await;
            print_crawl(&servers, &format)?;
        }
        DomainsCommand::Block {
            domain,
            severity,
            reject_media,
            reject_reports,
            public_comment,
            private_comment,
        } => {
            drop(conn);
            let applied = service::create(
                state,
                Actor::System,
                NewDomainBlock {
                    domain,
                    severity,
                    reject_media,
                    reject_reports,
                    private_comment,
                    public_comment,
                },
            )
            .await?;
            let block = applied.block;
            println!("Blocked {} ({})", block.domain, block.severity);
            if block.is_suspend() {
                println!(
                    "Suspended {} accounts of {} and ended their follows",
                    applied.accounts_affected, block.domain
                );
            } else if block.severity == "silence" {
                println!(
                    "Silenced {} accounts of {}",
                    applied.accounts_affected, block.domain
                );
            }
        }
        DomainsCommand::Unblock { domain } => {
            drop(conn);
            match service::delete_domain(state, Actor::System, &domain).await {
                Ok(block) => println!(
                    "Unblocked {} (suspended accounts stay suspended until they are seen again)",
                    block.domain
                ),
                Err(Error::NotFound) => bail!("{} is not blocked", domain.trim()),
                Err(e) => return Err(e.into()),
            }
        }
        DomainsCommand::List { json } => {
            let blocks = domain_blocks::list_domain_blocks(&mut conn).await?;
            if json {
                let rows: Vec<serde_json::Value> = blocks
                    .iter()
                    .map(|b| {
                        serde_json::json!({
                            "domain": b.domain,
                            "severity": b.severity,
                            "reject_media": b.reject_media,
                            "reject_reports": b.reject_reports,
                            "public_comment": b.public_comment,
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(rows));
            } else {
                for b in blocks {
                    println!(
                        "{}\t{}{}{}",
                        b.domain,
                        b.severity,
                        if b.reject_media { "\treject-media" } else { "" },
                        if b.reject_reports {
                            "\treject-reports"
                        } else {
                            ""
                        }
                    );
                }
            }
        }
    }
    Ok(())
}

fn print_crawl(
    servers: &std::collections::BTreeMap<String, Server>,
    format: &str,
) -> anyhow::Result<()> {
    match format {
        "domains" => {
            for domain in servers.keys() {
                println!("{domain}");
            }
        }
        "json" => {
            let rows: Vec<&Server> = servers.values().collect();
            println!("{}", serde_json::to_string(&rows)?);
        }
        _ => {
            let mut versions: std::collections::BTreeMap<&str, usize> = Default::default();
            for server in servers.values() {
                *versions
                    .entry(server.version.as_deref().unwrap_or("unknown"))
                    .or_default() += 1;
            }
            println!("Found {} servers that answered", servers.len());
            for (version, count) in versions {
                println!("{count}\t{version}");
            }
        }
    }
    Ok(())
}
