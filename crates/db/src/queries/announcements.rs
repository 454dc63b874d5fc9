//! Announcements admins publish to every signed-in user, the accounts that
//! dismissed them and their emoji reactions.
use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text};
use diesel_async::RunQueryDsl;

use crate::ids::AccountId;
use crate::schema::{announcement_mutes, announcement_reactions, announcements};
use crate::{Conn, Result};

/// An announcement.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = announcements, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Announcement {
    pub id: i64,
    pub text: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub all_day: bool,
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new announcement.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = announcements)]
#[allow(missing_docs)]
pub struct NewAnnouncement<'a> {
    pub text: &'a str,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub all_day: bool,
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
}

/// The reactions of one name on one announcement.
#[derive(Debug, Clone, QueryableByName)]
#[allow(missing_docs)]
pub struct ReactionCount {
    #[diesel(sql_type = BigInt)]
    pub announcement_id: i64,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
    /// Whether the viewer is among them.
    #[diesel(sql_type = Bool)]
    pub me: bool,
    /// The image of a custom emoji reaction.
    #[diesel(sql_type = Nullable<Text>)]
    pub url: Option<String>,
}

/// Adds an announcement.
pub async fn create_announcement(
    conn: &mut Conn,
    new: &NewAnnouncement<'_>,
) -> Result<Announcement> {
    Ok(diesel::insert_into(announcements::table)
        .values(new)
        .returning(Announcement::as_returning())
        .get_result(conn)
        .await?)
}

/// Announcements (`published_only`: the published ones) in chronological
/// order: by start, else publication, else creation, as Mastodon.
pub async fn list_announcements(
    conn: &mut Conn,
    published_only: bool,
) -> Result<Vec<Announcement>> {
    let mut query = announcements::table
        .select(Announcement::as_select())
        .order((
            sql::<Nullable<diesel::sql_types::Timestamptz>>(
                "coalesce(announcements.starts_at, announcements.published_at, announcements.created_at)",
            )
            .asc(),
            announcements::id.asc(),
        ))
        .into_boxed();
    if published_only {
        query = query.filter(announcements::published.eq(true));
    }
    Ok(query.load(conn).await?)
}

/// One announcement (`published_only`: only if published).
pub async fn find_announcement(
    conn: &mut Conn,
    id: i64,
    published_only: bool,
) -> Result<Option<Announcement>> {
    let mut query = announcements::table
        .filter(announcements::id.eq(id))
        .select(Announcement::as_select())
        .into_boxed();
    if published_only {
        query = query.filter(announcements::published.eq(true));
    }
    Ok(query.first(conn).await.optional()?)
}

/// Publishes (stamping `published_at`) or unpublishes an announcement.
pub async fn set_published(
    conn: &mut Conn,
    id: i64,
    published: bool,
) -> Result<Option<Announcement>> {
    let target = announcements::table.filter(announcements::id.eq(id));
    let now = Utc::now();
    let query = diesel::update(target);
    let result = if published {
        query
            .set((
                announcements::published.eq(true),
                announcements::published_at.eq(now),
                announcements::updated_at.eq(now),
            ))
            .returning(Announcement::as_returning())
            .get_result(conn)
            .await
    } else {
        query
            .set((
                announcements::published.eq(false),
                announcements::updated_at.eq(now),
            ))
            .returning(Announcement::as_returning())
            .get_result(conn)
            .await
    };
    Ok(result.optional()?)
}

/// Deletes an announcement; whether it existed.
pub async fn delete_announcement(conn: &mut Conn, id: i64) -> Result<bool> {
    Ok(
        diesel::delete(announcements::table.filter(announcements::id.eq(id)))
            .execute(conn)
            .await?
            > 0,
    )
}

/// Marks an announcement read (dismissed) by `account_id`.
pub async fn dismiss_announcement(conn: &mut Conn, account_id: AccountId, id: i64) -> Result<()> {
    diesel::insert_into(announcement_mutes::table)
        .values((
            announcement_mutes::account_id.eq(account_id),
            announcement_mutes::announcement_id.eq(id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Which of `ids` `account_id` has dismissed.
pub async fn dismissed_ids(conn: &mut Conn, account_id: i64, ids: &[i64]) -> Result<Vec<i64>> {
    Ok(announcement_mutes::table
        .filter(announcement_mutes::account_id.eq(account_id))
        .filter(announcement_mutes::announcement_id.eq_any(ids))
        .select(announcement_mutes::announcement_id)
        .load(conn)
        .await?)
}

/// Reaction counts of announcements, first reacted first, with whether
/// `viewer` reacted and the custom emoji's image.
pub async fn reaction_counts(
    conn: &mut Conn,
    ids: &[i64],
    viewer: Option<i64>,
) -> Result<Vec<ReactionCount>> {
    Ok(diesel::sql_query(
        "SELECT r.announcement_id, r.name, count(*) AS count, \
         coalesce(bool_or(r.account_id = $2), false) AS me, min(e.image_url) AS url \
         FROM announcement_reactions r LEFT JOIN custom_emojis e ON e.id = r.custom_emoji_id \
         WHERE r.announcement_id = ANY($1) \
         GROUP BY r.announcement_id, r.name ORDER BY min(r.created_at), min(r.id)",
    )
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Nullable<BigInt>, _>(viewer)
    .load(conn)
    .await?)
}

/// How many other reaction names an announcement has, and whether it has
/// `name` already (for Mastodon's limit of 8 different reactions).
pub async fn other_reaction_names(conn: &mut Conn, id: i64, name: &str) -> Result<(i64, bool)> {
    let names: Vec<String> = announcement_reactions::table
        .filter(announcement_reactions::announcement_id.eq(id))
        .select(announcement_reactions::name)
        .distinct()
        .load(conn)
        .await?;
    let has = names.iter().any(|n| n == name);
    Ok((names.len() as i64 - i64::from(has), has))
}

/// Adds `account_id`'s reaction (once per name).
pub async fn add_reaction(
    conn: &mut Conn,
    account_id: AccountId,
    id: i64,
    name: &str,
    custom_emoji_id: Option<i64>,
) -> Result<()> {
    diesel::insert_into(announcement_reactions::table)
        .values((
            announcement_reactions::account_id.eq(account_id),
            announcement_reactions::announcement_id.eq(id),
            announcement_reactions::name.eq(name),
            announcement_reactions::custom_emoji_id.eq(custom_emoji_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes `account_id`'s reaction; whether there was one.
pub async fn remove_reaction(
    conn: &mut Conn,
    account_id: AccountId,
    id: i64,
    name: &str,
) -> Result<bool> {
    Ok(diesel::delete(
        announcement_reactions::table
            .filter(announcement_reactions::account_id.eq(account_id))
            .filter(announcement_reactions::announcement_id.eq(id))
            .filter(announcement_reactions::name.eq(name)),
    )
    .execute(conn)
    .await?
        > 0)
}

/// How many accounts reacted to an announcement with `name`.
pub async fn count_reactions(conn: &mut Conn, id: i64, name: &str) -> Result<i64> {
    Ok(announcement_reactions::table
        .filter(announcement_reactions::announcement_id.eq(id))
        .filter(announcement_reactions::name.eq(name))
        .count()
        .get_result(conn)
        .await?)
}
