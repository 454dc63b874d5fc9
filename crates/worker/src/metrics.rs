//! Prometheus metrics of a worker process, and the small HTTP server that
//! serves them (`GET /metrics`) and a health check (`GET /health`) on
//! FERRODON_METRICS_PORT.
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ferrodon_core::jobs::metrics::{family, queue_label};
use ferrodon_core::jobs::{self, PeriodicTask, Queue};
use ferrodon_core::AppState;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Default)]
struct QueueCounters {
    processed: AtomicU64,
    failed: AtomicU64,
    dead: AtomicU64,
    busy_micros: AtomicU64,
}

/// Counters a worker process keeps.
pub struct Metrics {
    queues: HashMap<Queue, QueueCounters>,
    periodic_runs: HashMap<PeriodicTask, AtomicU64>,
    /// Whether this process holds the scheduler lease.
    pub leader: AtomicBool,
    /// Whether every queue worker of this process is running.
    pub healthy: AtomicBool,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            queues: Queue::ALL
                .into_iter()
                .map(|q| (q, QueueCounters::default()))
                .collect(),
            periodic_runs: PeriodicTask::ALL
                .into_iter()
                .map(|t| (t, AtomicU64::new(0)))
                .collect(),
            leader: AtomicBool::new(false),
            healthy: AtomicBool::new(true),
        }
    }
}

impl Metrics {
    /// One job finished (or failed) after `took`.
    pub fn record_job(&self, queue: Queue, took: Duration, ok: bool) {
        if let Some(c) = self.queues.get(&queue) {
            c.processed.fetch_add(1, Ordering::Relaxed);
            if !ok {
                c.failed.fetch_add(1, Ordering::Relaxed);
            }
            let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
            c.busy_micros.fetch_add(micros, Ordering::Relaxed);
        }
    }

    /// A job became a dead letter.
    pub fn record_dead(&self, queue: Queue) {
        if let Some(c) = self.queues.get(&queue) {
            c.dead.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// This process started a periodic task.
    pub fn record_periodic(&self, task: PeriodicTask) {
        if let Some(c) = self.periodic_runs.get(&task) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The Prometheus text exposition: this process's counters, and the
    /// depth and lag of `queues` read from Redis.
    pub async fn render(&self, state: &AppState, queues: &[Queue]) -> String {
        let mut out = String::new();
        let per_queue = |read: fn(&QueueCounters) -> u64| -> Vec<(String, u64)> {
            queues
                .iter()
                .filter_map(|q| Some((queue_label(*q), read(self.queues.get(q)?))))
                .collect()
        };
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        family(
            &mut out,
            "ferrodon_jobs_processed_total",
            "Jobs this process ran.",
            "counter",
            &per_queue(|c| c.processed.load(Ordering::Relaxed)),
        );
        family(
            &mut out,
            "ferrodon_jobs_failed_total",
            "Job attempts that failed.",
            "counter",
            &per_queue(|c| c.failed.load(Ordering::Relaxed)),
        );
        family(
            &mut out,
            "ferrodon_jobs_dead_total",
            "Jobs given up after their last attempt.",
            "counter",
            &per_queue(|c| c.dead.load(Ordering::Relaxed)),
        );
        family(
            &mut out,
            "ferrodon_jobs_busy_microseconds_total",
            "Time spent running jobs.",
            "counter",
            &per_queue(|c| c.busy_micros.load(Ordering::Relaxed)),
        );
        jobs::metrics::write_queue_gauges(&mut out, state, queues).await;
        let runs: Vec<(String, u64)> = PeriodicTask::ALL
            .iter()
            .filter_map(|t| {
                Some((
                    format!("task=\"{}\"", t.name()),
                    load(self.periodic_runs.get(t)?),
                ))
            })
            .collect();
        family(
            &mut out,
            "ferrodon_scheduler_runs_total",
            "Periodic tasks this process started.",
            "counter",
            &runs,
        );
        let leader = u64::from(self.leader.load(Ordering::Relaxed));
        family(
            &mut out,
            "ferrodon_scheduler_leader",
            "1 while this process holds the scheduler lease.",
            "gauge",
            &[(String::new(), leader)],
        );
        out
    }
}

/// Serves `/metrics` and `/health` on `port` until the process ends.
pub async fn serve(
    state: AppState,
    metrics: Arc<Metrics>,
    queues: Vec<Queue>,
    port: u16,
) -> std::io::Result<()> {
    let listener = TcpListener::bind((state.config.bind, port)).await?;
    tracing::info!(port, "metrics listening");
    loop {
        let (mut socket, _) = listener.accept().await?;
        let state = state.clone();
        let metrics = metrics.clone();
        let queues = queues.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 1024];
            let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buf)).await
            else {
                return;
            };
            let request = String::from_utf8_lossy(&buf[..n]);
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let (status, body) = match path {
                "/metrics" => ("200 OK", metrics.render(&state, &queues).await),
                "/health" if metrics.healthy.load(Ordering::Relaxed) => {
                    ("200 OK", "OK\n".to_owned())
                }
                "/health" => ("503 Service Unavailable", "worker stopped\n".to_owned()),
                _ => ("404 Not Found", "Not Found\n".to_owned()),
            };
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: text/plain; version=0.0.4\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
        });
    }
}
