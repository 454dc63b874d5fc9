//! Admin writes: one service per thing staff change, called alike by the
//! admin API, the admin pages and `ferrodonctl`. Each takes the [`Actor`],
//! checks the role permission (and, against accounts, the role hierarchy)
//! here, writes in one transaction with its audit-log entry
//! ([`audit::record`]), and answers a duplicate with one validation error
//! whatever the entry point.
use crate::auth::roles::{can, Permission};
use crate::db::models::{Account, User};
use crate::{Error, Result};

pub mod accounts;
pub mod audit;
pub mod canonical_email_blocks;
pub mod custom_emojis;
pub mod domain_allows;
pub mod domain_blocks;
pub mod email_domain_blocks;
pub mod ip_blocks;
pub mod relays;
pub mod reports;
pub mod rules;
pub mod trends;

/// Who takes an admin action.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    /// A signed-in staff member.
    Staff {
        /// Their account, recorded in the audit log.
        account: &'a Account,
        /// Their user's role (`Owner`, `Admin`, `Moderator`, …).
        role: &'a str,
    },
    /// The operator at the server's shell (`ferrodonctl`): may do
    /// everything, and is recorded in the audit log without an account
    /// ("the system").
    System,
}

impl<'a> Actor<'a> {
    /// The staff member signed in as `user` with `account`.
    pub fn staff(user: &'a User, account: &'a Account) -> Actor<'a> {
        Actor::Staff {
            account,
            role: &user.role,
        }
    }

    /// 403 "This action is not allowed" unless the actor's role grants
    /// `permission`.
    pub fn ensure(&self, permission: Permission) -> Result<()> {
        match self {
            Actor::System => Ok(()),
            Actor::Staff { role, .. } if can(role, permission) => Ok(()),
            Actor::Staff { .. } => Err(Error::Forbidden("This action is not allowed".into())),
        }
    }

    /// The actor's account id, as the audit log records it.
    pub fn account_id(&self) -> Option<i64> {
        match self {
            Actor::Staff { account, .. } => Some(account.id),
            Actor::System => None,
        }
    }

    /// The staff member's account, for actions only a person may take
    /// (a warning names who gave it); 403 for [`Actor::System`].
    pub fn account(&self) -> Result<&'a Account> {
        match self {
            Actor::Staff { account, .. } => Ok(account),
            Actor::System => Err(Error::Forbidden("This action needs a staff account".into())),
        }
    }
}

/// The validation error every entry point answers for a duplicate:
/// `{attribute} has already been taken`, as Mastodon words it.
pub fn taken(attribute: &str) -> Error {
    Error::validation(format!("{attribute} has already been taken"))
}

/// [`taken`] for a broken unique constraint (a concurrent duplicate);
/// other database errors as they are.
pub fn taken_on_conflict(attribute: &'static str) -> impl Fn(crate::db::Error) -> Error {
    move |err| match err {
        crate::db::Error::UniqueViolation { .. } => taken(attribute),
        other => other.into(),
    }
}
