//! Outgoing activities: what local actions send, to which inboxes, as
//! `Deliver` jobs on the `push` queue (one per inbox, retried with the
//! queue's backoff; a refusal that cannot change, such as 404, 410 or a
//! refused address, is dropped).
use ferrodon_db::models::{Account, Status, Visibility};
use ferrodon_db::queries::status_views::load_status_views;
use ferrodon_db::queries::{accounts, follows};
use serde_json::{json, Value};

use super::client::{deliver, FederationError};
use super::{documents, domains, publish};
use crate::jobs::{self, Job, StatusSnapshot};
use crate::{urls, AppState, Error, Result};

/// Queues `activity` from `sender` to each inbox.
async fn enqueue_deliveries(
    state: &AppState,
    sender: &Account,
    inboxes: Vec<String>,
    activity: Value,
) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    let mut jobs: Vec<Job> = Vec::new();
    for inbox in inboxes {
        if inbox.is_empty() || !seen.insert(inbox.clone()) {
            continue;
        }
        if domains::ensure_federates_with(state, &inbox).await.is_err()
            || domains::is_unavailable(state, &inbox).await?
        {
            continue;
        }
        jobs.push(Job::Deliver {
            sender_id: sender.id,
            inbox,
            activity: activity.clone(),
        });
    }
    if jobs.is_empty() {
        return Ok(());
    }
    jobs::queue::enqueue_many(state, jobs::Queue::Push, jobs).await
}

/// The inbox to reach one remote account at.
fn inbox_of(account: &Account) -> String {
    if account.shared_inbox_url.is_empty() {
        account.inbox_url.clone()
    } else {
        account.shared_inbox_url.clone()
    }
}

/// A new or edited local status: `Create` (or `Update`) of its note, or an
/// `Announce` for a reblog, to remote followers and mentioned accounts.
pub async fn federate_status(state: &AppState, status: &Status, edited: bool) -> Result<()> {
    if !status.local {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    let Some(view) = load_status_views(&mut conn, &[status.id], None)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let author = view.account.clone();
    let mut inboxes = Vec::new();
    if status.visibility() != Visibility::Direct {
        inboxes.extend(follows::remote_follower_inboxes(&mut conn, author.id).await?);
    }
    if status.visibility() == Visibility::Public && status.reblog_of_id.is_none() {
        inboxes.extend(ferrodon_db::queries::relays::accepted_relay_inboxes(&mut conn).await?);
    }
    let mentioned: Vec<i64> = view.mentions.iter().map(|m| m.id).collect();
    for account in accounts::get_accounts_by_ids(&mut conn, &mentioned).await? {
        if !account.is_local() {
            inboxes.push(inbox_of(&account));
        }
    }
    let activity = match status.reblog_of_id {
        Some(original_id) => {
            let original =
                ferrodon_db::queries::statuses::get_status_by_id(&mut conn, original_id).await?;
            let original_author =
                accounts::get_account_by_id(&mut conn, original.account_id).await?;
            if !original_author.is_local() {
                inboxes.push(inbox_of(&original_author));
            }
            let (to, mut cc) = documents::audience(&view);
            cc.push(original_author.uri.clone());
            json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                // A reblog's own uri is already its activity's id.
                "id": status.uri,
                "type": "Announce",
                "actor": author.uri,
                "published": crate::entities::timestamp(&status.created_at),
                "to": to,
                "cc": cc,
                "object": original.uri,
            })
        }
        None => {
            let note = publish::note_of(&mut conn, state, &view).await?;
            if edited {
                let id = format!(
                    "{}#updates/{}",
                    status.uri,
                    chrono::Utc::now().timestamp_millis()
                );
                documents::activity("Update", id, &author.uri, note)
            } else {
                publish::create_of(status, &author.uri, note)
            }
        }
    };
    drop(conn);
    enqueue_deliveries(state, &author, inboxes, activity).await
}

