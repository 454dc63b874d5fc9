//! `POST /api/v1/apps`, `GET /api/v1/apps/verify_credentials`.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::oauth::create_application;
use ferrodon_core::db::queries::oauth;
use ferrodon_core::entities::application;
use ferrodon_core::{rate_limit, AppState, Error};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, ClientIp, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/apps", on::post().to(create)).route(
        "/api/v1/apps/verify_credentials",
        on::get().to(verify_credentials),
    );
}

async fn create(
    state: web::Data<AppState>,
    params: Params,
    ip: ClientIp,
) -> ApiResult<HttpResponse> {
    rate_limit::check(
        &state,
        &format!("apps:{}", ip.0),
        state.config.auth_rate_limit,
        300,
    )
    .await?;
    let name = params.str("client_name").unwrap_or_default();
    let redirect_uris = params.list("redirect_uris");
    let scopes = params.str("scopes").unwrap_or_else(|| "read".into());
    let app = create_application(
        &state,
        &name,
        &redirect_uris,
        &scopes,
        params.nonempty("website"),
    )
    .await?;
    let mut body = application::render(&app, true);
    body.vapid_key = vapid_key(&state);
    Ok(HttpResponse::Ok().json(body))
}

async fn verify_credentials(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    let app_id = auth
        .0
        .application_id
        .ok_or_else(|| ApiError::Core(Error::Unauthorized("The access token is invalid".into())))?;
    let mut conn = state.conn().await?;
    let app = oauth::get_application_by_id(&mut conn, app_id).await?;
    let mut body = application::render(&app, false);
    body.client_id = Some(app.client_id.clone());
    body.vapid_key = vapid_key(&state);
    Ok(HttpResponse::Ok().json(body))
}

/// The server's VAPID public key, empty without one.
fn vapid_key(state: &AppState) -> String {
    state
        .config
        .vapid
        .as_ref()
        .map_or_else(String::new, |k| k.public_key.clone())
}
