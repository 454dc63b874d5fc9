//! Direct-message conversations (Mastodon's AccountConversation): each
//! local participant of a direct status has the conversation of its thread
//! and participants updated (unread for recipients, read for the author),
//! and hears a `conversation` event on its `direct` stream. Runs in the
//! `DistributeStatus` and `UnpublishStatus` jobs, so local and federated
//! statuses are treated alike, and recording a status twice is harmless.
use ferrodon_db::{AccountId, StatusId};
use std::collections::HashMap;

use ferrodon_db::models::{Status, Visibility};
use ferrodon_db::queries::conversations::{self as queries, Conversation as ConversationRow};
use ferrodon_db::queries::{accounts, tags_mentions};
use ferrodon_db::Conn;
use serde::Serialize;

use crate::entities::account;
use crate::entities::status::Status as StatusEntity;
use crate::streaming::{publish, Event, Stream};
use crate::{views, AppState, Config, Result};

/// Records a new direct status in its participants' conversations.
pub async fn record_status(state: &AppState, status: &Status) -> Result<()> {
    if status.visibility() != Visibility::Direct || status.reblog_of_id.is_some() {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    let mut everyone = tags_mentions::list_mentioned_account_ids(&mut conn, status.id).await?;
    everyone.push(status.account_id);
    everyone.sort_unstable();
    everyone.dedup();
    let local: Vec<i64> = accounts::get_accounts_by_ids(&mut conn, &everyone)
        .await?
        .into_iter()
        .filter(|a| a.is_local())
        .map(|a| a.id)
        .collect();
    let root = queries::thread_root(&mut conn, status.id).await?;
    for recipient in local {
        let others: Vec<i64> = everyone
            .iter()
            .copied()
            .filter(|id| *id != recipient)
            .collect();
        let unread = recipient != status.account_id;
        let row = queries::record_status(
            &mut conn,
            AccountId::new(recipient),
            StatusId::new(root),
            &others,
            StatusId::new(status.id),
            unread,
        )
        .await?;
        let rendered = render(
            &mut conn,
            &state.config,
            recipient,
            std::slice::from_ref(&row),
        )
        .await?
        .into_iter()
        .next();
        if let Some(entity) = rendered {
            publish(
                state,
                &[Stream::Direct(recipient)],
                &Event {
                    event: "conversation".into(),
                    payload: serde_json::to_string(&entity)
                        .map_err(|e| crate::Error::caused("rendering a conversation", e))?,
                    account_ids: vec![status.account_id],
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// Mastodon's Conversation entity.
#[derive(Debug, Clone, Serialize)]
pub struct Conversation {
    /// The conversation's id.
    pub id: String,
    /// Whether its last status is unread.
    pub unread: bool,
    /// The other participants (the viewer alone when there are none).
    pub accounts: Vec<account::Account>,
    /// The newest status.
    pub last_status: StatusEntity,
}

/// Takes a deleted status out of every conversation.
pub async fn forget_status(state: &AppState, status_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    queries::remove_status(&mut conn, status_id).await?;
    Ok(())
}

/// Renders conversations for their account: Mastodon's Conversation entity
/// (`accounts` are the other participants, or the account itself when it
/// wrote to nobody else). Conversations whose last status is gone are skipped.
pub async fn render(
    conn: &mut Conn,
    config: &Config,
    viewer: i64,
    rows: &[ConversationRow],
) -> Result<Vec<Conversation>> {
    let account_ids: Vec<i64> = rows
        .iter()
        .flat_map(|c| c.participant_account_ids.iter().copied())
        .chain(std::iter::once(viewer))
        .collect();
    let found = views::render_accounts_by_id(conn, config, account_ids).await?;
    let status_ids: Vec<i64> = rows.iter().map(|c| c.last_status_id).collect();
    let visible = views::VisibleStatuses::check(conn, &status_ids, Some(viewer)).await?;
    let statuses: HashMap<String, _> = views::render_statuses(conn, config, &visible)
        .await?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    Ok(rows
        .iter()
        .filter_map(|c| {
            let last_status = statuses.get(&c.last_status_id.to_string())?;
            let participants: Vec<i64> = if c.participant_account_ids.is_empty() {
                vec![viewer]
            } else {
                c.participant_account_ids.clone()
            };
            Some(Conversation {
                id: c.id.to_string(),
                unread: c.unread,
                accounts: participants
                    .iter()
                    .filter_map(|id| found.get(id).cloned())
                    .collect(),
                last_status: last_status.clone(),
            })
        })
        .collect())
}
