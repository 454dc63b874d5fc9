//! The `pull` queue: what this server fetches from others (link cards,
//! remote media, avatars, reply collections, forwarded activities' objects,
//! missing ancestors of replies, quoted posts and their authorizations,
//! follower lists).
use ferrodon_core::db::queries::statuses;
use ferrodon_core::jobs::ForwardedKind;
use ferrodon_core::{cards, federation, inbox, media, AppState, Result};

/// Gives a status the preview card of its first link.
pub async fn fetch_link_card(state: &AppState, status_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    match statuses::get_status_by_id(&mut conn, status_id).await {
        Ok(status) => {
            drop(conn);
            cards::fetch_card(state, &status).await
        }
        Err(ferrodon_core::db::Error::NotFound) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Downloads a remote attachment's files into the media cache.
pub async fn cache_remote_media(state: &AppState, media_id: i64) -> Result<()> {
    media::remote::cache_attachment(state, media_id)
        .await
        .map(|_| ())
}

/// Downloads a remote account's avatar and header into the media cache.
pub async fn cache_account_images(
    state: &AppState,
    account_id: i64,
    avatar_url: &Option<String>,
    header_url: &Option<String>,
) -> Result<()> {
    media::profile::cache_remote_images(state, account_id, avatar_url.clone(), header_url.clone())
        .await
}

/// Stores the replies a remote collection lists.
pub async fn fetch_replies(state: &AppState, collection: &str) -> Result<()> {
    let stored = inbox::resolve::fetch_replies(state, collection).await?;
    tracing::debug!(%collection, stored, "fetched replies");
    Ok(())
}

/// Fetches the object a forwarded activity names from its own origin and
/// applies what the origin says.
pub async fn fetch_forwarded(
    state: &AppState,
    signer_id: i64,
    kind: ForwardedKind,
    actor: &str,
    object: &str,
) -> Result<()> {
    inbox::forwarded::fetch_and_apply(state, signer_id, kind, actor, object).await
}

/// Fetches the missing ancestors of a stored reply and links it to its parent.
pub async fn fetch_ancestors(state: &AppState, status_id: i64, in_reply_to: &str) -> Result<()> {
    let stored = inbox::threads::fetch_ancestors(state, status_id, in_reply_to).await?;
    tracing::debug!(status_id, stored, "fetched ancestors");
    Ok(())
}

/// Fetches the replies of a remote status whose thread someone opened.
pub async fn backfill_replies(state: &AppState, status_id: i64) -> Result<()> {
    let stored = inbox::threads::backfill_replies(state, status_id).await?;
    tracing::debug!(status_id, stored, "backfilled replies");
    Ok(())
}

/// Checks a remote status's quote of a remote post: the quoted post
/// fetched if we lack it, the authorization from the quoted author's server.
pub async fn verify_quote(
    state: &AppState,
    status_id: i64,
    quoted_uri: &str,
    approval_uri: Option<&str>,
) -> Result<()> {
    inbox::quotes::verify_quote(state, status_id, quoted_uri, approval_uri).await
}

/// Follows an imported remote account once WebFinger finds it.
pub async fn import_follow(
    state: &AppState,
    account_id: i64,
    username: &str,
    domain: &str,
    reblogs: bool,
    notify: bool,
) -> Result<()> {
    ferrodon_core::services::import_csv::import_follow(
        state, account_id, username, domain, reblogs, notify,
    )
    .await
}

/// Drops local follows of a remote account its server no longer lists.
pub async fn synchronize_followers(state: &AppState, account_id: i64, url: &str) -> Result<()> {
    let removed = federation::sync::synchronize(state, account_id, url).await?;
    tracing::info!(account_id, removed, "synchronised followers");
    Ok(())
}
