//! `Accept` and `Reject` of a `Follow` we sent: a relay subscription's
//! answer, or a remote account accepting, refusing (or ending) a local
//! account's follow; or of a `QuoteRequest` we sent: the quoted remote
//! author approving a local post's quote (the `Accept`'s `result` is the
//! authorization, kept for others to check) or refusing it.
use ferrodon_apub::activitypub::{same_origin, Activity, ActivityKind, Document};
use ferrodon_db::models::{Account, Quote, QuoteState};
use ferrodon_db::queries::{quotes, statuses};

use super::local_account_by_uri;
use crate::federation::{outbox, relays};
use crate::services::follow::unfollow;
use crate::services::follow_requests::authorize_follow_request;
use crate::services::quote::{accept_quote, withdraw_quote};
use crate::{live, AppState, Error, Result};

/// Which answer the activity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// `Accept`.
    Accept,
    /// `Reject`.
    Reject,
}

/// An answer to one of our follows or quote requests, read.
pub(super) struct Verified {
    answer: Answer,
    /// The id of the `Follow` answered (a relay's, if ours).
    follow_id: String,
    /// The local follower named, if any.
    follower: Option<Account>,
    /// The local post's quote whose request is answered, with the
    /// authorization an `Accept` gives.
    quote: Option<(Quote, Option<String>)>,
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
    signer: &Account,
    activity: &Activity,
) -> Result<Option<Verified>> {
    let answer = match activity.kind {
        ActivityKind::Accept => Answer::Accept,
        _ => Answer::Reject,
    };
    let answered = answered_follow_id(activity);
    let mut conn = state.conn().await?;
    let quote = quotes::find_quote_by_activity_uri(&mut conn, &answered).await?;
    drop(conn);
    if let Some(quote) = quote {
        // Only the quoted author answers a quote request.
        if quote.quoted_account_id != Some(signer.id) {
            return Err(Error::validation(
                "an answer to a quote request sent to someone else",
            ));
        }
        let approval = match answer {
            Answer::Accept => {
                let result = activity
                    .result
                    .clone()
                    .ok_or_else(|| Error::validation("an Accept of a quote without result"))?;
                if !same_origin(&result, &signer.uri) {
                    return Err(Error::validation("a quote authorization on another server"));
                }
                Some(result)
            }
            Answer::Reject => None,
        };
        return Ok(Some(Verified {
            answer,
            follow_id: answered,
            follower: None,
            quote: Some((quote, approval)),
        }));
    }
    Ok(Some(Verified {
        answer,
        follow_id: answered,
        follower: follower_in_answer(state, activity).await?,
        quote: None,
    }))
}

/// Accepts a pending quote with the authorization (the quoting post is
/// then sent again, as an `Update`, to those who have it, so they see the
/// authorization), or withdraws it.
async fn answer_quote(state: &AppState, quote: Quote, approval: Option<String>) -> Result<()> {
    let mut conn = state.conn().await?;
    let quoting = statuses::get_status_by_id(&mut conn, quote.status_id).await?;
    let changed = match (&approval, quote.quoted_status_id) {
        (Some(approval), Some(quoted_id)) if quote.state() == QuoteState::Pending => {
            let quoted = statuses::get_status_by_id(&mut conn, quoted_id).await?;
            accept_quote(&mut conn, &quote, &quoted, Some(approval)).await?;
            true
        }
        (Some(_), _) => false,
        (None, _) => withdraw_quote(&mut conn, &quote).await?,
    };
    drop(conn);
    if !changed {
        return Ok(());
    }
    live::status_edited(state, &quoting).await;
    if approval.is_some() {
        outbox::federate_status(state, &quoting, true).await?;
    }
    Ok(())
}

/// Records the relay's answer, or authorizes / ends the follow.
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified) -> Result<()> {
    if let Some((quote, approval)) = v.quote {
        return answer_quote(state, quote, approval).await;
    }
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
