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

/// Delivers the `Delete` of a deleted local account's actor to one inbox,
/// signed with the key the job carries.
pub async fn deliver_actor_deletion(
    state: &AppState,
    account_id: i64,
    actor_uri: &str,
    private_key: &str,
    inbox: &str,
    activity: &serde_json::Value,
) -> Result<()> {
    let signer = federation::client::SigningActor {
        account_id,
        uri: actor_uri,
        private_key: Some(private_key),
    };
    federation::account_deletion::deliver_job(state, signer, inbox, activity).await
}

/// Pushes one notification to one Web Push subscription.
pub async fn web_push(state: &AppState, subscription_id: i64, notification_id: i64) -> Result<()> {
    webpush::deliver(state, subscription_id, notification_id).await
}
