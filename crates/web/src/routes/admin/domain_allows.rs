//! `/api/v1/admin/domain_allows`: the servers federated with in limited
//! federation mode (Admin::DomainAllow).
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::domain_allows::{self as queries, DomainAllow};
use ferrodon_core::db::{Conn, Page};
use ferrodon_core::entities::timestamp;
use ferrodon_core::services::admin::{domain_allows, Actor};
use ferrodon_core::{AppState, Error};
use serde_json::{json, Value};

use super::{list_show_delete, rendered, staff, Record};
use crate::error::ApiResult;
use crate::extract::{Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    list_show_delete::<DomainAllow>(cfg);
    cfg.route(DomainAllow::PATH, on::post().to(create));
}

impl Record for DomainAllow {
    const PATH: &'static str = "/api/v1/admin/domain_allows";
    const READ: &'static [Scope] = &[Scope::AdminRead, Scope::AdminReadDomainAllows];
    const WRITE: &'static [Scope] = &[Scope::AdminWrite, Scope::AdminWriteDomainAllows];
    const PERMISSION: Permission = Permission::ManageFederation;

    fn id(&self) -> i64 {
        self.id
    }

    async fn page(conn: &mut Conn, page: &Page) -> ferrodon_core::db::Result<Vec<Self>> {
        queries::page_domain_allows(conn, page).await
    }

    async fn get(conn: &mut Conn, id: i64) -> ferrodon_core::db::Result<Self> {
        queries::get_domain_allow(conn, id).await
    }

    async fn render(&self, _: &mut Conn) -> ApiResult<Value> {
        Ok(json!({
            "id": self.id.to_string(),
            "domain": self.domain,
            "created_at": timestamp(&self.created_at),
        }))
    }

    async fn delete(state: &AppState, actor: Actor<'_>, id: i64) -> ferrodon_core::Result<()> {
        domain_allows::delete(state, actor, id).await?;
        Ok(())
    }
}

/// Allows a domain; allowing one already allowed answers the existing
/// allow, as Mastodon does.
async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    let actor = staff(&auth, DomainAllow::WRITE, DomainAllow::PERMISSION)?;
    let domain = params
        .nonempty("domain")
        .ok_or_else(|| Error::validation("Domain can't be blank"))?;
    let allowed = domain_allows::create(&state, actor, &domain).await?;
    rendered(&state, &allowed.allow).await
}
