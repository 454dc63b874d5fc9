//! Accounts: lookup, insert, profile updates, counters, search.
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::ids::AccountId;
use crate::models::{Account, AccountChanges, NewAccount};
use crate::schema::accounts;
use crate::{Conn, Result};

diesel::define_sql_function! {
    /// The database's time-ordered id generator (see the first migration).
    fn ferrodon_id() -> BigInt;
}

/// A fresh time-ordered id from the database's id generator.
pub async fn next_id(conn: &mut Conn) -> Result<i64> {
    Ok(diesel::select(ferrodon_id()).get_result(conn).await?)
}

/// Inserts an account.
pub async fn put_account(conn: &mut Conn, new: &NewAccount) -> Result<Account> {
    Ok(diesel::insert_into(accounts::table)
        .values(new)
        .returning(Account::as_returning())
        .get_result(conn)
        .await?)
}

/// One account by id.
pub async fn get_account_by_id(conn: &mut Conn, id: i64) -> Result<Account> {
    Ok(accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .await?)
}

/// Accounts by id, in no particular order; missing ids are skipped.
pub async fn get_accounts_by_ids(conn: &mut Conn, ids: &[i64]) -> Result<Vec<Account>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(accounts::table
        .filter(accounts::id.eq_any(ids))
        .select(Account::as_select())
        .load(conn)
        .await?)
}

/// An account by username (case-insensitive) and domain (`None` for local).
pub async fn get_account_by_acct(
    conn: &mut Conn,
    username: &str,
    domain: Option<&str>,
) -> Result<Account> {
    let lower = sql::<diesel::sql_types::Text>("lower(username)");
    let mut query = accounts::table
        .select(Account::as_select())
        .filter(lower.eq(username.to_lowercase()))
        .into_boxed();
    query = match domain {
        None => query.filter(accounts::domain.is_null()),
        Some(d) => query.filter(
            sql::<diesel::sql_types::Text>("lower(coalesce(domain, ''))").eq(d.to_lowercase()),
        ),
    };
    Ok(query.first(conn).await?)
}

/// Applies profile changes and returns the updated row.
pub async fn update_account(conn: &mut Conn, id: i64, changes: &AccountChanges) -> Result<Account> {
    Ok(diesel::update(accounts::table.find(id))
        .set(changes)
        .returning(Account::as_returning())
        .get_result(conn)
        .await?)
}

