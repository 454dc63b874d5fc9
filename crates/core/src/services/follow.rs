//! Following and unfollowing accounts.
use ferrodon_db::models::{Account, NewFollow, NewNotification, Notification, NotificationKind};
use ferrodon_db::queries::{accounts, blocks_mutes, follows, notifications};
use ferrodon_db::AccountId;
use ferrodon_db::AsyncConnection;

use super::notify::notify;
use crate::{federation, live, AppState, Error, Result};

/// Options of a follow.
#[derive(Debug, Clone, Default)]
pub struct FollowOptions {
    /// Show the target's reblogs in the home timeline (default true).
    pub reblogs: Option<bool>,
    /// Notify on each new status (default false).
    pub notify: Option<bool>,
    /// Only these languages (None: all).
    pub languages: Option<Vec<String>>,
    /// The ActivityPub id of a remote account's `Follow`, kept to answer it.
    pub uri: Option<String>,
}

/// Follows `target`, or asks to when it is locked or remote (remote follows
/// stay requested until federation delivers them). Following again updates the options.
pub async fn follow(
    state: &AppState,
    actor: &Account,
    target_id: i64,
    options: FollowOptions,
) -> Result<()> {
    if target_id == actor.id {
        return Err(Error::Forbidden("This action is not allowed".into()));
    }
    let mut conn = state.conn().await?;
    let target = accounts::get_account_by_id(&mut conn, target_id).await?;
    if target.suspended_at.is_some()
        || blocks_mutes::blocked_either_way(
            &mut conn,
            AccountId::new(actor.id),
            AccountId::new(target.id),
        )
        .await?
    {
        return Err(Error::Forbidden("This action is not allowed".into()));
    }
    let (note, followed) = conn
        .transaction(async |conn| {
            let mut note = None;
            let mut followed = false;
            let existing =
                follows::get_follow(conn, AccountId::new(actor.id), AccountId::new(target.id))
                    .await?;
            let new = NewFollow {
                account_id: actor.id,
                target_account_id: target.id,
                show_reblogs: options
                    .reblogs
                    .unwrap_or_else(|| existing.as_ref().is_none_or(|f| f.show_reblogs)),
                notify: options
                    .notify
                    .unwrap_or_else(|| existing.as_ref().is_some_and(|f| f.notify)),
                languages: options
                    .languages
                    .clone()
                    .or_else(|| existing.as_ref().and_then(|f| f.languages.clone())),
                uri: options.uri.clone(),
            };
            if existing.is_some() || (!target.locked && target.is_local()) {
                let (_, created) = follows::put_follow(conn, &new).await?;
                if created {
                    accounts::add_to_follow_counts(
                        conn,
                        AccountId::new(actor.id),
                        AccountId::new(target.id),
                        1,
                    )
                    .await?;
                    note =
                        notify_follow(conn, target.id, actor.id, NotificationKind::Follow).await?;
                    followed = true;
                }
            } else if follows::put_follow_request(conn, &new).await? && target.is_local() {
                note = notify_follow(conn, target.id, actor.id, NotificationKind::FollowRequest)
                    .await?;
            }
            Ok::<_, Error>((note, followed))
        })
        .await?;
    drop(conn);
    if followed {
        live::follow_created(state, actor.id, target.id).await;
    } else if actor.is_local() && !target.is_local() {
        // Requested until the remote server answers with Accept.
        let activity = federation::outbox::follow_activity(actor, &target);
        federation::outbox::send_to(state, actor, &target, activity).await?;
    }
    live::notifications_created(state, note.as_slice()).await;
    Ok(())
}

/// Stops following `target` and withdraws any pending request (idempotent).
pub async fn unfollow(state: &AppState, actor: &Account, target_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    let target = accounts::get_account_by_id(&mut conn, target_id).await?;
    let (me, them) = (AccountId::new(actor.id), AccountId::new(target.id));
    if actor.is_local() && !target.is_local() {
        let undo =
            federation::outbox::undo(actor, federation::outbox::follow_activity(actor, &target));
        federation::outbox::send_to(state, actor, &target, undo).await?;
    }
    conn.transaction(async |conn| {
        if follows::delete_follow(conn, me, them).await? {
            accounts::add_to_follow_counts(conn, me, them, -1).await?;
        }
        if follows::take_follow_request(conn, me, them)
            .await?
            .is_some()
        {
            notifications::delete_notifications_about(
                conn,
                me,
                NotificationKind::FollowRequest,
                None,
                them,
            )
            .await?;
        }
        Ok::<_, Error>(())
    })
    .await
}

async fn notify_follow(
    conn: &mut ferrodon_db::Conn,
    to: i64,
    from: i64,
    kind: NotificationKind,
) -> Result<Option<Notification>> {
    notify(
        conn,
        &NewNotification {
            account_id: to,
            from_account_id: from,
            kind,
            status_id: None,
        },
    )
    .await
}

/// Removes `follower` from `actor`'s followers without blocking it
/// (`POST /api/v1/accounts/:id/remove_from_followers`); a remote follower
/// is sent a `Reject` of its follow, as Mastodon does. Idempotent.
pub async fn remove_from_followers(
    state: &AppState,
    actor: &Account,
    follower_id: i64,
) -> Result<()> {
    let mut conn = state.conn().await?;
    let follower = accounts::get_account_by_id(&mut conn, follower_id).await?;
    let (them, me) = (AccountId::new(follower.id), AccountId::new(actor.id));
    let follow = follows::get_follow(&mut conn, them, me).await?;
    let removed = conn
        .transaction(async |conn| {
            let removed = follows::delete_follow(conn, them, me).await?;
            if removed {
                accounts::add_to_follow_counts(conn, them, me, -1).await?;
            }
            Ok::<_, Error>(removed)
        })
        .await?;
    drop(conn);
    if removed {
        let follow_uri = follow.and_then(|f| f.uri);
        federation::outbox::send_follow_answer(
            state,
            "Reject",
            actor,
            &follower,
            follow_uri.as_deref(),
        )
        .await?;
    }
    Ok(())
}
