//! Running one job: the dispatcher from a job's kind to the core function
//! that does it, one file per queue. Core holds the job payloads and the
//! queues; what each job does lives here, at the top, so core's modules
//! never have to import each other to run one.
//!
//! Every branch is idempotent: a job delivered twice (the queue is
//! at-least-once) leaves the same result as once.
mod default;
mod ingress;
mod mailers;
mod pull;
mod push;
mod scheduler;

use ferrodon_core::jobs::Job;
use ferrodon_core::{AppState, Error, Result};

/// Runs `job`.
pub async fn perform(state: &AppState, job: &Job) -> Result<()> {
    match job {
        Job::DistributeStatus { status_id, edited } => {
            default::distribute_status(state, *status_id, *edited).await
        }
        Job::UnpublishStatus { status } => default::unpublish_status(state, status).await,
        Job::RegenerateHomeFeed { account_id } => {
            default::regenerate_home_feed(state, *account_id).await
        }
        Job::MergeIntoHomeFeed {
            account_id,
            target_account_id,
        } => default::merge_into_home_feed(state, *account_id, *target_account_id).await,
        Job::ProcessMedia { media_id } => default::process_media(state, *media_id).await,
        Job::FetchLinkCard { status_id } => pull::fetch_link_card(state, *status_id).await,
        Job::CacheRemoteMedia { media_id } => pull::cache_remote_media(state, *media_id).await,
        Job::CacheAccountImages {
            account_id,
            avatar_url,
            header_url,
        } => pull::cache_account_images(state, *account_id, avatar_url, header_url).await,
        Job::FetchReplies { collection } => pull::fetch_replies(state, collection).await,
        Job::FetchForwarded {
            signer_id,
            kind,
            actor,
            object,
        } => pull::fetch_forwarded(state, *signer_id, *kind, actor, object).await,
        Job::FetchAncestors {
            status_id,
            in_reply_to,
        } => pull::fetch_ancestors(state, *status_id, in_reply_to).await,
        Job::BackfillReplies { status_id } => pull::backfill_replies(state, *status_id).await,
        Job::VerifyQuote {
            status_id,
            quoted_uri,
            approval_uri,
        } => pull::verify_quote(state, *status_id, quoted_uri, approval_uri.as_deref()).await,
        Job::ImportFollow {
            account_id,
            username,
            domain,
            reblogs,
            notify,
        } => pull::import_follow(state, *account_id, username, domain, *reblogs, *notify).await,
        Job::SynchronizeFollowers { account_id, url } => {
            pull::synchronize_followers(state, *account_id, url).await
        }
        Job::ProcessActivity {
            signer_id,
            activity,
        } => ingress::process_activity(state, *signer_id, activity).await,
        Job::Deliver {
            sender_id,
            inbox,
            activity,
        } => push::deliver(state, *sender_id, inbox, activity).await,
        Job::WebPush {
            subscription_id,
            notification_id,
        } => push::web_push(state, *subscription_id, *notification_id).await,
        Job::SendMail { mail } => mailers::send_mail(state, mail).await,
        Job::Periodic { task } => scheduler::run_periodic(state, *task).await,
        Job::Noop => Ok(()),
        Job::DeliverActorDeletion {
            account_id,
            actor_uri,
            private_key,
            inbox,
            activity,
        } => {
            push::deliver_actor_deletion(
                state,
                *account_id,
                actor_uri,
                &private_key.0,
                inbox,
                activity,
            )
            .await
        }
        Job::Unknown => Err(Error::internal(
            "unknown job type (queued by another Ferrodon version?)",
        )),
    }
}
