//! Hashtags: `/api/v1/tags/:name` (follow, unfollow, feature, unfeature),
//! `/api/v1/followed_tags` and `/api/v1/featured_tags`.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::{accounts, tag_follows};
use ferrodon_core::db::AccountId;
use ferrodon_core::db::Page;
use ferrodon_core::entities::tag::{self, render_featured, render_tags};
use ferrodon_core::services::hashtags;
use ferrodon_core::{AppState, Error};
use serde_json::json;

use super::{json_page, path_id};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, MaybeAuth, Params, ReadAccounts, ReadFollows};

/// Most hashtags one profile features, as Mastodon.
const MAX_FEATURED: i64 = 10;

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/tags/{name}", on::get().to(show))
        .route("/api/v1/tags/{name}/follow", on::post().to(follow))
        .route("/api/v1/tags/{name}/unfollow", on::post().to(unfollow))
        .route("/api/v1/tags/{name}/feature", on::post().to(feature))
        .route("/api/v1/tags/{name}/unfeature", on::post().to(unfeature))
        .route("/api/v1/followed_tags", on::get().to(followed))
        .route("/api/v1/featured_tags", on::get().to(featured))
        .route("/api/v1/featured_tags", on::post().to(create_featured))
        .route(
            "/api/v1/featured_tags/suggestions",
            on::get().to(featured_suggestions),
        )
        .route(
            "/api/v1/featured_tags/{id}",
            on::delete().to(destroy_featured),
        )
        .route(
            "/api/v1/accounts/{id}/featured_tags",
            on::get().to(account_featured),
        );
}

/// Renders one tag for `viewer`.
async fn one(
    state: &AppState,
    row: &ferrodon_core::db::models::Tag,
    viewer: Option<i64>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let rendered = render_tags(&mut conn, &state.config, std::slice::from_ref(row), viewer).await?;
    Ok(HttpResponse::Ok().json(rendered.first()))
}

async fn show(
    state: web::Data<AppState>,
    auth: MaybeAuth<ReadFollows>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let row = hashtags::find(&mut conn, &path).await?;
    drop(conn);
    one(&state, &row, auth.account_id()).await
}

async fn follow(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteFollows])?;
    let (_, me) = auth.0.require_user()?;
    let mut conn = state.conn().await?;
    let row = hashtags::find(&mut conn, &path).await?;
    tag_follows::follow_tag(&mut conn, AccountId::new(me.id), row.id).await?;
    drop(conn);
    one(&state, &row, Some(me.id)).await
}

async fn unfollow(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteFollows])?;
    let (_, me) = auth.0.require_user()?;
    let mut conn = state.conn().await?;
    let row = hashtags::find(&mut conn, &path).await?;
    tag_follows::unfollow_tag(&mut conn, AccountId::new(me.id), row.id).await?;
    drop(conn);
    one(&state, &row, Some(me.id)).await
}

/// Features the tag named `raw` for `account_id`; 422 past the limit or
/// when it is featured already (`duplicate_ok` makes that a no-op).
async fn add_featured(
    state: &AppState,
    account_id: i64,
    raw: &str,
    duplicate_ok: bool,
) -> ApiResult<(ferrodon_core::db::models::Tag, Option<i64>)> {
    let mut conn = state.conn().await?;
    let row = hashtags::find_or_create(&mut conn, raw).await?;
    let (_, featuring) = tag_follows::tag_flags(&mut conn, account_id, &[row.id]).await?;
    if !featuring.is_empty() {
        if duplicate_ok {
            return Ok((row, None));
        }
        return Err(Error::validation("Name has already been taken").into());
    }
    if tag_follows::count_featured_tags(&mut conn, account_id).await? >= MAX_FEATURED {
        return Err(Error::validation(format!(
            "You have already featured the maximum number of hashtags ({MAX_FEATURED})"
        ))
        .into());
    }
    let id = tag_follows::feature_tag(&mut conn, AccountId::new(account_id), row.id).await?;
    Ok((row, id))
}

