//! `/admin/domain_blocks`: blocking other servers, through the admin
//! service the admin API and `ferrodonctl domains` call.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::db::queries::domain_blocks::{self, DomainBlock, NewDomainBlock};
use ferrodon_core::services::admin::domain_blocks as service;
use ferrodon_core::AppState;

use super::{checked, field, listing, path_id, Nav};
use crate::extract::Params;
use crate::ui::{html, Chrome, SignedInUser, UiResult};

const PAGE: &str = "/admin/domain_blocks";

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    crud_routes!(cfg, PAGE, index: index, create: create,
        edit: edit, update: update, destroy: destroy);
}

listing_page!(
    index, BlocksPage("admin/domain_blocks.html"),
    ManageFederation, "domain_blocks",
    blocks: Vec<DomainBlock> = domain_blocks::list_domain_blocks,
);

/// The block the form describes.
fn requested(form: &Params, domain: String) -> NewDomainBlock {
    let optional = |name: &str| Some(field(form, name)).filter(|s| !s.is_empty());
    NewDomainBlock {
        domain,
        severity: field(form, "severity"),
        reject_media: checked(form, "reject_media"),
        reject_reports: checked(form, "reject_reports"),
        private_comment: optional("private_comment"),
        public_comment: optional("public_comment"),
    }
}

form_action!(create, ManageFederation, PAGE, |state, actor, form| {
    let requested = requested(&form, field(&form, "domain"));
    let applied = service::create(&state, actor, requested).await?;
    format!(
        "{} is blocked ({} known accounts affected).",
        applied.block.domain, applied.accounts_affected
    )
});

#[derive(Template)]
#[template(path = "admin/domain_block_edit.html")]
struct EditPage<'a> {
    chrome: &'a Chrome,
    nav: Nav,
    block: DomainBlock,
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
        (Permission::ManageFederation, "domain_blocks"),
        async |conn| Ok(domain_blocks::get_domain_block(conn, path_id(&path)?).await?),
        |chrome, nav, block| html(chrome, &EditPage { chrome, nav, block }),
    )
    .await
}

form_action!(update, ManageFederation, PAGE, |state, actor, form, id| {
    let changed = service::update(&state, actor, id, |current| {
        requested(&form, current.domain.clone())
    })
    .await?;
    format!("The block of {} is updated.", changed.block.domain)
});

form_action!(destroy, ManageFederation, PAGE, |state, actor, form, id| {
    let block = service::delete(&state, actor, id).await?;
    format!("{} is no longer blocked.", block.domain)
});
