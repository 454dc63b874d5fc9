//! Hashtags a user follows (their public statuses join the home timeline)
//! or features on their profile.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::ids::AccountId;
use crate::models::Tag;
use crate::schema::{featured_tags, statuses, statuses_tags, tag_follows, tags};
use crate::{paginate, Conn, Page, Result};

/// Follows a tag (idempotent).
pub async fn follow_tag(conn: &mut Conn, account_id: AccountId, tag_id: i64) -> Result<()> {
    diesel::insert_into(tag_follows::table)
        .values((
            tag_follows::account_id.eq(account_id),
            tag_follows::tag_id.eq(tag_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Stops following a tag.
pub async fn unfollow_tag(conn: &mut Conn, account_id: AccountId, tag_id: i64) -> Result<()> {
    diesel::delete(
        tag_follows::table
            .filter(tag_follows::account_id.eq(account_id))
            .filter(tag_follows::tag_id.eq(tag_id)),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One page of followed tags: (follow id for paging, tag).
pub async fn list_followed_tags(
    conn: &mut Conn,
    account_id: i64,
    page: &Page,
) -> Result<Vec<(i64, Tag)>> {
    let query = tag_follows::table
        .inner_join(tags::table)
        .filter(tag_follows::account_id.eq(account_id))
        .select((tag_follows::id, Tag::as_select()))
        .into_boxed();
    let rows = paginate!(query, tag_follows::id, *page).load(conn).await?;
    Ok(page.finish(rows))
}

/// Of `tag_ids`, those the account follows and those it features.
pub async fn tag_flags(
    conn: &mut Conn,
    account_id: i64,
    tag_ids: &[i64],
) -> Result<(Vec<i64>, Vec<i64>)> {
    let following = tag_follows::table
        .filter(tag_follows::account_id.eq(account_id))
        .filter(tag_follows::tag_id.eq_any(tag_ids))
        .select(tag_follows::tag_id)
        .load(conn)
        .await?;
    let featuring = featured_tags::table
        .filter(featured_tags::account_id.eq(account_id))
        .filter(featured_tags::tag_id.eq_any(tag_ids))
        .select(featured_tags::tag_id)
        .load(conn)
        .await?;
    Ok((following, featuring))
}

/// Accounts following any hashtag of the status.
pub async fn list_tag_follower_ids_of_status(conn: &mut Conn, status_id: i64) -> Result<Vec<i64>> {
    Ok(tag_follows::table
        .filter(
            tag_follows::tag_id.eq_any(
                statuses_tags::table
                    .filter(statuses_tags::status_id.eq(status_id))
                    .select(statuses_tags::tag_id),
            ),
        )
        .select(tag_follows::account_id)
        .distinct()
        .load(conn)
        .await?)
}

/// A featured tag with its figures for the profile it is on.
#[derive(Debug, Clone)]
pub struct FeaturedTag {
    /// The featured_tags row id.
    pub id: i64,
    /// The tag.
    pub tag: Tag,
    /// Public or unlisted statuses of the account with the tag.
    pub statuses_count: i64,
    /// When the newest of them was posted.
    pub last_status_at: Option<DateTime<Utc>>,
}

/// An account's featured tags, oldest first, with their figures.
pub async fn list_featured_tags(conn: &mut Conn, account_id: i64) -> Result<Vec<FeaturedTag>> {
    let rows: Vec<(i64, Tag)> = featured_tags::table
        .inner_join(tags::table)
        .filter(featured_tags::account_id.eq(account_id))
        .order(featured_tags::id.asc())
        .select((featured_tags::id, Tag::as_select()))
        .load(conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, tag) in rows {
        let (count, last): (i64, Option<DateTime<Utc>>) = statuses_tags::table
            .inner_join(statuses::table.on(statuses::id.eq(statuses_tags::status_id)))
            .filter(statuses_tags::tag_id.eq(tag.id))
            .filter(statuses::account_id.eq(account_id))
            .filter(statuses::visibility.le(1))
            .filter(statuses::reblog_of_id.is_null())
            .select((
                diesel::dsl::count_star(),
                diesel::dsl::max(statuses::created_at),
            ))
            .first(conn)
            .await?;
        out.push(FeaturedTag {
            id,
            tag,
            statuses_count: count,
            last_status_at: last,
        });
    }
    Ok(out)
}

/// Features a tag; returns the row id, or None when it was featured already.
pub async fn feature_tag(
    conn: &mut Conn,
    account_id: AccountId,
    tag_id: i64,
) -> Result<Option<i64>> {
    Ok(diesel::insert_into(featured_tags::table)
        .values((
            featured_tags::account_id.eq(account_id),
            featured_tags::tag_id.eq(tag_id),
        ))
        .on_conflict_do_nothing()
        .returning(featured_tags::id)
        .get_result(conn)
        .await
        .optional()?)
}

/// Number of tags an account features.
pub async fn count_featured_tags(conn: &mut Conn, account_id: i64) -> Result<i64> {
    Ok(featured_tags::table
        .filter(featured_tags::account_id.eq(account_id))
        .count()
        .get_result(conn)
        .await?)
}

/// Stops featuring a tag by featured-tag id or by tag id; false when the
/// account featured no such tag.
pub async fn unfeature_tag(
    conn: &mut Conn,
    account_id: AccountId,
    featured_id: Option<i64>,
    tag_id: Option<i64>,
) -> Result<bool> {
    let n = diesel::delete(
        featured_tags::table
            .filter(featured_tags::account_id.eq(account_id))
            .filter(
                featured_tags::id
                    .nullable()
                    .eq(featured_id)
                    .or(featured_tags::tag_id.nullable().eq(tag_id)),
            ),
    )
    .execute(conn)
    .await?;
    Ok(n > 0)
}

/// Tags the account used most in its recent statuses (up to `limit`),
/// for featured-tag suggestions.
pub async fn list_most_used_tags(
    conn: &mut Conn,
    account_id: AccountId,
    limit: i64,
) -> Result<Vec<Tag>> {
    let counted: Vec<(i64, i64)> = statuses_tags::table
        .inner_join(statuses::table.on(statuses::id.eq(statuses_tags::status_id)))
        .filter(statuses::account_id.eq(account_id))
        .group_by(statuses_tags::tag_id)
        .select((statuses_tags::tag_id, diesel::dsl::count_star()))
        .order(diesel::dsl::count_star().desc())
        .limit(limit)
        .load(conn)
        .await?;
    let ids: Vec<i64> = counted.iter().map(|(id, _)| *id).collect();
    let mut found: Vec<Tag> = tags::table
        .filter(tags::id.eq_any(&ids))
        .select(Tag::as_select())
        .load(conn)
        .await?;
    found.sort_by_key(|t| ids.iter().position(|id| *id == t.id));
    Ok(found)
}
