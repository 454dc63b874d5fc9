//! Users: the sign-in half of local accounts.
use chrono::{DateTime, Utc};
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
        .filter(users::last_sign_in_at.gt(Utc::now() - chrono::Duration::days(i64::from(days))))
        .count()
        .get_result(conn)
        .await?)
}

/// A user by e-mail address (case-insensitive), for password resets.
pub async fn get_user_by_email(conn: &mut Conn, email: &str) -> Result<User> {
    Ok(users::table
        .filter(sql::<Text>("lower(users.email)").eq(email.trim().to_lowercase()))
        .select(User::as_select())
        .first(conn)
        .await?)
}

/// Stores a new confirmation token digest, replacing any earlier one.
pub async fn set_confirmation_token(
    conn: &mut Conn,
    user_id: i64,
    token_digest: &str,
) -> Result<User> {
    Ok(diesel::update(users::table.find(user_id))
        .set((
            users::confirmation_token_digest.eq(token_digest),
            users::confirmation_sent_at.eq(diesel::dsl::now),
        ))
        .returning(User::as_returning())
        .get_result(conn)
        .await?)
}

/// Confirms the user whose confirmation token has `token_digest`, if it was
/// sent less than `max_age_secs` ago: the address awaiting confirmation
/// becomes the e-mail, and the token is spent. NotFound otherwise.
pub async fn confirm_email(conn: &mut Conn, token_digest: &str, max_age_secs: i64) -> Result<User> {
    Ok(diesel::update(
        users::table
            .filter(users::confirmation_token_digest.eq(token_digest))
            .filter(
                users::confirmation_sent_at
                    .gt(Utc::now() - chrono::Duration::seconds(max_age_secs)),
            ),
    )
    .set((
        users::confirmed_at.eq(sql("coalesce(users.confirmed_at, now())")),
        users::email.eq(sql("coalesce(users.unconfirmed_email, users.email)")),
        users::unconfirmed_email.eq(None::<String>),
        users::confirmation_token_digest.eq(None::<String>),
        users::updated_at.eq(diesel::dsl::now),
    ))
    .returning(User::as_returning())
    .get_result(conn)
    .await?)
}

/// Stores a new password reset token digest, replacing any earlier one.
pub async fn set_reset_password_token(
    conn: &mut Conn,
    user_id: i64,
    token_digest: &str,
) -> Result<User> {
    Ok(diesel::update(users::table.find(user_id))
        .set((
            users::reset_password_token_digest.eq(token_digest),
            users::reset_password_sent_at.eq(diesel::dsl::now),
        ))
        .returning(User::as_returning())
        .get_result(conn)
        .await?)
}

/// The user whose password reset token has `token_digest`, if it was sent
/// less than `max_age_secs` ago. NotFound otherwise.
pub async fn get_user_by_reset_password_token(
    conn: &mut Conn,
    token_digest: &str,
    max_age_secs: i64,
) -> Result<User> {
    Ok(users::table
        .filter(users::reset_password_token_digest.eq(token_digest))
        .filter(
            users::reset_password_sent_at.gt(Utc::now() - chrono::Duration::seconds(max_age_secs)),
        )
        .select(User::as_select())
        .first(conn)
        .await?)
}

/// Sets a new password with a live reset token, spending the token in the
/// same statement so it works once. NotFound when the token is unknown,
/// spent or older than `max_age_secs`.
pub async fn reset_password(
    conn: &mut Conn,
    token_digest: &str,
    max_age_secs: i64,
    encrypted_password: &str,
) -> Result<User> {
    Ok(diesel::update(
        users::table
            .filter(users::reset_password_token_digest.eq(token_digest))
            .filter(
                users::reset_password_sent_at
                    .gt(Utc::now() - chrono::Duration::seconds(max_age_secs)),
            ),
    )
    .set((
        users::encrypted_password.eq(encrypted_password),
        users::reset_password_token_digest.eq(None::<String>),
        users::reset_password_sent_at.eq(None::<DateTime<Utc>>),
        users::updated_at.eq(diesel::dsl::now),
    ))
    .returning(User::as_returning())
    .get_result(conn)
    .await?)
}

/// The accounts of enabled users holding one of `roles` (the staff a
/// notification for holders of some permission goes to).
pub async fn list_account_ids_with_roles(
    conn: &mut Conn,
    roles: &[crate::models::Role],
) -> Result<Vec<i64>> {
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Ok(users::table
        .filter(users::role.eq_any(names))
        .filter(users::disabled.eq(false))
        .select(users::account_id)
        .order(users::account_id)
        .load(conn)
        .await?)
}
