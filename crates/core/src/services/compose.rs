//! Shared steps of posting and editing: validating text, rendering it, and
//! finding the accounts and tags it mentions.
use ferrodon_db::models::Account;
use ferrodon_db::queries::{accounts, tags_mentions};
use ferrodon_db::Conn;

use crate::text::{extract_hashtags, extract_mentions, render_plain_text, MentionTarget};
use crate::{urls, Config, Error, Result};

/// A URL counts as this many characters, whatever its length (as in Mastodon).
const URL_WEIGHT: usize = 23;

/// Text with everything resolved, ready to store.
pub struct Composed {
    /// Rendered HTML.
    pub content: String,
    /// Accounts mentioned.
    pub mentioned: Vec<Account>,
    /// Hashtag display names.
    pub hashtags: Vec<String>,
}

/// Counts characters the way Mastodon's limit does: URLs weigh 23, and a
/// remote mention's domain does not count.
pub fn weighted_length(text: &str) -> usize {
    let mut total = 0;
    for word in text.split_inclusive(char::is_whitespace) {
        let trimmed = word.trim_end();
        let ws = word.len() - trimmed.len();
        if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
            total += URL_WEIGHT + ws;
        } else if trimmed.starts_with('@') && trimmed[1..].contains('@') {
            let user_part = trimmed[1..].split('@').next().unwrap_or("");
            total += 1 + user_part.chars().count() + ws;
        } else {
            total += word.chars().count();
        }
    }
    total
}

/// Checks text and spoiler against the configured limit.
pub fn validate_text(config: &Config, text: &str, spoiler: &str, has_media: bool) -> Result<()> {
    if text.trim().is_empty() && !has_media {
        return Err(Error::validation("Text can't be blank"));
    }
    if weighted_length(text) + spoiler.chars().count() > config.max_status_chars {
        return Err(Error::validation(format!(
            "Text character limit of {} exceeded",
            config.max_status_chars
        )));
    }
    Ok(())
}

/// Resolves mentions against known accounts and renders the text.
pub async fn compose(conn: &mut Conn, config: &Config, text: &str) -> Result<Composed> {
    let mut mentioned: Vec<Account> = Vec::new();
    for (username, domain) in extract_mentions(text) {
        let domain = domain.filter(|d| *d != config.local_domain && *d != config.web_domain);
        if let Ok(account) = accounts::get_account_by_acct(conn, &username, domain.as_deref()).await
        {
            if account.suspended_at.is_none() && !mentioned.iter().any(|a| a.id == account.id) {
                mentioned.push(account);
            }
        }
    }
    let resolve = |user: &str, domain: Option<&str>| -> Option<MentionTarget> {
        let domain = domain
            .map(str::to_lowercase)
            .filter(|d| *d != config.local_domain && *d != config.web_domain);
        mentioned
            .iter()
            .find(|a| a.username.eq_ignore_ascii_case(user) && a.domain == domain)
            .map(|a| MentionTarget {
                username: a.username.clone(),
                url: if a.is_local() {
                    urls::account_url(config, &a.username)
                } else {
                    a.url.clone().unwrap_or_else(|| a.uri.clone())
                },
            })
    };
    let content = render_plain_text(text, &resolve, &|t| urls::tag_url(config, t));
    Ok(Composed {
        content,
        hashtags: extract_hashtags(text),
        mentioned,
    })
}

/// Whether the status may already have mentions and tags to replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attach {
    /// A status just inserted: nothing to replace.
    New,
    /// An edited status: earlier mentions and tags are replaced.
    Replace,
}

/// Stores mentions and hashtags of a status.
pub async fn attach(
    conn: &mut Conn,
    status_id: i64,
    composed: &Composed,
    mode: Attach,
) -> Result<()> {
    let ids: Vec<i64> = composed.mentioned.iter().map(|a| a.id).collect();
    if mode == Attach::Replace || !ids.is_empty() {
        tags_mentions::set_status_mentions(conn, status_id, &ids).await?;
    }
    if mode == Attach::Replace || !composed.hashtags.is_empty() {
        let tags = tags_mentions::upsert_tags(conn, &composed.hashtags).await?;
        let tag_ids: Vec<i64> = tags.iter().map(|t| t.id).collect();
        tags_mentions::set_status_tags(conn, status_id, &tag_ids).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_weigh_23() {
        let url = format!("https://example.com/{}", "a".repeat(100));
        assert_eq!(weighted_length(&format!("hi {url}")), 3 + 23);
        assert_eq!(weighted_length("@bob@far.example hi"), 4 + 1 + 2);
    }
}
