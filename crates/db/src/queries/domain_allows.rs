//! The federation allowlist used in limited federation mode (Mastodon's DomainAllow).
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::schema::domain_allows;
use crate::{paginate, Conn, Page, Result};

/// A server federated with in limited federation mode.
#[allow(missing_docs)]
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = domain_allows, check_for_backend(diesel::pg::Pg))]
pub struct DomainAllow {
    pub id: i64,
    pub domain: String,
    pub created_at: DateTime<Utc>,
}

/// One page of allowed domains, newest first.
pub async fn page_domain_allows(conn: &mut Conn, page: &Page) -> Result<Vec<DomainAllow>> {
    let q = domain_allows::table
        .select(DomainAllow::as_select())
        .into_boxed();
    let rows = paginate!(q, domain_allows::id, page).load(conn).await?;
    Ok(page.finish(rows))
}

/// An allowed domain by id.
pub async fn get_domain_allow(conn: &mut Conn, id: i64) -> Result<DomainAllow> {
    Ok(domain_allows::table
        .find(id)
        .select(DomainAllow::as_select())
        .first(conn)
        .await?)
}

/// The allow of exactly `domain`, if any.
pub async fn find_domain_allow(conn: &mut Conn, domain: &str) -> Result<Option<DomainAllow>> {
    Ok(domain_allows::table
        .filter(domain_allows::domain.eq(domain.to_ascii_lowercase()))
        .select(DomainAllow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Allows a domain (already normalised).
pub async fn put_domain_allow(conn: &mut Conn, domain: &str) -> Result<DomainAllow> {
    Ok(diesel::insert_into(domain_allows::table)
        .values(domain_allows::domain.eq(domain))
        .returning(DomainAllow::as_returning())
        .get_result(conn)
        .await?)
}

/// Removes an allowed domain.
pub async fn delete_domain_allow(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::delete(domain_allows::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}
