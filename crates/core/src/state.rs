//! The state every request handler, job and command shares.
use std::sync::Arc;
use std::time::Duration;

use deadpool_redis::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ferrodon_db::{Pool, PooledConn};
use tokio::sync::OnceCell;

use crate::{Config, Error, Result};

/// Configuration plus connection pools. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The loaded configuration.
    pub config: Arc<Config>,
    /// PostgreSQL pool.
    pub db: Pool,
    /// The read replica's pool, when REPLICA_DATABASE_URL or REPLICA_DB_HOST
    /// names one; see [`AppState::read_conn`].
    pub db_replica: Option<Pool>,
    /// Redis pool.
    pub redis: deadpool_redis::Pool,
    /// Where media files are stored.
    pub media: crate::storage::MediaStore,
    /// Outgoing HTTP clients (remote fetches are refused private addresses).
    pub http: crate::http_client::HttpClients,
    /// The IP blocks in memory (see [`crate::moderation::ip_blocks`]).
    pub ip_blocks: crate::ip_block_cache::IpBlockCache,
    /// One multiplexed, self-reconnecting Redis connection for the job
    /// queues, opened on first use.
    queue_conn: Arc<OnceCell<ConnectionManager>>,
}

/// How long a Redis command or connection attempt may take before it fails:
/// a stalled Redis must surface as errors, not as silently stuck workers.
pub const REDIS_TIMEOUT: Duration = Duration::from_secs(5);

impl AppState {
    /// Builds pools from the configuration. Connections open lazily, so this
    /// succeeds even while the database is still starting.
    pub fn new(config: Config) -> Result<Self> {
        let db = ferrodon_db::connect(config.database_url.expose(), config.db_pool)?;
        let db_replica = config
            .replica_database_url
            .as_ref()
            .map(|url| ferrodon_db::connect(url.expose(), config.db_pool))
            .transpose()?;
        let mut redis_config = deadpool_redis::Config::from_url(config.redis_url.expose());
        let mut pool_config = deadpool_redis::PoolConfig::default();
        pool_config.timeouts.wait = Some(REDIS_TIMEOUT);
        pool_config.timeouts.create = Some(REDIS_TIMEOUT);
        pool_config.timeouts.recycle = Some(REDIS_TIMEOUT);
        redis_config.pool = Some(pool_config);
        let redis = redis_config
            .create_pool(Some(deadpool_redis::Runtime::Tokio1))
            .map_err(|e| Error::Unavailable(format!("redis pool: {e}")))?;
        let base_url = config.base_url();
        let media = crate::storage::MediaStore::from_config(&config.media.storage, &base_url)
            .map_err(|e| Error::caused("media storage settings", e))?;
        let http = crate::http_client::HttpClients::new(&base_url, config.dev_allow_private_fetch)?;
        Ok(AppState {
            media,
            http,
            config: Arc::new(config),
            db,
            db_replica,
            redis,
            queue_conn: Arc::new(OnceCell::new()),
            ip_blocks: Default::default(),
        })
    }

    /// The queues' Redis connection (cheap to clone; reconnects by itself,
    /// and every command times out after [`REDIS_TIMEOUT`]).
    pub async fn queue_connection(&self) -> Result<ConnectionManager> {
        let conn = self
            .queue_conn
            .get_or_try_init(|| async {
                let client = deadpool_redis::redis::Client::open(self.config.redis_url.expose())?;
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(REDIS_TIMEOUT))
                    .set_response_timeout(Some(REDIS_TIMEOUT))
                    .set_number_of_retries(2);
                client.get_connection_manager_with_config(config).await
            })
            .await?;
        Ok(conn.clone())
    }

    /// A database connection from the pool.
    pub async fn conn(&self) -> Result<PooledConn> {
        Ok(ferrodon_db::pool::get(&self.db).await?)
    }

    /// A connection for read-only queries that may see data a moment old:
    /// from the read replica when one is configured and reachable, else from
    /// the primary (a replica that is down costs nothing but its timeout).
    pub async fn read_conn(&self) -> Result<PooledConn> {
        if let Some(replica) = &self.db_replica {
            match ferrodon_db::pool::get(replica).await {
                Ok(conn) => return Ok(conn),
                Err(e) => {
                    tracing::warn!(error = %e, "read replica unavailable, reading from the primary")
                }
            }
        }
        self.conn().await
    }

    /// A Redis connection from the pool.
    pub async fn redis(&self) -> Result<deadpool_redis::Connection> {
        Ok(self.redis.get().await?)
    }

    /// One field of Redis' `INFO <section>` (`used_memory`,
    /// `redis_version`), or None when Redis does not answer.
    pub async fn redis_info(&self, section: &str, field: &str) -> Option<String> {
        let mut conn = self.redis().await.ok()?;
        let info: String = deadpool_redis::redis::cmd("INFO")
            .arg(section)
            .query_async(&mut *conn)
            .await
            .ok()?;
        info.lines()
            .find_map(|line| line.strip_prefix(&format!("{field}:")))
            .map(|v| v.trim().to_owned())
    }

    /// A Redis key under this instance's namespace.
    pub fn redis_key(&self, key: &str) -> String {
        if self.config.redis_namespace.is_empty() {
            key.to_owned()
        } else {
            format!("{}:{key}", self.config.redis_namespace)
        }
    }
}

impl AppState {
    /// True when PostgreSQL answers a query and Redis answers PING.
    pub async fn is_healthy(&self) -> bool {
        let db_ok = match self.conn().await {
            Ok(mut conn) => ferrodon_db::queries::settings::ping(&mut conn)
                .await
                .is_ok(),
            Err(_) => false,
        };
        let redis_ok = match self.redis().await {
            Ok(mut conn) => deadpool_redis::redis::cmd("PING")
                .query_async::<String>(&mut *conn)
                .await
                .is_ok(),
            Err(_) => false,
        };
        db_ok && redis_ok
    }
}
