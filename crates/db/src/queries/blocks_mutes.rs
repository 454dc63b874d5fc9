//! Blocks and mutes, and the account sets that timelines hide because of them.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;

use crate::ids::AccountId;
use crate::models::Account;
use crate::schema::{account_domain_blocks, accounts, blocks, follows, mutes};
use crate::{paginate, Conn, Page, Result};

/// Records a block; returns true when it is new.
pub async fn put_block(conn: &mut Conn, account_id: AccountId, target: AccountId) -> Result<bool> {
    let n = diesel::insert_into(blocks::table)
        .values((
            blocks::account_id.eq(account_id),
            blocks::target_account_id.eq(target),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n > 0)
}

/// Removes a block (idempotent).
pub async fn delete_block(conn: &mut Conn, account_id: AccountId, target: AccountId) -> Result<()> {
    diesel::delete(
        blocks::table
            .filter(blocks::account_id.eq(account_id))
            .filter(blocks::target_account_id.eq(target)),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// True when either account blocks the other.
pub async fn blocked_either_way(conn: &mut Conn, a: AccountId, b: AccountId) -> Result<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        blocks::table.filter(
            blocks::account_id
                .eq(a)
                .and(blocks::target_account_id.eq(b))
                .or(blocks::account_id
                    .eq(b)
                    .and(blocks::target_account_id.eq(a))),
        ),
    ))
    .get_result(conn)
    .await?)
}

