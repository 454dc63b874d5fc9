//! Relays: the instance actor follows a relay (a `Follow` of the Public
//! collection sent to its inbox); once accepted, the relay's announces of
//! public posts are fetched into the federated timeline, and our public
//! posts are delivered to it.
use ferrodon_apub::activitypub::outbound as ap;
use ferrodon_apub::activitypub::{same_origin, ActivityKind};
use ferrodon_db::models::Account;
use ferrodon_db::queries::accounts;
use ferrodon_db::queries::relays::{self, Relay};

use super::documents::PUBLIC;
use super::instance_actor::instance_actor;
use crate::jobs::{self, Job};
use crate::{AppState, Error, Result};

/// The instance actor's `Follow` of the Public collection, sent to a
/// relay (its `Undo` unsubscribes).
pub fn follow_of(actor: &Account, id: &str) -> ap::Activity {
    ap::Activity::new(ActivityKind::Follow, id, &actor.uri, PUBLIC)
}

async fn send(
    state: &AppState,
    sender: &Account,
    inbox: &str,
    activity: &ap::Activity,
) -> Result<()> {
    let activity =
        serde_json::to_value(activity).map_err(|e| Error::caused("encoding an activity", e))?;
    jobs::enqueue(
        state,
        Job::Deliver {
            sender_id: sender.id,
            inbox: inbox.to_owned(),
            activity,
        },
    )
    .await
}

/// Subscribes to the relay whose inbox is `inbox_url`.
pub async fn add_relay(state: &AppState, inbox_url: &str) -> Result<Relay> {
    let parsed = url::Url::parse(inbox_url)
        .map_err(|e| Error::validation(format!("{inbox_url:?} is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(Error::validation("a relay's inbox is an http(s) URL"));
    }
    crate::domain_policy::ensure_federates_with(state, inbox_url).await?;
    let actor = instance_actor(state).await?;
    let mut conn = state.conn().await?;
    let id = accounts::next_id(&mut conn).await?;
    let follow_id = format!("{}/relays/{id}#follow", state.config.base_url());
    let relay = relays::put_relay(&mut conn, id, inbox_url, &follow_id).await?;
    drop(conn);
    send(
        state,
        &actor,
        inbox_url,
        &follow_of(&actor, &relay.follow_activity_id),
    )
    .await?;
    Ok(relay)
}

/// Unsubscribes from a relay (an `Undo` of the follow); false when unknown.
pub async fn remove_relay(state: &AppState, inbox_url: &str) -> Result<bool> {
    let mut conn = state.conn().await?;
    let Some(relay) = relays::delete_relay(&mut conn, inbox_url).await? else {
        return Ok(false);
    };
    drop(conn);
    let actor = instance_actor(state).await?;
    let undo = follow_of(&actor, &relay.follow_activity_id).undo(&actor.uri);
    send(state, &actor, inbox_url, &undo).await?;
    Ok(true)
}

/// Records a relay's `Accept` or `Reject` of our follow; false when the
/// activity answers no relay follow. Only the relay answers: before its
/// first answer, an actor on the relay's server whose inbox (or shared
/// inbox) is the relay's; that actor is then remembered as the relay, and
/// from then on only it answers.
pub async fn answered(
    state: &AppState,
    signer: &Account,
    follow_activity_id: &str,
    accepted: bool,
) -> Result<bool> {
    if !follow_activity_id.starts_with(&format!("{}/relays/", state.config.base_url())) {
        return Ok(false);
    }
    let mut conn = state.conn().await?;
    let Some(relay) = relays::relay_by_follow(&mut conn, follow_activity_id).await? else {
        return Ok(false);
    };
    if !speaks_for(&relay, signer) {
        return Err(Error::validation(format!(
            "{} answered the follow of relay {}, which it is not",
            signer.uri, relay.inbox_url
        )));
    }
    let state_name = if accepted { "accepted" } else { "rejected" };
    relays::set_relay_answer(&mut conn, relay.id, state_name, &signer.uri).await?;
    Ok(true)
}

/// Whether `signer` is `relay`'s actor: the one that answered before, or,
/// before any answer, an actor on the relay's server that receives at the
/// relay's inbox.
fn speaks_for(relay: &Relay, signer: &Account) -> bool {
    match &relay.actor_uri {
        Some(actor) => *actor == signer.uri,
        None => {
            same_origin(&signer.uri, &relay.inbox_url)
                && [&signer.inbox_url, &signer.shared_inbox_url]
                    .iter()
                    .any(|inbox| **inbox == relay.inbox_url)
        }
    }
}

/// Whether `account` is the actor of a relay that accepted our follow.
pub async fn is_relay(state: &AppState, account: &Account) -> Result<bool> {
    let mut conn = state.conn().await?;
    Ok(relays::is_accepted_relay_actor(&mut conn, &account.uri).await?)
}
