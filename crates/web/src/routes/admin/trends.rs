//! `/api/v1/admin/trends/{tags,statuses,links}`: what is trending, including
//! what moderators rejected, with `requires_review`; approving or rejecting
//! a trend (rejected ones leave the public `/api/v1/trends/*`); the
//! publishers of links (`/links/publishers`), approved or rejected as a
//! whole.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::roles::{require_staff, Permission};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::models::Tag;
use ferrodon_core::db::queries::preview_card_providers::{self, PreviewCardProvider};
use ferrodon_core::db::queries::trend_reviews::{self, TrendKind};
use ferrodon_core::db::queries::{discovery, preview_cards, tags_mentions, timelines};
use ferrodon_core::db::{Conn, Page};
use ferrodon_core::entities::tag::render_tags;
use ferrodon_core::entities::timestamp;
use ferrodon_core::services::admin::{trends as trend_actions, Actor};
use ferrodon_core::{views, AppState, Error};
use serde_json::{json, Value};

use super::record_id;
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};
use crate::routes::json_page;

const READ: &[Scope] = &[Scope::AdminRead];
const WRITE: &[Scope] = &[Scope::AdminWrite];

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/admin/trends/tags", on::get().to(tags))
        .route("/api/v1/admin/trends/statuses", on::get().to(statuses))
        .route("/api/v1/admin/trends/links", on::get().to(links))
        .route(
            "/api/v1/admin/trends/links/publishers",
            on::get().to(publishers),
        )
        .route(
            "/api/v1/admin/trends/links/publishers/{id}/approve",
            on::post().to(|s, a, p| review_publisher(s, a, p, true)),
        )
        .route(
            "/api/v1/admin/trends/links/publishers/{id}/reject",
            on::post().to(|s, a, p| review_publisher(s, a, p, false)),
        );
    for (path, kind) in [
        ("tags", TrendKind::Tag),
        ("statuses", TrendKind::Status),
        ("links", TrendKind::Link),
    ] {
        cfg.route(
            &format!("/api/v1/admin/trends/{path}/{{id}}/approve"),
            on::post().to(move |s, a, p| review(s, a, p, kind, true)),
        )
        .route(
            &format!("/api/v1/admin/trends/{path}/{{id}}/reject"),
            on::post().to(move |s, a, p| review(s, a, p, kind, false)),
        );
    }
}

/// `offset` and `limit` (default `default`, at most `max`).
fn offset_limit(params: &Params, default: i64, max: i64) -> ApiResult<(i64, i64)> {
    let offset = params.i64("offset")?.unwrap_or(0).max(0);
    let limit = params.i64("limit")?.unwrap_or(default).clamp(1, max);
    Ok((offset, limit))
}

/// Adds the review fields to each rendered trend (`id`: its key).
async fn mark_reviews(
    conn: &mut Conn,
    kind: TrendKind,
    ids: &[i64],
    rendered: Vec<Value>,
) -> ApiResult<Vec<Value>> {
    let mut verdicts = trend_reviews::verdicts(conn, kind, ids).await?;
    if kind == TrendKind::Link {
        // A link without a verdict of its own has its publisher's.
        for (card, verdict) in preview_card_providers::provider_verdicts_of_cards(conn, ids).await?
        {
            if let (Some(approved), false) = (verdict, verdicts.iter().any(|(v, _)| *v == card)) {
                verdicts.push((card, approved));
            }
        }
    }
    Ok(ids
        .iter()
        .zip(rendered)
        .map(|(id, mut item)| {
            let verdict = verdicts.iter().find(|(v, _)| v == id).map(|(_, a)| *a);
            if let Some(object) = item.as_object_mut() {
                object.insert("requires_review".into(), verdict.is_none().into());
                if kind == TrendKind::Tag {
                    let allowed = verdict != Some(false);
                    object.insert("trendable".into(), allowed.into());
                    object.insert("listable".into(), allowed.into());
                    object.insert("usable".into(), true.into());
                }
            }
            item
        })
        .collect())
}

fn to_values<T: serde::Serialize>(items: Vec<T>) -> ApiResult<Vec<Value>> {
    items
        .into_iter()
        .map(|i| serde_json::to_value(i).map_err(|e| Error::caused("rendering a trend", e).into()))
        .collect()
}

async fn render_admin_tags(
    state: &AppState,
    conn: &mut Conn,
    found: &[Tag],
) -> ApiResult<Vec<Value>> {
    let rendered = to_values(render_tags(conn, &state.config, found, None).await?)?;
    let ids: Vec<i64> = found.iter().map(|t| t.id).collect();
    mark_reviews(conn, TrendKind::Tag, &ids, rendered).await
}

