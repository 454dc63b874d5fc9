//! Prometheus metrics of a worker process, and the small HTTP server that
//! serves them (`GET /metrics`) and a health check (`GET /health`) on
//! FERRODON_METRICS_PORT.
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

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
        let mut stats = Vec::new();
        for q in queues {
            match jobs::queue::stats(state, *q).await {
                Ok(s) => stats.push((queue_label(*q), s)),
                Err(e) => tracing::warn!(error = %e, "could not read queue stats"),
            }
        }
        let gauge = |read: fn(&jobs::queue::QueueStats) -> u64| -> Vec<(String, u64)> {
            stats.iter().map(|(l, s)| (l.clone(), read(s))).collect()
        };
        family(
            &mut out,
            "ferrodon_queue_pending",
            "Jobs due and waiting for a worker.",
            "gauge",
            &gauge(|s| s.pending),
        );
        family(
            &mut out,
            "ferrodon_queue_scheduled",
            "Jobs waiting for a retry.",
            "gauge",
            &gauge(|s| s.scheduled),
        );
        family(
            &mut out,
            "ferrodon_queue_running",
            "Jobs being run.",
            "gauge",
            &gauge(|s| s.running),
        );
        family(
            &mut out,
            "ferrodon_queue_dead",
            "Dead letters kept.",
            "gauge",
            &gauge(|s| s.dead),
        );
        family(
            &mut out,
            "ferrodon_queue_latency_seconds",
            "Age of the oldest due job.",
            "gauge",
            &gauge(|s| s.latency_secs),
        );
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

fn queue_label(queue: Queue) -> String {
    format!("queue=\"{}\"", queue.name())
}

/// Writes one metric family: HELP, TYPE and a sample per label set.
fn family(out: &mut String, name: &str, help: &str, kind: &str, samples: &[(String, u64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    for (labels, value) in samples {
        if labels.is_empty() {
            let _ = writeln!(out, "{name} {value}");
        } else {
            let _ = writeln!(out, "{name}{{{labels}}} {value}");
        }
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
