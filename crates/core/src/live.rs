//! Publishing what just happened to the streaming server, after the
//! transaction that made it happen has committed. Failures are logged and
//! swallowed: the write succeeded, and a client that missed a live event
//! still sees it on its next timeline fetch.
use ferrodon_db::models::{Notification, Status, Visibility};
use ferrodon_db::queries::{accounts, blocks_mutes, follows, lists, tags_mentions};

use crate::streaming::{publish, Event, Stream};
use crate::{views, AppState, Result};

/// Who should hear about a status: its author, local followers (for
/// non-direct statuses; reblogs only where the follow shows them),
/// mentioned local accounts, and the public and hashtag streams for public
/// originals.
async fn audience(state: &AppState, status: &Status, tags: &[String]) -> Result<Vec<Stream>> {
    let mut conn = state.conn().await?;
    let mut streams = vec![Stream::User(status.account_id)];
    let visibility = status.visibility();
    let silencing = blocks_mutes::list_silencing_account_ids(&mut conn, status.account_id).await?;
    if visibility != Visibility::Direct {
        let followers = follows::list_local_follower_ids(&mut conn, status.account_id).await?;
        for (follower, show_reblogs) in &followers {
            if status.reblog_of_id.is_none() || *show_reblogs {
                streams.push(Stream::User(*follower));
            }
        }
        for (list_id, owner) in lists::lists_with_member(&mut conn, status.account_id).await? {
            let may_see =
                visibility != Visibility::Private || followers.iter().any(|(f, _)| *f == owner);
            if may_see && !silencing.contains(&owner) {
                streams.push(Stream::List(list_id));
            }
        }
    }
    let mentioned = tags_mentions::list_mentioned_account_ids(&mut conn, status.id).await?;
    let local_mentioned: Vec<i64> = accounts::get_accounts_by_ids(&mut conn, &mentioned)
        .await?
        .into_iter()
        .filter(|a| a.is_local())
        .map(|a| a.id)
        .collect();
    if visibility == Visibility::Direct {
        streams.push(Stream::Direct(status.account_id));
        for id in &local_mentioned {
            streams.push(Stream::User(*id));
            streams.push(Stream::Direct(*id));
        }
    }
    if visibility == Visibility::Public && status.reblog_of_id.is_none() {
        streams.push(Stream::Public);
        streams.push(if status.local {
            Stream::PublicLocal
        } else {
            Stream::PublicRemote
        });
        for tag in tags {
            let tag = tag.to_lowercase();
            streams.push(Stream::Hashtag(tag.clone()));
            if status.local {
                streams.push(Stream::HashtagLocal(tag));
            }
        }
    }
    streams.retain(|s| match s {
        Stream::User(id) | Stream::Direct(id) => !silencing.contains(id),
        _ => true,
    });
    streams.sort_by_key(|s| s.channel());
    streams.dedup();
    Ok(streams)
}

async fn status_event(state: &AppState, status: &Status, event: &str) -> Result<()> {
    let mut conn = state.conn().await?;
    let rendered = views::render_status(&mut conn, &state.config, status.id, None).await?;
    drop(conn);
    let tags: Vec<String> = rendered
        .reblog
        .as_ref()
        .map_or(&rendered.tags, |r| &r.tags)
        .iter()
        .map(|t| t.name.clone())
        .collect();
    let streams = audience(state, status, &tags).await?;
    let payload =
        serde_json::to_string(&rendered).map_err(|e| crate::Error::Internal(e.to_string()))?;
    publish(
        state,
        &streams,
        &Event {
            event: event.into(),
            payload,
            account_ids: about(status, &rendered),
        },
    )
    .await
}

/// The accounts a status event is about: its author and, for a reblog, the original's.
fn about(status: &Status, rendered: &crate::entities::status::Status) -> Vec<i64> {
    let mut ids = vec![status.account_id];
    if let Some(original) = &rendered.reblog {
        if let Ok(id) = original.account.id.parse() {
            ids.push(id);
        }
    }
    ids
}

fn log_failure(what: &str, result: Result<()>) {
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not publish {what} to streaming");
    }
}

/// A new status or reblog: `update`.
pub async fn status_created(state: &AppState, status: &Status) {
    log_failure("update", status_event(state, status, "update").await);
}

/// An edited status: `status.update`.
pub async fn status_edited(state: &AppState, status: &Status) {
    log_failure(
        "status.update",
        status_event(state, status, "status.update").await,
    );
}

/// A deleted status or undone reblog: `delete` with its id. Call it with the
/// row as it was; mentions are gone by then, so only followers and public
/// streams hear of it.
pub async fn status_deleted(state: &AppState, status: &Status) {
    let result = async {
        let streams = audience(state, status, &[]).await?;
        publish(
            state,
            &streams,
            &Event {
                event: "delete".into(),
                payload: status.id.to_string(),
                account_ids: vec![status.account_id],
            },
        )
        .await
    }
    .await;
    log_failure("delete", result);
}

/// Several new notifications (none is fine), one after the other.
pub async fn notifications_created(state: &AppState, notifications: &[Notification]) {
    for notification in notifications {
        notification_created(state, notification).await;
    }
}

/// A new notification: `notification` to its recipient.
pub async fn notification_created(state: &AppState, notification: &Notification) {
    let result = async {
        let mut conn = state.conn().await?;
        let rendered = views::render_notifications(
            &mut conn,
            &state.config,
            std::slice::from_ref(notification),
            notification.account_id,
        )
        .await?;
        let Some(one) = rendered.first() else {
            return Ok(());
        };
        let payload =
            serde_json::to_string(one).map_err(|e| crate::Error::Internal(e.to_string()))?;
        publish(
            state,
            &[
                Stream::User(notification.account_id),
                Stream::UserNotification(notification.account_id),
            ],
            &Event {
                event: "notification".into(),
                payload,
                account_ids: Vec::new(),
            },
        )
        .await
    }
    .await;
    log_failure("notification", result);
}
