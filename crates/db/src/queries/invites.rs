//! Invitations to sign up: a code a user hands out, with a use limit,
//! an expiry and the option of following the inviter.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::schema::invites;
use crate::{Conn, Result};

/// An invite.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invites, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Invite {
    pub id: i64,
    pub user_id: i64,
    pub code: String,
    pub max_uses: Option<i32>,
    pub uses: i32,
    pub expires_at: Option<DateTime<Utc>>,
    pub autofollow: bool,
    pub created_at: DateTime<Utc>,
}

impl Invite {
    /// Whether the code may still be used at `now`.
    pub fn is_valid(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|at| at > now) && self.max_uses.is_none_or(|max| self.uses < max)
    }
}

/// What a new invite is made of.
#[allow(missing_docs)]
pub struct NewInvite<'a> {
    pub user_id: i64,
    pub code: &'a str,
    pub max_uses: Option<i32>,
    pub expires_at: Option<DateTime<Utc>>,
    pub autofollow: bool,
}

/// Stores a new invite.
pub async fn insert_invite(conn: &mut Conn, new: NewInvite<'_>) -> Result<Invite> {
    Ok(diesel::insert_into(invites::table)
        .values((
            invites::user_id.eq(new.user_id),
            invites::code.eq(new.code),
            invites::max_uses.eq(new.max_uses),
            invites::expires_at.eq(new.expires_at),
            invites::autofollow.eq(new.autofollow),
        ))
        .returning(Invite::as_returning())
        .get_result(conn)
        .await?)
}

/// The invite with this code.
pub async fn find_invite_by_code(conn: &mut Conn, code: &str) -> Result<Invite> {
    Ok(invites::table
        .filter(invites::code.eq(code))
        .select(Invite::as_select())
        .first(conn)
        .await?)
}

/// A user's invites, newest first.
pub async fn list_invites(conn: &mut Conn, user_id: i64) -> Result<Vec<Invite>> {
    Ok(invites::table
        .filter(invites::user_id.eq(user_id))
        .order(invites::id.desc())
        .select(Invite::as_select())
        .load(conn)
        .await?)
}

/// Counts one use of a still-valid invite, atomically; false when it has
/// expired or reached its limit meanwhile.
pub async fn use_invite(conn: &mut Conn, id: i64) -> Result<bool> {
    let n = diesel::update(
        invites::table
            .filter(invites::id.eq(id))
            .filter(
                invites::expires_at
                    .is_null()
                    .or(invites::expires_at.gt(diesel::dsl::now)),
            )
            .filter(
                invites::max_uses
                    .is_null()
                    .or(invites::max_uses.gt(invites::uses.nullable())),
            ),
    )
    .set(invites::uses.eq(invites::uses + 1))
    .execute(conn)
    .await?;
    Ok(n > 0)
}

/// Expires one of a user's invites now; whether it existed.
pub async fn expire_invite(conn: &mut Conn, user_id: i64, id: i64) -> Result<bool> {
    let n = diesel::update(
        invites::table
            .filter(invites::id.eq(id))
            .filter(invites::user_id.eq(user_id)),
    )
    .set(invites::expires_at.eq(diesel::dsl::now))
    .execute(conn)
    .await?;
    Ok(n > 0)
}
