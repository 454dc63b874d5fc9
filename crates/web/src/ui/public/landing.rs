//! `/` (the landing page), `/about` and `/privacy-policy`.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::apub::sanitize::sanitize_remote_html;
use ferrodon_core::db::queries::rules::{self, Rule};
use ferrodon_core::db::queries::timelines::{list_public_timeline, Locality};
use ferrodon_core::db::Page;
use ferrodon_core::services::instance_pages::{get_text, InstanceText, DEFAULT_PRIVACY_POLICY};
use ferrodon_core::services::instance_settings::{
    registrations_mode, timeline_preview, RegistrationsMode,
};
use ferrodon_core::services::site_settings::{self, SiteSettings};
use ferrodon_core::{views, AppState};

use super::posts::{name_of, OpenGraph, PostView};
use crate::ui::{html, Chrome, CurrentUser, UiResult};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(landing))
        .route("/", web::head().to(landing))
        .route("/about", web::get().to(about))
        .route("/privacy-policy", web::get().to(privacy_policy));
}

#[derive(Template)]
#[template(path = "public/landing.html")]
struct LandingPage<'a> {
    chrome: &'a Chrome,
    domain: &'a str,
    description: &'a str,
    registrations_open: bool,
    preview: Option<Vec<PostView>>,
    og: OpenGraph,
}

async fn landing(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::new(&req, &state, &current).await?;
    let site = site_settings::load(&state).await?;
    let open = registrations_mode(&state).await? != RegistrationsMode::Closed;
    let preview = if timeline_preview(&state).await? {
        let mut conn = state.conn().await?;
        let page = Page::new(None, None, None, Some(10), 10, 10);
        let ids = list_public_timeline(&mut conn, Locality::Local, false, None, &page).await?;
        let visible = views::VisibleStatuses::check(&mut conn, &ids, None).await?;
        let rendered = views::render_statuses(&mut conn, &state.config, &visible).await?;
        Some(rendered.iter().map(PostView::new).collect())
    } else {
        None
    };
    let base = state.config.base_url();
    html(
        &chrome,
        &LandingPage {
            chrome: &chrome,
            domain: &state.config.local_domain,
            description: site.description(),
            registrations_open: open,
            preview,
            og: OpenGraph {
                title: chrome.site_title.clone(),
                description: site.description().to_owned(),
                image: site_image(&site, &base),
                url: format!("{base}/"),
                kind: "website",
                card: "summary",
            },
        },
    )
}

fn site_image(site: &SiteSettings, base: &str) -> String {
    if site.thumbnail_url.is_empty() {
        format!("{base}/headers/original/missing.png")
    } else {
        site.thumbnail_url.clone()
    }
}

/// The contact account as the about page links it.
struct Contact {
    name: String,
    acct: String,
    url: String,
}

#[derive(Template)]
#[template(path = "public/about.html")]
struct AboutPage<'a> {
    chrome: &'a Chrome,
    domain: &'a str,
    description: &'a str,
    extended_html: Option<String>,
    rules: Vec<Rule>,
    contact: Option<Contact>,
    contact_email: &'a str,
    registrations: &'static str,
}

async fn about(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::new(&req, &state, &current).await?;
    let site = site_settings::load(&state).await?;
    let contact = site_settings::contact_account_row(&state, &site)
        .await?
        .map(|row| Contact {
            name: name_of(&row.display_name, &row.username),
            acct: format!("{}@{}", row.username, state.config.local_domain),
            url: ferrodon_core::urls::account_url(&state.config, &row.username),
        });
    let extended_html = get_text(&state, InstanceText::ExtendedDescription)
        .await?
        .map(|t| sanitize_remote_html(&t.content));
    let rules = {
        let mut conn = state.conn().await?;
        rules::list_rules(&mut conn).await?
    };
    let registrations = match registrations_mode(&state).await? {
        RegistrationsMode::Open => "Anyone can create an account here.",
        RegistrationsMode::Approved => {
            "Anyone can ask for an account here; a moderator approves each one."
        }
        RegistrationsMode::Closed => "Registrations are closed.",
    };
    html(
        &chrome,
        &AboutPage {
            chrome: &chrome,
            domain: &state.config.local_domain,
            description: site.description(),
            extended_html,
            rules,
            contact,
            contact_email: &site.contact_email,
            registrations,
        },
    )
}

#[derive(Template)]
#[template(path = "public/privacy.html")]
struct PrivacyPage<'a> {
    chrome: &'a Chrome,
    policy_html: String,
    updated_at: Option<String>,
}

async fn privacy_policy(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::new(&req, &state, &current).await?;
    let stored = get_text(&state, InstanceText::PrivacyPolicy).await?;
    let (policy_html, updated_at) = match stored {
        Some(t) => (
            sanitize_remote_html(&t.content),
            Some(t.updated_at.format("%Y-%m-%d").to_string()),
        ),
        None => (DEFAULT_PRIVACY_POLICY.to_owned(), None),
    };
    html(
        &chrome,
        &PrivacyPage {
            chrome: &chrome,
            policy_html,
            updated_at,
        },
    )
}
