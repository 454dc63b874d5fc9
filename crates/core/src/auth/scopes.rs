//! Sets of OAuth scopes, as tokens, applications and requests carry them.
use std::collections::BTreeSet;
use std::fmt;

use super::scope::UnknownScope;
use super::Scope;
use crate::{Error, Result};

/// A validated set of scopes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScopeSet(BTreeSet<Scope>);

impl ScopeSet {
    /// Parses a space-, plus- or comma-separated scope string; empty means
    /// `read`. An unknown scope is refused.
    pub fn parse(raw: &str) -> Result<Self> {
        let mut set = BTreeSet::new();
        for name in raw.split([' ', '+', ',']).filter(|s| !s.is_empty()) {
            let scope: Scope = name
                .parse()
                .map_err(|e: UnknownScope| Error::BadRequest(e.to_string()))?;
            set.insert(scope);
        }
        if set.is_empty() {
            set.insert(Scope::Read);
        }
        Ok(ScopeSet(set))
    }

    /// True when this set grants `required` (e.g. `read:statuses` is granted by `read`;
    /// `follow` grants the follow-related read/write scopes, as in Mastodon).
    pub fn allows(&self, required: Scope) -> bool {
        self.0.contains(&required)
            || required.parent().is_some_and(|parent| self.allows(parent))
            || (required.granted_by_follow() && self.0.contains(&Scope::Follow))
    }

    /// True when this set grants any of `required`.
    pub fn allows_any(&self, required: &[Scope]) -> bool {
        required.iter().any(|r| self.allows(*r))
    }

    /// True when every scope in `self` is also in `other`.
    pub fn is_subset_of(&self, other: &ScopeSet) -> bool {
        self.0.iter().all(|s| other.allows(*s))
    }

    /// The scopes, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
}

impl FromIterator<Scope> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = Scope>>(scopes: I) -> Self {
        ScopeSet(scopes.into_iter().collect())
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joined: Vec<&str> = self.iter().map(Scope::as_str).collect();
        f.write_str(&joined.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(raw: &str) -> ScopeSet {
        ScopeSet::parse(raw).expect("valid scopes")
    }

    #[test]
    fn parent_scope_grants_children() {
        let s = set("read write:statuses");
        assert!(s.allows(Scope::ReadStatuses));
        assert!(s.allows(Scope::WriteStatuses));
        assert!(!s.allows(Scope::WriteFavourites));
        assert!(!s.allows(Scope::Write));
    }

    #[test]
    fn every_parent_grants_its_children_and_not_the_reverse() {
        for child in Scope::ALL {
            let Some(parent) = child.parent() else {
                continue;
            };
            let parent_set: ScopeSet = [parent].into_iter().collect();
            let child_set: ScopeSet = [*child].into_iter().collect();
            assert!(parent_set.allows(*child), "{parent} grants {child}");
            assert!(!child_set.allows(parent), "{child} does not grant {parent}");
        }
    }

    #[test]
    fn admin_umbrellas_grant_only_their_own_side() {
        let read = set("admin:read");
        assert!(read.allows(Scope::AdminReadAccounts));
        assert!(read.allows(Scope::AdminReadCanonicalEmailBlocks));
        assert!(!read.allows(Scope::AdminWriteAccounts));
        assert!(!read.allows(Scope::Read));
        assert!(!set("read write").allows(Scope::AdminRead));
        assert!(!set("read write").allows(Scope::AdminReadReports));
    }

    #[test]
    fn a_write_scope_grants_no_read() {
        let s = set("write:statuses");
        assert!(!s.allows(Scope::Read));
        assert!(!s.allows(Scope::ReadStatuses));
        assert!(!set("write").allows(Scope::ReadStatuses));
    }

    #[test]
    fn follow_grants_follow_scopes() {
        let s = set("follow");
        assert!(s.allows(Scope::WriteFollows));
        assert!(s.allows(Scope::ReadBlocks));
        assert!(!s.allows(Scope::WriteStatuses));
        assert!(!s.allows(Scope::Read));
    }

    #[test]
    fn unknown_scope_is_rejected_and_empty_is_read() {
        assert!(ScopeSet::parse("read admin:everything").is_err());
        assert!(ScopeSet::parse("admin").is_err());
        assert_eq!(set("").to_string(), "read");
        assert_eq!(set(" + ,").to_string(), "read");
    }

    #[test]
    fn separators_and_order() {
        assert_eq!(
            set("write:statuses+read,follow admin:read").to_string(),
            "admin:read follow read write:statuses"
        );
    }

    #[test]
    fn subset() {
        let app = set("read write follow");
        assert!(set("read:statuses write").is_subset_of(&app));
        assert!(!set("push").is_subset_of(&app));
    }
}
