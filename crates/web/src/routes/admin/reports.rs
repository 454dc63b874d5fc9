//! `/api/v1/admin/reports`: the moderation queue.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::roles::{require_staff, Permission};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::moderation::{self, ReportFilter};
use ferrodon_core::db::Page;
use ferrodon_core::moderation::entities::render_report;
use ferrodon_core::services::admin::reports::{self as report_actions, Change};
use ferrodon_core::services::admin::Actor;
use ferrodon_core::{AppState, Error};

use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};
use crate::routes::json_page;

const READ: &[Scope] = &[Scope::AdminRead, Scope::AdminReadReports];
const WRITE: &[Scope] = &[Scope::AdminWrite, Scope::AdminWriteReports];

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/admin/reports", on::get().to(index))
        .route("/api/v1/admin/reports/{id}", on::get().to(show))
        .route("/api/v1/admin/reports/{id}", on::put().to(update))
        .route(
            "/api/v1/admin/reports/{id}/assign_to_self",
            on::post().to(assign_to_self),
        )
        .route(
            "/api/v1/admin/reports/{id}/unassign",
            on::post().to(unassign),
        )
        .route("/api/v1/admin/reports/{id}/resolve", on::post().to(resolve))
        .route("/api/v1/admin/reports/{id}/reopen", on::post().to(reopen));
}

async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageReports)?;
    let page = page_from(&params, 100, 200)?;
    let filter = ReportFilter {
        resolved: params.bool("resolved") == Some(true),
        account_id: params.id("account_id")?,
        target_account_id: params.id("target_account_id")?,
    };
    let mut conn = state.conn().await?;
    let reports = moderation::list_reports(&mut conn, &filter, &page).await?;
    let mut body = Vec::with_capacity(reports.len());
    for report in &reports {
        body.push(render_report(&mut conn, &state.config, report).await?);
    }
    let ids: Vec<i64> = reports.iter().map(|r| r.id).collect();
    Ok(json_page(&state, &req, &body, Page::cursors(&ids)))
}

fn report_id(path: &web::Path<String>) -> ApiResult<i64> {
    Ok(path.parse().map_err(|_| Error::NotFound)?)
}

/// The report as it is now.
async fn current(state: &AppState, id: i64) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let report = moderation::get_report(&mut conn, id).await?;
    Ok(HttpResponse::Ok().json(render_report(&mut conn, &state.config, &report).await?))
}

async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageReports)?;
    current(&state, report_id(&path)?).await
}

/// The staff member acting on reports.
fn staff(auth: &Auth) -> ApiResult<Actor<'_>> {
    let (user, account) = require_staff(&auth.0, WRITE, Permission::ManageReports)?;
    Ok(Actor::staff(user, account))
}

/// `PUT`: change the category (and the rules broken, for `violation`).
async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let actor = staff(&auth)?;
    let id = report_id(&path)?;
    let category = params.nonempty("category");
    let rule_ids = match params.get("rule_ids") {
        Some(_) => Some(params.id_list("rule_ids")?),
        None => None,
    };
    report_actions::update(&state, actor, id, category.as_deref(), rule_ids.as_deref()).await?;
    current(&state, id).await
}

async fn change(
    state: &AppState,
    auth: &Auth,
    path: &web::Path<String>,
    change: Change,
) -> ApiResult<HttpResponse> {
    let actor = staff(auth)?;
    let id = report_id(path)?;
    report_actions::change(state, actor, id, change).await?;
    current(state, id).await
}

async fn assign_to_self(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change(&state, &auth, &path, Change::AssignToSelf).await
}

async fn unassign(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change(&state, &auth, &path, Change::Unassign).await
}

async fn resolve(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change(&state, &auth, &path, Change::Resolve).await
}

async fn reopen(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change(&state, &auth, &path, Change::Reopen).await
}
