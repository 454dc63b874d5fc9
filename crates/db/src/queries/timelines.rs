//! Timelines as id pages: home, public, hashtag and an account's statuses.
//! Callers hydrate the ids with [`super::status_views::load_status_views`].
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel_async::RunQueryDsl;

use crate::ids::AccountId;
use crate::schema::{
    account_domain_blocks, accounts, blocks, follows, list_accounts, lists, mentions, mutes,
    statuses, statuses_tags, tag_follows, tags,
};
use crate::{load_page, paginate, Conn, Page, Result};

/// `statuses.*` is visible to `viewer`: public or unlisted, the viewer's own,
/// followers-only and the viewer follows the author, or the viewer is
/// mentioned; and in every case the author does not block the viewer.
#[allow(clippy::implied_bounds_in_impls)] // the SqlType binding is needed, not implied
fn visible_to(
    viewer: i64,
) -> impl diesel::Expression<SqlType = Bool>
       + diesel::expression::ValidGrouping<(), IsAggregate = diesel::expression::is_aggregate::Never>
       + diesel::query_builder::QueryFragment<diesel::pg::Pg>
       + diesel::AppearsOnTable<statuses::table>
       + Send
       + 'static {
    sql::<Bool>("((statuses.visibility <= 1 OR statuses.account_id = ")
        .bind::<BigInt, _>(viewer)
        .sql(" OR (statuses.visibility = 2 AND EXISTS (SELECT 1 FROM follows vf WHERE vf.account_id = ")
        .bind::<BigInt, _>(viewer)
        .sql(" AND vf.target_account_id = statuses.account_id)) OR EXISTS (SELECT 1 FROM mentions vm WHERE vm.status_id = statuses.id AND vm.account_id = ")
        .bind::<BigInt, _>(viewer)
        .sql(")) AND NOT EXISTS (SELECT 1 FROM blocks vb WHERE vb.account_id = statuses.account_id AND vb.target_account_id = ")
        .bind::<BigInt, _>(viewer)
        .sql("))")
}

/// Drops statuses by accounts `viewer` blocks or mutes (unexpired), by
/// accounts that block `viewer`, and by accounts on domains it blocks. Subselects keep it one cacheable statement.
macro_rules! hide_for_viewer {
    ($query:expr, $viewer:expr) => {{
        let viewer: i64 = $viewer;
        $query
            .filter(
                statuses::account_id.ne_all(
                    blocks::table
                        .filter(blocks::account_id.eq(viewer))
                        .select(blocks::target_account_id),
                ),
            )
            .filter(
                statuses::account_id.ne_all(
                    blocks::table
                        .filter(blocks::target_account_id.eq(viewer))
                        .select(blocks::account_id),
                ),
            )
            .filter(
                statuses::account_id.ne_all(
                    mutes::table
                        .filter(mutes::account_id.eq(viewer))
                        .filter(
                            mutes::expires_at
                                .is_null()
                                .or(mutes::expires_at.gt(diesel::dsl::now)),
                        )
                        .select(mutes::target_account_id),
                ),
            )
            .filter(
                statuses::account_id.ne_all(
                    accounts::table
                        .filter(
                            accounts::domain.eq_any(
                                account_domain_blocks::table
                                    .filter(account_domain_blocks::account_id.eq(viewer))
                                    .select(account_domain_blocks::domain.nullable()),
                            ),
                        )
                        .select(accounts::id),
                ),
            )
    }};
}

/// The home timeline query of `viewer`, unpaged: its own statuses, those
/// of accounts it follows (their reblogs only where the follow shows
/// reblogs) that it may see, and public originals with hashtags it follows;
/// except members of its exclusive lists.
macro_rules! home_timeline_query {
    ($viewer:expr) => {{
        let viewer: i64 = $viewer;
        let followed = follows::table
            .filter(follows::account_id.eq(viewer))
            .select(follows::target_account_id);
        let reblogs_hidden_from = follows::table
            .filter(follows::account_id.eq(viewer))
            .filter(follows::show_reblogs.eq(false))
            .select(follows::target_account_id);
        let mentioning = mentions::table
            .filter(mentions::account_id.eq(viewer))
            .select(mentions::status_id);
        let exclusive_members = list_accounts::table
            .inner_join(lists::table)
            .filter(lists::account_id.eq(viewer))
            .filter(lists::exclusive.eq(true))
            .select(list_accounts::account_id);
        let followed_tag_statuses = statuses_tags::table
            .filter(
                statuses_tags::tag_id.eq_any(
                    tag_follows::table
                        .filter(tag_follows::account_id.eq(viewer))
                        .select(tag_follows::tag_id),
                ),
            )
            .select(statuses_tags::status_id);
        let query = statuses::table
            .select(statuses::id)
            .filter(
                statuses::account_id
                    .eq_any(followed)
                    .or(statuses::account_id.eq(viewer))
                    .or(statuses::visibility
                        .eq(0)
                        .and(statuses::reblog_of_id.is_null())
                        .and(statuses::id.eq_any(followed_tag_statuses))),
            )
            .filter(
                statuses::reblog_of_id
                    .is_null()
                    .or(statuses::account_id.ne_all(reblogs_hidden_from)),
            )
            .filter(
                statuses::visibility
                    .le(2)
                    .or(statuses::account_id.eq(viewer))
                    .or(statuses::id.eq_any(mentioning)),
            )
            .filter(statuses::account_id.ne_all(exclusive_members));
        hide_for_viewer!(query, viewer)
    }};
}

