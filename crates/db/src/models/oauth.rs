use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::{oauth_access_grants, oauth_access_tokens, oauth_applications};

/// A registered client application.
/// (Its `Debug` leaves the secrets out: `models/redact.rs`.)
#[derive(Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = oauth_applications, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct OAuthApplication {
    pub id: i64,
    pub name: String,
    pub client_id: String,
    pub client_secret: String,
    /// Newline-separated list of allowed redirect URIs.
    pub redirect_uri: String,
    pub scopes: String,
    pub website: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Insert form of [`OAuthApplication`].
#[derive(Clone, Insertable)]
#[diesel(table_name = oauth_applications)]
#[allow(missing_docs)]
pub struct NewOAuthApplication {
    pub name: String,
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uri: String,
    pub scopes: String,
    pub website: Option<String>,
}

/// A short-lived authorization code (stored as its SHA-256 digest).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = oauth_access_grants, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct AccessGrant {
    pub id: i64,
    pub application_id: i64,
    pub user_id: i64,
    pub token_digest: String,
    pub redirect_uri: String,
    pub scopes: String,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Insert form of [`AccessGrant`].
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = oauth_access_grants)]
#[allow(missing_docs)]
pub struct NewAccessGrant {
    pub application_id: i64,
    pub user_id: i64,
    pub token_digest: String,
    pub redirect_uri: String,
    pub scopes: String,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// A bearer token (stored as its SHA-256 digest). Tokens do not expire, as in Mastodon.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = oauth_access_tokens, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct AccessToken {
    pub id: i64,
    pub application_id: Option<i64>,
    pub user_id: Option<i64>,
    pub token_digest: String,
    pub scopes: String,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Insert form of [`AccessToken`].
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = oauth_access_tokens)]
#[allow(missing_docs)]
pub struct NewAccessToken {
    pub application_id: Option<i64>,
    pub user_id: Option<i64>,
    pub token_digest: String,
    pub scopes: String,
}
