//! Enqueueing, inspecting and cleaning the apalis-redis queues.
//!
//! Keys, under `{REDIS_NAMESPACE:}queue:NAME`, are apalis-redis's own
//! (`:scheduled`, `:active`, `:data`, `:meta:ID`, `:done`, `:inflight:WORKER`,
//! `:workers`) plus two of ours: `:wake`, a pub/sub channel that wakes idle
//! workers as soon as a job is pushed (apalis-redis only polls), and
//! `:dead_letters`, the list of jobs that failed every attempt. The one
//! key apalis-redis does not derive from the queue name is kept under the
//! namespace too ([`super::namespaced`]).
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use apalis::prelude::{TaskBuilder, TaskSink};
use apalis_redis::{Config as QueueConfig, RedisStorage};
use deadpool_redis::redis::{self, aio::ConnectionLike};
use serde::{Deserialize, Serialize};

use super::namespaced::QueueConnection;
use super::{retry, Job, Queue};
use crate::backoff::Backoff;
use crate::{AppState, Error, Result};

/// A job with its delivery record: what the queue carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// The work.
    pub job: Job,
    /// How many attempts failed before this one.
    #[serde(default)]
    pub failures: u32,
    /// The last failure, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When it came (or comes) due, in milliseconds since the Unix epoch;
    /// stamped on enqueueing, for the queue-latency metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at_ms: Option<u64>,
}

impl Envelope {
    /// A job that has not been tried yet.
    pub fn new(job: Job) -> Self {
        Envelope {
            job,
            failures: 0,
            last_error: None,
            due_at_ms: None,
        }
    }

    /// How long ago it came due (zero when unknown or not yet).
    pub fn waited(&self) -> Duration {
        let now = epoch_ms(SystemTime::now());
        Duration::from_millis(self.due_at_ms.map_or(0, |due| now.saturating_sub(due)))
    }

    fn due_at(&self, due: SystemTime) -> Envelope {
        Envelope {
            due_at_ms: Some(epoch_ms(due)),
            ..self.clone()
        }
    }
}

fn epoch_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A job that failed every attempt, as kept in the dead letters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// The job and its failures.
    pub envelope: Envelope,
    /// When it was given up (RFC 3339).
    pub failed_at: String,
}

/// The apalis queue name of a queue.
pub fn queue_name(state: &AppState, queue: Queue) -> String {
    state.redis_key(&format!("queue:{}", queue.name()))
}

/// The pub/sub channel that wakes a queue's workers.
pub fn wake_channel(state: &AppState, queue: Queue) -> String {
    format!("{}:wake", queue_name(state, queue))
}

/// The list of a queue's dead jobs, newest first.
pub fn dead_letters_key(state: &AppState, queue: Queue) -> String {
    format!("{}:dead_letters", queue_name(state, queue))
}

/// apalis-redis settings for a queue: workers heartbeat every 5 s, and the
/// jobs of a worker silent for 30 s are handed to another (its in-flight set
/// is what that relies on). Task locks are off: taking one runs an `LREM`
/// over the whole waiting list per job, which made a 100k-job backlog drain
/// at 1k jobs/s, and nothing of ours reads them. Completion events are off:
/// nobody subscribes to them.
pub fn queue_config(state: &AppState, queue: Queue) -> QueueConfig {
    QueueConfig::default()
        .queue(queue_name(state, queue))
        .heartbeat_interval(Duration::from_secs(5))
        .missed_heartbeats(6)
        .batch_size(50)
        .lock_tasks(false)
        .emit_events(false)
}

/// A storage handle for a queue, on a connection that keeps apalis-redis's
/// fixed keys under `REDIS_NAMESPACE`.
pub async fn storage(
    state: &AppState,
    queue: Queue,
) -> Result<RedisStorage<Envelope, QueueConnection>> {
    let conn = QueueConnection::new(state.queue_connection().await?, |k| state.redis_key(k));
    Ok(RedisStorage::new(conn).with_config(queue_config(state, queue)))
}

