//! The URLs this instance gives its own objects.
use crate::Config;

/// ActivityPub id of a local account.
pub fn account_uri(config: &Config, username: &str) -> String {
    format!("{}/users/{username}", config.base_url())
}

/// Profile page of a local account.
pub fn account_url(config: &Config, username: &str) -> String {
    format!("{}/@{username}", config.base_url())
}

/// ActivityPub id of a local status.
pub fn status_uri(config: &Config, username: &str, id: i64) -> String {
    format!("{}/users/{username}/statuses/{id}", config.base_url())
}

/// Web page of a local status.
pub fn status_url(config: &Config, username: &str, id: i64) -> String {
    format!("{}/@{username}/{id}", config.base_url())
}

/// Hashtag page.
pub fn tag_url(config: &Config, name: &str) -> String {
    format!("{}/tags/{name}", config.base_url())
}

/// Default avatar served when an account has none.
pub fn missing_avatar(config: &Config) -> String {
    format!("{}/avatars/original/missing.png", config.base_url())
}

/// Default header served when an account has none.
pub fn missing_header(config: &Config) -> String {
    format!("{}/headers/original/missing.png", config.base_url())
}
