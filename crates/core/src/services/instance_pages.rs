//! The instance's own texts (extended description, privacy policy, terms
//! of service, each with when it last changed) and who may see its
//! moderation blocks.
use chrono::{DateTime, Utc};
use ferrodon_db::queries::settings;
use serde_json::json;

use crate::{AppState, Error, Result};

/// A text the instance publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceText {
    /// The long "about" text.
    ExtendedDescription,
    /// The privacy policy.
    PrivacyPolicy,
    /// The terms of service.
    TermsOfService,
}

impl InstanceText {
    /// Parses the names `ferrodonctl settings text` takes.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "extended-description" | "extended_description" => Ok(Self::ExtendedDescription),
            "privacy-policy" | "privacy_policy" => Ok(Self::PrivacyPolicy),
            "terms-of-service" | "terms_of_service" => Ok(Self::TermsOfService),
            other => Err(Error::BadRequest(format!(
                "unknown text {other:?}: use extended-description, privacy-policy or terms-of-service"
            ))),
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::ExtendedDescription => "site_extended_description",
            Self::PrivacyPolicy => "site_privacy_policy",
            Self::TermsOfService => "site_terms_of_service",
        }
    }
}

/// The privacy policy shown (by the API and the page) until an admin sets one.
pub const DEFAULT_PRIVACY_POLICY: &str = "<p>This server stores what you post, the accounts you follow and interact with, your e-mail address and a hash of your password, and the IP addresses of your recent sign-ins, to run your account. Public and unlisted posts, and posts to your followers on other servers, are sent to those servers. Direct and followers-only posts are shown only to their audience, but the server's administrators can read everything stored here. Deleting your account deletes your posts here and asks other servers to delete their copies.</p>";

/// A stored text (HTML) and when it was set.
#[derive(Debug, Clone)]
pub struct StoredText {
    /// The HTML content.
    pub content: String,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

/// The text, or None when never set (or set empty).
pub async fn get_text(state: &AppState, which: InstanceText) -> Result<Option<StoredText>> {
    let mut conn = state.conn().await?;
    let Some(value) = settings::get_setting(&mut conn, which.key()).await? else {
        return Ok(None);
    };
    let content = value["content"].as_str().unwrap_or_default().to_owned();
    let updated_at = value["updated_at"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    Ok((!content.trim().is_empty()).then_some(StoredText {
        content,
        updated_at,
    }))
}

/// Sets the text (HTML, as an admin writes it); empty clears it.
pub async fn set_text(state: &AppState, which: InstanceText, content: &str) -> Result<()> {
    let mut conn = state.conn().await?;
    let value = json!({"content": content, "updated_at": Utc::now().to_rfc3339()});
    settings::put_setting(&mut conn, which.key(), &value).await?;
    Ok(())
}

/// Who may list the instance's moderation domain blocks
/// (`/api/v1/instance/domain_blocks`), as Mastodon's `show_domain_blocks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainBlocksVisibility {
    /// Nobody (the endpoint answers 404): Mastodon's default.
    Disabled,
    /// Signed-in users.
    Users,
    /// Everyone.
    All,
}

const SHOW_DOMAIN_BLOCKS_KEY: &str = "show_domain_blocks";

impl DomainBlocksVisibility {
    /// Parses disabled, users or all.
    pub fn parse(value: &str) -> Result<Self> {
        match value {
            "disabled" => Ok(Self::Disabled),
            "users" => Ok(Self::Users),
            "all" => Ok(Self::All),
            other => Err(Error::BadRequest(format!(
                "unknown value {other:?}: use disabled, users or all"
            ))),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Disabled => "disabled",
            Self::Users => "users",
            Self::All => "all",
        }
    }
}

/// Who may list the domain blocks (disabled when never set).
pub async fn domain_blocks_visibility(state: &AppState) -> Result<DomainBlocksVisibility> {
    let mut conn = state.conn().await?;
    match settings::get_setting(&mut conn, SHOW_DOMAIN_BLOCKS_KEY).await? {
        Some(serde_json::Value::String(s)) => DomainBlocksVisibility::parse(&s),
        _ => Ok(DomainBlocksVisibility::Disabled),
    }
}

/// Changes who may list the domain blocks.
pub async fn set_domain_blocks_visibility(
    state: &AppState,
    value: DomainBlocksVisibility,
) -> Result<()> {
    let mut conn = state.conn().await?;
    settings::put_setting(
        &mut conn,
        SHOW_DOMAIN_BLOCKS_KEY,
        &serde_json::Value::String(value.as_str().into()),
    )
    .await?;
    Ok(())
}
