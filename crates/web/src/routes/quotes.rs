//! Quote posts (Mastodon 4.5): the quotes of one's own status, revoking
//! one, and choosing who may quote a status.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::quotes::list_accepted_quotes;
use ferrodon_core::quotes::QuotePolicy;
use ferrodon_core::services::quote::{revoke_quote, set_quote_policy};
use ferrodon_core::services::status_access::get_visible_status;
use ferrodon_core::{AppState, Error};

use super::statuses::render_one;
use super::{keyed_statuses, path_id};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};

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

/// Accepted quotes of the caller's own status, newest first, paged by quote.
async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadStatuses])?;
    let (_, me) = auth.0.require_user()?;
    let id = path_id(&path)?;
    let page = page_from(&params, 20, 40)?;
    let mut conn = state.conn().await?;
    let status = get_visible_status(&mut conn, id, Some(me.id)).await?;
    if status.account_id != me.id {
        return Err(Error::Forbidden("This action is not allowed".into()).into());
    }
    let rows = list_accepted_quotes(&mut conn, status.id, &page).await?;
    drop(conn);
    keyed_statuses(&state, &req, &rows, me.id).await
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
