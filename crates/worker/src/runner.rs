//! One queue's apalis worker, restarted with backoff when its backend
//! fails (Redis restarted, moved or stalled), and given up, so the process
//! exits non-zero for its supervisor, once it has failed for longer than
//! FERRODON_WORKER_GIVE_UP_AFTER.
use std::time::{Duration, Instant};

use apalis::layers::WorkerBuilderExt;
use apalis::prelude::{BackendExt, Strategy, WorkerBuilder};
use deadpool_redis::redis;
use ferrodon_core::backoff::Backoff;
use ferrodon_core::jobs::{self, Queue};
use futures::channel::mpsc;
use futures::StreamExt;
use tokio::sync::watch;

use crate::handler::{handle, WorkerContext};

/// How often a worker looks for due jobs when nothing woke it (retries
/// coming due, a missed wake-up).
const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// A run that lasted this long counts as healthy: the failure clock restarts.
const HEALTHY_RUN: Duration = Duration::from_secs(30);

/// Runs `ctx.queue` until `shutdown` turns true (Ok) or the backend has
/// failed for too long (Err).
pub async fn run_queue(ctx: WorkerContext, shutdown: watch::Receiver<bool>) -> anyhow::Result<()> {
    let promoter = tokio::spawn(promote_due_jobs(ctx.clone(), shutdown.clone()));
    let result = supervise(ctx, shutdown).await;
    promoter.abort();
    result
}

/// Every half second, moves retries that came due to the active list (see
/// `jobs::queue::promote_due`); runs while the worker itself restarts.
async fn promote_due_jobs(ctx: WorkerContext, mut shutdown: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => return,
        }
        if let Err(e) = jobs::queue::promote_due(&ctx.state, ctx.queue).await {
            tracing::debug!(queue = ctx.queue.name(), error = %e, "could not promote due jobs");
        }
    }
}

async fn supervise(ctx: WorkerContext, mut shutdown: watch::Receiver<bool>) -> anyhow::Result<()> {
    let queue = ctx.queue;
    let give_up_after = ctx.state.config.worker_give_up_after;
    let mut failing_since: Option<Instant> = None;
    let mut backoff = Backoff::new(Duration::from_millis(250), Duration::from_secs(10));
    for generation in 0u64.. {
        if *shutdown.borrow() {
            return Ok(());
        }
        let started = Instant::now();
        let result = run_once(&ctx, generation, shutdown.clone()).await;
        match result {
            Ok(()) => return Ok(()),
            Err(e) => {
                if started.elapsed() >= HEALTHY_RUN {
                    failing_since = None;
                    backoff.reset();
                }
                let since = *failing_since.get_or_insert(started);
                ctx.metrics
                    .healthy
                    .store(false, std::sync::atomic::Ordering::Relaxed);
                if since.elapsed() >= give_up_after {
                    anyhow::bail!(
                        "the {} worker has failed for {:?}, giving up: {e}",
                        queue.name(),
                        since.elapsed()
                    );
                }
                // Once per outage at warn; the retries of the same outage at debug.
                if backoff.attempts() == 0 {
                    tracing::warn!(queue = queue.name(), error = %e, "worker stopped; restarting with backoff");
                } else {
                    tracing::debug!(queue = queue.name(), error = %e, attempt = backoff.attempts(), "worker restart failed");
                }
                tokio::select! {
                    _ = tokio::time::sleep(backoff.next_delay()) => {}
                    _ = shutdown.changed() => return Ok(()),
                }
            }
        }
    }
    Ok(())
}

/// A stream that yields whenever a job is pushed to the queue: a pub/sub
/// subscription on the queue's wake channel, forwarded through a channel of
/// one (wake-ups coalesce). It ends with the subscription.
async fn wake_ups(ctx: &WorkerContext) -> anyhow::Result<mpsc::Receiver<()>> {
    let client = redis::Client::open(ctx.state.config.redis_url.expose())?;
    let mut pubsub = tokio::time::timeout(
        ferrodon_core::state::REDIS_TIMEOUT,
        client.get_async_pubsub(),
    )
    .await??;
    pubsub
        .subscribe(jobs::queue::wake_channel(&ctx.state, ctx.queue))
        .await?;
    let (mut tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        let mut messages = pubsub.into_on_message();
        while messages.next().await.is_some() {
            if tx.try_send(()).is_err() && tx.is_closed() {
                break;
            }
        }
    });
    Ok(rx)
}

async fn run_once(
    ctx: &WorkerContext,
    generation: u64,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let queue: Queue = ctx.queue;
    let storage = jobs::queue::storage(&ctx.state, queue).await?;
    let wake = wake_ups(ctx).await?;
    let strategy = Strategy::new()
        .stream(wake.chain(futures::stream::pending()))
        .interval(POLL_INTERVAL);
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".into());
    let name = format!(
        "{host}-{}-{}-{generation}-{:04x}",
        std::process::id(),
        queue.name(),
        rand::random::<u16>()
    );
    let worker = WorkerBuilder::new(name)
        .backend(storage.poll_with_strategy(strategy))
        .data(ctx.clone())
        .concurrency(ctx.state.config.worker_concurrency)
        .build(handle);
    ctx.metrics
        .healthy
        .store(true, std::sync::atomic::Ordering::Relaxed);
    if generation == 0 {
        tracing::info!(queue = queue.name(), "worker running");
    } else {
        tracing::debug!(queue = queue.name(), generation, "worker running again");
    }
    let stop = async move {
        while !*shutdown.borrow() {
            if shutdown.changed().await.is_err() {
                break;
            }
        }
        Ok::<(), std::io::Error>(())
    };
    worker.run_until(stop).await?;
    Ok(())
}
