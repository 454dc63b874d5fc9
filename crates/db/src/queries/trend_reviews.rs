//! Moderators' verdicts on trending tags, statuses and links.
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::schema::trend_reviews;
use crate::{Conn, Result};

/// What kind of trend a review is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrendKind {
    /// A hashtag (`tags.id`).
    Tag,
    /// A status (`statuses.id`).
    Status,
    /// A link (`preview_cards.id`).
    Link,
}

impl TrendKind {
    /// The `kind` column's value.
    pub fn as_str(self) -> &'static str {
        match self {
            TrendKind::Tag => "tag",
            TrendKind::Status => "status",
            TrendKind::Link => "link",
        }
    }
}

/// Approves (`true`) or rejects (`false`) a trend.
pub async fn review(
    conn: &mut Conn,
    kind: TrendKind,
    target_id: i64,
    approved: bool,
) -> Result<()> {
    diesel::insert_into(trend_reviews::table)
        .values((
            trend_reviews::kind.eq(kind.as_str()),
            trend_reviews::target_id.eq(target_id),
            trend_reviews::approved.eq(approved),
        ))
        .on_conflict((trend_reviews::kind, trend_reviews::target_id))
        .do_update()
        .set((
            trend_reviews::approved.eq(approved),
            trend_reviews::reviewed_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The verdicts on `ids` of a kind: (id, approved) for each reviewed one.
pub async fn verdicts(conn: &mut Conn, kind: TrendKind, ids: &[i64]) -> Result<Vec<(i64, bool)>> {
    Ok(trend_reviews::table
        .filter(trend_reviews::kind.eq(kind.as_str()))
        .filter(trend_reviews::target_id.eq_any(ids))
        .select((trend_reviews::target_id, trend_reviews::approved))
        .load(conn)
        .await?)
}
