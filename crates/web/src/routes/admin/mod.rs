//! The admin API (`/api/v1/admin/*`, `/api/v2/admin/*`): what moderators'
//! and administrators' apps use. Every endpoint needs an `admin:` scope and
//! a staff role that grants the permission, else 403.
mod accounts;
mod canonical_email_blocks;
mod domain_allows;
mod domain_blocks;
mod email_domain_blocks;
mod ip_blocks;
mod metrics;
mod reports;
mod trends;

use crate::routes::table::Routes;
use actix_web::web;
use ferrodon_core::Error;

use crate::error::{ApiError, ApiResult};

pub fn configure(cfg: &mut Routes<'_>) {
    accounts::configure(cfg);
    canonical_email_blocks::configure(cfg);
    domain_allows::configure(cfg);
    domain_blocks::configure(cfg);
    email_domain_blocks::configure(cfg);
    ip_blocks::configure(cfg);
    metrics::configure(cfg);
    reports::configure(cfg);
    trends::configure(cfg);
}

/// The record id in the path; 404 when it is not a number.
fn record_id(path: &web::Path<String>) -> ApiResult<i64> {
    Ok(path.parse().map_err(|_| Error::NotFound)?)
}

/// A broken unique constraint as Mastodon words it (`{attribute} has
/// already been taken`); other database errors as they are.
fn taken(err: ferrodon_core::db::Error, attribute: &str) -> ApiError {
    match err {
        ferrodon_core::db::Error::UniqueViolation { .. } => {
            Error::validation(format!("{attribute} has already been taken")).into()
        }
        other => other.into(),
    }
}
