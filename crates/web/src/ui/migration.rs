//! `/settings/aliases` (other accounts of the same person, so a move to
//! this account verifies) and `/settings/migration` (moving this account
//! to another one, with the password).
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::web_sessions::{require_csrf, SignedIn};
use ferrodon_core::db::queries::account_aliases::{self, AccountAlias};
use ferrodon_core::db::queries::accounts;
use ferrodon_core::services::account_migration;
use ferrodon_core::{AppState, Error};
use serde::Deserialize;

use super::chrome::Chrome;
use super::render::{html_with_status, redirect_with_notice};
use super::session::SignedInUser;
use super::UiResult;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings/aliases", web::get().to(aliases))
        .route("/settings/aliases", web::post().to(add_alias))
        .route(
            "/settings/aliases/{id}/delete",
            web::post().to(remove_alias),
        )
        .route("/settings/migration", web::get().to(migration))
        .route("/settings/migration", web::post().to(move_account));
}

#[derive(Template)]
#[template(path = "settings/aliases.html")]
struct AliasesPage<'a> {
    chrome: &'a Chrome,
    current_tab: &'a str,
    me: String,
    aliases: Vec<AccountAlias>,
    error: Option<String>,
}

async fn render_aliases(
    req: &HttpRequest,
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    error: Option<String>,
) -> UiResult<HttpResponse> {
    let aliases = {
        let mut conn = state.conn().await?;
        account_aliases::list_aliases(&mut conn, signed_in.account.id).await?
    };
    let chrome = Chrome::for_user(req, state, Some(signed_in)).await?;
    html_with_status(
        status,
        &chrome,
        &AliasesPage {
            chrome: &chrome,
            current_tab: "migration",
            me: format!(
                "{}@{}",
                signed_in.account.username, state.config.local_domain
            ),
            aliases,
            error,
        },
    )
}

async fn aliases(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    render_aliases(&req, &state, &user.0, StatusCode::OK, None).await
}

#[derive(Deserialize)]
struct AliasForm {
    #[serde(default)]
    authenticity_token: String,
    #[serde(default)]
    acct: String,
}

async fn add_alias(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    form: web::Form<AliasForm>,
) -> UiResult<HttpResponse> {
    require_csrf(&user.0.session, &form.authenticity_token)?;
    match account_migration::add_alias(&state, &user.0.account, &form.acct).await {
        Ok(()) => Ok(redirect_with_notice(
            "/settings/aliases",
            &format!("{} is now an alias of this account.", form.acct.trim()),
        )),
        Err(Error::Validation(message)) => {
            render_aliases(
                &req,
                &state,
                &user.0,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(message),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    authenticity_token: String,
}

async fn remove_alias(
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<i64>,
    form: web::Form<TokenForm>,
) -> UiResult<HttpResponse> {
    require_csrf(&user.0.session, &form.authenticity_token)?;
    account_migration::remove_alias(&state, &user.0.account, path.into_inner()).await?;
    Ok(redirect_with_notice(
        "/settings/aliases",
        "The alias was removed.",
    ))
}

#[derive(Template)]
#[template(path = "settings/migration.html")]
struct MigrationPage<'a> {
    chrome: &'a Chrome,
    current_tab: &'a str,
    moved_to: Option<String>,
    error: Option<String>,
}

async fn render_migration(
    req: &HttpRequest,
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    error: Option<String>,
) -> UiResult<HttpResponse> {
    let moved_to = {
        let mut conn = state.conn().await?;
        match accounts::moved_to(&mut conn, signed_in.account.id).await? {
            Some(id) => Some(accounts::get_account_by_id(&mut conn, id).await?.acct()),
            None => None,
        }
    };
    let chrome = Chrome::for_user(req, state, Some(signed_in)).await?;
    html_with_status(
        status,
        &chrome,
        &MigrationPage {
            chrome: &chrome,
            current_tab: "migration",
            moved_to,
            error,
        },
    )
}

async fn migration(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    render_migration(&req, &state, &user.0, StatusCode::OK, None).await
}

#[derive(Deserialize)]
struct MoveForm {
    #[serde(default)]
    authenticity_token: String,
    #[serde(default)]
    acct: String,
    #[serde(default)]
    current_password: String,
}

async fn move_account(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    form: web::Form<MoveForm>,
) -> UiResult<HttpResponse> {
    require_csrf(&user.0.session, &form.authenticity_token)?;
    let moved = account_migration::move_account(
        &state,
        &user.0.user,
        &user.0.account,
        &form.acct,
        &form.current_password,
    )
    .await;
    match moved {
        Ok(target) => Ok(redirect_with_notice(
            "/settings/migration",
            &format!(
                "This account has moved to {}; its followers are being moved.",
                target.acct()
            ),
        )),
        Err(Error::Validation(message)) => {
            render_migration(
                &req,
                &state,
                &user.0,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(message),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
