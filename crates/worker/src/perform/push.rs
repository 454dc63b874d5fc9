//! The `push` queue: deliveries to other servers' inboxes and Web Push.
use ferrodon_core::{federation, webpush, AppState, Result};

/// Signs and delivers one activity to one inbox.
pub async fn deliver(
    state: &AppState,
    sender_id: i64,
    inbox: &str,
    activity: &serde_json::Value,
) -> Result<()> {
    federation::outbox::deliver_job(state, sender_id, inbox, activity).await
}

/// Pushes one notification to one Web Push subscription.
pub async fn web_push(state: &AppState, subscription_id: i64, notification_id: i64) -> Result<()> {
    webpush::deliver(state, subscription_id, notification_id).await
}
