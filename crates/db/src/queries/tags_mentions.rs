//! Hashtags and mentions attached to statuses.
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;

use crate::models::Tag;
use crate::schema::{mentions, statuses_tags, tags};
use crate::{Conn, Result};

/// Finds or creates tags by display name; returns them.
pub async fn upsert_tags(conn: &mut Conn, display_names: &[String]) -> Result<Vec<Tag>> {
    if display_names.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<_> = display_names
        .iter()
        .map(|d| {
            (
                tags::name.eq(d.to_lowercase()),
                tags::display_name.eq(d.clone()),
            )
        })
        .collect();
    Ok(diesel::insert_into(tags::table)
        .values(rows)
        .on_conflict(tags::name)
        .do_update()
        .set(tags::name.eq(excluded(tags::name)))
        .returning(Tag::as_returning())
        .get_results(conn)
        .await?)
}

/// Links tags to a status, replacing earlier links.
pub async fn set_status_tags(conn: &mut Conn, status_id: i64, tag_ids: &[i64]) -> Result<()> {
    diesel::delete(statuses_tags::table.filter(statuses_tags::status_id.eq(status_id)))
        .execute(conn)
        .await?;
    if tag_ids.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = tag_ids
        .iter()
        .map(|t| {
            (
                statuses_tags::status_id.eq(status_id),
                statuses_tags::tag_id.eq(*t),
            )
        })
        .collect();
    diesel::insert_into(statuses_tags::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// A tag by name (case-insensitive).
pub async fn get_tag_by_name(conn: &mut Conn, name: &str) -> Result<Option<Tag>> {
    Ok(tags::table
        .filter(tags::name.eq(name.to_lowercase()))
        .select(Tag::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Records mentions of accounts in a status, replacing earlier ones.
pub async fn set_status_mentions(
    conn: &mut Conn,
    status_id: i64,
    account_ids: &[i64],
) -> Result<()> {
    diesel::delete(mentions::table.filter(mentions::status_id.eq(status_id)))
        .execute(conn)
        .await?;
    if account_ids.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = account_ids
        .iter()
        .map(|a| {
            (
                mentions::status_id.eq(status_id),
                mentions::account_id.eq(*a),
            )
        })
        .collect();
    diesel::insert_into(mentions::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Account ids mentioned by a status.
pub async fn list_mentioned_account_ids(conn: &mut Conn, status_id: i64) -> Result<Vec<i64>> {
    Ok(mentions::table
        .filter(mentions::status_id.eq(status_id))
        .select(mentions::account_id)
        .load(conn)
        .await?)
}

/// The (lower-case) names of a status's hashtags.
pub async fn list_tag_names_of_status(conn: &mut Conn, status_id: i64) -> Result<Vec<String>> {
    Ok(statuses_tags::table
        .inner_join(tags::table)
        .filter(statuses_tags::status_id.eq(status_id))
        .select(tags::name)
        .load(conn)
        .await?)
}

/// Tags whose name starts with `prefix` (case-insensitive), shortest and
/// then alphabetical first, for search.
pub async fn search_tags(
    conn: &mut Conn,
    prefix: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Tag>> {
    let escaped = prefix
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Ok(tags::table
        .filter(tags::name.like(format!("{escaped}%")))
        .order((
            diesel::dsl::sql::<diesel::sql_types::Integer>("length(tags.name)"),
            tags::name.asc(),
        ))
        .select(Tag::as_select())
        .limit(limit)
        .offset(offset)
        .load(conn)
        .await?)
}

/// A tag by id.
pub async fn get_tag_by_id(conn: &mut Conn, id: i64) -> Result<Tag> {
    Ok(tags::table
        .find(id)
        .select(Tag::as_select())
        .first(conn)
        .await?)
}
