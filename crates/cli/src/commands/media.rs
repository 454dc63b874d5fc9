//! `ferrodonctl media remove|usage|remove-orphans|lookup|refresh`: the
//! media cache and stored files, as `tootctl media` offers.
use anyhow::Context;
use clap::Subcommand;
use ferrodon_core::db::queries::{accounts, media, operations, statuses};
use ferrodon_core::media::{cleanup, profile, remote};
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
    /// Print the status a media URL (stored file, proxy or remote URL) belongs to
    Lookup {
        /// The URL
        url: String,
    },
    /// Download remote media into the cache again
    Refresh {
        /// Media of one status
        #[arg(long)]
        status: Option<i64>,
        /// Media of one remote account (user@domain)
        #[arg(long)]
        account: Option<String>,
        /// Media of every account of a domain
        #[arg(long)]
        domain: Option<String>,
        /// Download even files that are cached
        #[arg(long)]
        force: bool,
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
        MediaCommand::Lookup { url } => lookup(state, &url).await?,
        MediaCommand::Refresh {
            status,
            account,
            domain,
            force,
        } => refresh(state, status, account, domain, force).await?,
    }
    Ok(())
}

/// The stored key in a local media URL: from `media_attachments/` on,
/// with the `cache/` prefix when there is one.
fn key_in(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let start = path.find("media_attachments/")?;
    let key = &path[start..];
    Some(if path[..start].ends_with("cache/") {
        format!("cache/{key}")
    } else {
        key.to_owned()
    })
}

/// The attachment id in a `/media_proxy/ID/STYLE` URL.
fn proxied_id(url: &str) -> Option<i64> {
    let rest = url.split("/media_proxy/").nth(1)?;
    rest.split(['/', '?']).next()?.parse().ok()
}

async fn lookup(state: &AppState, url: &str) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
    let key = key_in(url);
    let owner =
        operations::find_media_owner(&mut conn, key.as_deref(), Some(url), proxied_id(url)).await?;
    let Some((media_id, status_id)) = owner else {
        anyhow::bail!("No media attachment has the URL {url}");
    };
    let Some(status_id) = status_id else {
        anyhow::bail!("Media attachment {media_id} is not attached to any status");
    };
    let status = statuses::get_status_by_id(&mut conn, status_id).await?;
    println!("{}", status.url.unwrap_or(status.uri));
    Ok(())
}

async fn refresh(
    state: &AppState,
    status: Option<i64>,
    account: Option<String>,
    domain: Option<String>,
    force: bool,
) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
    let ids: Vec<i64> = match (status, account, domain) {
        (Some(status_id), None, None) => operations::media_of_status(&mut conn, status_id)
            .await?
            .into_iter()
            .filter(|m| m.remote_url.is_some())
            .map(|m| m.id)
            .collect(),
        (None, Some(acct), None) => {
            let (username, domain) = acct
                .trim_start_matches('@')
                .split_once('@')
                .context("--account takes user@domain")?;
            let account = accounts::get_account_by_acct(&mut conn, username, Some(domain))
                .await
                .with_context(|| format!("No such account: {acct}"))?;
            operations::remote_media_ids(&mut conn, Some(account.id), None).await?
        }
        (None, None, Some(domain)) => {
            operations::remote_media_ids(&mut conn, None, Some(&domain)).await?
        }
        _ => anyhow::bail!("give one of --status ID, --account USER@DOMAIN or --domain DOMAIN"),
    };
    drop(conn);
    let (mut cached, mut failed) = (0, 0);
    for id in &ids {
        let mut conn = state.conn().await?;
        let row = media::find_media(&mut conn, *id).await?;
        drop(conn);
        let Some(row) = row else { continue };
        if force && row.cached_at.is_some() {
            cleanup::uncache(state, &row).await?;
        }
        match remote::cache_attachment(state, *id).await {
            Ok(Some(_)) => cached += 1,
            Ok(None) => failed += 1,
            Err(e) => {
                failed += 1;
                eprintln!("media {id}: {e}");
            }
        }
    }
    println!(
        "Refreshed {cached} of {} remote media attachments, {failed} could not be downloaded",
        ids.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{key_in, proxied_id};

    #[test]
    fn stored_keys_are_found_in_local_urls() {
        assert_eq!(
            key_in("https://a.example/system/media_attachments/files/000/001/original/x.png?v=1")
                .as_deref(),
            Some("media_attachments/files/000/001/original/x.png")
        );
        assert_eq!(
            key_in("https://cdn.example/cache/media_attachments/files/1/small/y.webp").as_deref(),
            Some("cache/media_attachments/files/1/small/y.webp")
        );
        assert_eq!(key_in("https://a.example/files/1.png"), None);
    }

    #[test]
    fn proxy_urls_give_their_attachment_id() {
        assert_eq!(
            proxied_id("https://a.example/media_proxy/123/original?s=ab"),
            Some(123)
        );
        assert_eq!(
            proxied_id("https://a.example/media_proxy/123?s=ab"),
            Some(123)
        );
        assert_eq!(proxied_id("https://a.example/media_proxy/x/original"), None);
        assert_eq!(proxied_id("https://a.example/files/1.png"), None);
    }
}
