//! `/api/v1/conversations…`: direct-message conversations of the user.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::conversations::render;
use ferrodon_core::db::queries::conversations::{self, Conversation};
use ferrodon_core::db::AccountId;
use ferrodon_core::db::Page;
use ferrodon_core::{AppState, Error};
use serde_json::json;

use super::{json_page, path_id};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/conversations", on::get().to(index))
        .route("/api/v1/conversations/{id}", on::delete().to(destroy))
        .route(
            "/api/v1/conversations/{id}/read",
            on::post().to(|s, a, p| mark(s, a, p, false)),
        )
        .route(
            "/api/v1/conversations/{id}/unread",
            on::post().to(|s, a, p| mark(s, a, p, true)),
        );
}

async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadStatuses])?;
    let (_, me) = auth.0.require_user()?;
    let page = page_from(&params, 20, 40)?;
    let mut conn = state.conn().await?;
    let rows = conversations::list_conversations(&mut conn, me.id, &page).await?;
    let keys: Vec<i64> = rows.iter().map(|(k, _)| *k).collect();
    let rows: Vec<_> = rows.into_iter().map(|(_, c)| c).collect();
    let body = render(&mut conn, &state.config, me.id, &rows).await?;
    Ok(json_page(&state, &req, &body, Page::cursors(&keys)))
}

/// Checks the write scope and loads the signed-in user's conversation named by the path.
async fn owned(state: &AppState, auth: &Auth, raw_id: &str) -> ApiResult<Conversation> {
    auth.0.require_scope(&[Scope::WriteConversations])?;
    let (_, me) = auth.0.require_user()?;
    let mut conn = state.conn().await?;
    Ok(conversations::get_conversation(&mut conn, AccountId::new(me.id), path_id(raw_id)?).await?)
}

/// `read` and `unread`.
async fn mark(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    unread: bool,
) -> ApiResult<HttpResponse> {
    let found = owned(&state, &auth, &path).await?;
    let mut conn = state.conn().await?;
    let updated = conversations::mark_read(&mut conn, found.id, unread).await?;
    let body = render(&mut conn, &state.config, found.account_id, &[updated]).await?;
    let one = body.into_iter().next().ok_or(Error::NotFound)?;
    Ok(HttpResponse::Ok().json(one))
}

async fn destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let found = owned(&state, &auth, &path).await?;
    let mut conn = state.conn().await?;
    conversations::delete_conversation(&mut conn, found.id).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
