//! Telling other servers that a local account is gone: the `Delete` of its
//! actor (as Mastodon's `DeleteAccountService` sends), to every server that
//! knew it: its remote followers', the remote accounts' it followed and
//! those it asked to follow, and the relays'. They drop the account and all
//! they stored of it.
//!
//! The account's row, and with it its key and its follows, goes with the
//! deletion, so the audience is collected first ([`ActorDeletion::prepare`])
//! and the deliveries are queued after the deletion committed
//! ([`ActorDeletion::send`]), each job carrying the key to sign with.
use ferrodon_apub::activitypub::outbound as ap;
use ferrodon_apub::activitypub::ActivityKind;
use ferrodon_db::models::Account;
use ferrodon_db::queries::{follows, relays};
use serde_json::Value;

use super::client::{deliver_signed_by, FederationError, SigningActor};
use super::documents;
use crate::domain_policy as domains;
use crate::jobs::{self, Job, Queue, SigningKeyPem};
use crate::{AppState, Error, Result};

/// The `Delete` of `account`'s actor.
pub fn actor_deletion(account: &Account) -> ap::Activity {
    ap::Activity {
        to: Some(vec![documents::PUBLIC.into()]),
        ..ap::Activity::new(
            ActivityKind::Delete,
            format!("{}#delete", account.uri),
            &account.uri,
            &account.uri,
        )
    }
}

/// A local account's deletion, ready to be told once the account is gone.
#[derive(Debug)]
pub struct ActorDeletion {
    account_id: i64,
    actor_uri: String,
    private_key: SigningKeyPem,
    activity: Value,
    inboxes: Vec<String>,
}

impl ActorDeletion {
    /// Collects who must hear of `account`'s deletion, before it is
    /// deleted. None for a remote account, or a local one without a key
    /// (nothing could be signed; no server can have fetched it either).
    pub async fn prepare(state: &AppState, account: &Account) -> Result<Option<ActorDeletion>> {
        let Some(key) = account.private_key.clone().filter(|_| account.is_local()) else {
            return Ok(None);
        };
        let mut conn = state.conn().await?;
        let mut inboxes = follows::remote_inboxes_knowing(&mut conn, account.id).await?;
        inboxes.extend(relays::accepted_relay_inboxes(&mut conn).await?);
        drop(conn);
        inboxes.sort();
        inboxes.dedup();
        let activity = serde_json::to_value(actor_deletion(account))
            .map_err(|e| Error::caused("encoding an activity", e))?;
        Ok(Some(ActorDeletion {
            account_id: account.id,
            actor_uri: account.uri.clone(),
            private_key: SigningKeyPem(key),
            activity,
            inboxes,
        }))
    }

    /// Queues one delivery per inbox (servers we do not federate with, or
    /// that are unavailable, skipped). Returns how many were queued.
    pub async fn send(self, state: &AppState) -> Result<usize> {
        let mut queued: Vec<Job> = Vec::new();
        for inbox in self.inboxes {
            if domains::ensure_federates_with(state, &inbox).await.is_err()
                || domains::is_unavailable(state, &inbox).await?
            {
                continue;
            }
            queued.push(Job::DeliverActorDeletion {
                account_id: self.account_id,
                actor_uri: self.actor_uri.clone(),
                private_key: self.private_key.clone(),
                inbox,
                activity: self.activity.clone(),
            });
        }
        let count = queued.len();
        jobs::queue::enqueue_many(state, Queue::Push, queued).await?;
        Ok(count)
    }
}

/// Runs one `DeliverActorDeletion` job: as a `Deliver`, but signed by an
/// account that no longer exists.
pub async fn deliver_job(
    state: &AppState,
    signer: SigningActor<'_>,
    inbox: &str,
    activity: &Value,
) -> Result<()> {
    if domains::ensure_federates_with(state, inbox).await.is_err() {
        return Ok(());
    }
    let body =
        serde_json::to_vec(activity).map_err(|e| Error::caused("encoding an activity", e))?;
    match deliver_signed_by(state, signer, inbox, &body, &[]).await {
        Ok(()) => domains::record_success(state, inbox).await,
        Err(e) if e.is_transient() => {
            domains::record_failure(state, inbox).await?;
            Err(Error::Unavailable(e.to_string()))
        }
        Err(FederationError::Key(..)) => Err(Error::internal(format!(
            "actor deletion to {inbox}: cannot sign"
        ))),
        Err(e) => {
            tracing::info!(%inbox, error = %e, "actor deletion refused for good; dropped");
            Ok(())
        }
    }
}
