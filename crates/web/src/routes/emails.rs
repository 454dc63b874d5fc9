//! `POST /api/v1/emails/confirmations`: resend the confirmation e-mail.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::services::resend_confirmation::resend_confirmation;
use ferrodon_core::AppState;
use serde_json::json;

use crate::error::ApiResult;
use crate::extract::{Params, PendingAuth};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/emails/confirmations", on::post().to(create));
}

async fn create(
    state: web::Data<AppState>,
    auth: PendingAuth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteAccounts])?;
    let (user, _) = auth.0.require_user()?;
    let email = params.str("email");
    resend_confirmation(&state, user, auth.0.application_id, email.as_deref()).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
