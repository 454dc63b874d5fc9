//! Password reset: `GET /auth/password/new` (ask for the e-mail),
//! `POST /auth/password` (send the link), `GET /auth/password/edit`
//! (the link: choose a password), `PUT`/`POST /auth/password` with the
//! token (set it).
use crate::routes::table::{on, Routes};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::passwords::MIN_PASSWORD_LENGTH;
use ferrodon_core::services::request_password_reset::request_password_reset;
use ferrodon_core::services::reset_password::{check_reset_token, reset_password, INVALID_TOKEN};
use ferrodon_core::text::escape_html;
use ferrodon_core::{rate_limit, AppState, Error};

use super::super::form_page::form_page;
use super::field;
use crate::error::ApiResult;
use crate::extract::{ClientIp, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/auth/password/new", on::get().to(new))
        .route("/auth/password", on::post().to(create_or_update))
        .route("/auth/password", on::put().to(update))
        .route("/auth/password/edit", on::get().to(edit));
}

/// Window of the per-IP limit on reset requests and attempts (FERRODON_AUTH_RATE_LIMIT).
const WINDOW_SECS: u64 = 300;

fn error_line(error: Option<&str>) -> String {
    error
        .map(|e| format!("<p class=\"error\">{}</p>", escape_html(e)))
        .unwrap_or_default()
}

fn request_form(status: StatusCode, error: Option<&str>) -> HttpResponse {
    form_page(
        status,
        "Forgot your password?",
        &format!(
            "<h1>Forgot your password?</h1>{}<p>Enter the e-mail address of your account and we will send you a link to choose a new password.</p>\
             <form method=\"post\" action=\"/auth/password\">\
             <label>E-mail address<input name=\"email\" type=\"email\" autocomplete=\"email\" required></label>\
             <button type=\"submit\">Send reset link</button></form>",
            error_line(error)
        ),
    )
}

fn edit_form(status: StatusCode, token: &str, error: Option<&str>) -> HttpResponse {
    form_page(
        status,
        "Choose a new password",
        &format!(
            "<h1>Choose a new password</h1>{}\
             <form method=\"post\" action=\"/auth/password\"><input type=\"hidden\" name=\"_method\" value=\"put\">\
             <input type=\"hidden\" name=\"reset_password_token\" value=\"{}\">\
             <label>New password (at least {MIN_PASSWORD_LENGTH} characters)<input name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"{MIN_PASSWORD_LENGTH}\" required></label>\
             <label>Confirm new password<input name=\"password_confirmation\" type=\"password\" autocomplete=\"new-password\" required></label>\
             <button type=\"submit\">Change password</button></form>",
            error_line(error),
            escape_html(token)
        ),
    )
}

fn invalid_token() -> HttpResponse {
    form_page(
        StatusCode::NOT_FOUND,
        "Invalid reset link",
        &format!(
            "<h1>Invalid reset link</h1><p class=\"error\">{}</p><p><a href=\"/auth/password/new\">Ask for a new link</a>.</p>",
            escape_html(INVALID_TOKEN)
        ),
    )
}

fn too_many() -> HttpResponse {
    form_page(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many attempts",
        "<h1>Too many attempts</h1><p class=\"error\">Too many attempts. Try again later.</p>",
    )
}

async fn limited(state: &AppState, ip: &ClientIp) -> ApiResult<bool> {
    match rate_limit::check(
        state,
        &format!("password:{}", ip.0),
        state.config.auth_rate_limit,
        WINDOW_SECS,
    )
    .await
    {
        Ok(()) => Ok(false),
        Err(Error::RateLimited) => Ok(true),
        Err(e) => Err(e.into()),
    }
}

async fn new() -> HttpResponse {
    request_form(StatusCode::OK, None)
}

async fn create_or_update(
    state: web::Data<AppState>,
    params: Params,
    ip: ClientIp,
) -> ApiResult<HttpResponse> {
    let is_update = params
        .str("_method")
        .is_some_and(|m| m.eq_ignore_ascii_case("put") || m.eq_ignore_ascii_case("patch"))
        || field(&params, "reset_password_token").is_some();
    if is_update {
        return update(state, params, ip).await;
    }
    if limited(&state, &ip).await? {
        return Ok(too_many());
    }
    let email = field(&params, "email").unwrap_or_default();
    if email.trim().is_empty() {
        return Ok(request_form(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Enter your e-mail address."),
        ));
    }
    request_password_reset(&state, &email).await?;
    Ok(form_page(
        StatusCode::OK,
        "Check your e-mail",
        "<h1>Check your e-mail</h1><p>If an account uses this address, an e-mail with a link to choose a new password is on its way. The link works for six hours.</p>",
    ))
}

async fn edit(state: web::Data<AppState>, params: Params) -> ApiResult<HttpResponse> {
    let token = params.str("reset_password_token").unwrap_or_default();
    match check_reset_token(&state, &token).await {
        Ok(()) => Ok(edit_form(StatusCode::OK, &token, None)),
        Err(Error::NotFound) => Ok(invalid_token()),
        Err(e) => Err(e.into()),
    }
}

async fn update(
    state: web::Data<AppState>,
    params: Params,
    ip: ClientIp,
) -> ApiResult<HttpResponse> {
    if limited(&state, &ip).await? {
        return Ok(too_many());
    }
    let token = field(&params, "reset_password_token").unwrap_or_default();
    let password = field(&params, "password").unwrap_or_default();
    let confirmation = field(&params, "password_confirmation").unwrap_or_default();
    match reset_password(&state, &token, &password, &confirmation).await {
        Ok(_) => Ok(form_page(
            StatusCode::OK,
            "Password changed",
            "<h1>Password changed</h1><p>Your password has been changed. Every app signed in to your account has been signed out: sign in again with the new password.</p>",
        )),
        Err(Error::NotFound) => Ok(invalid_token()),
        Err(Error::Validation(msg)) => Ok(edit_form(
            StatusCode::UNPROCESSABLE_ENTITY,
            &token,
            Some(msg.trim_start_matches("Validation failed: ")),
        )),
        Err(e) => Err(e.into()),
    }
}
