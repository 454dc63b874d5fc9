//! The servers federated with in limited federation mode (Mastodon's
//! DomainAllow). Allowing a domain twice answers the existing allow and
//! records nothing, as Mastodon's admin API does.
use ferrodon_db::AsyncConnection;

use super::audit::{self, AuditAction, Target, TargetKind};
use super::{delete_audited, Actor, Removable};
use crate::auth::roles::Permission;
use crate::db::queries::domain_allows::{self, DomainAllow};
use crate::db::Conn;
use crate::services::block_instance_domain::normalize;
use crate::{AppState, Error, Result};

impl Removable for DomainAllow {
    const PERMISSION: Permission = Permission::ManageFederation;

    async fn find(conn: &mut Conn, id: i64) -> crate::db::Result<Self> {
        domain_allows::get_domain_allow(conn, id).await
    }

    async fn remove(&self, conn: &mut Conn) -> crate::db::Result<()> {
        domain_allows::delete_domain_allow(conn, self.id).await
    }

    fn target(&self) -> Target<'_> {
        Target::new(TargetKind::DomainAllow, self.id, &self.domain)
    }
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
        audit::record(conn, actor, AuditAction::Create, allow.target()).await?;
        Ok::<_, Error>(Allowed {
            allow,
            created: true,
        })
    })
    .await
}

/// Removes the allow with `id`; 404 when there is none.
pub async fn delete(state: &AppState, actor: Actor<'_>, id: i64) -> Result<DomainAllow> {
    delete_audited(state, actor, id).await
}
