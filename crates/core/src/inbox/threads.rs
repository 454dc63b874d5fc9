//! Whole threads: a reply whose parent we do not have gets its ancestors
//! fetched, and opening a remote thread fetches the replies we lack. Both
//! run on the `pull` queue, fetch every post from its own server (signed
//! by the instance actor, through the guarded client) and have a budget of
//! fetches per job, so a hostile server cannot make one job endless.
//!
//! ```text
//!  stored reply, parent unknown ──▶ FetchAncestors ──▶ parent, grandparent, … (≤ 32)
//!                                                      stored top-down, child linked
//!  GET /api/v1/statuses/:id/context on a remote thread
//!     └─ once per root per 15 min, ≤ 10 a minute per domain
//!        ──▶ BackfillReplies(root) ──▶ replies collections, breadth first
//!                                      (≤ 10 pages, ≤ 60 posts)
//! ```
use ferrodon_db::{AccountId, StatusId};
use std::collections::{HashSet, VecDeque};

use deadpool_redis::redis;
use ferrodon_apub::activitypub::{Collection, Document, Object};
use ferrodon_db::models::{Account, Status};
use ferrodon_db::queries::statuses;
use ferrodon_db::AsyncConnection;

use super::notes::{check_note_author, store_note_with, MissingParent};
use super::status_by_uri;
use crate::authority::{authority_of, same_authority};
use crate::federation::actors::{fetch_document, known_actor, resolve_actor};
use crate::jobs::{self, Job};
use crate::{AppState, Error, Result};

/// Most ancestors one reply makes us fetch. Clients show a thread's
/// ancestors above the post and Mastodon stops walking up after a few
/// dozen; a longer chain is more often a server inventing parents than a
/// conversation, and each step is a request to someone's server.
pub const MAX_ANCESTOR_DEPTH: usize = 32;

/// Most documents (posts and their authors' actors) one ancestors job
/// fetches: the depth, plus room for the authors we do not know yet.
pub const ANCESTOR_FETCH_BUDGET: usize = 48;

/// Most collection documents (a `replies` collection or one of its pages)
/// one backfill fetches.
pub const BACKFILL_MAX_PAGES: usize = 10;

/// Most posts one backfill fetches. Mastodon's defaults are far larger
/// (500 per status, 1,000 per thread); ours keep one job to about a
/// minute on a slow server, and a thread is opened again later.
pub const BACKFILL_MAX_POSTS: usize = 60;

/// How long after a thread's backfill another is not started: Mastodon's
/// FETCH_REPLIES_COOLDOWN_MINUTES default.
pub const BACKFILL_COOLDOWN_SECS: u64 = 15 * 60;

/// Most backfills started for threads of one remote domain a minute, so
/// that people scrolling through a busy server's threads do not make us
/// crawl it.
pub const BACKFILLS_PER_DOMAIN_PER_MINUTE: u64 = 10;

fn is_local(state: &AppState, url: &str) -> bool {
    authority_of(url) == authority_of(&state.config.base_url())
}

/// Queues fetching the ancestors of `status_id`, whose parent
/// `in_reply_to` we do not have. Failing to queue is logged: the reply is
/// stored either way.
pub(super) async fn queue_ancestors(state: &AppState, status_id: i64, in_reply_to: &str) {
    if is_local(state, in_reply_to) {
        return;
    }
    let job = Job::FetchAncestors {
        status_id,
        in_reply_to: in_reply_to.to_owned(),
    };
    if let Err(e) = jobs::enqueue(state, job).await {
        tracing::warn!(status_id, %in_reply_to, error = %e, "could not queue fetching ancestors");
    }
}

/// Fetches the documents of one job within a budget.
struct Budget(usize);

impl Budget {
    fn spend(&mut self) -> Result<()> {
        if self.0 == 0 {
            return Err(Error::validation("the job's fetch budget is spent"));
        }
        self.0 -= 1;
        Ok(())
    }
}

/// The post at `url` (served there under that very id) and its author,
/// fetched within `budget`; `None` when it is not a post or its author is
/// suspended here.
async fn fetch_post(
    state: &AppState,
    url: &str,
    budget: &mut Budget,
) -> Result<Option<(Account, Box<Object>)>> {
    budget.spend()?;
    let Document::Object(note) = fetch_document(state, url).await? else {
        return Ok(None);
    };
    let author_uri = note
        .attributed_to_id()
        .ok_or_else(|| Error::validation(format!("{url} has no author")))?
        .to_owned();
    if known_actor(state, &author_uri).await?.is_none() {
        budget.spend()?;
    }
    let author = resolve_actor(state, &author_uri, false).await?;
    if author.suspended_at.is_some() {
        return Ok(None);
    }
    check_note_author(&author, &note)?;
    Ok(Some((author, note)))
}