async fn feature(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteAccounts])?;
    let (_, me) = auth.0.require_user()?;
    let (row, _) = add_featured(&state, me.id, &path, true).await?;
    one(&state, &row, Some(me.id)).await
}

async fn unfeature(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteAccounts])?;
    let (_, me) = auth.0.require_user()?;
    let mut conn = state.conn().await?;
    let row = hashtags::find(&mut conn, &path).await?;
    tag_follows::unfeature_tag(&mut conn, AccountId::new(me.id), None, Some(row.id)).await?;
    drop(conn);
    one(&state, &row, Some(me.id)).await
}

async fn followed(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadFollows])?;
    let (_, me) = auth.0.require_user()?;
    let page = page_from(&params, 100, 200)?;
    let mut conn = state.conn().await?;
    let rows = tag_follows::list_followed_tags(&mut conn, me.id, &page).await?;
    let keys: Vec<i64> = rows.iter().map(|(k, _)| *k).collect();
    let tags: Vec<_> = rows.into_iter().map(|(_, t)| t).collect();
    let body = render_tags(&mut conn, &state.config, &tags, Some(me.id)).await?;
    Ok(json_page(&state, &req, &body, Page::cursors(&keys)))
}

/// The featured tags of `account`, rendered.
async fn featured_of(
    state: &AppState,
    account: &ferrodon_core::db::models::Account,
) -> ApiResult<Vec<tag::FeaturedTag>> {
    let mut conn = state.conn().await?;
    let rows = tag_follows::list_featured_tags(&mut conn, account.id).await?;
    let profile = ferrodon_core::entities::account::render(&state.config, account).url;
    Ok(rows.iter().map(|r| render_featured(&profile, r)).collect())
}

async fn featured(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadAccounts])?;
    let (_, me) = auth.0.require_user()?;
    Ok(HttpResponse::Ok().json(featured_of(&state, me).await?))
}

async fn create_featured(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteAccounts])?;
    let (_, me) = auth.0.require_user()?;
    let name = params
        .nonempty("name")
        .ok_or_else(|| Error::BadRequest("param is missing or the value is empty: name".into()))?;
    let (_, id) = add_featured(&state, me.id, &name, false).await?;
    let all = featured_of(&state, me).await?;
    let created = id
        .and_then(|id| all.into_iter().find(|f| f.id == id.to_string()))
        .ok_or(Error::NotFound)?;
    Ok(HttpResponse::Ok().json(created))
}

async fn destroy_featured(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteAccounts])?;
    let (_, me) = auth.0.require_user()?;
    let id = path_id(&path)?;
    let mut conn = state.conn().await?;
    if !tag_follows::unfeature_tag(&mut conn, AccountId::new(me.id), Some(id), None).await? {
        return Err(Error::NotFound.into());
    }
    Ok(HttpResponse::Ok().json(json!({})))
}

async fn featured_suggestions(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadAccounts])?;
    let (_, me) = auth.0.require_user()?;
    let mut conn = state.conn().await?;
    let used =
        tag_follows::list_most_used_tags(&mut conn, AccountId::new(me.id), 10 + MAX_FEATURED)
            .await?;
    let ids: Vec<i64> = used.iter().map(|t| t.id).collect();
    let (_, featuring) = tag_follows::tag_flags(&mut conn, me.id, &ids).await?;
    let candidates: Vec<_> = used
        .into_iter()
        .filter(|t| !featuring.contains(&t.id))
        .take(10)
        .collect();
    let body = render_tags(&mut conn, &state.config, &candidates, Some(me.id)).await?;
    Ok(HttpResponse::Ok().json(body))
}

async fn account_featured(
    state: web::Data<AppState>,
    _auth: MaybeAuth<ReadAccounts>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path_id(&path)?;
    let mut conn = state.conn().await?;
    let account = accounts::get_account_by_id(&mut conn, id).await?;
    drop(conn);
    if account.suspended_at.is_some() {
        return Ok(HttpResponse::Ok().json(json!([])));
    }
    Ok(HttpResponse::Ok().json(featured_of(&state, &account).await?))
}
