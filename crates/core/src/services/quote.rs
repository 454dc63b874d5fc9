//! Quote posts: checking that a status may be quoted, revoking a quote of
//! one's own status, and changing who may quote it.
use ferrodon_db::models::{
    Account, NewNotification, NewQuote, Notification, Quote, QuoteState, Status, Visibility,
};
use ferrodon_db::queries::{follows, quotes, statuses};
use ferrodon_db::{AccountId, StatusId};
use ferrodon_db::{AsyncConnection, Conn};

use super::notify::notify;
use super::status_access::get_visible_status;
use crate::federation::outbox;
use crate::quotes::{decide, QuoteDecision, QuotePolicy};
use crate::{live, AppState, Error, Result};

/// The status `quoter` wants to quote, and whether the quote is accepted
/// at once. A status the quoter cannot see is NotFound; one its author's
/// policy refuses to the quoter (every private or direct status of
/// someone else among them) is a validation error.
pub(crate) async fn check_quotable(
    conn: &mut Conn,
    quoter: i64,
    quoted_status_id: i64,
) -> Result<(Status, QuoteState)> {
    let mut quoted = get_visible_status(conn, quoted_status_id, Some(quoter)).await?;
    if let Some(original) = quoted.reblog_of_id {
        quoted = get_visible_status(conn, original, Some(quoter)).await?;
    }
    let follows_author = quoted.account_id != quoter
        && follows::get_follow(
            conn,
            AccountId::new(quoter),
            AccountId::new(quoted.account_id),
        )
        .await?
        .is_some();
    // A remote author's approval comes by their answer to our
    // QuoteRequest, even when their policy would allow it at once.
    let remote = !quoted.local && quoted.account_id != quoter;
    match decide(&quoted, Some(quoter), follows_author) {
        QuoteDecision::Automatic if remote => Ok((quoted, QuoteState::Pending)),
        QuoteDecision::Automatic => Ok((quoted, QuoteState::Accepted)),
        QuoteDecision::Manual | QuoteDecision::Unknown => Ok((quoted, QuoteState::Pending)),
        QuoteDecision::Denied
            if matches!(
                quoted.visibility(),
                Visibility::Private | Visibility::Direct
            ) =>
        {
            Err(Error::validation("Quoted status is not public or unlisted"))
        }
        QuoteDecision::Denied => Err(Error::validation(
            "Quoted status's author does not allow you to quote it",
        )),
    }
}

/// The state of a quote a remote status makes, as Mastodon decides it
/// without an approval exchange: a quote of a local status follows the
/// quoted status's policy (accepted when automatic), a self-quote is
/// accepted, and any other waits (pending) for an authorization we do not
/// verify yet.
pub(crate) async fn remote_quote_state(
    conn: &mut Conn,
    quoter: &Account,
    quoted: &Status,
) -> Result<QuoteState> {
    if quoted.account_id == quoter.id {
        return Ok(QuoteState::Accepted);
    }
    if !quoted.local {
        return Ok(QuoteState::Pending);
    }
    let follows_author = follows::get_follow(
        conn,
        AccountId::new(quoter.id),
        AccountId::new(quoted.account_id),
    )
    .await?
    .is_some();
    Ok(match decide(quoted, Some(quoter.id), follows_author) {
        QuoteDecision::Automatic => QuoteState::Accepted,
        _ => QuoteState::Pending,
    })
}

/// The id of the `QuoteRequest` a local status sends for its quote of a
/// remote post.
pub(crate) fn quote_request_id(status: &Status) -> String {
    format!("{}/quote_request", status.uri)
}

/// Stores the quote a new status makes, counts it when accepted, and
/// tells the quoted local author. A local status's pending quote of a
/// remote post gets the id of the `QuoteRequest` its distribution sends.
pub(crate) async fn store_quote(
    conn: &mut Conn,
    author_id: i64,
    status: &Status,
    quoted: &Status,
    state: QuoteState,
) -> Result<Option<Notification>> {
    quotes::put_quote(
        conn,
        &NewQuote {
            status_id: status.id,
            quoted_status_id: quoted.id,
            account_id: author_id,
            quoted_account_id: quoted.account_id,
            state: state.as_i16(),
            activity_uri: (status.local && !quoted.local && state == QuoteState::Pending)
                .then(|| quote_request_id(status)),
        },
    )
    .await?;
    if state != QuoteState::Accepted {
        return Ok(None);
    }
    counted(conn, author_id, status.id, quoted).await
}

