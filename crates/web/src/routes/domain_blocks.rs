//! `/api/v1/domain_blocks`: domains a user hides from themselves.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::user_domain_blocks;
use ferrodon_core::db::Page;
use ferrodon_core::services::block_domain;
use ferrodon_core::{AppState, Error};
use serde_json::json;

use super::json_page;
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/domain_blocks", on::get().to(index))
        .route("/api/v1/domain_blocks", on::post().to(create))
        .route("/api/v1/domain_blocks", on::delete().to(destroy));
}

/// The `domain` parameter, 400 when missing as in Rails.
fn domain_param(params: &Params) -> ApiResult<String> {
    params.nonempty("domain").ok_or_else(|| {
        Error::BadRequest("param is missing or the value is empty: domain".into()).into()
    })
}

async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadBlocks])?;
    let (_, me) = auth.0.require_user()?;
    let page = page_from(&params, 100, 200)?;
    let mut conn = state.conn().await?;
    let rows = user_domain_blocks::list_blocked_domains(&mut conn, me.id, &page).await?;
    let keys: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    let domains: Vec<&String> = rows.iter().map(|(_, d)| d).collect();
    Ok(json_page(&state, &req, &domains, Page::cursors(&keys)))
}

async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteBlocks])?;
    let (_, me) = auth.0.require_user()?;
    block_domain::block_domain(&state, me, &domain_param(&params)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

async fn destroy(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteBlocks])?;
    let (_, me) = auth.0.require_user()?;
    block_domain::unblock_domain(&state, me, &domain_param(&params)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
