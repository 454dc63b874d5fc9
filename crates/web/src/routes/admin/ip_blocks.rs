//! `/api/v1/admin/ip_blocks`: address ranges that need approval to sign
//! up, may not sign up, or may not reach the server at all (Admin::IpBlock).
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use ferrodon_core::auth::roles::{require_staff, Permission};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::ip_blocks::{self, IpBlock, IpBlockFields};
use ferrodon_core::db::Page;
use ferrodon_core::entities::timestamp;
use ferrodon_core::moderation::actions;
use ferrodon_core::moderation::ip_blocks as ip_rules;
use ferrodon_core::{AppState, Error};
use serde_json::{json, Value};

use super::{record_id, taken};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};
use crate::routes::json_page;

const READ: &[Scope] = &[Scope::AdminRead, Scope::AdminReadIpBlocks];
const WRITE: &[Scope] = &[Scope::AdminWrite, Scope::AdminWriteIpBlocks];

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/admin/ip_blocks", on::get().to(index))
        .route("/api/v1/admin/ip_blocks", on::post().to(create))
        .route("/api/v1/admin/ip_blocks/{id}", on::get().to(show))
        .route("/api/v1/admin/ip_blocks/{id}", on::put().to(update))
        .route("/api/v1/admin/ip_blocks/{id}", on::delete().to(destroy));
}

fn render(block: &IpBlock) -> Value {
    json!({
        "id": block.id.to_string(),
        "ip": block.ip,
        "severity": block.severity,
        "comment": block.comment,
        "created_at": timestamp(&block.created_at),
        "expires_at": block.expires_at.as_ref().map(timestamp),
    })
}

async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageBlocks)?;
    let page = page_from(&params, 100, 200)?;
    let mut conn = state.conn().await?;
    let blocks = ip_blocks::page_ip_blocks(&mut conn, &page).await?;
    let ids: Vec<i64> = blocks.iter().map(|b| b.id).collect();
    let body: Vec<Value> = blocks.iter().map(render).collect();
    Ok(json_page(&state, &req, &body, Page::cursors(&ids)))
}

async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageBlocks)?;
    let mut conn = state.conn().await?;
    let block = ip_blocks::get_ip_block(&mut conn, record_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(render(&block)))
}

/// The block as the request describes it, over `current` for a `PUT`.
fn requested(params: &Params, current: Option<&IpBlock>) -> ApiResult<IpBlockFields> {
    let ip = match (params.nonempty("ip"), current) {
        (Some(text), _) => ip_rules::parse_range(&text)?,
        (None, Some(block)) => block.ip.clone(),
        (None, None) => return Err(Error::validation("Ip can't be blank").into()),
    };
    let severity = match (params.nonempty("severity"), current) {
        (Some(text), _) => ip_rules::parse_severity(&text)?.as_str().to_owned(),
        (None, Some(block)) => block.severity.clone(),
        (None, None) => return Err(Error::validation("Severity can't be blank").into()),
    };
    let comment = match params.str("comment") {
        Some(text) => text,
        None => current.map(|b| b.comment.clone()).unwrap_or_default(),
    };
    let expires_at = match params.get("expires_in") {
        Some(_) => match params.i64("expires_in")? {
            Some(secs) if secs > 0 => Some(Utc::now() + Duration::seconds(secs)),
            _ => None,
        },
        None => current.and_then(|b| b.expires_at),
    };
    Ok(IpBlockFields {
        ip,
        severity,
        comment,
        expires_at,
    })
}

async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    let (_, me) = require_staff(&auth.0, WRITE, Permission::ManageBlocks)?;
    let fields = requested(&params, None)?;
    let mut conn = state.conn().await?;
    let block = ip_blocks::put_ip_block(&mut conn, &fields)
        .await
        .map_err(|e| taken(e, "Ip"))?;
    state.ip_blocks.invalidate().await;
    actions::log(&mut conn, me, "create", "IpBlock", block.id, &block.ip).await?;
    Ok(HttpResponse::Ok().json(render(&block)))
}

async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let (_, me) = require_staff(&auth.0, WRITE, Permission::ManageBlocks)?;
    let mut conn = state.conn().await?;
    let current = ip_blocks::get_ip_block(&mut conn, record_id(&path)?).await?;
    let fields = requested(&params, Some(&current))?;
    let block = ip_blocks::update_ip_block(&mut conn, current.id, &fields)
        .await
        .map_err(|e| taken(e, "Ip"))?;
    state.ip_blocks.invalidate().await;
    actions::log(&mut conn, me, "update", "IpBlock", block.id, &block.ip).await?;
    Ok(HttpResponse::Ok().json(render(&block)))
}

async fn destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (_, me) = require_staff(&auth.0, WRITE, Permission::ManageBlocks)?;
    let mut conn = state.conn().await?;
    let block = ip_blocks::get_ip_block(&mut conn, record_id(&path)?).await?;
    ip_blocks::delete_ip_block(&mut conn, block.id).await?;
    state.ip_blocks.invalidate().await;
    actions::log(&mut conn, me, "destroy", "IpBlock", block.id, &block.ip).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
