//! Resolving a URL someone pasted into search (`resolve=true`): a remote
//! actor or note is fetched (signed by the instance actor), checked and
//! stored; our own URLs are looked up locally.
use ferrodon_apub::activitypub::{parse_document, Document};
use ferrodon_db::models::{Account, Status};
use ferrodon_db::queries::{accounts, statuses};

use super::actors::{authority_of, limits, resolve_actor, same_authority, store_actor};
use super::client::signed_fetch;
use super::ingress::{check_note_author, store_note};
use super::instance_actor::instance_actor;
use crate::{AppState, Error, Result};

/// What a URL turned out to be.
#[derive(Debug)]
pub enum Resolved {
    /// An account.
    Account(Account),
    /// A status.
    Status(Status),
}

/// Resolves `url` to an account or a status; `None` when it is neither.
pub async fn resolve_url(state: &AppState, url: &str) -> Result<Option<Resolved>> {
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
    super::domains::ensure_not_suspended(state, url).await?;
    let signer = instance_actor(state).await?;
    let value = signed_fetch(state, &signer, url)
        .await
        .map_err(|e| Error::Validation(e.to_string()))?;
    let bytes = serde_json::to_vec(&value).map_err(|e| Error::Internal(e.to_string()))?;
    match parse_document(&bytes, limits()) {
        Ok(Document::Actor(actor)) => Ok(Some(Resolved::Account(
            store_actor(state, &actor, url).await?,
        ))),
        Ok(Document::Object(note)) => {
            let id = note.id.clone().unwrap_or_default();
            if !same_authority(&id, url) {
                return Err(Error::validation(format!(
                    "{url} served an object of another host"
                )));
            }
            let author_uri = note
                .attributed_to_id()
                .ok_or_else(|| Error::validation("the object has no author"))?
                .to_owned();
            let author = resolve_actor(state, &author_uri, false).await?;
            check_note_author(&author, &note)?;
            Ok(store_note(state, &author, &note)
                .await?
                .map(Resolved::Status))
        }
        Ok(_) => Ok(None),
        Err(e) => Err(Error::validation(format!("{url}: {e}"))),
    }
}
