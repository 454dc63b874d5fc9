//! Accepting and rejecting follow requests to a locked account.
use ferrodon_db::models::{Account, NewFollow, NewNotification};
use ferrodon_db::queries::{accounts, follows, notifications};
use ferrodon_db::AccountId;
use ferrodon_db::AsyncConnection;

use super::notify::notify;
use crate::{live, AppState, Error, Result};

/// Turns `requester`'s pending request into a follow. NotFound when there is none.
pub async fn authorize_follow_request(
    state: &AppState,
    target: &Account,
    requester_id: i64,
) -> Result<()> {
    let mut conn = state.conn().await?;
    let (note, follow_uri) = conn
        .transaction(async |conn| {
            let request = take_request(conn, requester_id, target.id).await?;
            let follow_uri = request.uri.clone();
            let (_, created) = follows::put_follow(
                conn,
                &NewFollow {
                    account_id: request.account_id,
                    target_account_id: target.id,
                    show_reblogs: request.show_reblogs,
                    notify: request.notify,
                    languages: None,
                    uri: request.uri.clone(),
                },
            )
            .await?;
            if created {
                accounts::add_to_follow_counts(
                    conn,
                    AccountId::new(request.account_id),
                    AccountId::new(target.id),
                    1,
                )
                .await?;
            }
            let note = notify(
                conn,
                &NewNotification {
                    account_id: target.id,
                    from_account_id: requester_id,
                    kind: ferrodon_db::models::NotificationKind::Follow,
                    status_id: None,
                },
            )
            .await?;
            Ok::<_, Error>((note, follow_uri))
        })
        .await?;
    drop(conn);
    answer_remote(state, target, requester_id, "Accept", follow_uri.as_deref()).await?;
    live::follow_created(state, requester_id, target.id).await;
    live::notifications_created(state, note.as_slice()).await;
    Ok(())
}

/// Drops `requester`'s pending request. NotFound when there is none.
pub async fn reject_follow_request(
    state: &AppState,
    target: &Account,
    requester_id: i64,
) -> Result<()> {
    let mut conn = state.conn().await?;
    let request = conn
        .transaction(async |conn| {
            let request = take_request(conn, requester_id, target.id).await?;
            Ok::<_, Error>(request)
        })
        .await?;
    drop(conn);
    answer_remote(
        state,
        target,
        requester_id,
        "Reject",
        request.uri.as_deref(),
    )
    .await
}

/// Removes a pending request and the notification about it; NotFound when none.
async fn take_request(
    conn: &mut ferrodon_db::Conn,
    requester_id: i64,
    target_id: i64,
) -> Result<ferrodon_db::models::FollowRequest> {
    let request = follows::take_follow_request(
        conn,
        AccountId::new(requester_id),
        AccountId::new(target_id),
    )
    .await?
    .ok_or(Error::NotFound)?;
    notifications::delete_notifications_about(
        conn,
        AccountId::new(requester_id),
        ferrodon_db::models::NotificationKind::FollowRequest,
        None,
        AccountId::new(target_id),
    )
    .await?;
    Ok(request)
}

/// Tells a remote requester the answer (`Accept` or `Reject`) to its `Follow`.
async fn answer_remote(
    state: &AppState,
    target: &Account,
    requester_id: i64,
    kind: &str,
    follow_uri: Option<&str>,
) -> Result<()> {
    if !target.is_local() {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    let requester = accounts::get_account_by_id(&mut conn, requester_id).await?;
    drop(conn);
    crate::federation::outbox::send_follow_answer(state, kind, target, &requester, follow_uri).await
}