/// Deletes an account and, by cascade, everything it owns.
pub async fn delete_account(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::delete(accounts::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds `delta` to an account's statuses counter (never below zero) and,
/// for new statuses, records when it last posted.
pub async fn add_to_statuses_count(conn: &mut Conn, id: i64, delta: i32) -> Result<()> {
    let target = accounts::table.find(id);
    if delta > 0 {
        diesel::update(target)
            .set((
                accounts::statuses_count.eq(accounts::statuses_count + delta),
                accounts::last_status_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
    } else {
        diesel::update(target)
            .set(
                accounts::statuses_count.eq(sql("greatest(statuses_count + ")
                    .bind::<diesel::sql_types::Integer, _>(delta)
                    .sql(", 0)")),
            )
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Adds `delta` to the follower's following count and the target's followers count.
pub async fn add_to_follow_counts(
    conn: &mut Conn,
    follower_id: AccountId,
    target_id: AccountId,
    delta: i32,
) -> Result<()> {
    diesel::update(accounts::table.find(follower_id))
        .set(
            accounts::following_count.eq(sql("greatest(following_count + ")
                .bind::<diesel::sql_types::Integer, _>(delta)
                .sql(", 0)")),
        )
        .execute(conn)
        .await?;
    diesel::update(accounts::table.find(target_id))
        .set(
            accounts::followers_count.eq(sql("greatest(followers_count + ")
                .bind::<diesel::sql_types::Integer, _>(delta)
                .sql(", 0)")),
        )
        .execute(conn)
        .await?;
    Ok(())
}

/// Accounts whose username or display name starts with `query`
/// (case-insensitive), local accounts first, then by username.
pub async fn search_accounts(
    conn: &mut Conn,
    query: &str,
    domain: Option<&str>,
    followed_by: Option<AccountId>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Account>> {
    let escaped = query
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("{escaped}%");
    let mut q = accounts::table
        .select(Account::as_select())
        .filter(accounts::suspended_at.is_null())
        .filter(accounts::id.gt(0))
        .filter(
            accounts::username
                .ilike(pattern.clone())
                .or(accounts::display_name.ilike(pattern)),
        )
        .into_boxed();
    if let Some(d) = domain {
        q = q.filter(accounts::domain.eq(d.to_owned()));
    }
    if let Some(follower) = followed_by {
        q = q.filter(
            accounts::id.eq_any(
                crate::schema::follows::table
                    .filter(crate::schema::follows::account_id.eq(follower))
                    .select(crate::schema::follows::target_account_id),
            ),
        );
    }
    Ok(
        q.order((accounts::domain.is_not_null(), accounts::username.asc()))
            .limit(limit)
            .offset(offset)
            .load(conn)
            .await?,
    )
}

/// Number of local accounts (for the instance document).
pub async fn count_local_accounts(conn: &mut Conn) -> Result<i64> {
    Ok(accounts::table
        .filter(accounts::domain.is_null())
        // Not the instance actor (a negative id, as Mastodon's -99).
        .filter(accounts::id.gt(0))
        .count()
        .get_result(conn)
        .await?)
}

/// An account by its ActivityPub id.
pub async fn get_account_by_uri(conn: &mut Conn, uri: &str) -> Result<Account> {
    Ok(accounts::table
        .filter(accounts::uri.eq(uri))
        .select(Account::as_select())
        .first(conn)
        .await?)
}

/// Inserts an account with a fixed id unless one exists (the instance actor).
pub async fn ensure_account_with_id(conn: &mut Conn, id: i64, new: &NewAccount) -> Result<()> {
    diesel::insert_into(accounts::table)
        .values((accounts::id.eq(id), new))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// What a remote actor document says, written over the stored account.
#[derive(Debug, Clone)]
pub struct RemoteProfile {
    /// The account as it would be inserted.
    pub account: NewAccount,
    /// Whether it is discoverable.
    pub discoverable: bool,
    /// Whether its posts may be indexed for search.
    pub indexable: bool,
    /// Profile fields, `[{"name", "value"}]` (sanitised HTML values).
    pub fields: serde_json::Value,
}

/// Inserts a remote account or updates it by its ActivityPub id.
pub async fn upsert_remote_account(conn: &mut Conn, profile: &RemoteProfile) -> Result<Account> {
    use diesel::upsert::excluded;
    let a = &profile.account;
    Ok(diesel::insert_into(accounts::table)
        .values((
            a,
            accounts::discoverable.eq(profile.discoverable),
            accounts::indexable.eq(profile.indexable),
            accounts::fields.eq(&profile.fields),
        ))
        .on_conflict(accounts::uri)
        .do_update()
        .set((
            accounts::display_name.eq(excluded(accounts::display_name)),
            accounts::note.eq(excluded(accounts::note)),
            accounts::locked.eq(excluded(accounts::locked)),
            accounts::bot.eq(excluded(accounts::bot)),
            accounts::url.eq(excluded(accounts::url)),
            accounts::inbox_url.eq(excluded(accounts::inbox_url)),
            accounts::shared_inbox_url.eq(excluded(accounts::shared_inbox_url)),
            accounts::outbox_url.eq(excluded(accounts::outbox_url)),
            accounts::followers_url.eq(excluded(accounts::followers_url)),
            accounts::public_key.eq(excluded(accounts::public_key)),
            accounts::discoverable.eq(excluded(accounts::discoverable)),
            accounts::indexable.eq(excluded(accounts::indexable)),
            accounts::fields.eq(excluded(accounts::fields)),
            accounts::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Account::as_returning())
        .get_result(conn)
        .await?)
}

/// Marks a remote account suspended (it deleted itself, or a moderator
/// suspended it); its follows end.
pub async fn suspend_remote_account(conn: &mut Conn, id: i64) -> Result<()> {
    use crate::schema::follows;
    diesel::update(accounts::table.find(id))
        .filter(accounts::domain.is_not_null())
        .set((
            accounts::suspended_at.eq(diesel::dsl::now),
            accounts::suspension_origin.eq("local"),
        ))
        .execute(conn)
        .await?;
    diesel::delete(
        follows::table.filter(
            follows::account_id
                .eq(id)
                .or(follows::target_account_id.eq(id)),
        ),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The account an account moved to, if it moved.
pub async fn moved_to(conn: &mut Conn, id: i64) -> Result<Option<i64>> {
    Ok(accounts::table
        .find(id)
        .select(accounts::moved_to_account_id)
        .first(conn)
        .await?)
}

/// Records that an account moved to another.
pub async fn set_moved_to(conn: &mut Conn, id: AccountId, target_id: AccountId) -> Result<()> {
    diesel::update(accounts::table.find(id))
        .set(accounts::moved_to_account_id.eq(target_id))
        .execute(conn)
        .await?;
    Ok(())
}