/// Fetches the ancestors of stored status `status_id` from its parent
/// `in_reply_to` up, until one we have, the thread's root,
/// [`MAX_ANCESTOR_DEPTH`] or [`ANCESTOR_FETCH_BUDGET`]; stores them from
/// the top down (each linked to the one above) and links the status to its
/// parent. Returns how many were stored. A server that is down fails the
/// job (it is retried) only when nothing was fetched.
pub async fn fetch_ancestors(state: &AppState, status_id: i64, in_reply_to: &str) -> Result<usize> {
    let mut conn = state.conn().await?;
    let child = match statuses::get_status_by_id(&mut conn, status_id).await {
        Ok(child) => child,
        Err(ferrodon_db::Error::NotFound) => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    if child.in_reply_to_id.is_some() {
        return Ok(0);
    }
    let mut budget = Budget(ANCESTOR_FETCH_BUDGET);
    let mut chain: Vec<(Account, Box<Object>)> = Vec::new();
    let mut seen = HashSet::from([child.uri.clone()]);
    let mut next = Some(in_reply_to.to_owned());
    let mut failure = None;
    while let Some(uri) = next.take() {
        if chain.len() >= MAX_ANCESTOR_DEPTH || !seen.insert(uri.clone()) || is_local(state, &uri) {
            break;
        }
        if status_by_uri(state, &uri).await?.is_some() {
            break;
        }
        match fetch_post(state, &uri, &mut budget).await {
            // Only a post served under the id its child names links up.
            Ok(Some((author, note))) if note.id.as_deref() == Some(uri.as_str()) => {
                next = note.in_reply_to.clone();
                chain.push((author, note));
            }
            Ok(_) => break,
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let mut stored = 0;
    for (author, note) in chain.iter().rev() {
        if store_note_with(state, author, note, MissingParent::Leave)
            .await?
            .is_some()
        {
            stored += 1;
        }
    }
    link_to_parent(state, &child, in_reply_to).await?;
    match failure {
        Some(e @ Error::Unavailable(_)) if chain.is_empty() => Err(e),
        Some(e) => {
            tracing::info!(status_id, %in_reply_to, stored, error = %e, "ancestors fetched in part");
            Ok(stored)
        }
        None => Ok(stored),
    }
}

/// Makes the stored `in_reply_to` the parent of `child`, counting the
/// reply, unless that would close a loop (the parent descends from the
/// child). True when linked.
async fn link_to_parent(state: &AppState, child: &Status, in_reply_to: &str) -> Result<bool> {
    let Some(parent) = status_by_uri(state, in_reply_to).await? else {
        return Ok(false);
    };
    let mut conn = state.conn().await?;
    let above = statuses::list_ancestor_ids(&mut conn, StatusId::new(parent.id), 1000).await?;
    if parent.id == child.id || above.contains(&child.id) {
        return Ok(false);
    }
    let (child_id, parent_id, parent_account) = (child.id, parent.id, parent.account_id);
    conn.transaction(async |conn| {
        let linked = statuses::set_status_parent(
            conn,
            StatusId::new(child_id),
            StatusId::new(parent_id),
            AccountId::new(parent_account),
        )
        .await?;
        if linked {
            statuses::add_to_status_counter(conn, parent_id, statuses::StatusCounter::Replies, 1)
                .await?;
        }
        Ok::<_, Error>(linked)
    })
    .await
}

/// Asks for the replies of the thread whose root (the farthest ancestor
/// we have) is `root_id` to be fetched, when the root is remote: at most
/// once per root per [`BACKFILL_COOLDOWN_SECS`], and
/// [`BACKFILLS_PER_DOMAIN_PER_MINUTE`] times a minute per domain. True
/// when a job was queued.
pub async fn request_backfill(state: &AppState, root_id: i64) -> Result<bool> {
    let mut conn = state.conn().await?;
    let root = statuses::get_status_by_id(&mut conn, root_id).await?;
    drop(conn);
    if root.local || root.reblog_of_id.is_some() {
        return Ok(false);
    }
    let Some(domain) = authority_of(&root.uri) else {
        return Ok(false);
    };
    let mut redis = state.redis().await?;
    let cooldown = state.redis_key(&format!("thread:backfill:{root_id}"));
    let claimed: Option<String> = redis::cmd("SET")
        .arg(&cooldown)
        .arg(1)
        .arg("NX")
        .arg("EX")
        .arg(BACKFILL_COOLDOWN_SECS)
        .query_async(&mut *redis)
        .await?;
    if claimed.is_none() {
        return Ok(false);
    }
    let per_domain = state.redis_key(&format!("thread:backfills:{domain}"));
    let (started,): (u64,) = redis::pipe()
        .cmd("SET")
        .arg(&per_domain)
        .arg(0)
        .arg("NX")
        .arg("EX")
        .arg(60)
        .ignore()
        .cmd("INCR")
        .arg(&per_domain)
        .query_async(&mut *redis)
        .await?;
    if started > BACKFILLS_PER_DOMAIN_PER_MINUTE {
        // Not now: the next view, after the minute, may start it.
        let _: () = redis::cmd("DEL")
            .arg(&cooldown)
            .query_async(&mut *redis)
            .await?;
        return Ok(false);
    }
    drop(redis);
    jobs::enqueue(state, Job::BackfillReplies { status_id: root_id }).await?;
    Ok(true)
}

/// Fetches the replies of remote status `status_id`, and theirs, breadth
/// first, through their `replies` collections, within
/// [`BACKFILL_MAX_PAGES`] collection documents and [`BACKFILL_MAX_POSTS`]
/// posts; stores those we lack (each fetched from its own server). Returns
/// how many were stored.
pub async fn backfill_replies(state: &AppState, status_id: i64) -> Result<usize> {
    let mut conn = state.conn().await?;
    let status = match statuses::get_status_by_id(&mut conn, status_id).await {
        Ok(status) => status,
        Err(ferrodon_db::Error::NotFound) => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    if status.local {
        return Ok(0);
    }
    let mut posts = Budget(BACKFILL_MAX_POSTS);
    let mut pages = Budget(BACKFILL_MAX_PAGES);
    let root = match fetch_post(state, &status.uri, &mut posts).await {
        Ok(Some((_, root))) => root,
        Ok(None) => return Ok(0),
        Err(e @ Error::Unavailable(_)) => return Err(e),
        Err(e) => {
            tracing::info!(status_id, error = %e, "thread not backfilled");
            return Ok(0);
        }
    };
    let mut collections: VecDeque<String> = replies_of(&root).into_iter().collect();
    let mut seen = HashSet::from([status.uri.clone()]);
    let mut stored = 0;
    while let Some(collection) = collections.pop_front() {
        let items = match collection_items(state, &collection, &mut pages).await {
            Ok(items) => items,
            Err(e) => {
                tracing::info!(%collection, error = %e, "replies collection not read");
                continue;
            }
        };
        for id in items {
            if !seen.insert(id.clone()) || is_local(state, &id) {
                continue;
            }
            if posts.0 == 0 {
                return Ok(stored);
            }
            let known = status_by_uri(state, &id).await?.is_some();
            match fetch_post(state, &id, &mut posts).await {
                Ok(Some((author, note))) => {
                    if !known
                        && store_note_with(state, &author, &note, MissingParent::Fetch)
                            .await?
                            .is_some()
                    {
                        stored += 1;
                    }
                    collections.extend(replies_of(&note));
                }
                Ok(None) => {}
                Err(e) => tracing::info!(reply = %id, error = %e, "reply not fetched"),
            }
        }
    }
    Ok(stored)
}

/// The id of a post's `replies` collection, when it is on the post's server.
fn replies_of(note: &Object) -> Option<String> {
    let id = note.replies.as_ref()?.id()?;
    same_authority(id, note.id.as_deref()?).then(|| id.to_owned())
}

async fn fetch_collection(state: &AppState, url: &str, pages: &mut Budget) -> Result<Collection> {
    pages.spend()?;
    match fetch_document(state, url).await? {
        Document::Collection(collection) => Ok(*collection),
        other => Err(Error::validation(format!(
            "{url} is a {}, not a collection",
            other.class().name()
        ))),
    }
}

/// The item ids a collection at `url` lists, following its pages on its
/// own server while `pages` lasts.
async fn collection_items(state: &AppState, url: &str, pages: &mut Budget) -> Result<Vec<String>> {
    let collection = fetch_collection(state, url, pages).await?;
    let mut ids: Vec<String> = collection.item_ids().map(str::to_owned).collect();
    let mut next = match &collection.first {
        Some(first) => match first.object() {
            Some(page) => {
                ids.extend(page.item_ids().map(str::to_owned));
                page.next.as_ref().and_then(|n| n.id()).map(str::to_owned)
            }
            None => first.id().map(str::to_owned),
        },
        None => None,
    };
    while let Some(page_url) = next.take() {
        if pages.0 == 0 || !same_authority(&page_url, url) {
            break;
        }
        let page = fetch_collection(state, &page_url, pages).await?;
        ids.extend(page.item_ids().map(str::to_owned));
        next = page.next.as_ref().and_then(|n| n.id()).map(str::to_owned);
    }
    Ok(ids)
}
