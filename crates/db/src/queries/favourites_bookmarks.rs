//! Favourites and bookmarks: idempotent toggles and the lists built on them.
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::ids::{AccountId, StatusId};
use crate::models::Account;
use crate::schema::{accounts, bookmarks, favourites, status_pins, statuses};
use crate::{paginate, Conn, Page, Result};

/// Favourites a status; returns true when the favourite is new.
pub async fn put_favourite(
    conn: &mut Conn,
    account_id: AccountId,
    status_id: StatusId,
) -> Result<bool> {
    let n = diesel::insert_into(favourites::table)
        .values((
            favourites::account_id.eq(account_id),
            favourites::status_id.eq(status_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n > 0)
}

/// Removes a favourite; returns true when one existed.
pub async fn delete_favourite(
    conn: &mut Conn,
    account_id: AccountId,
    status_id: StatusId,
) -> Result<bool> {
    let n = diesel::delete(
        favourites::table
            .filter(favourites::account_id.eq(account_id))
            .filter(favourites::status_id.eq(status_id)),
    )
    .execute(conn)
    .await?;
    Ok(n > 0)
}

/// Bookmarks a status (idempotent).
pub async fn put_bookmark(
    conn: &mut Conn,
    account_id: AccountId,
    status_id: StatusId,
) -> Result<()> {
    diesel::insert_into(bookmarks::table)
        .values((
            bookmarks::account_id.eq(account_id),
            bookmarks::status_id.eq(status_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes a bookmark (idempotent).
pub async fn delete_bookmark(
    conn: &mut Conn,
    account_id: AccountId,
    status_id: StatusId,
) -> Result<()> {
    diesel::delete(
        bookmarks::table
            .filter(bookmarks::account_id.eq(account_id))
            .filter(bookmarks::status_id.eq(status_id)),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An account's favourites: (favourite id for paging, status id), newest first.
pub async fn list_favourited_status_ids(
    conn: &mut Conn,
    account_id: i64,
    page: &Page,
) -> Result<Vec<(i64, i64)>> {
    let query = favourites::table
        .filter(favourites::account_id.eq(account_id))
        .select((favourites::id, favourites::status_id))
        .into_boxed();
    let rows = paginate!(query, favourites::id, *page).load(conn).await?;
    Ok(page.finish(rows))
}

/// An account's bookmarks: (bookmark id for paging, status id), newest first.
pub async fn list_bookmarked_status_ids(
    conn: &mut Conn,
    account_id: i64,
    page: &Page,
) -> Result<Vec<(i64, i64)>> {
    let query = bookmarks::table
        .filter(bookmarks::account_id.eq(account_id))
        .select((bookmarks::id, bookmarks::status_id))
        .into_boxed();
    let rows = paginate!(query, bookmarks::id, *page).load(conn).await?;
    Ok(page.finish(rows))
}

/// Accounts that favourited a status: (favourite id for paging, account).
pub async fn list_favourited_by(
    conn: &mut Conn,
    status_id: i64,
    page: &Page,
) -> Result<Vec<(i64, Account)>> {
    let query = favourites::table
        .inner_join(accounts::table.on(accounts::id.eq(favourites::account_id)))
        .filter(favourites::status_id.eq(status_id))
        .select((favourites::id, Account::as_select()))
        .into_boxed();
    let rows = paginate!(query, favourites::id, *page).load(conn).await?;
    Ok(page.finish(rows))
}

/// Accounts that publicly reblogged a status: (reblog id for paging, account).
pub async fn list_reblogged_by(
    conn: &mut Conn,
    status_id: i64,
    page: &Page,
) -> Result<Vec<(i64, Account)>> {
    let query = statuses::table
        .inner_join(accounts::table)
        .filter(statuses::reblog_of_id.eq(status_id))
        // Only reblogs others can see: an author's reblog of its own
        // followers-only status is not listed, as in Mastodon.
        .filter(statuses::visibility.le(1))
        .select((statuses::id, Account::as_select()))
        .into_boxed();
    let rows = paginate!(query, statuses::id, *page).load(conn).await?;
    Ok(page.finish(rows))
}

/// Pins a status to its author's profile (idempotent).
pub async fn put_pin(conn: &mut Conn, account_id: AccountId, status_id: StatusId) -> Result<()> {
    diesel::insert_into(status_pins::table)
        .values((
            status_pins::account_id.eq(account_id),
            status_pins::status_id.eq(status_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Unpins a status (idempotent).
pub async fn delete_pin(conn: &mut Conn, account_id: AccountId, status_id: StatusId) -> Result<()> {
    diesel::delete(
        status_pins::table
            .filter(status_pins::account_id.eq(account_id))
            .filter(status_pins::status_id.eq(status_id)),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An account's pinned status ids, most recently pinned first.
pub async fn list_pinned_status_ids(conn: &mut Conn, account_id: i64) -> Result<Vec<i64>> {
    Ok(status_pins::table
        .filter(status_pins::account_id.eq(account_id))
        .order(status_pins::id.desc())
        .select(status_pins::status_id)
        .load(conn)
        .await?)
}
