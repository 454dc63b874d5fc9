//! Queue workers. Each binary pins one queue (`ferrodon-push` → `push`);
//! `--queues a,b` runs several in one process to save memory. A process
//! that runs the `scheduler` queue also takes part in the scheduler
//! election (see [`scheduler`]).
//!
//! On SIGTERM or Ctrl-C the workers stop taking jobs, finish the ones they
//! run (for at most FERRODON_SHUTDOWN_TIMEOUT; jobs still running then are
//! left in the queue's in-flight set and handed out again), and the process
//! exits 0. When a queue's backend keeps failing for
//! longer than FERRODON_WORKER_GIVE_UP_AFTER, the process exits 1 so its
//! supervisor restarts it.
#![warn(missing_docs)]

pub mod handler;
pub mod metrics;
pub mod perform;
pub mod runner;
pub mod scheduler;

use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use ferrodon_core::jobs::Queue;
use ferrodon_core::{AppState, Config};
use tokio::sync::watch;
use tokio::task::JoinSet;

use handler::WorkerContext;
use metrics::Metrics;

/// Every queue, in Mastodon's names.
pub const QUEUES: &[&str] = &["scheduler", "ingress", "push", "pull", "mailers", "default"];

#[derive(Parser)]
#[command(version, about = "Ferrodon queue worker")]
struct Args {
    /// Comma-separated queues to run instead of the binary's own
    #[arg(long, value_delimiter = ',')]
    queues: Vec<String>,
}

fn parse_queues(default_queue: &str, names: Vec<String>) -> anyhow::Result<Vec<Queue>> {
    let names = if names.is_empty() {
        vec![default_queue.to_owned()]
    } else {
        names
    };
    let mut queues = Vec::new();
    for name in names {
        let queue = Queue::parse(name.trim())
            .with_context(|| format!("unknown queue {name:?}; queues are {}", QUEUES.join(", ")))?;
        if !queues.contains(&queue) {
            queues.push(queue);
        }
    }
    Ok(queues)
}

/// Runs the worker for `default_queue` (or the queues given with `--queues`) until SIGTERM.
pub async fn run(default_queue: &str) -> anyhow::Result<()> {
    ferrodon_core::telemetry::init();
    let args = Args::parse();
    let queues = parse_queues(default_queue, args.queues)?;
    let config = Config::from_env().context("configuration")?;
    ferrodon_core::telemetry::log_start(default_queue, &config);
    let state = AppState::new(config).context("connecting")?;
    if queues.contains(&Queue::Scheduler) {
        scheduler::schedules(&state)?;
    }
    let metrics = Arc::new(Metrics::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = JoinSet::new();
    for queue in &queues {
        let ctx = WorkerContext {
            state: state.clone(),
            metrics: metrics.clone(),
            queue: *queue,
        };
        tasks.spawn(runner::run_queue(ctx, stop_rx.clone()));
    }
    if queues.contains(&Queue::Scheduler) {
        tasks.spawn(scheduler::run(
            state.clone(),
            metrics.clone(),
            stop_rx.clone(),
        ));
    }
    if state.config.metrics_port != 0 {
        let (state, metrics, queues) = (state.clone(), metrics.clone(), queues.clone());
        let port = state.config.metrics_port;
        tokio::spawn(async move {
            if let Err(e) = metrics::serve(state, metrics, queues, port).await {
                tracing::error!(error = %e, port, "metrics server failed");
            }
        });
    }
    let names: Vec<&str> = queues.iter().map(|q| q.name()).collect();
    tracing::info!(queues = %names.join(","), "worker started");
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let outcome = tokio::select! {
        _ = term.recv() => Ok(()),
        _ = tokio::signal::ctrl_c() => Ok(()),
        Some(done) = tasks.join_next() => match done {
            Ok(Ok(())) => Err(anyhow::anyhow!("a worker stopped unexpectedly")),
            Ok(Err(e)) => Err(e),
            Err(e) => Err(anyhow::anyhow!("a worker crashed: {e}")),
        },
    };
    let _ = stop_tx.send(true);
    let limit = state.config.shutdown_timeout;
    let drained = tokio::time::timeout(limit, async {
        while let Some(done) = tasks.join_next().await {
            if let Ok(Err(e)) = done {
                tracing::warn!(error = %e, "worker stopped with an error");
            }
        }
    })
    .await;
    if drained.is_err() {
        // What is still running stays in this worker's in-flight set; the
        // next worker of the queue hands it out again (at-least-once).
        tracing::warn!(timeout = ?limit, "jobs still running at the shutdown timeout; leaving them to be retried");
        tasks.abort_all();
    }
    match &outcome {
        Ok(()) => tracing::info!("worker stopped"),
        Err(e) => tracing::error!(error = %e, "worker exiting"),
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queues_default_to_the_binary_and_are_checked() {
        assert_eq!(parse_queues("push", vec![]).unwrap(), vec![Queue::Push]);
        assert_eq!(
            parse_queues(
                "push",
                vec!["default".into(), "mailers".into(), "default".into()]
            )
            .unwrap(),
            vec![Queue::Default, Queue::Mailers]
        );
        let err = parse_queues("push", vec!["sidekiq".into()]).unwrap_err();
        assert!(err.to_string().contains("unknown queue \"sidekiq\""));
    }
}
