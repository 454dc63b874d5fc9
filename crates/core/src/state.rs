//! The state every request handler, job and command shares.
use std::sync::Arc;

use ferrodon_db::{Pool, PooledConn};

use crate::{Config, Error, Result};

/// Configuration plus connection pools. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The loaded configuration.
    pub config: Arc<Config>,
    /// PostgreSQL pool.
    pub db: Pool,
    /// Redis pool.
    pub redis: deadpool_redis::Pool,
}

impl AppState {
    /// Builds pools from the configuration. Connections open lazily, so this
    /// succeeds even while the database is still starting.
    pub fn new(config: Config) -> Result<Self> {
        let db = ferrodon_db::connect(config.database_url.expose(), config.db_pool)?;
        let redis = deadpool_redis::Config::from_url(config.redis_url.expose())
            .create_pool(Some(deadpool_redis::Runtime::Tokio1))
            .map_err(|e| Error::Unavailable(format!("redis pool: {e}")))?;
        Ok(AppState {
            config: Arc::new(config),
            db,
            redis,
        })
    }

    /// A database connection from the pool.
    pub async fn conn(&self) -> Result<PooledConn> {
        Ok(ferrodon_db::pool::get(&self.db).await?)
    }

    /// A Redis connection from the pool.
    pub async fn redis(&self) -> Result<deadpool_redis::Connection> {
        Ok(self.redis.get().await?)
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
