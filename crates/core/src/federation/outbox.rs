//! Outgoing activities: what local actions send, to which inboxes, as
//! `Deliver` jobs on the `push` queue (one per inbox, retried with the
//! queue's backoff; a refusal that cannot change, such as 404, 410 or a
//! refused address, is dropped).
use ferrodon_apub::activitypub::outbound::{self as ap, Context};
use ferrodon_apub::activitypub::{ActivityKind, Kind};
use ferrodon_db::models::{Account, Quote, QuoteState, Status, Visibility};
use ferrodon_db::queries::status_views::load_status_views;
use ferrodon_db::queries::{accounts, follows, quotes, statuses};
use serde::Serialize;
use serde_json::Value;

use super::client::{deliver, FederationError};
use super::{documents, publish};
use crate::domain_policy as domains;
use crate::jobs::{self, Job, StatusSnapshot};
use crate::{urls, AppState, Error, Result};

/// An activity as a `Deliver` job carries it.
fn encode(activity: &impl Serialize) -> Result<Value> {
    serde_json::to_value(activity).map_err(|e| Error::caused("encoding an activity", e))
}

/// Queues `activity` from `sender` to each inbox.
async fn enqueue_deliveries(
    state: &AppState,
    sender: &Account,
    inboxes: Vec<String>,
    activity: &impl Serialize,
) -> Result<()> {
    let activity = encode(activity)?;
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
    // A quoted remote author hears of the quote, and a new one is asked
    // to approve it.
    let mut quote_request = None;
    if let Some(quote) = quotes::quotes_of_statuses(&mut conn, &[status.id])
        .await?
        .into_iter()
        .next()
    {
        let quoted_author = match quote.quoted_account_id {
            Some(id) => Some(accounts::get_account_by_id(&mut conn, id).await?),
            None => None,
        };
        let quoted = match quote.quoted_status_id {
            Some(id) => match statuses::get_status_by_id(&mut conn, id).await {
                Ok(quoted) => Some(quoted),
                Err(ferrodon_db::Error::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        if let (Some(quoted_author), Some(quoted)) = (quoted_author, quoted) {
            if !quoted_author.is_local() && status.visibility() != Visibility::Direct {
                inboxes.push(inbox_of(&quoted_author));
            }
            if let (false, false, Some(request_id), QuoteState::Pending) = (
                edited,
                quoted_author.is_local(),
                quote.activity_uri.as_deref(),
                quote.state(),
            ) {
                let request =
                    documents::quote_request(request_id, &author.uri, &quoted.uri, &status.uri);
                quote_request = Some((quoted_author.inbox_url.clone(), request));
            }
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
            announce(status, &author, &original.uri, to, cc)
        }
        None => {
            let note = publish::note_of(&mut conn, state, &view).await?;
            if edited {
                let id = format!(
                    "{}#updates/{}",
                    status.uri,
                    chrono::Utc::now().timestamp_millis()
                );
                documents::activity(ActivityKind::Update, id, &author.uri, note)
            } else {
                publish::create_of(status, &author.uri, note)
            }
        }
    };
    drop(conn);
    enqueue_deliveries(state, &author, inboxes, &activity).await?;
    if let Some((inbox, request)) = quote_request {
        enqueue_deliveries(state, &author, vec![inbox], &request).await?;
    }
    Ok(())
}

/// A quoted local author's answer to `requester`'s `QuoteRequest` (id
/// `request_id`) for its post `instrument` quoting `quoted_uri`: `Accept`
/// with the authorization as its `result` when `approved` names one,
/// else `Reject`. `quote_id` numbers the answer.
pub struct QuoteAnswer<'a> {
    /// The quoted author.
    pub quoted_author: &'a Account,
    /// Who asked.
    pub requester: &'a Account,
    /// The request's id.
    pub request_id: &'a str,
    /// The quoted post.
    pub quoted_uri: &'a str,
    /// The quoting post.
    pub instrument: &'a str,
    /// The authorization, when approved.
    pub approved: Option<String>,
    /// The quote's id here, when there is a row for it.
    pub quote_id: Option<i64>,
}

/// Sends a [`QuoteAnswer`].
pub async fn answer_quote_request(state: &AppState, answer: QuoteAnswer<'_>) -> Result<()> {
    let request = documents::quote_request(
        answer.request_id,
        &answer.requester.uri,
        answer.quoted_uri,
        answer.instrument,
    )
    .embedded();
    let (kind, verb) = match answer.approved {
        Some(_) => (ActivityKind::Accept, "accepts"),
        None => (ActivityKind::Reject, "rejects"),
    };
    let number = answer.quote_id.map_or_else(
        || chrono::Utc::now().timestamp_millis().to_string(),
        |id| id.to_string(),
    );
    let id = format!(
        "{}#{verb}/quote_requests/{number}",
        answer.quoted_author.uri
    );
    let activity = ap::Activity {
        context: Some(Context::Quotes),
        result: answer.approved,
        ..ap::Activity::new(kind, id, &answer.quoted_author.uri, request)
    };
    send_to(state, answer.quoted_author, answer.requester, activity).await
}

/// A local author withdrew their approval of `quote` (of their post
/// `quoted`, by `quoting`): the `Delete` of the authorization goes to the
/// quoting author's server (or, for a local quoting post, its remote
/// followers') and to the author's remote followers, who saw it.
pub async fn federate_quote_revocation(
    state: &AppState,
    author: &Account,
    quote: &Quote,
    quoting: &Status,
    quoted: &Status,
) -> Result<()> {
    if !author.is_local() {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    let mut inboxes = follows::remote_follower_inboxes(&mut conn, author.id).await?;
    let quoting_author = accounts::get_account_by_id(&mut conn, quoting.account_id).await?;
    if quoting_author.is_local() {
        inboxes.extend(follows::remote_follower_inboxes(&mut conn, quoting_author.id).await?);
    } else {
        inboxes.push(inbox_of(&quoting_author));
    }
    drop(conn);
    let authorization =
        documents::quote_authorization(&author.uri, quote.id, &quoting.uri, &quoted.uri);
    let id = format!("{}#delete", authorization.id);
    let activity = ap::Activity {
        context: Some(Context::Quotes),
        to: Some(vec![documents::PUBLIC.to_owned()]),
        ..ap::Activity::new(ActivityKind::Delete, id, &author.uri, authorization)
    };
    enqueue_deliveries(state, author, inboxes, &activity).await
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
        Some(_) => undo_announce(&author, &uri),
        None => deletion(&author, &uri, vec![documents::PUBLIC.into()]),
    };
    enqueue_deliveries(state, &author, inboxes, &activity).await
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
    let to = mentioned.iter().map(|a| a.uri.clone()).collect();
    let activity = deletion(author, &status.uri, to);
    let inboxes = mentioned.iter().map(inbox_of).collect();
    enqueue_deliveries(state, author, inboxes, &activity).await
}

/// The `Announce` of the status `original_uri` that the reblog `status`
/// by `author` is (a reblog's own uri is already its activity's id).
pub fn announce(
    status: &Status,
    author: &Account,
    original_uri: &str,
    to: Vec<String>,
    cc: Vec<String>,
) -> ap::Activity {
    ap::Activity {
        published: Some(crate::entities::timestamp(&status.created_at)),
        to: Some(to),
        cc: Some(cc),
        ..ap::Activity::new(
            ActivityKind::Announce,
            &status.uri,
            &author.uri,
            original_uri,
        )
    }
}

/// The `Undo` of the reblog `uri` by `author`, naming its `Announce`.
pub fn undo_announce(author: &Account, uri: &str) -> ap::Activity {
    let announce = ap::Activity {
        context: None,
        id: format!("{uri}/activity"),
        kind: ActivityKind::Announce,
        actor: author.uri.clone(),
        ..ap::Activity::default()
    };
    ap::Activity {
        to: Some(vec![documents::PUBLIC.into()]),
        ..ap::Activity::new(
            ActivityKind::Undo,
            format!("{uri}#undo"),
            &author.uri,
            announce,
        )
    }
}

/// The `Delete` of the status `uri` by `author`, addressed `to`.
pub fn deletion(author: &Account, uri: &str, to: Vec<String>) -> ap::Activity {
    let tombstone = ap::Tombstone { id: uri.to_owned() };
    ap::Activity {
        to: Some(to),
        ..ap::Activity::new(
            ActivityKind::Delete,
            format!("{uri}#delete"),
            &author.uri,
            tombstone,
        )
    }
}

/// An activity from a local account to all its remote followers.
pub async fn send_to_followers(
    state: &AppState,
    sender: &Account,
    activity: impl Serialize,
) -> Result<()> {
    if !sender.is_local() {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    let inboxes = follows::remote_follower_inboxes(&mut conn, sender.id).await?;
    drop(conn);
    enqueue_deliveries(state, sender, inboxes, &activity).await
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
    let activity = actor_update(account, person, chrono::Utc::now().timestamp_millis());
    send_to_followers(state, account, activity).await
}

/// The `Update` of `account`'s actor `person`, sent at `millis` (Unix
/// milliseconds, which make its id).
pub fn actor_update(account: &Account, person: ap::Actor, millis: i64) -> ap::Activity {
    let id = format!("{}#updates/{millis}", account.uri);
    ap::Activity {
        context: Some(Context::Mastodon),
        to: Some(vec![documents::PUBLIC.into()]),
        ..ap::Activity::new(ActivityKind::Update, id, &account.uri, person)
    }
}

/// `Add` (pin) or `Remove` (unpin) of a status in the actor's featured collection.
pub fn featured_change(actor: &Account, status: &Status, add: bool) -> ap::Activity {
    let (kind, verb) = if add {
        (ActivityKind::Add, "pins")
    } else {
        (ActivityKind::Remove, "unpins")
    };
    let id = format!("{}#{verb}/{}", actor.uri, status.id);
    ap::Activity {
        target: Some(format!("{}/collections/featured", actor.uri)),
        ..ap::Activity::new(kind, id, &actor.uri, &status.uri)
    }
}

/// An activity from a local account to one remote account.
pub async fn send_to(
    state: &AppState,
    sender: &Account,
    target: &Account,
    activity: impl Serialize,
) -> Result<()> {
    if target.is_local() || !sender.is_local() {
        return Ok(());
    }
    enqueue_deliveries(state, sender, vec![target.inbox_url.clone()], &activity).await
}

/// The id of `follower`'s follow of `target`.
pub fn follow_id(follower: &Account, target: &Account) -> String {
    format!("{}#follows/{}", follower.uri, target.id)
}

/// The `Follow` a local account sends a remote one.
pub fn follow_activity(follower: &Account, target: &Account) -> ap::Activity {
    ap::Activity::new(
        ActivityKind::Follow,
        follow_id(follower, target),
        &follower.uri,
        &target.uri,
    )
}

/// `Accept` or `Reject` of a remote follow (`follow_uri`: its activity id).
pub fn answer_follow(
    kind: &str,
    target: &Account,
    follower: &Account,
    follow_uri: &str,
) -> ap::Activity {
    let follow =
        ap::Activity::new(ActivityKind::Follow, follow_uri, &follower.uri, &target.uri).embedded();
    let id = format!("{}#{}s/{}", target.uri, kind.to_lowercase(), follower.id);
    ap::Activity::new(ActivityKind::from_name(kind), id, &target.uri, follow)
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
pub fn undo(actor: &Account, activity: ap::Activity) -> ap::Activity {
    activity.undo(&actor.uri)
}

/// A `Block` of `target` by `actor`.
pub fn block_activity(actor: &Account, target: &Account) -> ap::Activity {
    ap::Activity::new(
        ActivityKind::Block,
        format!("{}#blocks/{}", actor.uri, target.id),
        &actor.uri,
        &target.uri,
    )
}

/// A `Like` of a status.
pub fn like(actor: &Account, status: &Status) -> ap::Activity {
    ap::Activity::new(
        ActivityKind::Like,
        format!("{}#likes/{}", actor.uri, status.id),
        &actor.uri,
        &status.uri,
    )
}

/// The `Move` of local `account` to `target` (its followers then follow
/// the target).
pub fn move_activity(account: &Account, target: &Account) -> ap::Activity {
    ap::Activity {
        target: Some(target.uri.clone()),
        ..ap::Activity::new(
            ActivityKind::Move,
            format!("{}#moves/{}", account.uri, target.id),
            &account.uri,
            &account.uri,
        )
    }
}

/// The `Create` of `voter`'s vote for option `choice` (named `name`) of the
/// poll `poll_id` of `author`'s status `status_uri`.
pub fn poll_vote(
    voter: &Account,
    author: &Account,
    poll_id: i64,
    choice: i32,
    name: &str,
    status_uri: &str,
) -> ap::Activity {
    let id = format!("{}#votes/{poll_id}/{choice}", voter.uri);
    let vote = ap::PollVote {
        id: id.clone(),
        name: name.to_owned(),
        attributed_to: voter.uri.clone(),
        to: vec![author.uri.clone()],
        in_reply_to: status_uri.to_owned(),
    };
    ap::Activity {
        to: Some(vec![author.uri.clone()]),
        ..ap::Activity::new(
            ActivityKind::Create,
            format!("{id}/activity"),
            &voter.uri,
            vote,
        )
    }
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