async fn render_admin_statuses(
    state: &AppState,
    conn: &mut Conn,
    ids: &[i64],
) -> ApiResult<Vec<Value>> {
    // Trending statuses are public: checked as for a signed-out viewer.
    let visible = views::VisibleStatuses::check(conn, ids, None).await?;
    let rendered = views::render_statuses(conn, &state.config, &visible).await?;
    let shown: Vec<i64> = rendered.iter().filter_map(|s| s.id.parse().ok()).collect();
    mark_reviews(conn, TrendKind::Status, &shown, to_values(rendered)?).await
}

async fn render_admin_links(conn: &mut Conn, ids: &[i64]) -> ApiResult<Vec<Value>> {
    let mut rendered = Vec::with_capacity(ids.len());
    for &id in ids {
        let card = preview_cards::get_card_by_id(conn, id).await?;
        let days = preview_cards::card_history(conn, card.id, 7).await?;
        let item = serde_json::to_value(ferrodon_core::cards::render_trending(&card, &days, true))
            .map_err(|e| Error::caused("rendering a trending link", e))?;
        rendered.push(item);
    }
    mark_reviews(conn, TrendKind::Link, ids, rendered).await
}

async fn tags(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageTaxonomies)?;
    let (offset, limit) = offset_limit(&params, 10, 20)?;
    let mut conn = state.conn().await?;
    let found = discovery::list_trending_tags(&mut conn, true, offset, limit).await?;
    Ok(HttpResponse::Ok().json(render_admin_tags(&state, &mut conn, &found).await?))
}

async fn statuses(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageTaxonomies)?;
    let (offset, limit) = offset_limit(&params, 20, 40)?;
    let mut conn = state.conn().await?;
    let ids = timelines::list_trending_statuses(&mut conn, None, true, offset, limit).await?;
    Ok(HttpResponse::Ok().json(render_admin_statuses(&state, &mut conn, &ids).await?))
}

async fn links(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageTaxonomies)?;
    let (offset, limit) = offset_limit(&params, 10, 20)?;
    let mut conn = state.conn().await?;
    let cards = preview_cards::list_trending_cards(&mut conn, true, offset, limit).await?;
    let ids: Vec<i64> = cards.iter().map(|c| c.id).collect();
    Ok(HttpResponse::Ok().json(render_admin_links(&mut conn, &ids).await?))
}

/// Approves or rejects a trend; answers it as the admin list shows it.
async fn review(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    kind: TrendKind,
    approved: bool,
) -> ApiResult<HttpResponse> {
    let (user, account) = require_staff(&auth.0, WRITE, Permission::ManageTaxonomies)?;
    let id = record_id(&path)?;
    trend_actions::review(&state, Actor::staff(user, account), kind, id, approved).await?;
    let mut conn = state.conn().await?;
    let rendered = match kind {
        TrendKind::Tag => {
            let tag = tags_mentions::get_tag_by_id(&mut conn, id).await?;
            render_admin_tags(&state, &mut conn, &[tag]).await?
        }
        TrendKind::Status => render_admin_statuses(&state, &mut conn, &[id]).await?,
        TrendKind::Link => render_admin_links(&mut conn, &[id]).await?,
    };
    let body = rendered.into_iter().next().ok_or(Error::NotFound)?;
    Ok(HttpResponse::Ok().json(body))
}

/// Mastodon's Admin::Trends::Links::PreviewCardProvider entity.
fn render_publisher(provider: &PreviewCardProvider) -> Value {
    json!({
        "id": provider.id.to_string(),
        "domain": provider.domain,
        "trendable": provider.trendable,
        "reviewed_at": provider.reviewed_at.as_ref().map(timestamp),
        "requested_review_at": provider.requested_review_at.as_ref().map(timestamp),
        "requires_review": provider.requires_review(),
    })
}

/// The publishers of links, newest first, paged by id (100 at most, as
/// Mastodon).
async fn publishers(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageTaxonomies)?;
    let page = page_from(&params, 100, 100)?;
    let mut conn = state.conn().await?;
    let found = preview_card_providers::page_providers(&mut conn, &page).await?;
    drop(conn);
    let ids: Vec<i64> = found.iter().map(|p| p.id).collect();
    let body: Vec<Value> = found.iter().map(render_publisher).collect();
    Ok(json_page(&state, &req, &body, Page::cursors(&ids)))
}

/// Approves or rejects a publisher; answers it.
async fn review_publisher(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    approved: bool,
) -> ApiResult<HttpResponse> {
    let (user, account) = require_staff(&auth.0, WRITE, Permission::ManageTaxonomies)?;
    let id = record_id(&path)?;
    let provider =
        trend_actions::review_publisher(&state, Actor::staff(user, account), id, approved).await?;
    Ok(HttpResponse::Ok().json(render_publisher(&provider)))
}
