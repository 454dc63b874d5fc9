//! Connection pool construction and the embedded migrations.
use std::time::Duration;

use diesel_async::pooled_connection::deadpool::{Object, Pool as DeadPool};
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::{AsyncConnection, AsyncMigrationHarness, AsyncPgConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::{Error, Result};

/// The connection type every query function takes.
pub type Conn = AsyncPgConnection;
/// A pool of PostgreSQL connections shared by a process.
pub type Pool = DeadPool<AsyncPgConnection>;
/// A connection checked out of the pool; derefs to [`Conn`].
pub type PooledConn = Object<AsyncPgConnection>;

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// Opening a connection (DNS, TCP, TLS, authentication) may take this long.
const CREATE_TIMEOUT: Duration = Duration::from_secs(5);
/// The check a pooled connection passes before reuse may take this long.
const RECYCLE_TIMEOUT: Duration = Duration::from_secs(5);
/// A caller waits this long for a free connection before getting an error.
const WAIT_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds a pool of at most `max_size` connections. Connections are opened
/// lazily, each by resolving the URL's host again, so a database that
/// restarted or moved is found again without restarting the process.
/// Before reuse every connection must answer `SELECT 1` (diesel-async's
/// default recycling check); one that does not is dropped and replaced.
/// Opening and checking are bounded by timeouts, so an unreachable
/// database surfaces as errors (503s) instead of stuck requests.
pub fn connect(database_url: &str, max_size: usize) -> Result<Pool> {
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(database_url);
    DeadPool::builder(manager)
        .max_size(max_size)
        .runtime(deadpool::Runtime::Tokio1)
        .create_timeout(Some(CREATE_TIMEOUT))
        .recycle_timeout(Some(RECYCLE_TIMEOUT))
        .wait_timeout(Some(WAIT_TIMEOUT))
        .build()
        .map_err(|e| Error::Pool(e.to_string()))
}

/// Takes a connection from the pool.
pub async fn get(pool: &Pool) -> Result<PooledConn> {
    pool.get().await.map_err(|e| Error::Pool(e.to_string()))
}

/// Applies every pending migration and returns the versions applied.
/// Safe to run while other processes serve traffic: migrations only add.
pub async fn run_migrations(database_url: &str) -> Result<Vec<String>> {
    let conn = AsyncPgConnection::establish(database_url)
        .await
        .map_err(|e| Error::Migration(e.to_string()))?;
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || {
        let _ = url;
        let mut harness = AsyncMigrationHarness::new(conn);
        harness
            .run_pending_migrations(MIGRATIONS)
            .map(|versions| versions.iter().map(|v| v.to_string()).collect())
            .map_err(|e| Error::Migration(e.to_string()))
    })
    .await
    .map_err(|e| Error::Migration(e.to_string()))?
}
