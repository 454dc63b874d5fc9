//! The scheduler: elects one leader through a Redis lease and, while
//! leading, enqueues each periodic task once per interval onto the
//! `scheduler` queue. Operators may start several schedulers; all but one
//! stand by, and a standby takes over within one lease after the leader dies.
pub mod lease;
pub mod periodic;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use ferrodon_core::jobs::{self, Job, PeriodicTask};
use ferrodon_core::AppState;
use tokio::sync::watch;

use crate::metrics::Metrics;
use lease::Lease;
use periodic::Schedule;

/// The periodic tasks with their intervals: defaults, overridden by FERRODON_SCHEDULE.
pub fn schedules(state: &AppState) -> anyhow::Result<Vec<Schedule>> {
    for (name, _) in &state.config.schedule {
        if PeriodicTask::parse(name).is_none() {
            let known: Vec<&str> = PeriodicTask::ALL.iter().map(|t| t.name()).collect();
            anyhow::bail!(
                "FERRODON_SCHEDULE names an unknown task {name:?}; tasks are {}",
                known.join(", ")
            );
        }
    }
    Ok(PeriodicTask::ALL
        .into_iter()
        .map(|task| Schedule {
            task,
            every: state
                .config
                .schedule
                .iter()
                .find(|(name, _)| name == task.name())
                .map_or(
                    Duration::from_secs(task.default_interval_secs()),
                    |(_, d)| *d,
                ),
        })
        .collect())
}

/// Runs the election and the periodic tasks until `shutdown` turns true;
/// the lease is released on the way out so a standby takes over at once.
pub async fn run(
    state: AppState,
    metrics: Arc<Metrics>,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let schedules = schedules(&state)?;
    let lease = Lease::new(
        state.redis_key("scheduler:leader"),
        state.config.scheduler_lease,
    );
    // Renew three times per lease; check tasks at least once a second.
    let tick = (state.config.scheduler_lease / 3)
        .min(Duration::from_secs(1))
        .max(Duration::from_millis(100));
    let mut ticker = tokio::time::interval(tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tracing::info!(holder = %lease.holder, lease = ?lease.ttl, "scheduler started");
    let mut failing = false;
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = shutdown.changed() => break,
        }
        if *shutdown.borrow() {
            break;
        }
        match tick_once(&state, &metrics, &lease, &schedules).await {
            Ok(()) if failing => {
                failing = false;
                tracing::info!("scheduler recovered");
            }
            Ok(()) => {}
            Err(e) => {
                metrics.leader.store(false, Ordering::Relaxed);
                // Once per outage at warn; the next ticks retry quietly.
                if failing {
                    tracing::debug!(error = %e.chain(), "scheduler tick failed");
                } else {
                    tracing::warn!(error = %e.chain(), "scheduler tick failed; retrying every tick");
                    failing = true;
                }
            }
        }
    }
    if metrics.leader.load(Ordering::Relaxed) {
        if let Ok(mut conn) = state.queue_connection().await {
            let _ = lease.release(&mut conn).await;
        }
    }
    tracing::info!("scheduler stopped");
    Ok(())
}

async fn tick_once(
    state: &AppState,
    metrics: &Metrics,
    lease: &Lease,
    schedules: &[Schedule],
) -> ferrodon_core::Result<()> {
    let mut conn = state.queue_connection().await?;
    let leading = lease.acquire_or_renew(&mut conn).await?;
    let was_leading = metrics.leader.swap(leading, Ordering::Relaxed);
    if leading != was_leading {
        tracing::info!(holder = %lease.holder, leading, "scheduler leadership changed");
    }
    if !leading {
        return Ok(());
    }
    for schedule in schedules {
        let keys = [
            lease.key.clone(),
            state.redis_key(&periodic::last_run_key(schedule.task)),
            state.redis_key(&periodic::run_count_key(schedule.task)),
            state.redis_key(&periodic::history_key(schedule.task)),
        ];
        let keys = [
            keys[0].as_str(),
            keys[1].as_str(),
            keys[2].as_str(),
            keys[3].as_str(),
        ];
        if periodic::claim_if_due(&mut conn, keys, &lease.holder, schedule.every).await? {
            metrics.record_periodic(schedule.task);
            tracing::info!(task = schedule.task.name(), "periodic task due");
            jobs::enqueue(
                state,
                Job::Periodic {
                    task: schedule.task,
                },
            )
            .await?;
        }
    }
    Ok(())
}
