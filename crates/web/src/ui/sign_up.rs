//! `/auth/sign_up` and `/invite/:code`: creating an account in a browser
//! with the same registration service as `POST /api/v1/accounts`, the
//! server rules to agree to, and invites that open closed registrations.
use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::roles::Role;
use ferrodon_core::db::queries::invites::Invite;
use ferrodon_core::db::queries::rules::{self, Rule};
use ferrodon_core::services::instance_settings::{registrations_mode, RegistrationsMode};
use ferrodon_core::services::invites;
use ferrodon_core::services::register_account::{register_account_from, Origin, Registration};
use ferrodon_core::{rate_limit, AppState, Error};
use serde::Deserialize;

use super::chrome::Chrome;
use super::render::{html, html_with_status, redirect};
use super::session::CurrentUser;
use super::sign_in::HOME_PATH;
use super::{csrf, UiResult};
use crate::extract::ClientIp;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/sign_up", web::get().to(show))
        .route("/auth/sign_up", web::post().to(submit))
        .route("/invite/{code}", web::get().to(show_invite));
}

/// What the person typed, shown again with the errors.
#[derive(Default)]
struct Entered {
    username: String,
    email: String,
    reason: String,
    agreed: Vec<i64>,
    agreed_privacy: bool,
}

impl Entered {
    fn agreed_to(&self, rule_id: &i64) -> bool {
        self.agreed.contains(rule_id)
    }
}

/// The errors of a submitted form, by field.
#[derive(Default)]
struct FieldErrors {
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
    password_confirmation: Option<String>,
    rules: Option<String>,
    other: Option<String>,
}

impl FieldErrors {
    fn any(&self) -> bool {
        self.username.is_some()
            || self.email.is_some()
            || self.password.is_some()
            || self.password_confirmation.is_some()
            || self.rules.is_some()
            || self.other.is_some()
    }

    /// Puts a service's validation message next to the field it names.
    fn place(&mut self, message: String) {
        let message = message
            .strip_prefix("Validation failed: ")
            .map(str::to_owned)
            .unwrap_or(message);
        let lower = message.to_lowercase();
        let slot = if lower.starts_with("username or email") {
            &mut self.other
        } else if lower.starts_with("username") {
            &mut self.username
        } else if lower.starts_with("email") || lower.contains("e-mail") {
            &mut self.email
        } else if lower.starts_with("password") {
            &mut self.password
        } else {
            &mut self.other
        };
        slot.get_or_insert(message);
    }
}

#[derive(Template)]
#[template(path = "sign_up/form.html")]
struct SignUpPage<'a> {
    chrome: &'a Chrome,
    rules: &'a [Rule],
    needs_approval: bool,
    invite_code: Option<&'a str>,
    entered: &'a Entered,
    errors: &'a FieldErrors,
}

#[derive(Template)]
#[template(path = "sign_up/closed.html")]
struct ClosedPage<'a> {
    chrome: &'a Chrome,
}

#[derive(Template)]
#[template(path = "sign_up/invalid_invite.html")]
struct InvalidInvitePage<'a> {
    chrome: &'a Chrome,
}

#[derive(Template)]
#[template(path = "sign_up/check_email.html")]
struct CheckEmailPage<'a> {
    chrome: &'a Chrome,
    email: &'a str,
    needs_approval: bool,
}

#[derive(Deserialize)]
struct InviteQuery {
    invite_code: Option<String>,
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    query: web::Query<InviteQuery>,
) -> UiResult<HttpResponse> {
    let code = query
        .invite_code
        .as_deref()
        .filter(|c| !c.trim().is_empty());
    form_for(req, state, current, code).await
}

async fn show_invite(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    code: web::Path<String>,
) -> UiResult<HttpResponse> {
    form_for(req, state, current, Some(code.as_str())).await
}

