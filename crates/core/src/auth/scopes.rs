//! OAuth scopes as Mastodon defines them, including the granular ones.
use std::collections::BTreeSet;
use std::fmt;

use crate::{Error, Result};

/// Every scope a client may ask for.
pub const KNOWN_SCOPES: &[&str] = &[
    "read",
    "write",
    "follow",
    "push",
    "profile",
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
    "admin:read",
    "admin:write",
    "admin:read:accounts",
    "admin:read:reports",
    "admin:read:domain_allows",
    "admin:read:domain_blocks",
    "admin:read:ip_blocks",
    "admin:read:email_domain_blocks",
    "admin:read:canonical_email_blocks",
    "admin:write:accounts",
    "admin:write:reports",
    "admin:write:domain_allows",
    "admin:write:domain_blocks",
    "admin:write:ip_blocks",
    "admin:write:email_domain_blocks",
    "admin:write:canonical_email_blocks",
];

/// A validated set of scopes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScopeSet(BTreeSet<String>);

impl ScopeSet {
    /// Parses a space- or plus-separated scope string; empty means `read`.
    pub fn parse(raw: &str) -> Result<Self> {
        let mut set = BTreeSet::new();
        for scope in raw.split([' ', '+', ',']).filter(|s| !s.is_empty()) {
            if !KNOWN_SCOPES.contains(&scope) {
                return Err(Error::BadRequest(format!(
                    "The requested scope is invalid, unknown, or malformed: {scope}"
                )));
            }
            set.insert(scope.to_owned());
        }
        if set.is_empty() {
            set.insert("read".to_owned());
        }
        Ok(ScopeSet(set))
    }

    /// True when this set grants `required` (e.g. `read:statuses` is granted by `read`;
    /// `follow` grants the follow-related read/write scopes, as in Mastodon).
    pub fn allows(&self, required: &str) -> bool {
        if self.0.contains(required) {
            return true;
        }
        let mut parts = required.rsplitn(2, ':');
        let _leaf = parts.next();
        if let Some(parent) = parts.next() {
            if self.allows(parent) {
                return true;
            }
        }
        self.0.contains("follow")
            && matches!(
                required,
                "read:blocks"
                    | "write:blocks"
                    | "read:follows"
                    | "write:follows"
                    | "read:mutes"
                    | "write:mutes"
            )
    }

    /// True when this set grants any of `required`.
    pub fn allows_any(&self, required: &[&str]) -> bool {
        required.iter().any(|r| self.allows(r))
    }

    /// True when every scope in `self` is also in `other`.
    pub fn is_subset_of(&self, other: &ScopeSet) -> bool {
        self.0.iter().all(|s| other.allows(s))
    }

    /// The scopes, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joined: Vec<&str> = self.iter().collect();
        f.write_str(&joined.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_scope_grants_children() {
        let s = ScopeSet::parse("read write:statuses").unwrap();
        assert!(s.allows("read:statuses"));
        assert!(s.allows("write:statuses"));
        assert!(!s.allows("write:favourites"));
        assert!(!s.allows("write"));
    }

    #[test]
    fn follow_grants_follow_scopes() {
        let s = ScopeSet::parse("follow").unwrap();
        assert!(s.allows("write:follows"));
        assert!(!s.allows("write:statuses"));
    }

    #[test]
    fn unknown_scope_is_rejected_and_empty_is_read() {
        assert!(ScopeSet::parse("read admin:everything").is_err());
        assert_eq!(ScopeSet::parse("").unwrap().to_string(), "read");
    }

    #[test]
    fn subset() {
        let app = ScopeSet::parse("read write follow").unwrap();
        assert!(ScopeSet::parse("read:statuses write")
            .unwrap()
            .is_subset_of(&app));
        assert!(!ScopeSet::parse("push").unwrap().is_subset_of(&app));
    }
}
