//! Quotes of remote posts arriving from other servers (FEP-044f, as
//! Mastodon 4.5 checks them). A remote post quoting a post of a third
//! server shows the quote only once the quoted author approved it: its
//! `quoteAuthorization` is fetched from the quoted author's own server and
//! must name the quoted author (`attributedTo`), the quoting post
//! (`interactingObject`) and the quoted post (`interactionTarget`). A
//! quoted post we do not have is fetched first. Both happen in one
//! `VerifyQuote` job on the `pull` queue, which fetches at most the quoted
//! post, its author and the authorization.
//!
//! ```text
//!  Create/Update of a note quoting a remote post
//!     ├─ quoted post unknown ───────────┐
//!     └─ quote pending, quoteAuthorization given
//!                                       ▼
//!                        VerifyQuote: quoted post (fetched, stored; its own
//!                        quote is not followed further), quote row, then
//!                        the authorization from its own server ──▶ accepted
//! ```
use ferrodon_apub::activitypub::{Document, Object};
use ferrodon_db::models::{Account, QuoteState, Status};
use ferrodon_db::queries::{accounts, quotes, statuses};
use ferrodon_db::AsyncConnection;
use serde_json::Value;

use super::notes::{check_note_author, store_note_with, MissingParent};
use super::status_by_uri;
use crate::authority::{authority_of, same_authority};
use crate::federation::actors::{fetch_document, fetch_verified_json, resolve_actor};
use crate::jobs::{self, Job};
use crate::services::quote::{accept_quote, remote_quote_state, store_quote};
use crate::{live, AppState, Error, Result};

fn is_local(state: &AppState, url: &str) -> bool {
    authority_of(url) == authority_of(&state.config.base_url())
}

/// Queues checking the quote `status` makes of `quoted_uri`, when there
/// is something to check: the quoted post is one we lack, or its approval
/// `approval_uri` is given while the quote waits for it.
pub(super) async fn queue_verification(
    state: &AppState,
    status: &Status,
    quoted_uri: &str,
    approval_uri: Option<&str>,
) {
    let job = Job::VerifyQuote {
        status_id: status.id,
        quoted_uri: quoted_uri.to_owned(),
        approval_uri: approval_uri.map(str::to_owned),
    };
    if let Err(e) = jobs::enqueue(state, job).await {
        tracing::warn!(status_id = status.id, error = %e, "could not queue checking a quote");
    }
}

/// A remote `note` (stored as `status`, new or edited) quotes
/// something: queue the check when the quoted post is unknown and remote,
/// or when the quote of a remote post is pending and an authorization is
/// now given. Not for posts a fetching job stores (`missing`:
/// [`MissingParent::Leave`]), so a chain of quotes is not followed.
pub(super) async fn check_quote_of(
    state: &AppState,
    status: &Status,
    note: &Object,
    missing: MissingParent,
) -> Result<()> {
    let Some(quoted_uri) = note.quote_id() else {
        return Ok(());
    };
    let approval = note.quote_authorization.as_deref();
    let mut conn = state.conn().await?;
    let quote = quotes::quotes_of_statuses(&mut conn, &[status.id])
        .await?
        .into_iter()
        .next();
    drop(conn);
    let wanted = match &quote {
        None => missing == MissingParent::Fetch && !is_local(state, quoted_uri),
        Some(quote) => {
            quote.state() == QuoteState::Pending
                && approval.is_some()
                && !is_local(state, quoted_uri)
        }
    };
    if wanted {
        queue_verification(state, status, quoted_uri, approval).await;
    }
    Ok(())
}

/// The post at `url`, stored, or fetched from its own server and stored
/// (without following its own quote or parent further).
pub(super) async fn fetch_post(state: &AppState, url: &str) -> Result<Option<Status>> {
    if let Some(known) = status_by_uri(state, url).await? {
        return Ok(Some(known));
    }
    if is_local(state, url) {
        return Ok(None);
    }
    let Document::Object(note) = fetch_document(state, url).await? else {
        return Ok(None);
    };
    let author_uri = note
        .attributed_to_id()
        .ok_or_else(|| Error::validation(format!("{url} has no author")))?
        .to_owned();
    let author = resolve_actor(state, &author_uri, false).await?;
    if author.suspended_at.is_some() {
        return Ok(None);
    }
    check_note_author(&author, &note)?;
    store_note_with(state, &author, &note, MissingParent::Leave).await
}

