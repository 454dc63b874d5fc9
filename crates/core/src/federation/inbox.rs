//! Accepting a delivery (`POST /inbox`, `POST /users/:name/inbox`): the
//! HTTP signature is checked here, in the web process, with Mastodon's
//! rules; the activity is then queued for the `ingress` workers.
//!
//! Refused with 401: unsigned, malformed, stale or future-dated, wrong
//! digest, unknown key, bad signature (after one refetch of the key, for
//! rotations), a signature seen before (replay), or an activity whose
//! `actor` is not the signer.
use chrono::Utc;
use deadpool_redis::redis;
use ferrodon_apub::activitypub::{parse_document, Document};
use ferrodon_apub::signatures::request::HttpRequest;
use ferrodon_apub::signatures::verify::SignedRequest;
use ferrodon_db::models::Account;
use sha2::{Digest, Sha256};

use super::actors::{limits, resolve_actor};
use super::client::signed_fetch;
use super::instance_actor::instance_actor;
use crate::jobs::{self, Job};
use crate::{AppState, Error, Result};

/// How long a signature that names no date or expiry is remembered against
/// replays: the longest any dated request stays acceptable (the 12-hour
/// expiry cap plus an hour of skew either side). Dated requests are
/// remembered exactly until they stop passing the freshness rule.
const REPLAY_WINDOW_MAX: chrono::Duration = chrono::Duration::hours(14);

/// An inbound request as the web server received it.
#[derive(Debug)]
pub struct Delivery<'a> {
    /// `POST`.
    pub method: &'a str,
    /// `https` (or `http` in development).
    pub scheme: &'a str,
    /// The `Host` header.
    pub authority: &'a str,
    /// Path and query.
    pub target: &'a str,
    /// All headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: &'a [u8],
}

fn unauthorized(reason: impl std::fmt::Display) -> Error {
    Error::Unauthorized(reason.to_string())
}

/// Finds the account a key id belongs to: `…/users/x#main-key` names its
/// actor before the fragment; otherwise (GoToSocial's `…/main-key`) the
/// key document names its `owner`.
async fn signer_for_key(state: &AppState, key_id: &str, refresh: bool) -> Result<Account> {
    let actor_uri = key_id.split('#').next().unwrap_or(key_id);
    match resolve_actor(state, actor_uri, refresh).await {
        Ok(account) => Ok(account),
        Err(Error::Validation(_)) if !key_id.contains('#') => {
            let signer = instance_actor(state).await?;
            let key = signed_fetch(state, &signer, key_id)
                .await
                .map_err(|e| unauthorized(format!("could not fetch key {key_id}: {e}")))?;
            let owner = key
                .get("owner")
                .and_then(|o| o.as_str())
                .ok_or_else(|| unauthorized(format!("key {key_id} names no owner")))?;
            resolve_actor(state, owner, refresh).await
        }
        Err(e) => Err(e),
    }
}

/// Checks a request's HTTP signature (a delivery, or a signed fetch in
/// authorized-fetch mode) and returns the signing account: 401 when it is
/// unsigned or does not verify, 403 for a blocked server or suspended account.
pub async fn verify_signature(state: &AppState, delivery: &Delivery<'_>) -> Result<Account> {
    let (signer, _) = verify_signed(state, delivery).await?;
    refuse_suspended(&signer)?;
    Ok(signer)
}

/// [`verify_signature`], also returning the verified signature.
async fn verify_signed(
    state: &AppState,
    delivery: &Delivery<'_>,
) -> Result<(Account, SignedRequest)> {
    let request = HttpRequest {
        method: delivery.method,
        scheme: delivery.scheme,
        authority: delivery.authority,
        target: delivery.target,
        headers: delivery.headers.as_slice(),
        body: delivery.body,
    };
    let signed = SignedRequest::new(&request, Utc::now()).map_err(unauthorized)?;
    let key_id = signed.key_id().to_owned();
    // A blocked server gets nothing, not even a fetch of its key.
    super::domains::ensure_federates_with(state, &key_id).await?;
    let mut signer = signer_for_key(state, &key_id, false)
        .await
        .map_err(|e| match e {
            Error::Unavailable(_) => e,
            other => unauthorized(format!("unknown key {key_id}: {other}")),
        })?;
    if signed.verify_pem(&signer.public_key).is_err() {
        // The key may have been rotated: fetch the actor once more.
        signer = signer_for_key(state, &key_id, true).await?;
        signed
            .verify_pem(&signer.public_key)
            .map_err(unauthorized)?;
    }
    Ok((signer, signed))
}

fn refuse_suspended(signer: &Account) -> Result<()> {
    if signer.suspended_at.is_some() {
        return Err(Error::Forbidden("the sender is suspended".into()));
    }
    Ok(())
}