fn push_error(e: impl std::fmt::Display) -> Error {
    Error::Unavailable(format!("queue: {e}"))
}

/// How long a producer keeps trying to queue a job while Redis is
/// unreachable (restarting, failing over) before it gives up.
const ENQUEUE_PATIENCE: Duration = Duration::from_secs(15);

/// Queues a job to run as soon as a worker is free. While Redis is
/// unreachable it retries with backoff for up to [`ENQUEUE_PATIENCE`]: the
/// caller has usually committed the change the job acts on already, so a
/// Redis restart must not drop the job.
pub async fn enqueue(state: &AppState, job: Job) -> Result<()> {
    let started = std::time::Instant::now();
    let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
    loop {
        match enqueue_at(state, Envelope::new(job.clone()), None).await {
            Err(Error::Unavailable(e)) if started.elapsed() < ENQUEUE_PATIENCE => {
                if backoff.attempts() == 0 {
                    tracing::warn!(kind = job.kind(), error = %e, "could not queue a job; retrying");
                }
                tokio::time::sleep(backoff.next_delay()).await;
            }
            Ok(()) if backoff.attempts() > 0 => {
                tracing::info!(
                    kind = job.kind(),
                    attempts = backoff.attempts() + 1,
                    "queued the job after retrying"
                );
                return Ok(());
            }
            other => return other,
        }
    }
}

/// Queues an envelope, after `delay` if given (whole seconds, rounded up:
/// apalis-redis schedules by the second).
pub async fn enqueue_at(
    state: &AppState,
    envelope: Envelope,
    delay: Option<Duration>,
) -> Result<()> {
    let queue = envelope.job.queue();
    let Some(delay) = delay else {
        return push_now(state, queue, std::slice::from_ref(&envelope)).await;
    };
    let mut storage = storage(state, queue).await?;
    let due = SystemTime::now() + delay;
    let secs = due
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() + u64::from(d.subsec_nanos() > 0));
    let task = TaskBuilder::new(envelope.due_at(due))
        .run_at_timestamp(secs)
        .build();
    storage.push_task(task).await.map_err(push_error)?;
    Ok(())
}

/// Queues many jobs of one queue in one round trip (benchmarks, rebuilds).
pub async fn enqueue_many(state: &AppState, queue: Queue, jobs: Vec<Job>) -> Result<()> {
    let envelopes: Vec<Envelope> = jobs.into_iter().map(Envelope::new).collect();
    push_now(state, queue, &envelopes).await
}

/// Pushes jobs that are due now straight onto the queue's active list, in
/// one MULTI/EXEC, writing the same data and metadata apalis-redis's own
/// push writes. apalis-redis puts even immediate jobs into its scheduled
/// set, and its fetch script promotes every due id there with one Lua
/// `unpack`, which fails past about 8,000 ids: a backlog that size would
/// stop the queue for good. Going straight to the active list avoids that.
async fn push_now(state: &AppState, queue: Queue, envelopes: &[Envelope]) -> Result<()> {
    if envelopes.is_empty() {
        return Ok(());
    }
    let config = queue_config(state, queue);
    let mut pipe = redis::pipe();
    pipe.atomic();
    let now = SystemTime::now();
    for envelope in envelopes {
        let id = ulid::Ulid::generate().to_string();
        let json = serde_json::to_vec(&envelope.due_at(now))
            .map_err(|e| Error::caused("encoding a job", e))?;
        pipe.cmd("HSET")
            .arg(config.job_data_hash())
            .arg(&id)
            .arg(json)
            .ignore()
            .cmd("HSET")
            .arg(format!("{}:{id}", config.job_meta_hash()))
            .arg("attempts")
            .arg(0)
            .arg("max_attempts")
            .arg(25)
            .arg("status")
            .arg("Pending")
            .arg("idempotency_key")
            .arg("")
            .ignore()
            .cmd("RPUSH")
            .arg(config.active_jobs_list())
            .arg(&id)
            .ignore();
    }
    let mut conn = state.queue_connection().await?;
    pipe.query_async::<()>(&mut conn).await?;
    wake(state, queue).await
}

