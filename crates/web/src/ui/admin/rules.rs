//! `/admin/rules`: the server rules shown on the about page, in the
//! instance API and to people reporting.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::db::queries::rules::{self, Rule};
use ferrodon_core::services::admin::rules as service;
use ferrodon_core::{AppState, Error};

use super::{actor, field, path_id, require, require_form, Nav};
use crate::extract::Params;
use crate::ui::{html, redirect_with_notice, Chrome, SignedInUser, UiResult};

const PAGE: &str = "/admin/rules";

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(PAGE, web::get().to(index))
        .route(PAGE, web::post().to(create))
        .route("/admin/rules/{id}/edit", web::get().to(edit))
        .route("/admin/rules/{id}", web::post().to(update))
        .route("/admin/rules/{id}/delete", web::post().to(destroy));
}

listing_page!(
    index, RulesPage("admin/rules.html"),
    ManageSettings, "rules",
    rules: Vec<Rule> = rules::list_rules,
);

async fn create(
    state: web::Data<AppState>,
    user: SignedInUser,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageSettings, &form)?;
    service::create(
        &state,
        actor(&user.0),
        &field(&form, "text"),
        &field(&form, "hint"),
    )
    .await?;
    Ok(redirect_with_notice(PAGE, "The rule was added."))
}

#[derive(Template)]
#[template(path = "admin/rule_edit.html")]
struct EditPage<'a> {
    chrome: &'a Chrome,
    nav: Nav,
    rule: Rule,
}

async fn edit(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    require(&user.0, Permission::ManageSettings)?;
    let id = path_id(&path)?;
    let rule = {
        let mut conn = state.conn().await?;
        rules::list_rules(&mut conn)
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(Error::NotFound)?
    };
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    html(
        &chrome,
        &EditPage {
            chrome: &chrome,
            nav: Nav::new(&user.0, "rules"),
            rule,
        },
    )
}

async fn update(
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<String>,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageSettings, &form)?;
    let (text, hint) = (field(&form, "text"), field(&form, "hint"));
    service::update(&state, actor(&user.0), path_id(&path)?, &text, &hint).await?;
    Ok(redirect_with_notice(PAGE, "The rule was changed."))
}

async fn destroy(
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<String>,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageSettings, &form)?;
    service::delete(&state, actor(&user.0), path_id(&path)?).await?;
    Ok(redirect_with_notice(PAGE, "The rule was deleted."))
}
