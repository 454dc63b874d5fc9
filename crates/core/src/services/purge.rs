//! Deleting remote data for operators (`ferrodonctl accounts cull`,
//! `domains purge`, `statuses remove`): rows and the stored files they own.
use chrono::{DateTime, Utc};
use ferrodon_db::queries::{accounts, operations, profile_images, statuses};

use crate::federation::account_deletion::ActorDeletion;
use crate::{AppState, Result};

/// What a purge removed (or, in a dry run, would remove).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    /// Accounts deleted.
    pub accounts: usize,
    /// Statuses deleted with them.
    pub statuses: i64,
    /// Media attachments deleted with them.
    pub media: usize,
    /// Custom emojis of those domains.
    pub emojis: usize,
}

/// Deletes an account, its statuses and media (rows cascade), and the files
/// of its attachments, avatar and header; for a local account, every
/// server that knew it then gets the `Delete` of its actor. Returns how
/// many attachments went.
pub async fn purge_account(state: &AppState, account_id: i64) -> Result<usize> {
    let mut conn = state.conn().await?;
    let account = accounts::get_account_by_id(&mut conn, account_id).await?;
    drop(conn);
    let told = ActorDeletion::prepare(state, &account).await?;
    let mut conn = state.conn().await?;
    let media = operations::media_of_account(&mut conn, account_id).await?;
    let images = profile_images::find(&mut conn, account_id).await?;
    drop(conn);
    for row in &media {
        crate::media::cleanup::delete_files(state, row).await?;
    }
    if let Some(images) = images {
        for key in [&images.avatar_file_key, &images.header_file_key]
            .into_iter()
            .flatten()
        {
            state.media.delete(key).await?;
        }
    }
    let mut conn = state.conn().await?;
    accounts::delete_account(&mut conn, account_id).await?;
    drop(conn);
    super::delete_own_account::tell_other_servers(state, told).await;
    Ok(media.len())
}

/// Deletes every account of `domains` with all it posted, and the custom
/// emojis learnt from them; `dry_run` only counts.
pub async fn purge_domains(state: &AppState, domains: &[String], dry_run: bool) -> Result<Purged> {
    let mut conn = state.conn().await?;
    let ids = operations::account_ids_on_domains(&mut conn, domains).await?;
    let statuses = operations::count_statuses_of(&mut conn, &ids).await?;
    let emojis = operations::emojis_of_domains(&mut conn, domains).await?;
    let mut purged = Purged {
        accounts: ids.len(),
        statuses,
        media: 0,
        emojis: emojis.len(),
    };
    if dry_run {
        for id in &ids {
            purged.media += operations::media_of_account(&mut conn, *id).await?.len();
        }
        return Ok(purged);
    }
    drop(conn);
    for id in ids {
        purged.media += purge_account(state, id).await?;
    }
    purged.emojis = crate::custom_emojis::remove(state, &emojis).await?;
    Ok(purged)
}

/// Deletes remote statuses older than `cutoff` that nothing local refers
/// to, with their media files; returns how many (a dry run only counts).
pub async fn remove_unreferenced_remote_statuses(
    state: &AppState,
    cutoff: DateTime<Utc>,
    dry_run: bool,
) -> Result<usize> {
    const BATCH: i64 = 500;
    let mut removed = 0;
    loop {
        let mut conn = state.conn().await?;
        let limit = if dry_run { i64::MAX } else { BATCH };
        let ids = operations::unreferenced_remote_status_ids(&mut conn, cutoff, limit).await?;
        if dry_run || ids.is_empty() {
            return Ok(removed + ids.len());
        }
        for id in ids {
            let media = operations::media_of_status(&mut conn, id).await?;
            for row in &media {
                crate::media::cleanup::delete_files(state, row).await?;
            }
            statuses::delete_status_by_id(&mut conn, id).await?;
            removed += 1;
        }
    }
}
