//! Accounts a user features on their profile, and private notes.
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;

use crate::ids::AccountId;
use crate::models::Account;
use crate::schema::{account_notes, account_pins, accounts};
use crate::{paginate, Conn, Page, Result};

/// Endorses `target` (idempotent).
pub async fn endorse(conn: &mut Conn, account_id: AccountId, target: AccountId) -> Result<()> {
    diesel::insert_into(account_pins::table)
        .values((
            account_pins::account_id.eq(account_id),
            account_pins::target_account_id.eq(target),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes an endorsement.
pub async fn unendorse(conn: &mut Conn, account_id: AccountId, target: AccountId) -> Result<()> {
    diesel::delete(
        account_pins::table
            .filter(account_pins::account_id.eq(account_id))
            .filter(account_pins::target_account_id.eq(target)),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One page of accounts `account_id` endorses: (pin id for paging, account).
pub async fn list_endorsed(
    conn: &mut Conn,
    account_id: i64,
    page: &Page,
) -> Result<Vec<(i64, Account)>> {
    let query = account_pins::table
        .inner_join(accounts::table.on(accounts::id.eq(account_pins::target_account_id)))
        .filter(account_pins::account_id.eq(account_id))
        .filter(accounts::suspended_at.is_null())
        .select((account_pins::id, Account::as_select()))
        .into_boxed();
    let rows = paginate!(query, account_pins::id, *page).load(conn).await?;
    Ok(page.finish(rows))
}

/// Of `targets`, those `account_id` endorses.
pub async fn endorsed_among(conn: &mut Conn, account_id: i64, targets: &[i64]) -> Result<Vec<i64>> {
    Ok(account_pins::table
        .filter(account_pins::account_id.eq(account_id))
        .filter(account_pins::target_account_id.eq_any(targets))
        .select(account_pins::target_account_id)
        .load(conn)
        .await?)
}

/// Sets (or, with an empty comment, clears) the note about `target`.
pub async fn set_note(
    conn: &mut Conn,
    account_id: AccountId,
    target: AccountId,
    comment: &str,
) -> Result<()> {
    if comment.is_empty() {
        diesel::delete(account_notes::table.find((account_id, target)))
            .execute(conn)
            .await?;
        return Ok(());
    }
    diesel::insert_into(account_notes::table)
        .values((
            account_notes::account_id.eq(account_id),
            account_notes::target_account_id.eq(target),
            account_notes::comment.eq(comment),
        ))
        .on_conflict((account_notes::account_id, account_notes::target_account_id))
        .do_update()
        .set((
            account_notes::comment.eq(excluded(account_notes::comment)),
            account_notes::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Notes about any of `targets`: (target, comment).
pub async fn notes_about(
    conn: &mut Conn,
    account_id: i64,
    targets: &[i64],
) -> Result<Vec<(i64, String)>> {
    Ok(account_notes::table
        .filter(account_notes::account_id.eq(account_id))
        .filter(account_notes::target_account_id.eq_any(targets))
        .select((account_notes::target_account_id, account_notes::comment))
        .load(conn)
        .await?)
}
