//! What a user's data export (`/settings/export`) lists: whom they follow,
//! block and mute, and which domains they block, oldest first.
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::schema::{account_domain_blocks, accounts, blocks, follows, mutes};
use crate::{Conn, Result};

/// (username, domain) of an account.
pub type Handle = (String, Option<String>);

/// Followed accounts with show-reblogs, notify and languages.
pub async fn followed(
    conn: &mut Conn,
    account_id: i64,
) -> Result<Vec<(Handle, bool, bool, Option<Vec<String>>)>> {
    Ok(follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::target_account_id)))
        .filter(follows::account_id.eq(account_id))
        .order(follows::id.asc())
        .select((
            (accounts::username, accounts::domain),
            follows::show_reblogs,
            follows::notify,
            follows::languages,
        ))
        .load(conn)
        .await?)
}

/// Blocked accounts.
pub async fn blocked(conn: &mut Conn, account_id: i64) -> Result<Vec<Handle>> {
    Ok(blocks::table
        .inner_join(accounts::table.on(accounts::id.eq(blocks::target_account_id)))
        .filter(blocks::account_id.eq(account_id))
        .order(blocks::id.asc())
        .select((accounts::username, accounts::domain))
        .load(conn)
        .await?)
}

/// Muted accounts with whether their notifications are hidden too.
pub async fn muted(conn: &mut Conn, account_id: i64) -> Result<Vec<(Handle, bool)>> {
    Ok(mutes::table
        .inner_join(accounts::table.on(accounts::id.eq(mutes::target_account_id)))
        .filter(mutes::account_id.eq(account_id))
        .order(mutes::id.asc())
        .select((
            (accounts::username, accounts::domain),
            mutes::hide_notifications,
        ))
        .load(conn)
        .await?)
}

/// Blocked domains.
pub async fn blocked_domains(conn: &mut Conn, account_id: i64) -> Result<Vec<String>> {
    Ok(account_domain_blocks::table
        .filter(account_domain_blocks::account_id.eq(account_id))
        .order(account_domain_blocks::id.asc())
        .select(account_domain_blocks::domain)
        .load(conn)
        .await?)
}
