//! `/admin/email_domain_blocks`, `/admin/ip_blocks` and
//! `/admin/domain_allows`: who may sign up and, in limited-federation
//! mode, which servers we federate with. The same tables and audit-log
//! entries as the admin API.
use actix_web::{web, HttpResponse};
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

use super::{actor, checked, field, path_id, require_form};
use crate::extract::Params;
use crate::ui::{redirect_with_notice, SignedInUser, UiResult};

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

listing_page!(
    email_index, EmailBlocksPage("admin/email_domain_blocks.html"),
    ManageBlocks, "email_domain_blocks",
    blocks: Vec<EmailDomainBlock> = email_blocks::all_email_domain_blocks,
);

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

listing_page!(
    ip_index, IpBlocksPage("admin/ip_blocks.html"),
    ManageBlocks, "ip_blocks",
    blocks: Vec<IpBlock> = ip_blocks::live_ip_blocks,
);

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

listing_page!(
    allow_index, DomainAllowsPage("admin/domain_allows.html"),
    ManageFederation, "domain_allows",
    allows: Vec<DomainAllow> = async |conn: &mut ferrodon_core::db::Conn| {
        let page = ferrodon_core::db::Page::new(None, None, None, Some(200), 200, 200);
        domain_allows::page_domain_allows(conn, &page).await
    },
    extra limited: bool = |state: &AppState| state.config.limited_federation_mode,
);

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
