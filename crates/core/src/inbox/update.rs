//! `Update`: the signer's own profile, or an edit of (or new counts in the
//! poll of) one of its statuses.
use ferrodon_apub::activitypub::{Activity, Actor, Document, Object};
use ferrodon_apub::sanitize::sanitize_remote_html;
use ferrodon_db::models::{Account, Status};
use ferrodon_db::queries::{polls, statuses};

use super::notes::{embedded_note, poll_of};
use super::status_by_uri;
use crate::federation::actors::store_actor;
use crate::{live, AppState, Result};

/// What is updated, checked to be the signer's.
pub(super) enum Verified<'a> {
    /// The signer's own actor document.
    Profile(&'a Actor),
    /// A new version of a stored status of the signer's.
    Note {
        /// The new version, on the signer's host and attributed to it.
        note: &'a Object,
        /// The stored status.
        status: Box<Status>,
    },
}

/// An actor must be the signer itself; a note must be the signer's (on
/// its host, attributed to it, and stored as its status).
pub(super) async fn verify<'a>(
    state: &AppState,
    signer: &Account,
    activity: &'a Activity,
) -> Result<Option<Verified<'a>>> {
    match activity.embedded_object() {
        Some(Document::Actor(actor)) if actor.id == signer.uri => {
            Ok(Some(Verified::Profile(actor)))
        }
        Some(Document::Object(_)) => {
            let note = embedded_note(signer, activity)?;
            let uri = note.id.clone().unwrap_or_default();
            let Some(status) = status_by_uri(state, &uri).await? else {
                return Ok(None);
            };
            if status.account_id != signer.id {
                return Ok(None);
            }
            Ok(Some(Verified::Note {
                note,
                status: Box::new(status),
            }))
        }
        _ => Ok(None),
    }
}

/// Stores the profile, or the poll's new counts and the edit.
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified<'_>) -> Result<()> {
    match v {
        Verified::Profile(actor) => store_actor(state, actor, &signer.uri).await.map(|_| ()),
        Verified::Note { note, status } => edit(state, signer, note, &status).await,
    }
}

/// Applies a new version of `status`.
pub(super) async fn edit(
    state: &AppState,
    signer: &Account,
    note: &Object,
    status: &Status,
) -> Result<()> {
    // An approval of its quote may come with an edit (Mastodon sends one
    // once the quoted author accepted).
    super::quotes::check_quote_of(state, status, note, super::notes::MissingParent::Leave).await?;
    let content = sanitize_remote_html(note.content_for(None).unwrap_or_default());
    let mut conn = state.conn().await?;
    // New counts of a poll: not an edit of the status.
    if let Some(poll) = poll_of(note, status.id, signer.id) {
        if let Some(existing) = polls::polls_of_statuses(&mut conn, &[status.id])
            .await?
            .into_iter()
            .next()
        {
            polls::set_tallies(
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
            spoiler_text: spoiler.to_owned(),
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