/// The home timeline of `viewer` computed from PostgreSQL alone (see
/// `home_timeline_query!` for what belongs in it).
pub async fn list_home_timeline(conn: &mut Conn, viewer: i64, page: &Page) -> Result<Vec<i64>> {
    Ok(load_page!(
        home_timeline_query!(viewer),
        statuses::id,
        *page,
        conn
    ))
}

/// Of `candidates` (ids a Redis home feed holds), one page of those that
/// belong in `viewer`'s home timeline now: the same rules as
/// [`list_home_timeline`], so unfollows, blocks, mutes and deletions since
/// the feed was written are honoured at read time.
pub async fn list_home_timeline_among(
    conn: &mut Conn,
    viewer: i64,
    candidates: &[i64],
    page: &Page,
) -> Result<Vec<i64>> {
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let query = home_timeline_query!(viewer).filter(statuses::id.eq_any(candidates));
    Ok(load_page!(query, statuses::id, *page, conn))
}

/// The newest `limit` statuses that may belong in `viewer`'s home timeline
/// now or after a mute or block is lifted: its own, those of accounts it
/// follows and those mentioning it. A home feed is built from these; the
/// read rules filter them.
pub async fn list_home_candidates(
    conn: &mut Conn,
    viewer: AccountId,
    limit: i64,
) -> Result<Vec<i64>> {
    let followed = follows::table
        .filter(follows::account_id.eq(viewer))
        .select(follows::target_account_id);
    let mentioning = mentions::table
        .filter(mentions::account_id.eq(viewer))
        .select(mentions::status_id);
    Ok(statuses::table
        .select(statuses::id)
        .filter(
            statuses::account_id
                .eq_any(followed)
                .or(statuses::account_id.eq(viewer))
                .or(statuses::id.eq_any(mentioning)),
        )
        .order(statuses::id.desc())
        .limit(limit)
        .load(conn)
        .await?)
}

/// The newest `limit` status ids an account wrote (any visibility), for
/// merging into a follower's home feed; the read rules filter them later.
pub async fn list_recent_status_ids(
    conn: &mut Conn,
    account_id: AccountId,
    limit: i64,
) -> Result<Vec<i64>> {
    Ok(statuses::table
        .select(statuses::id)
        .filter(statuses::account_id.eq(account_id))
        .order(statuses::id.desc())
        .limit(limit)
        .load(conn)
        .await?)
}

/// Where statuses on a public timeline may come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Locality {
    /// Local and remote.
    #[default]
    All,
    /// This instance only.
    Local,
    /// Other instances only.
    Remote,
}

impl Locality {
    /// Values of `statuses.local` it admits.
    fn admits(self) -> Vec<bool> {
        match self {
            Locality::All => vec![true, false],
            Locality::Local => vec![true],
            Locality::Remote => vec![false],
        }
    }
}

/// The public timeline: public, non-reblog statuses (for a signed-in
/// `viewer`, without those of accounts it blocks or mutes, or that block it).
pub async fn list_public_timeline(
    conn: &mut Conn,
    locality: Locality,
    only_media: bool,
    viewer: Option<i64>,
    page: &Page,
) -> Result<Vec<i64>> {
    let query = statuses::table
        .select(statuses::id)
        .filter(statuses::visibility.eq(0))
        .filter(statuses::reblog_of_id.is_null())
        .filter(statuses::local.eq_any(locality.admits()))
        .filter(has_media(only_media))
        .filter(not_silenced());
    Ok(match viewer {
        Some(v) => {
            let query = hide_for_viewer!(query, v);
            load_page!(query, statuses::id, *page, conn)
        }
        None => load_page!(query, statuses::id, *page, conn),
    })
}

