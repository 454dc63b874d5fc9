//! Instance-level domain blocks.
use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;

use crate::schema::{accounts, domain_blocks, follows};
use crate::{Conn, Result};

/// A blocked domain.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = domain_blocks, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct DomainBlock {
    pub id: i64,
    pub domain: String,
    /// `noop`, `silence` or `suspend`.
    pub severity: String,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub private_comment: Option<String>,
    pub public_comment: Option<String>,
    pub obfuscate: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl DomainBlock {
    /// Everything from and to the domain is refused.
    pub fn is_suspend(&self) -> bool {
        self.severity == "suspend"
    }
}

/// A new or changed block.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = domain_blocks)]
#[allow(missing_docs)]
pub struct NewDomainBlock {
    pub domain: String,
    pub severity: String,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub private_comment: Option<String>,
    pub public_comment: Option<String>,
}

/// Creates or replaces the block of a domain.
pub async fn put_domain_block(conn: &mut Conn, new: &NewDomainBlock) -> Result<DomainBlock> {
    Ok(diesel::insert_into(domain_blocks::table)
        .values(new)
        .on_conflict(domain_blocks::domain)
        .do_update()
        .set((
            domain_blocks::severity.eq(excluded(domain_blocks::severity)),
            domain_blocks::reject_media.eq(excluded(domain_blocks::reject_media)),
            domain_blocks::reject_reports.eq(excluded(domain_blocks::reject_reports)),
            domain_blocks::private_comment.eq(excluded(domain_blocks::private_comment)),
            domain_blocks::public_comment.eq(excluded(domain_blocks::public_comment)),
            domain_blocks::updated_at.eq(diesel::dsl::now),
        ))
        .returning(DomainBlock::as_returning())
        .get_result(conn)
        .await?)
}

/// The block of exactly `domain` (already normalised), if any.
pub async fn get_domain_block_by_domain(
    conn: &mut Conn,
    domain: &str,
) -> Result<Option<DomainBlock>> {
    Ok(domain_blocks::table
        .filter(domain_blocks::domain.eq(domain))
        .select(DomainBlock::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Lifts a block; false when there was none.
pub async fn delete_domain_block(conn: &mut Conn, domain: &str) -> Result<bool> {
    Ok(
        diesel::delete(domain_blocks::table.filter(domain_blocks::domain.eq(domain)))
            .execute(conn)
            .await?
            > 0,
    )
}

/// Every block, by domain.
pub async fn list_domain_blocks(conn: &mut Conn) -> Result<Vec<DomainBlock>> {
    Ok(domain_blocks::table
        .select(DomainBlock::as_select())
        .order(domain_blocks::domain.asc())
        .load(conn)
        .await?)
}

/// The block that applies to `domain` (itself or a parent domain), the most specific first.
pub async fn find_block_for(conn: &mut Conn, domain: &str) -> Result<Option<DomainBlock>> {
    let domain = domain.to_ascii_lowercase();
    Ok(domain_blocks::table
        .filter(
            domain_blocks::domain.eq(&domain).or(sql::<Bool>("")
                .bind::<Text, _>(domain.clone())
                .sql(" LIKE '%.' || domain_blocks.domain")),
        )
        .select(DomainBlock::as_select())
        .order(sql::<diesel::sql_types::Integer>(
            "length(domain_blocks.domain) DESC",
        ))
        .first(conn)
        .await
        .optional()?)
}

/// Silences every account of a domain (and its subdomains); returns how many.
pub async fn silence_accounts_of_domain(conn: &mut Conn, domain: &str) -> Result<usize> {
    let domain = domain.to_ascii_lowercase();
    let matches = sql::<Bool>("(lower(accounts.domain) = ")
        .bind::<Text, _>(domain.clone())
        .sql(" OR lower(accounts.domain) LIKE '%.' || ")
        .bind::<Text, _>(domain)
        .sql(")");
    Ok(diesel::update(accounts::table)
        .filter(accounts::domain.is_not_null())
        .filter(accounts::silenced_at.is_null())
        .filter(matches)
        .set(accounts::silenced_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?)
}

/// Marks one account silenced (a new account of a silenced domain).
pub async fn silence_account(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::update(accounts::table.find(id))
        .filter(accounts::silenced_at.is_null())
        .set(accounts::silenced_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    Ok(())
}

/// Suspends every account of a domain (and its subdomains) and ends their
/// follows; returns how many accounts were suspended.
pub async fn suspend_accounts_of_domain(conn: &mut Conn, domain: &str) -> Result<usize> {
    let domain = domain.to_ascii_lowercase();
    let matches = sql::<Bool>("(lower(accounts.domain) = ")
        .bind::<Text, _>(domain.clone())
        .sql(" OR lower(accounts.domain) LIKE '%.' || ")
        .bind::<Text, _>(domain)
        .sql(")");
    let ids: Vec<i64> = diesel::update(accounts::table)
        .filter(accounts::domain.is_not_null())
        .filter(accounts::suspended_at.is_null())
        .filter(matches)
        .set((
            accounts::suspended_at.eq(diesel::dsl::now),
            accounts::suspension_origin.eq("local"),
        ))
        .returning(accounts::id)
        .get_results(conn)
        .await?;
    diesel::delete(
        follows::table.filter(
            follows::account_id
                .eq_any(&ids)
                .or(follows::target_account_id.eq_any(&ids)),
        ),
    )
    .execute(conn)
    .await?;
    Ok(ids.len())
}

/// A block by id.
pub async fn get_domain_block(conn: &mut Conn, id: i64) -> Result<DomainBlock> {
    Ok(domain_blocks::table
        .find(id)
        .select(DomainBlock::as_select())
        .first(conn)
        .await?)
}

/// One page of blocks by id, newest first (the admin API's order).
pub async fn page_domain_blocks(conn: &mut Conn, page: &crate::Page) -> Result<Vec<DomainBlock>> {
    let q = domain_blocks::table
        .select(DomainBlock::as_select())
        .into_boxed();
    let rows = crate::paginate!(q, domain_blocks::id, page)
        .load(conn)
        .await?;
    Ok(page.finish(rows))
}
