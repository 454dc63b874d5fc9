//! `/admin/settings`: the server's name, descriptions, contact, privacy
//! policy, who may sign up, the timeline preview, thumbnail and favicon
//! (Admin only). The instance API and the public pages read them.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::services::instance_pages::{get_text, set_text, InstanceText};
use ferrodon_core::services::instance_settings::{
    self, registrations_mode, set_registrations_mode, set_timeline_preview, timeline_preview,
    RegistrationsMode,
};
use ferrodon_core::services::site_settings::{self, SiteSettings};
use ferrodon_core::text::escape_html;
use ferrodon_core::{AppState, Error};

use super::{checked, field, require, require_form, Nav};
use crate::extract::Params;
use crate::ui::{html, redirect_with_notice, Chrome, SignedInUser, UiResult};

const PAGE: &str = "/admin/settings";

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(PAGE, web::get().to(show))
        .route(PAGE, web::post().to(save));
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage<'a> {
    chrome: &'a Chrome,
    nav: Nav,
    title: String,
    site: SiteSettings,
    extended_description: String,
    privacy_policy: String,
    registrations: &'static str,
    preview: bool,
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    require(&user.0, Permission::ManageSettings)?;
    let text_of = |t: Option<ferrodon_core::services::instance_pages::StoredText>| {
        t.map(|t| t.content).unwrap_or_default()
    };
    let page = SettingsPage {
        chrome: &Chrome::for_user(&req, &state, Some(&user.0)).await?,
        nav: Nav::new(&user.0, "settings"),
        title: instance_settings::site_title(&state).await?,
        site: site_settings::load(&state).await?,
        extended_description: text_of(get_text(&state, InstanceText::ExtendedDescription).await?),
        privacy_policy: text_of(get_text(&state, InstanceText::PrivacyPolicy).await?),
        registrations: registrations_mode(&state).await?.as_str(),
        preview: timeline_preview(&state).await?,
    };
    html(page.chrome, &page)
}

/// A long text as stored HTML: kept as written when it has markup,
/// otherwise each blank-line-separated paragraph escaped into a `<p>`.
fn as_html(text: &str) -> String {
    let text = text.trim();
    if text.contains('<') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", escape_html(p).replace('\n', "<br>")))
        .collect()
}

async fn save(
    state: web::Data<AppState>,
    user: SignedInUser,
    mut form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageSettings, &form)?;
    let mode = RegistrationsMode::parse(&field(&form, "registrations_mode"))?;
    let email = field(&form, "contact_email");
    if !email.is_empty() && !email.contains('@') {
        return Err(Error::validation("Contact e-mail is not an e-mail address").into());
    }
    let mut site = site_settings::load(&state).await?;
    site.short_description = field(&form, "short_description");
    site.contact_email = email;
    site.contact_username = field(&form, "contact_username")
        .trim_start_matches('@')
        .to_owned();
    if !site.contact_username.is_empty()
        && site_settings::contact_account_row(&state, &site)
            .await?
            .is_none()
    {
        return Err(Error::validation("The contact account must be a local account").into());
    }
    for (name, slot) in [
        ("thumbnail", &mut site.thumbnail_url),
        ("favicon", &mut site.favicon_url),
    ] {
        if let Some(bytes) = form.take_file(name).filter(|b| !b.is_empty()) {
            *slot = site_settings::store_image(&state, name, bytes).await?;
        }
    }
    site_settings::set_site_title(&state, &field(&form, "site_title")).await?;
    site_settings::save(&state, &site).await?;
    set_text(
        &state,
        InstanceText::ExtendedDescription,
        &as_html(&field(&form, "extended_description")),
    )
    .await?;
    set_text(
        &state,
        InstanceText::PrivacyPolicy,
        &as_html(&field(&form, "privacy_policy")),
    )
    .await?;
    set_registrations_mode(&state, mode).await?;
    set_timeline_preview(&state, checked(&form, "timeline_preview")).await?;
    Ok(redirect_with_notice(PAGE, "The settings were saved."))
}

#[cfg(test)]
mod tests {
    use super::as_html;

    #[test]
    fn plain_text_becomes_escaped_paragraphs() {
        assert_eq!(
            as_html("a & \"b\"\nc\n\nd"),
            "<p>a &amp; &quot;b&quot;<br>c</p><p>d</p>"
        );
        assert_eq!(as_html("<p>kept</p>"), "<p>kept</p>");
        assert_eq!(as_html("  "), "");
    }
}