/// Moves up to ARGV[1] due ids from the scheduled set to the active list,
/// by Redis's clock.
const PROMOTE_SCRIPT: &str = r"
local t = redis.call('TIME')
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], 0, t[1], 'LIMIT', 0, tonumber(ARGV[1]))
if #ids > 0 then
  redis.call('RPUSH', KEYS[2], unpack(ids))
  redis.call('ZREM', KEYS[1], unpack(ids))
end
return #ids
";
const PROMOTE_BATCH: usize = 1000;

/// Moves retries that came due onto the active list in batches, so the
/// scheduled set never holds more due ids than apalis-redis's fetch can
/// promote (see [`push_now`]). Workers run this every half second; it also
/// mends a queue that a backlog already blocked. Returns how many moved.
pub async fn promote_due(state: &AppState, queue: Queue) -> Result<usize> {
    let config = queue_config(state, queue);
    let mut conn = state.queue_connection().await?;
    let script = redis::Script::new(PROMOTE_SCRIPT);
    let mut moved = 0;
    loop {
        let n: usize = script
            .key(config.scheduled_jobs_set())
            .key(config.active_jobs_list())
            .arg(PROMOTE_BATCH)
            .invoke_async(&mut conn)
            .await?;
        moved += n;
        if n < PROMOTE_BATCH {
            return Ok(moved);
        }
    }
}

/// Tells idle workers of `queue` that jobs are waiting.
async fn wake(state: &AppState, queue: Queue) -> Result<()> {
    let mut conn = state.queue_connection().await?;
    let _: i64 = redis::cmd("PUBLISH")
        .arg(wake_channel(state, queue))
        .arg(1)
        .query_async(&mut conn)
        .await?;
    Ok(())
}

/// A failed attempt: queued again with backoff, or, after
/// `FERRODON_JOB_MAX_ATTEMPTS`,
/// kept as a dead letter. Returns the delay when it was requeued.
pub async fn record_failure(
    state: &AppState,
    mut envelope: Envelope,
    error: String,
) -> Result<Option<Duration>> {
    envelope.failures = envelope.failures.saturating_add(1);
    envelope.last_error = Some(error);
    if envelope.failures < state.config.job_max_attempts {
        let delay = retry::backoff_random(state.config.job_retry_base, envelope.failures);
        enqueue_at(state, envelope, Some(delay)).await?;
        return Ok(Some(delay));
    }
    let queue = envelope.job.queue();
    let letter = DeadLetter {
        envelope,
        failed_at: chrono::Utc::now().to_rfc3339(),
    };
    let json =
        serde_json::to_string(&letter).map_err(|e| Error::caused("encoding a dead letter", e))?;
    let key = dead_letters_key(state, queue);
    let mut conn = state.queue_connection().await?;
    redis::pipe()
        .cmd("LPUSH")
        .arg(&key)
        .arg(json)
        .ignore()
        .cmd("LTRIM")
        .arg(&key)
        .arg(0)
        .arg(retry::DEAD_KEEP - 1)
        .ignore()
        .query_async::<()>(&mut conn)
        .await?;
    Ok(None)
}

/// Counts of one queue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QueueStats {
    /// The queue.
    pub queue: String,
    /// Due now, waiting for a worker.
    pub pending: u64,
    /// Due later (retries with backoff).
    pub scheduled: u64,
    /// Taken by a worker, not finished.
    pub running: u64,
    /// Finished and not yet vacuumed.
    pub done: u64,
    /// Failed every attempt.
    pub dead: u64,
    /// Workers registered on the queue.
    pub workers: u64,
    /// Age in seconds of the oldest due job (0 when none): the queue's lag.
    pub latency_secs: u64,
}

