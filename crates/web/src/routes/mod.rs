//! Routes, one module per resource; paths mirror Mastodon's.
mod accounts;
pub(crate) mod activitypub;
mod admin;
mod announcements;
mod apps;
mod assets;
mod auth;
mod conversations;
mod custom_emojis;
mod discovery;
mod domain_blocks;
mod emails;
mod empty;
mod endorsements;
mod filters;
mod form_page;
mod health;
mod instance;
mod lists;
mod markers;
mod media;
mod notification_policy;
mod notification_requests;
mod notifications;
mod notifications_v2;
mod oauth;
mod polls;
mod push;
mod quotes;
mod reports;
mod scheduled_statuses;
mod search;
mod statuses;
mod system_files;
pub mod table;
mod tags;
mod timelines;
mod translations;
mod well_known;

use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::db::{Page, PageCursors};
use ferrodon_core::entities::account;
use ferrodon_core::filters::FilterContext;
use ferrodon_core::{views, AppState, Error};

use crate::error::{ApiError, ApiResult};
use crate::link_header::link_header;

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    register(&mut table::Routes::serving(cfg));
}

/// Every API route, as [`configure`] registers them (HTML pages and
/// ActivityPub documents are not listed).
pub fn listed() -> Vec<table::Listed> {
    let mut routes = table::Routes::listing();
    register(&mut routes);
    routes.into_listed()
}

fn register(cfg: &mut table::Routes<'_>) {
    health::configure(cfg);
    assets::configure(cfg);
    instance::configure(cfg);
    apps::configure(cfg);
    oauth::configure(cfg);
    auth::configure(cfg);
    cfg.unlisted(crate::ui::configure);
    emails::configure(cfg);
    accounts::configure(cfg);
    admin::configure(cfg);
    announcements::configure(cfg);
    statuses::configure(cfg);
    quotes::configure(cfg);
    translations::configure(cfg);
    timelines::configure(cfg);
    notification_policy::configure(cfg);
    notification_requests::configure(cfg);
    notifications_v2::configure(cfg);
    notifications::configure(cfg);
    markers::configure(cfg);
    media::configure(cfg);
    polls::configure(cfg);
    push::configure(cfg);
    system_files::configure(cfg);
    reports::configure(cfg);
    scheduled_statuses::configure(cfg);
    lists::configure(cfg);
    filters::configure(cfg);
    conversations::configure(cfg);
    custom_emojis::configure(cfg);
    search::configure(cfg);
    domain_blocks::configure(cfg);
    tags::configure(cfg);
    endorsements::configure(cfg);
    discovery::configure(cfg);
    well_known::configure(cfg);
    cfg.unlisted(activitypub::configure);
    empty::configure(cfg);
}

/// Unknown routes answer in Mastodon's JSON error shape.
pub async fn not_found() -> ApiResult<HttpResponse> {
    Err(ApiError::Core(Error::NotFound))
}

/// A JSON response with an optional Link header.
pub(crate) fn json_page<T: serde::Serialize>(
    state: &AppState,
    req: &HttpRequest,
    body: &T,
    cursors: Option<PageCursors>,
) -> HttpResponse {
    let mut resp = HttpResponse::Ok();
    if let Some(link) = link_header(&state.config, req, cursors) {
        resp.insert_header(("Link", link));
    }
    resp.json(body)
}

/// Renders a page of status ids (already newest first) shown in `context`
/// with its Link header.
pub(crate) async fn statuses_page(
    state: &AppState,
    req: &HttpRequest,
    ids: &[i64],
    viewer: Option<i64>,
    context: FilterContext,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    statuses_page_from(state, req, &mut conn, ids, viewer, context).await
}

/// [`statuses_page`] rendered over a given connection: the read replica's,
/// for pages whose ids came from it.
pub(crate) async fn statuses_page_from(
    state: &AppState,
    req: &HttpRequest,
    conn: &mut ferrodon_core::db::Conn,
    ids: &[i64],
    viewer: Option<i64>,
    context: FilterContext,
) -> ApiResult<HttpResponse> {
    let visible = views::VisibleStatuses::check(conn, ids, viewer).await?;
    let statuses = views::render_statuses_in(conn, &state.config, &visible, context).await?;
    Ok(json_page(state, req, &statuses, Page::cursors(ids)))
}

/// Statuses the viewer may see, paged by another table's id (favourite,
/// bookmark or quote id).
pub(crate) async fn keyed_statuses(
    state: &AppState,
    req: &HttpRequest,
    rows: &[(i64, i64)],
    viewer: i64,
) -> ApiResult<HttpResponse> {
    let keys: Vec<i64> = rows.iter().map(|(k, _)| *k).collect();
    let ids: Vec<i64> = rows.iter().map(|(_, s)| *s).collect();
    let mut conn = state.conn().await?;
    let visible = views::VisibleStatuses::check(&mut conn, &ids, Some(viewer)).await?;
    let statuses = views::render_statuses(&mut conn, &state.config, &visible).await?;
    Ok(json_page(state, req, &statuses, Page::cursors(&keys)))
}

/// Renders `(paging key, account)` pairs with their Link header.
pub(crate) fn accounts_page(
    state: &AppState,
    req: &HttpRequest,
    rows: &[(i64, ferrodon_core::db::models::Account)],
) -> HttpResponse {
    let keys: Vec<i64> = rows.iter().map(|(k, _)| *k).collect();
    let body: Vec<account::Account> = rows
        .iter()
        .map(|(_, a)| account::render(&state.config, a))
        .collect();
    json_page(state, req, &body, Page::cursors(&keys))
}

/// Parses a path id; anything but a positive integer is a 404, as in Mastodon.
pub(crate) fn path_id(raw: &str) -> ApiResult<i64> {
    Ok(ferrodon_core::services::status_access::parse_id(raw)?)
}

#[cfg(test)]
mod tests {
    use super::listed;

    #[test]
    fn no_api_route_is_registered_twice() {
        let routes = listed();
        for (i, route) in routes.iter().enumerate() {
            assert!(
                !routes[..i].contains(route),
                "{} {} is registered twice (the second is never reached)",
                route.method,
                route.path
            );
        }
    }

    #[test]
    fn the_listing_has_the_status_routes_and_not_the_pages() {
        let routes = listed();
        let has = |method: &str, path: &str| {
            routes
                .iter()
                .any(|r| r.method.as_str() == method && r.path == path)
        };
        assert!(has("POST", "/api/v1/statuses/{id}/unpin"));
        assert!(has("GET", "/api/v1/accounts/{id}/statuses"));
        assert!(routes.iter().all(|r| !r.path.starts_with("/@")));
    }
}
