//! Prometheus text exposition shared by every process: the metric-family
//! writer and the queue gauges read from Redis.
use std::fmt::Write as _;

use super::{queue, Queue};
use crate::telemetry::LogThrottle;
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
            Err(e) => {
                static THROTTLE: LogThrottle = LogThrottle::per_secs(60);
                if THROTTLE.allow() {
                    tracing::warn!(error = %e, "could not read queue stats (repeats for 60 s at debug)");
                } else {
                    tracing::debug!(error = %e, "could not read queue stats");
                }
            }
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

/// Size, idle connections, waiters and limit of the process's PostgreSQL
/// and Redis pools.
pub fn write_pool_gauges(out: &mut String, state: &AppState) {
    let db = state.db.status();
    let redis = state.redis.status();
    let pools = [("database", db), ("redis", redis)];
    type PoolRead = fn(&deadpool_redis::Status) -> usize;
    let families: [(&str, &str, PoolRead); 4] = [
        (
            "ferrodon_pool_connections",
            "Open connections per pool.",
            |s| s.size,
        ),
        (
            "ferrodon_pool_idle_connections",
            "Idle connections per pool.",
            |s| s.available,
        ),
        (
            "ferrodon_pool_waiting",
            "Callers waiting for a connection per pool.",
            |s| s.waiting,
        ),
        ("ferrodon_pool_max_connections", "Pool size limit.", |s| {
            s.max_size
        }),
    ];
    for (name, help, read) in families {
        let samples: Vec<(String, u64)> = pools
            .iter()
            .map(|(pool, status)| (format!("pool=\"{pool}\""), read(status) as u64))
            .collect();
        family(out, name, help, "gauge", &samples);
    }
}

/// Upper bounds (seconds) of the latency histograms' buckets.
pub const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// A Prometheus histogram of durations with the [`BUCKETS`] bounds.
#[derive(Debug, Default, Clone)]
pub struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    /// Records one observation.
    pub fn observe(&mut self, took: std::time::Duration) {
        let secs = took.as_secs_f64();
        for (bound, count) in BUCKETS.iter().zip(self.counts.iter_mut()) {
            if secs <= *bound {
                *count += 1;
            }
        }
        self.count += 1;
        self.sum += secs;
    }

    /// Writes the `_bucket`, `_sum` and `_count` samples of `name` under
    /// `labels` (`a="b",c="d"`, or empty).
    pub fn write(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (bound, count) in BUCKETS.iter().zip(self.counts) {
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {count}");
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

/// Writes a histogram family: HELP, TYPE and one histogram per label set.
pub fn histogram_family(out: &mut String, name: &str, help: &str, series: &[(String, Histogram)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
    for (labels, histogram) in series {
        histogram.write(out, name, labels);
    }
}

/// A label value with `\`, `"` and newlines escaped.
pub fn label_value(raw: &str) -> String {
    raw.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn histograms_are_cumulative() {
        let mut h = Histogram::default();
        h.observe(Duration::from_millis(3));
        h.observe(Duration::from_millis(200));
        h.observe(Duration::from_secs(60));
        let mut out = String::new();
        histogram_family(&mut out, "x_seconds", "X.", &[("route=\"/a\"".into(), h)]);
        assert!(
            out.contains("x_seconds_bucket{route=\"/a\",le=\"0.005\"} 1\n"),
            "{out}"
        );
        assert!(
            out.contains("x_seconds_bucket{route=\"/a\",le=\"0.25\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("x_seconds_bucket{route=\"/a\",le=\"30\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("x_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"),
            "{out}"
        );
        assert!(out.contains("x_seconds_count{route=\"/a\"} 3\n"), "{out}");
    }
}
