//! `Announce`: a boost of a status we know, stored as a reblog under the
//! activity's id; or a relay's announce of a post, which is fetched so it
//! enters the federated timeline.
use ferrodon_apub::activitypub::{Activity, Visibility as Wire};
use ferrodon_db::models::{Account, NewNotification, NewStatus, Status, Visibility};
use ferrodon_db::queries::{accounts, statuses};
use ferrodon_db::AsyncConnection;
use ferrodon_db::{AccountId, StatusId};

use super::resolve::resolve_url;
use super::status_by_uri;
use crate::federation::relays;
use crate::services::notify::notify;
use crate::{live, AppState, Error, Result};

/// An announce, checked.
pub(super) enum Verified<'a> {
    /// A relay (one that accepted our follow) announces a post we do not
    /// have yet.
    Relayed(&'a str),
    /// A boost, not stored yet, of a public or unlisted status.
    Boost {
        /// The announce's id, the reblog's URI.
        id: &'a str,
        /// The status boosted.
        original: Box<Status>,
        /// The reblog's visibility, from the announce's audience.
        visibility: Visibility,
    },
}

/// A boost must be new and of a public or unlisted status we know; a
/// relay's post must be unknown.
pub(super) async fn verify<'a>(
    state: &AppState,
    signer: &Account,
    activity: &'a Activity,
) -> Result<Option<Verified<'a>>> {
    if status_by_uri(state, &activity.id).await?.is_some() {
        return Ok(None);
    }
    let Some(uri) = activity.object_id() else {
        return Ok(None);
    };
    if relays::is_relay(state, signer).await? {
        return Ok(match status_by_uri(state, uri).await? {
            None => Some(Verified::Relayed(uri)),
            Some(_) => None,
        });
    }
    let Some(original) = status_by_uri(state, uri).await? else {
        return Ok(None);
    };
    if original.visibility() > Visibility::Unlisted {
        return Ok(None);
    }
    let followers = (!signer.followers_url.is_empty()).then_some(signer.followers_url.as_str());
    let visibility = match activity.visibility(followers) {
        Wire::Public => Visibility::Public,
        Wire::Unlisted => Visibility::Unlisted,
        _ => Visibility::Private,
    };
    Ok(Some(Verified::Boost {
        id: &activity.id,
        original: Box::new(original),
        visibility,
    }))
}

/// Fetches the relayed post, or stores the reblog and notifies the
/// boosted status's local author.
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified<'_>) -> Result<()> {
    let (id, original, visibility) = match v {
        Verified::Relayed(uri) => return resolve_url(state, uri).await.map(|_| ()),
        Verified::Boost {
            id,
            original,
            visibility,
        } => (id, original, visibility),
    };
    let mut conn = state.conn().await?;
    let (reblog, note) = conn
        .transaction(async |conn| {
            let reblog_id = accounts::next_id(conn).await?;
            let reblog = statuses::put_status(
                conn,
                &NewStatus::reblog(
                    StatusId::new(reblog_id),
                    id.to_owned(),
                    AccountId::new(signer.id),
                    StatusId::new(original.id),
                    visibility,
                    false,
                ),
            )
            .await?;
            statuses::add_to_status_counter(conn, original.id, statuses::StatusCounter::Reblogs, 1)
                .await?;
            let note = if original.local {
                notify(
                    conn,
                    &NewNotification {
                        account_id: original.account_id,
                        from_account_id: signer.id,
                        kind: ferrodon_db::models::NotificationKind::Reblog,
                        status_id: Some(original.id),
                    },
                )
                .await?
            } else {
                None
            };
            Ok::<_, Error>((reblog, note))
        })
        .await?;
    drop(conn);
    live::status_created(state, &reblog).await;
    live::notifications_created(state, note.as_slice()).await;
    Ok(())
}
