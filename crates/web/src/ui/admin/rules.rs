//! `/admin/rules`: the server rules shown on the about page, in the
//! instance API and to people reporting.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::db::queries::rules::{self, Rule};
use ferrodon_core::services::admin::rules as service;
use ferrodon_core::{AppState, Error};

use super::{field, listing, path_id, Nav};
use crate::ui::{html, Chrome, SignedInUser, UiResult};

const PAGE: &str = "/admin/rules";

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    crud_routes!(cfg, PAGE, index: index, create: create,
        edit: edit, update: update, destroy: destroy);
}

listing_page!(
    index, RulesPage("admin/rules.html"),
    ManageSettings, "rules",
    rules: Vec<Rule> = rules::list_rules,
);

form_action!(create, ManageSettings, PAGE, |state, actor, form| {
    let (text, hint) = (field(&form, "text"), field(&form, "hint"));
    service::create(&state, actor, &text, &hint).await?;
    "The rule was added.".into()
});

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
    listing(
        &req,
        &state,
        &user.0,
        (Permission::ManageSettings, "rules"),
        async |conn| {
            let id = path_id(&path)?;
            let rules = rules::list_rules(conn).await?;
            Ok(rules
                .into_iter()
                .find(|r| r.id == id)
                .ok_or(Error::NotFound)?)
        },
        |chrome, nav, rule| html(chrome, &EditPage { chrome, nav, rule }),
    )
    .await
}

form_action!(update, ManageSettings, PAGE, |state, actor, form, id| {
    let (text, hint) = (field(&form, "text"), field(&form, "hint"));
    service::update(&state, actor, id, &text, &hint).await?;
    "The rule was changed.".into()
});

form_action!(destroy, ManageSettings, PAGE, |state, actor, form, id| {
    service::delete(&state, actor, id).await?;
    "The rule was deleted.".into()
});
