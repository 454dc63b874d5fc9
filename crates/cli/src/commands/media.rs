//! `ferrodonctl media remove|usage|remove-orphans`: the media cache and
//! stored files, as `tootctl media` offers.
use clap::Subcommand;
use ferrodon_core::db::queries::media;
use ferrodon_core::media::{cleanup, profile};
use ferrodon_core::AppState;

#[derive(Subcommand)]
pub enum MediaCommand {
    /// Remove cached copies of remote media not used for N days (they are
    /// fetched again when someone looks at them)
    Remove {
        /// Age in days (default: MEDIA_CACHE_RETENTION_PERIOD, else 7)
        #[arg(long)]
        days: Option<u32>,
        /// Also remove remote accounts' cached avatars and headers of that age
        #[arg(long)]
        prune_profiles: bool,
    },
    /// Show how much storage media takes, by kind
    Usage {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Delete stored files that no database row refers to
    RemoveOrphans {
        /// Only count them
        #[arg(long)]
        dry_run: bool,
    },
}

fn human(bytes: i64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", units[unit])
}

pub async fn run(cmd: MediaCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        MediaCommand::Remove {
            days,
            prune_profiles,
        } => {
            let days = days.map(i64::from).unwrap_or_else(|| {
                state
                    .config
                    .media
                    .cache_retention
                    .map_or(7, |d| (d.as_secs() / 86_400) as i64)
            });
            let cutoff = chrono::Utc::now() - chrono::Duration::days(days);
            let trimmed = cleanup::remove_cached_before(state, cutoff).await?;
            println!(
                "Removed {} cached attachments ({}) not used for {days} days",
                trimmed.by_age,
                human(trimmed.bytes)
            );
            if prune_profiles {
                let pruned = profile::remove_cached_before(state, cutoff).await?;
                println!("Removed the cached avatars and headers of {pruned} remote accounts");
            }
        }
        MediaCommand::Usage { json } => {
            let mut conn = state.conn().await?;
            let usage = media::usage(&mut conn).await?;
            let cap = state.config.media.cache_max_bytes;
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "storage": state.media.describe(),
                        "local_attachments": usage.local_attachments,
                        "cached_remote_attachments": usage.cached_remote_attachments,
                        "local_avatars_and_headers": usage.local_profiles,
                        "cached_remote_avatars_and_headers": usage.cached_remote_profiles,
                        "cache_cap": cap,
                    })
                );
            } else {
                println!(
                    "Storage:                          {}",
                    state.media.describe()
                );
                println!(
                    "Local attachments:                {}",
                    human(usage.local_attachments)
                );
                println!(
                    "Local avatars and headers:        {}",
                    human(usage.local_profiles)
                );
                println!(
                    "Cached remote attachments:        {}",
                    human(usage.cached_remote_attachments)
                );
                println!(
                    "Cached remote avatars and headers: {}",
                    human(usage.cached_remote_profiles)
                );
                match cap {
                    Some(cap) => println!(
                        "Cache cap (FERRODON_MEDIA_CACHE_MAX_BYTES): {}",
                        human(i64::try_from(cap).unwrap_or(i64::MAX))
                    ),
                    None => println!("Cache cap: none (set FERRODON_MEDIA_CACHE_MAX_BYTES)"),
                }
            }
        }
        MediaCommand::RemoveOrphans { dry_run } => {
            let orphans = cleanup::remove_orphans(state, dry_run).await?;
            let verb = if dry_run { "Found" } else { "Removed" };
            println!(
                "{verb} {} orphaned files ({})",
                orphans.files,
                human(i64::try_from(orphans.bytes).unwrap_or(i64::MAX))
            );
        }
    }
    Ok(())
}
