//! Creating and dropping whole databases: for `scripts/up` and the test kit,
//! which gives every test its own database cloned from a migrated template.
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::{Error, Result};

fn quote_ident(name: &str) -> Result<String> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Error::Migration(format!("unsafe database name {name:?}")));
    }
    Ok(format!("\"{name}\""))
}

/// Opens a connection to an administrative database (e.g. `postgres`).
pub async fn connect_admin(admin_url: &str) -> Result<AsyncPgConnection> {
    AsyncPgConnection::establish(admin_url)
        .await
        .map_err(|e| Error::Pool(e.to_string()))
}

/// True when a database exists.
pub async fn database_exists(conn: &mut AsyncPgConnection, name: &str) -> Result<bool> {
    #[derive(QueryableByName)]
    struct Exists {
        #[diesel(sql_type = Bool)]
        exists: bool,
    }
    let row: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<Text, _>(name)
            .get_result(conn)
            .await?;
    Ok(row.exists)
}

/// Creates a database, optionally as a copy of `template`.
pub async fn create_database(
    conn: &mut AsyncPgConnection,
    name: &str,
    template: Option<&str>,
) -> Result<()> {
    let mut sql = format!("CREATE DATABASE {}", quote_ident(name)?);
    if let Some(t) = template {
        sql.push_str(&format!(" TEMPLATE {}", quote_ident(t)?));
    }
    diesel::sql_query(sql).execute(conn).await?;
    Ok(())
}

/// Renames a database.
pub async fn rename_database(conn: &mut AsyncPgConnection, from: &str, to: &str) -> Result<()> {
    diesel::sql_query(format!(
        "ALTER DATABASE {} RENAME TO {}",
        quote_ident(from)?,
        quote_ident(to)?
    ))
    .execute(conn)
    .await?;
    Ok(())
}

/// Drops a database, disconnecting its sessions.
pub async fn drop_database(conn: &mut AsyncPgConnection, name: &str) -> Result<()> {
    diesel::sql_query(format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        quote_ident(name)?
    ))
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes a session-level advisory lock (released when the connection closes).
pub async fn advisory_lock(conn: &mut AsyncPgConnection, key: i64) -> Result<()> {
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Releases an advisory lock taken with [`advisory_lock`].
pub async fn advisory_unlock(conn: &mut AsyncPgConnection, key: i64) -> Result<()> {
    diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Empties a database: drops its `public` schema with everything in it and
/// creates it anew, for a restore into a database that was migrated but
/// holds nothing (or is being replaced on purpose).
pub async fn reset_public_schema(database_url: &str) -> Result<()> {
    use diesel_async::SimpleAsyncConnection;
    let mut conn = connect_admin(database_url).await?;
    conn.batch_execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
        .await?;
    Ok(())
}
