//! Creating a notification: unless its recipient silenced the sender or
//! the recipient's policy drops it; in its group (Mastodon 4.3's
//! `group_key`); filtered, with a notification request, when the policy
//! says so.
use chrono::Utc;
use ferrodon_db::models::{NewNotification, Notification, NotificationKind};
use ferrodon_db::queries::{
    blocks_mutes, conversation_mutes, notification_requests, notifications,
};
use ferrodon_db::Conn;
use ferrodon_db::{AccountId, StatusId};

use super::policy::{judge, Verdict};
use crate::Result;

/// Notification types grouped by default (Mastodon 4.3's
/// `GROUPABLE_NOTIFICATION_TYPES`).
pub const GROUPABLE_KINDS: &[NotificationKind] = &[
    NotificationKind::Favourite,
    NotificationKind::Reblog,
    NotificationKind::Follow,
];

/// A group goes on taking notifications for this many hours after it began.
const MAXIMUM_GROUP_SPAN_HOURS: i64 = 12;

/// True when the notification is about a status in a thread its recipient
/// muted (`POST /api/v1/statuses/:id/mute`).
async fn in_muted_thread(conn: &mut Conn, new: &NewNotification) -> Result<bool> {
    let Some(status_id) = new.status_id else {
        return Ok(false);
    };
    let muted = conversation_mutes::muted_roots(conn, new.account_id).await?;
    if muted.is_empty() {
        return Ok(false);
    }
    let roots = ferrodon_db::queries::statuses::thread_roots(conn, &[status_id]).await?;
    Ok(roots.iter().any(|(_, root)| muted.contains(root)))
}

/// Stores a notification, or nothing when the recipient blocks the sender,
/// mutes it with notifications hidden, or its policy drops it. A filtered
/// notification is returned too (with `filtered` set): it is not to be
/// streamed, pushed or e-mailed.
pub async fn notify(conn: &mut Conn, new: &NewNotification) -> Result<Option<Notification>> {
    if blocks_mutes::silences_notifications(
        conn,
        AccountId::new(new.account_id),
        AccountId::new(new.from_account_id),
    )
    .await?
    {
        return Ok(None);
    }
    if in_muted_thread(conn, new).await? {
        return Ok(None);
    }
    let filtered = match judge(conn, new).await? {
        Verdict::Drop => return Ok(None),
        Verdict::Filter => true,
        Verdict::Accept => false,
    };
    let group_key = if filtered {
        None
    } else {
        group_key(conn, new).await?
    };
    let note = notifications::put_notification(conn, new, group_key.as_deref(), filtered).await?;
    if let (true, NotificationKind::Mention, Some(status_id)) = (filtered, new.kind, new.status_id)
    {
        notification_requests::record_filtered_mention(
            conn,
            AccountId::new(new.account_id),
            AccountId::new(new.from_account_id),
            StatusId::new(status_id),
        )
        .await?;
    }
    Ok(Some(note))
}

/// `<type>-<status id>-<hour>` for favourites and reblogs, `follow-<hour>`
/// for follows (None for other types). The hour is that of the group's
/// first notification while it is less than
/// [`MAXIMUM_GROUP_SPAN_HOURS`] old, so a group spans at most that long.
async fn group_key(conn: &mut Conn, new: &NewNotification) -> Result<Option<String>> {
    let prefix = match (new.kind, new.status_id) {
        (NotificationKind::Favourite | NotificationKind::Reblog, Some(status_id)) => {
            format!("{}-{status_id}", new.kind)
        }
        (NotificationKind::Follow, _) => "follow".to_owned(),
        _ => return Ok(None),
    };
    let hour = Utc::now().timestamp() / 3600;
    let previous = notifications::latest_group_key(conn, new.account_id, &format!("{prefix}-"))
        .await?
        .and_then(|key| key.rsplit('-').next()?.parse::<i64>().ok());
    let hour = match previous {
        Some(start) if hour < start + MAXIMUM_GROUP_SPAN_HOURS => start,
        _ => hour,
    };
    Ok(Some(format!("{prefix}-{hour}")))
}
