//! `/invites`: the signed-in user's invite links: make one (use limit,
//! expiry, follow me), see how often each was used, expire one.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;
use ferrodon_core::auth::web_sessions::require_csrf;
use ferrodon_core::db::queries::invites::Invite;
use ferrodon_core::services::invites::{self, InviteOptions, EXPIRY_CHOICES, MAX_USES_CHOICES};
use ferrodon_core::AppState;
use serde::Deserialize;

use super::chrome::Chrome;
use super::render::{html, redirect_with_notice};
use super::session::SignedInUser;
use super::UiResult;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/invites", web::get().to(index))
        .route("/invites", web::post().to(create))
        .route("/invites/{id}/expire", web::post().to(expire));
}

/// One invite as the page lists it.
struct InviteRow {
    id: i64,
    url: String,
    uses: String,
    expires: String,
    autofollow: bool,
    valid: bool,
}

#[derive(Template)]
#[template(path = "invites/index.html")]
struct InvitesPage<'a> {
    chrome: &'a Chrome,
    current_tab: &'a str,
    invites: Vec<InviteRow>,
    max_uses_choices: Vec<(String, String)>,
    expiry_choices: Vec<(String, &'static str)>,
}

fn row(base_url: &str, invite: &Invite) -> InviteRow {
    let now = Utc::now();
    InviteRow {
        id: invite.id,
        url: format!("{base_url}/invite/{}", invite.code),
        uses: match invite.max_uses {
            Some(max) => format!("{} / {max}", invite.uses),
            None => format!("{} / ∞", invite.uses),
        },
        expires: match invite.expires_at {
            Some(at) if at <= now => "Expired".into(),
            Some(at) => at.format("%Y-%m-%d %H:%M UTC").to_string(),
            None => "Never".into(),
        },
        autofollow: invite.autofollow,
        valid: invite.is_valid(now),
    }
}

async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    let base = state.config.base_url();
    let invites = invites::list_invites(&state, user.0.user.id)
        .await?
        .iter()
        .map(|i| row(&base, i))
        .collect();
    html(
        &chrome,
        &InvitesPage {
            chrome: &chrome,
            current_tab: "invites",
            invites,
            max_uses_choices: MAX_USES_CHOICES
                .iter()
                .map(|c| match c {
                    Some(n) => (
                        n.to_string(),
                        format!("{n} use{}", if *n == 1 { "" } else { "s" }),
                    ),
                    None => (String::new(), "No limit".into()),
                })
                .collect(),
            expiry_choices: EXPIRY_CHOICES
                .iter()
                .map(|(secs, label)| (secs.map(|s| s.to_string()).unwrap_or_default(), *label))
                .collect(),
        },
    )
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    authenticity_token: String,
    #[serde(default)]
    max_uses: String,
    #[serde(default)]
    expires_in: String,
    autofollow: Option<String>,
}

fn optional_number<T: std::str::FromStr>(raw: &str) -> Option<T> {
    let raw = raw.trim();
    (!raw.is_empty()).then(|| raw.parse().ok()).flatten()
}

async fn create(
    state: web::Data<AppState>,
    user: SignedInUser,
    form: web::Form<CreateForm>,
) -> UiResult<HttpResponse> {
    require_csrf(&user.0.session, &form.authenticity_token)?;
    let invite = invites::create_invite(
        &state,
        user.0.user.id,
        InviteOptions {
            max_uses: optional_number(&form.max_uses),
            expires_in: optional_number(&form.expires_in),
            autofollow: form.autofollow.is_some(),
        },
    )
    .await?;
    Ok(redirect_with_notice(
        "/invites",
        &format!(
            "Invite link created: {}/invite/{}",
            state.config.base_url(),
            invite.code
        ),
    ))
}

#[derive(Deserialize)]
struct TokenOnly {
    #[serde(default)]
    authenticity_token: String,
}

async fn expire(
    state: web::Data<AppState>,
    user: SignedInUser,
    id: web::Path<i64>,
    form: web::Form<TokenOnly>,
) -> UiResult<HttpResponse> {
    require_csrf(&user.0.session, &form.authenticity_token)?;
    invites::expire_invite(&state, user.0.user.id, id.into_inner()).await?;
    Ok(redirect_with_notice(
        "/invites",
        "The invite link has expired.",
    ))
}
