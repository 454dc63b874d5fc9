//! Two-factor sign-in settings of users: the (encrypted) TOTP secret,
//! when it was turned on, the last step used, and recovery code digests.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::schema::user_two_factors;
use crate::{Conn, Result};

/// A user's two-factor row (pending while `enabled_at` is None).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = user_two_factors, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct UserTwoFactor {
    pub user_id: i64,
    pub otp_secret: String,
    pub enabled_at: Option<DateTime<Utc>>,
    pub last_used_step: i64,
    pub recovery_code_digests: Vec<String>,
    pub created_at: DateTime<Utc>,
}

/// The user's row, if any.
pub async fn find_two_factor(conn: &mut Conn, user_id: i64) -> Result<Option<UserTwoFactor>> {
    Ok(user_two_factors::table
        .find(user_id)
        .select(UserTwoFactor::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Whether the user signs in with a second factor.
pub async fn two_factor_enabled(conn: &mut Conn, user_id: i64) -> Result<bool> {
    let enabled: Option<Option<DateTime<Utc>>> = user_two_factors::table
        .find(user_id)
        .select(user_two_factors::enabled_at)
        .first(conn)
        .await
        .optional()?;
    Ok(matches!(enabled, Some(Some(_))))
}

/// Stores a new pending secret, replacing a pending one (never an enabled one).
pub async fn put_pending_secret(conn: &mut Conn, user_id: i64, secret: &str) -> Result<()> {
    diesel::delete(
        user_two_factors::table
            .find(user_id)
            .filter(user_two_factors::enabled_at.is_null()),
    )
    .execute(conn)
    .await?;
    diesel::insert_into(user_two_factors::table)
        .values((
            user_two_factors::user_id.eq(user_id),
            user_two_factors::otp_secret.eq(secret),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Turns a pending secret on, with the step just used and the recovery codes.
pub async fn enable_two_factor(
    conn: &mut Conn,
    user_id: i64,
    step: i64,
    recovery_code_digests: &[String],
) -> Result<bool> {
    let n = diesel::update(
        user_two_factors::table
            .find(user_id)
            .filter(user_two_factors::enabled_at.is_null()),
    )
    .set((
        user_two_factors::enabled_at.eq(diesel::dsl::now),
        user_two_factors::last_used_step.eq(step),
        user_two_factors::recovery_code_digests.eq(recovery_code_digests),
    ))
    .execute(conn)
    .await?;
    Ok(n > 0)
}

/// Records a used step unless a later or equal one was recorded meanwhile
/// (so one code signs in once); whether it was recorded.
pub async fn use_step(conn: &mut Conn, user_id: i64, step: i64) -> Result<bool> {
    let n = diesel::update(
        user_two_factors::table
            .find(user_id)
            .filter(user_two_factors::last_used_step.lt(step)),
    )
    .set(user_two_factors::last_used_step.eq(step))
    .execute(conn)
    .await?;
    Ok(n > 0)
}

/// Spends a recovery code; whether it was there.
pub async fn use_recovery_code(conn: &mut Conn, user_id: i64, digest: &str) -> Result<bool> {
    let n = diesel::update(
        user_two_factors::table
            .find(user_id)
            .filter(user_two_factors::enabled_at.is_not_null())
            .filter(user_two_factors::recovery_code_digests.contains(vec![digest.to_owned()])),
    )
    .set(
        user_two_factors::recovery_code_digests.eq(diesel::dsl::sql::<
            diesel::sql_types::Array<diesel::sql_types::Text>,
        >(
            "array_remove(recovery_code_digests, "
        )
        .bind::<diesel::sql_types::Text, _>(digest.to_owned())
        .sql(")")),
    )
    .execute(conn)
    .await?;
    Ok(n > 0)
}

/// Turns two-factor sign-in off.
pub async fn delete_two_factor(conn: &mut Conn, user_id: i64) -> Result<()> {
    diesel::delete(user_two_factors::table.find(user_id))
        .execute(conn)
        .await?;
    Ok(())
}
