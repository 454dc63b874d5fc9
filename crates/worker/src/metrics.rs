//! Prometheus metrics of a worker process, and the small HTTP server that
//! serves them (`GET /metrics`) and its liveness (`/livez`) and readiness
//! (`/readyz`, alias `/health`) checks on FERRODON_METRICS_PORT.
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferrodon_core::jobs::metrics::{
    family, histogram_family, label_value, queue_label, write_pool_gauges, Histogram,
};
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
    /// Time from a job coming due to a worker starting it, per queue.
    waits: Mutex<HashMap<Queue, Histogram>>,
    /// Deliveries per (inbox domain, succeeded).
    deliveries: Mutex<HashMap<(String, bool), u64>>,
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
            waits: Mutex::default(),
            deliveries: Mutex::default(),
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

    /// A job started `waited` after it came due.
    pub fn record_wait(&self, queue: Queue, waited: Duration) {
        if let Ok(mut waits) = self.waits.lock() {
            waits.entry(queue).or_default().observe(waited);
        }
    }

    /// One delivery attempt to an inbox on `domain` ended.
    pub fn record_delivery(&self, domain: &str, ok: bool) {
        if let Ok(mut deliveries) = self.deliveries.lock() {
            *deliveries.entry((domain.to_owned(), ok)).or_default() += 1;
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
        let waits: Vec<(String, Histogram)> = match self.waits.lock() {
            Ok(waits) => queues
                .iter()
                .filter_map(|q| Some((queue_label(*q), waits.get(q)?.clone())))
                .collect(),
            Err(_) => Vec::new(),
        };
        histogram_family(
            &mut out,
            "ferrodon_job_wait_seconds",
            "Time from a job coming due (enqueued, or its retry due) to a worker starting it.",
            &waits,
        );
        let mut deliveries: Vec<(String, u64)> = match self.deliveries.lock() {
            Ok(d) => d
                .iter()
                .map(|((domain, ok), n)| {
                    let outcome = if *ok { "success" } else { "failure" };
                    let labels =
                        format!("domain=\"{}\",outcome=\"{outcome}\"", label_value(domain));
                    (labels, *n)
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        deliveries.sort();
        family(
            &mut out,
            "ferrodon_federation_deliveries_total",
            "ActivityPub deliveries attempted by this process, per inbox domain and outcome.",
            "counter",
            &deliveries,
        );
        write_pool_gauges(&mut out, state);
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

/// `/readyz`: every queue loop of the process runs, and PostgreSQL and
/// Redis answer.
async fn readiness(state: &AppState, metrics: &Metrics) -> (&'static str, String) {
    if !metrics.healthy.load(Ordering::Relaxed) {
        return ("503 Service Unavailable", "worker stopped\n".to_owned());
    }
    if !state.is_healthy().await {
        return (
            "503 Service Unavailable",
            "database or redis unavailable\n".to_owned(),
        );
    }
    ("200 OK", "OK\n".to_owned())
}

/// Serves `/metrics`, `/livez` (the process answers), `/readyz` (it can
/// work) and `/health` (the same as `/readyz`) on `port` until the process
/// ends.
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
                "/livez" => ("200 OK", "OK\n".to_owned()),
                "/readyz" | "/health" => readiness(&state, &metrics).await,
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
