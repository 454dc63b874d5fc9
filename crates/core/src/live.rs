//! Distributing what just happened: statuses into home feeds and every
//! event to the streaming server. Status distribution runs in the `default`
//! queue ([`crate::jobs::Job::DistributeStatus`]), so posting does not wait
//! for fan-out; notifications are published inline. Publishing failures
//! are logged and swallowed: the write succeeded, and a client that missed
//! a live event still sees it on its next timeline fetch.
use ferrodon_db::models::{Notification, Status, Visibility};
use ferrodon_db::queries::{accounts, blocks_mutes, follows, lists, tag_follows, tags_mentions};

use crate::db::queries::timelines::Locality;
use crate::jobs::{self, Job, StatusSnapshot};
use crate::streaming::{publish, Event, Stream};
use crate::{feeds, views, AppState, Result};

/// Who should hear about a status: its author, local followers (for
/// non-direct statuses; reblogs only where the follow shows them), for a
/// direct status the mentioned local accounts that follow its author, and
/// for public originals the followers of its hashtags and the public and
/// hashtag streams.
async fn audience(state: &AppState, status: &StatusSnapshot) -> Result<Audience> {
    let mut conn = state.conn().await?;
    let mut streams = vec![Stream::User(status.account_id)];
    let visibility = Visibility::from_i16(status.visibility);
    let silencing = blocks_mutes::list_silencing_account_ids(&mut conn, status.account_id).await?;
    let followers = follows::list_local_follower_ids(&mut conn, status.account_id).await?;
    if visibility != Visibility::Direct {
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
        // As Mastodon: a direct status reaches the home of the mentioned
        // accounts that follow its author; the `direct` streams get
        // `conversation` events (see `conversations`), not `update`s.
        for id in &local_mentioned {
            if followers.iter().any(|(f, _)| f == id) {
                streams.push(Stream::User(*id));
            }
        }
    }
    if visibility == Visibility::Public && status.reblog_of_id.is_none() {
        for follower in tag_follows::list_tag_follower_ids_of_status(&mut conn, status.id).await? {
            streams.push(Stream::User(follower));
        }
        streams.push(Stream::Public);
        streams.push(if status.local {
            Stream::PublicLocal
        } else {
            Stream::PublicRemote
        });
        for tag in &status.tags {
            let tag = tag.to_lowercase();
            streams.push(Stream::Hashtag(tag.clone()));
            if status.local {
                streams.push(Stream::HashtagLocal(tag));
            }
        }
        // Originals with attachments also go to the media-only streams.
        if status.with_media {
            streams.push(Stream::PublicMedia(Locality::All));
            streams.push(Stream::PublicMedia(if status.local {
                Locality::Local
            } else {
                Locality::Remote
            }));
        }
    }
    streams.sort_by_key(|s| s.channel());
    streams.dedup();
    Ok(Audience { streams, silencing })
}

/// Who hears about a status, before mutes and blocks are applied.
struct Audience {
    /// Every stream, including home streams of accounts that silence the author.
    streams: Vec<Stream>,
    /// Accounts that block or mute the author.
    silencing: Vec<i64>,
}

impl Audience {
    /// The streams events go to: without the personal streams of accounts
    /// that block or mute the author.
    fn live_streams(&self) -> Vec<Stream> {
        self.streams
            .iter()
            .filter(|s| match s {
                Stream::User(id) | Stream::Direct(id) => !self.silencing.contains(id),
                _ => true,
            })
            .cloned()
            .collect()
    }

    /// Home feed keys: every local follower's, silencing or not, since the
    /// read rules hide muted statuses only while the mute lasts.
    fn home_feed_keys(&self, state: &AppState) -> Vec<String> {
        self.streams
            .iter()
            .filter_map(|s| match s {
                Stream::User(id) => Some(feeds::home_key(state, *id)),
                _ => None,
            })
            .collect()
    }
}

