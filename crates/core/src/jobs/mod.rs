//! Background jobs: typed payloads, the queue each belongs to, and how they
//! are enqueued. Jobs are enqueued only after the transaction that made
//! them necessary has committed, and every handler is idempotent: delivery
//! is at least once.
//!
//! The queues are apalis-redis queues named `{REDIS_NAMESPACE:}queue:NAME`.
//! apalis's own retry schedule is not used: a failed job is re-enqueued by
//! the worker with exponential backoff and jitter ([`retry`]) and, after
//! its last attempt, kept in a dead set operators can inspect and retry
//! (`ferrodonctl queues`).
use serde::{Deserialize, Serialize};

mod mail;
pub mod metrics;
pub mod namespaced;
pub mod queue;
pub mod retry;

pub use mail::MailJob;
pub use queue::{enqueue, enqueue_at, Envelope};

/// The queues, in Mastodon's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Queue {
    /// Periodic maintenance (only the elected scheduler enqueues here).
    Scheduler,
    /// Inbound federation.
    Ingress,
    /// Outbound federation deliveries and Web Push notifications.
    Push,
    /// Fetching remote resources.
    Pull,
    /// E-mail.
    Mailers,
    /// Everything else: fan-out to home feeds, streaming events.
    Default,
}

impl Queue {
    /// Every queue.
    pub const ALL: [Queue; 6] = [
        Queue::Scheduler,
        Queue::Ingress,
        Queue::Push,
        Queue::Pull,
        Queue::Mailers,
        Queue::Default,
    ];

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Queue::Scheduler => "scheduler",
            Queue::Ingress => "ingress",
            Queue::Push => "push",
            Queue::Pull => "pull",
            Queue::Mailers => "mailers",
            Queue::Default => "default",
        }
    }

    /// Parses a name.
    pub fn parse(name: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|q| q.name() == name)
    }
}

/// Work the scheduler starts periodically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodicTask {
    /// Trim finished job data and old dead jobs from Redis.
    VacuumQueues,
    /// Delete expired or used OAuth codes and long-revoked tokens.
    RemoveStaleTokens,
    /// Delete mutes whose duration ran out.
    RemoveExpiredMutes,
    /// Delete uploads never attached to a status within a day.
    RemoveOrphanedMedia,
    /// Tell voters and authors that their polls ended.
    NotifyEndedPolls,
    /// Post the scheduled statuses that are due.
    PublishScheduledStatuses,
    /// Drop cached remote media past MEDIA_CACHE_RETENTION_PERIOD or over
    /// FERRODON_MEDIA_CACHE_MAX_BYTES, least recently used first.
    TrimMediaCache,
}

impl PeriodicTask {
    /// Every periodic task.
    pub const ALL: [PeriodicTask; 7] = [
        PeriodicTask::PublishScheduledStatuses,
        PeriodicTask::NotifyEndedPolls,
        PeriodicTask::VacuumQueues,
        PeriodicTask::RemoveStaleTokens,
        PeriodicTask::RemoveExpiredMutes,
        PeriodicTask::RemoveOrphanedMedia,
        PeriodicTask::TrimMediaCache,
    ];

    /// Its name in FERRODON_SCHEDULE and in metrics.
    pub fn name(self) -> &'static str {
        match self {
            PeriodicTask::VacuumQueues => "vacuum_queues",
            PeriodicTask::RemoveStaleTokens => "remove_stale_tokens",
            PeriodicTask::RemoveExpiredMutes => "remove_expired_mutes",
            PeriodicTask::RemoveOrphanedMedia => "remove_orphaned_media",
            PeriodicTask::TrimMediaCache => "trim_media_cache",
            PeriodicTask::NotifyEndedPolls => "notify_ended_polls",
            PeriodicTask::PublishScheduledStatuses => "publish_scheduled_statuses",
        }
    }

    /// How often it runs unless configured otherwise, in seconds.
    pub fn default_interval_secs(self) -> u64 {
        match self {
            PeriodicTask::VacuumQueues => 15 * 60,
            PeriodicTask::RemoveStaleTokens => 24 * 3600,
            PeriodicTask::RemoveExpiredMutes => 3600,
            PeriodicTask::RemoveOrphanedMedia => 6 * 3600,
            PeriodicTask::TrimMediaCache => 15 * 60,
            PeriodicTask::NotifyEndedPolls => 60,
            PeriodicTask::PublishScheduledStatuses => 30,
        }
    }

    /// Parses a name.
    pub fn parse(name: &str) -> Option<PeriodicTask> {
        PeriodicTask::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// A status as it was, for work that runs after it is gone (deletion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusSnapshot {
    /// Id.
    pub id: i64,
    /// Author.
    pub account_id: i64,
    /// Stored visibility.
    pub visibility: i16,
    /// The reblogged status, for a reblog.
    pub reblog_of_id: Option<i64>,
    /// Written on this instance.
    pub local: bool,
    /// Its hashtags (lower-case), for the hashtag streams it went to.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Whether it had attachments, for the `:media` streams it went to.
    #[serde(default)]
    pub with_media: bool,
}

