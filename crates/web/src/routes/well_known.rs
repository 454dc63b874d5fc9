//! Discovery documents other servers read first: WebFinger, host-meta and NodeInfo.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::apub::nodeinfo::{
    self, Discovery, DiscoveryLink, NodeInfo, Software, UserUsage,
};
use ferrodon_core::apub::webfinger::{account_jrd, Resource, JRD_CONTENT_TYPE};
use ferrodon_core::db::queries::{accounts, users};
use ferrodon_core::services::instance_settings::{
    instance_counts, registrations_mode, RegistrationsMode,
};
use ferrodon_core::{urls, AppState, Error, FERRODON_VERSION};
use serde_json::json;

use crate::error::ApiResult;
use crate::extract::Params;

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/.well-known/webfinger", on::get().to(webfinger))
        .route("/.well-known/host-meta", on::get().to(host_meta))
        .route("/.well-known/nodeinfo", on::get().to(nodeinfo_discovery))
        .route("/.well-known/host-meta.json", on::get().to(host_meta_json))
        .route(
            "/nodeinfo/2.0",
            on::get().to(|s| nodeinfo_document(s, "2.0")),
        )
        .route(
            "/nodeinfo/2.1",
            on::get().to(|s| nodeinfo_document(s, "2.1")),
        );
}

async fn webfinger(state: web::Data<AppState>, params: Params) -> ApiResult<HttpResponse> {
    let config = &state.config;
    let resource = params
        .str("resource")
        .and_then(|r| Resource::parse(&r))
        .ok_or_else(|| {
            Error::BadRequest("resource must be acct:user@domain or an actor URI".into())
        })?;
    let mut conn = state.conn().await?;
    let account = match resource {
        Resource::Acct { username, domain } => {
            if domain != config.local_domain && domain != config.web_domain {
                return Err(Error::NotFound.into());
            }
            if username.eq_ignore_ascii_case(&config.local_domain) {
                // The instance actor (`acct:domain@domain`), as Mastodon has it.
                drop(conn);
                ferrodon_core::federation::instance_actor::instance_actor(&state).await?
            } else {
                accounts::get_account_by_acct(&mut conn, &username, None).await?
            }
        }
        Resource::Uri(uri) => {
            let profile_prefix = format!("{}/@", config.base_url());
            match uri.strip_prefix(&profile_prefix) {
                Some(username) => accounts::get_account_by_acct(&mut conn, username, None).await?,
                None => accounts::get_account_by_uri(&mut conn, &uri).await?,
            }
        }
    };
    if !account.is_local() || account.suspended_at.is_some() {
        return Err(Error::NotFound.into());
    }
    let jrd = account_jrd(
        &account.username,
        &config.local_domain,
        &account.uri,
        &urls::account_url(config, &account.username),
    );
    Ok(HttpResponse::Ok()
        .content_type(JRD_CONTENT_TYPE)
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .insert_header(("Vary", "Accept"))
        .json(jrd))
}

async fn host_meta(state: web::Data<AppState>) -> HttpResponse {
    let template = format!(
        "{}/.well-known/webfinger?resource={{uri}}",
        state.config.base_url()
    );
    let template = ferrodon_core::text::escape_html(&template);
    HttpResponse::Ok()
        .content_type("application/xrd+xml; charset=utf-8")
        .body(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n  <Link rel=\"lrdd\" template=\"{template}\"/>\n</XRD>\n"
        ))
}

/// host-meta as JSON (JRD), for clients that ask for it.
async fn host_meta_json(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(JRD_CONTENT_TYPE)
        .json(json!({
            "links": [{
                "rel": "lrdd",
                "template": format!("{}/.well-known/webfinger?resource={{uri}}", state.config.base_url()),
            }]
        }))
}

async fn nodeinfo_discovery(state: web::Data<AppState>) -> HttpResponse {
    let base = state.config.base_url();
    HttpResponse::Ok().json(Discovery {
        links: vec![
            DiscoveryLink {
                rel: nodeinfo::NODEINFO_2_0_REL.into(),
                href: format!("{base}/nodeinfo/2.0"),
            },
            DiscoveryLink {
                rel: nodeinfo::NODEINFO_2_1_REL.into(),
                href: format!("{base}/nodeinfo/2.1"),
            },
        ],
    })
}

async fn nodeinfo_document(
    state: web::Data<AppState>,
    version: &'static str,
) -> ApiResult<HttpResponse> {
    let open = registrations_mode(&state).await? != RegistrationsMode::Closed;
    let mut conn = state.conn().await?;
    let (users_total, local_posts, active_month) = instance_counts(&mut conn).await?;
    let active_halfyear = users::count_active_users(&mut conn, 180).await?;
    Ok(HttpResponse::Ok()
        .content_type(format!(
            "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/{version}#\""
        ))
        .json(NodeInfo {
            version: version.into(),
            software: Software {
                name: "ferrodon".into(),
                version: FERRODON_VERSION.into(),
                repository: None,
                homepage: None,
            },
            protocols: vec!["activitypub".into()],
            services: Default::default(),
            usage: nodeinfo::Usage {
                users: UserUsage {
                    total: users_total,
                    active_month,
                    active_halfyear,
                },
                local_posts,
            },
            open_registrations: open,
            metadata: json!({ "nodeName": state.config.local_domain }),
        }))
}
