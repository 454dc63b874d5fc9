//! Timelines, favourites and bookmarks.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::favourites_bookmarks::{
    list_bookmarked_status_ids, list_favourited_status_ids,
};
use ferrodon_core::db::queries::timelines::{self, Locality};
use ferrodon_core::db::Page;
use ferrodon_core::filters::FilterContext;
use ferrodon_core::services::instance_settings::require_public_timeline_access;
use ferrodon_core::{feeds, views, AppState};

use super::{json_page, keyed_statuses, statuses_page_from};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, MaybeAuth, Params, ReadStatuses};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/timelines/home", on::get().to(home))
        .route("/api/v1/timelines/public", on::get().to(public))
        .route("/api/v1/timelines/tag/{hashtag}", on::get().to(tag))
        .route("/api/v1/favourites", on::get().to(favourites))
        .route("/api/v1/bookmarks", on::get().to(bookmarks));
}

async fn home(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadStatuses])?;
    let (_, me) = auth.0.require_user()?;
    let page = page_from(&params, 20, 40)?;
    let ids = feeds::home_timeline(&state, me.id, &page).await?;
    let mut conn = state.conn().await?;
    let visible = views::VisibleStatuses::check(&mut conn, &ids, Some(me.id)).await?;
    let statuses =
        views::render_statuses_in(&mut conn, &state.config, &visible, FilterContext::Home).await?;
    Ok(json_page(&state, &req, &statuses, Page::cursors(&ids)))
}

fn locality(params: &Params) -> Locality {
    if params.bool("local") == Some(true) {
        Locality::Local
    } else if params.bool("remote") == Some(true) {
        Locality::Remote
    } else {
        Locality::All
    }
}

async fn public(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: MaybeAuth<ReadStatuses>,
    params: Params,
) -> ApiResult<HttpResponse> {
    require_public_timeline_access(&state, auth.0.is_some()).await?;
    let page = page_from(&params, 20, 40)?;
    let only_media = params.bool("only_media") == Some(true);
    let mut conn = state.read_conn().await?;
    let ids = timelines::list_public_timeline(
        &mut conn,
        locality(&params),
        only_media,
        auth.account_id(),
        &page,
    )
    .await?;
    statuses_page_from(
        &state,
        &req,
        &mut conn,
        &ids,
        auth.account_id(),
        FilterContext::Public,
    )
    .await
}

async fn tag(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: MaybeAuth<ReadStatuses>,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    require_public_timeline_access(&state, auth.0.is_some()).await?;
    let page = page_from(&params, 20, 40)?;
    let only_media = params.bool("only_media") == Some(true);
    let mut conn = state.read_conn().await?;
    let variants = timelines::TagVariants {
        any: tag_names(&params, "any"),
        all: tag_names(&params, "all"),
        none: tag_names(&params, "none"),
    };
    let ids = timelines::list_tag_timeline(
        &mut conn,
        &path,
        &variants,
        locality(&params),
        only_media,
        auth.account_id(),
        &page,
    )
    .await?;
    statuses_page_from(
        &state,
        &req,
        &mut conn,
        &ids,
        auth.account_id(),
        FilterContext::Public,
    )
    .await
}

/// `any[]`, `all[]` or `none[]` of a tag timeline: lower-cased names
/// without `#`, the first [`timelines::TagVariants::PER_MODE`].
fn tag_names(params: &Params, mode: &str) -> Vec<String> {
    params
        .list(mode)
        .into_iter()
        .map(|name| name.trim().trim_start_matches('#').to_lowercase())
        .filter(|name| !name.is_empty())
        .take(timelines::TagVariants::PER_MODE)
        .collect()
}

async fn favourites(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadFavourites])?;
    let (_, me) = auth.0.require_user()?;
    let page = page_from(&params, 20, 40)?;
    let mut conn = state.conn().await?;
    let rows = list_favourited_status_ids(&mut conn, me.id, &page).await?;
    keyed_statuses(&state, &req, &rows, me.id).await
}

async fn bookmarks(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadBookmarks])?;
    let (_, me) = auth.0.require_user()?;
    let page = page_from(&params, 20, 40)?;
    let mut conn = state.conn().await?;
    let rows = list_bookmarked_status_ids(&mut conn, me.id, &page).await?;
    keyed_statuses(&state, &req, &rows, me.id).await
}
