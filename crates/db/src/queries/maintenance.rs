//! Clean-ups the scheduler runs periodically: rows that no request can use
//! any more.
use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::schema::{mutes, oauth_access_grants, oauth_access_tokens};
use crate::{Conn, Result};

/// Deletes authorization codes that expired or were used (revoked) more than
/// a day ago. Returns how many went.
pub async fn delete_stale_access_grants(conn: &mut Conn) -> Result<usize> {
    let cutoff = Utc::now() - Duration::days(1);
    Ok(diesel::delete(
        oauth_access_grants::table.filter(
            oauth_access_grants::expires_at
                .lt(cutoff)
                .or(oauth_access_grants::revoked_at.lt(cutoff)),
        ),
    )
    .execute(conn)
    .await?)
}

/// Deletes access tokens revoked more than `days` days ago.
pub async fn delete_revoked_access_tokens(conn: &mut Conn, days: i64) -> Result<usize> {
    let cutoff = Utc::now() - Duration::days(days);
    Ok(diesel::delete(
        oauth_access_tokens::table.filter(oauth_access_tokens::revoked_at.lt(cutoff)),
    )
    .execute(conn)
    .await?)
}

/// Deletes mutes whose duration has run out (read paths already ignore them).
pub async fn delete_expired_mutes(conn: &mut Conn) -> Result<usize> {
    Ok(
        diesel::delete(mutes::table.filter(mutes::expires_at.lt(diesel::dsl::now)))
            .execute(conn)
            .await?,
    )
}

/// How many mutes have run out and wait for [`delete_expired_mutes`].
pub async fn count_expired_mutes(conn: &mut Conn) -> Result<i64> {
    Ok(mutes::table
        .filter(mutes::expires_at.lt(diesel::dsl::now))
        .count()
        .get_result(conn)
        .await?)
}
