//! `/admin/email_domain_blocks`, `/admin/ip_blocks` and
//! `/admin/domain_allows`: who may sign up and, in limited-federation
//! mode, which servers we federate with. The same tables and audit-log
//! entries as the admin API.
use actix_web::web;
use chrono::{Duration, Utc};
use ferrodon_core::db::queries::domain_allows::{self, DomainAllow};
use ferrodon_core::db::queries::email_blocks::{self, EmailDomainBlock};
use ferrodon_core::db::queries::ip_blocks::{self, IpBlock, IpBlockFields};
use ferrodon_core::moderation::ip_blocks as ip_rules;
use ferrodon_core::services::admin::{
    domain_allows as allow_service, email_domain_blocks as email_service, ip_blocks as ip_service,
};
use ferrodon_core::AppState;

use super::{checked, field};

const EMAIL_PAGE: &str = "/admin/email_domain_blocks";
const IP_PAGE: &str = "/admin/ip_blocks";
const ALLOW_PAGE: &str = "/admin/domain_allows";

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    crud_routes!(cfg, EMAIL_PAGE, index: email_index, create: email_create, destroy: email_destroy);
    crud_routes!(cfg, IP_PAGE, index: ip_index, create: ip_create, destroy: ip_destroy);
    crud_routes!(cfg, ALLOW_PAGE, index: allow_index, create: allow_create, destroy: allow_destroy);
}

listing_page!(
    email_index, EmailBlocksPage("admin/email_domain_blocks.html"),
    ManageBlocks, "email_domain_blocks",
    blocks: Vec<EmailDomainBlock> = email_blocks::all_email_domain_blocks,
);

form_action!(
    email_create,
    ManageBlocks,
    EMAIL_PAGE,
    |state, actor, form| {
        let domain = field(&form, "domain");
        let allow_with_approval = checked(&form, "allow_with_approval");
        let block = email_service::create(&state, actor, &domain, allow_with_approval).await?;
        format!("Sign-ups from {} are now blocked.", block.domain)
    }
);

form_action!(
    email_destroy,
    ManageBlocks,
    EMAIL_PAGE,
    |state, actor, form, id| {
        let block = email_service::delete(&state, actor, id).await?;
        format!("{} is no longer blocked.", block.domain)
    }
);

listing_page!(
    ip_index, IpBlocksPage("admin/ip_blocks.html"),
    ManageBlocks, "ip_blocks",
    blocks: Vec<IpBlock> = ip_blocks::live_ip_blocks,
);

form_action!(ip_create, ManageBlocks, IP_PAGE, |state, actor, form| {
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
    let block = ip_service::create(&state, actor, &fields, false)
        .await?
        .block;
    format!("{} is blocked ({}).", block.ip, block.severity)
});

form_action!(
    ip_destroy,
    ManageBlocks,
    IP_PAGE,
    |state, actor, form, id| {
        let block = ip_service::delete(&state, actor, id).await?;
        format!("{} is no longer blocked.", block.ip)
    }
);

listing_page!(
    allow_index, DomainAllowsPage("admin/domain_allows.html"),
    ManageFederation, "domain_allows",
    allows: Vec<DomainAllow> = async |conn: &mut ferrodon_core::db::Conn| {
        let page = ferrodon_core::db::Page::new(None, None, None, Some(200), 200, 200);
        domain_allows::page_domain_allows(conn, &page).await
    },
    extra limited: bool = |state: &AppState| state.config.limited_federation_mode,
);

form_action!(
    allow_create,
    ManageFederation,
    ALLOW_PAGE,
    |state, actor, form| {
        let allowed = allow_service::create(&state, actor, &field(&form, "domain")).await?;
        if allowed.created {
            format!("{} is allowed.", allowed.allow.domain)
        } else {
            format!("{} was already allowed.", allowed.allow.domain)
        }
    }
);

form_action!(
    allow_destroy,
    ManageFederation,
    ALLOW_PAGE,
    |state, actor, form, id| {
        let allow = allow_service::delete(&state, actor, id).await?;
        format!("{} is no longer allowed.", allow.domain)
    }
);
