//! What a worker does with one job: run it in its own task (so a panic is
//! contained) under a time limit, count it, and on failure hand it to our
//! own retry schedule. The handler always reports success to apalis, so
//! apalis-redis's fixed 25-attempt linear retry never applies.
use std::sync::Arc;
use std::time::Instant;

use apalis::prelude::{BoxDynError, Data};
use ferrodon_core::jobs::{self, Envelope, Job, Queue};
use ferrodon_core::AppState;

use crate::metrics::Metrics;

/// What every job handler of a process shares.
#[derive(Clone)]
pub struct WorkerContext {
    /// Pools and configuration.
    pub state: AppState,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The queue this handler serves.
    pub queue: Queue,
}

/// Runs one job; see the module documentation.
pub async fn handle(envelope: Envelope, ctx: Data<WorkerContext>) -> Result<(), BoxDynError> {
    let started = Instant::now();
    ctx.metrics.record_wait(ctx.queue, envelope.waited());
    let state = ctx.state.clone();
    let job = envelope.job.clone();
    let limit = state.config.job_timeout;
    let outcome = tokio::spawn(async move {
        tokio::time::timeout(limit, crate::perform::perform(&state, &job)).await
    })
    .await;
    let error = match outcome {
        Ok(Ok(Ok(()))) => None,
        Ok(Ok(Err(e))) => Some(e.chain().to_string()),
        Ok(Err(_)) => Some(format!("timed out after {limit:?}")),
        Err(e) if e.is_panic() => Some("the job panicked".to_owned()),
        Err(e) => Some(format!("the job was cancelled: {e}")),
    };
    ctx.metrics
        .record_job(ctx.queue, started.elapsed(), error.is_none());
    if let Job::Deliver { inbox, .. } | Job::DeliverActorDeletion { inbox, .. } = &envelope.job {
        let domain = url::Url::parse(inbox)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "invalid".to_owned());
        ctx.metrics.record_delivery(&domain, error.is_none());
    }
    let Some(error) = error else {
        return Ok(());
    };
    let kind = envelope.job.kind();
    let failures = envelope.failures + 1;
    match jobs::queue::record_failure(&ctx.state, envelope, error.clone()).await {
        Ok(Some(delay)) => {
            tracing::warn!(queue = ctx.queue.name(), kind, failures, %error, retry_in = ?delay, "job failed");
            Ok(())
        }
        Ok(None) => {
            ctx.metrics.record_dead(ctx.queue);
            tracing::error!(queue = ctx.queue.name(), kind, failures, %error, "job failed for the last time; kept as a dead letter");
            Ok(())
        }
        // Could not requeue it ourselves (Redis trouble): let apalis keep
        // and retry it rather than lose it.
        Err(e) => {
            tracing::error!(queue = ctx.queue.name(), kind, %error, requeue_error = %e, "job failed and could not be requeued");
            Err(Box::new(e))
        }
    }
}
