//! Who may act on whom: a staff member acts on an account only when their
//! role outranks the account owner's (Owner > Admin > Moderator > User),
//! as Mastodon's account and user policies require for warnings,
//! disabling, sensitive marks, limits and suspensions. Both roles are read
//! from the database here, so no caller (admin API, admin pages) can pass
//! a wrong one.
use crate::auth::roles::{self, Role};
use crate::db::models::Account;
use crate::db::queries::moderation;
use crate::db::Conn;
use crate::{Error, Result};

/// 403 "This action is not allowed" unless `moderator`'s role outranks
/// `target`'s; remote accounts have no role and may always be acted on.
pub async fn ensure_outranks(conn: &mut Conn, moderator: &Account, target: &Account) -> Result<()> {
    let (_, moderator_user) = moderation::get_account_with_user(conn, moderator.id).await?;
    let (_, target_user) = moderation::get_account_with_user(conn, target.id).await?;
    let moderator_role = moderator_user.as_ref().map_or(Role::User, |u| u.role);
    let target_role = target_user.as_ref().map(|u| u.role);
    if roles::overrides(moderator_role, target_role) {
        Ok(())
    } else {
        Err(Error::Forbidden("This action is not allowed".into()))
    }
}
