//! `Create`: a remote account's new status, or its vote in one of our
//! polls (a note named after an option, in reply to the poll).
use ferrodon_apub::activitypub::{Activity, Object};
use ferrodon_db::models::{Account, Status};

use super::notes::{embedded_note, store_note};
use super::status_by_uri;
use crate::services::vote::record_remote_vote;
use crate::{AppState, Result};

/// A note by the signer, on the signer's host.
pub(super) struct Verified<'a> {
    note: &'a Object,
    /// The local poll the note answers, with the option it names, when
    /// the note looks like a vote.
    vote: Option<(Status, &'a str)>,
}

/// The note must be embedded, on the signer's host and attributed to it.
pub(super) async fn verify<'a>(
    state: &AppState,
    signer: &Account,
    activity: &'a Activity,
) -> Result<Option<Verified<'a>>> {
    let note = embedded_note(signer, activity)?;
    let mut vote = None;
    // A vote: a Note named after an option, in reply to one of our polls.
    if let (Some(name), Some(parent)) = (note.name.as_deref(), note.in_reply_to.as_deref()) {
        if note.content.as_deref().is_none_or(|c| c.trim().is_empty()) {
            vote = status_by_uri(state, parent)
                .await?
                .filter(|poll_status| poll_status.local)
                .map(|poll_status| (poll_status, name));
        }
    }
    Ok(Some(Verified { note, vote }))
}

/// Records the vote, or else stores the note.
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified<'_>) -> Result<()> {
    if let Some((poll_status, option)) = &v.vote {
        let uri = v.note.id.clone().unwrap_or_default();
        if record_remote_vote(state, signer, poll_status.id, option, &uri).await? {
            return Ok(());
        }
    }
    store_note(state, signer, v.note).await.map(|_| ())
}
