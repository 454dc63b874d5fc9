//! `/admin/relays`: subscribing to relays and leaving them, through the
//! admin service `ferrodonctl relays` uses.
use actix_web::web;
use ferrodon_core::db::queries::relays::{self, Relay};
use ferrodon_core::services::admin::relays as service;

use super::field;

const PAGE: &str = "/admin/relays";

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    crud_routes!(cfg, PAGE, index: index, create: create, destroy: destroy);
}

listing_page!(
    index, RelaysPage("admin/relays.html"),
    ManageFederation, "relays",
    relays: Vec<Relay> = relays::list_relays,
);

form_action!(create, ManageFederation, PAGE, |state, actor, form| {
    service::create(&state, actor, &field(&form, "inbox_url")).await?;
    "The relay was asked to accept this server; it shows as accepted once it answers.".into()
});

form_action!(destroy, ManageFederation, PAGE, |state, actor, form, id| {
    service::delete(&state, actor, id).await?;
    "The relay was removed.".into()
});