async fn redis_now<C: ConnectionLike + Send>(conn: &mut C) -> Result<u64> {
    let (secs, _micros): (u64, u64) = redis::cmd("TIME").query_async(conn).await?;
    Ok(secs)
}

/// Counts of a queue, read straight from its Redis keys (apalis-redis 1.0's
/// own statistics scripts read the wrong keys).
pub async fn stats(state: &AppState, queue: Queue) -> Result<QueueStats> {
    let config = queue_config(state, queue);
    let mut conn = state.queue_connection().await?;
    let now = redis_now(&mut conn).await?;
    let workers: Vec<String> = redis::cmd("ZRANGE")
        .arg(config.workers_set())
        .arg(0)
        .arg(-1)
        .query_async(&mut conn)
        .await?;
    let mut pipe = redis::pipe();
    pipe.cmd("ZCOUNT")
        .arg(config.scheduled_jobs_set())
        .arg("-inf")
        .arg(now)
        .cmd("ZCOUNT")
        .arg(config.scheduled_jobs_set())
        .arg(format!("({now}"))
        .arg("+inf")
        .cmd("LLEN")
        .arg(config.active_jobs_list())
        .cmd("SCARD")
        .arg(config.done_jobs_set())
        .cmd("LLEN")
        .arg(dead_letters_key(state, queue))
        .cmd("ZRANGE")
        .arg(config.scheduled_jobs_set())
        .arg(0)
        .arg(0)
        .arg("WITHSCORES");
    for worker in &workers {
        pipe.cmd("SCARD")
            .arg(format!("{}:{worker}", config.inflight_jobs_set()));
    }
    let values: Vec<redis::Value> = pipe.query_async(&mut conn).await?;
    let count = |i: usize| -> u64 {
        values
            .get(i)
            .and_then(|v| redis::from_redis_value_ref(v).ok())
            .unwrap_or(0)
    };
    let (due, later, active, done, dead) = (count(0), count(1), count(2), count(3), count(4));
    let oldest: Vec<(String, f64)> = values
        .get(5)
        .and_then(|v| redis::from_redis_value_ref(v).ok())
        .unwrap_or_default();
    let running: u64 = (6..values.len()).map(count).sum();
    let oldest_due = oldest
        .first()
        .map(|(_, score)| *score as u64)
        .filter(|at| *at <= now);
    Ok(QueueStats {
        queue: queue.name().to_owned(),
        pending: due + active,
        scheduled: later,
        running,
        done,
        dead,
        workers: workers.len() as u64,
        latency_secs: oldest_due.map_or(0, |at| now.saturating_sub(at)),
    })
}

/// Deletes the data of finished jobs (apalis-redis keeps it forever) and
/// forgets workers that have not sent a heartbeat for a day. Returns how
/// many jobs were removed. Jobs waiting for a retry are never touched:
/// they are new jobs of ours, not failed apalis tasks.
pub async fn vacuum(state: &AppState) -> Result<u64> {
    let mut removed = 0u64;
    let mut conn = state.queue_connection().await?;
    for queue in Queue::ALL {
        let config = queue_config(state, queue);
        let done_key = config.done_jobs_set();
        loop {
            let ids: Vec<String> = redis::cmd("SRANDMEMBER")
                .arg(&done_key)
                .arg(500)
                .query_async(&mut conn)
                .await?;
            if ids.is_empty() {
                break;
            }
            let mut pipe = redis::pipe();
            pipe.cmd("HDEL")
                .arg(config.job_data_hash())
                .arg(&ids)
                .ignore();
            for id in &ids {
                pipe.cmd("DEL")
                    .arg(format!("{}:{id}", config.job_meta_hash()))
                    .ignore();
            }
            pipe.cmd("SREM").arg(&done_key).arg(&ids).ignore();
            pipe.query_async::<()>(&mut conn).await?;
            removed += ids.len() as u64;
        }
        let now = redis_now(&mut conn).await?;
        let stale: Vec<String> = redis::cmd("ZRANGEBYSCORE")
            .arg(config.workers_set())
            .arg("-inf")
            .arg(now.saturating_sub(86_400))
            .query_async(&mut conn)
            .await?;
        for worker in stale {
            let inflight = format!("{}:{worker}", config.inflight_jobs_set());
            let running: u64 = redis::cmd("SCARD")
                .arg(&inflight)
                .query_async(&mut conn)
                .await?;
            if running == 0 {
                redis::pipe()
                    .cmd("ZREM")
                    .arg(config.workers_set())
                    .arg(&worker)
                    .ignore()
                    .cmd("DEL")
                    .arg(format!("{}:workers:metadata:{worker}", config.queue))
                    .ignore()
                    .query_async::<()>(&mut conn)
                    .await?;
            }
        }
    }
    Ok(removed)
}