/// Records or updates a mute.
pub async fn put_mute(
    conn: &mut Conn,
    account_id: AccountId,
    target: AccountId,
    hide_notifications: bool,
    expires_at: Option<DateTime<Utc>>,
) -> Result<()> {
    diesel::insert_into(mutes::table)
        .values((
            mutes::account_id.eq(account_id),
            mutes::target_account_id.eq(target),
            mutes::hide_notifications.eq(hide_notifications),
            mutes::expires_at.eq(expires_at),
        ))
        .on_conflict((mutes::account_id, mutes::target_account_id))
        .do_update()
        .set((
            mutes::hide_notifications.eq(excluded(mutes::hide_notifications)),
            mutes::expires_at.eq(excluded(mutes::expires_at)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes a mute (idempotent).
pub async fn delete_mute(conn: &mut Conn, account_id: AccountId, target: AccountId) -> Result<()> {
    diesel::delete(
        mutes::table
            .filter(mutes::account_id.eq(account_id))
            .filter(mutes::target_account_id.eq(target)),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Accounts an account blocks: (block id for paging, account).
pub async fn list_blocked(
    conn: &mut Conn,
    account_id: i64,
    page: &Page,
) -> Result<Vec<(i64, Account)>> {
    let query = blocks::table
        .inner_join(accounts::table.on(accounts::id.eq(blocks::target_account_id)))
        .filter(blocks::account_id.eq(account_id))
        .select((blocks::id, Account::as_select()))
        .into_boxed();
    let rows = paginate!(query, blocks::id, *page).load(conn).await?;
    Ok(page.finish(rows))
}

/// Accounts an account mutes (unexpired): (mute id for paging, account).
pub async fn list_muted(
    conn: &mut Conn,
    account_id: i64,
    page: &Page,
) -> Result<Vec<(i64, Account)>> {
    let query = mutes::table
        .inner_join(accounts::table.on(accounts::id.eq(mutes::target_account_id)))
        .filter(mutes::account_id.eq(account_id))
        .filter(
            mutes::expires_at
                .is_null()
                .or(mutes::expires_at.gt(diesel::dsl::now)),
        )
        .select((mutes::id, Account::as_select()))
        .into_boxed();
    let rows = paginate!(query, mutes::id, *page).load(conn).await?;
    Ok(page.finish(rows))
}

/// Accounts whose statuses `viewer` does not want to see, or may not see:
/// those it blocks or (unexpired) mutes, those that block it, and the
/// accounts of domains it blocks.
pub async fn list_hidden_account_ids(conn: &mut Conn, viewer: i64) -> Result<Vec<i64>> {
    let blocked: Vec<i64> = blocks::table
        .filter(blocks::account_id.eq(viewer))
        .select(blocks::target_account_id)
        .union(
            blocks::table
                .filter(blocks::target_account_id.eq(viewer))
                .select(blocks::account_id),
        )
        .union(
            mutes::table
                .filter(mutes::account_id.eq(viewer))
                .filter(
                    mutes::expires_at
                        .is_null()
                        .or(mutes::expires_at.gt(diesel::dsl::now)),
                )
                .select(mutes::target_account_id),
        )
        .union(
            accounts::table
                .filter(
                    accounts::domain.eq_any(
                        account_domain_blocks::table
                            .filter(account_domain_blocks::account_id.eq(viewer))
                            .select(account_domain_blocks::domain.nullable()),
                    ),
                )
                .select(accounts::id),
        )
        .load(conn)
        .await?;
    Ok(blocked)
}

/// True when `recipient` wants no notifications from `sender`: blocks it,
/// mutes it with notifications, or blocks its domain without following it.
pub async fn silences_notifications(
    conn: &mut Conn,
    recipient: AccountId,
    sender: AccountId,
) -> Result<bool> {
    let blocked = diesel::select(diesel::dsl::exists(
        blocks::table
            .filter(blocks::account_id.eq(recipient))
            .filter(blocks::target_account_id.eq(sender)),
    ))
    .get_result::<bool>(conn)
    .await?;
    if blocked {
        return Ok(true);
    }
    let muted = diesel::select(diesel::dsl::exists(
        mutes::table
            .filter(mutes::account_id.eq(recipient))
            .filter(mutes::target_account_id.eq(sender))
            .filter(mutes::hide_notifications.eq(true))
            .filter(
                mutes::expires_at
                    .is_null()
                    .or(mutes::expires_at.gt(diesel::dsl::now)),
            ),
    ))
    .get_result::<bool>(conn)
    .await?;
    if muted {
        return Ok(true);
    }
    // A blocked domain's accounts still notify when the recipient follows them.
    Ok(diesel::select(
        diesel::dsl::exists(
            accounts::table
                .inner_join(
                    account_domain_blocks::table.on(account_domain_blocks::domain
                        .nullable()
                        .eq(accounts::domain)),
                )
                .filter(accounts::id.eq(sender))
                .filter(account_domain_blocks::account_id.eq(recipient)),
        )
        .and(diesel::dsl::not(diesel::dsl::exists(
            follows::table
                .filter(follows::account_id.eq(recipient))
                .filter(follows::target_account_id.eq(sender)),
        ))),
    )
    .get_result(conn)
    .await?)
}

/// Relationship facts about blocks and mutes between `viewer` and `targets`:
/// (blocking, blocked_by, muting, muting_notifications) per target id.
pub async fn load_block_mute_facts(
    conn: &mut Conn,
    viewer: i64,
    targets: &[i64],
) -> Result<Vec<(i64, bool, bool, bool, bool)>> {
    let blocking: Vec<i64> = blocks::table
        .filter(blocks::account_id.eq(viewer))
        .filter(blocks::target_account_id.eq_any(targets))
        .select(blocks::target_account_id)
        .load(conn)
        .await?;
    let blocked_by: Vec<i64> = blocks::table
        .filter(blocks::target_account_id.eq(viewer))
        .filter(blocks::account_id.eq_any(targets))
        .select(blocks::account_id)
        .load(conn)
        .await?;
    let muting: Vec<(i64, bool)> = mutes::table
        .filter(mutes::account_id.eq(viewer))
        .filter(mutes::target_account_id.eq_any(targets))
        .filter(
            mutes::expires_at
                .is_null()
                .or(mutes::expires_at.gt(diesel::dsl::now)),
        )
        .select((mutes::target_account_id, mutes::hide_notifications))
        .load(conn)
        .await?;
    Ok(targets
        .iter()
        .map(|t| {
            let mute = muting.iter().find(|(id, _)| id == t);
            (
                *t,
                blocking.contains(t),
                blocked_by.contains(t),
                mute.is_some(),
                mute.is_some_and(|(_, n)| *n),
            )
        })
        .collect())
}

/// Accounts that block `author` or (unexpired) mute it: they get no live
/// events about its statuses.
pub async fn list_silencing_account_ids(conn: &mut Conn, author: i64) -> Result<Vec<i64>> {
    Ok(blocks::table
        .filter(blocks::target_account_id.eq(author))
        .select(blocks::account_id)
        .union(
            mutes::table
                .filter(mutes::target_account_id.eq(author))
                .filter(
                    mutes::expires_at
                        .is_null()
                        .or(mutes::expires_at.gt(diesel::dsl::now)),
                )
                .select(mutes::account_id),
        )
        .load(conn)
        .await?)
}
