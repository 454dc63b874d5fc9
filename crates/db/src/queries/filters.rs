//! Filters (Mastodon's custom filters), their keywords and their statuses.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::ids::{AccountId, StatusId};
use crate::schema::{filter_keywords, filter_statuses, filters};
use crate::{Conn, Result};

/// A filter of an account.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = filters, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Filter {
    pub id: i64,
    pub account_id: i64,
    pub title: String,
    pub context: Vec<String>,
    pub action: String,
    pub expires_at: Option<DateTime<Utc>>,
}

impl Filter {
    /// True when the filter has expired and no longer applies.
    pub fn expired(&self) -> bool {
        self.expires_at.is_some_and(|t| t <= Utc::now())
    }
}

/// A keyword of a filter.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = filter_keywords, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct FilterKeyword {
    pub id: i64,
    pub filter_id: i64,
    pub keyword: String,
    pub whole_word: bool,
}

/// A status a filter names.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = filter_statuses, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct FilterStatus {
    pub id: i64,
    pub filter_id: i64,
    pub status_id: i64,
}

/// The settings of a filter, as written.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = filters)]
#[allow(missing_docs)]
pub struct FilterSettings {
    pub title: String,
    pub context: Vec<String>,
    pub action: String,
    /// Treated as a value even when None (no expiry).
    #[diesel(treat_none_as_null = true)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// An account's filters, oldest first (expired ones included).
pub async fn list_filters(conn: &mut Conn, account_id: i64) -> Result<Vec<Filter>> {
    Ok(filters::table
        .filter(filters::account_id.eq(account_id))
        .order(filters::id.asc())
        .select(Filter::as_select())
        .load(conn)
        .await?)
}

/// An account's unexpired filters.
pub async fn list_active_filters(conn: &mut Conn, account_id: i64) -> Result<Vec<Filter>> {
    Ok(filters::table
        .filter(filters::account_id.eq(account_id))
        .filter(
            filters::expires_at
                .is_null()
                .or(filters::expires_at.gt(diesel::dsl::now)),
        )
        .order(filters::id.asc())
        .select(Filter::as_select())
        .load(conn)
        .await?)
}

/// One filter of an account (NotFound for someone else's).
pub async fn get_filter(conn: &mut Conn, account_id: AccountId, id: i64) -> Result<Filter> {
    Ok(filters::table
        .filter(filters::account_id.eq(account_id))
        .filter(filters::id.eq(id))
        .select(Filter::as_select())
        .first(conn)
        .await?)
}

/// Creates a filter.
pub async fn put_filter(
    conn: &mut Conn,
    account_id: i64,
    settings: &FilterSettings,
) -> Result<Filter> {
    Ok(diesel::insert_into(filters::table)
        .values((
            filters::account_id.eq(account_id),
            filters::title.eq(&settings.title),
            filters::context.eq(&settings.context),
            filters::action.eq(&settings.action),
            filters::expires_at.eq(settings.expires_at),
        ))
        .returning(Filter::as_returning())
        .get_result(conn)
        .await?)
}

/// Changes a filter's settings.
pub async fn update_filter(conn: &mut Conn, id: i64, settings: &FilterSettings) -> Result<Filter> {
    Ok(diesel::update(filters::table.find(id))
        .set((settings, filters::updated_at.eq(diesel::dsl::now)))
        .returning(Filter::as_returning())
        .get_result(conn)
        .await?)
}

/// Deletes a filter with its keywords and statuses.
pub async fn delete_filter(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::delete(filters::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// The keywords of some filters, oldest first.
pub async fn list_keywords(conn: &mut Conn, filter_ids: &[i64]) -> Result<Vec<FilterKeyword>> {
    Ok(filter_keywords::table
        .filter(filter_keywords::filter_id.eq_any(filter_ids))
        .order(filter_keywords::id.asc())
        .select(FilterKeyword::as_select())
        .load(conn)
        .await?)
}

/// Every keyword of an account's filters with its filter, oldest first.
pub async fn list_account_keywords(
    conn: &mut Conn,
    account_id: i64,
) -> Result<Vec<(FilterKeyword, Filter)>> {
    Ok(filter_keywords::table
        .inner_join(filters::table)
        .filter(filters::account_id.eq(account_id))
        .order(filter_keywords::id.asc())
        .select((FilterKeyword::as_select(), Filter::as_select()))
        .load(conn)
        .await?)
}

/// One keyword of an account's filters, with its filter (NotFound otherwise).
pub async fn get_keyword(
    conn: &mut Conn,
    account_id: AccountId,
    id: i64,
) -> Result<(FilterKeyword, Filter)> {
    Ok(filter_keywords::table
        .inner_join(filters::table)
        .filter(filters::account_id.eq(account_id))
        .filter(filter_keywords::id.eq(id))
        .select((FilterKeyword::as_select(), Filter::as_select()))
        .first(conn)
        .await?)
}

/// Adds a keyword to a filter.
pub async fn put_keyword(
    conn: &mut Conn,
    filter_id: i64,
    keyword: &str,
    whole_word: bool,
) -> Result<FilterKeyword> {
    Ok(diesel::insert_into(filter_keywords::table)
        .values((
            filter_keywords::filter_id.eq(filter_id),
            filter_keywords::keyword.eq(keyword),
            filter_keywords::whole_word.eq(whole_word),
        ))
        .returning(FilterKeyword::as_returning())
        .get_result(conn)
        .await?)
}

/// Changes a keyword.
pub async fn update_keyword(
    conn: &mut Conn,
    id: i64,
    keyword: &str,
    whole_word: bool,
) -> Result<FilterKeyword> {
    Ok(diesel::update(filter_keywords::table.find(id))
        .set((
            filter_keywords::keyword.eq(keyword),
            filter_keywords::whole_word.eq(whole_word),
            filter_keywords::updated_at.eq(diesel::dsl::now),
        ))
        .returning(FilterKeyword::as_returning())
        .get_result(conn)
        .await?)
}

/// Deletes a keyword.
pub async fn delete_keyword(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::delete(filter_keywords::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// The statuses of some filters, oldest first.
pub async fn list_filter_statuses(
    conn: &mut Conn,
    filter_ids: &[i64],
) -> Result<Vec<FilterStatus>> {
    Ok(filter_statuses::table
        .filter(filter_statuses::filter_id.eq_any(filter_ids))
        .order(filter_statuses::id.asc())
        .select(FilterStatus::as_select())
        .load(conn)
        .await?)
}

/// One status entry of an account's filters (NotFound otherwise).
pub async fn get_filter_status(
    conn: &mut Conn,
    account_id: AccountId,
    id: i64,
) -> Result<FilterStatus> {
    Ok(filter_statuses::table
        .inner_join(filters::table)
        .filter(filters::account_id.eq(account_id))
        .filter(filter_statuses::id.eq(id))
        .select(FilterStatus::as_select())
        .first(conn)
        .await?)
}

/// Adds a status to a filter (UniqueViolation when it is already there).
pub async fn put_filter_status(
    conn: &mut Conn,
    filter_id: i64,
    status_id: StatusId,
) -> Result<FilterStatus> {
    Ok(diesel::insert_into(filter_statuses::table)
        .values((
            filter_statuses::filter_id.eq(filter_id),
            filter_statuses::status_id.eq(status_id),
        ))
        .returning(FilterStatus::as_returning())
        .get_result(conn)
        .await?)
}

/// Removes a status from a filter.
pub async fn delete_filter_status(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::delete(filter_statuses::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}
