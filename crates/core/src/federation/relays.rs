//! Relays: the instance actor follows a relay (a `Follow` of the Public
//! collection sent to its inbox); once accepted, the relay's announces of
//! public posts are fetched into the federated timeline, and our public
//! posts are delivered to it.
use ferrodon_db::models::Account;
use ferrodon_db::queries::accounts;
use ferrodon_db::queries::relays::{self, Relay};
use serde_json::{json, Value};

use super::documents::PUBLIC;
use super::instance_actor::instance_actor;
use crate::jobs::{self, Job};
use crate::{AppState, Error, Result};

fn follow_of(actor: &Account, id: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": "Follow",
        "actor": actor.uri,
        "object": PUBLIC,
    })
}

async fn send(state: &AppState, sender: &Account, inbox: &str, activity: Value) -> Result<()> {
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
    super::domains::ensure_federates_with(state, inbox_url).await?;
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
        follow_of(&actor, &relay.follow_activity_id),
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
    let undo = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/undo", relay.follow_activity_id),
        "type": "Undo",
        "actor": actor.uri,
        "object": follow_of(&actor, &relay.follow_activity_id),
    });
    send(state, &actor, inbox_url, undo).await?;
    Ok(true)
}

/// Records a relay's `Accept` or `Reject` of our follow; false when the
/// activity answers no relay follow.
pub async fn answered(state: &AppState, follow_activity_id: &str, accepted: bool) -> Result<bool> {
    if !follow_activity_id.contains("/relays/") {
        return Ok(false);
    }
    let mut conn = state.conn().await?;
    let state_name = if accepted { "accepted" } else { "rejected" };
    Ok(relays::set_relay_state(&mut conn, follow_activity_id, state_name).await?)
}

/// Whether `account` is a relay we subscribe to.
pub async fn is_relay(state: &AppState, account: &Account) -> Result<bool> {
    let mut conn = state.conn().await?;
    for inbox in [&account.inbox_url, &account.shared_inbox_url] {
        if !inbox.is_empty() && relays::is_relay_inbox(&mut conn, inbox).await? {
            return Ok(true);
        }
    }
    Ok(false)
}
