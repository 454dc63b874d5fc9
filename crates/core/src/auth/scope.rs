//! One OAuth scope, as Mastodon's `config/initializers/doorkeeper.rb`
//! defines them. Handlers name the scope they need as a `Scope`, so a typo
//! is a compile error rather than a scope no token can ever grant.
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A scope name that Mastodon does not define.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The requested scope is invalid, unknown, or malformed: {0}")]
pub struct UnknownScope(pub String);

macro_rules! scopes {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)+) => {
        /// Every scope a client may ask for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Scope {
            $($(#[$doc])* $variant,)+
        }

        impl Scope {
            /// Every scope, in the order the discovery document lists them.
            pub const ALL: &'static [Scope] = &[$(Scope::$variant,)+];

            /// The scope's name in OAuth requests and stored tokens.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Scope::$variant => $name,)+
                }
            }
        }

        impl FromStr for Scope {
            type Err = UnknownScope;

            fn from_str(raw: &str) -> Result<Self, UnknownScope> {
                match raw {
                    $($name => Ok(Scope::$variant),)+
                    other => Err(UnknownScope(other.to_owned())),
                }
            }
        }
    };
}

scopes! {
    /// `read`: every `read:*` scope.
    Read => "read",
    /// `write`: every `write:*` scope.
    Write => "write",
    /// `follow`: the block, follow and mute read/write scopes.
    Follow => "follow",
    /// `push`: Web Push subscriptions.
    Push => "push",
    /// `profile`: the signed-in account's own profile only.
    Profile => "profile",
    /// `read:accounts`
    ReadAccounts => "read:accounts",
    /// `read:blocks`
    ReadBlocks => "read:blocks",
    /// `read:bookmarks`
    ReadBookmarks => "read:bookmarks",
    /// `read:favourites`
    ReadFavourites => "read:favourites",
    /// `read:filters`
    ReadFilters => "read:filters",
    /// `read:follows`
    ReadFollows => "read:follows",
    /// `read:lists`
    ReadLists => "read:lists",
    /// `read:mutes`
    ReadMutes => "read:mutes",
    /// `read:notifications`
    ReadNotifications => "read:notifications",
    /// `read:search`
    ReadSearch => "read:search",
    /// `read:statuses`
    ReadStatuses => "read:statuses",
    /// `write:accounts`
    WriteAccounts => "write:accounts",
    /// `write:blocks`
    WriteBlocks => "write:blocks",
    /// `write:bookmarks`
    WriteBookmarks => "write:bookmarks",
    /// `write:conversations`
    WriteConversations => "write:conversations",
    /// `write:favourites`
    WriteFavourites => "write:favourites",
    /// `write:filters`
    WriteFilters => "write:filters",
    /// `write:follows`
    WriteFollows => "write:follows",
    /// `write:lists`
    WriteLists => "write:lists",
    /// `write:media`
    WriteMedia => "write:media",
    /// `write:mutes`
    WriteMutes => "write:mutes",
    /// `write:notifications`
    WriteNotifications => "write:notifications",
    /// `write:reports`
    WriteReports => "write:reports",
    /// `write:statuses`
    WriteStatuses => "write:statuses",
    /// `admin:read`: every `admin:read:*` scope.
    AdminRead => "admin:read",
    /// `admin:write`: every `admin:write:*` scope.
    AdminWrite => "admin:write",
    /// `admin:read:accounts`
    AdminReadAccounts => "admin:read:accounts",
    /// `admin:read:reports`
    AdminReadReports => "admin:read:reports",
    /// `admin:read:domain_allows`
    AdminReadDomainAllows => "admin:read:domain_allows",
    /// `admin:read:domain_blocks`
    AdminReadDomainBlocks => "admin:read:domain_blocks",
    /// `admin:read:ip_blocks`
    AdminReadIpBlocks => "admin:read:ip_blocks",
    /// `admin:read:email_domain_blocks`
    AdminReadEmailDomainBlocks => "admin:read:email_domain_blocks",
    /// `admin:read:canonical_email_blocks`
    AdminReadCanonicalEmailBlocks => "admin:read:canonical_email_blocks",
    /// `admin:write:accounts`
    AdminWriteAccounts => "admin:write:accounts",
    /// `admin:write:reports`
    AdminWriteReports => "admin:write:reports",
    /// `admin:write:domain_allows`
    AdminWriteDomainAllows => "admin:write:domain_allows",
    /// `admin:write:domain_blocks`
    AdminWriteDomainBlocks => "admin:write:domain_blocks",
    /// `admin:write:ip_blocks`
    AdminWriteIpBlocks => "admin:write:ip_blocks",
    /// `admin:write:email_domain_blocks`
    AdminWriteEmailDomainBlocks => "admin:write:email_domain_blocks",
    /// `admin:write:canonical_email_blocks`
    AdminWriteCanonicalEmailBlocks => "admin:write:canonical_email_blocks",
}

impl Scope {
    /// The scope that grants this one: `read` for `read:statuses`,
    /// `admin:read` for `admin:read:accounts`; None for a top-level scope.
    pub fn parent(self) -> Option<Scope> {
        let (parent, _leaf) = self.as_str().rsplit_once(':')?;
        parent.parse().ok()
    }

    /// True for the scopes `follow` grants besides itself, as in Mastodon.
    pub fn granted_by_follow(self) -> bool {
        matches!(
            self,
            Scope::ReadBlocks
                | Scope::WriteBlocks
                | Scope::ReadFollows
                | Scope::WriteFollows
                | Scope::ReadMutes
                | Scope::WriteMutes
        )
    }
}

/// Scopes order by name, so a set of them prints as the sorted names.
impl Ord for Scope {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Scope {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_round_trips_through_its_name() {
        for scope in Scope::ALL {
            assert_eq!(scope.as_str().parse::<Scope>(), Ok(*scope));
            assert_eq!(scope.to_string(), scope.as_str());
        }
    }

    #[test]
    fn names_are_distinct_and_mastodons() {
        let mut names: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names.len(), 45);
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 45);
    }

    #[test]
    fn unknown_names_are_refused() {
        for raw in [
            "",
            "admin",
            "read:",
            "Read",
            "read:everything",
            "admin:everything",
        ] {
            assert_eq!(raw.parse::<Scope>(), Err(UnknownScope(raw.to_owned())));
        }
    }

    #[test]
    fn parents() {
        assert_eq!(Scope::ReadStatuses.parent(), Some(Scope::Read));
        assert_eq!(Scope::WriteMedia.parent(), Some(Scope::Write));
        assert_eq!(Scope::AdminReadAccounts.parent(), Some(Scope::AdminRead));
        assert_eq!(Scope::AdminWriteIpBlocks.parent(), Some(Scope::AdminWrite));
        for top in [
            Scope::Read,
            Scope::Write,
            Scope::Follow,
            Scope::Push,
            Scope::Profile,
        ] {
            assert_eq!(top.parent(), None);
        }
        // `admin` is no scope: the admin umbrellas have no parent.
        assert_eq!(Scope::AdminRead.parent(), None);
        assert_eq!(Scope::AdminWrite.parent(), None);
    }
}