/// Runs a `VerifyQuote` job: the quote stored status `status_id` makes of
/// `quoted_uri` gets its row (the quoted post fetched if need be), and is
/// accepted when `approval_uri` is an authorization that holds.
pub async fn verify_quote(
    state: &AppState,
    status_id: i64,
    quoted_uri: &str,
    approval_uri: Option<&str>,
) -> Result<()> {
    let mut conn = state.conn().await?;
    let status = match statuses::get_status_by_id(&mut conn, status_id).await {
        Ok(status) => status,
        Err(ferrodon_db::Error::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let author = accounts::get_account_by_id(&mut conn, status.account_id).await?;
    let existing = quotes::quotes_of_statuses(&mut conn, &[status.id])
        .await?
        .into_iter()
        .next();
    drop(conn);
    let quote = match existing {
        Some(quote) => quote,
        None => match store_fetched_quote(state, &author, &status, quoted_uri).await? {
            Some(quote) => quote,
            None => return Ok(()),
        },
    };
    let (Some(approval), Some(quoted_id), QuoteState::Pending) =
        (approval_uri, quote.quoted_status_id, quote.state())
    else {
        return Ok(());
    };
    let mut conn = state.conn().await?;
    let quoted = statuses::get_status_by_id(&mut conn, quoted_id).await?;
    let quoted_author = accounts::get_account_by_id(&mut conn, quoted.account_id).await?;
    drop(conn);
    // A quote of a local post is decided here, by its policy.
    if quoted.local {
        return Ok(());
    }
    if !authorization_holds(state, approval, &status, &quoted, &quoted_author).await? {
        tracing::info!(status = %status.uri, %approval, "quote authorization refused");
        return Ok(());
    }
    let mut conn = state.conn().await?;
    accept_quote(&mut conn, &quote, &quoted, Some(approval)).await?;
    drop(conn);
    live::status_edited(state, &status).await;
    Ok(())
}

/// Stores the quote row of `status` once the quoted post is here (fetched
/// if need be); `None` when there is no such post to quote.
async fn store_fetched_quote(
    state: &AppState,
    author: &Account,
    status: &Status,
    quoted_uri: &str,
) -> Result<Option<ferrodon_db::models::Quote>> {
    let Some(quoted) = fetch_post(state, quoted_uri).await? else {
        return Ok(None);
    };
    if quoted.reblog_of_id.is_some() {
        return Ok(None);
    }
    let mut conn = state.conn().await?;
    let quote_state = remote_quote_state(&mut conn, author, &quoted).await?;
    let notification = conn
        .transaction(async |conn| {
            // Another job may have stored it meanwhile.
            if quotes::quotes_of_statuses(conn, &[status.id])
                .await?
                .is_empty()
            {
                store_quote(conn, author.id, status, &quoted, quote_state).await
            } else {
                Ok(None)
            }
        })
        .await?;
    let quote = quotes::quotes_of_statuses(&mut conn, &[status.id])
        .await?
        .into_iter()
        .next();
    drop(conn);
    live::notifications_created(state, &notification.into_iter().collect::<Vec<_>>()).await;
    live::status_edited(state, status).await;
    Ok(quote)
}

/// The id a property of a JSON document names (a string, or an object
/// with `id`).
fn id_in<'a>(document: &'a Value, key: &str) -> Option<&'a str> {
    match document.get(key)? {
        Value::String(id) => Some(id),
        Value::Object(object) => object.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// Whether `approval` is the quoted author's authorization of this very
/// quote: served by the quoted author's server under its id, a
/// `QuoteAuthorization` attributed to the quoted author, naming the
/// quoting post and the quoted post. A server that cannot be reached fails
/// the job (it is retried); any other failure refuses the authorization.
async fn authorization_holds(
    state: &AppState,
    approval: &str,
    quoting: &Status,
    quoted: &Status,
    quoted_author: &Account,
) -> Result<bool> {
    if !same_authority(approval, &quoted_author.uri) {
        return Ok(false);
    }
    let document = match fetch_verified_json(state, approval).await {
        Ok(document) => document,
        Err(e @ Error::Unavailable(_)) => return Err(e),
        Err(e) => {
            tracing::info!(%approval, error = %e, "quote authorization not fetched");
            return Ok(false);
        }
    };
    let types: Vec<&str> = match document.get("type") {
        Some(Value::String(kind)) => vec![kind.as_str()],
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let is_authorization = types.iter().any(|kind| {
        *kind == "QuoteAuthorization" || *kind == "https://w3id.org/fep/044f#QuoteAuthorization"
    });
    Ok(is_authorization
        && id_in(&document, "attributedTo") == Some(quoted_author.uri.as_str())
        && id_in(&document, "interactingObject") == Some(quoting.uri.as_str())
        && id_in(&document, "interactionTarget") == Some(quoted.uri.as_str()))
}
