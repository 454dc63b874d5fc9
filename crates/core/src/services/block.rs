//! Blocking and unblocking accounts.
use ferrodon_db::models::Account;
use ferrodon_db::queries::{accounts, blocks_mutes, follows};
use ferrodon_db::AccountId;
use ferrodon_db::AsyncConnection;

use crate::federation::outbox;
use crate::{AppState, Error, Result};

/// Blocks `target`: follows and follow requests between the two end, both ways.
pub async fn block(state: &AppState, actor: &Account, target_id: i64) -> Result<()> {
    if target_id == actor.id {
        return Err(Error::Forbidden("This action is not allowed".into()));
    }
    let mut conn = state.conn().await?;
    let target = accounts::get_account_by_id(&mut conn, target_id).await?;
    conn.transaction(async |conn| {
        blocks_mutes::put_block(conn, AccountId::new(actor.id), AccountId::new(target.id)).await?;
        for (from, to) in [(actor.id, target.id), (target.id, actor.id)] {
            if follows::delete_follow(conn, AccountId::new(from), AccountId::new(to)).await? {
                accounts::add_to_follow_counts(conn, AccountId::new(from), AccountId::new(to), -1)
                    .await?;
            }
            follows::take_follow_request(conn, AccountId::new(from), AccountId::new(to)).await?;
        }
        Ok::<_, Error>(())
    })
    .await?;
    drop(conn);
    outbox::send_to(
        state,
        actor,
        &target,
        outbox::block_activity(actor, &target),
    )
    .await
}

/// Lifts a block (idempotent).
pub async fn unblock(state: &AppState, actor: &Account, target_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    let target = accounts::get_account_by_id(&mut conn, target_id).await?;
    blocks_mutes::delete_block(
        &mut conn,
        AccountId::new(actor.id),
        AccountId::new(target.id),
    )
    .await?;
    drop(conn);
    let undo = outbox::undo(actor, outbox::block_activity(actor, &target));
    outbox::send_to(state, actor, &target, undo).await
}
