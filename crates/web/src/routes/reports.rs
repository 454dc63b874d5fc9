//! `POST /api/v1/reports`: reporting an account (and some of its statuses).
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::entities::{account, timestamp};
use ferrodon_core::services::report::{file_report, ReportInput};
use ferrodon_core::{AppState, Error};
use serde_json::json;

use crate::error::ApiResult;
use crate::extract::{Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/reports", on::post().to(create));
}

async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteReports])?;
    let (_, me) = auth.0.require_user()?;
    let target_account_id = params
        .id("account_id")?
        .ok_or_else(|| Error::validation("Account can't be blank"))?;
    let input = ReportInput {
        target_account_id,
        status_ids: params.id_list("status_ids")?,
        comment: params.str("comment").unwrap_or_default(),
        category: params.nonempty("category"),
        forward: params.bool("forward").unwrap_or(false),
    };
    let (report, target) = file_report(&state, me, input).await?;
    Ok(HttpResponse::Ok().json(json!({
        "id": report.id.to_string(),
        "action_taken": report.action_taken_at.is_some(),
        "action_taken_at": report.action_taken_at.as_ref().map(timestamp),
        "category": report.category,
        "comment": report.comment,
        "forwarded": report.forward,
        "created_at": timestamp(&report.created_at),
        "status_ids": report.status_ids.iter().map(|i| i.to_string()).collect::<Vec<_>>(),
        "rule_ids": [],
        "target_account": account::render(&state.config, &target),
    })))
}
