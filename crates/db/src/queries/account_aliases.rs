//! A local account's aliases (`alsoKnownAs`).
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::ids::AccountId;
use crate::schema::account_aliases;
use crate::{Conn, Result};

/// One alias.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = account_aliases, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct AccountAlias {
    pub id: i64,
    pub account_id: i64,
    pub acct: String,
    pub uri: String,
    pub created_at: DateTime<Utc>,
}

/// An account's aliases, oldest first.
pub async fn list_aliases(conn: &mut Conn, account_id: i64) -> Result<Vec<AccountAlias>> {
    Ok(account_aliases::table
        .filter(account_aliases::account_id.eq(account_id))
        .order(account_aliases::id.asc())
        .select(AccountAlias::as_select())
        .load(conn)
        .await?)
}

/// Adds an alias (nothing when it is there already).
pub async fn put_alias(conn: &mut Conn, account_id: i64, acct: &str, uri: &str) -> Result<()> {
    diesel::insert_into(account_aliases::table)
        .values((
            account_aliases::account_id.eq(account_id),
            account_aliases::acct.eq(acct),
            account_aliases::uri.eq(uri),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes one of an account's aliases; whether it existed.
pub async fn delete_alias(conn: &mut Conn, account_id: AccountId, id: i64) -> Result<bool> {
    let n = diesel::delete(
        account_aliases::table
            .filter(account_aliases::account_id.eq(account_id))
            .filter(account_aliases::id.eq(id)),
    )
    .execute(conn)
    .await?;
    Ok(n > 0)
}
