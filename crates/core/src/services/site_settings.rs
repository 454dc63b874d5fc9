//! The server's public description an admin edits on the settings page:
//! short description, contact e-mail and account, thumbnail and favicon.
//! The title (`site_title`), registrations mode and timeline preview are
//! in [`super::instance_settings`]; the long texts in
//! [`super::instance_pages`].
use ferrodon_db::queries::settings;

use crate::{AppState, Result};

/// The short description shown until an admin writes one.
pub const DEFAULT_DESCRIPTION: &str =
    "A Mastodon-compatible server: sign in with any Mastodon app by entering this server's address.";

const SHORT_DESCRIPTION_KEY: &str = "site_short_description";
const CONTACT_EMAIL_KEY: &str = "site_contact_email";
const CONTACT_USERNAME_KEY: &str = "site_contact_username";
const THUMBNAIL_KEY: &str = "site_thumbnail_url";
const FAVICON_KEY: &str = "site_favicon_url";

/// What the instance says about itself (empty strings when unset).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteSettings {
    /// One or two sentences for the landing page and the instance API.
    pub short_description: String,
    /// Where to write to the admins.
    pub contact_email: String,
    /// The local username of the contact account.
    pub contact_username: String,
    /// URL of the server's thumbnail image.
    pub thumbnail_url: String,
    /// URL of the favicon.
    pub favicon_url: String,
}

impl SiteSettings {
    /// The short description, or the default one.
    pub fn description(&self) -> &str {
        if self.short_description.trim().is_empty() {
            DEFAULT_DESCRIPTION
        } else {
            &self.short_description
        }
    }
}

async fn text(conn: &mut ferrodon_db::Conn, key: &str) -> Result<String> {
    Ok(match settings::get_setting(conn, key).await? {
        Some(serde_json::Value::String(s)) => s,
        _ => String::new(),
    })
}

/// The stored settings.
pub async fn load(state: &AppState) -> Result<SiteSettings> {
    let mut conn = state.conn().await?;
    Ok(SiteSettings {
        short_description: text(&mut conn, SHORT_DESCRIPTION_KEY).await?,
        contact_email: text(&mut conn, CONTACT_EMAIL_KEY).await?,
        contact_username: text(&mut conn, CONTACT_USERNAME_KEY).await?,
        thumbnail_url: text(&mut conn, THUMBNAIL_KEY).await?,
        favicon_url: text(&mut conn, FAVICON_KEY).await?,
    })
}

/// Stores every setting of `new` (trimmed).
pub async fn save(state: &AppState, new: &SiteSettings) -> Result<()> {
    let mut conn = state.conn().await?;
    for (key, value) in [
        (SHORT_DESCRIPTION_KEY, &new.short_description),
        (CONTACT_EMAIL_KEY, &new.contact_email),
        (CONTACT_USERNAME_KEY, &new.contact_username),
        (THUMBNAIL_KEY, &new.thumbnail_url),
        (FAVICON_KEY, &new.favicon_url),
    ] {
        settings::put_setting(
            &mut conn,
            key,
            &serde_json::Value::String(value.trim().to_owned()),
        )
        .await?;
    }
    Ok(())
}

/// Sets the site title (`site_title`, read by [`super::instance_settings::site_title`]).
pub async fn set_site_title(state: &AppState, title: &str) -> Result<()> {
    let mut conn = state.conn().await?;
    settings::put_setting(
        &mut conn,
        "site_title",
        &serde_json::Value::String(title.trim().to_owned()),
    )
    .await?;
    Ok(())
}

/// Stores an uploaded site image (`thumbnail` or `favicon`: PNG, GIF,
/// WebP or JPEG up to 2 MB) in media storage; returns its public URL.
pub async fn store_image(state: &AppState, which: &str, bytes: Vec<u8>) -> Result<String> {
    use ferrodon_media::sniff::{sniff, Detected, ImageFormat};
    if bytes.len() > 2 * 1024 * 1024 {
        return Err(crate::Error::validation("Image must be less than 2 MB"));
    }
    let (extension, content_type) = match sniff(&bytes) {
        Detected::Image(ImageFormat::Png) => ("png", "image/png"),
        Detected::Image(ImageFormat::Gif) => ("gif", "image/gif"),
        Detected::Image(ImageFormat::Webp) => ("webp", "image/webp"),
        Detected::Image(ImageFormat::Jpeg) => ("jpg", "image/jpeg"),
        _ => {
            return Err(crate::Error::validation(
                "Image file type is invalid (PNG, GIF, WebP or JPEG)",
            ))
        }
    };
    let key = format!(
        "site_uploads/{which}/{}.{extension}",
        crate::auth::tokens::random_token()
    );
    state.media.put(&key, bytes, content_type).await?;
    Ok(crate::media::public_url(&state.config, &key))
}

/// The contact account's row, when the contact username names a local,
/// unsuspended account.
pub async fn contact_account_row(
    state: &AppState,
    site: &SiteSettings,
) -> Result<Option<crate::db::models::Account>> {
    let username = site.contact_username.trim().trim_start_matches('@');
    if username.is_empty() {
        return Ok(None);
    }
    let mut conn = state.conn().await?;
    match ferrodon_db::queries::accounts::get_account_by_acct(&mut conn, username, None).await {
        Ok(a) if a.suspended_at.is_none() => Ok(Some(a)),
        Ok(_) | Err(ferrodon_db::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The contact account as the instance API shows it.
pub async fn contact_account(
    state: &AppState,
    site: &SiteSettings,
) -> Result<Option<crate::entities::account::Account>> {
    Ok(contact_account_row(state, site)
        .await?
        .map(|row| crate::entities::account::render(&state.config, &row)))
}

/// The favicon's URL, when an admin uploaded one (for every page's layout).
pub async fn favicon_url(state: &AppState) -> Result<Option<String>> {
    let mut conn = state.conn().await?;
    let url = text(&mut conn, FAVICON_KEY).await?;
    Ok((!url.is_empty()).then_some(url))
}