/// Runs [`Job::DistributeStatus`]: a new status goes into the home feeds of
/// its audience, and a new or edited one out to their streams.
pub async fn distribute_status(state: &AppState, status: &Status, edited: bool) -> Result<()> {
    let mut conn = state.conn().await?;
    let delivered = views::VisibleStatuses::fan_out(status.id);
    let rendered = views::render_status(&mut conn, &state.config, &delivered).await?;
    drop(conn);
    let tags: Vec<String> = rendered
        .reblog
        .as_ref()
        .map_or(&rendered.tags, |r| &r.tags)
        .iter()
        .map(|t| t.name.clone())
        .collect();
    let snapshot = StatusSnapshot {
        tags,
        with_media: !rendered.media_attachments.is_empty(),
        ..StatusSnapshot::from(status)
    };
    let audience = audience(state, &snapshot).await?;
    if !edited {
        let mut redis = state.redis().await?;
        feeds::add_to_feeds(&mut *redis, &audience.home_feed_keys(state), &[status.id]).await?;
        drop(redis);
        notify_subscribers(state, status).await?;
    }
    let streams = audience.live_streams();
    let payload = serde_json::to_string(&rendered)
        .map_err(|e| crate::Error::caused("encoding a streaming event", e))?;
    let event = if edited { "status.update" } else { "update" };
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

/// A `status` notification to each local follower who rang the bell
/// (`notify` on the follow), as Mastodon sends when the post reaches their
/// home feed: not for reblogs, direct posts or replies to someone else;
/// blocks, mutes and notification policies apply as for any notification.
async fn notify_subscribers(state: &AppState, status: &Status) -> Result<()> {
    let replies_to_other = status
        .in_reply_to_account_id
        .is_some_and(|to| to != status.account_id);
    if status.reblog_of_id.is_some()
        || replies_to_other
        || status.visibility() == Visibility::Direct
    {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    let subscribers =
        ferrodon_db::queries::follows::list_local_subscriber_ids(&mut conn, status.account_id)
            .await?;
    let mut notes = Vec::new();
    for subscriber in subscribers {
        if subscriber == status.account_id {
            continue;
        }
        let new = ferrodon_db::models::NewNotification {
            account_id: subscriber,
            from_account_id: status.account_id,
            kind: ferrodon_db::models::NotificationKind::Status,
            status_id: Some(status.id),
        };
        notes.extend(crate::notifications::notify::notify(&mut conn, &new).await?);
    }
    drop(conn);
    notifications_created(state, &notes).await;
    Ok(())
}

/// Runs [`Job::UnpublishStatus`]: out of home feeds, `delete` to streams:
/// the public, hashtag and media streams the status went to (its snapshot
/// carries its tags and whether it had media). Mentions are gone by then,
/// so only followers and public streams hear of it.
pub async fn unpublish_status(state: &AppState, status: &StatusSnapshot) -> Result<()> {
    let audience = audience(state, status).await?;
    let mut redis = state.redis().await?;
    feeds::remove_from_feeds(&mut *redis, &audience.home_feed_keys(state), status.id).await?;
    drop(redis);
    let streams = audience.live_streams();
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
        tracing::warn!(error = %e, "could not {what}");
    }
}

/// A new status or reblog, just committed: into the author's own home feed
/// at once (so the author sees it on the next read), the rest queued.
pub async fn status_created(state: &AppState, status: &Status) {
    let result = async {
        let mut redis = state.redis().await?;
        feeds::add_to_feeds(
            &mut *redis,
            &[feeds::home_key(state, status.account_id)],
            &[status.id],
        )
        .await?;
        drop(redis);
        jobs::enqueue(
            state,
            Job::DistributeStatus {
                status_id: status.id,
                edited: false,
            },
        )
        .await
    }
    .await;
    log_failure("queue the distribution of a new status", result);
}

/// An edited status: `status.update`, queued.
pub async fn status_edited(state: &AppState, status: &Status) {
    let result = jobs::enqueue(
        state,
        Job::DistributeStatus {
            status_id: status.id,
            edited: true,
        },
    )
    .await;
    log_failure("queue the distribution of an edit", result);
}

/// A deleted status or undone reblog, as the row was, with the (lower-case)
/// tags it had and whether it had media: queued for removal from feeds and
/// a `delete` event to every stream it went to.
pub async fn status_deleted(
    state: &AppState,
    status: &Status,
    tags: Vec<String>,
    with_media: bool,
) {
    let status = StatusSnapshot {
        tags,
        with_media,
        ..StatusSnapshot::from(status)
    };
    let result = jobs::enqueue(state, Job::UnpublishStatus { status }).await;
    log_failure("queue the removal of a status", result);
}

/// A new follow: the followed account's recent statuses go into the
/// follower's home feed, queued.
pub async fn follow_created(state: &AppState, account_id: i64, target_account_id: i64) {
    let result = jobs::enqueue(
        state,
        Job::MergeIntoHomeFeed {
            account_id,
            target_account_id,
        },
    )
    .await;
    log_failure("queue a home feed merge", result);
}

/// Several new notifications (none is fine), one after the other.
pub async fn notifications_created(state: &AppState, notifications: &[Notification]) {
    for notification in notifications {
        notification_created(state, notification).await;
    }
}

/// A new notification: `notification` to its recipient, an e-mail
/// queued when it is of a kind that is e-mailed, and Web Push jobs for the
/// recipient's subscriptions that want it. A notification the recipient's
/// policy filtered gets none of these.
pub async fn notification_created(state: &AppState, notification: &Notification) {
    if notification.filtered {
        return;
    }
    log_failure(
        "queue web push notifications",
        crate::webpush::queue_for(state, notification).await,
    );
    if crate::mail::preferences::is_emailable(notification.kind) {
        let result = crate::mail::queue(
            state,
            crate::mail::MailJob::Notification {
                notification_id: notification.id,
            },
        )
        .await;
        log_failure("queue a notification e-mail", result);
    }
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
        let payload = serde_json::to_string(one)
            .map_err(|e| crate::Error::caused("encoding a streaming event", e))?;
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
    log_failure("publish a notification", result);
}
