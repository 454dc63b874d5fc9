use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::{follow_requests, follows, tags};

/// An accepted follow.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = follows, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Follow {
    pub id: i64,
    pub account_id: i64,
    pub target_account_id: i64,
    pub show_reblogs: bool,
    pub notify: bool,
    pub languages: Option<Vec<String>>,
    pub uri: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A follow awaiting the target's approval (locked accounts).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = follow_requests, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct FollowRequest {
    pub id: i64,
    pub account_id: i64,
    pub target_account_id: i64,
    pub show_reblogs: bool,
    pub notify: bool,
    pub uri: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Insert form shared by follows and follow requests.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct NewFollow {
    pub account_id: i64,
    pub target_account_id: i64,
    pub show_reblogs: bool,
    pub notify: bool,
    pub languages: Option<Vec<String>>,
    pub uri: Option<String>,
}

/// A hashtag.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = tags, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Tag {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub created_at: DateTime<Utc>,
}
