//! Quote posts (Mastodon 4.5): the quotes of a status, revoking
//! one, and choosing who may quote a status.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::quotes::list_accepted_quotes;
use ferrodon_core::quotes::QuotePolicy;
use ferrodon_core::services::quote::{revoke_quote, set_quote_policy};
use ferrodon_core::services::status_access::get_visible_status;
use ferrodon_core::AppState;

use super::statuses::render_one;
use super::{json_page, path_id};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};
use ferrodon_core::db::Page;
use ferrodon_core::views::{render_statuses, VisibleStatuses};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/statuses/{id}/quotes", on::get().to(index))
        .route(
            "/api/v1/statuses/{id}/quotes/{quoting_status_id}/revoke",
            on::post().to(revoke),
        )
        .route(
            "/api/v1/statuses/{id}/interaction_policy",
            on::put().to(update_policy),
        );
}

/// Accepted quotes of a status, newest first, paged by quote: anyone who
/// may see the status may list them (Mastodon 4.5), each quote shown only
/// when the caller may see it; to others than the author, less quotes by
/// accounts or domains they blocked or muted.
async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadStatuses])?;
    let viewer = auth.0.account_id();
    let id = path_id(&path)?;
    let page = page_from(&params, 20, 40)?;
    let mut conn = state.conn().await?;
    let status = get_visible_status(&mut conn, id, viewer).await?;
    let rows = list_accepted_quotes(&mut conn, status.id, &page).await?;
    let keys: Vec<i64> = rows.iter().map(|(k, _)| *k).collect();
    let ids: Vec<i64> = rows.iter().map(|(_, s)| *s).collect();
    let visible = match viewer {
        Some(me) if me == status.account_id => {
            VisibleStatuses::check(&mut conn, &ids, viewer).await?
        }
        Some(me) => VisibleStatuses::check_unhidden(&mut conn, &ids, me).await?,
        None => VisibleStatuses::check(&mut conn, &ids, None).await?,
    };
    let statuses = render_statuses(&mut conn, &state.config, &visible).await?;
    drop(conn);
    Ok(json_page(&state, &req, &statuses, Page::cursors(&keys)))
}

async fn revoke(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteStatuses])?;
    let (_, me) = auth.0.require_user()?;
    let (id, quoting) = path.into_inner();
    let quoting = revoke_quote(&state, me, path_id(&id)?, path_id(&quoting)?).await?;
    render_one(&state, quoting.id, Some(me.id)).await
}

async fn update_policy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteStatuses])?;
    let (_, me) = auth.0.require_user()?;
    let id = path_id(&path)?;
    let policy = QuotePolicy::parse(&params.str("quote_approval_policy").unwrap_or_default())?;
    set_quote_policy(&state, me, id, policy).await?;
    render_one(&state, id, Some(me.id)).await
}
