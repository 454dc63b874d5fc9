//! Running one job. Every branch is idempotent: a job delivered twice (the
//! queue is at-least-once) leaves the same result as once.
use ferrodon_db::queries::{maintenance, statuses};

use super::{Job, PeriodicTask};
use crate::{feeds, live, AppState, Error, Result};

/// Revoked tokens are kept this many days (for audit) before deletion.
const REVOKED_TOKEN_RETENTION_DAYS: i64 = 7;

/// Runs `job`.
pub async fn perform(state: &AppState, job: &Job) -> Result<()> {
    match job {
        Job::DistributeStatus { status_id, edited } => {
            let mut conn = state.conn().await?;
            let status = match statuses::get_status_by_id(&mut conn, *status_id).await {
                Ok(status) => status,
                // Deleted before it was distributed: nothing left to do.
                Err(ferrodon_db::Error::NotFound) => return Ok(()),
                Err(e) => return Err(e.into()),
            };
            drop(conn);
            live::distribute_status(state, &status, *edited).await?;
            // A new link gets a card; an edit may also have removed one.
            let linked = crate::cards::first_link(&status.content).is_some();
            if status.reblog_of_id.is_none() && (linked || *edited) {
                super::enqueue(
                    state,
                    Job::FetchLinkCard {
                        status_id: status.id,
                    },
                )
                .await?;
            }
            if !*edited {
                crate::conversations::record_status(state, &status).await?;
            }
            crate::federation::outbox::federate_status(state, &status, *edited).await
        }
        Job::UnpublishStatus { status } => {
            live::unpublish_status(state, status).await?;
            crate::conversations::forget_status(state, status.id).await?;
            crate::federation::outbox::federate_deletion(state, status).await
        }
        Job::FetchLinkCard { status_id } => {
            let mut conn = state.conn().await?;
            match statuses::get_status_by_id(&mut conn, *status_id).await {
                Ok(status) => {
                    drop(conn);
                    crate::cards::fetch_card(state, &status).await
                }
                Err(ferrodon_db::Error::NotFound) => Ok(()),
                Err(e) => Err(e.into()),
            }
        }
        Job::RegenerateHomeFeed { account_id } => {
            feeds::regenerate_home_feed(state, *account_id).await
        }
        Job::MergeIntoHomeFeed {
            account_id,
            target_account_id,
        } => feeds::merge_into_home_feed(state, *account_id, *target_account_id).await,
        Job::Periodic { task } => run_periodic(state, *task).await,
        Job::SendMail { mail } => crate::mail::deliver(state, mail).await,
        Job::ProcessMedia { media_id } => crate::media::process_queued(state, *media_id).await,
        Job::CacheRemoteMedia { media_id } => {
            crate::media::remote::cache_attachment(state, *media_id)
                .await
                .map(|_| ())
        }
        Job::CacheAccountImages {
            account_id,
            avatar_url,
            header_url,
        } => {
            crate::media::profile::cache_remote_images(
                state,
                *account_id,
                avatar_url.clone(),
                header_url.clone(),
            )
            .await
        }
        Job::ProcessActivity {
            signer_id,
            activity,
        } => crate::inbox::process(state, *signer_id, activity).await,
        Job::Deliver {
            sender_id,
            inbox,
            activity,
        } => crate::federation::outbox::deliver_job(state, *sender_id, inbox, activity).await,
        Job::WebPush {
            subscription_id,
            notification_id,
        } => crate::webpush::deliver(state, *subscription_id, *notification_id).await,
        Job::FetchReplies { collection } => {
            let stored = crate::inbox::resolve::fetch_replies(state, collection).await?;
            tracing::debug!(%collection, stored, "fetched replies");
            Ok(())
        }
        Job::SynchronizeFollowers { account_id, url } => {
            let removed = crate::federation::sync::synchronize(state, *account_id, url).await?;
            tracing::info!(account_id, removed, "synchronised followers");
            Ok(())
        }
        Job::Noop => Ok(()),
        Job::Unknown => Err(Error::internal(
            "unknown job type (queued by another Ferrodon version?)",
        )),
    }
}

async fn run_periodic(state: &AppState, task: PeriodicTask) -> Result<()> {
    match task {
        PeriodicTask::VacuumQueues => {
            let removed = super::queue::vacuum(state).await?;
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
                crate::media::cleanup::remove_unattached(state, chrono::Duration::days(1)).await?;
            tracing::info!(removed, "removed unattached uploads");
        }
        PeriodicTask::NotifyEndedPolls => {
            let notified = crate::services::vote::notify_ended_polls(state).await?;
            tracing::info!(notified, "notified ended polls");
        }
        PeriodicTask::PublishScheduledStatuses => {
            let published = crate::services::schedule_status::publish_due(state).await?;
            tracing::info!(published, "published scheduled statuses");
        }
        PeriodicTask::TrimMediaCache => {
            let trimmed = crate::media::cleanup::trim_cache(state).await?;
            tracing::info!(
                by_age = trimmed.by_age,
                by_size = trimmed.by_size,
                "trimmed the media cache"
            );
        }
    }
    Ok::<(), Error>(())
}
