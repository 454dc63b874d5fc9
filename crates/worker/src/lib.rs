//! Queue workers. Each binary pins one queue (`ferrodon-push` → `push`);
//! `--queues a,b` runs several in one process to save memory.
//!
//! This first cut connects, verifies its backing services, reports itself
//! alive in Redis and waits for shutdown. No job is produced yet: posting,
//! following and notifications happen in the web process's transaction.
//! Job handlers arrive with the background-workers issue.
#![warn(missing_docs)]

use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use ferrodon_core::{AppState, Config};

/// Every queue, in Mastodon's names.
pub const QUEUES: &[&str] = &["scheduler", "ingress", "push", "pull", "mailers", "default"];

#[derive(Parser)]
#[command(version, about = "Ferrodon queue worker")]
struct Args {
    /// Comma-separated queues to run instead of the binary's own
    #[arg(long, value_delimiter = ',')]
    queues: Vec<String>,
}

/// Runs the worker for `default_queue` (or the queues given with `--queues`) until SIGTERM.
pub async fn run(default_queue: &str) -> anyhow::Result<()> {
    ferrodon_core::telemetry::init();
    let args = Args::parse();
    let queues = if args.queues.is_empty() {
        vec![default_queue.to_owned()]
    } else {
        args.queues
    };
    for q in &queues {
        if !QUEUES.contains(&q.as_str()) {
            anyhow::bail!("unknown queue {q:?}; queues are {}", QUEUES.join(", "));
        }
    }
    let config = Config::from_env().context("configuration")?;
    let state = AppState::new(config).context("connecting")?;
    if !state.is_healthy().await {
        anyhow::bail!("PostgreSQL or Redis is not reachable");
    }
    tracing::info!(queues = %queues.join(","), "worker started");
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut heartbeat = tokio::time::interval(Duration::from_secs(30));
    loop {
        tokio::select! {
            _ = heartbeat.tick() => {
                if !state.is_healthy().await {
                    tracing::warn!("PostgreSQL or Redis is not reachable");
                }
            }
            _ = term.recv() => break,
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    tracing::info!("worker stopped");
    Ok(())
}
