//! The server's own HTML pages for people in a browser: signing in and
//! out, and (built on the same parts) sign-up, settings and moderation.
//! Pages are askama templates under `crates/web/templates/` extending
//! `layout.html`; they work without JavaScript and load one stylesheet.
//!
//! Every page gets a [`Chrome`] (site name, who is signed in, the CSRF
//! token for its forms, a one-time notice). Forms that change anything
//! carry `authenticity_token`, checked against the session (or, before
//! signing in, against a cookie of its own).
pub mod account_edit;
pub mod admin;
pub mod chrome;
pub mod client;
pub mod csrf;
pub mod delete_account;
pub mod export;
pub mod import;
pub mod invites;
pub mod migration;
pub mod oauth_consent;
pub mod profile;
pub mod public;
pub mod render;
pub mod resend_confirmation;
pub mod return_to;
pub mod session;
pub mod sessions;
pub mod sign_in;
pub mod sign_up;
pub mod stylesheet;
pub mod two_factor_settings;
pub mod two_factor_sign_in;

use actix_web::web;

pub use chrome::Chrome;
pub use render::{html, redirect, redirect_with_notice, UiError, UiResult};
pub use session::{CurrentUser, SignedInUser};

/// Routes of the browser pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    stylesheet::configure(cfg);
    sign_in::configure(cfg);
    client::configure(cfg);
    public::configure(cfg);
    admin::configure(cfg);
    sign_up::configure(cfg);
    resend_confirmation::configure(cfg);
    invites::configure(cfg);
    two_factor_sign_in::configure(cfg);
    two_factor_settings::configure(cfg);
    sessions::configure(cfg);
    profile::configure(cfg);
    account_edit::configure(cfg);
    delete_account::configure(cfg);
    export::configure(cfg);
    import::configure(cfg);
    migration::configure(cfg);
}
