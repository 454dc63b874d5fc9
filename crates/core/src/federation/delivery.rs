//! Accepting a delivery (`POST /inbox`, `POST /users/:name/inbox`): the
//! HTTP signature is checked here, in the web process, with Mastodon's
//! rules; the activity is then queued for the `ingress` workers.
//!
//! Refused with 401: unsigned, malformed, stale or future-dated, wrong
//! digest, unknown key, bad signature (after one refetch of the key, for
//! rotations, at most once a minute per actor), a signature seen before
//! (replay), or an activity whose `actor` is not the signer, unless it is
//! one that servers forward (below). Key fetches are limited by
//! [`super::key_fetches`] (503 when a host is failing or its budget is
//! spent).
//!
//! Forwarded activities: Mastodon forwards a reply to the followers of the
//! thread's author (signed by the thread author's server, the actor being
//! the replier), and relays that do not wrap posts in an `Announce`
//! (Activity-Relay without CreateAsAnnounce, LitePub relays) forward the
//! author's raw `Create`, signed by the relay. The body of such a delivery
//! is not trusted: a `Create` or `Update` of a content object, or a
//! `Delete` of one, whose actor is on the object's server, is accepted
//! (202) and queued as a [`Job::FetchForwarded`] on the `pull` queue,
//! which fetches the object from its own server and acts on what that
//! server says. Anything else whose actor is not the signer stays 401.
//! Each origin may be made to fetch at most [`FORWARDED_FETCHES_PER_MINUTE`]
//! forwarded objects a minute (503 beyond), and a forwarder sending the
//! same activity again queues nothing more.
use chrono::Utc;
use ferrodon_apub::activitypub::{parse_document, Activity, ActivityKind, Document};
use ferrodon_apub::signatures::request::HttpRequest;
use ferrodon_apub::signatures::verify::SignedRequest;
use ferrodon_db::models::Account;
use sha2::{Digest, Sha256};

use super::actors::{fetch_verified_json, known_actor, limits, resolve_actor, store_actor};
use super::key_fetches;
use crate::authority::{authority_of, same_authority};
use crate::jobs::{self, ForwardedKind, Job};
use crate::{AppState, Error, Result};

/// How long a signature that names no date or expiry is remembered against
/// replays: the longest any dated request stays acceptable (the 12-hour
/// expiry cap plus an hour of skew either side). Dated requests are
/// remembered exactly until they stop passing the freshness rule.
const REPLAY_WINDOW_MAX: chrono::Duration = chrono::Duration::hours(14);

/// Forwarded objects one origin may be made to serve us a minute, however
/// many forwarders name them. A busy relay forwards a few posts a second
/// from a large server, which this covers; a forger holding one valid key
/// cannot turn our pull workers into a crawler of someone else's server.
pub const FORWARDED_FETCHES_PER_MINUTE: u32 = 300;

/// How long a forwarded activity is remembered, so that a forwarder sending
/// it again (a retry, or the same reply forwarded to several of our
/// inboxes) makes one fetch. A `Create` is known by its object, an `Update`
/// or `Delete` by its activity id (each edit is a new one).
const FORWARDED_DEDUP_SECS: u64 = 10 * 60;

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
/// key document names its `owner`, on the key's own server. A stored,
/// fresh account is used as it is unless `refresh`; every fetch goes
/// through [`key_fetches`]' limits. Also says whether it was fetched now.
async fn signer_for_key(state: &AppState, key_id: &str, refresh: bool) -> Result<(Account, bool)> {
    let Some((actor_uri, _)) = key_id.split_once('#') else {
        return owner_of_key_document(state, key_id, refresh).await;
    };
    if !refresh {
        if let Some(account) = known_actor(state, actor_uri).await? {
            return Ok((account, false));
        }
    }
    let account = limited_fetch(state, actor_uri, resolve_actor(state, actor_uri, true)).await?;
    Ok((account, true))
}

