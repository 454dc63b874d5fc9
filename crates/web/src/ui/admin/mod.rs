//! The moderation pages under `/admin/…`, for staff only: each page needs
//! the role permission the matching admin API endpoint needs (others get
//! 403), every form carries the session's CSRF token, and every action is
//! taken by the same core functions the admin API calls, so it is written
//! to the audit log the same way.
/// A moderation page that lists records: its template (the layout, the
/// tabs, the records as `$field`, and any `extra` fields computed from the
/// state) and its `GET` handler, for holders of `$permission`, reading the
/// records with `$load` (an async function of the connection).
macro_rules! listing_page {
    (
        $handler:ident, $page:ident($template:literal),
        $permission:ident, $tab:literal,
        $field:ident: $ty:ty = $load:expr
        $(, extra $extra:ident: $extra_ty:ty = $extra_value:expr)* $(,)?
    ) => {
        #[derive(askama::Template)]
        #[template(path = $template)]
        struct $page<'a> {
            chrome: &'a $crate::ui::Chrome,
            nav: $crate::ui::admin::Nav,
            $field: $ty,
            $($extra: $extra_ty,)*
        }

        async fn $handler(
            req: actix_web::HttpRequest,
            state: actix_web::web::Data<ferrodon_core::AppState>,
            user: $crate::ui::SignedInUser,
        ) -> $crate::ui::UiResult<actix_web::HttpResponse> {
            $crate::ui::admin::listing(
                &req,
                &state,
                &user.0,
                (ferrodon_core::auth::roles::Permission::$permission, $tab),
                async |conn| Ok(($load)(conn).await?),
                |chrome, nav, $field| {
                    let page = $page {
                        chrome,
                        nav,
                        $field,
                        $($extra: ($extra_value)(&state),)*
                    };
                    $crate::ui::html(chrome, &page)
                },
            )
            .await
        }
    };
}

/// A moderation form's `POST` handler, for holders of `$permission` with
/// the session's CSRF token: `$body` acts (with `$actor`, the moderator as
/// the admin services take them, `$form` and, for the `{id}` routes, the
/// path's `$id`) and gives the notice shown on `$page` after the redirect.
macro_rules! form_action {
    ($handler:ident, $permission:ident, $page:expr,
     |$state:ident, $actor:ident, $form:ident $(, $id:ident)?| $body:expr) => {
        async fn $handler(
            $state: actix_web::web::Data<ferrodon_core::AppState>,
            user: $crate::ui::SignedInUser,
            $($id: actix_web::web::Path<String>,)?
            $form: $crate::extract::Params,
        ) -> $crate::ui::UiResult<actix_web::HttpResponse> {
            $crate::ui::admin::require_form(
                &user.0,
                ferrodon_core::auth::roles::Permission::$permission,
                &$form,
            )?;
            let $actor = $crate::ui::admin::actor(&user.0);
            $(let $id = $crate::ui::admin::path_id(&$id)?;)?
            let notice: String = $body;
            Ok($crate::ui::redirect_with_notice($page, &notice))
        }
    };
}

/// Registers a moderation page's routes: `GET` and `POST` (create) at
/// `$page`, optionally an edit form at `$page/{id}/edit` saved by `POST
/// $page/{id}`, and `POST $page/{id}/delete`.
macro_rules! crud_routes {
    ($cfg:expr, $page:expr, index: $index:ident, create: $create:ident,
     $(edit: $edit:ident, update: $update:ident,)? destroy: $destroy:ident) => {
        $cfg.route($page, actix_web::web::get().to($index))
            .route($page, actix_web::web::post().to($create))
            $(
                .route(&format!("{}/{{id}}/edit", $page), actix_web::web::get().to($edit))
                .route(&format!("{}/{{id}}", $page), actix_web::web::post().to($update))
            )?
            .route(&format!("{}/{{id}}/delete", $page), actix_web::web::post().to($destroy))
    };
}

pub mod access_blocks;
pub mod accounts;
pub mod action_logs;
pub mod custom_emojis;
pub mod domain_blocks;
pub mod relays;
pub mod reports;
pub mod rules;
pub mod settings;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::roles::{can, Permission};
use ferrodon_core::auth::web_sessions::{self, SignedIn};
use ferrodon_core::db::models::Account;
use ferrodon_core::db::queries::moderation;
use ferrodon_core::db::Conn;
use ferrodon_core::services::admin::Actor;

use super::{Chrome, UiError, UiResult};
use crate::extract::Params;

