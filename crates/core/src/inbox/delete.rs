//! `Delete`: of one of the signer's statuses, of the signer itself
//! (the account is suspended here), or of the signer's approval of a
//! quote of one of its posts (`QuoteAuthorization`: the quote is revoked).
use ferrodon_apub::activitypub::Activity;
use ferrodon_db::models::{Account, Quote, Status};
use ferrodon_db::queries::{accounts, quotes, statuses};

use super::status_by_uri;
use crate::services::delete_status::delete_status;
use crate::services::quote::withdraw_quote;
use crate::{live, AppState, Error, Result};

/// What is deleted, checked to be the signer's.
pub(super) enum Verified {
    /// The signer's account.
    Account,
    /// One of the signer's statuses.
    Status(Box<Status>),
    /// The signer's approval of a quote of one of its posts.
    QuoteAuthorization(Box<Quote>),
}

/// Only the signer itself or its own statuses may be deleted.
pub(super) async fn verify(
    state: &AppState,
    signer: &Account,
    activity: &Activity,
) -> Result<Option<Verified>> {
    let Some(uri) = activity.object_id() else {
        return Ok(None);
    };
    if uri == signer.uri {
        return Ok(Some(Verified::Account));
    }
    let Some(status) = status_by_uri(state, uri).await? else {
        // Only the quoted author (whose approval it was) can withdraw it.
        let mut conn = state.conn().await?;
        let quote = quotes::find_quote_by_approval_uri(&mut conn, uri, signer.id).await?;
        return Ok(quote.map(|q| Verified::QuoteAuthorization(Box::new(q))));
    };
    if status.account_id != signer.id {
        return Err(Error::validation("a Delete of someone else's status"));
    }
    Ok(Some(Verified::Status(Box::new(status))))
}

/// Suspends the account or deletes the status.
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified) -> Result<()> {
    match v {
        Verified::Account => {
            let mut conn = state.conn().await?;
            accounts::suspend_remote_account(&mut conn, signer.id).await?;
            Ok(())
        }
        Verified::Status(status) => delete_status(state, signer, status.id).await.map(|_| ()),
        Verified::QuoteAuthorization(quote) => {
            let mut conn = state.conn().await?;
            if !withdraw_quote(&mut conn, &quote).await? {
                return Ok(());
            }
            let quoting = statuses::get_status_by_id(&mut conn, quote.status_id).await?;
            drop(conn);
            live::status_edited(state, &quoting).await;
            Ok(())
        }
    }
}
