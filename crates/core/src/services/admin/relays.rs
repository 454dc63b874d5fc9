//! Subscribing to ActivityPub relays and leaving them. The follow (or its
//! `Undo`) goes out through [`crate::federation::relays`]; the audit entry
//! is written once the relay row is stored or gone.
use super::audit::{self, AuditAction, Target, TargetKind};
use super::Actor;
use crate::auth::roles::Permission;
use crate::db::queries::relays::{self, Relay};
use crate::federation::relays::{add_relay, remove_relay};
use crate::{AppState, Error, Result};

fn target(relay: &Relay) -> Target<'_> {
    Target::new(TargetKind::Relay, relay.id, &relay.inbox_url)
}

/// Subscribes to the relay whose inbox is `inbox_url` (again: the follow
/// is sent anew).
pub async fn create(state: &AppState, actor: Actor<'_>, inbox_url: &str) -> Result<Relay> {
    actor.ensure(Permission::ManageFederation)?;
    let inbox_url = inbox_url.trim();
    let relay = add_relay(state, inbox_url).await?;
    let mut conn = state.conn().await?;
    audit::record(&mut conn, actor, AuditAction::Create, target(&relay)).await?;
    Ok(relay)
}

/// Unsubscribes from the relay whose inbox is `inbox_url`; 404 when it is
/// not a relay of this server.
pub async fn delete_inbox(state: &AppState, actor: Actor<'_>, inbox_url: &str) -> Result<Relay> {
    actor.ensure(Permission::ManageFederation)?;
    let inbox_url = inbox_url.trim();
    let relay = {
        let mut conn = state.conn().await?;
        relays::list_relays(&mut conn)
            .await?
            .into_iter()
            .find(|r| r.inbox_url == inbox_url)
            .ok_or(Error::NotFound)?
    };
    if !remove_relay(state, &relay.inbox_url).await? {
        return Err(Error::NotFound);
    }
    let mut conn = state.conn().await?;
    audit::record(&mut conn, actor, AuditAction::Destroy, target(&relay)).await?;
    Ok(relay)
}

/// Unsubscribes from the relay with `id`; 404 when there is none.
pub async fn delete(state: &AppState, actor: Actor<'_>, id: i64) -> Result<Relay> {
    let inbox_url = {
        let mut conn = state.conn().await?;
        relays::list_relays(&mut conn)
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(Error::NotFound)?
            .inbox_url
    };
    delete_inbox(state, actor, &inbox_url).await
}
