//! `/api/v1/push/subscription`: one subscription per access token, its
//! checks (Mastodon's messages) and the WebPushSubscription entity.
use ferrodon_db::models::NotificationKind;
use ferrodon_db::queries::web_push::{self, NewWebPushSubscription, WebPushSubscription};
use serde_json::{json, Map, Value};

use super::crypto::{AUTH_SECRET_LEN, PUBLIC_KEY_LEN};
use crate::secrets::vapid::decode_base64url;
use crate::{AppState, Config, Error, Result};

/// The alerts a subscription can ask for (Mastodon's notification types).
pub const ALERTS: [&str; 12] = [
    "mention",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "poll",
    "update",
    "quote",
    "quoted_update",
    "admin.sign_up",
    "admin.report",
];

/// Whose notifications are pushed.
pub const POLICIES: [&str; 4] = ["all", "followed", "follower", "none"];

/// `subscription[…]` as sent.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionInput {
    /// The push service's URL.
    pub endpoint: String,
    /// The user agent's public key, base64url.
    pub p256dh: String,
    /// The user agent's authentication secret, base64url.
    pub auth: String,
    /// `subscription[standard]`: the client asked for RFC 8291 messages.
    pub standard: bool,
}

/// `data[…]` as sent: the named alerts (unknown names dropped) and the policy.
#[derive(Debug, Clone, Default)]
pub struct DataInput {
    /// Alert name → wanted.
    pub alerts: Map<String, Value>,
    /// all, followed, follower or none (all when None).
    pub policy: Option<String>,
}

fn check_subscription(input: &SubscriptionInput) -> Result<()> {
    if input.endpoint.trim().is_empty() {
        return Err(Error::validation("Endpoint can't be blank"));
    }
    let endpoint_ok = url::Url::parse(input.endpoint.trim())
        .is_ok_and(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some());
    if !endpoint_ok {
        return Err(Error::validation("Endpoint is not a valid URL"));
    }
    if input.p256dh.trim().is_empty() {
        return Err(Error::validation("Key p256dh can't be blank"));
    }
    if input.auth.trim().is_empty() {
        return Err(Error::validation("Key auth can't be blank"));
    }
    let point = decode_base64url(&input.p256dh);
    if !point.is_some_and(|p| p.len() == PUBLIC_KEY_LEN && p[0] == 4) {
        return Err(Error::validation(
            "Key p256dh is not a valid P-256 public key",
        ));
    }
    if decode_base64url(&input.auth).is_none_or(|a| a.len() != AUTH_SECRET_LEN) {
        return Err(Error::validation(
            "Key auth is not a valid authentication secret",
        ));
    }
    Ok(())
}

fn policy(data: &DataInput) -> Result<String> {
    let policy = data.policy.clone().unwrap_or_else(|| "all".into());
    if !POLICIES.contains(&policy.as_str()) {
        return Err(Error::validation("Policy is not included in the list"));
    }
    Ok(policy)
}

/// Creates the token's subscription, replacing the one it had.
pub async fn subscribe(
    state: &AppState,
    access_token_id: i64,
    user_id: i64,
    input: &SubscriptionInput,
    data: &DataInput,
) -> Result<WebPushSubscription> {
    check_subscription(input)?;
    let policy = policy(data)?;
    let mut conn = state.conn().await?;
    Ok(web_push::replace_subscription(
        &mut conn,
        &NewWebPushSubscription {
            access_token_id,
            user_id,
            endpoint: input.endpoint.trim().to_owned(),
            key_p256dh: input.p256dh.trim().to_owned(),
            key_auth: input.auth.trim().to_owned(),
            standard: input.standard,
            alerts: Value::Object(data.alerts.clone()),
            policy,
        },
    )
    .await?)
}

/// The token's subscription (404 when it has none).
pub async fn show(state: &AppState, access_token_id: i64) -> Result<WebPushSubscription> {
    let mut conn = state.conn().await?;
    web_push::find_subscription_of_token(&mut conn, access_token_id)
        .await?
        .ok_or(Error::NotFound)
}

/// Replaces what the token's subscription is for (404 when it has none).
pub async fn update(
    state: &AppState,
    access_token_id: i64,
    data: &DataInput,
) -> Result<WebPushSubscription> {
    show(state, access_token_id).await?;
    let policy = policy(data)?;
    let mut conn = state.conn().await?;
    Ok(web_push::update_subscription_data(
        &mut conn,
        access_token_id,
        &Value::Object(data.alerts.clone()),
        &policy,
    )
    .await?)
}

/// Deletes the token's subscription, if any.
pub async fn unsubscribe(state: &AppState, access_token_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    web_push::delete_subscriptions_of_tokens(&mut conn, &[access_token_id]).await?;
    Ok(())
}

/// True when the subscription asked for alerts of this notification type.
pub fn wants(subscription: &WebPushSubscription, kind: NotificationKind) -> bool {
    subscription.alerts.get(kind.as_str()) == Some(&Value::Bool(true))
}

/// The WebPushSubscription entity.
pub fn render(config: &Config, subscription: &WebPushSubscription) -> Value {
    json!({
        "id": subscription.id.to_string(),
        "endpoint": subscription.endpoint,
        "standard": subscription.standard,
        "alerts": subscription.alerts,
        "server_key": config.vapid.as_ref().map_or("", |k| k.public_key.as_str()),
        "policy": subscription.policy,
    })
}
