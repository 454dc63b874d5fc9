//! `QuoteRequest` (FEP-044f): a remote account asks a local author to
//! approve its post (`instrument`) quoting one of theirs (`object`). As
//! Mastodon 4.5: a request the quoted post's policy allows at once is
//! answered with `Accept`, whose `result` is the `QuoteAuthorization`
//! served at `/users/:name/quote_authorizations/:quote_id`; anything else
//! (manual approval among it: there is no way to approve by hand yet) with
//! `Reject`. A quoting post we do not have is fetched from the requester's
//! server first.
use ferrodon_apub::activitypub::{same_origin, Activity};
use ferrodon_db::models::{Account, Quote, QuoteState, Status, Visibility};
use ferrodon_db::queries::{accounts, follows, quotes};
use ferrodon_db::{AccountId, StatusId};

use super::quotes::fetch_post;
use super::status_by_uri;
use crate::federation::documents::quote_authorization_id;
use crate::federation::outbox::{answer_quote_request, QuoteAnswer};
use crate::quotes::{decide, QuoteDecision};
use crate::services::quote::{accept_quote, withdraw_quote};
use crate::{live, AppState, Error, Result};

/// A request for a quote of a local post, read.
pub(super) struct Verified {
    /// The request's id.
    request_id: String,
    /// The quoted local post.
    quoted: Status,
    /// Its author.
    quoted_author: Account,
    /// The quoting post's id, on the requester's server.
    instrument: String,
    /// Whether the quoted post's policy approves the requester at once.
    approve: bool,
}

/// The request must name a local public or unlisted post and a quoting
/// post on the requester's own server; anything else is ignored, as
/// Mastodon ignores it.
pub(super) async fn verify(
    state: &AppState,
    signer: &Account,
    activity: &Activity,
) -> Result<Option<Verified>> {
    let Some(object) = activity.object_id() else {
        return Ok(None);
    };
    let Some(quoted) = status_by_uri(state, object).await? else {
        return Ok(None);
    };
    if !quoted.local
        || quoted.reblog_of_id.is_some()
        || !matches!(
            quoted.visibility(),
            Visibility::Public | Visibility::Unlisted
        )
    {
        return Ok(None);
    }
    let instrument = activity
        .instrument
        .clone()
        .ok_or_else(|| Error::validation("a QuoteRequest without an instrument"))?;
    if !same_origin(&instrument, &signer.uri) {
        return Err(Error::validation(
            "a QuoteRequest for a post on another server",
        ));
    }
    let mut conn = state.conn().await?;
    let quoted_author = accounts::get_account_by_id(&mut conn, quoted.account_id).await?;
    let follows_author = follows::get_follow(
        &mut conn,
        AccountId::new(signer.id),
        AccountId::new(quoted.account_id),
    )
    .await?
    .is_some();
    drop(conn);
    let approve = decide(&quoted, Some(signer.id), follows_author) == QuoteDecision::Automatic;
    Ok(Some(Verified {
        request_id: activity.id.clone(),
        quoted,
        quoted_author,
        instrument,
        approve,
    }))
}

/// The quote the requester's post makes of the quoted post, once that
/// post is here (fetched from the requester's server if need be).
async fn quote_of(
    state: &AppState,
    signer: &Account,
    instrument: &str,
    quoted: &Status,
) -> Result<Option<(Status, Quote)>> {
    let Some(quoting) = fetch_post(state, instrument).await? else {
        return Ok(None);
    };
    if quoting.account_id != signer.id {
        return Ok(None);
    }
    let mut conn = state.conn().await?;
    Ok(quotes::find_quote_of(
        &mut conn,
        StatusId::new(quoted.id),
        StatusId::new(quoting.id),
    )
    .await?
    .map(|quote| (quoting, quote)))
}

/// Approves (accepting the quote, telling its author) and answers
/// `Accept`, or answers `Reject` (a pending quote becomes rejected). A
/// request whose quoting post does not quote this post gets no answer
/// when it would be approved, as in Mastodon; a revoked quote is not
/// approved again.
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified) -> Result<()> {
    let found = match quote_of(state, signer, &v.instrument, &v.quoted).await {
        Ok(found) => found,
        Err(Error::Unavailable(reason)) => return Err(Error::Unavailable(reason)),
        Err(e) => {
            tracing::info!(instrument = %v.instrument, error = %e, "the quoting post could not be fetched");
            None
        }
    };
    let mut answer = QuoteAnswer {
        quoted_author: &v.quoted_author,
        requester: signer,
        request_id: &v.request_id,
        quoted_uri: &v.quoted.uri,
        instrument: &v.instrument,
        approved: None,
        quote_id: None,
    };
    match found {
        Some((quoting, quote)) if v.approve && quote.state() != QuoteState::Revoked => {
            let mut conn = state.conn().await?;
            let notification = accept_quote(&mut conn, &quote, &v.quoted, None).await?;
            drop(conn);
            live::notifications_created(state, &notification.into_iter().collect::<Vec<_>>()).await;
            live::status_edited(state, &quoting).await;
            answer.approved = Some(quote_authorization_id(&v.quoted_author.uri, quote.id));
            answer.quote_id = Some(quote.id);
        }
        None if v.approve => return Ok(()),
        Some((quoting, quote)) => {
            let mut conn = state.conn().await?;
            let changed =
                quote.state() == QuoteState::Pending && withdraw_quote(&mut conn, &quote).await?;
            drop(conn);
            if changed {
                live::status_edited(state, &quoting).await;
            }
            answer.quote_id = Some(quote.id);
        }
        None => {}
    }
    answer_quote_request(state, answer).await
}
