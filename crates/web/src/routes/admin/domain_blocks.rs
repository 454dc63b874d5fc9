//! `/api/v1/admin/domain_blocks`: blocking other servers (Admin::DomainBlock).
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::roles::{require_staff, Permission};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::domain_blocks::{self, DomainBlock, NewDomainBlock};
use ferrodon_core::db::Page;
use ferrodon_core::entities::timestamp;
use ferrodon_core::media::storage::sigv4::sha256_hex;
use ferrodon_core::moderation::actions;
use ferrodon_core::services::block_instance_domain;
use ferrodon_core::{AppState, Error};
use serde_json::{json, Value};

use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};
use crate::routes::json_page;

const READ: &[Scope] = &[Scope::AdminRead, Scope::AdminReadDomainBlocks];
const WRITE: &[Scope] = &[Scope::AdminWrite, Scope::AdminWriteDomainBlocks];

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/admin/domain_blocks", on::get().to(index))
        .route("/api/v1/admin/domain_blocks", on::post().to(create))
        .route("/api/v1/admin/domain_blocks/{id}", on::get().to(show))
        .route("/api/v1/admin/domain_blocks/{id}", on::put().to(update))
        .route("/api/v1/admin/domain_blocks/{id}", on::delete().to(destroy));
}

fn render(block: &DomainBlock) -> Value {
    json!({
        "id": block.id.to_string(),
        "domain": block.domain,
        "digest": sha256_hex(block.domain.as_bytes()),
        "created_at": timestamp(&block.created_at),
        "severity": block.severity,
        "reject_media": block.reject_media,
        "reject_reports": block.reject_reports,
        "private_comment": block.private_comment,
        "public_comment": block.public_comment,
        "obfuscate": block.obfuscate,
    })
}

fn block_id(path: &web::Path<String>) -> ApiResult<i64> {
    Ok(path.parse().map_err(|_| Error::NotFound)?)
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
    let blocks = domain_blocks::page_domain_blocks(&mut conn, &page).await?;
    let ids: Vec<i64> = blocks.iter().map(|b| b.id).collect();
    let body: Vec<Value> = blocks.iter().map(render).collect();
    Ok(json_page(&state, &req, &body, Page::cursors(&ids)))
}

async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageFederation)?;
    let mut conn = state.conn().await?;
    let block = domain_blocks::get_domain_block(&mut conn, block_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(render(&block)))
}

/// The block as the request describes it, over `current` for a `PUT`.
fn requested(params: &Params, domain: String, current: Option<&DomainBlock>) -> NewDomainBlock {
    let flag = |name: &str, now: bool| params.bool(name).unwrap_or(now);
    let text = |name: &str, now: Option<&String>| match params.get(name) {
        Some(_) => params.nonempty(name),
        None => now.cloned(),
    };
    NewDomainBlock {
        domain,
        severity: params
            .nonempty("severity")
            .or_else(|| current.map(|b| b.severity.clone()))
            .unwrap_or_else(|| "silence".into()),
        reject_media: flag("reject_media", current.is_some_and(|b| b.reject_media)),
        reject_reports: flag("reject_reports", current.is_some_and(|b| b.reject_reports)),
        private_comment: text(
            "private_comment",
            current.and_then(|b| b.private_comment.as_ref()),
        ),
        public_comment: text(
            "public_comment",
            current.and_then(|b| b.public_comment.as_ref()),
        ),
    }
}

async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    let (_, me) = require_staff(&auth.0, WRITE, Permission::ManageFederation)?;
    let domain = params
        .nonempty("domain")
        .ok_or_else(|| Error::validation("Domain can't be blank"))?;
    let domain = block_instance_domain::normalize(&domain)?;
    let mut conn = state.conn().await?;
    if let Some(existing) = domain_blocks::list_domain_blocks(&mut conn)
        .await?
        .into_iter()
        .find(|b| b.domain == domain)
    {
        return Ok(HttpResponse::UnprocessableEntity().json(json!({
            "error": format!("Validation failed: Domain {domain} is already blocked"),
            "existing_domain_block": render(&existing),
        })));
    }
    let applied = block_instance_domain::block(&mut conn, requested(&params, domain, None)).await?;
    let block = applied.block;
    actions::log(
        &mut conn,
        me,
        "create",
        "DomainBlock",
        block.id,
        &block.domain,
    )
    .await?;
    Ok(HttpResponse::Ok().json(render(&block)))
}

async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let (_, me) = require_staff(&auth.0, WRITE, Permission::ManageFederation)?;
    let mut conn = state.conn().await?;
    let current = domain_blocks::get_domain_block(&mut conn, block_id(&path)?).await?;
    let wanted = requested(&params, current.domain.clone(), Some(&current));
    let block = block_instance_domain::block(&mut conn, wanted).await?.block;
    actions::log(
        &mut conn,
        me,
        "update",
        "DomainBlock",
        block.id,
        &block.domain,
    )
    .await?;
    Ok(HttpResponse::Ok().json(render(&block)))
}

async fn destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (_, me) = require_staff(&auth.0, WRITE, Permission::ManageFederation)?;
    let mut conn = state.conn().await?;
    let block = domain_blocks::get_domain_block(&mut conn, block_id(&path)?).await?;
    domain_blocks::delete_domain_block(&mut conn, &block.domain).await?;
    actions::log(
        &mut conn,
        me,
        "destroy",
        "DomainBlock",
        block.id,
        &block.domain,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
