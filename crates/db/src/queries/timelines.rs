//! Timelines as id pages: home, public, hashtag and an account's statuses.
//! Callers hydrate the ids with [`super::status_views::load_status_views`].
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel_async::RunQueryDsl;

use crate::schema::statuses;
use crate::{paginate, Conn, Page, Result};

/// `statuses.*` is visible to `viewer`: public or unlisted, the viewer's own,
/// followers-only and the viewer follows the author, or the viewer is mentioned.
#[allow(clippy::implied_bounds_in_impls)] // the SqlType binding is needed, not implied
fn visible_to(
    viewer: i64,
) -> impl diesel::Expression<SqlType = Bool>
       + diesel::expression::ValidGrouping<(), IsAggregate = diesel::expression::is_aggregate::Never>
       + diesel::query_builder::QueryFragment<diesel::pg::Pg>
       + diesel::AppearsOnTable<statuses::table>
       + Send
       + 'static {
    sql::<Bool>("(statuses.visibility <= 1 OR statuses.account_id = ")
        .bind::<BigInt, _>(viewer)
        .sql(" OR (statuses.visibility = 2 AND EXISTS (SELECT 1 FROM follows vf WHERE vf.account_id = ")
        .bind::<BigInt, _>(viewer)
        .sql(" AND vf.target_account_id = statuses.account_id)) OR EXISTS (SELECT 1 FROM mentions vm WHERE vm.status_id = statuses.id AND vm.account_id = ")
        .bind::<BigInt, _>(viewer)
        .sql("))")
}

/// The home timeline of `viewer`: its own statuses and those of accounts it
/// follows (their reblogs only where the follow shows reblogs), that it may see.
pub async fn list_home_timeline(conn: &mut Conn, viewer: i64, page: &Page) -> Result<Vec<i64>> {
    let authors = sql::<Bool>("statuses.account_id IN (SELECT hf.target_account_id FROM follows hf WHERE hf.account_id = ")
        .bind::<BigInt, _>(viewer)
        .sql(" UNION ALL SELECT ")
        .bind::<BigInt, _>(viewer)
        .sql(")");
    let hidden_reblogs = sql::<Bool>("(statuses.reblog_of_id IS NULL OR NOT EXISTS (SELECT 1 FROM follows rf WHERE rf.account_id = ")
        .bind::<BigInt, _>(viewer)
        .sql(" AND rf.target_account_id = statuses.account_id AND NOT rf.show_reblogs))");
    let query = statuses::table
        .select(statuses::id)
        .filter(authors)
        .filter(hidden_reblogs)
        .filter(sql::<Bool>("(statuses.visibility <= 2 OR statuses.account_id = ")
            .bind::<BigInt, _>(viewer)
            .sql(" OR EXISTS (SELECT 1 FROM mentions hm WHERE hm.status_id = statuses.id AND hm.account_id = ")
            .bind::<BigInt, _>(viewer)
            .sql("))"))
        .into_boxed();
    let ids = paginate!(query, statuses::id, *page).load(conn).await?;
    Ok(page.finish(ids))
}

/// Where statuses on a public timeline may come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locality {
    /// Local and remote.
    #[default]
    All,
    /// This instance only.
    Local,
    /// Other instances only.
    Remote,
}

/// The public timeline: public, non-reblog statuses.
pub async fn list_public_timeline(
    conn: &mut Conn,
    locality: Locality,
    page: &Page,
) -> Result<Vec<i64>> {
    let mut query = statuses::table
        .select(statuses::id)
        .filter(statuses::visibility.eq(0))
        .filter(statuses::reblog_of_id.is_null())
        .into_boxed();
    query = match locality {
        Locality::All => query,
        Locality::Local => query.filter(statuses::local.eq(true)),
        Locality::Remote => query.filter(statuses::local.eq(false)),
    };
    let ids = paginate!(query, statuses::id, *page).load(conn).await?;
    Ok(page.finish(ids))
}

/// Public statuses carrying a hashtag (by lower-cased name).
pub async fn list_tag_timeline(
    conn: &mut Conn,
    tag_name: &str,
    locality: Locality,
    page: &Page,
) -> Result<Vec<i64>> {
    let mut query = statuses::table
        .select(statuses::id)
        .filter(statuses::visibility.eq(0))
        .filter(statuses::reblog_of_id.is_null())
        .filter(
            sql::<Bool>("statuses.id IN (SELECT st.status_id FROM statuses_tags st JOIN tags t ON t.id = st.tag_id WHERE t.name = ")
                .bind::<Text, _>(tag_name.to_lowercase())
                .sql(")"),
        )
        .into_boxed();
    query = match locality {
        Locality::All => query,
        Locality::Local => query.filter(statuses::local.eq(true)),
        Locality::Remote => query.filter(statuses::local.eq(false)),
    };
    let ids = paginate!(query, statuses::id, *page).load(conn).await?;
    Ok(page.finish(ids))
}

/// Options of `GET /api/v1/accounts/:id/statuses`.
#[derive(Debug, Clone, Default)]
pub struct AccountStatusesFilter {
    /// Skip replies (except self-replies in a thread).
    pub exclude_replies: bool,
    /// Skip reblogs.
    pub exclude_reblogs: bool,
    /// Only statuses with this hashtag.
    pub tagged: Option<String>,
}

/// An account's statuses that `viewer` may see (None: signed out).
pub async fn list_account_statuses(
    conn: &mut Conn,
    account_id: i64,
    viewer: Option<i64>,
    filter: &AccountStatusesFilter,
    page: &Page,
) -> Result<Vec<i64>> {
    let mut query = statuses::table
        .select(statuses::id)
        .filter(statuses::account_id.eq(account_id))
        .into_boxed();
    query = match viewer {
        Some(v) => query.filter(visible_to(v)),
        None => query.filter(statuses::visibility.le(1)),
    };
    if filter.exclude_replies {
        query = query.filter(
            statuses::in_reply_to_id
                .is_null()
                .or(statuses::in_reply_to_account_id.eq(account_id)),
        );
    }
    if filter.exclude_reblogs {
        query = query.filter(statuses::reblog_of_id.is_null());
    }
    if let Some(tag) = &filter.tagged {
        query = query.filter(
            sql::<Bool>("statuses.id IN (SELECT st.status_id FROM statuses_tags st JOIN tags t ON t.id = st.tag_id WHERE t.name = ")
                .bind::<Text, _>(tag.to_lowercase())
                .sql(")"),
        );
    }
    let ids = paginate!(query, statuses::id, *page).load(conn).await?;
    Ok(page.finish(ids))
}

/// Of the given status ids, those `viewer` may see (None: signed out).
pub async fn filter_visible(conn: &mut Conn, ids: &[i64], viewer: Option<i64>) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = statuses::table
        .select(statuses::id)
        .filter(statuses::id.eq_any(ids))
        .into_boxed();
    query = match viewer {
        Some(v) => query.filter(visible_to(v)),
        None => query.filter(statuses::visibility.le(1)),
    };
    let visible: Vec<i64> = query.load(conn).await?;
    Ok(ids
        .iter()
        .copied()
        .filter(|id| visible.contains(id))
        .collect())
}
