//! `ferrodonctl domains block|unblock|list`: instance-level domain blocks,
//! as `tootctl domains` and Mastodon's admin pages manage them.
use anyhow::bail;
use clap::Subcommand;
use ferrodon_core::db::queries::domain_blocks::{self, NewDomainBlock};
use ferrodon_core::services::block_instance_domain;
use ferrodon_core::AppState;

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
}

pub async fn run(cmd: DomainsCommand, state: &AppState) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
    match cmd {
        DomainsCommand::Block {
            domain,
            severity,
            reject_media,
            reject_reports,
            public_comment,
            private_comment,
        } => {
            let applied = block_instance_domain::block(
                &mut conn,
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
            let domain = domain.trim().to_ascii_lowercase();
            if domain_blocks::delete_domain_block(&mut conn, &domain).await? {
                println!("Unblocked {domain} (suspended accounts stay suspended until they are seen again)");
            } else {
                bail!("{domain} is not blocked");
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