/// Counts a newly accepted quote and tells the quoted local author.
async fn counted(
    conn: &mut Conn,
    author_id: i64,
    status_id: i64,
    quoted: &Status,
) -> Result<Option<Notification>> {
    statuses::add_to_status_counter(conn, quoted.id, statuses::StatusCounter::Quotes, 1).await?;
    if quoted.account_id == author_id || !quoted.local {
        return Ok(None);
    }
    notify(
        conn,
        &NewNotification {
            account_id: quoted.account_id,
            from_account_id: author_id,
            kind: ferrodon_db::models::NotificationKind::Quote,
            status_id: Some(status_id),
        },
    )
    .await
}

/// Accepts a quote that was not accepted yet (with the remote
/// authorization that approved it, for a quote of a remote post), counts
/// it and tells the quoted local author; nothing for one accepted already.
pub(crate) async fn accept_quote(
    conn: &mut Conn,
    quote: &Quote,
    quoted: &Status,
    approval_uri: Option<&str>,
) -> Result<Option<Notification>> {
    if quote.state() == QuoteState::Accepted {
        return Ok(None);
    }
    conn.transaction(async |conn| {
        if !quotes::accept_quote(conn, quote.id, approval_uri).await? {
            return Ok(None);
        }
        counted(conn, quote.account_id, quote.status_id, quoted).await
    })
    .await
}

/// Withdraws a quote's approval: an accepted quote becomes revoked (and is
/// no longer counted), a pending one rejected. Whether it changed.
pub(crate) async fn withdraw_quote(conn: &mut Conn, quote: &Quote) -> Result<bool> {
    match quote.state() {
        QuoteState::Accepted => {
            conn.transaction(async |conn| {
                quotes::set_quote_state(conn, quote.id, QuoteState::Revoked).await?;
                if let Some(quoted) = quote.quoted_status_id {
                    statuses::add_to_status_counter(
                        conn,
                        quoted,
                        statuses::StatusCounter::Quotes,
                        -1,
                    )
                    .await?;
                }
                Ok::<_, Error>(())
            })
            .await?;
            Ok(true)
        }
        QuoteState::Pending => {
            quotes::set_quote_state(conn, quote.id, QuoteState::Rejected).await?;
            Ok(true)
        }
        QuoteState::Rejected | QuoteState::Revoked => Ok(false),
    }
}

/// Withdraws the approval of a quote of `author`'s own status: an accepted
/// quote becomes revoked, a pending one rejected. Returns the quoting
/// status. A quoting status the author may not see is NotFound, as a
/// quoted status they may not see.
pub async fn revoke_quote(
    state: &AppState,
    author: &Account,
    quoted_status_id: i64,
    quoting_status_id: i64,
) -> Result<Status> {
    let mut conn = state.conn().await?;
    let quoted = get_visible_status(&mut conn, quoted_status_id, Some(author.id)).await?;
    get_visible_status(&mut conn, quoting_status_id, Some(author.id)).await?;
    let quote = quotes::find_quote_of(
        &mut conn,
        StatusId::new(quoted.id),
        StatusId::new(quoting_status_id),
    )
    .await?
    .ok_or(Error::NotFound)?;
    if quote.quoted_account_id != Some(author.id) {
        return Err(Error::Forbidden("This action is not allowed".into()));
    }
    let withdrawn = withdraw_quote(&mut conn, &quote).await?;
    let quoting = statuses::get_status_by_id(&mut conn, quote.status_id).await?;
    drop(conn);
    live::status_edited(state, &quoting).await;
    // The servers that saw the authorization hear that it is withdrawn.
    if withdrawn && quote.state() == QuoteState::Accepted {
        if let Err(e) =
            outbox::federate_quote_revocation(state, author, &quote, &quoting, &quoted).await
        {
            tracing::warn!(quote_id = quote.id, error = %e, "could not queue the Delete of a quote authorization");
        }
    }
    Ok(quoting)
}

/// Changes who may quote `author`'s own status
/// (`PUT /api/v1/statuses/:id/interaction_policy`).
pub async fn set_quote_policy(
    state: &AppState,
    author: &Account,
    status_id: i64,
    policy: QuotePolicy,
) -> Result<()> {
    let mut conn = state.conn().await?;
    let status = get_visible_status(&mut conn, status_id, Some(author.id)).await?;
    if status.account_id != author.id || status.reblog_of_id.is_some() {
        return Err(Error::Forbidden("This action is not allowed".into()));
    }
    let bitmap = policy.bitmap(status.visibility());
    if bitmap == status.quote_approval_policy {
        return Ok(());
    }
    quotes::set_quote_approval_policy(&mut conn, status.id, bitmap).await?;
    drop(conn);
    live::status_edited(state, &status).await;
    Ok(())
}
