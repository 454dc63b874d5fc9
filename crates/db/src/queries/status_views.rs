//! Everything needed to render statuses, loaded in one query.
//!
//! A status as a client sees it needs its author, mentions, tags, the
//! application that posted it and the viewer's own favourite / reblog /
//! bookmark flags. Loading those per status would cost a round trip each;
//! here correlated sub-selects fetch them all with the page.
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Jsonb, Nullable};
use diesel_async::RunQueryDsl;

use crate::models::{Account, Status};
use crate::schema::{accounts, statuses};
use crate::{Conn, Result};

/// A status with what rendering it needs.
#[derive(Debug, Clone)]
pub struct StatusView {
    /// The status row.
    pub status: Status,
    /// Its author.
    pub account: Account,
    /// `[{"id","username","domain","url","uri"}]` of mentioned accounts.
    pub mentions: serde_json::Value,
    /// `["tagname", …]` display names of its hashtags.
    pub tags: serde_json::Value,
    /// `{"name","website"}` of the posting application, for the author only.
    pub application: Option<serde_json::Value>,
    /// Viewer favourited it.
    pub favourited: bool,
    /// Viewer reblogged it.
    pub reblogged: bool,
    /// Viewer bookmarked it.
    pub bookmarked: bool,
}

type ViewRow = (
    Status,
    Account,
    serde_json::Value,
    serde_json::Value,
    Option<serde_json::Value>,
    bool,
    bool,
    bool,
);

/// Loads views of the given statuses for `viewer` (an account id, or None
/// when signed out), in the order of `ids`; missing ids are skipped.
pub async fn load_status_views(
    conn: &mut Conn,
    ids: &[i64],
    viewer: Option<i64>,
) -> Result<Vec<StatusView>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let viewer = viewer.unwrap_or(-1);
    let mentions = sql::<Jsonb>(
        "(SELECT coalesce(jsonb_agg(jsonb_build_object('id', ma.id::text, 'username', ma.username, \
          'domain', ma.domain, 'url', ma.url, 'uri', ma.uri) ORDER BY m.id), '[]'::jsonb) \
          FROM mentions m JOIN accounts ma ON ma.id = m.account_id WHERE m.status_id = statuses.id)",
    );
    let tags = sql::<Jsonb>(
        "(SELECT coalesce(jsonb_agg(t.display_name ORDER BY t.name), '[]'::jsonb) \
          FROM statuses_tags st JOIN tags t ON t.id = st.tag_id WHERE st.status_id = statuses.id)",
    );
    let application = sql::<Nullable<Jsonb>>(
        "(SELECT jsonb_build_object('name', oa.name, 'website', oa.website) \
          FROM oauth_applications oa WHERE oa.id = statuses.application_id)",
    );
    let favourited = sql::<Bool>(
        "EXISTS (SELECT 1 FROM favourites f WHERE f.status_id = statuses.id AND f.account_id = ",
    )
    .bind::<BigInt, _>(viewer)
    .sql(")");
    let reblogged = sql::<Bool>(
        "EXISTS (SELECT 1 FROM statuses r WHERE r.reblog_of_id = statuses.id AND r.account_id = ",
    )
    .bind::<BigInt, _>(viewer)
    .sql(")");
    let bookmarked = sql::<Bool>(
        "EXISTS (SELECT 1 FROM bookmarks b WHERE b.status_id = statuses.id AND b.account_id = ",
    )
    .bind::<BigInt, _>(viewer)
    .sql(")");
    let rows: Vec<ViewRow> = statuses::table
        .inner_join(accounts::table)
        .filter(statuses::id.eq_any(ids))
        .select((
            Status::as_select(),
            Account::as_select(),
            mentions,
            tags,
            application,
            favourited,
            reblogged,
            bookmarked,
        ))
        .load(conn)
        .await?;
    let mut views: Vec<StatusView> = rows
        .into_iter()
        .map(
            |(status, account, mentions, tags, application, favourited, reblogged, bookmarked)| {
                StatusView {
                    status,
                    account,
                    mentions,
                    tags,
                    application,
                    favourited,
                    reblogged,
                    bookmarked,
                }
            },
        )
        .collect();
    views.sort_by_key(|v| ids.iter().position(|id| *id == v.status.id));
    Ok(views)
}
