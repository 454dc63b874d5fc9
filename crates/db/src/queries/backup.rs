//! What `ferrodonctl backup` records about a database and checks after a
//! restore: the schema version and the row counts of the tables that hold
//! people's data.
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::QueryableByName;
use diesel_async::RunQueryDsl;

use crate::{Conn, Result};

/// Tables whose row counts a backup records and a restore compares.
pub const COUNTED_TABLES: &[&str] = &[
    "accounts",
    "users",
    "statuses",
    "follows",
    "follow_requests",
    "favourites",
    "bookmarks",
    "blocks",
    "mutes",
    "notifications",
    "media_attachments",
    "polls",
    "lists",
    "oauth_applications",
    "oauth_access_tokens",
];

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Nullable<Text>)]
    version: Option<String>,
}

/// Whether this database has Ferrodon's schema (an `accounts` table).
pub async fn has_schema(conn: &mut Conn) -> Result<bool> {
    let row: Count = diesel::sql_query(
        "SELECT count(*) AS count FROM pg_tables WHERE schemaname = 'public' AND tablename = 'accounts'",
    )
    .get_result(conn)
    .await?;
    Ok(row.count > 0)
}

/// The newest applied migration, if the database was ever migrated.
pub async fn schema_version(conn: &mut Conn) -> Result<Option<String>> {
    let exists: Count = diesel::sql_query(
        "SELECT count(*) AS count FROM pg_tables WHERE schemaname = 'public' \
         AND tablename = '__diesel_schema_migrations'",
    )
    .get_result(conn)
    .await?;
    if exists.count == 0 {
        return Ok(None);
    }
    let row: Version =
        diesel::sql_query("SELECT max(version) AS version FROM __diesel_schema_migrations")
            .get_result(conn)
            .await?;
    Ok(row.version)
}

/// Row counts of [`COUNTED_TABLES`], in that order.
pub async fn table_counts(conn: &mut Conn) -> Result<Vec<(String, i64)>> {
    let mut counts = Vec::with_capacity(COUNTED_TABLES.len());
    for table in COUNTED_TABLES {
        // The names are the constants above, never input.
        let row: Count = diesel::sql_query(format!("SELECT count(*) AS count FROM {table}"))
            .get_result(conn)
            .await?;
        counts.push(((*table).to_owned(), row.count));
    }
    Ok(counts)
}

/// Opens a read-only repeatable-read transaction on `conn` and exports its
/// snapshot, so that `pg_dump --snapshot` and the counts taken on `conn`
/// see the same database. End it with [`end_snapshot`].
pub async fn begin_snapshot(conn: &mut Conn) -> Result<String> {
    use diesel_async::SimpleAsyncConnection;
    #[derive(QueryableByName)]
    struct Snapshot {
        #[diesel(sql_type = Text)]
        id: String,
    }
    conn.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await?;
    let row: Snapshot = diesel::sql_query("SELECT pg_export_snapshot() AS id")
        .get_result(conn)
        .await?;
    Ok(row.id)
}

/// Ends the transaction [`begin_snapshot`] opened.
pub async fn end_snapshot(conn: &mut Conn) -> Result<()> {
    use diesel_async::SimpleAsyncConnection;
    conn.batch_execute("COMMIT").await?;
    Ok(())
}
