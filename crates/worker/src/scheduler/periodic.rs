//! Periodic tasks and their intervals, and the check that decides a task is
//! due. The check runs as one Lua script that also verifies the caller
//! still holds the lease, so even two processes that both believe they lead
//! (a lease lapsing mid-tick) cannot run a task twice in one period.
use std::time::Duration;

use deadpool_redis::redis::{self, aio::ConnectionLike};
use ferrodon_core::jobs::PeriodicTask;
use ferrodon_core::Result;

/// Marks `task` run now if the caller holds the lease and the task's last
/// run is at least its interval ago, by Redis's clock (the schedulers'
/// clocks may disagree). KEYS: lease, last-run, run count, history.
/// ARGV: holder, interval (ms).
const DUE_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if now - last < tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[2], now)
redis.call('INCR', KEYS[3])
redis.call('LPUSH', KEYS[4], now)
redis.call('LTRIM', KEYS[4], 0, 99)
return 1
";

/// A periodic task with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// What runs.
    pub task: PeriodicTask,
    /// How often.
    pub every: Duration,
}

/// Redis keys (relative to the namespace) the scheduler keeps per task.
pub fn last_run_key(task: PeriodicTask) -> String {
    format!("scheduler:last:{}", task.name())
}

/// How many times the task has run, ever.
pub fn run_count_key(task: PeriodicTask) -> String {
    format!("scheduler:runs:{}", task.name())
}

/// The last 100 run times (ms since the epoch), newest first.
pub fn history_key(task: PeriodicTask) -> String {
    format!("scheduler:history:{}", task.name())
}

/// Whether the task is due now; if so, it is recorded as run.
pub async fn claim_if_due<C: ConnectionLike + Send>(
    conn: &mut C,
    keys: [&str; 4],
    holder: &str,
    every: Duration,
) -> Result<bool> {
    let claimed: i64 = redis::Script::new(DUE_SCRIPT)
        .key(keys[0])
        .key(keys[1])
        .key(keys[2])
        .key(keys[3])
        .arg(holder)
        .arg(u64::try_from(every.as_millis()).unwrap_or(u64::MAX))
        .invoke_async(conn)
        .await?;
    Ok(claimed == 1)
}
