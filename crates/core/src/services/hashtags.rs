//! Hashtags named by users (to follow or feature), validated as Mastodon
//! validates tag names.
use ferrodon_db::models::Tag;
use ferrodon_db::queries::tags_mentions;
use ferrodon_db::Conn;

use crate::{Error, Result};

/// Longest tag name accepted.
const MAX_NAME: usize = 255;

/// `raw` without a leading `#`, if it is a valid hashtag name: word
/// characters (letters, digits, `_`, `·`) with at least one that is not a
/// digit.
pub fn valid_name(raw: &str) -> Option<&str> {
    let name = raw.trim().trim_start_matches('#');
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '·';
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME
        && name.chars().all(word)
        && name.chars().any(|c| !c.is_numeric());
    ok.then_some(name)
}

/// The tag named `raw`, created when new; 422 for an invalid name.
pub async fn find_or_create(conn: &mut Conn, raw: &str) -> Result<Tag> {
    let name = valid_name(raw).ok_or_else(|| Error::validation("Name is not a valid hashtag"))?;
    let mut found = tags_mentions::upsert_tags(conn, &[name.to_owned()]).await?;
    found
        .pop()
        .ok_or_else(|| Error::internal("tag upsert returned nothing"))
}

/// The tag named `raw`, created when new (as Mastodon answers for any
/// valid name, used or not); 404 for a name that cannot be a hashtag.
pub async fn find(conn: &mut Conn, raw: &str) -> Result<Tag> {
    valid_name(raw).ok_or(Error::NotFound)?;
    find_or_create(conn, raw).await
}

#[cfg(test)]
mod tests {
    use super::valid_name;

    #[test]
    fn names_follow_mastodons_rule() {
        assert_eq!(valid_name("#Rust"), Some("Rust"));
        assert_eq!(valid_name("日本語"), Some("日本語"));
        assert_eq!(valid_name("snake_case"), Some("snake_case"));
        assert_eq!(valid_name("2024"), None);
        assert_eq!(valid_name("two words"), None);
        assert_eq!(valid_name("#"), None);
        assert_eq!(valid_name("a-b"), None);
    }
}
