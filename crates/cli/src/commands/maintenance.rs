//! `ferrodonctl maintenance fix-duplicates`: merge duplicate accounts and
//! statuses, as `tootctl maintenance fix-duplicates`.
use clap::Subcommand;
use ferrodon_core::services::fix_duplicates::fix_duplicates;
use ferrodon_core::AppState;

#[derive(Subcommand)]
pub enum MaintenanceCommand {
    /// Merge accounts sharing username and domain (case-insensitively) and
    /// statuses sharing a URI, then recount counters
    FixDuplicates {
        /// Only report what would be merged
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(cmd: MaintenanceCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        MaintenanceCommand::FixDuplicates { dry_run } => {
            let fixed = fix_duplicates(state, dry_run).await?;
            let verb = if dry_run { "Would merge" } else { "Merged" };
            println!(
                "{verb} {} duplicate accounts and {} duplicate statuses{}",
                fixed.accounts_merged,
                fixed.statuses_merged,
                if dry_run { " (DRY RUN)" } else { "" }
            );
            for group in &fixed.skipped_account_groups {
                println!(
                    "Left alone: accounts {group:?} share a name and more than one can sign in; merge them by hand"
                );
            }
            if fixed.recounted > 0 {
                println!("Corrected the counters of {} rows", fixed.recounted);
            }
            if fixed.indexes_rebuilt {
                println!("Rebuilt the unique indexes on account names and URIs and status URIs");
            }
        }
    }
    Ok(())
}
