//! `Accept` and `Reject` of a `Follow` we sent: a relay subscription's
//! answer, or a remote account accepting, refusing (or ending) a local
//! account's follow.
use ferrodon_apub::activitypub::{Activity, ActivityKind, Document};
use ferrodon_db::models::Account;

use super::local_account_by_uri;
use crate::federation::relays;
use crate::services::follow::unfollow;
use crate::services::follow_requests::authorize_follow_request;
use crate::{AppState, Error, Result};

/// Which answer the activity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// `Accept`.
    Accept,
    /// `Reject`.
    Reject,
}

/// An answer to one of our follows, read.
pub(super) struct Verified {
    answer: Answer,
    /// The id of the `Follow` answered (a relay's, if ours).
    follow_id: String,
    /// The local follower named, if any.
    follower: Option<Account>,
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

/// Reads which follow is answered and for which local follower. Whether
/// the signer may answer it is checked against the signer itself: a relay
/// by [`relays::answered`], an account by the follow (request) being one
/// from the follower to the signer.
pub(super) async fn verify(
    state: &AppState,
    _signer: &Account,
    activity: &Activity,
) -> Result<Option<Verified>> {
    let answer = match activity.kind {
        ActivityKind::Accept => Answer::Accept,
        _ => Answer::Reject,
    };
    Ok(Some(Verified {
        answer,
        follow_id: answered_follow_id(activity),
        follower: follower_in_answer(state, activity).await?,
    }))
}

/// Records the relay's answer, or authorizes / ends the follow.
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified) -> Result<()> {
    let accepted = v.answer == Answer::Accept;
    if relays::answered(state, signer, &v.follow_id, accepted).await? {
        return Ok(());
    }
    let Some(follower) = v.follower else {
        return Ok(());
    };
    if accepted {
        match authorize_follow_request(state, signer, follower.id).await {
            Ok(()) | Err(Error::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    } else {
        unfollow(state, &follower, signer.id).await
    }
}
