//! `Instance` (v2) and the older v1 document.
use serde_json::{json, Value};

use super::account::Account;
use crate::{Config, FERRODON_VERSION, MASTODON_API_VERSION, MASTODON_COMPAT_VERSION};

/// Figures the instance documents show.
#[derive(Debug, Clone, Default)]
pub struct InstanceFacts {
    /// Local accounts.
    pub user_count: i64,
    /// Local statuses.
    pub status_count: i64,
    /// Other servers known.
    pub domain_count: i64,
    /// Users active in the last 30 days.
    pub active_month: i64,
    /// open, approved or close.
    pub registrations_mode: String,
    /// The instance's contact account, if one is set.
    pub contact_account: Option<Account>,
    /// The server's rules, rendered with [`render_rule`].
    pub rules: Vec<Value>,
    /// The server's name (`site_title`).
    pub title: String,
    /// Its short description.
    pub description: String,
    /// The admins' contact e-mail ("" when unset).
    pub contact_email: String,
    /// The thumbnail image's URL, when an admin uploaded one.
    pub thumbnail_url: Option<String>,
}

impl InstanceFacts {
    fn thumbnail(&self, config: &Config) -> String {
        self.thumbnail_url
            .clone()
            .unwrap_or_else(|| format!("{}/headers/original/missing.png", config.base_url()))
    }
}

/// Mastodon's Rule entity.
pub fn render_rule(rule: &ferrodon_db::queries::rules::Rule) -> Value {
    json!({
        "id": rule.id.to_string(),
        "text": rule.text,
        "hint": rule.hint,
        "translations": {}
    })
}

/// Mastodon-compatible version string that clients parse for features.
pub fn version() -> String {
    format!("{MASTODON_COMPAT_VERSION} (compatible; Ferrodon {FERRODON_VERSION})")
}

fn configuration(config: &Config) -> Value {
    json!({
        "urls": { "streaming": config.streaming_api_base_url, "status": null },
        "vapid": { "public_key": config.vapid.as_ref().map_or("", |k| k.public_key.as_str()) },
        "accounts": { "max_featured_tags": 10, "max_pinned_statuses": 5 },
        "statuses": {
            "max_characters": config.max_status_chars,
            "max_media_attachments": 4,
            "characters_reserved_per_url": 23
        },
        "media_attachments": {
            "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp"],
            "description_limit": 1500,
            "image_size_limit": 16_777_216,
            "image_matrix_limit": 33_177_600,
            "video_size_limit": 103_809_024,
            "video_frame_rate_limit": 120,
            "video_matrix_limit": 8_294_400
        },
        "polls": {
            "max_options": 4,
            "max_characters_per_option": 50,
            "min_expiration": 300,
            "max_expiration": 2_629_746
        },
        "translation": { "enabled": config.translation.is_some() }
    })
}

/// `GET /api/v2/instance`.
pub fn render_v2(config: &Config, facts: &InstanceFacts) -> Value {
    json!({
        "domain": config.local_domain,
        "title": facts.title,
        "version": version(),
        "source_url": "https://github.com/ferrodon/ferrodon",
        "description": facts.description,
        "usage": { "users": { "active_month": facts.active_month } },
        "thumbnail": { "url": facts.thumbnail(config), "blurhash": null, "versions": {} },
        "icon": [],
        "languages": ["en"],
        "configuration": configuration(config),
        "registrations": {
            "enabled": facts.registrations_mode != "close",
            "approval_required": facts.registrations_mode == "approved",
            "message": null,
            "url": null,
            "min_age": null,
            "reason_required": facts.registrations_mode == "approved"
        },
        "api_versions": { "mastodon": MASTODON_API_VERSION },
        "contact": { "email": facts.contact_email, "account": facts.contact_account },
        "rules": facts.rules
    })
}

/// `GET /api/v1/instance` (deprecated but still read by many clients).
pub fn render_v1(config: &Config, facts: &InstanceFacts) -> Value {
    json!({
        "uri": config.local_domain,
        "title": facts.title,
        "short_description": facts.description,
        "description": facts.description,
        "email": facts.contact_email,
        "version": version(),
        "urls": { "streaming_api": config.streaming_api_base_url },
        "stats": {
            "user_count": facts.user_count,
            "status_count": facts.status_count,
            "domain_count": facts.domain_count
        },
        "thumbnail": facts.thumbnail(config),
        "languages": ["en"],
        "registrations": facts.registrations_mode != "close",
        "approval_required": facts.registrations_mode == "approved",
        "invites_enabled": true,
        "configuration": configuration(config),
        "contact_account": facts.contact_account,
        "rules": facts.rules
    })
}
