//! Account pages under `/auth/…` that e-mails link to: confirming an
//! address and resetting a password. Plain HTML forms; no script needed.
use crate::routes::table::Routes;

use crate::extract::Params;

mod confirmation;
mod password;

pub fn configure(cfg: &mut Routes<'_>) {
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
