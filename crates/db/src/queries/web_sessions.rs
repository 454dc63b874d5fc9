//! Browser sessions of the server's own HTML pages.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::models::{Account, User};
use crate::schema::{accounts, users, web_sessions};
use crate::{Conn, Result};

/// A signed-in browser.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = web_sessions, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct WebSession {
    pub id: i64,
    pub user_id: i64,
    pub csrf_token: String,
    pub user_agent: String,
    pub ip: String,
    pub created_at: DateTime<Utc>,
    pub last_active_at: DateTime<Utc>,
}

/// What a new session is made of.
#[allow(missing_docs)]
pub struct NewWebSession<'a> {
    pub user_id: i64,
    pub token_digest: &'a str,
    pub csrf_token: &'a str,
    pub user_agent: &'a str,
    pub ip: &'a str,
}

/// Stores a new session.
pub async fn insert_web_session(conn: &mut Conn, new: NewWebSession<'_>) -> Result<WebSession> {
    Ok(diesel::insert_into(web_sessions::table)
        .values((
            web_sessions::user_id.eq(new.user_id),
            web_sessions::token_digest.eq(new.token_digest),
            web_sessions::csrf_token.eq(new.csrf_token),
            web_sessions::user_agent.eq(new.user_agent),
            web_sessions::ip.eq(new.ip),
        ))
        .returning(WebSession::as_returning())
        .get_result(conn)
        .await?)
}

/// The session whose cookie secret has this digest, with its user and account.
pub async fn find_web_session(
    conn: &mut Conn,
    token_digest: &str,
) -> Result<(WebSession, User, Account)> {
    Ok(web_sessions::table
        .inner_join(users::table.inner_join(accounts::table))
        .filter(web_sessions::token_digest.eq(token_digest))
        .select((
            WebSession::as_select(),
            User::as_select(),
            Account::as_select(),
        ))
        .first(conn)
        .await?)
}

/// Records activity on a session (and the address it came from).
pub async fn touch_web_session(conn: &mut Conn, id: i64, ip: &str) -> Result<()> {
    diesel::update(web_sessions::table.find(id))
        .set((
            web_sessions::last_active_at.eq(diesel::dsl::now),
            web_sessions::ip.eq(ip),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// A user's sessions, most recently active first.
pub async fn list_web_sessions(conn: &mut Conn, user_id: i64) -> Result<Vec<WebSession>> {
    Ok(web_sessions::table
        .filter(web_sessions::user_id.eq(user_id))
        .order(web_sessions::last_active_at.desc())
        .select(WebSession::as_select())
        .load(conn)
        .await?)
}

/// Ends one of a user's sessions; whether it existed.
pub async fn delete_web_session(conn: &mut Conn, user_id: i64, id: i64) -> Result<bool> {
    let n = diesel::delete(
        web_sessions::table
            .filter(web_sessions::id.eq(id))
            .filter(web_sessions::user_id.eq(user_id)),
    )
    .execute(conn)
    .await?;
    Ok(n > 0)
}

/// Ends every session of a user except `keep` (after a password change).
pub async fn delete_other_web_sessions(
    conn: &mut Conn,
    user_id: i64,
    keep: Option<i64>,
) -> Result<usize> {
    let mut query = diesel::delete(web_sessions::table)
        .filter(web_sessions::user_id.eq(user_id))
        .into_boxed();
    if let Some(keep) = keep {
        query = query.filter(web_sessions::id.ne(keep));
    }
    Ok(query.execute(conn).await?)
}

/// Forgets sessions idle since before `cutoff`.
pub async fn delete_idle_web_sessions(conn: &mut Conn, cutoff: DateTime<Utc>) -> Result<usize> {
    Ok(
        diesel::delete(web_sessions::table.filter(web_sessions::last_active_at.lt(cutoff)))
            .execute(conn)
            .await?,
    )
}