/// The account of a key id without a fragment: the key document's
/// `owner` (on the key's server), or the document itself when it is the
/// actor.
async fn owner_of_key_document(
    state: &AppState,
    key_id: &str,
    refresh: bool,
) -> Result<(Account, bool)> {
    if !refresh {
        let owner = key_fetches::known_owner(state, key_id).await?;
        if let Some(account) = known_actor(state, owner.as_deref().unwrap_or(key_id)).await? {
            return Ok((account, false));
        }
    }
    let (account, fetched) = fetch_key_owner(state, key_id, refresh).await?;
    key_fetches::remember_owner(state, key_id, &account.uri).await?;
    Ok((account, fetched))
}

async fn fetch_key_owner(state: &AppState, key_id: &str, refresh: bool) -> Result<(Account, bool)> {
    let key = limited_fetch(state, key_id, fetch_verified_json(state, key_id)).await?;
    let owner = key.get("owner").and_then(|o| o.as_str()).unwrap_or(key_id);
    if owner == key_id || key.get("inbox").is_some() {
        let Ok(Document::Actor(actor)) = Document::from_value(key) else {
            return Err(unauthorized(format!("key {key_id} names no owner")));
        };
        return Ok((store_actor(state, &actor, &actor.id).await?, true));
    }
    if !same_authority(owner, key_id) {
        return Err(unauthorized(format!(
            "key {key_id} names an owner on another server"
        )));
    }
    if !refresh {
        if let Some(account) = known_actor(state, owner).await? {
            return Ok((account, false));
        }
    }
    let account = limited_fetch(state, owner, resolve_actor(state, owner, true)).await?;
    Ok((account, true))
}

/// Runs `fetch` of `url` if [`key_fetches::admit`] lets it, and
/// remembers its failure.
async fn limited_fetch<T>(
    state: &AppState,
    url: &str,
    fetch: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    key_fetches::admit(state, url).await?;
    let result = fetch.await;
    if let Err(e) = &result {
        key_fetches::failed(state, url, e).await;
    }
    result
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
    crate::domain_policy::ensure_federates_with(state, &key_id).await?;
    let unknown_key = |e: Error| match e {
        Error::Unavailable(_) => e,
        other => unauthorized(format!("unknown key {key_id}: {other}")),
    };
    let (signer, fetched_now) = signer_for_key(state, &key_id, false)
        .await
        .map_err(unknown_key)?;
    if let Err(e) = signed.verify_pem(&signer.public_key) {
        // The key may have been rotated: fetch the actor once more, unless
        // it was fetched just now or a moment ago.
        if fetched_now || !key_fetches::may_refresh(state, &signer.uri).await? {
            return Err(unauthorized(e));
        }
        let (signer, _) = signer_for_key(state, &key_id, true)
            .await
            .map_err(unknown_key)?;
        signed
            .verify_pem(&signer.public_key)
            .map_err(unauthorized)?;
        return Ok((signer, signed));
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
        let Some(forwarded) = Forwarded::of(&activity) else {
            return Err(unauthorized(format!(
                "the activity's actor is not the signer {}",
                signer.uri
            )));
        };
        refuse_suspended(&signer)?;
        remember_signature(state, &signer, &signed).await?;
        crate::domain_policy::record_success(state, &signer.uri).await?;
        queue_forwarded(state, &signer, &activity, &forwarded).await?;
        return Ok(activity.id.clone());
    }
    if signer.suspended_at.is_some()
        && !suspended_signer_may_send(state, &signer, &activity).await?
    {
        refuse_suspended(&signer)?;
    }
    remember_signature(state, &signer, &signed).await?;
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
    crate::domain_policy::record_success(state, &signer.uri).await?;
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

/// What a forwarded activity asks for, before anything it says is trusted.
struct Forwarded<'a> {
    kind: ForwardedKind,
    actor: &'a str,
    object: &'a str,
}

