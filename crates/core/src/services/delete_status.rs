//! Deleting one's own status (`DELETE /api/v1/statuses/:id`).
use ferrodon_db::models::QuoteState;
use ferrodon_db::models::{Account, Status};
use ferrodon_db::queries::{accounts, quotes, statuses};
use ferrodon_db::{AsyncConnection, Conn};

use crate::{live, AppState, Error, Result};

/// Deletes the author's status and returns the row as it was, so the client
/// can offer delete-and-redraft. Its reblogs, favourites and notifications go with it.
pub async fn delete_status(state: &AppState, author: &Account, status_id: i64) -> Result<Status> {
    let mut conn = state.conn().await?;
    // Mentioned remote accounts (direct messages, replies) must hear of the
    // deletion too; their mentions go with the status, so note them first.
    let mentioned = if author.is_local() {
        let ids =
            ferrodon_db::queries::tags_mentions::list_mentioned_account_ids(&mut conn, status_id)
                .await?;
        accounts::get_accounts_by_ids(&mut conn, &ids)
            .await?
            .into_iter()
            .filter(|a| !a.is_local())
            .collect()
    } else {
        Vec::new()
    };
    // The streams it went to: its tags and media go with it.
    let tags =
        ferrodon_db::queries::tags_mentions::list_tag_names_of_status(&mut conn, status_id).await?;
    let with_media = !ferrodon_db::queries::media::media_of_statuses(&mut conn, &[status_id])
        .await?
        .is_empty();
    let status = conn
        .transaction(async |conn| {
            let status = statuses::get_status_by_id(conn, status_id).await?;
            if status.account_id != author.id {
                return Err(Error::NotFound);
            }
            forget_quote(conn, status.id).await?;
            statuses::delete_status_by_id(conn, status.id).await?;
            accounts::add_to_statuses_count(conn, author.id, -1).await?;
            if let Some(parent) = status.in_reply_to_id {
                statuses::add_to_status_counter(conn, parent, statuses::StatusCounter::Replies, -1)
                    .await?;
            }
            if let Some(original) = status.reblog_of_id {
                statuses::add_to_status_counter(
                    conn,
                    original,
                    statuses::StatusCounter::Reblogs,
                    -1,
                )
                .await?;
            }
            Ok::<_, Error>(status)
        })
        .await?;
    drop(conn);
    crate::federation::outbox::federate_deletion_to_mentioned(state, author, &status, &mentioned)
        .await?;
    live::status_deleted(state, &status, tags, with_media).await;
    Ok(status)
}

/// Uncounts the accepted quote a deleted status made (the quote row goes
/// with the status).
async fn forget_quote(conn: &mut Conn, status_id: i64) -> Result<()> {
    for quote in quotes::quotes_of_statuses(conn, &[status_id]).await? {
        if let (QuoteState::Accepted, Some(quoted)) = (quote.state(), quote.quoted_status_id) {
            statuses::add_to_status_counter(conn, quoted, statuses::StatusCounter::Quotes, -1)
                .await?;
        }
    }
    Ok(())
}
