//! Link preview cards and the statuses they belong to.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::discovery::{fill_history, history_span, TagDay};
use crate::ids::StatusId;
use crate::schema::{preview_cards, preview_cards_statuses};
use crate::{Conn, Result};

/// A stored card.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = preview_cards, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct PreviewCard {
    pub id: i64,
    pub url: String,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub author_name: String,
    pub author_url: String,
    pub provider_name: String,
    pub provider_url: String,
    pub image_url: Option<String>,
    pub width: i32,
    pub height: i32,
    pub language: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
}

/// What a page says about itself.
#[derive(Debug, Clone, Default, Insertable, AsChangeset)]
#[diesel(table_name = preview_cards)]
#[allow(missing_docs)]
pub struct NewPreviewCard {
    pub url: String,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub author_name: String,
    pub author_url: String,
    pub provider_name: String,
    pub provider_url: String,
    pub image_url: Option<String>,
    pub width: i32,
    pub height: i32,
    pub language: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
}

/// The card of `url` fetched less than `max_age` ago, if any.
pub async fn find_fresh_card(
    conn: &mut Conn,
    url: &str,
    max_age: chrono::Duration,
) -> Result<Option<PreviewCard>> {
    Ok(preview_cards::table
        .filter(preview_cards::url.eq(url))
        .filter(preview_cards::updated_at.gt(Utc::now() - max_age))
        .select(PreviewCard::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Stores (or refreshes) the card of a URL, with its publisher, and links
/// it to a status.
pub async fn put_card_for_status(
    conn: &mut Conn,
    status_id: i64,
    card: &NewPreviewCard,
) -> Result<PreviewCard> {
    let stored: PreviewCard = diesel::insert_into(preview_cards::table)
        .values(card)
        .on_conflict(preview_cards::url)
        .do_update()
        .set((card, preview_cards::updated_at.eq(diesel::dsl::now)))
        .returning(PreviewCard::as_returning())
        .get_result(conn)
        .await?;
    super::preview_card_providers::ensure_provider_of(conn, &stored.url).await?;
    link_card(conn, StatusId::new(status_id), stored.id).await?;
    Ok(stored)
}

/// Links an existing card to a status (replacing its earlier card).
pub async fn link_card(conn: &mut Conn, status_id: StatusId, card_id: i64) -> Result<()> {
    diesel::insert_into(preview_cards_statuses::table)
        .values((
            preview_cards_statuses::status_id.eq(status_id),
            preview_cards_statuses::preview_card_id.eq(card_id),
        ))
        .on_conflict(preview_cards_statuses::status_id)
        .do_update()
        .set(preview_cards_statuses::preview_card_id.eq(card_id))
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes a status's card (its link went away in an edit).
pub async fn unlink_card(conn: &mut Conn, status_id: i64) -> Result<()> {
    diesel::delete(preview_cards_statuses::table.find(status_id))
        .execute(conn)
        .await?;
    Ok(())
}

/// The cards of these statuses: (status id, card).
pub async fn cards_of_statuses(
    conn: &mut Conn,
    status_ids: &[i64],
) -> Result<Vec<(i64, PreviewCard)>> {
    if status_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(preview_cards_statuses::table
        .inner_join(preview_cards::table)
        .filter(preview_cards_statuses::status_id.eq_any(status_ids))
        .select((preview_cards_statuses::status_id, PreviewCard::as_select()))
        .load(conn)
        .await?)
}

/// Trending links: cards of public statuses of the last two days by
/// discoverable, unsilenced accounts, shared by at least two accounts,
/// most accounts first; `offset`/`limit` paged; those a moderator
/// rejected (the link, or its publisher when the link has no verdict of
/// its own) only when `include_rejected`.
pub async fn list_trending_cards(
    conn: &mut Conn,
    include_rejected: bool,
    offset: i64,
    limit: i64,
) -> Result<Vec<PreviewCard>> {
    use diesel::sql_types::{BigInt, Timestamptz};
    #[derive(QueryableByName)]
    struct Ranked {
        #[diesel(sql_type = BigInt)]
        preview_card_id: i64,
    }
    let since = Utc::now() - chrono::Duration::days(2);
    let ranked: Vec<Ranked> = diesel::sql_query(
        "SELECT pcs.preview_card_id FROM preview_cards_statuses pcs \
         JOIN statuses s ON s.id = pcs.status_id JOIN accounts a ON a.id = s.account_id \
         WHERE s.created_at >= $1 AND s.visibility = 0 AND s.reblog_of_id IS NULL \
         AND a.discoverable AND a.suspended_at IS NULL AND a.silenced_at IS NULL \
         AND ($4 OR COALESCE((SELECT r.approved FROM trend_reviews r \
           WHERE r.kind = 'link' AND r.target_id = pcs.preview_card_id), \
           (SELECT p.trendable FROM preview_cards c JOIN preview_card_providers p \
           ON p.domain = ferrodon_url_host(c.url) WHERE c.id = pcs.preview_card_id), true)) \
         GROUP BY pcs.preview_card_id HAVING count(DISTINCT s.account_id) >= 2 \
         ORDER BY count(DISTINCT s.account_id) DESC, pcs.preview_card_id DESC OFFSET $2 LIMIT $3",
    )
    .bind::<Timestamptz, _>(since)
    .bind::<BigInt, _>(offset)
    .bind::<BigInt, _>(limit)
    .bind::<diesel::sql_types::Bool, _>(include_rejected)
    .load(conn)
    .await?;
    let ids: Vec<i64> = ranked.iter().map(|r| r.preview_card_id).collect();
    let mut cards: Vec<PreviewCard> = preview_cards::table
        .filter(preview_cards::id.eq_any(&ids))
        .select(PreviewCard::as_select())
        .load(conn)
        .await?;
    cards.sort_by_key(|c| ids.iter().position(|id| *id == c.id));
    Ok(cards)
}

/// The last `days` days of sharing of a card in public statuses, newest
/// first.
pub async fn card_history(conn: &mut Conn, card_id: i64, days: i64) -> Result<Vec<TagDay>> {
    use diesel::sql_types::{BigInt, Timestamptz};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Timestamptz)]
        day: DateTime<Utc>,
        #[diesel(sql_type = BigInt)]
        uses: i64,
        #[diesel(sql_type = BigInt)]
        accounts: i64,
    }
    let (today, since) = history_span(days);
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT date_trunc('day', s.created_at, 'UTC') AS day, count(*) AS uses, \
         count(DISTINCT s.account_id) AS accounts FROM preview_cards_statuses pcs \
         JOIN statuses s ON s.id = pcs.status_id \
         WHERE pcs.preview_card_id = $1 AND s.created_at >= $2 AND s.visibility = 0 GROUP BY 1",
    )
    .bind::<BigInt, _>(card_id)
    .bind::<Timestamptz, _>(since)
    .load(conn)
    .await?;
    let counted: Vec<(DateTime<Utc>, i64, i64)> =
        rows.iter().map(|r| (r.day, r.uses, r.accounts)).collect();
    Ok(fill_history(today, days, &counted))
}

/// A preview card by id.
pub async fn get_card_by_id(conn: &mut Conn, id: i64) -> Result<PreviewCard> {
    Ok(preview_cards::table
        .find(id)
        .select(PreviewCard::as_select())
        .first(conn)
        .await?)
}