/// The sign-up form (with an invite's code), or the page saying why not.
async fn form_for(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    code: Option<&str>,
) -> UiResult<HttpResponse> {
    if current.0.is_some() {
        return Ok(redirect(HOME_PATH));
    }
    let chrome = Chrome::new(&req, &state, &current).await?;
    let invite = match code {
        Some(code) => match invites::usable_invite(&state, code).await {
            Ok(invite) => Some(invite),
            Err(Error::NotFound) => {
                return html_with_status(
                    StatusCode::NOT_FOUND,
                    &chrome,
                    &InvalidInvitePage { chrome: &chrome },
                )
            }
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let mode = registrations_mode(&state).await?;
    if invite.is_none() && mode == RegistrationsMode::Closed {
        return html(&chrome, &ClosedPage { chrome: &chrome });
    }
    let rules = load_rules(&state).await?;
    html(
        &chrome,
        &SignUpPage {
            chrome: &chrome,
            rules: &rules,
            needs_approval: invite.is_none() && mode == RegistrationsMode::Approved,
            invite_code: invite.as_ref().map(|i| i.code.as_str()),
            entered: &Entered::default(),
            errors: &FieldErrors::default(),
        },
    )
}

async fn load_rules(state: &AppState) -> UiResult<Vec<Rule>> {
    let mut conn = state.conn().await?;
    Ok(rules::list_rules(&mut conn).await?)
}

fn field<'a>(form: &'a HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map(String::as_str).unwrap_or_default()
}

async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    ip: ClientIp,
    form: web::Form<HashMap<String, String>>,
) -> UiResult<HttpResponse> {
    csrf::check_anonymous(&req, field(&form, "authenticity_token"))?;
    let chrome = Chrome::for_user(&req, &state, None).await?;
    let code = field(&form, "invite_code").trim();
    let invite: Option<Invite> = if code.is_empty() {
        None
    } else {
        match invites::usable_invite(&state, code).await {
            Ok(invite) => Some(invite),
            Err(Error::NotFound) => {
                return html_with_status(
                    StatusCode::NOT_FOUND,
                    &chrome,
                    &InvalidInvitePage { chrome: &chrome },
                )
            }
            Err(e) => return Err(e.into()),
        }
    };
    let mode = registrations_mode(&state).await?;
    if invite.is_none() && mode == RegistrationsMode::Closed {
        return html_with_status(
            StatusCode::FORBIDDEN,
            &chrome,
            &ClosedPage { chrome: &chrome },
        );
    }
    let needs_approval = invite.is_none() && mode == RegistrationsMode::Approved;
    let rules = load_rules(&state).await?;
    let entered = Entered {
        username: field(&form, "username").trim().to_owned(),
        email: field(&form, "email").trim().to_owned(),
        reason: field(&form, "reason").trim().chars().take(1000).collect(),
        agreed: rules
            .iter()
            .filter(|r| form.contains_key(&format!("rule_{}", r.id)))
            .map(|r| r.id)
            .collect(),
        agreed_privacy: form.contains_key("agreement"),
    };
    let password = field(&form, "password");
    let mut errors = FieldErrors::default();
    if password != field(&form, "password_confirmation") {
        errors.password_confirmation = Some("Password confirmation doesn't match Password".into());
    }
    let all_agreed = if rules.is_empty() {
        entered.agreed_privacy
    } else {
        entered.agreed.len() == rules.len()
    };
    if !all_agreed {
        errors.rules = Some("You must agree to every rule to sign up.".into());
    }
    if !errors.any() {
        rate_limit::check(
            &state,
            &format!("signup:{}", ip.0),
            state.config.auth_rate_limit,
            1800,
        )
        .await?;
        let registration = Registration {
            username: entered.username.clone(),
            email: entered.email.clone(),
            password: password.to_owned(),
            role: Role::User,
            confirmed: false,
            approved: false,
            locale: "en".into(),
            reason: (!entered.reason.is_empty()).then(|| entered.reason.clone()),
            application_id: None,
        };
        let origin = invite
            .as_ref()
            .map_or(Origin::Api, |i| Origin::Invite(i.id));
        match register_account_from(&state, registration, origin, Some(&ip.0)).await {
            Ok((_user, account)) => {
                if let Some(invite) = &invite {
                    invites::after_sign_up(&state, invite, &account).await;
                }
                return html(
                    &chrome,
                    &CheckEmailPage {
                        chrome: &chrome,
                        email: &entered.email,
                        needs_approval,
                    },
                );
            }
            Err(Error::Validation(message)) => errors.place(message),
            Err(Error::FieldInvalid(fields)) => {
                for field in fields.iter() {
                    errors.place(field.full_message());
                }
            }
            Err(Error::Forbidden(message)) => errors.other = Some(message),
            Err(e) => return Err(e.into()),
        }
    }
    html_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &chrome,
        &SignUpPage {
            chrome: &chrome,
            rules: &rules,
            needs_approval,
            invite_code: invite.as_ref().map(|i| i.code.as_str()),
            entered: &entered,
            errors: &errors,
        },
    )
}
