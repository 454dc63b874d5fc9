//! `ferrodonctl email-domain-blocks list|add|remove`: e-mail domains
//! nobody may sign up with (or only with approval), as `tootctl
//! email_domain_blocks` manages them. The same table as the admin API.
use clap::Subcommand;
use ferrodon_core::db::queries::email_blocks;
use ferrodon_core::moderation::email_rules::normalize_email_domain;
use ferrodon_core::AppState;

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

/// Runs an `email-domain-blocks` subcommand.
pub async fn run(cmd: EmailDomainBlocksCommand, state: &AppState) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
    match cmd {
        EmailDomainBlocksCommand::List => {
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
            let existing = email_blocks::all_email_domain_blocks(&mut conn).await?;
            let (mut added, mut skipped) = (0, 0);
            for raw in domains {
                let domain = normalize_email_domain(&raw)?;
                if existing.iter().any(|b| b.domain == domain) {
                    println!("{domain} is already blocked");
                    skipped += 1;
                    continue;
                }
                email_blocks::put_email_domain_block(&mut conn, &domain, allow_with_approval)
                    .await?;
                println!("Added {domain}");
                added += 1;
            }
            println!("Added {added}, skipped {skipped}");
        }
        EmailDomainBlocksCommand::Remove { domains } => {
            let existing = email_blocks::all_email_domain_blocks(&mut conn).await?;
            let (mut removed, mut missing) = (0, 0);
            for raw in domains {
                let domain = normalize_email_domain(&raw)?;
                match existing.iter().find(|b| b.domain == domain) {
                    Some(block) => {
                        email_blocks::delete_email_domain_block(&mut conn, block.id).await?;
                        println!("Removed {domain}");
                        removed += 1;
                    }
                    None => {
                        println!("{domain} is not blocked");
                        missing += 1;
                    }
                }
            }
            println!("Removed {removed}, not found {missing}");
        }
    }
    Ok(())
}
