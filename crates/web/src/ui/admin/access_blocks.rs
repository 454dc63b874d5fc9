//! `/admin/email_domain_blocks`, `/admin/ip_blocks` and
//! `/admin/domain_allows`: who may sign up and, in limited-federation
//! mode, which servers we federate with. The same tables and audit-log
//! entries as the admin API.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Duration, Utc};
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::db::queries::domain_allows::{self, DomainAllow};
use ferrodon_core::db::queries::email_blocks::{self, EmailDomainBlock};
use ferrodon_core::db::queries::ip_blocks::{self, IpBlock, IpBlockFields};
use ferrodon_core::moderation::ip_blocks as ip_rules;
use ferrodon_core::services::admin::{
    domain_allows as allow_service, email_domain_blocks as email_service, ip_blocks as ip_service,
};
use ferrodon_core::AppState;

use super::{actor, checked, field, path_id, require, require_form, Nav};
use crate::extract::Params;
use crate::ui::{html, redirect_with_notice, Chrome, SignedInUser, UiResult};

const EMAIL_PAGE: &str = "/admin/email_domain_blocks";
const IP_PAGE: &str = "/admin/ip_blocks";
const ALLOW_PAGE: &str = "/admin/domain_allows";

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(EMAIL_PAGE, web::get().to(email_index))
        .route(EMAIL_PAGE, web::post().to(email_create))
        .route(
            "/admin/email_domain_blocks/{id}/delete",
            web::post().to(email_destroy),
        )
        .route(IP_PAGE, web::get().to(ip_index))
        .route(IP_PAGE, web::post().to(ip_create))
        .route("/admin/ip_blocks/{id}/delete", web::post().to(ip_destroy))
        .route(ALLOW_PAGE, web::get().to(allow_index))
        .route(ALLOW_PAGE, web::post().to(allow_create))
        .route(
            "/admin/domain_allows/{id}/delete",
            web::post().to(allow_destroy),
        );
}

#[derive(Template)]
#[template(path = "admin/email_domain_blocks.html")]
struct EmailBlocksPage<'a> {
    chrome: &'a Chrome,
    nav: Nav,
    blocks: Vec<EmailDomainBlock>,
}

async fn email_index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    require(&user.0, Permission::ManageBlocks)?;
    let blocks = {
        let mut conn = state.conn().await?;
        email_blocks::all_email_domain_blocks(&mut conn).await?
    };
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    html(
        &chrome,
        &EmailBlocksPage {
            chrome: &chrome,
            nav: Nav::new(&user.0, "email_domain_blocks"),
            blocks,
        },
    )
}

async fn email_create(
    state: web::Data<AppState>,
    user: SignedInUser,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageBlocks, &form)?;
    let block = email_service::create(
        &state,
        actor(&user.0),
        &field(&form, "domain"),
        checked(&form, "allow_with_approval"),
    )
    .await?;
    Ok(redirect_with_notice(
        EMAIL_PAGE,
        &format!("Sign-ups from {} are now blocked.", block.domain),
    ))
}

async fn email_destroy(
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<String>,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageBlocks, &form)?;
    let block = email_service::delete(&state, actor(&user.0), path_id(&path)?).await?;
    Ok(redirect_with_notice(
        EMAIL_PAGE,
        &format!("{} is no longer blocked.", block.domain),
    ))
}

#[derive(Template)]
#[template(path = "admin/ip_blocks.html")]
struct IpBlocksPage<'a> {
    chrome: &'a Chrome,
    nav: Nav,
    blocks: Vec<IpBlock>,
}

async fn ip_index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    require(&user.0, Permission::ManageBlocks)?;
    let blocks = {
        let mut conn = state.conn().await?;
        ip_blocks::live_ip_blocks(&mut conn).await?
    };
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    html(
        &chrome,
        &IpBlocksPage {
            chrome: &chrome,
            nav: Nav::new(&user.0, "ip_blocks"),
            blocks,
        },
    )
}

async fn ip_create(
    state: web::Data<AppState>,
    user: SignedInUser,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageBlocks, &form)?;
    let ip = ip_rules::parse_range(&field(&form, "ip"))?;
    let severity = ip_rules::parse_severity(&field(&form, "severity"))?;
    let expires_at = match field(&form, "expires_in").parse::<i64>() {
        Ok(secs) if secs > 0 => Some(Utc::now() + Duration::seconds(secs)),
        _ => None,
    };
    let fields = IpBlockFields {
        ip,
        severity: severity.as_str().to_owned(),
        comment: field(&form, "comment"),
        expires_at,
    };
    let block = ip_service::create(&state, actor(&user.0), &fields, false)
        .await?
        .block;
    Ok(redirect_with_notice(
        IP_PAGE,
        &format!("{} is blocked ({}).", block.ip, block.severity),
    ))
}

async fn ip_destroy(
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<String>,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageBlocks, &form)?;
    let block = ip_service::delete(&state, actor(&user.0), path_id(&path)?).await?;
    Ok(redirect_with_notice(
        IP_PAGE,
        &format!("{} is no longer blocked.", block.ip),
    ))
}

#[derive(Template)]
#[template(path = "admin/domain_allows.html")]
struct DomainAllowsPage<'a> {
    chrome: &'a Chrome,
    nav: Nav,
    allows: Vec<DomainAllow>,
    limited: bool,
}

async fn allow_index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    require(&user.0, Permission::ManageFederation)?;
    let allows = {
        let mut conn = state.conn().await?;
        let page = ferrodon_core::db::Page::new(None, None, None, Some(200), 200, 200);
        domain_allows::page_domain_allows(&mut conn, &page).await?
    };
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    html(
        &chrome,
        &DomainAllowsPage {
            chrome: &chrome,
            nav: Nav::new(&user.0, "domain_allows"),
            allows,
            limited: state.config.limited_federation_mode,
        },
    )
}

async fn allow_create(
    state: web::Data<AppState>,
    user: SignedInUser,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageFederation, &form)?;
    let allowed = allow_service::create(&state, actor(&user.0), &field(&form, "domain")).await?;
    let notice = if allowed.created {
        format!("{} is allowed.", allowed.allow.domain)
    } else {
        format!("{} was already allowed.", allowed.allow.domain)
    };
    Ok(redirect_with_notice(ALLOW_PAGE, &notice))
}

async fn allow_destroy(
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<String>,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageFederation, &form)?;
    let allow = allow_service::delete(&state, actor(&user.0), path_id(&path)?).await?;
    Ok(redirect_with_notice(
        ALLOW_PAGE,
        &format!("{} is no longer allowed.", allow.domain),
    ))
}