/// Public statuses carrying a hashtag (by name, case-insensitive).
pub async fn list_tag_timeline(
    conn: &mut Conn,
    tag_name: &str,
    variants: &TagVariants,
    locality: Locality,
    only_media: bool,
    viewer: Option<i64>,
    page: &Page,
) -> Result<Vec<i64>> {
    // As Mastodon's TagFeed, the timeline's own tag is the first of the
    // `any` names, and only the first PER_MODE of them count.
    let mut any = vec![tag_name.to_lowercase()];
    for name in &variants.any {
        if !any.contains(name) {
            any.push(name.clone());
        }
    }
    any.truncate(TagVariants::PER_MODE);
    let tagged = statuses_tags::table
        .inner_join(tags::table)
        .filter(tags::name.eq_any(any))
        .select(statuses_tags::status_id);
    let mut query = statuses::table
        .select(statuses::id)
        .filter(statuses::visibility.eq(0))
        .filter(statuses::reblog_of_id.is_null())
        .filter(statuses::local.eq_any(locality.admits()))
        .filter(statuses::id.eq_any(tagged))
        .filter(has_media(only_media))
        .filter(not_silenced())
        .into_boxed();
    // As Mastodon's TagFeed, `all[]` names that no status ever used
    // constrain nothing.
    let all: Vec<i64> = if variants.all.is_empty() {
        Vec::new()
    } else {
        tags::table
            .filter(tags::name.eq_any(&variants.all))
            .select(tags::id)
            .load(conn)
            .await?
    };
    for tag_id in all {
        query = query.filter(
            statuses::id.eq_any(
                statuses_tags::table
                    .filter(statuses_tags::tag_id.eq(tag_id))
                    .select(statuses_tags::status_id),
            ),
        );
    }
    if !variants.none.is_empty() {
        query = query.filter(
            statuses::id.ne_all(
                statuses_tags::table
                    .inner_join(tags::table)
                    .filter(tags::name.eq_any(variants.none.clone()))
                    .select(statuses_tags::status_id),
            ),
        );
    }
    Ok(match viewer {
        Some(v) => {
            let query = hide_for_viewer!(query, v);
            load_page!(query, statuses::id, *page, conn)
        }
        None => load_page!(query, statuses::id, *page, conn),
    })
}

/// The other tags of a hashtag timeline (`any[]`, `all[]`, `none[]`, as
/// Mastodon's TagFeed): statuses with the tag or any of `any`, with all of
/// `all`, and none of `none`. Names lower-case, at most
/// [`TagVariants::PER_MODE`] of each.
#[derive(Debug, Clone, Default)]
pub struct TagVariants {
    /// Alternatives to the timeline's tag, which counts as the first of
    /// the [`TagVariants::PER_MODE`] `any` names.
    pub any: Vec<String>,
    /// Tags a status must also carry.
    pub all: Vec<String>,
    /// Tags a status must not carry.
    pub none: Vec<String>,
}

impl TagVariants {
    /// How many tags each mode takes, as Mastodon's `LIMIT_PER_MODE`.
    pub const PER_MODE: usize = 4;
}

/// Options of `GET /api/v1/accounts/:id/statuses`.
#[derive(Debug, Clone, Default)]
pub struct AccountStatusesFilter {
    /// Skip replies (except self-replies in a thread).
    pub exclude_replies: bool,
    /// Skip reblogs.
    pub exclude_reblogs: bool,
    /// Skip direct statuses.
    pub exclude_direct: bool,
    /// Only statuses with this hashtag.
    pub tagged: Option<String>,
    /// Only statuses with media attachments.
    pub only_media: bool,
}

/// Public timelines leave out silenced accounts (by a moderator or a domain block).
fn not_silenced() -> diesel::expression::SqlLiteral<Bool> {
    sql::<Bool>(
        "NOT EXISTS (SELECT 1 FROM accounts sa WHERE sa.id = statuses.account_id AND sa.silenced_at IS NOT NULL)",
    )
}

/// `only_media`: statuses with at least one attachment (or, when off, all).
fn has_media(only_media: bool) -> diesel::expression::SqlLiteral<Bool> {
    sql::<Bool>(if only_media {
        "EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = statuses.id)"
    } else {
        "TRUE"
    })
}

