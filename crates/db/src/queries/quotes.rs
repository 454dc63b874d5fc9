//! Quote posts: the quote rows of statuses, the accepted quotes of one
//! status, and their state changes.
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::ids::StatusId;
use crate::models::{NewQuote, Quote, QuoteState};
use crate::schema::{quotes, statuses};
use crate::{paginate, Conn, Page, Result};

/// Stores the quote of a newly posted status.
pub async fn put_quote(conn: &mut Conn, new: &NewQuote) -> Result<Quote> {
    Ok(diesel::insert_into(quotes::table)
        .values(new)
        .returning(Quote::as_returning())
        .get_result(conn)
        .await?)
}

/// The quotes made by the given statuses (at most one each).
pub async fn quotes_of_statuses(conn: &mut Conn, status_ids: &[i64]) -> Result<Vec<Quote>> {
    if status_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(quotes::table
        .filter(quotes::status_id.eq_any(status_ids))
        .select(Quote::as_select())
        .load(conn)
        .await?)
}

/// The quote `status_id` makes of `quoted_status_id`, if any.
pub async fn find_quote_of(
    conn: &mut Conn,
    quoted_status_id: StatusId,
    status_id: StatusId,
) -> Result<Option<Quote>> {
    Ok(quotes::table
        .filter(quotes::quoted_status_id.eq(quoted_status_id))
        .filter(quotes::status_id.eq(status_id))
        .select(Quote::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Sets the state of a quote.
pub async fn set_quote_state(conn: &mut Conn, id: i64, state: QuoteState) -> Result<()> {
    diesel::update(quotes::table.find(id))
        .set((
            quotes::state.eq(state.as_i16()),
            quotes::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Accepted quotes of a status, newest first: (quote id for paging,
/// quoting status id).
pub async fn list_accepted_quotes(
    conn: &mut Conn,
    quoted_status_id: i64,
    page: &Page,
) -> Result<Vec<(i64, i64)>> {
    let query = quotes::table
        .filter(quotes::quoted_status_id.eq(quoted_status_id))
        .filter(quotes::state.eq(QuoteState::Accepted.as_i16()))
        .select((quotes::id, quotes::status_id))
        .into_boxed();
    let rows = paginate!(query, quotes::id, *page).load(conn).await?;
    Ok(page.finish(rows))
}

/// Local authors of accepted quotes of a status, each once (for the
/// `quoted_update` notification).
pub async fn list_local_quoting_account_ids(
    conn: &mut Conn,
    quoted_status_id: i64,
) -> Result<Vec<i64>> {
    Ok(quotes::table
        .inner_join(statuses::table.on(statuses::id.eq(quotes::status_id)))
        .filter(quotes::quoted_status_id.eq(quoted_status_id))
        .filter(quotes::state.eq(QuoteState::Accepted.as_i16()))
        .filter(statuses::local.eq(true))
        .select(quotes::account_id)
        .distinct()
        .load(conn)
        .await?)
}

/// Changes the quote approval policy of a status.
pub async fn set_quote_approval_policy(conn: &mut Conn, status_id: i64, policy: i32) -> Result<()> {
    diesel::update(statuses::table.find(status_id))
        .set(statuses::quote_approval_policy.eq(policy))
        .execute(conn)
        .await?;
    Ok(())
}

/// A quote by id.
pub async fn get_quote_by_id(conn: &mut Conn, id: i64) -> Result<Quote> {
    Ok(quotes::table
        .find(id)
        .select(Quote::as_select())
        .first(conn)
        .await?)
}

/// The quote whose `QuoteRequest` had id `activity_uri`.
pub async fn find_quote_by_activity_uri(
    conn: &mut Conn,
    activity_uri: &str,
) -> Result<Option<Quote>> {
    Ok(quotes::table
        .filter(quotes::activity_uri.eq(activity_uri))
        .select(Quote::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// The quote of a post by `quoted_account_id` that the authorization
/// `approval_uri` approved.
pub async fn find_quote_by_approval_uri(
    conn: &mut Conn,
    approval_uri: &str,
    quoted_account_id: i64,
) -> Result<Option<Quote>> {
    Ok(quotes::table
        .filter(quotes::approval_uri.eq(approval_uri))
        .filter(quotes::quoted_account_id.eq(quoted_account_id))
        .select(Quote::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Marks a quote accepted, with the remote authorization that approved it
/// (`None` for a quote of a local post, approved here); false when it was
/// accepted already (so that two answers count it once).
pub async fn accept_quote(conn: &mut Conn, id: i64, approval_uri: Option<&str>) -> Result<bool> {
    let updated = diesel::update(
        quotes::table
            .find(id)
            .filter(quotes::state.ne(QuoteState::Accepted.as_i16())),
    )
    .set((
        quotes::state.eq(QuoteState::Accepted.as_i16()),
        quotes::approval_uri.eq(approval_uri),
        quotes::updated_at.eq(Utc::now()),
    ))
    .execute(conn)
    .await?;
    Ok(updated == 1)
}
