//! Domains a user hides from themselves (`/api/v1/domain_blocks`), unlike
//! the instance-wide moderation blocks in [`super::domain_blocks`].
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::schema::{account_domain_blocks, accounts, follows};
use crate::{paginate, Conn, Page, Result};

/// Blocks `domain` for `account_id` (idempotent) and ends the follows
/// between the account and accounts on that domain, both ways, as Mastodon
/// does. Returns the remote followers whose follow ended, with the ids of
/// their `Follow` activities.
pub async fn block_domain(
    conn: &mut Conn,
    account_id: i64,
    domain: &str,
) -> Result<Vec<(i64, Option<String>)>> {
    diesel::insert_into(account_domain_blocks::table)
        .values((
            account_domain_blocks::account_id.eq(account_id),
            account_domain_blocks::domain.eq(domain),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    let on_domain = accounts::table
        .filter(accounts::domain.eq(domain))
        .select(accounts::id);
    let removed = diesel::delete(
        follows::table
            .filter(follows::target_account_id.eq(account_id))
            .filter(follows::account_id.eq_any(on_domain)),
    )
    .returning((follows::account_id, follows::uri))
    .get_results(conn)
    .await?;
    Ok(removed)
}

/// Lifts a user's block of `domain`.
pub async fn unblock_domain(conn: &mut Conn, account_id: i64, domain: &str) -> Result<()> {
    diesel::delete(
        account_domain_blocks::table
            .filter(account_domain_blocks::account_id.eq(account_id))
            .filter(account_domain_blocks::domain.eq(domain)),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One page of a user's blocked domains: (block id for paging, domain).
pub async fn list_blocked_domains(
    conn: &mut Conn,
    account_id: i64,
    page: &Page,
) -> Result<Vec<(i64, String)>> {
    let query = account_domain_blocks::table
        .filter(account_domain_blocks::account_id.eq(account_id))
        .select((account_domain_blocks::id, account_domain_blocks::domain))
        .into_boxed();
    let rows = paginate!(query, account_domain_blocks::id, *page)
        .load(conn)
        .await?;
    Ok(page.finish(rows))
}

/// Which of `domains` the user blocks.
pub async fn blocked_among(
    conn: &mut Conn,
    account_id: i64,
    domains: &[String],
) -> Result<Vec<String>> {
    if domains.is_empty() {
        return Ok(Vec::new());
    }
    Ok(account_domain_blocks::table
        .filter(account_domain_blocks::account_id.eq(account_id))
        .filter(account_domain_blocks::domain.eq_any(domains))
        .select(account_domain_blocks::domain)
        .load(conn)
        .await?)
}
