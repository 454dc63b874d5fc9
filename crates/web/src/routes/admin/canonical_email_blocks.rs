//! `/api/v1/admin/canonical_email_blocks`: addresses (any variant of one
//! mailbox) nobody may sign up with again (Admin::CanonicalEmailBlock).
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::roles::{require_staff, Permission};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::email_blocks::{self, CanonicalEmailBlock};
use ferrodon_core::db::Page;
use ferrodon_core::moderation::actions;
use ferrodon_core::moderation::email_rules::canonical_email_hash;
use ferrodon_core::{AppState, Error};
use serde_json::{json, Value};

use super::{record_id, taken};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};
use crate::routes::json_page;

const READ: &[Scope] = &[Scope::AdminRead, Scope::AdminReadCanonicalEmailBlocks];
const WRITE: &[Scope] = &[Scope::AdminWrite, Scope::AdminWriteCanonicalEmailBlocks];

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/admin/canonical_email_blocks", on::get().to(index))
        .route(
            "/api/v1/admin/canonical_email_blocks",
            on::post().to(create),
        )
        .route(
            "/api/v1/admin/canonical_email_blocks/test",
            on::post().to(test),
        )
        .route(
            "/api/v1/admin/canonical_email_blocks/{id}",
            on::get().to(show),
        )
        .route(
            "/api/v1/admin/canonical_email_blocks/{id}",
            on::delete().to(destroy),
        );
}

fn render(block: &CanonicalEmailBlock) -> Value {
    json!({
        "id": block.id.to_string(),
        "canonical_email_hash": block.canonical_email_hash,
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
    let blocks = email_blocks::page_canonical_email_blocks(&mut conn, &page).await?;
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
    let block = email_blocks::get_canonical_email_block(&mut conn, record_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(render(&block)))
}

/// The blocks matching `email` (none or one).
async fn test(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageBlocks)?;
    let email = params
        .nonempty("email")
        .ok_or_else(|| Error::BadRequest("email is missing".into()))?;
    let mut conn = state.conn().await?;
    let blocks =
        email_blocks::canonical_email_blocks_for(&mut conn, &canonical_email_hash(&email)).await?;
    let body: Vec<Value> = blocks.iter().map(render).collect();
    Ok(HttpResponse::Ok().json(body))
}

/// A SHA-256 hex digest, lowercased.
fn valid_hash(text: &str) -> Option<String> {
    let text = text.trim().to_ascii_lowercase();
    (text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit())).then_some(text)
}

/// Blocks `email` (hashed here) or a given `canonical_email_hash`.
async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    let (_, me) = require_staff(&auth.0, WRITE, Permission::ManageBlocks)?;
    let hash = match (
        params.nonempty("email"),
        params.nonempty("canonical_email_hash"),
    ) {
        (Some(email), _) => canonical_email_hash(&email),
        (None, Some(hash)) => {
            valid_hash(&hash).ok_or_else(|| Error::validation("Canonical email hash is invalid"))?
        }
        (None, None) => {
            return Err(Error::validation("Canonical email hash can't be blank").into());
        }
    };
    let mut conn = state.conn().await?;
    let block = email_blocks::put_canonical_email_block(&mut conn, &hash, None)
        .await
        .map_err(|e| taken(e, "Canonical email hash"))?;
    actions::log(
        &mut conn,
        me,
        "create",
        "CanonicalEmailBlock",
        block.id,
        &block.canonical_email_hash,
    )
    .await?;
    Ok(HttpResponse::Ok().json(render(&block)))
}

async fn destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (_, me) = require_staff(&auth.0, WRITE, Permission::ManageBlocks)?;
    let mut conn = state.conn().await?;
    let block = email_blocks::get_canonical_email_block(&mut conn, record_id(&path)?).await?;
    email_blocks::delete_canonical_email_block(&mut conn, block.id).await?;
    actions::log(
        &mut conn,
        me,
        "destroy",
        "CanonicalEmailBlock",
        block.id,
        &block.canonical_email_hash,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
