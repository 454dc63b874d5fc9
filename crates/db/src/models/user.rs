use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::Role;
use crate::schema::users;

/// The sign-in half of a local account.
/// (Its `Debug` leaves the secrets out: `models/redact.rs`.)
#[derive(Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct User {
    pub id: i64,
    pub account_id: i64,
    pub email: String,
    pub encrypted_password: String,
    pub role: Role,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub approved: bool,
    pub disabled: bool,
    pub locale: String,
    pub default_privacy: String,
    pub default_sensitive: bool,
    pub default_language: Option<String>,
    pub sign_up_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// SHA-256 digest of the pending e-mail confirmation token.
    pub confirmation_token_digest: Option<String>,
    pub confirmation_sent_at: Option<DateTime<Utc>>,
    /// A changed address awaiting confirmation.
    pub unconfirmed_email: Option<String>,
    /// SHA-256 digest of the pending password reset token.
    pub reset_password_token_digest: Option<String>,
    pub reset_password_sent_at: Option<DateTime<Utc>>,
    /// The application that signed the user up through the API.
    pub created_by_application_id: Option<i64>,
}

/// Insert form of [`User`].
#[derive(Clone, Insertable)]
#[diesel(table_name = users)]
#[allow(missing_docs)]
pub struct NewUser {
    pub account_id: i64,
    pub email: String,
    pub encrypted_password: String,
    pub role: Role,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub approved: bool,
    pub locale: String,
    pub sign_up_reason: Option<String>,
    pub confirmation_token_digest: Option<String>,
    pub confirmation_sent_at: Option<DateTime<Utc>>,
    pub created_by_application_id: Option<i64>,
}

/// Columns an admin or the user may change; `None` leaves a column as it is.
#[derive(Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
#[allow(missing_docs)]
pub struct UserChanges {
    pub email: Option<String>,
    pub encrypted_password: Option<String>,
    pub role: Option<Role>,
    pub confirmed_at: Option<Option<DateTime<Utc>>>,
    pub approved: Option<bool>,
    pub disabled: Option<bool>,
    pub default_privacy: Option<String>,
    pub default_sensitive: Option<bool>,
    pub default_language: Option<Option<String>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub confirmation_token_digest: Option<Option<String>>,
    pub confirmation_sent_at: Option<Option<DateTime<Utc>>>,
    pub unconfirmed_email: Option<Option<String>>,
    pub reset_password_token_digest: Option<Option<String>>,
    pub reset_password_sent_at: Option<Option<DateTime<Utc>>>,
}
