//! `ferrodonctl email-domain-blocks list|add|remove`: e-mail domains
//! nobody may sign up with (or only with approval), as `tootctl
//! email_domain_blocks` manages them. The same table as the admin API.
use anyhow::bail;
use clap::Subcommand;
use ferrodon_core::db::queries::email_blocks;
use ferrodon_core::services::admin::{email_domain_blocks, Actor};
use ferrodon_core::{AppState, Error};

#[derive(Subcommand)]
pub enum EmailDomainBlocksCommand {
    /// List blocked e-mail domains
    List,
    /// Block e-mail domains (and their subdomains) at sign-up
    Add {
        /// The domains, e.g. spam.example
        #[arg(required = true)]
        domains: Vec<String>,
        /// Let sign-ups through, but waiting for a moderator's approval
        #[arg(long)]
        allow_with_approval: bool,
    },
    /// Lift blocks of e-mail domains
    Remove {
        /// The domains
        #[arg(required = true)]
        domains: Vec<String>,
    },
}

/// Runs an `email-domain-blocks` subcommand. Adding and removing go
/// through the admin service the admin API and pages call, so a domain
/// blocked already is refused alike (here: a message on standard error,
/// the other domains still added, and a failing exit status) and every change is in the
/// audit log, as done by "the system".
pub async fn run(cmd: EmailDomainBlocksCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        EmailDomainBlocksCommand::List => {
            let mut conn = state.conn().await?;
            for block in email_blocks::all_email_domain_blocks(&mut conn).await? {
                let note = if block.allow_with_approval {
                    " (sign-up with approval)"
                } else {
                    ""
                };
                println!("{}{note}", block.domain);
            }
        }
        EmailDomainBlocksCommand::Add {
            domains,
            allow_with_approval,
        } => {
            let (mut added, mut skipped) = (0, 0);
            for raw in domains {
                match email_domain_blocks::create(state, Actor::System, &raw, allow_with_approval)
                    .await
                {
                    Ok(block) => {
                        println!("Added {}", block.domain);
                        added += 1;
                    }
                    // A domain blocked already (or not a domain): said, and
                    // the others still added.
                    Err(refused @ Error::Validation(_)) => {
                        eprintln!("{}: {refused}", raw.trim());
                        skipped += 1;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            println!("Added {added}, skipped {skipped}");
            if skipped > 0 {
                bail!("{skipped} of the domains were not added");
            }
        }
        EmailDomainBlocksCommand::Remove { domains } => {
            let (mut removed, mut missing) = (0, 0);
            for raw in domains {
                match email_domain_blocks::delete_domain(state, Actor::System, &raw).await {
                    Ok(block) => {
                        println!("Removed {}", block.domain);
                        removed += 1;
                    }
                    Err(Error::NotFound) => {
                        println!("{} is not blocked", raw.trim());
                        missing += 1;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            println!("Removed {removed}, not found {missing}");
        }
    }
    Ok(())
}
