//! `/api/v1/admin/accounts` and `/api/v2/admin/accounts`: finding accounts
//! and acting on them.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::roles::{require_staff, Permission, Role};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::moderation::{
    self, AccountFilter, AccountFlag, AccountState, Origin,
};
use ferrodon_core::db::Page;
use ferrodon_core::moderation::entities::render_account;
use ferrodon_core::services::admin::accounts::{self as actions, AccountAction, ActionKind};
use ferrodon_core::services::admin::Actor;
use ferrodon_core::{AppState, Error};
use serde_json::json;

use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};
use crate::routes::json_page;

const READ: &[Scope] = &[Scope::AdminRead, Scope::AdminReadAccounts];
const WRITE: &[Scope] = &[Scope::AdminWrite, Scope::AdminWriteAccounts];

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/admin/accounts", on::get().to(index_v1))
        .route("/api/v2/admin/accounts", on::get().to(index_v2))
        .route("/api/v1/admin/accounts/{id}", on::get().to(show))
        .route("/api/v1/admin/accounts/{id}", on::delete().to(destroy))
        .route("/api/v1/admin/accounts/{id}/action", on::post().to(action));
    for (path, change) in [
        ("approve", Change::Approve),
        ("reject", Change::Reject),
        ("enable", Change::Enable),
        ("unsilence", Change::Lift(AccountFlag::Silenced)),
        ("unsuspend", Change::Lift(AccountFlag::Suspended)),
        ("unsensitive", Change::Lift(AccountFlag::Sensitized)),
    ] {
        cfg.route(
            &format!("/api/v1/admin/accounts/{{id}}/{path}"),
            on::post().to(move |s, a, p| change_account(s, a, p, change)),
        );
    }
}

/// v1's filters: flags such as `remote`, `pending`, `silenced`.
fn filter_v1(params: &Params) -> AccountFilter {
    let flag = |name: &str| params.bool(name) == Some(true);
    let state = [
        ("pending", AccountState::Pending),
        ("disabled", AccountState::Disabled),
        ("silenced", AccountState::Silenced),
        ("suspended", AccountState::Suspended),
        ("sensitized", AccountState::Sensitized),
    ]
    .into_iter()
    .find(|(name, _)| flag(name))
    .map_or(AccountState::Active, |(_, state)| state);
    AccountFilter {
        origin: if flag("remote") {
            Origin::Remote
        } else {
            Origin::Local
        },
        state,
        by_domain: params.nonempty("by_domain"),
        username: params.nonempty("username"),
        display_name: params.nonempty("display_name"),
        email: params.nonempty("email"),
        roles: flag("staff").then(|| Role::STAFF.to_vec()),
    }
}

/// v2's filters: `origin`, `status`, `permissions`.
fn filter_v2(params: &Params) -> ApiResult<AccountFilter> {
    let origin = match params.nonempty("origin").as_deref() {
        None | Some("local") => Origin::Local,
        Some("remote") => Origin::Remote,
        Some(_) => return Err(Error::validation("origin must be local or remote").into()),
    };
    let state = match params.nonempty("status").as_deref() {
        None | Some("active") => AccountState::Active,
        Some("pending") => AccountState::Pending,
        Some("disabled") => AccountState::Disabled,
        Some("silenced") => AccountState::Silenced,
        Some("suspended") => AccountState::Suspended,
        Some(_) => {
            return Err(Error::validation(
                "status must be active, pending, disabled, silenced or suspended",
            )
            .into())
        }
    };
    Ok(AccountFilter {
        origin,
        state,
        by_domain: params.nonempty("by_domain"),
        username: params.nonempty("username"),
        display_name: params.nonempty("display_name"),
        email: params.nonempty("email"),
        roles: (params.nonempty("permissions").as_deref() == Some("staff"))
            .then(|| Role::STAFF.to_vec()),
    })
}

async fn list(
    state: &AppState,
    req: &HttpRequest,
    filter: &AccountFilter,
    page: &Page,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let rows = moderation::list_accounts(&mut conn, filter, page).await?;
    let ids: Vec<i64> = rows.iter().map(|(a, _)| a.id).collect();
    let body: Vec<serde_json::Value> = rows
        .iter()
        .map(|(a, u)| render_account(&state.config, a, u.as_ref()))
        .collect();
    Ok(json_page(state, req, &body, Page::cursors(&ids)))
}

async fn index_v1(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageUsers)?;
    let page = page_from(&params, 100, 200)?;
    list(&state, &req, &filter_v1(&params), &page).await
}

async fn index_v2(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageUsers)?;
    let page = page_from(&params, 100, 200)?;
    list(&state, &req, &filter_v2(&params)?, &page).await
}

/// The staff member acting, with `permission`.
fn staff(auth: &Auth, permission: Permission) -> ApiResult<Actor<'_>> {
    let (user, account) = require_staff(&auth.0, WRITE, permission)?;
    Ok(Actor::staff(user, account))
}

async fn target(
    state: &AppState,
    path: &web::Path<String>,
) -> ApiResult<(
    ferrodon_core::db::models::Account,
    Option<ferrodon_core::db::models::User>,
)> {
    let id: i64 = path.parse().map_err(|_| Error::NotFound)?;
    let mut conn = state.conn().await?;
    Ok(moderation::get_account_with_user(&mut conn, id).await?)
}

/// The account as it is now, after an action.
async fn current(state: &AppState, path: &web::Path<String>) -> ApiResult<HttpResponse> {
    let (account, user) = target(state, path).await?;
    Ok(HttpResponse::Ok().json(render_account(&state.config, &account, user.as_ref())))
}

async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageUsers)?;
    current(&state, &path).await
}

async fn action(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let me = staff(&auth, Permission::ManageUsers)?;
    let (account, user) = target(&state, &path).await?;
    let kind = params
        .nonempty("type")
        .map_or(Some(ActionKind::None), |t| ActionKind::parse(&t))
        .ok_or_else(|| Error::validation("Type is not included in the list"))?;
    actions::act_on_account(
        &state,
        me,
        &account,
        user.as_ref(),
        &AccountAction {
            kind,
            text: params.str("text").unwrap_or_default(),
            report_id: params.id("report_id")?,
            send_email_notification: params.bool("send_email_notification").unwrap_or(true),
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

/// The local user of the account, or 403 as Mastodon answers for remote ones.
fn local_user(
    user: Option<ferrodon_core::db::models::User>,
) -> ApiResult<ferrodon_core::db::models::User> {
    user.ok_or_else(|| Error::Forbidden("This action is not allowed".into()).into())
}

/// The account changes other than `action` and deletion, each under
/// Mastodon's path.
#[derive(Clone, Copy)]
enum Change {
    Approve,
    Reject,
    Enable,
    Lift(AccountFlag),
}

async fn change_account(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    change: Change,
) -> ApiResult<HttpResponse> {
    let me = staff(&auth, Permission::ManageUsers)?;
    let (account, user) = target(&state, &path).await?;
    match change {
        Change::Approve => actions::approve(&state, me, &account, &local_user(user)?).await?,
        Change::Enable => actions::enable(&state, me, &account, &local_user(user)?).await?,
        Change::Lift(flag) => actions::lift(&state, me, &account, flag).await?,
        Change::Reject => {
            actions::reject(&state, me, &account, &local_user(user)?).await?;
            return Ok(HttpResponse::Ok().json(json!({})));
        }
    }
    current(&state, &path).await
}

async fn destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let me = staff(&auth, Permission::DeleteUserData)?;
    let (account, _) = target(&state, &path).await?;
    actions::delete(&state, me, &account).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
