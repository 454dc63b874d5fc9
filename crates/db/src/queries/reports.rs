//! Reports to the moderators.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::schema::{reports, statuses};
use crate::{Conn, Result};

/// A stored report.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reports, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Report {
    pub id: i64,
    pub account_id: i64,
    pub target_account_id: i64,
    pub status_ids: Vec<i64>,
    pub comment: String,
    pub category: String,
    pub forward: bool,
    pub action_taken_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub assigned_account_id: Option<i64>,
    pub action_taken_by_account_id: Option<i64>,
    pub rule_ids: Vec<i64>,
    pub updated_at: DateTime<Utc>,
}

/// What a new report holds.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = reports)]
#[allow(missing_docs)]
pub struct NewReport {
    pub account_id: i64,
    pub target_account_id: i64,
    pub status_ids: Vec<i64>,
    pub comment: String,
    pub category: String,
    pub forward: bool,
}

/// Stores a report.
pub async fn put_report(conn: &mut Conn, new: &NewReport) -> Result<Report> {
    Ok(diesel::insert_into(reports::table)
        .values(new)
        .returning(Report::as_returning())
        .get_result(conn)
        .await?)
}

/// Of `ids`, the statuses written by `author`.
pub async fn statuses_by(conn: &mut Conn, author: i64, ids: &[i64]) -> Result<Vec<i64>> {
    Ok(statuses::table
        .filter(statuses::account_id.eq(author))
        .filter(statuses::id.eq_any(ids))
        .select(statuses::id)
        .load(conn)
        .await?)
}
