//! Muting and unmuting accounts.
use chrono::{Duration, Utc};
use ferrodon_db::models::Account;
use ferrodon_db::queries::{accounts, blocks_mutes};
use ferrodon_db::AccountId;

use crate::{AppState, Error, Result};

/// Mutes `target`, hiding its statuses from the actor's timelines and, when
/// `notifications` (the default), its notifications; for `duration_secs`
/// seconds, or indefinitely when 0 or absent. Muting again updates both.
pub async fn mute(
    state: &AppState,
    actor: &Account,
    target_id: i64,
    notifications: bool,
    duration_secs: Option<i64>,
) -> Result<()> {
    if target_id == actor.id {
        return Err(Error::Forbidden("This action is not allowed".into()));
    }
    let expires_at = match duration_secs {
        None | Some(0) => None,
        Some(secs) if secs > 0 => Some(Utc::now() + Duration::seconds(secs)),
        Some(_) => {
            return Err(Error::validation(
                "Duration must be a positive number of seconds",
            ))
        }
    };
    let mut conn = state.conn().await?;
    let target = accounts::get_account_by_id(&mut conn, target_id).await?;
    blocks_mutes::put_mute(
        &mut conn,
        AccountId::new(actor.id),
        AccountId::new(target.id),
        notifications,
        expires_at,
    )
    .await?;
    Ok(())
}

/// Lifts a mute (idempotent).
pub async fn unmute(state: &AppState, actor: &Account, target_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    let target = accounts::get_account_by_id(&mut conn, target_id).await?;
    blocks_mutes::delete_mute(
        &mut conn,
        AccountId::new(actor.id),
        AccountId::new(target.id),
    )
    .await?;
    Ok(())
}
