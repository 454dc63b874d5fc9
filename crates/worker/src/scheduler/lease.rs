//! The scheduler's leadership lease: a Redis key holding the leader's id
//! with a time to live. The leader renews it well before it expires; a
//! standby takes it over once it lapses, so at most one scheduler acts at a
//! time and a dead leader is replaced within one lease period.
use std::time::Duration;

use deadpool_redis::redis::{self, aio::ConnectionLike};
use ferrodon_core::Result;

/// Renews the lease only while we still hold it.
const RENEW_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
";

/// Drops the lease only if we hold it.
const RELEASE_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// One process's claim on the scheduler lease.
#[derive(Debug, Clone)]
pub struct Lease {
    /// The Redis key.
    pub key: String,
    /// This process's id (host, pid and a random part).
    pub holder: String,
    /// How long a claim lasts without renewal.
    pub ttl: Duration,
}

impl Lease {
    /// A claim on `key` lasting `ttl` per renewal.
    pub fn new(key: String, ttl: Duration) -> Self {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
        let holder = format!(
            "{host}:{}:{:08x}",
            std::process::id(),
            rand::random::<u32>()
        );
        Lease { key, holder, ttl }
    }

    fn ttl_ms(&self) -> u64 {
        u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX)
    }

    /// Takes the lease if nobody holds it, or renews it if we do. Returns
    /// whether we hold it now.
    pub async fn acquire_or_renew<C: ConnectionLike + Send>(&self, conn: &mut C) -> Result<bool> {
        let renewed: i64 = redis::Script::new(RENEW_SCRIPT)
            .key(&self.key)
            .arg(&self.holder)
            .arg(self.ttl_ms())
            .invoke_async(conn)
            .await?;
        if renewed == 1 {
            return Ok(true);
        }
        let taken: Option<String> = redis::cmd("SET")
            .arg(&self.key)
            .arg(&self.holder)
            .arg("NX")
            .arg("PX")
            .arg(self.ttl_ms())
            .query_async(conn)
            .await?;
        Ok(taken.is_some())
    }

    /// Gives the lease up (on shutdown), so a standby takes over at once.
    pub async fn release<C: ConnectionLike + Send>(&self, conn: &mut C) -> Result<()> {
        let _: i64 = redis::Script::new(RELEASE_SCRIPT)
            .key(&self.key)
            .arg(&self.holder)
            .invoke_async(conn)
            .await?;
        Ok(())
    }
}
