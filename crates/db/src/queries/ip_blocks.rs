//! Address ranges with a severity (Mastodon's IpBlock).
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::schema::ip_blocks;
use crate::{paginate, Conn, Page, Result};

/// A blocked address range.
#[allow(missing_docs)]
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ip_blocks, check_for_backend(diesel::pg::Pg))]
pub struct IpBlock {
    pub id: i64,
    /// `ADDRESS/PREFIX`.
    pub ip: String,
    /// sign_up_requires_approval, sign_up_block or no_access.
    pub severity: String,
    pub comment: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What an IP block says, for creating or replacing one.
#[allow(missing_docs)]
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = ip_blocks, treat_none_as_null = true)]
pub struct IpBlockFields {
    pub ip: String,
    pub severity: String,
    pub comment: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// One page of IP blocks, newest first.
pub async fn page_ip_blocks(conn: &mut Conn, page: &Page) -> Result<Vec<IpBlock>> {
    let q = ip_blocks::table.select(IpBlock::as_select()).into_boxed();
    let rows = paginate!(q, ip_blocks::id, page).load(conn).await?;
    Ok(page.finish(rows))
}

/// Every IP block that has not expired.
pub async fn live_ip_blocks(conn: &mut Conn) -> Result<Vec<IpBlock>> {
    Ok(ip_blocks::table
        .filter(
            ip_blocks::expires_at
                .is_null()
                .or(ip_blocks::expires_at.gt(diesel::dsl::now)),
        )
        .select(IpBlock::as_select())
        .load(conn)
        .await?)
}

/// The block of exactly this range, expired or not (ranges are unique).
pub async fn find_ip_block(conn: &mut Conn, ip: &str) -> Result<Option<IpBlock>> {
    Ok(ip_blocks::table
        .filter(ip_blocks::ip.eq(ip))
        .select(IpBlock::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// An IP block by id.
pub async fn get_ip_block(conn: &mut Conn, id: i64) -> Result<IpBlock> {
    Ok(ip_blocks::table
        .find(id)
        .select(IpBlock::as_select())
        .first(conn)
        .await?)
}

/// Stores a new IP block.
pub async fn put_ip_block(conn: &mut Conn, fields: &IpBlockFields) -> Result<IpBlock> {
    Ok(diesel::insert_into(ip_blocks::table)
        .values(fields)
        .returning(IpBlock::as_returning())
        .get_result(conn)
        .await?)
}

/// Replaces what an IP block says.
pub async fn update_ip_block(conn: &mut Conn, id: i64, fields: &IpBlockFields) -> Result<IpBlock> {
    Ok(diesel::update(ip_blocks::table.find(id))
        .set((fields, ip_blocks::updated_at.eq(diesel::dsl::now)))
        .returning(IpBlock::as_returning())
        .get_result(conn)
        .await?)
}

/// Removes an IP block.
pub async fn delete_ip_block(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::delete(ip_blocks::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}
