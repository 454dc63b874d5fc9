//! Prometheus text exposition shared by every process: the metric-family
//! writer and the queue gauges read from Redis.
use std::fmt::Write as _;

use super::{queue, Queue};
use crate::AppState;

/// The label set of a queue.
pub fn queue_label(queue: Queue) -> String {
    format!("queue=\"{}\"", queue.name())
}

/// Writes one metric family: HELP, TYPE and a sample per label set (an
/// empty label set writes a bare sample).
pub fn family(out: &mut String, name: &str, help: &str, kind: &str, samples: &[(String, u64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    for (labels, value) in samples {
        if labels.is_empty() {
            let _ = writeln!(out, "{name} {value}");
        } else {
            let _ = writeln!(out, "{name}{{{labels}}} {value}");
        }
    }
}

/// Reads one figure of a queue's statistics.
type StatRead = fn(&queue::QueueStats) -> u64;

/// Depth, retries, running jobs, dead letters and lag of `queues`.
pub async fn write_queue_gauges(out: &mut String, state: &AppState, queues: &[Queue]) {
    let mut stats = Vec::new();
    for q in queues {
        match queue::stats(state, *q).await {
            Ok(s) => stats.push((queue_label(*q), s)),
            Err(e) => tracing::warn!(error = %e, "could not read queue stats"),
        }
    }
    let gauge = |read: StatRead| -> Vec<(String, u64)> {
        stats.iter().map(|(l, s)| (l.clone(), read(s))).collect()
    };
    let families: [(&str, &str, StatRead); 5] = [
        (
            "ferrodon_queue_pending",
            "Jobs due and waiting for a worker.",
            |s| s.pending,
        ),
        (
            "ferrodon_queue_scheduled",
            "Jobs waiting for a retry.",
            |s| s.scheduled,
        ),
        ("ferrodon_queue_running", "Jobs being run.", |s| s.running),
        ("ferrodon_queue_dead", "Dead letters kept.", |s| s.dead),
        (
            "ferrodon_queue_latency_seconds",
            "Age of the oldest due job.",
            |s| s.latency_secs,
        ),
    ];
    for (name, help, read) in families {
        family(out, name, help, "gauge", &gauge(read));
    }
}
