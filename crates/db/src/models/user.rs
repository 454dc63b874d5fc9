use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::users;

/// The sign-in half of a local account.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct User {
    pub id: i64,
    pub account_id: i64,
    pub email: String,
    pub encrypted_password: String,
    pub role: String,
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
}

/// Insert form of [`User`].
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
#[allow(missing_docs)]
pub struct NewUser {
    pub account_id: i64,
    pub email: String,
    pub encrypted_password: String,
    pub role: String,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub approved: bool,
    pub locale: String,
    pub sign_up_reason: Option<String>,
}

/// Columns an admin or the user may change; `None` leaves a column as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
#[allow(missing_docs)]
pub struct UserChanges {
    pub email: Option<String>,
    pub encrypted_password: Option<String>,
    pub role: Option<String>,
    pub confirmed_at: Option<Option<DateTime<Utc>>>,
    pub approved: Option<bool>,
    pub disabled: Option<bool>,
    pub default_privacy: Option<String>,
    pub default_sensitive: Option<bool>,
    pub default_language: Option<Option<String>>,
    pub updated_at: Option<DateTime<Utc>>,
}
