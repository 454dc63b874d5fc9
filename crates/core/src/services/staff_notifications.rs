//! Notifications for staff: `admin.sign_up` when someone new joins (once
//! their address is confirmed, as Mastodon's `prepare_new_user!`), to
//! every enabled user whose role may manage users. They go through
//! `notify` (blocks, mutes and the recipient's policy apply; Mastodon
//! never filters the `admin.*` types) and are streamed and pushed as
//! other notifications.
use ferrodon_db::models::{NewNotification, NotificationKind};
use ferrodon_db::queries::users;

use super::notify::notify;
use crate::auth::roles::{can, Permission, Role};
use crate::{live, AppState, Result};

/// Tells the staff who may manage users that `account_id` signed up. The
/// sign-up is done either way, so a failure is logged.
pub(crate) async fn tell_staff_of_sign_up(state: &AppState, account_id: i64) {
    if let Err(e) = sign_up(state, account_id).await {
        tracing::warn!(account_id, error = %e, "could not notify staff of a sign-up");
    }
}

async fn sign_up(state: &AppState, account_id: i64) -> Result<()> {
    let roles: Vec<Role> = Role::ALL
        .iter()
        .copied()
        .filter(|role| can(*role, Permission::ManageUsers))
        .collect();
    let mut conn = state.conn().await?;
    let staff = users::list_account_ids_with_roles(&mut conn, &roles).await?;
    let mut notes = Vec::new();
    for recipient in staff.into_iter().filter(|id| *id != account_id) {
        let new = NewNotification {
            account_id: recipient,
            from_account_id: account_id,
            kind: NotificationKind::AdminSignUp,
            status_id: None,
        };
        notes.extend(notify(&mut conn, &new).await?);
    }
    drop(conn);
    live::notifications_created(state, &notes).await;
    Ok(())
}
