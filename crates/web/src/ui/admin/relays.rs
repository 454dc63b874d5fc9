//! `/admin/relays`: subscribing to relays and leaving them, through the
//! admin service `ferrodonctl relays` uses.
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::db::queries::relays::{self, Relay};
use ferrodon_core::services::admin::relays as service;
use ferrodon_core::AppState;

use super::{actor, field, path_id, require_form};
use crate::extract::Params;
use crate::ui::{redirect_with_notice, SignedInUser, UiResult};

const PAGE: &str = "/admin/relays";

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(PAGE, web::get().to(index))
        .route(PAGE, web::post().to(create))
        .route("/admin/relays/{id}/delete", web::post().to(destroy));
}

listing_page!(
    index, RelaysPage("admin/relays.html"),
    ManageFederation, "relays",
    relays: Vec<Relay> = relays::list_relays,
);

async fn create(
    state: web::Data<AppState>,
    user: SignedInUser,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageFederation, &form)?;
    service::create(&state, actor(&user.0), &field(&form, "inbox_url")).await?;
    Ok(redirect_with_notice(
        PAGE,
        "The relay was asked to accept this server; it shows as accepted once it answers.",
    ))
}

async fn destroy(
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<String>,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageFederation, &form)?;
    service::delete(&state, actor(&user.0), path_id(&path)?).await?;
    Ok(redirect_with_notice(PAGE, "The relay was removed."))
}
