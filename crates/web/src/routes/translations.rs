//! `POST /api/v1/statuses/:id/translate`: a status in another language,
//! through the operator's translation service.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::services::translate_status::translate_status;
use ferrodon_core::AppState;

use super::path_id;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/statuses/{id}/translate", on::post().to(translate));
}

/// `lang` defaults to the user's locale, then English.
async fn translate(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadStatuses])?;
    let (user, account) = auth.0.require_user()?;
    let id = path_id(&path)?;
    let target = params
        .nonempty("lang")
        .or_else(|| Some(user.locale.clone()).filter(|l| !l.is_empty()))
        .unwrap_or_else(|| "en".into());
    let body = translate_status(&state, account.id, id, &target).await?;
    Ok(HttpResponse::Ok().json(body))
}
