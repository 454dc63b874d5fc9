//! `ferrodonctl queues stats|retry|clear|dead`: look at and mend the job queues.
use anyhow::Context;
use clap::Subcommand;
use ferrodon_core::jobs::queue::{self, ClearWhat};
use ferrodon_core::jobs::Queue;
use ferrodon_core::AppState;

#[derive(Subcommand)]
pub enum QueuesCommand {
    /// Show pending, scheduled, running, finished and dead jobs per queue
    Stats {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// List a queue's dead jobs (newest first) with their last error
    Dead {
        /// Queue name
        queue: String,
        /// How many to show
        #[arg(long, default_value_t = 20)]
        limit: isize,
    },
    /// Queue a queue's dead jobs again with their attempts reset
    Retry {
        /// Queue name, or "all"
        queue: String,
    },
    /// Delete a queue's waiting jobs (or, with --dead, its dead jobs)
    Clear {
        /// Queue name
        queue: String,
        /// Delete the dead jobs instead of the waiting ones
        #[arg(long)]
        dead: bool,
    },
}

fn parse_queue(name: &str) -> anyhow::Result<Queue> {
    Queue::parse(name).with_context(|| {
        let names: Vec<&str> = Queue::ALL.iter().map(|q| q.name()).collect();
        format!("unknown queue {name:?}; queues are {}", names.join(", "))
    })
}

fn queues_named(name: &str) -> anyhow::Result<Vec<Queue>> {
    if name == "all" {
        Ok(Queue::ALL.to_vec())
    } else {
        Ok(vec![parse_queue(name)?])
    }
}

pub async fn run(cmd: QueuesCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        QueuesCommand::Stats { json } => {
            let mut all = Vec::new();
            for q in Queue::ALL {
                all.push(queue::stats(state, q).await?);
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
                return Ok(());
            }
            println!(
                "{:<10} {:>8} {:>9} {:>8} {:>8} {:>6} {:>8} {:>11}",
                "queue",
                "pending",
                "scheduled",
                "running",
                "done",
                "dead",
                "workers",
                "latency (s)"
            );
            for s in all {
                println!(
                    "{:<10} {:>8} {:>9} {:>8} {:>8} {:>6} {:>8} {:>11}",
                    s.queue,
                    s.pending,
                    s.scheduled,
                    s.running,
                    s.done,
                    s.dead,
                    s.workers,
                    s.latency_secs
                );
            }
        }
        QueuesCommand::Dead { queue: name, limit } => {
            for letter in queue::list_dead(state, parse_queue(&name)?, limit).await? {
                println!(
                    "{}  {}  attempts={}  {}",
                    letter.failed_at,
                    serde_json::to_string(&letter.envelope.job)?,
                    letter.envelope.failures,
                    letter.envelope.last_error.unwrap_or_default()
                );
            }
        }
        QueuesCommand::Retry { queue: name } => {
            for q in queues_named(&name)? {
                let n = queue::retry_dead(state, q).await?;
                println!("{}: {n} dead jobs queued again", q.name());
            }
        }
        QueuesCommand::Clear { queue: name, dead } => {
            let q = parse_queue(&name)?;
            let what = if dead {
                ClearWhat::Dead
            } else {
                ClearWhat::Pending
            };
            let n = queue::clear(state, q, what).await?;
            let kind = if dead { "dead" } else { "waiting" };
            println!("{}: {n} {kind} jobs deleted", q.name());
        }
    }
    Ok(())
}
