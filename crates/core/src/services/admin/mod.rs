//! Admin writes: one service per thing staff change, called alike by the
//! admin API, the admin pages and `ferrodonctl`. Each takes the [`Actor`],
//! checks the role permission (and, against accounts, the role hierarchy)
//! here, writes in one transaction with its audit-log entry
//! ([`audit::record`]), and answers a duplicate with one validation error
//! whatever the entry point.
use std::future::Future;

use ferrodon_db::AsyncConnection;

use crate::auth::roles::{can, Permission, Role};
use crate::db::models::{Account, User};
use crate::db::Conn;
use crate::{AppState, Error, Result};

use audit::{AuditAction, Target};

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
        /// Their user's role.
        role: Role,
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
            role: user.role,
        }
    }

    /// 403 "This action is not allowed" unless the actor's role grants
    /// `permission`.
    pub fn ensure(&self, permission: Permission) -> Result<()> {
        match self {
            Actor::System => Ok(()),
            Actor::Staff { role, .. } if can(*role, permission) => Ok(()),
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

/// A record the admin services delete alike: found by id (404 when
/// missing), removed, and named in the audit log.
trait Removable: Sized + Send + Sync {
    /// The permission deleting one needs.
    const PERMISSION: Permission;
    /// The record with `id`.
    fn find(conn: &mut Conn, id: i64) -> impl Future<Output = crate::db::Result<Self>> + Send;
    /// Deletes it.
    fn remove(&self, conn: &mut Conn) -> impl Future<Output = crate::db::Result<()>> + Send;
    /// How the audit log names it.
    fn target(&self) -> Target<'_>;
}

/// Deletes the record with `id` and records it, in one transaction.
async fn delete_audited<R: Removable>(state: &AppState, actor: Actor<'_>, id: i64) -> Result<R> {
    actor.ensure(R::PERMISSION)?;
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        let record = R::find(conn, id).await?;
        record.remove(conn).await?;
        audit::record(conn, actor, AuditAction::Destroy, record.target()).await?;
        Ok::<_, Error>(record)
    })
    .await
}
