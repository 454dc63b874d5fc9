//! Sign-up refusals by e-mail address: blocked e-mail domains (with the
//! refused attempts per day) and blocked canonical addresses.
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::schema::{canonical_email_blocks, email_domain_block_attempts, email_domain_blocks};
use crate::{paginate, Conn, Page, Result};

/// An e-mail domain nobody may sign up with (Mastodon's EmailDomainBlock).
#[allow(missing_docs)]
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_domain_blocks, check_for_backend(diesel::pg::Pg))]
pub struct EmailDomainBlock {
    pub id: i64,
    pub domain: String,
    pub allow_with_approval: bool,
    pub created_at: DateTime<Utc>,
}

/// One page of e-mail domain blocks, newest first.
pub async fn page_email_domain_blocks(
    conn: &mut Conn,
    page: &Page,
) -> Result<Vec<EmailDomainBlock>> {
    let q = email_domain_blocks::table
        .select(EmailDomainBlock::as_select())
        .into_boxed();
    let rows = paginate!(q, email_domain_blocks::id, page)
        .load(conn)
        .await?;
    Ok(page.finish(rows))
}

/// Every e-mail domain block, by domain.
pub async fn all_email_domain_blocks(conn: &mut Conn) -> Result<Vec<EmailDomainBlock>> {
    Ok(email_domain_blocks::table
        .order(email_domain_blocks::domain.asc())
        .select(EmailDomainBlock::as_select())
        .load(conn)
        .await?)
}

/// An e-mail domain block by id.
pub async fn get_email_domain_block(conn: &mut Conn, id: i64) -> Result<EmailDomainBlock> {
    Ok(email_domain_blocks::table
        .find(id)
        .select(EmailDomainBlock::as_select())
        .first(conn)
        .await?)
}

/// Blocks an e-mail domain (already lowercase and trimmed).
pub async fn put_email_domain_block(
    conn: &mut Conn,
    domain: &str,
    allow_with_approval: bool,
) -> Result<EmailDomainBlock> {
    Ok(diesel::insert_into(email_domain_blocks::table)
        .values((
            email_domain_blocks::domain.eq(domain),
            email_domain_blocks::allow_with_approval.eq(allow_with_approval),
        ))
        .returning(EmailDomainBlock::as_returning())
        .get_result(conn)
        .await?)
}

/// Removes an e-mail domain block.
pub async fn delete_email_domain_block(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::delete(email_domain_blocks::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// The block of exactly `domain` (already normalised), if any.
pub async fn get_email_domain_block_by_domain(
    conn: &mut Conn,
    domain: &str,
) -> Result<Option<EmailDomainBlock>> {
    Ok(email_domain_blocks::table
        .filter(email_domain_blocks::domain.eq(domain))
        .select(EmailDomainBlock::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// The block that applies to `domain`: its own or a parent domain's, the
/// most specific first.
pub async fn find_email_domain_block(
    conn: &mut Conn,
    domain: &str,
) -> Result<Option<EmailDomainBlock>> {
    let candidates = parent_domains(&domain.to_ascii_lowercase());
    let mut found: Vec<EmailDomainBlock> = email_domain_blocks::table
        .filter(email_domain_blocks::domain.eq_any(&candidates))
        .select(EmailDomainBlock::as_select())
        .load(conn)
        .await?;
    found.sort_by_key(|b| std::cmp::Reverse(b.domain.len()));
    Ok(found.into_iter().next())
}

/// `a.b.c`, `b.c` and `c` for `a.b.c`.
fn parent_domains(domain: &str) -> Vec<String> {
    let labels: Vec<&str> = domain.split('.').collect();
    (0..labels.len()).map(|i| labels[i..].join(".")).collect()
}

/// Counts a refused sign-up attempt against a block today.
pub async fn record_attempt(conn: &mut Conn, block_id: i64) -> Result<()> {
    let today = Utc::now().date_naive();
    diesel::insert_into(email_domain_block_attempts::table)
        .values((
            email_domain_block_attempts::email_domain_block_id.eq(block_id),
            email_domain_block_attempts::day.eq(today),
            email_domain_block_attempts::attempts.eq(1),
        ))
        .on_conflict((
            email_domain_block_attempts::email_domain_block_id,
            email_domain_block_attempts::day,
        ))
        .do_update()
        .set(email_domain_block_attempts::attempts.eq(email_domain_block_attempts::attempts + 1))
        .execute(conn)
        .await?;
    Ok(())
}

/// The refused attempts of each day since `since` (days without any are absent).
pub async fn attempts_since(
    conn: &mut Conn,
    block_id: i64,
    since: NaiveDate,
) -> Result<Vec<(NaiveDate, i64)>> {
    Ok(email_domain_block_attempts::table
        .filter(email_domain_block_attempts::email_domain_block_id.eq(block_id))
        .filter(email_domain_block_attempts::day.ge(since))
        .select((
            email_domain_block_attempts::day,
            email_domain_block_attempts::attempts,
        ))
        .load(conn)
        .await?)
}

/// A blocked canonical e-mail address (Mastodon's CanonicalEmailBlock).
#[allow(missing_docs)]
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = canonical_email_blocks, check_for_backend(diesel::pg::Pg))]
pub struct CanonicalEmailBlock {
    pub id: i64,
    pub canonical_email_hash: String,
    pub reference_account_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// One page of canonical e-mail blocks, newest first.
pub async fn page_canonical_email_blocks(
    conn: &mut Conn,
    page: &Page,
) -> Result<Vec<CanonicalEmailBlock>> {
    let q = canonical_email_blocks::table
        .select(CanonicalEmailBlock::as_select())
        .into_boxed();
    let rows = paginate!(q, canonical_email_blocks::id, page)
        .load(conn)
        .await?;
    Ok(page.finish(rows))
}

/// A canonical e-mail block by id.
pub async fn get_canonical_email_block(conn: &mut Conn, id: i64) -> Result<CanonicalEmailBlock> {
    Ok(canonical_email_blocks::table
        .find(id)
        .select(CanonicalEmailBlock::as_select())
        .first(conn)
        .await?)
}

/// The blocks with this hash (none or one).
pub async fn canonical_email_blocks_for(
    conn: &mut Conn,
    hash: &str,
) -> Result<Vec<CanonicalEmailBlock>> {
    Ok(canonical_email_blocks::table
        .filter(canonical_email_blocks::canonical_email_hash.eq(hash))
        .select(CanonicalEmailBlock::as_select())
        .load(conn)
        .await?)
}

/// Blocks a canonical e-mail hash.
pub async fn put_canonical_email_block(
    conn: &mut Conn,
    hash: &str,
    reference_account_id: Option<i64>,
) -> Result<CanonicalEmailBlock> {
    Ok(diesel::insert_into(canonical_email_blocks::table)
        .values((
            canonical_email_blocks::canonical_email_hash.eq(hash),
            canonical_email_blocks::reference_account_id.eq(reference_account_id),
        ))
        .returning(CanonicalEmailBlock::as_returning())
        .get_result(conn)
        .await?)
}

/// Removes a canonical e-mail block.
pub async fn delete_canonical_email_block(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::delete(canonical_email_blocks::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parent_domains;

    #[test]
    fn parents_run_from_the_domain_to_its_last_label() {
        assert_eq!(
            parent_domains("mail.spam.example"),
            ["mail.spam.example", "spam.example", "example"]
        );
    }
}