impl<'a> Forwarded<'a> {
    /// A `Create` or `Update` of a content object (embedded or by id), or
    /// a `Delete` of one, by an actor on the object's server; `None` for
    /// anything else.
    fn of(activity: &'a Activity) -> Option<Forwarded<'a>> {
        let kind = match activity.kind {
            ActivityKind::Create => ForwardedKind::Create,
            ActivityKind::Update => ForwardedKind::Update,
            ActivityKind::Delete => ForwardedKind::Delete,
            _ => return None,
        };
        let actor = activity.actor_id()?;
        let object = activity.object_id()?;
        let content = match activity.embedded_object() {
            None | Some(Document::Object(_)) => true,
            Some(Document::Tombstone(_)) => kind == ForwardedKind::Delete,
            Some(_) => false,
        };
        let http = |url: &str| url.starts_with("https://") || url.starts_with("http://");
        (content && http(object) && object != actor && same_authority(actor, object)).then_some(
            Forwarded {
                kind,
                actor,
                object,
            },
        )
    }
}

/// Queues the fetch a forwarded activity asks for, once per object (or
/// per edit), within its origin's budget. Nothing is queued for an origin
/// this server does not federate with: the forwarder did nothing wrong, so
/// the delivery is still accepted.
async fn queue_forwarded(
    state: &AppState,
    signer: &Account,
    activity: &Activity,
    forwarded: &Forwarded<'_>,
) -> Result<()> {
    match crate::domain_policy::ensure_federates_with(state, forwarded.object).await {
        Ok(()) => {}
        Err(Error::Forbidden(reason)) => {
            tracing::info!(signer = %signer.uri, object = %forwarded.object, %reason, "forwarded activity dropped");
            return Ok(());
        }
        Err(e) => return Err(e),
    }
    let domain = authority_of(forwarded.object)
        .ok_or_else(|| Error::BadRequest("the object has no host".into()))?;
    let budget = state.redis_key(&format!("apub:forwarded_budget:{domain}"));
    let now = Utc::now().timestamp_millis();
    if !key_fetches::spend(state, &budget, FORWARDED_FETCHES_PER_MINUTE, now).await? {
        return Err(Error::Unavailable(format!(
            "too many forwarded activities about {domain} in the last minute; try again later"
        )));
    }
    // Remembered per forwarder, so that no forwarder can spend the entry a
    // genuine one will need (a Delete sent before the object is deleted).
    let what = match forwarded.kind {
        ForwardedKind::Create => forwarded.object,
        ForwardedKind::Update | ForwardedKind::Delete => activity.id.as_str(),
    };
    let seen = format!(
        "apub:forwarded:{}:{}:{}",
        forwarded.kind.name(),
        signer.id,
        key_fetches::hex(&Sha256::digest(what.as_bytes()))
    );
    let secs = FORWARDED_DEDUP_SECS;
    if !key_fetches::claim(state, &seen, secs).await? {
        return Ok(());
    }
    jobs::queue::enqueue(
        state,
        Job::FetchForwarded {
            signer_id: signer.id,
            kind: forwarded.kind,
            actor: forwarded.actor.to_owned(),
            object: forwarded.object.to_owned(),
        },
    )
    .await
}

/// Refuses a signature already accepted once (a replayed request). The
/// signature is known by the actor it resolved to and its decoded bytes,
/// not by the header text or the key id, which a replayer could respace,
/// reorder or give another fragment; and it is remembered for as long as
/// the request would pass the freshness rule.
async fn remember_signature(
    state: &AppState,
    signer: &Account,
    signed: &SignedRequest,
) -> Result<()> {
    let mut hasher = Sha256::new();
    hasher.update(signer.uri.as_bytes());
    hasher.update([0]);
    hasher.update(signed.signature_bytes());
    let key = format!(
        "apub:seen_signature:{}",
        key_fetches::hex(&hasher.finalize())
    );
    let secs = replay_memory_secs(signed.valid_until(), Utc::now());
    let fresh = key_fetches::claim(state, &key, secs.unsigned_abs()).await?;
    if !fresh {
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
