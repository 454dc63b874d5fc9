//! `/admin/domain_blocks`: blocking other servers, through the admin
//! service the admin API and `ferrodonctl domains` call.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::db::queries::domain_blocks::{self, DomainBlock, NewDomainBlock};
use ferrodon_core::services::admin::domain_blocks as service;
use ferrodon_core::AppState;

use super::{actor, checked, field, path_id, require, require_form, Nav};
use crate::extract::Params;
use crate::ui::{html, redirect_with_notice, Chrome, SignedInUser, UiResult};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/domain_blocks", web::get().to(index))
        .route("/admin/domain_blocks", web::post().to(create))
        .route("/admin/domain_blocks/{id}/edit", web::get().to(edit))
        .route("/admin/domain_blocks/{id}", web::post().to(update))
        .route("/admin/domain_blocks/{id}/delete", web::post().to(destroy));
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

async fn create(
    state: web::Data<AppState>,
    user: SignedInUser,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageFederation, &form)?;
    let applied = service::create(
        &state,
        actor(&user.0),
        requested(&form, field(&form, "domain")),
    )
    .await?;
    Ok(redirect_with_notice(
        "/admin/domain_blocks",
        &format!(
            "{} is blocked ({} known accounts affected).",
            applied.block.domain, applied.accounts_affected
        ),
    ))
}

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
    require(&user.0, Permission::ManageFederation)?;
    let block = {
        let mut conn = state.conn().await?;
        domain_blocks::get_domain_block(&mut conn, path_id(&path)?).await?
    };
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    html(
        &chrome,
        &EditPage {
            chrome: &chrome,
            nav: Nav::new(&user.0, "domain_blocks"),
            block,
        },
    )
}

async fn update(
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<String>,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageFederation, &form)?;
    let block = service::update(&state, actor(&user.0), path_id(&path)?, |current| {
        requested(&form, current.domain.clone())
    })
    .await?
    .block;
    Ok(redirect_with_notice(
        "/admin/domain_blocks",
        &format!("The block of {} is updated.", block.domain),
    ))
}

async fn destroy(
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<String>,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageFederation, &form)?;
    let block = service::delete(&state, actor(&user.0), path_id(&path)?).await?;
    Ok(redirect_with_notice(
        "/admin/domain_blocks",
        &format!("{} is no longer blocked.", block.domain),
    ))
}
