//! The `scheduler` queue: periodic tasks, enqueued by the elected
//! scheduler (see [`crate::scheduler`]).
use ferrodon_core::db::queries::maintenance;
use ferrodon_core::jobs::{self, PeriodicTask};
use ferrodon_core::{media, services, AppState, Result};

/// Revoked tokens are kept this many days (for audit) before deletion.
const REVOKED_TOKEN_RETENTION_DAYS: i64 = 7;

/// Runs one periodic task.
pub async fn run_periodic(state: &AppState, task: PeriodicTask) -> Result<()> {
    match task {
        PeriodicTask::VacuumQueues => {
            let removed = jobs::queue::vacuum(state).await?;
            tracing::info!(removed, "vacuumed finished jobs");
        }
        PeriodicTask::RemoveStaleTokens => {
            let mut conn = state.conn().await?;
            let grants = maintenance::delete_stale_access_grants(&mut conn).await?;
            let tokens =
                maintenance::delete_revoked_access_tokens(&mut conn, REVOKED_TOKEN_RETENTION_DAYS)
                    .await?;
            tracing::info!(grants, tokens, "removed stale OAuth codes and tokens");
        }
        PeriodicTask::RemoveExpiredMutes => {
            let mut conn = state.conn().await?;
            let mutes = maintenance::delete_expired_mutes(&mut conn).await?;
            tracing::info!(mutes, "removed expired mutes");
        }
        PeriodicTask::RemoveOrphanedMedia => {
            let removed =
                media::cleanup::remove_unattached(state, chrono::Duration::days(1)).await?;
            tracing::info!(removed, "removed unattached uploads");
        }
        PeriodicTask::NotifyEndedPolls => {
            let notified = services::vote::notify_ended_polls(state).await?;
            tracing::info!(notified, "notified ended polls");
        }
        PeriodicTask::PublishScheduledStatuses => {
            let published = services::schedule_status::publish_due(state).await?;
            tracing::info!(published, "published scheduled statuses");
        }
        PeriodicTask::TrimMediaCache => {
            let trimmed = media::cleanup::trim_cache(state).await?;
            tracing::info!(
                by_age = trimmed.by_age,
                by_size = trimmed.by_size,
                "trimmed the media cache"
            );
        }
    }
    Ok(())
}
