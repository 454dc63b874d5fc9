//! The publishers of links (Mastodon's PreviewCardProvider): one per host
//! of a preview card, made with the card. A moderator approves or rejects
//! a publisher for the link trends; its verdict holds for each of its links
//! without a verdict of its own.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel_async::RunQueryDsl;

use crate::schema::preview_card_providers;
use crate::{paginate, Conn, Page, Result};

/// A publisher.
#[allow(missing_docs)]
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = preview_card_providers, check_for_backend(diesel::pg::Pg))]
pub struct PreviewCardProvider {
    pub id: i64,
    pub domain: String,
    /// `None` until a moderator reviews it.
    pub trendable: Option<bool>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub requested_review_at: Option<DateTime<Utc>>,
}

impl PreviewCardProvider {
    /// Whether no moderator has reviewed it yet.
    pub fn requires_review(&self) -> bool {
        self.reviewed_at.is_none()
    }
}

/// One page of publishers, newest first.
pub async fn page_providers(conn: &mut Conn, page: &Page) -> Result<Vec<PreviewCardProvider>> {
    let q = preview_card_providers::table
        .select(PreviewCardProvider::as_select())
        .into_boxed();
    let rows = paginate!(q, preview_card_providers::id, page)
        .load(conn)
        .await?;
    Ok(page.finish(rows))
}

/// Records the verdict on a publisher; `NotFound` when there is none with
/// that id.
pub async fn review_provider(
    conn: &mut Conn,
    id: i64,
    trendable: bool,
) -> Result<PreviewCardProvider> {
    Ok(diesel::update(preview_card_providers::table.find(id))
        .set((
            preview_card_providers::trendable.eq(Some(trendable)),
            preview_card_providers::reviewed_at.eq(Some(Utc::now())),
            preview_card_providers::updated_at.eq(diesel::dsl::now),
        ))
        .returning(PreviewCardProvider::as_returning())
        .get_result(conn)
        .await?)
}

/// Makes sure the publisher of a link exists (the host of `url`, through
/// the `ferrodon_url_host` SQL function the trends queries use too).
pub async fn ensure_provider_of(conn: &mut Conn, url: &str) -> Result<()> {
    diesel::sql_query(
        "INSERT INTO preview_card_providers (domain) \
         SELECT ferrodon_url_host($1) WHERE ferrodon_url_host($1) IS NOT NULL \
         ON CONFLICT (domain) DO NOTHING",
    )
    .bind::<Text, _>(url)
    .execute(conn)
    .await?;
    Ok(())
}

/// The verdicts on the publishers of these cards: (card id, `Some`
/// (approved) once its publisher was reviewed), for the cards whose
/// publisher is known.
pub async fn provider_verdicts_of_cards(
    conn: &mut Conn,
    card_ids: &[i64],
) -> Result<Vec<(i64, Option<bool>)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        card_id: i64,
        #[diesel(sql_type = Bool)]
        reviewed: bool,
        #[diesel(sql_type = Nullable<Bool>)]
        trendable: Option<bool>,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT c.id AS card_id, p.reviewed_at IS NOT NULL AS reviewed, p.trendable \
         FROM preview_cards c JOIN preview_card_providers p ON p.domain = ferrodon_url_host(c.url) \
         WHERE c.id = ANY($1)",
    )
    .bind::<diesel::sql_types::Array<BigInt>, _>(card_ids)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.card_id, r.trendable.filter(|_| r.reviewed)))
        .collect())
}
