//! Account pages under `/auth/…` that e-mails link to: confirming an
//! address and resetting a password. Plain HTML forms; no script needed.
use actix_web::web;

use crate::extract::Params;

mod confirmation;
mod password;

pub fn configure(cfg: &mut web::ServiceConfig) {
    confirmation::configure(cfg);
    password::configure(cfg);
}

/// A form field by its plain name, or Mastodon's `user[name]`.
fn field(params: &Params, name: &str) -> Option<String> {
    params
        .get("user")
        .and_then(|user| user.get(name))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .or_else(|| params.str(name))
}