/// The newest `limit` dead letters of a queue.
pub async fn list_dead(state: &AppState, queue: Queue, limit: isize) -> Result<Vec<DeadLetter>> {
    let mut conn = state.queue_connection().await?;
    let raw: Vec<String> = redis::cmd("LRANGE")
        .arg(dead_letters_key(state, queue))
        .arg(0)
        .arg(limit.max(1) - 1)
        .query_async(&mut conn)
        .await?;
    Ok(raw
        .iter()
        .filter_map(|r| serde_json::from_str(r).ok())
        .collect())
}

/// Queues every dead letter of a queue again, with its attempts reset.
/// Returns how many were queued.
pub async fn retry_dead(state: &AppState, queue: Queue) -> Result<u64> {
    let key = dead_letters_key(state, queue);
    let mut retried = 0;
    loop {
        let mut conn = state.queue_connection().await?;
        let raw: Option<String> = redis::cmd("RPOP").arg(&key).query_async(&mut conn).await?;
        let Some(raw) = raw else { break };
        match serde_json::from_str::<DeadLetter>(&raw) {
            Ok(letter) => {
                enqueue(state, letter.envelope.job).await?;
                retried += 1;
            }
            Err(e) => tracing::warn!(error = %e, "dropping an unreadable dead letter"),
        }
    }
    Ok(retried)
}

/// What [`clear`] removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClearWhat {
    /// Jobs waiting to run (due now or scheduled).
    Pending,
    /// Dead letters.
    Dead,
}

/// Removes a queue's pending jobs or its dead letters. Returns how many.
pub async fn clear(state: &AppState, queue: Queue, what: ClearWhat) -> Result<u64> {
    let config = queue_config(state, queue);
    let mut conn = state.queue_connection().await?;
    match what {
        ClearWhat::Dead => {
            let key = dead_letters_key(state, queue);
            let n: u64 = redis::cmd("LLEN").arg(&key).query_async(&mut conn).await?;
            let _: i64 = redis::cmd("DEL").arg(&key).query_async(&mut conn).await?;
            Ok(n)
        }
        ClearWhat::Pending => {
            let mut ids: Vec<String> = redis::cmd("ZRANGE")
                .arg(config.scheduled_jobs_set())
                .arg(0)
                .arg(-1)
                .query_async(&mut conn)
                .await?;
            let active: Vec<String> = redis::cmd("LRANGE")
                .arg(config.active_jobs_list())
                .arg(0)
                .arg(-1)
                .query_async(&mut conn)
                .await?;
            ids.extend(active);
            let mut pipe = redis::pipe();
            pipe.cmd("DEL")
                .arg(config.scheduled_jobs_set())
                .arg(config.active_jobs_list())
                .ignore();
            for chunk in ids.chunks(500) {
                pipe.cmd("HDEL")
                    .arg(config.job_data_hash())
                    .arg(chunk)
                    .ignore();
                for id in chunk {
                    pipe.cmd("DEL")
                        .arg(format!("{}:{id}", config.job_meta_hash()))
                        .ignore();
                }
            }
            pipe.query_async::<()>(&mut conn).await?;
            Ok(ids.len() as u64)
        }
    }
}