/// Whether a suspended signer may still deliver `activity`: only an
/// `Update` of its own actor, and only while the suspension is its own
/// server's (so that server can say it was lifted).
async fn suspended_signer_may_send(
    state: &AppState,
    signer: &Account,
    activity: &ferrodon_apub::activitypub::Activity,
) -> Result<bool> {
    let self_update = activity.kind == ferrodon_apub::activitypub::ActivityKind::Update
        && matches!(activity.embedded_object(), Some(Document::Actor(actor)) if actor.id == signer.uri);
    if !self_update {
        return Ok(false);
    }
    let mut conn = state.conn().await?;
    Ok(
        ferrodon_db::queries::moderation::suspension_origin(&mut conn, signer.id)
            .await?
            .as_deref()
            == Some("remote"),
    )
}

/// Checks a delivery's signature and queues its activity. Returns the
/// activity's id.
pub async fn accept_delivery(state: &AppState, delivery: &Delivery<'_>) -> Result<String> {
    let (signer, signed) = verify_signed(state, delivery).await?;
    let document = parse_document(delivery.body, limits())
        .map_err(|e| Error::BadRequest(format!("unreadable activity: {e}")))?;
    let Document::Activity(activity) = document else {
        return Err(Error::BadRequest("the body is not an activity".into()));
    };
    if activity.actor_id() != Some(signer.uri.as_str()) {
        return Err(unauthorized(format!(
            "the activity's actor is not the signer {}",
            signer.uri
        )));
    }
    if signer.suspended_at.is_some()
        && !suspended_signer_may_send(state, &signer, &activity).await?
    {
        refuse_suspended(&signer)?;
    }
    remember_signature(state, &signed).await?;
    if let Some((_, header)) = delivery
        .headers
        .iter()
        .find(|(name, _)| name == "collection-synchronization")
    {
        if let Err(e) = super::sync::check(state, &signer, header).await {
            tracing::warn!(signer = %signer.uri, error = %e, "follower synchronisation not queued");
        }
    }
    // It talks to us, so it is up: deliveries to it may resume.
    super::domains::record_success(state, &signer.uri).await?;
    let value: serde_json::Value = serde_json::from_slice(delivery.body)
        .map_err(|e| Error::BadRequest(format!("unreadable activity: {e}")))?;
    jobs::queue::enqueue(
        state,
        Job::ProcessActivity {
            signer_id: signer.id,
            activity: value,
        },
    )
    .await?;
    Ok(activity.id.clone())
}

/// Refuses a signature already accepted once (a replayed request). The
/// signature is known by its key id and decoded bytes, not by the header
/// text, which a replayer could respace or reorder; and it is remembered
/// for as long as the request would pass the freshness rule.
async fn remember_signature(state: &AppState, signed: &SignedRequest) -> Result<()> {
    let mut hasher = Sha256::new();
    hasher.update(signed.key_id().as_bytes());
    hasher.update([0]);
    hasher.update(signed.signature_bytes());
    let key = state.redis_key(&format!(
        "apub:seen_signature:{}",
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ));
    let mut redis = state.redis().await?;
    let fresh: Option<String> = redis::cmd("SET")
        .arg(&key)
        .arg(1)
        .arg("NX")
        .arg("EX")
        .arg(replay_memory_secs(signed.valid_until(), Utc::now()))
        .query_async(&mut *redis)
        .await?;
    if fresh.is_none() {
        return Err(unauthorized(
            "this signature was already used (replayed request)",
        ));
    }
    Ok(())
}

/// Seconds to remember a signature: until it stops being acceptable (at
/// least one second), or [`REPLAY_WINDOW_MAX`] when it names no time.
fn replay_memory_secs(
    valid_until: Option<chrono::DateTime<Utc>>,
    now: chrono::DateTime<Utc>,
) -> i64 {
    valid_until
        .map(|until| (until - now).min(REPLAY_WINDOW_MAX))
        .unwrap_or(REPLAY_WINDOW_MAX)
        .num_seconds()
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_remembered_while_they_are_acceptable() {
        let now = Utc::now();
        let in_hours = |h: i64| Some(now + chrono::Duration::hours(h));
        assert_eq!(replay_memory_secs(in_hours(13), now), 13 * 3600);
        assert_eq!(replay_memory_secs(in_hours(2), now), 2 * 3600);
        assert_eq!(replay_memory_secs(in_hours(40), now), 14 * 3600);
        assert_eq!(replay_memory_secs(in_hours(-1), now), 1);
        assert_eq!(replay_memory_secs(None, now), 14 * 3600);
    }
}
