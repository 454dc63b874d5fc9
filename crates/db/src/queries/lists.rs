//! Lists, their members, and list timelines.
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::ids::AccountId;
use crate::models::Account;
use crate::schema::{accounts, follows, list_accounts, lists, statuses};
use crate::{load_page, Conn, Page, Result};

/// A list owned by an account.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lists, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct List {
    pub id: i64,
    pub account_id: i64,
    pub title: String,
    pub replies_policy: String,
    pub exclusive: bool,
}

/// An account's lists, oldest first.
pub async fn list_lists(conn: &mut Conn, account_id: i64) -> Result<Vec<List>> {
    Ok(lists::table
        .filter(lists::account_id.eq(account_id))
        .order(lists::id.asc())
        .select(List::as_select())
        .load(conn)
        .await?)
}

/// One list of an account (NotFound for someone else's).
pub async fn get_list(conn: &mut Conn, account_id: AccountId, id: i64) -> Result<List> {
    Ok(lists::table
        .filter(lists::account_id.eq(account_id))
        .filter(lists::id.eq(id))
        .select(List::as_select())
        .first(conn)
        .await?)
}

/// Creates a list.
pub async fn put_list(
    conn: &mut Conn,
    account_id: i64,
    title: &str,
    replies_policy: &str,
    exclusive: bool,
) -> Result<List> {
    Ok(diesel::insert_into(lists::table)
        .values((
            lists::account_id.eq(account_id),
            lists::title.eq(title),
            lists::replies_policy.eq(replies_policy),
            lists::exclusive.eq(exclusive),
        ))
        .returning(List::as_returning())
        .get_result(conn)
        .await?)
}

/// Changes a list's settings.
pub async fn update_list(
    conn: &mut Conn,
    id: i64,
    title: &str,
    replies_policy: &str,
    exclusive: bool,
) -> Result<List> {
    Ok(diesel::update(lists::table.find(id))
        .set((
            lists::title.eq(title),
            lists::replies_policy.eq(replies_policy),
            lists::exclusive.eq(exclusive),
        ))
        .returning(List::as_returning())
        .get_result(conn)
        .await?)
}

/// Deletes a list and its memberships.
pub async fn delete_list(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::delete(lists::table.find(id)).execute(conn).await?;
    Ok(())
}

/// Adds members (idempotent).
pub async fn add_members(conn: &mut Conn, list_id: i64, account_ids: &[i64]) -> Result<()> {
    let rows: Vec<_> = account_ids
        .iter()
        .map(|a| {
            (
                list_accounts::list_id.eq(list_id),
                list_accounts::account_id.eq(*a),
            )
        })
        .collect();
    diesel::insert_into(list_accounts::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes members (idempotent).
pub async fn remove_members(conn: &mut Conn, list_id: i64, account_ids: &[i64]) -> Result<()> {
    diesel::delete(
        list_accounts::table
            .filter(list_accounts::list_id.eq(list_id))
            .filter(list_accounts::account_id.eq_any(account_ids)),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Members of a list: (account id for paging, account).
pub async fn list_members(
    conn: &mut Conn,
    list_id: i64,
    page: &Page,
) -> Result<Vec<(i64, Account)>> {
    let query = list_accounts::table
        .inner_join(accounts::table.on(accounts::id.eq(list_accounts::account_id)))
        .filter(list_accounts::list_id.eq(list_id))
        .select((accounts::id, Account::as_select()));
    Ok(load_page!(query, accounts::id, *page, conn))
}

/// Of `account_ids`, those `owner` does not follow.
pub async fn not_followed(conn: &mut Conn, owner: i64, account_ids: &[i64]) -> Result<Vec<i64>> {
    let followed: Vec<i64> = follows::table
        .filter(follows::account_id.eq(owner))
        .filter(follows::target_account_id.eq_any(account_ids))
        .select(follows::target_account_id)
        .load(conn)
        .await?;
    Ok(account_ids
        .iter()
        .copied()
        .filter(|id| !followed.contains(id))
        .collect())
}

/// The owner's lists that contain an account.
pub async fn lists_containing(
    conn: &mut Conn,
    owner: AccountId,
    account_id: AccountId,
) -> Result<Vec<List>> {
    Ok(lists::table
        .inner_join(list_accounts::table)
        .filter(lists::account_id.eq(owner))
        .filter(list_accounts::account_id.eq(account_id))
        .order(lists::id.asc())
        .select(List::as_select())
        .load(conn)
        .await?)
}

/// Lists (id, owner) that contain `author`, for live fan-out.
pub async fn lists_with_member(conn: &mut Conn, author: i64) -> Result<Vec<(i64, i64)>> {
    Ok(list_accounts::table
        .inner_join(lists::table)
        .filter(list_accounts::account_id.eq(author))
        .select((lists::id, lists::account_id))
        .load(conn)
        .await?)
}

/// A list timeline: members' statuses the owner may see, with replies per
/// the list's policy (`none`: no replies; `list`: replies to members or to
/// oneself; `followed`: replies to accounts the owner follows or to oneself).
pub async fn list_list_timeline(conn: &mut Conn, list: &List, page: &Page) -> Result<Vec<i64>> {
    let owner = list.account_id;
    let members = list_accounts::table
        .filter(list_accounts::list_id.eq(list.id))
        .select(list_accounts::account_id);
    let visible = statuses::visibility
        .le(1)
        .or(statuses::visibility.eq(2).and(
            statuses::account_id.eq_any(
                follows::table
                    .filter(follows::account_id.eq(owner))
                    .select(follows::target_account_id),
            ),
        ));
    let base = statuses::table
        .select(statuses::id)
        .filter(statuses::account_id.eq_any(members))
        .filter(visible);
    Ok(match list.replies_policy.as_str() {
        "none" => {
            let query = base.filter(statuses::in_reply_to_id.is_null());
            load_page!(query, statuses::id, *page, conn)
        }
        "followed" => {
            let followed = follows::table
                .filter(follows::account_id.eq(owner))
                .select(follows::target_account_id);
            let query = base.filter(
                statuses::in_reply_to_account_id
                    .is_null()
                    .or(statuses::in_reply_to_account_id.eq(statuses::account_id.nullable()))
                    .or(statuses::in_reply_to_account_id.eq_any(followed.nullable())),
            );
            load_page!(query, statuses::id, *page, conn)
        }
        _ => {
            let in_list = list_accounts::table
                .filter(list_accounts::list_id.eq(list.id))
                .select(list_accounts::account_id.nullable());
            let query = base.filter(
                statuses::in_reply_to_account_id
                    .is_null()
                    .or(statuses::in_reply_to_account_id.eq(statuses::account_id.nullable()))
                    .or(statuses::in_reply_to_account_id.eq_any(in_list)),
            );
            load_page!(query, statuses::id, *page, conn)
        }
    })
}
