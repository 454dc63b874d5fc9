//! Everything needed to render statuses, in one pipelined round trip.
//!
//! A status as a client sees it needs its author, mentions, tags, the
//! application that posted it and the viewer's own favourite / reblog /
//! bookmark flags. Four small prepared (and cached) queries fetch those for a
//! whole page; they are sent together on one connection (diesel-async
//! pipelines concurrently polled queries), so the page costs one round trip.
use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use diesel::sql_types::SmallInt;
use diesel_async::RunQueryDsl;

use crate::models::{Account, Status};
use crate::schema::{
    accounts, bookmarks, favourites, mentions, oauth_applications, status_pins, statuses,
    statuses_tags, tags,
};
use crate::{Conn, Result};

/// An account mentioned by a status.
#[derive(Debug, Clone, Queryable)]
#[allow(missing_docs)]
pub struct MentionedAccount {
    pub id: i64,
    pub username: String,
    pub domain: Option<String>,
    pub url: Option<String>,
    pub uri: String,
}

/// A status with what rendering it needs.
#[derive(Debug, Clone)]
pub struct StatusView {
    /// The status row.
    pub status: Status,
    /// Its author.
    pub account: Account,
    /// Mentioned accounts, in mention order.
    pub mentions: Vec<MentionedAccount>,
    /// Display names of its hashtags.
    pub tags: Vec<String>,
    /// (name, website) of the posting application.
    pub application: Option<(String, Option<String>)>,
    /// Viewer favourited it.
    pub favourited: bool,
    /// Viewer reblogged it.
    pub reblogged: bool,
    /// Viewer bookmarked it.
    pub bookmarked: bool,
    /// Viewer pinned it (only ever true for the viewer's own statuses).
    pub pinned: bool,
}

type MainRow = (Status, Account, Option<(String, Option<String>)>);

const FAVOURITED: i16 = 1;
const BOOKMARKED: i16 = 2;
const REBLOGGED: i16 = 3;
const PINNED: i16 = 4;

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
    let ids: Vec<i64> = ids.to_vec();
    let viewer = viewer.unwrap_or(-1);
    let shared: &Conn = conn;

    let main = statuses::table
        .inner_join(accounts::table)
        .left_join(oauth_applications::table)
        .filter(statuses::id.eq_any(&ids))
        .select((
            Status::as_select(),
            Account::as_select(),
            (oauth_applications::name, oauth_applications::website).nullable(),
        ))
        .load::<MainRow>(&mut &*shared);
    let mentioned = mentions::table
        .inner_join(accounts::table)
        .filter(mentions::status_id.eq_any(&ids))
        .order(mentions::id.asc())
        .select((
            mentions::status_id,
            (
                accounts::id,
                accounts::username,
                accounts::domain,
                accounts::url,
                accounts::uri,
            ),
        ))
        .load::<(i64, MentionedAccount)>(&mut &*shared);
    let tagged = statuses_tags::table
        .inner_join(tags::table)
        .filter(statuses_tags::status_id.eq_any(&ids))
        .order(tags::name.asc())
        .select((statuses_tags::status_id, tags::display_name))
        .load::<(i64, String)>(&mut &*shared);
    // The viewer's favourites, bookmarks and reblogs of these statuses, in one statement.
    let flags = favourites::table
        .filter(favourites::account_id.eq(viewer))
        .filter(favourites::status_id.eq_any(&ids))
        .select((FAVOURITED.into_sql::<SmallInt>(), favourites::status_id))
        .union_all(
            bookmarks::table
                .filter(bookmarks::account_id.eq(viewer))
                .filter(bookmarks::status_id.eq_any(&ids))
                .select((BOOKMARKED.into_sql::<SmallInt>(), bookmarks::status_id)),
        )
        .union_all(
            statuses::table
                .filter(statuses::account_id.eq(viewer))
                .filter(statuses::reblog_of_id.eq_any(&ids))
                .select((
                    REBLOGGED.into_sql::<SmallInt>(),
                    statuses::reblog_of_id.assume_not_null(),
                )),
        )
        .union_all(
            status_pins::table
                .filter(status_pins::account_id.eq(viewer))
                .filter(status_pins::status_id.eq_any(&ids))
                .select((PINNED.into_sql::<SmallInt>(), status_pins::status_id)),
        )
        .load::<(i16, i64)>(&mut &*shared);

    let (main, mentioned, tagged, flags) = tokio::try_join!(main, mentioned, tagged, flags)?;

    let mut mentions_by_status: HashMap<i64, Vec<MentionedAccount>> = HashMap::new();
    for (status_id, account) in mentioned {
        mentions_by_status
            .entry(status_id)
            .or_default()
            .push(account);
    }
    let mut tags_by_status: HashMap<i64, Vec<String>> = HashMap::new();
    for (status_id, tag) in tagged {
        tags_by_status.entry(status_id).or_default().push(tag);
    }
    let flagged = |kind: i16| -> HashSet<i64> {
        flags
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| *id)
            .collect()
    };
    let (favourited, bookmarked, reblogged) =
        (flagged(FAVOURITED), flagged(BOOKMARKED), flagged(REBLOGGED));
    let pinned = flagged(PINNED);

    let mut views: Vec<StatusView> = main
        .into_iter()
        .map(|(status, account, application)| StatusView {
            mentions: mentions_by_status.remove(&status.id).unwrap_or_default(),
            tags: tags_by_status.remove(&status.id).unwrap_or_default(),
            favourited: favourited.contains(&status.id),
            bookmarked: bookmarked.contains(&status.id),
            reblogged: reblogged.contains(&status.id),
            pinned: pinned.contains(&status.id),
            application,
            status,
            account,
        })
        .collect();
    let position: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    views.sort_by_key(|v| position.get(&v.status.id).copied().unwrap_or(usize::MAX));
    Ok(views)
}
