//! The admin API (`/api/v1/admin/*`, `/api/v2/admin/*`): what moderators'
//! and administrators' apps use. Every endpoint needs an `admin:` scope and
//! a staff role that grants the permission, else 403.
mod accounts;
mod domain_blocks;
mod reports;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    accounts::configure(cfg);
    domain_blocks::configure(cfg);
    reports::configure(cfg);
}