/// Registers the routes of the moderation pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/admin",
        web::get().to(|| async { super::redirect("/admin/reports") }),
    );
    reports::configure(cfg);
    accounts::configure(cfg);
    domain_blocks::configure(cfg);
    action_logs::configure(cfg);
    custom_emojis::configure(cfg);
    relays::configure(cfg);
    settings::configure(cfg);
    rules::configure(cfg);
    access_blocks::configure(cfg);
}

/// 403 unless the signed-in user's role grants `permission`.
pub fn require(signed_in: &SignedIn, permission: Permission) -> UiResult<()> {
    if can(signed_in.user.role, permission) {
        Ok(())
    } else {
        Err(UiError::Status(
            StatusCode::FORBIDDEN,
            "This action is not allowed".into(),
        ))
    }
}

/// [`require`], and the form's CSRF token must be the session's.
pub fn require_form(signed_in: &SignedIn, permission: Permission, form: &Params) -> UiResult<()> {
    require(signed_in, permission)?;
    web_sessions::require_csrf(
        &signed_in.session,
        &form.str("authenticity_token").unwrap_or_default(),
    )?;
    Ok(())
}

/// A form's text field, trimmed ("" when absent).
pub fn field(form: &Params, name: &str) -> String {
    form.str(name).unwrap_or_default().trim().to_owned()
}

/// A checkbox's state.
pub fn checked(form: &Params, name: &str) -> bool {
    form.bool(name).unwrap_or(false)
}

/// A path id, 404 when it is not a number.
pub fn path_id(raw: &str) -> UiResult<i64> {
    raw.parse()
        .map_err(|_| UiError::Core(ferrodon_core::Error::NotFound))
}

/// The tabs of the moderation pages, and which ones the user may open.
pub struct Nav {
    /// The tab of this page.
    pub current: &'static str,
    /// Reports and accounts.
    pub moderation: bool,
    /// The audit log.
    pub audit_log: bool,
    /// Domain blocks, allowed servers and relays.
    pub federation: bool,
    /// E-mail domain and IP blocks.
    pub blocks: bool,
    /// Custom emoji.
    pub emojis: bool,
    /// Server settings and rules.
    pub settings: bool,
}

impl Nav {
    /// The tabs for `signed_in`, with `current` highlighted.
    pub fn new(signed_in: &SignedIn, current: &'static str) -> Nav {
        let role = signed_in.user.role;
        Nav {
            current,
            moderation: can(role, Permission::ManageReports),
            audit_log: can(role, Permission::ViewAuditLog),
            federation: can(role, Permission::ManageFederation),
            blocks: can(role, Permission::ManageBlocks),
            emojis: can(role, Permission::ManageCustomEmojis),
            settings: can(role, Permission::ManageSettings),
        }
    }

    /// `aria-current="page"` for the current tab.
    pub fn mark(&self, tab: &str) -> &'static str {
        if self.current == tab {
            "page"
        } else {
            "false"
        }
    }
}

/// An account's `user@domain` (or `user`) by id, for lists; `#id` when gone.
pub async fn acct_of(conn: &mut Conn, id: Option<i64>) -> UiResult<Option<(i64, String)>> {
    let Some(id) = id else {
        return Ok(None);
    };
    match moderation::get_account_with_user(conn, id).await {
        Ok((account, _)) => Ok(Some((id, account.acct()))),
        Err(ferrodon_core::db::Error::NotFound) => Ok(Some((id, format!("#{id}")))),
        Err(e) => Err(e.into()),
    }
}

/// The moderator acting.
pub fn me(signed_in: &SignedIn) -> &Account {
    &signed_in.account
}

/// The moderator acting, as the admin services take them.
pub fn actor(signed_in: &SignedIn) -> Actor<'_> {
    Actor::staff(&signed_in.user, &signed_in.account)
}

/// A moderation page for holders of `permission`, with `tab` current:
/// `load` reads what it shows (the connection is given back before the
/// layout is built), `render` makes the page of it.
pub async fn listing<T>(
    req: &HttpRequest,
    state: &ferrodon_core::AppState,
    signed_in: &SignedIn,
    (permission, tab): (Permission, &'static str),
    load: impl AsyncFnOnce(&mut Conn) -> UiResult<T>,
    render: impl FnOnce(&Chrome, Nav, T) -> UiResult<HttpResponse>,
) -> UiResult<HttpResponse> {
    require(signed_in, permission)?;
    let records = {
        let mut conn = state.conn().await?;
        load(&mut conn).await?
    };
    let chrome = Chrome::for_user(req, state, Some(signed_in)).await?;
    render(&chrome, Nav::new(signed_in, tab), records)
}
