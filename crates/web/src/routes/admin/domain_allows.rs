//! `/api/v1/admin/domain_allows`: the servers federated with in limited
//! federation mode (Admin::DomainAllow).
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::roles::{require_staff, Permission};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::domain_allows::{self, DomainAllow};
use ferrodon_core::db::Page;
use ferrodon_core::entities::timestamp;
use ferrodon_core::moderation::actions;
use ferrodon_core::services::block_instance_domain;
use ferrodon_core::{AppState, Error};
use serde_json::{json, Value};

use super::record_id;
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};
use crate::routes::json_page;

const READ: &[Scope] = &[Scope::AdminRead, Scope::AdminReadDomainAllows];
const WRITE: &[Scope] = &[Scope::AdminWrite, Scope::AdminWriteDomainAllows];

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/admin/domain_allows", on::get().to(index))
        .route("/api/v1/admin/domain_allows", on::post().to(create))
        .route("/api/v1/admin/domain_allows/{id}", on::get().to(show))
        .route("/api/v1/admin/domain_allows/{id}", on::delete().to(destroy));
}

fn render(allow: &DomainAllow) -> Value {
    json!({
        "id": allow.id.to_string(),
        "domain": allow.domain,
        "created_at": timestamp(&allow.created_at),
    })
}

async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageFederation)?;
    let page = page_from(&params, 100, 200)?;
    let mut conn = state.conn().await?;
    let allows = domain_allows::page_domain_allows(&mut conn, &page).await?;
    let ids: Vec<i64> = allows.iter().map(|a| a.id).collect();
    let body: Vec<Value> = allows.iter().map(render).collect();
    Ok(json_page(&state, &req, &body, Page::cursors(&ids)))
}

async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageFederation)?;
    let mut conn = state.conn().await?;
    let allow = domain_allows::get_domain_allow(&mut conn, record_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(render(&allow)))
}

/// Allows a domain; allowing one already allowed answers the existing
/// allow, as Mastodon does.
async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    let (_, me) = require_staff(&auth.0, WRITE, Permission::ManageFederation)?;
    let domain = params
        .nonempty("domain")
        .ok_or_else(|| Error::validation("Domain can't be blank"))?;
    let domain = block_instance_domain::normalize(&domain)?;
    let mut conn = state.conn().await?;
    if let Some(existing) = domain_allows::find_domain_allow(&mut conn, &domain).await? {
        return Ok(HttpResponse::Ok().json(render(&existing)));
    }
    let allow = domain_allows::put_domain_allow(&mut conn, &domain).await?;
    actions::log(
        &mut conn,
        me,
        "create",
        "DomainAllow",
        allow.id,
        &allow.domain,
    )
    .await?;
    Ok(HttpResponse::Ok().json(render(&allow)))
}

async fn destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (_, me) = require_staff(&auth.0, WRITE, Permission::ManageFederation)?;
    let mut conn = state.conn().await?;
    let allow = domain_allows::get_domain_allow(&mut conn, record_id(&path)?).await?;
    domain_allows::delete_domain_allow(&mut conn, allow.id).await?;
    actions::log(
        &mut conn,
        me,
        "destroy",
        "DomainAllow",
        allow.id,
        &allow.domain,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
