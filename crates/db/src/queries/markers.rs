//! Timeline read positions (`/api/v1/markers`).
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;

use crate::ids::AccountId;
use crate::schema::markers;
use crate::{Conn, Result};

/// A saved read position.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = markers, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Marker {
    pub timeline: String,
    pub last_read_id: i64,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// An account's markers for the given timelines (all when empty).
pub async fn list_markers(
    conn: &mut Conn,
    account_id: i64,
    timelines: &[String],
) -> Result<Vec<Marker>> {
    let all = ["home".to_owned(), "notifications".to_owned()];
    let wanted = if timelines.is_empty() {
        &all[..]
    } else {
        timelines
    };
    Ok(markers::table
        .filter(markers::account_id.eq(account_id))
        .filter(markers::timeline.eq_any(wanted))
        .select(Marker::as_select())
        .load(conn)
        .await?)
}

/// Saves a read position, bumping its version.
pub async fn put_marker(
    conn: &mut Conn,
    account_id: AccountId,
    timeline: &str,
    last_read_id: i64,
) -> Result<Marker> {
    Ok(diesel::insert_into(markers::table)
        .values((
            markers::account_id.eq(account_id),
            markers::timeline.eq(timeline),
            markers::last_read_id.eq(last_read_id),
        ))
        .on_conflict((markers::account_id, markers::timeline))
        .do_update()
        .set((
            markers::last_read_id.eq(excluded(markers::last_read_id)),
            markers::version.eq(markers::version + 1),
            markers::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Marker::as_returning())
        .get_result(conn)
        .await?)
}