/// A deleted local status (or undone reblog): `Delete` of the note (or
/// `Undo` of the `Announce`) to remote followers.
pub async fn federate_deletion(state: &AppState, status: &StatusSnapshot) -> Result<()> {
    if !status.local {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    let author = accounts::get_account_by_id(&mut conn, status.account_id).await?;
    let mut inboxes = follows::remote_follower_inboxes(&mut conn, author.id).await?;
    // An undone boost also goes to the boosted status's author.
    if let Some(original_id) = status.reblog_of_id {
        if let Ok(original) =
            ferrodon_db::queries::statuses::get_status_by_id(&mut conn, original_id).await
        {
            let original_author =
                accounts::get_account_by_id(&mut conn, original.account_id).await?;
            if !original_author.is_local() {
                inboxes.push(inbox_of(&original_author));
            }
        }
    }
    drop(conn);
    let uri = urls::status_uri(&state.config, &author.username, status.id);
    let activity = match status.reblog_of_id {
        Some(_) => json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{uri}#undo"),
            "type": "Undo",
            "actor": author.uri,
            "to": [documents::PUBLIC],
            "object": { "id": format!("{uri}/activity"), "type": "Announce", "actor": author.uri },
        }),
        None => json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{uri}#delete"),
            "type": "Delete",
            "actor": author.uri,
            "to": [documents::PUBLIC],
            "object": { "id": uri, "type": "Tombstone" },
        }),
    };
    enqueue_deliveries(state, &author, inboxes, activity).await
}

/// The `Delete` of a local status, to the remote accounts it mentioned
/// (followers hear of it from [`federate_deletion`]).
pub async fn federate_deletion_to_mentioned(
    state: &AppState,
    author: &Account,
    status: &Status,
    mentioned: &[Account],
) -> Result<()> {
    if !status.local || mentioned.is_empty() || status.reblog_of_id.is_some() {
        return Ok(());
    }
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#delete", status.uri),
        "type": "Delete",
        "actor": author.uri,
        "to": mentioned.iter().map(|a| a.uri.clone()).collect::<Vec<_>>(),
        "object": { "id": status.uri, "type": "Tombstone" },
    });
    let inboxes = mentioned.iter().map(inbox_of).collect();
    enqueue_deliveries(state, author, inboxes, activity).await
}

/// An activity from a local account to all its remote followers.
pub async fn send_to_followers(state: &AppState, sender: &Account, activity: Value) -> Result<()> {
    if !sender.is_local() {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    let inboxes = follows::remote_follower_inboxes(&mut conn, sender.id).await?;
    drop(conn);
    enqueue_deliveries(state, sender, inboxes, activity).await
}

/// An `Update` of a local account's actor to its remote followers: after a
/// profile change, a new key, or a suspension being imposed or lifted (the
/// actor then says `suspended`), so other servers show what we show.
pub async fn federate_actor_update(state: &AppState, account: &Account) -> Result<()> {
    if !account.is_local() {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    let person = publish::person_of(&mut conn, &state.config, account).await?;
    drop(conn);
    let activity = json!({
        "@context": documents::context(),
        "id": format!("{}#updates/{}", account.uri, chrono::Utc::now().timestamp_millis()),
        "type": "Update",
        "actor": account.uri,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": person,
    });
    send_to_followers(state, account, activity).await
}

/// `Add` (pin) or `Remove` (unpin) of a status in the actor's featured collection.
pub fn featured_change(actor: &Account, status: &Status, add: bool) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#{}/{}", actor.uri, if add { "pins" } else { "unpins" }, status.id),
        "type": if add { "Add" } else { "Remove" },
        "actor": actor.uri,
        "object": status.uri,
        "target": format!("{}/collections/featured", actor.uri),
    })
}

/// An activity from a local account to one remote account.
pub async fn send_to(
    state: &AppState,
    sender: &Account,
    target: &Account,
    activity: Value,
) -> Result<()> {
    if target.is_local() || !sender.is_local() {
        return Ok(());
    }
    enqueue_deliveries(state, sender, vec![target.inbox_url.clone()], activity).await
}

