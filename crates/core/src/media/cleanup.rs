//! Removing what is no longer needed: uploads never attached, cached
//! remote files past their retention or beyond the cache's size cap, and
//! stored files no row refers to.
use chrono::{DateTime, Utc};
use ferrodon_db::models::MediaAttachment;
use ferrodon_db::queries::{media, profile_images};
use ferrodon_db::AccountId;

use crate::{AppState, Result};

const BATCH: i64 = 200;

/// Deletes uploads never attached to a status and older than `age`, files first.
pub async fn remove_unattached(state: &AppState, age: chrono::Duration) -> Result<usize> {
    let cutoff = Utc::now() - age;
    let mut removed = 0;
    loop {
        let mut conn = state.conn().await?;
        let batch = media::unattached_before(&mut conn, cutoff, BATCH).await?;
        drop(conn);
        if batch.is_empty() {
            return Ok(removed);
        }
        for row in &batch {
            delete_files(state, row).await?;
            let mut conn = state.conn().await?;
            media::delete_media(&mut conn, row.id).await?;
            removed += 1;
        }
    }
}

/// Deletes the given attachments of `account_id` that no status holds any
/// more (a deleted status's, when its author asked for `delete_media`),
/// files first.
pub async fn remove_detached(state: &AppState, account_id: i64, ids: &[i64]) -> Result<usize> {
    let mut removed = 0;
    for id in ids {
        let mut conn = state.conn().await?;
        let row = media::find_own_media(&mut conn, AccountId::new(account_id), *id).await?;
        drop(conn);
        let Some(row) = row.filter(|r| r.status_id.is_none()) else {
            continue;
        };
        delete_files(state, &row).await?;
        let mut conn = state.conn().await?;
        media::delete_media(&mut conn, row.id).await?;
        removed += 1;
    }
    Ok(removed)
}

/// Deletes an attachment's stored files (original, small, upload,
/// thumbnail).
pub async fn delete_files(state: &AppState, row: &MediaAttachment) -> Result<()> {
    for key in row.stored_keys() {
        state.media.delete(key).await?;
    }
    Ok(())
}

/// Drops a remote attachment's cached files; it is fetched again on demand.
pub async fn uncache(state: &AppState, row: &MediaAttachment) -> Result<()> {
    delete_files(state, row).await?;
    let mut conn = state.conn().await?;
    media::clear_cached(&mut conn, row.id).await?;
    Ok(())
}

/// What a cache trim removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Trimmed {
    /// Entries past the retention period.
    pub by_age: usize,
    /// Entries removed to get under the size cap.
    pub by_size: usize,
    /// Bytes freed.
    pub bytes: i64,
}

/// Removes cached remote attachments last used before `cutoff`.
pub async fn remove_cached_before(state: &AppState, cutoff: DateTime<Utc>) -> Result<Trimmed> {
    let mut trimmed = Trimmed::default();
    loop {
        let mut conn = state.conn().await?;
        let batch = media::cached_least_recently_used(&mut conn, Some(cutoff), BATCH).await?;
        drop(conn);
        if batch.is_empty() {
            return Ok(trimmed);
        }
        for row in &batch {
            uncache(state, row).await?;
            trimmed.by_age += 1;
            trimmed.bytes += row.file_size;
        }
    }
}

/// Applies MEDIA_CACHE_RETENTION_PERIOD, then FERRODON_MEDIA_CACHE_MAX_BYTES
/// (least recently used attachments first, then the oldest cached remote
/// avatars and headers).
pub async fn trim_cache(state: &AppState) -> Result<Trimmed> {
    let config = &state.config.media;
    let mut trimmed = match config.cache_retention {
        Some(retention) => {
            let age = chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::MAX);
            remove_cached_before(state, Utc::now() - age).await?
        }
        None => Trimmed::default(),
    };
    let Some(cap) = config.cache_max_bytes else {
        return Ok(trimmed);
    };
    let cap = i64::try_from(cap).unwrap_or(i64::MAX);
    let mut conn = state.conn().await?;
    let usage = media::usage(&mut conn).await?;
    drop(conn);
    let mut total = usage.cached_remote_attachments + usage.cached_remote_profiles;
    while total > cap {
        let mut conn = state.conn().await?;
        let batch = media::cached_least_recently_used(&mut conn, None, BATCH).await?;
        drop(conn);
        if batch.is_empty() {
            break;
        }
        for row in &batch {
            if total <= cap {
                break;
            }
            uncache(state, row).await?;
            total -= row.file_size;
            trimmed.by_size += 1;
            trimmed.bytes += row.file_size;
        }
    }
    while total > cap {
        let mut conn = state.conn().await?;
        let batch = profile_images::cached_oldest_first(&mut conn, None, BATCH).await?;
        drop(conn);
        if batch.is_empty() {
            break;
        }
        for images in &batch {
            if total <= cap {
                break;
            }
            super::profile::uncache(state, images).await?;
            total -= images.file_size;
            trimmed.by_size += 1;
            trimmed.bytes += images.file_size;
        }
    }
    Ok(trimmed)
}

/// What an orphan sweep found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Orphans {
    /// Files no row refers to.
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
}

/// How young a file may be and still be skipped by the orphan sweep: an
/// upload in progress has its files stored a moment before its row.
const ORPHAN_GRACE_MS: i64 = 3_600_000;

/// Finds (and unless `dry_run`, deletes) stored files no row refers to.
/// Files of ids younger than an hour are skipped.
pub async fn remove_orphans(state: &AppState, dry_run: bool) -> Result<Orphans> {
    let mut conn = state.conn().await?;
    let before = media::known_keys(&mut conn).await?;
    drop(conn);
    let mut listed = Vec::new();
    for prefix in ["media_attachments/", "accounts/", "cache/"] {
        listed.extend(state.media.list(prefix).await?);
    }
    // Rows written while listing count as well.
    let mut conn = state.conn().await?;
    let after = media::known_keys(&mut conn).await?;
    drop(conn);
    let now_ms = Utc::now().timestamp_millis();
    let mut orphans = Orphans::default();
    for (key, size) in listed {
        if before.binary_search(&key).is_ok() || after.binary_search(&key).is_ok() {
            continue;
        }
        if id_in_key(&key).is_some_and(|id| now_ms - (id >> 16) < ORPHAN_GRACE_MS) {
            continue;
        }
        orphans.files += 1;
        orphans.bytes += size;
        if !dry_run {
            state.media.delete(&key).await?;
        }
    }
    Ok(orphans)
}

/// The record id in a Paperclip-style key (`…/110/123/456/789/012/345/style/name`).
fn id_in_key(key: &str) -> Option<i64> {
    let parts: Vec<&str> = key.split('/').collect();
    let groups: Vec<&str> = parts
        .iter()
        .copied()
        .filter(|p| p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    if groups.len() != 6 {
        return None;
    }
    groups.concat().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_back_out_of_keys() {
        let key = crate::media::keys::attachment_key(109338745612826118, "small", "jpg", true);
        assert_eq!(id_in_key(&key), Some(109338745612826118));
        assert_eq!(id_in_key("cache/custom_emojis/x.png"), None);
    }
}
