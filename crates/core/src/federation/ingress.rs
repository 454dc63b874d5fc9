//! Processing a delivered activity (the `ingress` queue), its signature
//! already checked and its actor already the signer. Every handler is
//! idempotent: a duplicate delivery changes nothing. Activities and objects
//! are only accepted from their own server: a server cannot create, edit
//! or delete another server's statuses, nor store anything under another
//! server's ids.
use ferrodon_apub::activitypub::{same_origin, Activity, Document, Object};
use ferrodon_apub::sanitize::sanitize_remote_html;
use ferrodon_db::models::{Account, NewNotification, NewStatus, Status, Visibility};
use ferrodon_db::queries::{accounts, blocks_mutes, follows, statuses};
use ferrodon_db::AsyncConnection;
use serde_json::Value;

use super::actors::{resolve_actor, same_authority, store_actor};
use super::outbox;
use crate::media::remote::{self, RemoteAttachment};
use crate::services::compose::{attach, Attach, Composed};
use crate::services::follow::{follow, unfollow, FollowOptions};
use crate::services::notify::notify;
use crate::{live, AppState, Error, Result};

/// Most attachments taken from a remote status.
const MAX_REMOTE_ATTACHMENTS: usize = 8;

/// Handles one activity from `signer_id`.
pub async fn process(state: &AppState, signer_id: i64, value: &Value) -> Result<()> {
    let mut conn = state.conn().await?;
    let signer = match accounts::get_account_by_id(&mut conn, signer_id).await {
        Ok(signer) => signer,
        Err(ferrodon_db::Error::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    let Ok(Document::Activity(activity)) = Document::from_value(value.clone()) else {
        tracing::info!(signer = %signer.uri, "ignoring a delivery that is not an activity");
        return Ok(());
    };
    let kind = activity.kind.as_str().to_owned();
    // Activities are stored under their id (a boost, a follow): an id on
    // another server would squat a URI that server will use.
    if !same_origin(&activity.id, &signer.uri) {
        tracing::info!(%kind, signer = %signer.uri, id = %activity.id, "activity refused: its id is not on the sender's server");
        return Ok(());
    }
    let outcome = match kind.as_str() {
        "Follow" => on_follow(state, &signer, &activity).await,
        "Accept" => on_accept(state, &signer, &activity).await,
        "Reject" => on_reject(state, &signer, &activity).await,
        "Undo" => on_undo(state, &signer, &activity).await,
        "Create" => on_create(state, &signer, &activity).await,
        "Update" => on_update(state, &signer, &activity).await,
        "Delete" => on_delete(state, &signer, &activity).await,
        "Like" => on_like(state, &signer, &activity).await,
        "Announce" => on_announce(state, &signer, &activity).await,
        "Block" => on_block(state, &signer, &activity).await,
        "Flag" => on_flag(state, &signer, &activity).await,
        "Move" => on_move(state, &signer, &activity).await,
        "Add" => on_featured(state, &signer, &activity, true).await,
        "Remove" => on_featured(state, &signer, &activity, false).await,
        other => {
            tracing::debug!(kind = other, signer = %signer.uri, "activity type not handled");
            Ok(())
        }
    };
    match outcome {
        // Bad content is the sender's problem: log it, do not retry.
        Err(Error::Validation(reason)) | Err(Error::BadRequest(reason)) => {
            tracing::info!(%kind, signer = %signer.uri, %reason, "activity refused");
            Ok(())
        }
        Err(Error::NotFound) | Err(Error::Forbidden(_)) => Ok(()),
        other => other,
    }
}

async fn local_account_by_uri(state: &AppState, uri: &str) -> Result<Option<Account>> {
    let mut conn = state.conn().await?;
    match accounts::get_account_by_uri(&mut conn, uri).await {
        Ok(a) if a.is_local() && a.id > 0 => Ok(Some(a)),
        Ok(_) | Err(ferrodon_db::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn status_by_uri(state: &AppState, uri: &str) -> Result<Option<Status>> {
    let mut conn = state.conn().await?;
    Ok(statuses::find_status_by_uri(&mut conn, uri).await?)
}

/// A remote account asks to follow a local one: follow (or request), and
/// answer `Accept` at once unless the account is locked.
async fn on_follow(state: &AppState, signer: &Account, activity: &Activity) -> Result<()> {
    let Some(target) = activity.object_id() else {
        return Ok(());
    };
    let Some(target) = local_account_by_uri(state, target).await? else {
        return Ok(());
    };
    let mut conn = state.conn().await?;
    if blocks_mutes::blocked_either_way(&mut conn, signer.id, target.id).await? {
        drop(conn);
        let reject = outbox::answer_follow("Reject", &target, signer, &activity.id);
        return outbox::send_to(state, &target, signer, reject).await;
    }
    drop(conn);
    follow(
        state,
        signer,
        target.id,
        FollowOptions {
            uri: Some(activity.id.clone()),
            ..FollowOptions::default()
        },
    )
    .await?;
    let mut conn = state.conn().await?;
    let following = follows::get_follow(&mut conn, signer.id, target.id)
        .await?
        .is_some();
    drop(conn);
    if following {
        let accept = outbox::answer_follow("Accept", &target, signer, &activity.id);
        outbox::send_to(state, &target, signer, accept).await?;
    }
    Ok(())
}

/// The id of the `Follow` an `Accept`/`Reject` answers.
fn answered_follow_id(activity: &Activity) -> String {
    match activity.embedded_object() {
        Some(Document::Activity(follow)) => follow.id.clone(),
        _ => activity.object_id().unwrap_or_default().to_owned(),
    }
}

/// The follower named in an `Accept`/`Reject` of our `Follow`.
async fn follower_in_answer(state: &AppState, activity: &Activity) -> Result<Option<Account>> {
    let follower_uri = match activity.embedded_object() {
        Some(Document::Activity(follow)) => follow.actor_id().map(str::to_owned),
        _ => activity
            .object_id()
            .and_then(|id| id.split("#follows/").next())
            .map(str::to_owned),
    };
    match follower_uri {
        Some(uri) => local_account_by_uri(state, &uri).await,
        None => Ok(None),
    }
}

/// A remote account accepted a local account's follow.
async fn on_accept(state: &AppState, signer: &Account, activity: &Activity) -> Result<()> {
    if super::relays::answered(state, signer, &answered_follow_id(activity), true).await? {
        return Ok(());
    }
    let Some(follower) = follower_in_answer(state, activity).await? else {
        return Ok(());
    };
    match crate::services::follow_requests::authorize_follow_request(state, signer, follower.id)
        .await
    {
        Ok(()) | Err(Error::NotFound) => Ok(()),
        Err(e) => Err(e),
    }
}

/// A remote account refused (or ended) a local account's follow.
async fn on_reject(state: &AppState, signer: &Account, activity: &Activity) -> Result<()> {
    if super::relays::answered(state, signer, &answered_follow_id(activity), false).await? {
        return Ok(());
    }
    let Some(follower) = follower_in_answer(state, activity).await? else {
        return Ok(());
    };
    unfollow(state, &follower, signer.id).await
}

async fn on_undo(state: &AppState, signer: &Account, activity: &Activity) -> Result<()> {
    let undone = match activity.embedded_object() {
        Some(Document::Activity(inner)) => inner.clone(),
        _ => {
            // A bare id: an Announce we stored under that id, if any.
            if let Some(id) = activity.object_id() {
                if let Some(reblog) = status_by_uri(state, id).await? {
                    return remove_reblog(state, signer, &reblog).await;
                }
            }
            return Ok(());
        }
    };
    if undone.actor_id() != Some(signer.uri.as_str()) {
        return Err(Error::validation("an Undo of someone else's activity"));
    }
    match undone.kind.as_str() {
        "Follow" => {
            let Some(target) = undone.object_id() else {
                return Ok(());
            };
            if let Some(target) = local_account_by_uri(state, target).await? {
                unfollow(state, signer, target.id).await?;
            }
            Ok(())
        }
        "Like" => {
            let Some(uri) = undone.object_id() else {
                return Ok(());
            };
            if let Some(status) = status_by_uri(state, uri).await? {
                crate::services::favourite::unfavourite(state, signer, status.id).await?;
            }
            Ok(())
        }
        "Announce" => match status_by_uri(state, &undone.id).await? {
            Some(reblog) => remove_reblog(state, signer, &reblog).await,
            None => Ok(()),
        },
        "Block" => {
            let Some(target) = undone.object_id() else {
                return Ok(());
            };
            if let Some(target) = local_account_by_uri(state, target).await? {
                crate::services::block::unblock(state, signer, target.id).await?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

async fn remove_reblog(state: &AppState, signer: &Account, reblog: &Status) -> Result<()> {
    if reblog.account_id != signer.id || reblog.reblog_of_id.is_none() {
        return Ok(());
    }
    crate::services::delete_status::delete_status(state, signer, reblog.id)
        .await
        .map(|_| ())
}

/// The note of a `Create`/`Update`: embedded, and on the signer's host.
fn embedded_note<'a>(signer: &Account, activity: &'a Activity) -> Result<&'a Object> {
    let note = activity
        .embedded_object()
        .and_then(Document::as_object)
        .ok_or_else(|| Error::validation("no embedded object"))?;
    check_note_author(signer, note)?;
    Ok(note)
}

/// A note must be on its author's host and attributed to it.
pub fn check_note_author(signer: &Account, note: &Object) -> Result<()> {
    let id = note
        .id
        .as_deref()
        .ok_or_else(|| Error::validation("object without id"))?;
    if !same_authority(id, &signer.uri) {
        return Err(Error::validation(format!(
            "{id} is not on the sender's host"
        )));
    }
    if note.attributed_to_id().is_some_and(|a| a != signer.uri) {
        return Err(Error::validation(
            "the object is attributed to someone else",
        ));
    }
    Ok(())
}

fn visibility_of(note: &Object, signer: &Account) -> Visibility {
    use ferrodon_apub::activitypub::Visibility as Wire;
    let followers = (!signer.followers_url.is_empty()).then_some(signer.followers_url.as_str());
    match note.visibility(followers) {
        Wire::Public => Visibility::Public,
        Wire::Unlisted => Visibility::Unlisted,
        Wire::Private => Visibility::Private,
        Wire::Direct => Visibility::Direct,
    }
}

fn attachment_kind(media_type: Option<&str>) -> &'static str {
    match media_type.unwrap_or("").split('/').next() {
        Some("image") => "image",
        Some("video") => "video",
        Some("audio") => "audio",
        _ => "unknown",
    }
}

/// A remote account's new status.
async fn on_create(state: &AppState, signer: &Account, activity: &Activity) -> Result<()> {
    let note = embedded_note(signer, activity)?;
    // A vote: a Note named after an option, in reply to one of our polls.
    if let (Some(name), Some(parent)) = (note.name.as_deref(), note.in_reply_to.as_deref()) {
        if note.content.as_deref().is_none_or(|c| c.trim().is_empty()) {
            if let Some(poll_status) = status_by_uri(state, parent).await? {
                if poll_status.local {
                    let uri = note.id.clone().unwrap_or_default();
                    let voted = crate::services::vote::record_remote_vote(
                        state,
                        signer,
                        poll_status.id,
                        name,
                        &uri,
                    )
                    .await?;
                    if voted {
                        return Ok(());
                    }
                }
            }
        }
    }
    store_note(state, signer, note).await.map(|_| ())
}

/// A remote Question's options and counts, as a poll row.
fn poll_of(
    note: &Object,
    status_id: i64,
    account_id: i64,
) -> Option<ferrodon_db::queries::polls::NewPoll> {
    let (options, multiple) = note.poll_options()?;
    let options: Vec<_> = options.iter().take(16).collect();
    let tallies: Vec<i32> = options
        .iter()
        .map(|o| i32::try_from(o.votes()).unwrap_or(i32::MAX))
        .collect();
    let votes: i32 = tallies.iter().sum();
    Some(ferrodon_db::queries::polls::NewPoll {
        status_id,
        account_id,
        options: options
            .iter()
            .map(|o| {
                o.name
                    .clone()
                    .unwrap_or_default()
                    .chars()
                    .take(200)
                    .collect()
            })
            .collect(),
        tallies,
        multiple,
        hide_totals: false,
        votes_count: votes,
        voters_count: note
            .voters_count
            .and_then(|v| i32::try_from(v).ok())
            .unwrap_or(votes),
        expires_at: note.end_time,
    })
}

/// Stores a remote note by `signer` (already checked to be its author, on
/// its host) unless it is known; returns the status (`None` for a direct
/// message that concerns no one here).
pub async fn store_note(
    state: &AppState,
    signer: &Account,
    note: &Object,
) -> Result<Option<Status>> {
    let uri = note.id.clone().unwrap_or_default();
    if let Some(known) = status_by_uri(state, &uri).await? {
        return Ok(Some(known));
    }
    let visibility = visibility_of(note, signer);
    let mut conn = state.conn().await?;
    let parent = match note.in_reply_to.as_deref() {
        Some(parent) => statuses::find_status_by_uri(&mut conn, parent).await?,
        None => None,
    };
    let mut mentioned = Vec::new();
    for href in note.mentioned_ids() {
        if let Ok(account) = accounts::get_account_by_uri(&mut conn, href).await {
            if !mentioned.iter().any(|a: &Account| a.id == account.id) {
                mentioned.push(account);
            }
        }
    }
    // A direct message that mentions no one here is not for us.
    if visibility == Visibility::Direct && !mentioned.iter().any(Account::is_local) {
        return Ok(None);
    }
    let composed = Composed {
        content: sanitize_remote_html(note.content_for(None).unwrap_or_default()),
        mentioned,
        hashtags: note.hashtags().map(str::to_owned).take(32).collect(),
    };
    let title = note.name.clone().filter(|_| note.kind.as_str() != "Note");
    let content = match title {
        // Articles and pages: the title leads, as Mastodon shows them.
        Some(title) => format!(
            "<p><strong>{}</strong></p>{}",
            crate::text::escape_html(&title),
            composed.content
        ),
        None => composed.content.clone(),
    };
    let attachments: Vec<RemoteAttachment> = note
        .attachment
        .iter()
        .filter_map(|a| {
            a.url().map(|url| RemoteAttachment {
                url: url.to_owned(),
                preview_url: None,
                kind: attachment_kind(a.media_type()).to_owned(),
                description: a.description().map(|d| d.chars().take(1500).collect()),
                blurhash: a.blurhash.clone(),
            })
        })
        .take(MAX_REMOTE_ATTACHMENTS)
        .collect();
    let language = note.language().map(str::to_owned);
    let reject_media = super::domains::block_for(state, &signer.uri)
        .await?
        .is_some_and(|b| b.reject_media || b.is_suspend());
    let attachments = if reject_media {
        Vec::new()
    } else {
        attachments
    };
    super::emojis::learn(&mut conn, &signer.uri, note.tag.iter()).await?;
    let quoted = match note.quote_id() {
        Some(quoted_uri) => statuses::find_status_by_uri(&mut conn, quoted_uri)
            .await?
            .filter(|q| q.reblog_of_id.is_none()),
        None => None,
    };
    let quoted = match quoted {
        Some(q) => {
            let state = crate::services::quote::remote_quote_state(&mut conn, signer, &q).await?;
            Some((q, state))
        }
        None => None,
    };
    let (status, notes, media_ids) = conn
        .transaction(async |conn| {
            let id = accounts::next_id(conn).await?;
            let status = statuses::put_status(
                conn,
                &NewStatus {
                    id,
                    uri: uri.clone(),
                    url: note
                        .url_href()
                        .map(str::to_owned)
                        .or_else(|| Some(uri.clone())),
                    account_id: signer.id,
                    in_reply_to_id: parent.as_ref().map(|p| p.id),
                    in_reply_to_account_id: parent.as_ref().map(|p| p.account_id),
                    reblog_of_id: None,
                    text: String::new(),
                    content: content.clone(),
                    spoiler_text: note
                        .content_warning()
                        .unwrap_or_default()
                        .chars()
                        .take(1000)
                        .collect(),
                    sensitive: note.sensitive.unwrap_or(false),
                    visibility: visibility.as_i16(),
                    language: language.clone().filter(|l| l.len() <= 8),
                    local: false,
                    application_id: None,
                    quote_approval_policy: 0,
                },
            )
            .await?;
            attach(conn, status.id, &composed, Attach::New).await?;
            if let Some(poll) = poll_of(note, status.id, signer.id) {
                ferrodon_db::queries::polls::put_poll(conn, &poll).await?;
            }
            accounts::add_to_statuses_count(conn, signer.id, 1).await?;
            if let Some(p) = &parent {
                statuses::add_to_status_counter(conn, p.id, statuses::StatusCounter::Replies, 1)
                    .await?;
            }
            let mut media_ids = Vec::new();
            for attachment in &attachments {
                media_ids.push(
                    remote::register(conn, signer.id, status.id, attachment)
                        .await?
                        .id,
                );
            }
            let mut notes = Vec::new();
            if let Some((quoted, state)) = &quoted {
                let note =
                    crate::services::quote::store_quote(conn, signer.id, &status, quoted, *state)
                        .await?;
                notes.extend(note);
            }
            for account in composed.mentioned.iter().filter(|a| a.is_local()) {
                notes.extend(
                    notify(
                        conn,
                        &NewNotification {
                            account_id: account.id,
                            from_account_id: signer.id,
                            kind: ferrodon_db::models::NotificationKind::Mention,
                            status_id: Some(status.id),
                        },
                    )
                    .await?,
                );
            }
            Ok::<_, Error>((status, notes, media_ids))
        })
        .await?;
    drop(conn);
    for media_id in media_ids {
        if let Err(e) =
            crate::jobs::enqueue(state, crate::jobs::Job::CacheRemoteMedia { media_id }).await
        {
            tracing::warn!(media_id, error = %e, "could not queue a remote media download");
        }
    }
    live::status_created(state, &status).await;
    live::notifications_created(state, &notes).await;
    Ok(Some(status))
}

/// Profile updates (the actor itself) and status edits.
async fn on_update(state: &AppState, signer: &Account, activity: &Activity) -> Result<()> {
    match activity.embedded_object() {
        Some(Document::Actor(actor)) if actor.id == signer.uri => {
            store_actor(state, actor, &signer.uri).await.map(|_| ())
        }
        Some(Document::Object(_)) => {
            let note = embedded_note(signer, activity)?;
            let uri = note.id.clone().unwrap_or_default();
            let Some(status) = status_by_uri(state, &uri).await? else {
                return Ok(());
            };
            if status.account_id != signer.id {
                return Ok(());
            }
            let content = sanitize_remote_html(note.content_for(None).unwrap_or_default());
            let mut conn = state.conn().await?;
            // New counts of a poll: not an edit of the status.
            if let Some(poll) = poll_of(note, status.id, signer.id) {
                if let Some(existing) =
                    ferrodon_db::queries::polls::polls_of_statuses(&mut conn, &[status.id])
                        .await?
                        .into_iter()
                        .next()
                {
                    ferrodon_db::queries::polls::set_tallies(
                        &mut conn,
                        existing.id,
                        &poll.tallies,
                        Some(poll.voters_count),
                    )
                    .await?;
                }
            }
            let spoiler = note.content_warning().unwrap_or_default();
            if content == status.content && spoiler == status.spoiler_text {
                return Ok(());
            }
            let edited = statuses::update_status_content(
                &mut conn,
                status.id,
                &statuses::StatusContentChanges {
                    text: String::new(),
                    content,
                    spoiler_text: note.content_warning().unwrap_or_default().to_owned(),
                    sensitive: note.sensitive.unwrap_or(status.sensitive),
                    language: status.language.clone(),
                    edited_at: note.updated.unwrap_or_else(chrono::Utc::now),
                    updated_at: chrono::Utc::now(),
                },
            )
            .await?;
            drop(conn);
            live::status_edited(state, &edited).await;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A deleted status (or a deleted account: suspended here).
async fn on_delete(state: &AppState, signer: &Account, activity: &Activity) -> Result<()> {
    let Some(uri) = activity.object_id() else {
        return Ok(());
    };
    if uri == signer.uri {
        let mut conn = state.conn().await?;
        accounts::suspend_remote_account(&mut conn, signer.id).await?;
        return Ok(());
    }
    let Some(status) = status_by_uri(state, uri).await? else {
        return Ok(());
    };
    if status.account_id != signer.id {
        return Err(Error::validation("a Delete of someone else's status"));
    }
    crate::services::delete_status::delete_status(state, signer, status.id)
        .await
        .map(|_| ())
}

async fn on_like(state: &AppState, signer: &Account, activity: &Activity) -> Result<()> {
    let Some(uri) = activity.object_id() else {
        return Ok(());
    };
    let Some(status) = status_by_uri(state, uri).await? else {
        return Ok(());
    };
    crate::services::favourite::favourite(state, signer, status.id).await
}

/// A boost of a status we know: stored as a reblog under the activity's id.
async fn on_announce(state: &AppState, signer: &Account, activity: &Activity) -> Result<()> {
    if status_by_uri(state, &activity.id).await?.is_some() {
        return Ok(());
    }
    let Some(uri) = activity.object_id() else {
        return Ok(());
    };
    // A relay's announce: the post itself enters the federated timeline.
    if super::relays::is_relay(state, signer).await? {
        if status_by_uri(state, uri).await?.is_none() {
            super::resolve::resolve_url(state, uri).await?;
        }
        return Ok(());
    }
    let Some(original) = status_by_uri(state, uri).await? else {
        return Ok(());
    };
    if original.visibility() > Visibility::Unlisted {
        return Ok(());
    }
    let followers = (!signer.followers_url.is_empty()).then_some(signer.followers_url.as_str());
    let visibility = match activity.visibility(followers) {
        ferrodon_apub::activitypub::Visibility::Public => Visibility::Public,
        ferrodon_apub::activitypub::Visibility::Unlisted => Visibility::Unlisted,
        _ => Visibility::Private,
    };
    let mut conn = state.conn().await?;
    let (reblog, note) = conn
        .transaction(async |conn| {
            let id = accounts::next_id(conn).await?;
            let reblog = statuses::put_status(
                conn,
                &NewStatus::reblog(
                    id,
                    activity.id.clone(),
                    signer.id,
                    original.id,
                    visibility,
                    false,
                ),
            )
            .await?;
            statuses::add_to_status_counter(conn, original.id, statuses::StatusCounter::Reblogs, 1)
                .await?;
            let note = if original.local {
                notify(
                    conn,
                    &NewNotification {
                        account_id: original.account_id,
                        from_account_id: signer.id,
                        kind: ferrodon_db::models::NotificationKind::Reblog,
                        status_id: Some(original.id),
                    },
                )
                .await?
            } else {
                None
            };
            Ok::<_, Error>((reblog, note))
        })
        .await?;
    drop(conn);
    live::status_created(state, &reblog).await;
    live::notifications_created(state, note.as_slice()).await;
    Ok(())
}

/// A remote account blocks a local one: follows between them end.
async fn on_block(state: &AppState, signer: &Account, activity: &Activity) -> Result<()> {
    let Some(target) = activity.object_id() else {
        return Ok(());
    };
    let Some(target) = local_account_by_uri(state, target).await? else {
        return Ok(());
    };
    crate::services::block::block(state, signer, target.id).await
}

/// A report from another server about a local account (and its statuses),
/// stored for moderators unless the server's reports are rejected.
async fn on_flag(state: &AppState, signer: &Account, activity: &Activity) -> Result<()> {
    if super::domains::block_for(state, &signer.uri)
        .await?
        .is_some_and(|b| b.reject_reports)
    {
        return Ok(());
    }
    let mut target = None;
    let mut status_ids = Vec::new();
    let mut conn = state.conn().await?;
    for id in activity.object_ids().take(100) {
        if let Ok(account) = accounts::get_account_by_uri(&mut conn, id).await {
            if account.is_local() && target.is_none() {
                target = Some(account);
            }
        } else if let Some(status) = statuses::find_status_by_uri(&mut conn, id).await? {
            if status.local {
                status_ids.push(status);
            }
        }
    }
    let Some(target) = target else {
        // Mastodon servers name the account; a report of statuses alone names their author.
        let Some(first) = status_ids.first() else {
            return Ok(());
        };
        let author = accounts::get_account_by_id(&mut conn, first.account_id).await?;
        return store_report(&mut conn, signer, &author, &status_ids, activity).await;
    };
    store_report(&mut conn, signer, &target, &status_ids, activity).await
}

async fn store_report(
    conn: &mut ferrodon_db::Conn,
    signer: &Account,
    target: &Account,
    statuses_reported: &[Status],
    activity: &Activity,
) -> Result<()> {
    let ids: Vec<i64> = statuses_reported
        .iter()
        .filter(|s| s.account_id == target.id)
        .map(|s| s.id)
        .collect();
    ferrodon_db::queries::reports::put_report(
        conn,
        &ferrodon_db::queries::reports::NewReport {
            account_id: signer.id,
            target_account_id: target.id,
            status_ids: ids,
            comment: activity
                .content
                .as_deref()
                .map(ferrodon_apub::sanitize::plain_text)
                .unwrap_or_default()
                .chars()
                .take(1000)
                .collect(),
            category: "other".into(),
            forward: false,
        },
    )
    .await?;
    Ok(())
}

/// An account moved to another: if the new account names the old one in
/// `alsoKnownAs`, local followers of the old account follow the new one.
async fn on_move(state: &AppState, signer: &Account, activity: &Activity) -> Result<()> {
    if activity.object_id() != Some(signer.uri.as_str()) {
        return Err(Error::validation("a Move of someone else"));
    }
    let Some(target_uri) = activity.target_id() else {
        return Ok(());
    };
    let target = if same_authority(target_uri, &state.config.base_url()) {
        // A move to one of our own accounts: its aliases are here.
        let mut conn = state.conn().await?;
        let target = accounts::get_account_by_uri(&mut conn, target_uri).await?;
        drop(conn);
        if !crate::services::account_migration::names_as_alias(state, &target, signer).await? {
            return Err(Error::validation(format!(
                "{target_uri} does not name {} as an alias",
                signer.uri
            )));
        }
        target
    } else {
        let target_actor = super::actors::fetch_actor(state, target_uri).await?;
        if !target_actor
            .also_known_as
            .iter()
            .any(|aka| *aka == signer.uri)
        {
            return Err(Error::validation(format!(
                "{target_uri} does not name {} as an alias",
                signer.uri
            )));
        }
        store_actor(state, &target_actor, target_uri).await?
    };
    let mut conn = state.conn().await?;
    accounts::set_moved_to(&mut conn, signer.id, target.id).await?;
    drop(conn);
    crate::services::account_migration::carry_local_followers(state, signer, &target).await
}

/// A status pinned to (`Add`) or unpinned from (`Remove`) the signer's
/// featured collection.
async fn on_featured(
    state: &AppState,
    signer: &Account,
    activity: &Activity,
    add: bool,
) -> Result<()> {
    let featured = activity.target_id().unwrap_or_default();
    if !featured.ends_with("/featured") || !same_authority(featured, &signer.uri) {
        return Ok(());
    }
    let Some(uri) = activity.object_id() else {
        return Ok(());
    };
    let Some(status) = status_by_uri(state, uri).await? else {
        return Ok(());
    };
    if status.account_id != signer.id {
        return Ok(());
    }
    if add {
        crate::services::pin::pin(state, signer, status.id).await
    } else {
        crate::services::pin::unpin(state, signer, status.id).await
    }
}

/// Makes sure a remote actor mentioned in an activity is known (used when
/// an activity references an actor we have not seen).
pub async fn ensure_actor(state: &AppState, uri: &str) -> Result<Account> {
    resolve_actor(state, uri, false).await
}
