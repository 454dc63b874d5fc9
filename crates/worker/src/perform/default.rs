//! The `default` queue: distributing and unpublishing local statuses, home
//! feeds, and processing uploads stored raw.
use ferrodon_core::db::queries::statuses;
use ferrodon_core::jobs::{self, Job, StatusSnapshot};
use ferrodon_core::{cards, conversations, federation, feeds, live, media, AppState, Result};

/// A new or edited status: to timelines and streams, its link card, its
/// conversation, and to remote followers.
pub async fn distribute_status(state: &AppState, status_id: i64, edited: bool) -> Result<()> {
    let mut conn = state.conn().await?;
    let status = match statuses::get_status_by_id(&mut conn, status_id).await {
        Ok(status) => status,
        // Deleted before it was distributed: nothing left to do.
        Err(ferrodon_core::db::Error::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    live::distribute_status(state, &status, edited).await?;
    // A new link gets a card; an edit may also have removed one.
    let linked = cards::first_link(&status.content).is_some();
    if status.reblog_of_id.is_none() && (linked || edited) {
        jobs::enqueue(
            state,
            Job::FetchLinkCard {
                status_id: status.id,
            },
        )
        .await?;
    }
    if !edited {
        conversations::record_status(state, &status).await?;
    }
    federation::outbox::federate_status(state, &status, edited).await
}

/// A deleted status: out of timelines, streams and conversations, and a
/// `Delete` to the servers that had it.
pub async fn unpublish_status(state: &AppState, status: &StatusSnapshot) -> Result<()> {
    live::unpublish_status(state, status).await?;
    conversations::forget_status(state, status.id).await?;
    federation::outbox::federate_deletion(state, status).await
}

/// Rebuilds an account's home feed from PostgreSQL.
pub async fn regenerate_home_feed(state: &AppState, account_id: i64) -> Result<()> {
    feeds::regenerate_home_feed(state, account_id).await
}

/// A new follow: the followed account's recent statuses into the feed.
pub async fn merge_into_home_feed(
    state: &AppState,
    account_id: i64,
    target_account_id: i64,
) -> Result<()> {
    feeds::merge_into_home_feed(state, account_id, target_account_id).await
}

/// Processes an upload stored raw (video, audio, animated GIF).
pub async fn process_media(state: &AppState, media_id: i64) -> Result<()> {
    media::process_queued(state, media_id).await
}
