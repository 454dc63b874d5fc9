//! The servers federated with in limited federation mode (Mastodon's
//! DomainAllow). Allowing a domain twice answers the existing allow and
//! records nothing, as Mastodon's admin API does.
use ferrodon_db::AsyncConnection;

use super::audit::{self, AuditAction, Target, TargetKind};
use super::Actor;
use crate::auth::roles::Permission;
use crate::db::queries::domain_allows::{self, DomainAllow};
use crate::services::block_instance_domain::normalize;
use crate::{AppState, Error, Result};

fn target(allow: &DomainAllow) -> Target<'_> {
    Target::new(TargetKind::DomainAllow, allow.id, &allow.domain)
}

/// What [`create`] found or made.
#[derive(Debug)]
pub struct Allowed {
    /// The allow.
    pub allow: DomainAllow,
    /// False when the domain was allowed already.
    pub created: bool,
}

/// Allows `domain` (normalised first).
pub async fn create(state: &AppState, actor: Actor<'_>, domain: &str) -> Result<Allowed> {
    actor.ensure(Permission::ManageFederation)?;
    let domain = normalize(domain)?;
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        if let Some(allow) = domain_allows::find_domain_allow(conn, &domain).await? {
            return Ok(Allowed {
                allow,
                created: false,
            });
        }
        let allow = domain_allows::put_domain_allow(conn, &domain).await?;
        audit::record(conn, actor, AuditAction::Create, target(&allow)).await?;
        Ok::<_, Error>(Allowed {
            allow,
            created: true,
        })
    })
    .await
}

/// Removes the allow with `id`; 404 when there is none.
pub async fn delete(state: &AppState, actor: Actor<'_>, id: i64) -> Result<DomainAllow> {
    actor.ensure(Permission::ManageFederation)?;
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        let allow = domain_allows::get_domain_allow(conn, id).await?;
        domain_allows::delete_domain_allow(conn, allow.id).await?;
        audit::record(conn, actor, AuditAction::Destroy, target(&allow)).await?;
        Ok::<_, Error>(allow)
    })
    .await
}
