//! Pushing a notification to the subscriptions that want it.
use ferrodon_db::AccountId;
use std::time::Duration;

use ferrodon_db::models::{Notification, NotificationKind};
use ferrodon_db::queries::{accounts, follows, notifications, statuses, users, web_push};
use serde_json::json;

use super::crypto;
use super::subscriptions::wants;
use crate::http_client::{send_limited, FetchError};
use crate::jobs::{self, Job};
use crate::secrets::vapid::decode_base64url;
use crate::{entities, AppState, Error, Result};

/// How long a push service keeps an undelivered message (Mastodon's 48 hours).
const TTL_SECS: u64 = 48 * 3600;
/// Lifetime of the VAPID JWT (RFC 8292 allows at most 24 hours).
const JWT_VALIDITY_SECS: i64 = 12 * 3600;
/// Longest body read from a push service's answer.
const RESPONSE_LIMIT: u64 = 64 * 1024;
/// Longest exchange with a push service.
const TIMEOUT: Duration = Duration::from_secs(20);
/// Longest `body` in the payload, as Mastodon truncates it.
const BODY_CHARS: usize = 140;

/// After a notification is committed: one `WebPush` job per subscription
/// of the recipient whose alerts include its type and whose policy admits
/// the sender. Nothing when the server has no VAPID keys or the notification
/// was filtered by the recipient's policy.
pub async fn queue_for(state: &AppState, notification: &Notification) -> Result<()> {
    if state.config.vapid.is_none() || notification.filtered {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    let subscriptions =
        web_push::list_live_subscriptions_of_account(&mut conn, notification.account_id).await?;
    for subscription in subscriptions.iter().filter(|s| wants(s, notification.kind)) {
        let (me, them) = (notification.account_id, notification.from_account_id);
        let allowed = match subscription.policy.as_str() {
            "all" => true,
            "followed" => follows::get_follow(&mut conn, AccountId::new(me), AccountId::new(them))
                .await?
                .is_some(),
            "follower" => follows::get_follow(&mut conn, AccountId::new(them), AccountId::new(me))
                .await?
                .is_some(),
            _ => false,
        };
        if allowed {
            jobs::enqueue(
                state,
                Job::WebPush {
                    subscription_id: subscription.id,
                    notification_id: notification.id,
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// Mastodon's title for a notification (its `notification_mailer.*.subject`).
fn title(kind: NotificationKind, name: &str) -> String {
    use NotificationKind as K;
    match kind {
        K::Mention => format!("You were mentioned by {name}"),
        K::Status => format!("{name} just posted"),
        K::Reblog => format!("{name} boosted your post"),
        K::Follow => format!("{name} is now following you"),
        K::FollowRequest => format!("Pending follower: {name}"),
        K::Favourite => format!("{name} favorited your post"),
        K::Poll => "A poll you voted in has ended".to_owned(),
        K::Update => format!("{name} edited a post"),
        K::Quote => format!("{name} quoted your post"),
        K::QuotedUpdate => format!("{name} edited a post you have quoted"),
        K::AdminSignUp => format!("{name} signed up"),
        K::AdminReport => "New report".to_owned(),
        K::SeveredRelationships | K::ModerationWarning | K::AnnualReport => {
            format!("New notification from {name}")
        }
    }
}

/// Cuts `text` to at most `max` characters at a space, with an ellipsis.
fn truncate(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    let cut = cut
        .rsplit_once(char::is_whitespace)
        .map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end())
}

/// Runs [`Job::WebPush`]: renders, encrypts, signs and posts one push. A
/// subscription, notification or account gone meanwhile ends the job
/// quietly; 404 and 410 from the push service delete the subscription;
/// other failures are retried by the queue.
pub async fn deliver(state: &AppState, subscription_id: i64, notification_id: i64) -> Result<()> {
    let Some(keys) = state.config.vapid.as_ref() else {
        return Ok(());
    };
    let mut conn = state.conn().await?;
    let Some(subscription) = web_push::find_subscription(&mut conn, subscription_id).await? else {
        return Ok(());
    };
    let found = async {
        let note = notifications::get_notification_by_id(&mut conn, notification_id).await?;
        let from = accounts::get_account_by_id(&mut conn, note.from_account_id).await?;
        let user = users::get_user_by_account_id(&mut conn, note.account_id).await?;
        let status = match note.status_id {
            Some(id) => Some(statuses::get_status_by_id(&mut conn, id).await?),
            None => None,
        };
        Ok::<_, ferrodon_db::Error>((note, from, user, status))
    }
    .await;
    let (note, from, user, status) = match found {
        Ok(found) => found,
        Err(ferrodon_db::Error::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    let name = if from.display_name.trim().is_empty() {
        from.username.clone()
    } else {
        from.display_name.clone()
    };
    let body = match &status {
        Some(s) if !s.spoiler_text.is_empty() => s.spoiler_text.clone(),
        Some(s) if !s.text.is_empty() => s.text.clone(),
        Some(s) => ferrodon_apub::sanitize::plain_text(&s.content),
        None => ferrodon_apub::sanitize::plain_text(&from.note),
    };
    let icon = entities::account::render(&state.config, &from).avatar_static;
    // Mastodon sends the subscription's access token here; ours are stored
    // hashed, so clients get an empty string and use their own token.
    let payload = json!({
        "access_token": "",
        "preferred_locale": user.locale,
        "notification_id": note.id.to_string(),
        "notification_type": note.kind,
        "icon": icon,
        "title": title(note.kind, &name),
        "body": truncate(&body, BODY_CHARS),
    });
    let p256dh = decode_base64url(&subscription.key_p256dh)
        .ok_or_else(|| Error::internal("stored p256dh is not base64url"))?;
    let auth = decode_base64url(&subscription.key_auth)
        .ok_or_else(|| Error::internal("stored auth is not base64url"))?;
    let encrypted = crypto::encrypt(&p256dh, &auth, payload.to_string().as_bytes())
        .map_err(|e| Error::caused("web push encryption", e))?;
    let endpoint =
        url::Url::parse(&subscription.endpoint).map_err(|e| Error::caused("stored endpoint", e))?;
    let authorization = keys
        .authorization(
            &endpoint,
            &state.config.base_url(),
            chrono::Utc::now().timestamp(),
            JWT_VALIDITY_SECS,
        )
        .map_err(|e| Error::caused("web push VAPID signature", e))?;
    let headers = [
        ("Authorization", authorization),
        ("Content-Encoding", "aes128gcm".to_owned()),
        ("Content-Type", "application/octet-stream".to_owned()),
        ("TTL", TTL_SECS.to_string()),
        ("Urgency", "normal".to_owned()),
    ];
    let sent = send_limited(
        &state.http,
        reqwest::Method::POST,
        endpoint.as_str(),
        &headers,
        Some(encrypted),
        RESPONSE_LIMIT,
        TIMEOUT,
    )
    .await;
    match sent {
        Ok(_) => Ok(()),
        Err(FetchError::Status {
            status: 404 | 410, ..
        }) => {
            let mut conn = state.conn().await?;
            web_push::delete_subscription(&mut conn, subscription.id).await?;
            tracing::info!(
                subscription_id,
                "push service forgot the subscription; deleted"
            );
            Ok(())
        }
        Err(FetchError::Forbidden(e)) => {
            tracing::warn!(subscription_id, error = %e, "push endpoint refused");
            Ok(())
        }
        Err(e) => Err(Error::Unavailable(format!("web push: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_cut_at_a_space() {
        assert_eq!(truncate("short", 140), "short");
        assert_eq!(truncate("one two three", 10), "one two…");
    }
}
