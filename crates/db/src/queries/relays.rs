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
    /// The relay's actor, once it answered our follow.
    pub actor_uri: Option<String>,
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

/// The relay whose follow has the activity id `follow_activity_id`.
pub async fn relay_by_follow(conn: &mut Conn, follow_activity_id: &str) -> Result<Option<Relay>> {
    Ok(relays::table
        .filter(relays::follow_activity_id.eq(follow_activity_id))
        .select(Relay::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Records a relay's answer to our follow and the actor that gave it.
pub async fn set_relay_answer(
    conn: &mut Conn,
    relay_id: i64,
    state: &str,
    actor_uri: &str,
) -> Result<()> {
    diesel::update(relays::table.find(relay_id))
        .set((
            relays::state.eq(state),
            relays::actor_uri.eq(actor_uri),
            relays::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether `actor_uri` is the actor of a relay that accepted our follow.
pub async fn is_accepted_relay_actor(conn: &mut Conn, actor_uri: &str) -> Result<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        relays::table
            .filter(relays::actor_uri.eq(actor_uri))
            .filter(relays::state.eq("accepted")),
    ))
    .get_result(conn)
    .await?)
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
