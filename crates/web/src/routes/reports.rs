//! `POST /api/v1/reports`: reporting an account (and some of its statuses).
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::accounts;
use ferrodon_core::db::queries::reports::{put_report, statuses_by, NewReport};
use ferrodon_core::entities::{account, timestamp};
use ferrodon_core::{AppState, Error};
use serde_json::json;

use crate::error::ApiResult;
use crate::extract::{Auth, Params};

/// Longest report comment, as Mastodon.
const MAX_COMMENT: usize = 1000;

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/reports", on::post().to(create));
}

async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteReports])?;
    let (_, me) = auth.0.require_user()?;
    let target_id = params
        .id("account_id")?
        .ok_or_else(|| Error::validation("Account can't be blank"))?;
    let comment = params.str("comment").unwrap_or_default();
    if comment.chars().count() > MAX_COMMENT {
        return Err(Error::validation("Comment is too long (maximum is 1000 characters)").into());
    }
    let category = params
        .nonempty("category")
        .unwrap_or_else(|| "other".into());
    if !["spam", "legal", "violation", "other"].contains(&category.as_str()) {
        return Err(Error::validation("Category is not included in the list").into());
    }
    let mut conn = state.conn().await?;
    let target = accounts::get_account_by_id(&mut conn, target_id).await?;
    let wanted = params.id_list("status_ids")?;
    let status_ids = statuses_by(&mut conn, target.id, &wanted).await?;
    if status_ids.len() != wanted.len() {
        return Err(Error::validation("Statuses must be written by the reported account").into());
    }
    let report = put_report(
        &mut conn,
        &NewReport {
            account_id: me.id,
            target_account_id: target.id,
            status_ids,
            comment,
            category,
            forward: params.bool("forward").unwrap_or(false) && !target.is_local(),
        },
    )
    .await?;
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