/// The id of `follower`'s follow of `target`.
pub fn follow_id(follower: &Account, target: &Account) -> String {
    format!("{}#follows/{}", follower.uri, target.id)
}

/// The `Follow` a local account sends a remote one.
pub fn follow_activity(follower: &Account, target: &Account) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": follow_id(follower, target),
        "type": "Follow",
        "actor": follower.uri,
        "object": target.uri,
    })
}

/// `Accept` or `Reject` of a remote follow (`follow_uri`: its activity id).
pub fn answer_follow(kind: &str, target: &Account, follower: &Account, follow_uri: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#{}s/{}", target.uri, kind.to_lowercase(), follower.id),
        "type": kind,
        "actor": target.uri,
        "object": {
            "id": follow_uri,
            "type": "Follow",
            "actor": follower.uri,
            "object": target.uri,
        },
    })
}

/// Sends a remote follower the answer (`Accept` or `Reject`) of `target`
/// to its follow, whose activity id is `follow_uri` (our own form of the
/// id when the follow did not say); nothing for local followers.
pub async fn send_follow_answer(
    state: &AppState,
    kind: &str,
    target: &Account,
    follower: &Account,
    follow_uri: Option<&str>,
) -> Result<()> {
    let follow_uri = follow_uri
        .map(str::to_owned)
        .unwrap_or_else(|| follow_id(follower, target));
    let answer = answer_follow(kind, target, follower, &follow_uri);
    send_to(state, target, follower, answer).await
}

/// `Undo` of `activity` by `actor`.
pub fn undo(actor: &Account, activity: Value) -> Value {
    let id = activity
        .get("id")
        .and_then(Value::as_str)
        .map(|id| format!("{id}/undo"))
        .unwrap_or_default();
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": "Undo",
        "actor": actor.uri,
        "object": activity,
    })
}

/// A `Block` of `target` by `actor`.
pub fn block_activity(actor: &Account, target: &Account) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#blocks/{}", actor.uri, target.id),
        "type": "Block",
        "actor": actor.uri,
        "object": target.uri,
    })
}

/// A `Like` of a status.
pub fn like(actor: &Account, status: &Status) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#likes/{}", actor.uri, status.id),
        "type": "Like",
        "actor": actor.uri,
        "object": status.uri,
    })
}

/// Runs one `Deliver` job.
pub async fn deliver_job(
    state: &AppState,
    sender_id: i64,
    inbox: &str,
    activity: &Value,
) -> Result<()> {
    let mut conn = state.conn().await?;
    let sender = match accounts::get_account_by_id(&mut conn, sender_id).await {
        Ok(sender) => sender,
        Err(ferrodon_db::Error::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    if domains::ensure_federates_with(state, inbox).await.is_err() {
        return Ok(());
    }
    let body =
        serde_json::to_vec(activity).map_err(|e| Error::caused("encoding an activity", e))?;
    // Addressed to the sender's followers: say which we think they have there.
    let followers = format!("{}/followers", sender.uri);
    let addressed = ["to", "cc"].iter().any(|field| {
        activity
            .get(*field)
            .and_then(Value::as_array)
            .is_some_and(|list| list.iter().any(|v| v.as_str() == Some(followers.as_str())))
    });
    let mut extra = Vec::new();
    if addressed && sender.id > 0 {
        if let Some(header) = super::sync::header_for(state, &sender, inbox).await? {
            extra.push(("Collection-Synchronization", header));
        }
    }
    match deliver(state, &sender, inbox, &body, &extra).await {
        Ok(()) => domains::record_success(state, inbox).await,
        Err(e) if e.is_transient() => {
            domains::record_failure(state, inbox).await?;
            Err(Error::Unavailable(e.to_string()))
        }
        Err(FederationError::Key(..)) => {
            Err(Error::internal(format!("delivery to {inbox}: cannot sign")))
        }
        Err(e) => {
            tracing::info!(%inbox, error = %e, "delivery refused for good; dropped");
            Ok(())
        }
    }
}
