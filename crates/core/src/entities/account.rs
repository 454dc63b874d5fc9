//! `Account` and `CredentialAccount`.
use ferrodon_db::models::{Account as AccountRow, User};
use serde::Serialize;

use super::timestamp;
use crate::text::render_plain_text;
use crate::{urls, Config};

/// A profile field.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Field {
    /// Label.
    pub name: String,
    /// Value (HTML in the public entity, source text in `source`).
    pub value: String,
    /// When the link in the value was verified, if ever.
    pub verified_at: Option<String>,
}

/// Mastodon's Account entity.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Account {
    pub id: String,
    pub username: String,
    pub acct: String,
    pub display_name: String,
    pub locked: bool,
    pub bot: bool,
    pub discoverable: bool,
    pub indexable: bool,
    pub group: bool,
    pub created_at: String,
    pub note: String,
    pub url: String,
    pub uri: String,
    pub avatar: String,
    pub avatar_static: String,
    pub header: String,
    pub header_static: String,
    pub followers_count: i32,
    pub following_count: i32,
    pub statuses_count: i32,
    pub last_status_at: Option<String>,
    pub hide_collections: bool,
    pub noindex: bool,
    pub emojis: Vec<super::custom_emoji::CustomEmoji>,
    pub roles: Vec<serde_json::Value>,
    pub fields: Vec<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspended: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limited: Option<bool>,
}

/// `source` of a CredentialAccount: what the profile form edits.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Source {
    pub privacy: String,
    pub sensitive: bool,
    pub language: Option<String>,
    pub note: String,
    pub fields: Vec<Field>,
    pub follow_requests_count: i64,
    pub hide_collections: bool,
    pub discoverable: bool,
    pub indexable: bool,
    pub attribution_domains: Vec<String>,
}

/// The signed-in user's own account, with `source` and `role`.
#[derive(Debug, Clone, Serialize)]
pub struct CredentialAccount {
    /// The public entity.
    #[serde(flatten)]
    pub account: Account,
    /// Editable source values.
    pub source: Source,
    /// The user's role.
    pub role: serde_json::Value,
}

/// Profile fields stored on the row, as source text.
pub fn stored_fields(row: &AccountRow) -> Vec<Field> {
    serde_json::from_value(row.fields.clone()).unwrap_or_default()
}

/// Renders the public Account entity.
pub fn render(config: &Config, row: &AccountRow) -> Account {
    let (url, note, fields) = if row.is_local() {
        let tag_url = |t: &str| urls::tag_url(config, t);
        let fields = stored_fields(row)
            .into_iter()
            .map(|f| Field {
                value: strip_paragraph(&render_plain_text(&f.value, &|_, _| None, &tag_url)),
                ..f
            })
            .collect();
        (
            urls::account_url(config, &row.username),
            render_plain_text(&row.note, &|_, _| None, &tag_url),
            fields,
        )
    } else {
        (
            row.url.clone().unwrap_or_else(|| row.uri.clone()),
            row.note.clone(),
            stored_fields(row),
        )
    };
    let avatar = row
        .avatar_url
        .clone()
        .unwrap_or_else(|| urls::missing_avatar(config));
    let header = row
        .header_url
        .clone()
        .unwrap_or_else(|| urls::missing_header(config));
    let suspended = row.suspended_at.is_some();
    Account {
        id: row.id.to_string(),
        username: row.username.clone(),
        acct: row.acct(),
        display_name: if suspended {
            String::new()
        } else {
            row.display_name.clone()
        },
        locked: row.locked,
        bot: row.bot,
        discoverable: row.discoverable,
        indexable: row.indexable,
        group: false,
        created_at: timestamp(&midnight(&row.created_at)),
        note: if suspended { String::new() } else { note },
        url,
        uri: row.uri.clone(),
        avatar_static: avatar.clone(),
        avatar,
        header_static: header.clone(),
        header,
        followers_count: row.followers_count,
        following_count: row.following_count,
        statuses_count: row.statuses_count,
        last_status_at: row.last_status_at.map(|t| t.format("%Y-%m-%d").to_string()),
        hide_collections: row.hide_collections,
        noindex: !row.indexable,
        emojis: Vec::new(),
        roles: Vec::new(),
        fields: if suspended { Vec::new() } else { fields },
        suspended: suspended.then_some(true),
        limited: row.silenced_at.map(|_| true),
    }
}

/// Renders the signed-in user's own account.
pub fn render_credential(
    config: &Config,
    user: &User,
    row: &AccountRow,
    follow_requests_count: i64,
) -> CredentialAccount {
    CredentialAccount {
        account: render(config, row),
        source: Source {
            privacy: user.default_privacy.clone(),
            sensitive: user.default_sensitive,
            language: user.default_language.clone(),
            note: row.note.clone(),
            fields: stored_fields(row),
            follow_requests_count,
            hide_collections: row.hide_collections,
            discoverable: row.discoverable,
            indexable: row.indexable,
            attribution_domains: Vec::new(),
        },
        role: crate::auth::roles::role_entity(user.role),
    }
}

fn midnight(t: &chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    t.date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|n| n.and_utc())
        .unwrap_or(*t)
}

fn strip_paragraph(html: &str) -> String {
    html.strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
        .unwrap_or(html)
        .to_owned()
}
