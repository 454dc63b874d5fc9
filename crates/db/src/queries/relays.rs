//! Relays the instance subscribes to.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::schema::relays;
use crate::{Conn, Result};

/// A relay subscription.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = relays, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Relay {
    pub id: i64,
    pub inbox_url: String,
    /// `pending`, `accepted` or `rejected`.
    pub state: String,
    pub follow_activity_id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Adds a relay (or returns the existing one for that inbox).
pub async fn put_relay(
    conn: &mut Conn,
    id: i64,
    inbox_url: &str,
    follow_activity_id: &str,
) -> Result<Relay> {
    diesel::insert_into(relays::table)
        .values((
            relays::id.eq(id),
            relays::inbox_url.eq(inbox_url),
            relays::follow_activity_id.eq(follow_activity_id),
        ))
        .on_conflict(relays::inbox_url)
        .do_nothing()
        .execute(conn)
        .await?;
    Ok(relays::table
        .filter(relays::inbox_url.eq(inbox_url))
        .select(Relay::as_select())
        .first(conn)
        .await?)
}

/// Every relay.
pub async fn list_relays(conn: &mut Conn) -> Result<Vec<Relay>> {
    Ok(relays::table
        .select(Relay::as_select())
        .order(relays::created_at.asc())
        .load(conn)
        .await?)
}

/// Inboxes of the relays that accepted us.
pub async fn accepted_relay_inboxes(conn: &mut Conn) -> Result<Vec<String>> {
    Ok(relays::table
        .filter(relays::state.eq("accepted"))
        .select(relays::inbox_url)
        .load(conn)
        .await?)
}

/// Records the relay's answer to our follow (by the follow's activity id).
pub async fn set_relay_state(
    conn: &mut Conn,
    follow_activity_id: &str,
    state: &str,
) -> Result<bool> {
    Ok(
        diesel::update(relays::table.filter(relays::follow_activity_id.eq(follow_activity_id)))
            .set((
                relays::state.eq(state),
                relays::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?
            > 0,
    )
}

/// Removes a relay; returns it if it existed.
pub async fn delete_relay(conn: &mut Conn, inbox_url: &str) -> Result<Option<Relay>> {
    Ok(
        diesel::delete(relays::table.filter(relays::inbox_url.eq(inbox_url)))
            .returning(Relay::as_returning())
            .get_result(conn)
            .await
            .optional()?,
    )
}

/// Whether `inbox_url` is (the inbox of) a relay we follow.
pub async fn is_relay_inbox(conn: &mut Conn, inbox_url: &str) -> Result<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        relays::table.filter(relays::inbox_url.eq(inbox_url)),
    ))
    .get_result(conn)
    .await?)
}
