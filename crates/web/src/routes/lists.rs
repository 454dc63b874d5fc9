//! `/api/v1/lists…`: lists of followed accounts and their timelines.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::lists::{self, List};
use ferrodon_core::db::AccountId;
use ferrodon_core::{views, AppState, Error};
use serde_json::{json, Value};

use super::{accounts_page, json_page, path_id};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};
use ferrodon_core::db::Page;
use ferrodon_core::filters::FilterContext;

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/lists", on::get().to(index))
        .route("/api/v1/lists", on::post().to(create))
        .route("/api/v1/lists/{id}", on::get().to(show))
        .route("/api/v1/lists/{id}", on::put().to(update))
        .route("/api/v1/lists/{id}", on::delete().to(destroy))
        .route("/api/v1/lists/{id}/accounts", on::get().to(members))
        .route("/api/v1/lists/{id}/accounts", on::post().to(add_members))
        .route(
            "/api/v1/lists/{id}/accounts",
            on::delete().to(remove_members),
        )
        .route("/api/v1/accounts/{id}/lists", on::get().to(containing))
        .route("/api/v1/timelines/list/{id}", on::get().to(timeline));
}

/// Longest list title, as Mastodon.
const MAX_TITLE: usize = 255;

fn render(list: &List) -> Value {
    json!({
        "id": list.id.to_string(),
        "title": list.title,
        "replies_policy": list.replies_policy,
        "exclusive": list.exclusive,
    })
}

/// Validated (title, replies_policy, exclusive), defaulting to `current`.
fn settings(params: &Params, current: Option<&List>) -> ApiResult<(String, String, bool)> {
    let title = params
        .str("title")
        .or_else(|| current.map(|l| l.title.clone()))
        .unwrap_or_default();
    let title = title.trim().to_owned();
    if title.is_empty() {
        return Err(Error::validation("Title can't be blank").into());
    }
    if title.chars().count() > MAX_TITLE {
        return Err(Error::validation("Title is too long (maximum is 255 characters)").into());
    }
    let policy = params
        .nonempty("replies_policy")
        .or_else(|| current.map(|l| l.replies_policy.clone()))
        .unwrap_or_else(|| "list".into());
    if !["followed", "list", "none"].contains(&policy.as_str()) {
        return Err(Error::validation("Replies policy is not included in the list").into());
    }
    let exclusive = params
        .bool("exclusive")
        .or(current.map(|l| l.exclusive))
        .unwrap_or(false);
    Ok((title, policy, exclusive))
}

/// Checks the token's scope and loads the signed-in user's list named by the path.
async fn owned(state: &AppState, auth: &Auth, scope: Scope, raw_id: &str) -> ApiResult<List> {
    auth.0.require_scope(&[scope])?;
    let (_, me) = auth.0.require_user()?;
    let id = path_id(raw_id)?;
    let mut conn = state.conn().await?;
    Ok(lists::get_list(&mut conn, AccountId::new(me.id), id).await?)
}

async fn index(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadLists])?;
    let (_, me) = auth.0.require_user()?;
    let mut conn = state.conn().await?;
    let all: Vec<Value> = lists::list_lists(&mut conn, me.id)
        .await?
        .iter()
        .map(render)
        .collect();
    Ok(HttpResponse::Ok().json(all))
}

async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteLists])?;
    let (_, me) = auth.0.require_user()?;
    let (title, policy, exclusive) = settings(&params, None)?;
    let mut conn = state.conn().await?;
    let list = lists::put_list(&mut conn, me.id, &title, &policy, exclusive).await?;
    Ok(HttpResponse::Ok().json(render(&list)))
}

async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let list = owned(&state, &auth, Scope::ReadLists, &path).await?;
    Ok(HttpResponse::Ok().json(render(&list)))
}

async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let list = owned(&state, &auth, Scope::WriteLists, &path).await?;
    let (title, policy, exclusive) = settings(&params, Some(&list))?;
    let mut conn = state.conn().await?;
    let list = lists::update_list(&mut conn, list.id, &title, &policy, exclusive).await?;
    Ok(HttpResponse::Ok().json(render(&list)))
}

async fn destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let list = owned(&state, &auth, Scope::WriteLists, &path).await?;
    let mut conn = state.conn().await?;
    lists::delete_list(&mut conn, list.id).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

async fn members(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let list = owned(&state, &auth, Scope::ReadLists, &path).await?;
    let page = page_from(&params, 40, 80)?;
    let mut conn = state.conn().await?;
    let rows = lists::list_members(&mut conn, list.id, &page).await?;
    Ok(accounts_page(&state, &req, &rows))
}

async fn add_members(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let list = owned(&state, &auth, Scope::WriteLists, &path).await?;
    let ids = params.id_list("account_ids")?;
    if ids.is_empty() {
        return Err(Error::BadRequest("account_ids is required".into()).into());
    }
    let mut conn = state.conn().await?;
    if !lists::not_followed(&mut conn, list.account_id, &ids)
        .await?
        .is_empty()
    {
        return Err(Error::validation("Account has not been followed").into());
    }
    lists::add_members(&mut conn, list.id, &ids).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

async fn remove_members(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let list = owned(&state, &auth, Scope::WriteLists, &path).await?;
    let ids = params.id_list("account_ids")?;
    let mut conn = state.conn().await?;
    lists::remove_members(&mut conn, list.id, &ids).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

async fn containing(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadLists])?;
    let (_, me) = auth.0.require_user()?;
    let account = path_id(&path)?;
    let mut conn = state.conn().await?;
    let found: Vec<Value> =
        lists::lists_containing(&mut conn, AccountId::new(me.id), AccountId::new(account))
            .await?
            .iter()
            .map(render)
            .collect();
    Ok(HttpResponse::Ok().json(found))
}

async fn timeline(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let list = owned(&state, &auth, Scope::ReadLists, &path).await?;
    let page = page_from(&params, 20, 40)?;
    let mut conn = state.conn().await?;
    let ids = lists::list_list_timeline(&mut conn, &list, &page).await?;
    let visible = views::VisibleStatuses::check(&mut conn, &ids, Some(list.account_id)).await?;
    let statuses =
        views::render_statuses_in(&mut conn, &state.config, &visible, FilterContext::Home).await?;
    Ok(json_page(&state, &req, &statuses, Page::cursors(&ids)))
}
