//! `/auth/edit`: changing the e-mail address (confirmed by a link sent to
//! the new one) and the password (the other browsers are signed out and
//! every app token revoked).
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::web_sessions::{require_csrf, SignedIn};
use ferrodon_core::services::change_credentials::{change_email, change_password};
use ferrodon_core::{AppState, Error};
use serde::Deserialize;

use super::chrome::Chrome;
use super::render::{html_with_status, redirect_with_notice};
use super::session::SignedInUser;
use super::UiResult;

const PATH: &str = "/auth/edit";

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route("/auth/edit/email", web::post().to(submit_email))
        .route("/auth/edit/password", web::post().to(submit_password));
}

#[derive(Template)]
#[template(path = "settings/account.html")]
struct AccountPage<'a> {
    chrome: &'a Chrome,
    current_tab: &'a str,
    email: &'a str,
    unconfirmed_email: Option<&'a str>,
    email_error: Option<&'a str>,
    password_error: Option<&'a str>,
}

async fn render(
    req: &HttpRequest,
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    email_error: Option<&str>,
    password_error: Option<&str>,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::for_user(req, state, Some(signed_in)).await?;
    html_with_status(
        status,
        &chrome,
        &AccountPage {
            chrome: &chrome,
            current_tab: "account",
            email: &signed_in.user.email,
            unconfirmed_email: signed_in.user.unconfirmed_email.as_deref(),
            email_error,
            password_error,
        },
    )
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    render(&req, &state, &user.0, StatusCode::OK, None, None).await
}

#[derive(Deserialize)]
struct EmailForm {
    #[serde(default)]
    authenticity_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    current_password: String,
}

async fn submit_email(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    form: web::Form<EmailForm>,
) -> UiResult<HttpResponse> {
    require_csrf(&user.0.session, &form.authenticity_token)?;
    match change_email(&state, &user.0.user, &form.current_password, &form.email).await {
        Ok(()) => Ok(redirect_with_notice(
            PATH,
            "We sent a confirmation link to your new address: follow it to start using it.",
        )),
        Err(Error::Validation(message)) => {
            let message = message.trim_start_matches("Validation failed: ");
            render(
                &req,
                &state,
                &user.0,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(message),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    authenticity_token: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
}

async fn submit_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    form: web::Form<PasswordForm>,
) -> UiResult<HttpResponse> {
    require_csrf(&user.0.session, &form.authenticity_token)?;
    match change_password(
        &state,
        &user.0.user,
        &form.current_password,
        &form.password,
        &form.password_confirmation,
        Some(user.0.session.id),
    )
    .await
    {
        Ok(()) => Ok(redirect_with_notice(
            PATH,
            "Your password has been changed. Your other browsers and apps have been signed out.",
        )),
        Err(Error::Validation(message)) => {
            let message = message.trim_start_matches("Validation failed: ");
            render(
                &req,
                &state,
                &user.0,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(message),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