impl From<&ferrodon_db::models::Status> for StatusSnapshot {
    fn from(s: &ferrodon_db::models::Status) -> Self {
        StatusSnapshot {
            id: s.id,
            account_id: s.account_id,
            visibility: s.visibility,
            reblog_of_id: s.reblog_of_id,
            local: s.local,
            tags: Vec::new(),
            with_media: false,
        }
    }
}

/// What a forwarded activity (signed by another server than its actor's)
/// asked for. Its body is not trusted: the object is fetched from its own
/// origin instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForwardedKind {
    /// A new status: fetched and stored.
    Create,
    /// An edited status we have: fetched again and the edit applied.
    Update,
    /// A deleted status we have: deleted here once its origin says so
    /// (404, 410 or a Tombstone).
    Delete,
}

impl ForwardedKind {
    /// Its name in logs.
    pub fn name(self) -> &'static str {
        match self {
            ForwardedKind::Create => "create",
            ForwardedKind::Update => "update",
            ForwardedKind::Delete => "delete",
        }
    }
}

/// One unit of background work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Job {
    /// A new or edited status: into its audience's home feeds, and out to
    /// the streaming server (`update` or `status.update`).
    DistributeStatus {
        /// The status.
        status_id: i64,
        /// True for an edit.
        edited: bool,
    },
    /// A deleted status or undone reblog: out of home feeds, `delete` to streams.
    UnpublishStatus {
        /// The status as it was.
        status: StatusSnapshot,
    },
    /// Rebuild a home feed from PostgreSQL.
    RegenerateHomeFeed {
        /// Whose.
        account_id: i64,
    },
    /// A new follow: the followed account's recent statuses into the follower's feed.
    MergeIntoHomeFeed {
        /// The follower.
        account_id: i64,
        /// The followed account.
        target_account_id: i64,
    },
    /// Give a status the preview card of its first link.
    FetchLinkCard {
        /// The status.
        status_id: i64,
    },
    /// A periodic task, enqueued by the elected scheduler.
    Periodic {
        /// Which.
        task: PeriodicTask,
    },
    /// An e-mail.
    SendMail {
        /// Which.
        mail: MailJob,
    },
    /// Process an upload that was stored raw (video, audio, animated GIF).
    ProcessMedia {
        /// The attachment.
        media_id: i64,
    },
    /// Download a remote attachment's files into the media cache.
    CacheRemoteMedia {
        /// The attachment.
        media_id: i64,
    },
    /// Download a remote account's avatar and header into the media cache.
    CacheAccountImages {
        /// The remote account.
        account_id: i64,
        /// Its avatar's URL (None: no avatar).
        avatar_url: Option<String>,
        /// Its header's URL (None: no header).
        header_url: Option<String>,
    },
    /// An activity a remote server delivered, its signature already checked.
    ProcessActivity {
        /// The account that signed the delivery.
        signer_id: i64,
        /// The activity as received.
        activity: serde_json::Value,
    },
    /// Deliver an activity to one inbox, signed by a local account.
    Deliver {
        /// The local account that signs.
        sender_id: i64,
        /// The inbox (a shared inbox where the server has one).
        inbox: String,
        /// The activity.
        activity: serde_json::Value,
    },
    /// Push a notification to one Web Push subscription.
    WebPush {
        /// The subscription.
        subscription_id: i64,
        /// The notification.
        notification_id: i64,
    },
    /// Fetch the replies a remote note's `replies` collection lists.
    FetchReplies {
        /// The collection's URL.
        collection: String,
    },
    /// An activity another server forwarded or relayed (its signer is not
    /// its actor): what it names is fetched from its own origin, the
    /// forwarder's copy is not trusted.
    FetchForwarded {
        /// The account that signed the delivery (the forwarder or relay).
        signer_id: i64,
        /// What the activity asked for.
        kind: ForwardedKind,
        /// The activity's `actor`.
        actor: String,
        /// The id of the object it is about.
        object: String,
    },
    /// A stored remote status replies to one we do not have: fetch its
    /// ancestors (bounded) and link it to its parent.
    FetchAncestors {
        /// The stored reply.
        status_id: i64,
        /// Its `inReplyTo`.
        in_reply_to: String,
    },
    /// An imported following list names a remote account we have never
    /// seen: look it up (WebFinger) and follow it.
    ImportFollow {
        /// The importing local account.
        account_id: i64,
        /// The account's username.
        username: String,
        /// Its domain.
        domain: String,
        /// Whether to show its boosts.
        reblogs: bool,
        /// Whether to be notified of its posts.
        notify: bool,
    },
    /// A stored remote status quotes a remote post: fetch the quoted post
    /// if we lack it, store the quote, and accept it once its
    /// authorization, fetched from the quoted author's server, holds.
    VerifyQuote {
        /// The quoting status.
        status_id: i64,
        /// The quoted post's id.
        quoted_uri: String,
        /// The `quoteAuthorization` the quoting post gave, if any.
        approval_uri: Option<String>,
    },
    /// Someone opened a remote status's thread: fetch the replies its
    /// `replies` collections list, recursively, within a budget.
    BackfillReplies {
        /// The status whose replies are fetched.
        status_id: i64,
    },
    /// Compare our follows of a remote account with its list, dropping ours it lacks.
    SynchronizeFollowers {
        /// The remote account.
        account_id: i64,
        /// Its `followers_synchronization` URL.
        url: String,
    },
    /// Does nothing: used to measure the queue itself and to probe workers.
    Noop,
    /// Deliver the `Delete` of a deleted local account's actor to one
    /// inbox. The account's row is gone by then, so the job carries what
    /// signing needs: other servers check the signature against the key
    /// they hold for the actor, which only this key matches.
    DeliverActorDeletion {
        /// The deleted account's id (for logs and the key cache).
        account_id: i64,
        /// Its ActivityPub id.
        actor_uri: String,
        /// Its private key.
        private_key: SigningKeyPem,
        /// The inbox (a shared inbox where the server has one).
        inbox: String,
        /// The activity.
        activity: serde_json::Value,
    },
    /// A job this version does not know (queued by a newer version, say).
    /// It fails like any failing job, so it ends in the dead letters
    /// instead of stopping the worker that fetched it.
    #[serde(other)]
    Unknown,
}

