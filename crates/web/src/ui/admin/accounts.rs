//! `/admin/accounts`: finding accounts (by username, domain or e-mail;
//! local or remote; active, pending, disabled, silenced, suspended) and an
//! account's page with what a moderator can do to it.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::db::models::{Account, User};
use ferrodon_core::db::queries::moderation::{
    self, AccountFilter, AccountFlag, AccountState, Origin,
};
use ferrodon_core::db::Page;
use ferrodon_core::services::admin::accounts::{self as actions, AccountAction, ActionKind};
use ferrodon_core::{AppState, Error};
use serde::Deserialize;

use super::{actor, field, path_id, require, require_form, Nav};
use crate::extract::Params;
use crate::ui::{html, redirect_with_notice, Chrome, SignedInUser, UiError, UiResult};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/accounts", web::get().to(index))
        .route("/admin/accounts/{id}", web::get().to(show))
        .route("/admin/accounts/{id}/{change}", web::post().to(change));
}

#[derive(Deserialize, Default)]
struct Search {
    #[serde(default)]
    origin: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    by_domain: String,
    #[serde(default)]
    email: String,
}

fn state_of(name: &str) -> AccountState {
    match name {
        "pending" => AccountState::Pending,
        "disabled" => AccountState::Disabled,
        "silenced" => AccountState::Silenced,
        "suspended" => AccountState::Suspended,
        "sensitized" => AccountState::Sensitized,
        _ => AccountState::Active,
    }
}

/// An account in the list or on its page.
struct AccountView {
    account: Account,
    user: Option<User>,
}

impl AccountView {
    fn acct(&self) -> String {
        self.account.acct()
    }

    fn email(&self) -> &str {
        self.user.as_ref().map_or("", |u| u.email.as_str())
    }

    fn role(&self) -> &str {
        self.user.as_ref().map_or("", |u| u.role.as_str())
    }

    fn pending(&self) -> bool {
        self.user.as_ref().is_some_and(|u| !u.approved)
    }

    fn disabled(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.disabled)
    }

    fn sign_up_reason(&self) -> &str {
        self.user
            .as_ref()
            .and_then(|u| u.sign_up_reason.as_deref())
            .unwrap_or("")
    }

    /// The states worth a badge.
    fn badges(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.pending() {
            out.push("Pending");
        }
        if self.disabled() {
            out.push("Disabled");
        }
        if self.account.suspended_at.is_some() {
            out.push("Suspended");
        }
        if self.account.silenced_at.is_some() {
            out.push("Limited");
        }
        if self.account.sensitized_at.is_some() {
            out.push("Sensitive");
        }
        out
    }
}

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsPage<'a> {
    chrome: &'a Chrome,
    nav: Nav,
    search: Search,
    accounts: Vec<AccountView>,
}

async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    query: web::Query<Search>,
) -> UiResult<HttpResponse> {
    require(&user.0, Permission::ManageUsers)?;
    let search = query.into_inner();
    let nonempty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let filter = AccountFilter {
        origin: if search.origin == "remote" || !search.by_domain.trim().is_empty() {
            Origin::Remote
        } else {
            Origin::Local
        },
        state: state_of(&search.status),
        by_domain: nonempty(&search.by_domain),
        username: nonempty(&search.username),
        display_name: None,
        email: nonempty(&search.email),
        roles: None,
    };
    let page = Page::new(None, None, None, Some(100), 100, 100);
    let rows = {
        let mut conn = state.conn().await?;
        moderation::list_accounts(&mut conn, &filter, &page).await?
    };
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    let tab = if search.status == "pending" {
        "pending"
    } else {
        "accounts"
    };
    html(
        &chrome,
        &AccountsPage {
            chrome: &chrome,
            nav: Nav::new(&user.0, tab),
            search,
            accounts: rows
                .into_iter()
                .map(|(account, user)| AccountView { account, user })
                .collect(),
        },
    )
}

#[derive(Template)]
#[template(path = "admin/account.html")]
struct AccountPage<'a> {
    chrome: &'a Chrome,
    nav: Nav,
    view: AccountView,
    profile_url: String,
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    require(&user.0, Permission::ManageUsers)?;
    let id = path_id(&path)?;
    let (account, account_user) = {
        let mut conn = state.conn().await?;
        moderation::get_account_with_user(&mut conn, id).await?
    };
    let profile_url = if account.is_local() {
        ferrodon_core::urls::account_url(&state.config, &account.username)
    } else {
        account.url.clone().unwrap_or_else(|| account.uri.clone())
    };
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    html(
        &chrome,
        &AccountPage {
            chrome: &chrome,
            nav: Nav::new(&user.0, "accounts"),
            view: AccountView {
                account,
                user: account_user,
            },
            profile_url,
        },
    )
}

fn local_user(user: Option<User>) -> UiResult<User> {
    user.ok_or_else(|| UiError::Core(Error::Forbidden("This action is not allowed".into())))
}

/// The forms of an account's page, each the admin API's action of the
/// same name: `action` (with `type` and the warning `text`), `approve`,
/// `reject`, `enable`, `unsilence`, `unsuspend`, `unsensitive`.
async fn change(
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<(String, String)>,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageUsers, &form)?;
    let (raw_id, change) = path.into_inner();
    let id = path_id(&raw_id)?;
    let me = actor(&user.0);
    let (account, account_user) = {
        let mut conn = state.conn().await?;
        moderation::get_account_with_user(&mut conn, id).await?
    };
    let back = format!("/admin/accounts/{id}");
    let notice = match change.as_str() {
        "action" => {
            let kind = ActionKind::parse(&field(&form, "type"))
                .ok_or_else(|| Error::validation("Choose an action"))?;
            actions::act_on_account(
                &state,
                me,
                &account,
                account_user.as_ref(),
                &AccountAction {
                    kind,
                    text: field(&form, "text"),
                    report_id: None,
                    send_email_notification: true,
                },
            )
            .await?;
            "The action was taken."
        }
        "approve" => {
            actions::approve(&state, me, &account, &local_user(account_user)?).await?;
            "The account is approved."
        }
        "reject" => {
            actions::reject(&state, me, &account, &local_user(account_user)?).await?;
            return Ok(redirect_with_notice(
                "/admin/accounts?status=pending",
                "The sign-up was rejected and the account deleted.",
            ));
        }
        "enable" => {
            actions::enable(&state, me, &account, &local_user(account_user)?).await?;
            "The account can sign in again."
        }
        "unsilence" => {
            actions::lift(&state, me, &account, AccountFlag::Silenced).await?;
            "The limit is lifted."
        }
        "unsuspend" => {
            actions::lift(&state, me, &account, AccountFlag::Suspended).await?;
            "The suspension is lifted."
        }
        "unsensitive" => {
            actions::lift(&state, me, &account, AccountFlag::Sensitized).await?;
            "The media are no longer forced sensitive."
        }
        _ => return Err(Error::NotFound.into()),
    };
    Ok(redirect_with_notice(&back, notice))
}
