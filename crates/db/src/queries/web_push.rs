//! Web Push subscriptions, one per access token.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::schema::{oauth_access_tokens, users, web_push_subscriptions};
use crate::{Conn, Result};

/// A push subscription.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = web_push_subscriptions, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct WebPushSubscription {
    pub id: i64,
    pub access_token_id: i64,
    pub user_id: i64,
    pub endpoint: String,
    pub key_p256dh: String,
    pub key_auth: String,
    pub standard: bool,
    /// `{"mention": true, …}`, only the alerts the client named.
    pub alerts: serde_json::Value,
    /// all, followed, follower or none.
    pub policy: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new subscription.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = web_push_subscriptions)]
#[allow(missing_docs)]
pub struct NewWebPushSubscription {
    pub access_token_id: i64,
    pub user_id: i64,
    pub endpoint: String,
    pub key_p256dh: String,
    pub key_auth: String,
    pub standard: bool,
    pub alerts: serde_json::Value,
    pub policy: String,
}

/// Stores a token's subscription, replacing the one it had.
pub async fn replace_subscription(
    conn: &mut Conn,
    new: &NewWebPushSubscription,
) -> Result<WebPushSubscription> {
    diesel::delete(
        web_push_subscriptions::table
            .filter(web_push_subscriptions::access_token_id.eq(new.access_token_id)),
    )
    .execute(conn)
    .await?;
    Ok(diesel::insert_into(web_push_subscriptions::table)
        .values(new)
        .returning(WebPushSubscription::as_returning())
        .get_result(conn)
        .await?)
}

/// The subscription of a token, if any.
pub async fn find_subscription_of_token(
    conn: &mut Conn,
    access_token_id: i64,
) -> Result<Option<WebPushSubscription>> {
    Ok(web_push_subscriptions::table
        .filter(web_push_subscriptions::access_token_id.eq(access_token_id))
        .select(WebPushSubscription::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// One subscription by id.
pub async fn find_subscription(conn: &mut Conn, id: i64) -> Result<Option<WebPushSubscription>> {
    Ok(web_push_subscriptions::table
        .find(id)
        .select(WebPushSubscription::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Changes what a token's subscription is for.
pub async fn update_subscription_data(
    conn: &mut Conn,
    access_token_id: i64,
    alerts: &serde_json::Value,
    policy: &str,
) -> Result<WebPushSubscription> {
    Ok(diesel::update(
        web_push_subscriptions::table
            .filter(web_push_subscriptions::access_token_id.eq(access_token_id)),
    )
    .set((
        web_push_subscriptions::alerts.eq(alerts),
        web_push_subscriptions::policy.eq(policy),
        web_push_subscriptions::updated_at.eq(diesel::dsl::now),
    ))
    .returning(WebPushSubscription::as_returning())
    .get_result(conn)
    .await?)
}

/// Deletes the subscriptions of these tokens (revoked, or asked to).
pub async fn delete_subscriptions_of_tokens(conn: &mut Conn, token_ids: &[i64]) -> Result<usize> {
    if token_ids.is_empty() {
        return Ok(0);
    }
    Ok(diesel::delete(
        web_push_subscriptions::table
            .filter(web_push_subscriptions::access_token_id.eq_any(token_ids)),
    )
    .execute(conn)
    .await?)
}

/// Deletes one subscription (its push service forgot it).
pub async fn delete_subscription(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::delete(web_push_subscriptions::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// The subscriptions of the local user of `account_id` whose tokens are
/// still live.
pub async fn list_live_subscriptions_of_account(
    conn: &mut Conn,
    account_id: i64,
) -> Result<Vec<WebPushSubscription>> {
    Ok(web_push_subscriptions::table
        .inner_join(oauth_access_tokens::table)
        .inner_join(users::table.on(users::id.eq(web_push_subscriptions::user_id)))
        .filter(users::account_id.eq(account_id))
        .filter(oauth_access_tokens::revoked_at.is_null())
        .select(WebPushSubscription::as_select())
        .load(conn)
        .await?)
}