/// A private key (PEM) inside a job: serialised as the plain string, but
/// left out of `Debug`, which logs print.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SigningKeyPem(pub String);

impl std::fmt::Debug for SigningKeyPem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKeyPem(..)")
    }
}

impl Job {
    /// The queue the job runs on.
    pub fn queue(&self) -> Queue {
        match self {
            Job::Periodic { .. } => Queue::Scheduler,
            Job::SendMail { .. } => Queue::Mailers,
            Job::CacheRemoteMedia { .. }
            | Job::CacheAccountImages { .. }
            | Job::FetchLinkCard { .. }
            | Job::FetchReplies { .. }
            | Job::FetchForwarded { .. }
            | Job::FetchAncestors { .. }
            | Job::BackfillReplies { .. }
            | Job::VerifyQuote { .. }
            | Job::ImportFollow { .. }
            | Job::SynchronizeFollowers { .. } => Queue::Pull,
            Job::ProcessActivity { .. } => Queue::Ingress,
            Job::Deliver { .. } | Job::WebPush { .. } | Job::DeliverActorDeletion { .. } => {
                Queue::Push
            }
            Job::DistributeStatus { .. }
            | Job::ProcessMedia { .. }
            | Job::UnpublishStatus { .. }
            | Job::RegenerateHomeFeed { .. }
            | Job::MergeIntoHomeFeed { .. }
            | Job::Noop
            | Job::Unknown => Queue::Default,
        }
    }

    /// A short name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Job::DistributeStatus { .. } => "distribute_status",
            Job::UnpublishStatus { .. } => "unpublish_status",
            Job::RegenerateHomeFeed { .. } => "regenerate_home_feed",
            Job::MergeIntoHomeFeed { .. } => "merge_into_home_feed",
            Job::FetchLinkCard { .. } => "fetch_link_card",
            Job::Periodic { .. } => "periodic",
            Job::SendMail { .. } => "send_mail",
            Job::ProcessMedia { .. } => "process_media",
            Job::CacheRemoteMedia { .. } => "cache_remote_media",
            Job::CacheAccountImages { .. } => "cache_account_images",
            Job::ProcessActivity { .. } => "process_activity",
            Job::Deliver { .. } => "deliver",
            Job::WebPush { .. } => "web_push",
            Job::FetchReplies { .. } => "fetch_replies",
            Job::FetchForwarded { .. } => "fetch_forwarded",
            Job::FetchAncestors { .. } => "fetch_ancestors",
            Job::BackfillReplies { .. } => "backfill_replies",
            Job::VerifyQuote { .. } => "verify_quote",
            Job::ImportFollow { .. } => "import_follow",
            Job::SynchronizeFollowers { .. } => "synchronize_followers",
            Job::Noop => "noop",
            Job::Unknown => "unknown",
            Job::DeliverActorDeletion { .. } => "deliver_actor_deletion",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_round_trip_and_unknown_ones_do_not_fail_to_decode() {
        let job = Job::DistributeStatus {
            status_id: 7,
            edited: false,
        };
        let json = serde_json::to_string(&job).unwrap();
        assert_eq!(
            json,
            r#"{"type":"distribute_status","status_id":7,"edited":false}"#
        );
        assert_eq!(serde_json::from_str::<Job>(&json).unwrap(), job);
        let future: Job = serde_json::from_str(r#"{"type":"from_a_newer_version","x":1}"#).unwrap();
        assert_eq!(future, Job::Unknown);
        assert_eq!(future.queue(), Queue::Default);
    }
}
