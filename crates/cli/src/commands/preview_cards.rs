//! `ferrodonctl preview-cards remove`: old preview cards of remote
//! statuses, as `tootctl preview_cards remove` (cards here keep the remote
//! image URL, no file, so the card rows go; a status showing one again
//! fetches it anew).
use clap::Subcommand;
use ferrodon_core::db::queries::operations;
use ferrodon_core::AppState;

#[derive(Subcommand)]
pub enum PreviewCardsCommand {
    /// Delete preview cards not updated for N days that no local status shows
    Remove {
        /// Age in days
        #[arg(long, default_value_t = 180)]
        days: u32,
        /// Only cards of type link (keep photo and video cards)
        #[arg(long)]
        link: bool,
        /// Only count them
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(cmd: PreviewCardsCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        PreviewCardsCommand::Remove {
            days,
            link,
            dry_run,
        } => {
            let cutoff = chrono::Utc::now() - chrono::Duration::days(i64::from(days));
            let mut conn = state.conn().await?;
            let n =
                operations::delete_remote_preview_cards_before(&mut conn, cutoff, link, dry_run)
                    .await?;
            let verb = if dry_run { "Would remove" } else { "Removed" };
            println!(
                "{verb} {n} preview cards older than {days} days{}",
                if dry_run { " (DRY RUN)" } else { "" }
            );
        }
    }
    Ok(())
}
