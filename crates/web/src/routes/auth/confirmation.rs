//! `GET /auth/confirmation?confirmation_token=…`: the link in the
//! confirmation e-mail.
use crate::routes::table::{on, Routes};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use ferrodon_core::services::confirm_email::confirm_email;
use ferrodon_core::text::escape_html;
use ferrodon_core::{AppState, Error};

use super::super::form_page::form_page;
use crate::error::ApiResult;
use crate::extract::Params;

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/auth/confirmation", on::get().to(show));
}

async fn show(state: web::Data<AppState>, params: Params) -> ApiResult<HttpResponse> {
    let token = params.str("confirmation_token").unwrap_or_default();
    match confirm_email(&state, &token).await {
        Ok(user) if !user.approved => Ok(form_page(
            StatusCode::OK,
            "E-mail address confirmed",
            &format!(
                "<h1>E-mail address confirmed</h1><p>Thank you. <strong>{}</strong> is confirmed.</p>\
                 <p role=\"status\">Your account is waiting for a moderator's approval. We will e-mail you once it is reviewed; until then you cannot sign in.</p>",
                escape_html(&user.email)
            ),
        )),
        Ok(user) => Ok(form_page(
            StatusCode::OK,
            "E-mail address confirmed",
            &format!(
                "<h1>E-mail address confirmed</h1><p>Thank you. <strong>{}</strong> is confirmed: you can now <a href=\"/auth/sign_in\">sign in</a> or use your account from your app.</p>",
                escape_html(&user.email)
            ),
        )),
        Err(Error::NotFound) => Ok(form_page(
            StatusCode::NOT_FOUND,
            "Invalid confirmation link",
            "<h1>Invalid confirmation link</h1><p class=\"error\">This confirmation link is invalid, was already used, or has expired.</p>\
             <p>Ask your app to send a new confirmation e-mail and use the link in the newest one.</p>",
        )),
        Err(Error::Validation(_)) => Ok(form_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Address already in use",
            "<h1>Address already in use</h1><p class=\"error\">Another account uses this e-mail address now, so it cannot be confirmed for yours.</p>",
        )),
        Err(e) => Err(e.into()),
    }
}
