//! Resolving a URL someone pasted into search (`resolve=true`): a remote
//! actor or note is fetched (signed by the instance actor), checked and
//! stored; our own URLs are looked up locally.
use ferrodon_apub::activitypub::Document;
use ferrodon_db::models::{Account, Status};
use ferrodon_db::queries::{accounts, statuses};

use super::notes::{check_note_author, store_note};
use crate::authority::{authority_of, same_authority};
use crate::federation::actors::{fetch_document, resolve_actor, store_actor};
use crate::jobs::{self, Job};
use crate::{AppState, Error, Result};

/// What a URL turned out to be.
#[derive(Debug)]
pub enum Resolved {
    /// An account.
    Account(Account),
    /// A status.
    Status(Status),
}

/// Most replies fetched for one thread (a fetch budget per job).
pub const REPLIES_BUDGET: usize = 20;

/// Resolves `url` to an account or a status; `None` when it is neither.
/// A remote status's replies are then fetched by a `pull` job.
pub async fn resolve_url(state: &AppState, url: &str) -> Result<Option<Resolved>> {
    resolve(state, url, true).await
}

async fn resolve(state: &AppState, url: &str, with_replies: bool) -> Result<Option<Resolved>> {
    if authority_of(url) == authority_of(&state.config.base_url()) {
        let mut conn = state.conn().await?;
        if let Some(status) = statuses::find_status_by_uri(&mut conn, url).await? {
            return Ok(Some(Resolved::Status(status)));
        }
        return match accounts::get_account_by_uri(&mut conn, url).await {
            Ok(account) => Ok(Some(Resolved::Account(account))),
            Err(ferrodon_db::Error::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        };
    }
    {
        let mut conn = state.conn().await?;
        if let Some(status) = statuses::find_status_by_uri(&mut conn, url).await? {
            return Ok(Some(Resolved::Status(status)));
        }
    }
    match fetch_document(state, url).await {
        // fetch_document returns only documents served under their own id.
        Ok(Document::Actor(actor)) => Ok(Some(Resolved::Account(
            store_actor(state, &actor, &actor.id).await?,
        ))),
        Ok(Document::Object(note)) => {
            let author_uri = note
                .attributed_to_id()
                .ok_or_else(|| Error::validation("the object has no author"))?
                .to_owned();
            let author = resolve_actor(state, &author_uri, false).await?;
            check_note_author(&author, &note)?;
            let stored = store_note(state, &author, &note).await?;
            if let (true, Some(collection)) =
                (with_replies, note.replies.as_ref().and_then(|r| r.id()))
            {
                let job = Job::FetchReplies {
                    collection: collection.to_owned(),
                };
                if let Err(e) = jobs::enqueue(state, job).await {
                    tracing::warn!(%url, error = %e, "could not queue fetching replies");
                }
            }
            Ok(stored.map(Resolved::Status))
        }
        Ok(_) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn fetch_collection(
    state: &AppState,
    url: &str,
) -> Result<Option<ferrodon_apub::activitypub::Collection>> {
    match fetch_document(state, url).await? {
        Document::Collection(collection) => Ok(Some(*collection)),
        _ => Ok(None),
    }
}

/// Fetches the replies a remote note's `replies` collection lists (its
/// first page and the page after), up to [`REPLIES_BUDGET`] statuses, from
/// the collection's own server only. Returns how many were stored.
pub async fn fetch_replies(state: &AppState, collection_url: &str) -> Result<usize> {
    let Some(collection) = fetch_collection(state, collection_url).await? else {
        return Ok(0);
    };
    let mut ids: Vec<String> = collection.item_ids().map(str::to_owned).collect();
    let mut pages = Vec::new();
    if let Some(first) = &collection.first {
        match first.object() {
            Some(page) => {
                ids.extend(page.item_ids().map(str::to_owned));
                pages.extend(page.next.as_ref().and_then(|n| n.id()).map(str::to_owned));
            }
            None => pages.extend(first.id().map(str::to_owned)),
        }
    }
    let mut budget_pages = 2;
    while let Some(page_url) = pages.pop() {
        if budget_pages == 0 || !same_authority(&page_url, collection_url) {
            continue;
        }
        budget_pages -= 1;
        if let Some(page) = fetch_collection(state, &page_url).await? {
            ids.extend(page.item_ids().map(str::to_owned));
            pages.extend(page.next.as_ref().and_then(|n| n.id()).map(str::to_owned));
        }
    }
    let mut stored = 0;
    for id in ids
        .iter()
        .filter(|id| same_authority(id, collection_url))
        .take(REPLIES_BUDGET)
    {
        match resolve(state, id, false).await {
            Ok(Some(Resolved::Status(_))) => stored += 1,
            Ok(_) => {}
            Err(e @ Error::Unavailable(_)) => return Err(e),
            Err(e) => tracing::info!(reply = %id, error = %e, "reply not fetched"),
        }
    }
    Ok(stored)
}
