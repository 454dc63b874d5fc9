//! Users: the sign-in half of local accounts.
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;

use crate::models::{Account, NewUser, User, UserChanges};
use crate::schema::{accounts, users};
use crate::{Conn, Result};

/// Inserts a user row.
pub async fn put_user(conn: &mut Conn, new: &NewUser) -> Result<User> {
    Ok(diesel::insert_into(users::table)
        .values(new)
        .returning(User::as_returning())
        .get_result(conn)
        .await?)
}

/// A user with its account, by user id.
pub async fn get_user_with_account(conn: &mut Conn, user_id: i64) -> Result<(User, Account)> {
    Ok(users::table
        .inner_join(accounts::table)
        .filter(users::id.eq(user_id))
        .select((User::as_select(), Account::as_select()))
        .first(conn)
        .await?)
}

/// The user of a local account.
pub async fn get_user_by_account_id(conn: &mut Conn, account_id: i64) -> Result<User> {
    Ok(users::table
        .filter(users::account_id.eq(account_id))
        .select(User::as_select())
        .first(conn)
        .await?)
}

/// A user with its account by e-mail address or username (case-insensitive), for sign-in.
pub async fn get_user_by_login(conn: &mut Conn, login: &str) -> Result<(User, Account)> {
    let login = login.trim().to_lowercase();
    Ok(users::table
        .inner_join(accounts::table)
        .filter(
            sql::<Text>("lower(users.email)")
                .eq(login.clone())
                .or(sql::<Text>("lower(accounts.username)")
                    .eq(login)
                    .and(accounts::domain.is_null())),
        )
        .select((User::as_select(), Account::as_select()))
        .first(conn)
        .await?)
}

/// True when an e-mail address is taken (case-insensitive).
pub async fn email_taken(conn: &mut Conn, email: &str) -> Result<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        users::table.filter(sql::<Text>("lower(email)").eq(email.to_lowercase())),
    ))
    .get_result(conn)
    .await?)
}

/// Applies changes to a user row.
pub async fn update_user(conn: &mut Conn, user_id: i64, changes: &UserChanges) -> Result<User> {
    Ok(diesel::update(users::table.find(user_id))
        .set(changes)
        .returning(User::as_returning())
        .get_result(conn)
        .await?)
}

/// Records a successful sign-in.
pub async fn touch_sign_in(conn: &mut Conn, user_id: i64) -> Result<()> {
    diesel::update(users::table.find(user_id))
        .set(users::last_sign_in_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    Ok(())
}

/// Number of users who signed in during the last `days` days.
pub async fn count_active_users(conn: &mut Conn, days: i32) -> Result<i64> {
    Ok(users::table
        .filter(users::last_sign_in_at.gt(sql(&format!("now() - interval '{days} days'"))))
        .count()
        .get_result(conn)
        .await?)
}