/// An account's statuses that `viewer` may see (None: signed out).
pub async fn list_account_statuses(
    conn: &mut Conn,
    account_id: AccountId,
    viewer: Option<AccountId>,
    filter: &AccountStatusesFilter,
    page: &Page,
) -> Result<Vec<i64>> {
    let mut query = statuses::table
        .select(statuses::id)
        .filter(statuses::account_id.eq(account_id))
        .into_boxed();
    query = match viewer {
        Some(v) => query.filter(visible_to(v.get())),
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
    if filter.exclude_direct {
        query = query.filter(statuses::visibility.ne(3));
    }
    if filter.only_media {
        query = query.filter(has_media(true));
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

/// Of `ids` (in their order), those `viewer` may see and has not hidden:
/// none by an account it blocks or mutes, one that blocks it, or one on a
/// domain it blocks. What Mastodon's `StatusFilter` drops from lists of
/// other people's statuses (the quotes of a post, say).
pub async fn filter_visible_unhidden(
    conn: &mut Conn,
    ids: &[i64],
    viewer: i64,
) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let query = statuses::table
        .select(statuses::id)
        .filter(statuses::id.eq_any(ids))
        .filter(visible_to(viewer))
        .into_boxed();
    let shown: Vec<i64> = hide_for_viewer!(query, viewer).load(conn).await?;
    Ok(ids
        .iter()
        .copied()
        .filter(|id| shown.contains(id))
        .collect())
}

/// Statuses matching a full-text query that `viewer` may find, as Mastodon
/// 4.2 decides: its own, those it favourited, bookmarked, reblogged or was
/// mentioned in, and public statuses of accounts that opted into search
/// (`indexable`). Newest first.
pub async fn search_statuses(
    conn: &mut Conn,
    query: &str,
    viewer: AccountId,
    limit: i64,
    offset: i64,
) -> Result<Vec<i64>> {
    let matches = sql::<Bool>("to_tsvector('simple', statuses.text) @@ plainto_tsquery('simple', ")
        .bind::<Text, _>(query.to_owned())
        .sql(")");
    let findable = sql::<Bool>("(statuses.account_id = ")
        .bind::<BigInt, _>(viewer)
        .sql(" OR EXISTS (SELECT 1 FROM favourites sf WHERE sf.status_id = statuses.id AND sf.account_id = ")
        .bind::<BigInt, _>(viewer)
        .sql(") OR EXISTS (SELECT 1 FROM bookmarks sb WHERE sb.status_id = statuses.id AND sb.account_id = ")
        .bind::<BigInt, _>(viewer)
        .sql(") OR EXISTS (SELECT 1 FROM statuses sr WHERE sr.reblog_of_id = statuses.id AND sr.account_id = ")
        .bind::<BigInt, _>(viewer)
        .sql(") OR EXISTS (SELECT 1 FROM mentions sm WHERE sm.status_id = statuses.id AND sm.account_id = ")
        .bind::<BigInt, _>(viewer)
        .sql(") OR (statuses.visibility = 0 AND EXISTS (SELECT 1 FROM accounts sa WHERE sa.id = statuses.account_id AND sa.indexable)))");
    let ids: Vec<i64> = statuses::table
        .select(statuses::id)
        .filter(statuses::reblog_of_id.is_null())
        .filter(matches)
        .filter(findable)
        .into_boxed()
        .filter(visible_to(viewer.get()))
        .order(statuses::id.desc())
        .limit(limit)
        .offset(offset)
        .load(conn)
        .await?;
    Ok(ids)
}

/// Trending statuses: public originals (no replies) of the last two days by
/// discoverable, unsilenced accounts, with at least one reblog or
/// favourite, most interacted with first; `offset`/`limit` paged, without
/// what `viewer` hides (blocks, mutes, blocked domains) or may not see;
/// those a moderator rejected only when `include_rejected`.
pub async fn list_trending_statuses(
    conn: &mut Conn,
    viewer: Option<i64>,
    include_rejected: bool,
    offset: i64,
    limit: i64,
) -> Result<Vec<i64>> {
    let since = chrono::Utc::now() - chrono::Duration::days(2);
    let popular_authors = accounts::table
        .filter(accounts::discoverable.eq(true))
        .filter(accounts::suspended_at.is_null())
        .filter(accounts::silenced_at.is_null())
        .select(accounts::id);
    let query = statuses::table
        .filter(statuses::created_at.ge(since))
        .filter(statuses::visibility.eq(0))
        .filter(statuses::reblog_of_id.is_null())
        .filter(statuses::in_reply_to_id.is_null())
        .filter(statuses::sensitive.eq(false))
        .filter(statuses::account_id.eq_any(popular_authors))
        .filter((statuses::reblogs_count + statuses::favourites_count).gt(0))
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("(")
                .bind::<diesel::sql_types::Bool, _>(include_rejected)
                .sql(
                    " OR NOT EXISTS (SELECT 1 FROM trend_reviews r WHERE r.kind = 'status' \
                     AND r.target_id = statuses.id AND NOT r.approved))",
                ),
        );
    Ok(hide_for_viewer!(query, viewer.unwrap_or(0))
        .order((
            (statuses::reblogs_count + statuses::favourites_count).desc(),
            statuses::id.desc(),
        ))
        .select(statuses::id)
        .offset(offset)
        .limit(limit)
        .load(conn)
        .await?)
}
