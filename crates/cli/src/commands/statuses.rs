//! `ferrodonctl statuses remove`: old remote statuses nothing local refers
//! to, as `tootctl statuses remove`.
use clap::Subcommand;
use ferrodon_core::services::purge;
use ferrodon_core::AppState;

#[derive(Subcommand)]
pub enum StatusesCommand {
    /// Delete remote statuses older than N days that no local account
    /// follows the author of, replied to, reblogged, favourited, bookmarked,
    /// pinned, quoted, reported or was mentioned in
    Remove {
        /// Age in days
        #[arg(long, default_value_t = 90)]
        days: u32,
        /// Only count them
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(cmd: StatusesCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        StatusesCommand::Remove { days, dry_run } => {
            let cutoff = chrono::Utc::now() - chrono::Duration::days(i64::from(days));
            let removed =
                purge::remove_unreferenced_remote_statuses(state, cutoff, dry_run).await?;
            if dry_run {
                println!("Would remove {removed} unreferenced remote statuses older than {days} days (DRY RUN)");
            } else {
                println!("Removed {removed} unreferenced remote statuses older than {days} days");
            }
        }
    }
    Ok(())
}
