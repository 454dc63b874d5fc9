//! Instance-wide settings stored as JSON values by key.
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;

use crate::schema::settings;
use crate::{Conn, Result};

/// A setting's value, or None when it was never set.
pub async fn get_setting(conn: &mut Conn, key: &str) -> Result<Option<serde_json::Value>> {
    Ok(settings::table
        .find(key)
        .select(settings::value)
        .first(conn)
        .await
        .optional()?)
}

/// Sets a setting, replacing any earlier value.
pub async fn put_setting(conn: &mut Conn, key: &str, value: &serde_json::Value) -> Result<()> {
    diesel::insert_into(settings::table)
        .values((settings::key.eq(key), settings::value.eq(value)))
        .on_conflict(settings::key)
        .do_update()
        .set((
            settings::value.eq(excluded(settings::value)),
            settings::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// A trivial round trip, for health checks.
pub async fn ping(conn: &mut Conn) -> Result<()> {
    diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>("1"))
        .execute(conn)
        .await?;
    Ok(())
}
