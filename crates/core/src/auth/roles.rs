//! Staff roles and what they may do, with Mastodon's permission bits (the
//! `permissions` string of a Role entity).
use crate::auth::{Authenticated, Scope};
pub use crate::db::models::Role;
use crate::db::models::{Account, User};
use crate::{Error, Result};

/// One of Mastodon's role permissions (named as in Mastodon's UserRole).
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Permission {
    /// Every permission.
    Administrator = 1,
    ViewAuditLog = 4,
    ViewDashboard = 8,
    ManageReports = 16,
    ManageFederation = 32,
    ManageSettings = 64,
    ManageBlocks = 128,
    ManageTaxonomies = 256,
    ManageUsers = 1024,
    ManageCustomEmojis = 16384,
    ManageUserAccess = 262_144,
    DeleteUserData = 524_288,
}

/// The permission bits of a role: Owner and Admin have all of them; a
/// Moderator views the dashboard and audit log and handles reports, users
/// and hashtags, as in Mastodon's default roles.
pub fn permission_bits(role: Role) -> u64 {
    match role {
        Role::Owner | Role::Admin => Permission::Administrator as u64,
        Role::Moderator => {
            Permission::ViewAuditLog as u64
                | Permission::ViewDashboard as u64
                | Permission::ManageReports as u64
                | Permission::ManageTaxonomies as u64
                | Permission::ManageUsers as u64
        }
        Role::User => 0,
    }
}

/// Whether `role` grants `permission`.
pub fn can(role: Role, permission: Permission) -> bool {
    let bits = permission_bits(role);
    bits & Permission::Administrator as u64 != 0 || bits & permission as u64 != 0
}

/// Whether a member of `actor_role` may act on someone holding
/// `target_role`: only a strictly higher role may (Mastodon's
/// `UserRole#overrides?`; [`Role`]'s order is the hierarchy); `None` (a
/// remote account, no user) always.
pub fn overrides(actor_role: Role, target_role: Option<Role>) -> bool {
    target_role.is_none_or(|target| actor_role > target)
}

/// Whether `user` holds any staff role (the moderation pages are theirs).
pub fn is_staff(user: &User) -> bool {
    permission_bits(user.role) != 0
}

/// Mastodon's Role entity of a user's role.
pub fn role_entity(role: Role) -> serde_json::Value {
    let id = match role {
        Role::Owner => "3",
        Role::Admin => "2",
        Role::Moderator => "1",
        Role::User => "-99",
    };
    serde_json::json!({
        "id": id,
        "name": if role == Role::User { "" } else { role.as_str() },
        "permissions": permission_bits(role).to_string(),
        "color": "",
        "highlighted": role != Role::User,
    })
}

/// The signed-in staff member, when the token has one of `scopes` and the
/// user's role grants `permission`; 403 otherwise, as Mastodon answers.
pub fn require_staff<'a>(
    auth: &'a Authenticated,
    scopes: &[Scope],
    permission: Permission,
) -> Result<&'a (User, Account)> {
    auth.require_scope(scopes)?;
    let user = auth.require_user()?;
    if can(user.0.role, permission) {
        Ok(user)
    } else {
        Err(Error::Forbidden("This action is not allowed".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moderators_handle_reports_but_not_federation() {
        assert!(can(Role::Moderator, Permission::ManageReports));
        assert!(can(Role::Moderator, Permission::ManageUsers));
        assert!(!can(Role::Moderator, Permission::ManageFederation));
        assert!(can(Role::Admin, Permission::ManageFederation));
        assert!(can(Role::Owner, Permission::DeleteUserData));
        assert!(!can(Role::User, Permission::ManageReports));
        assert_eq!(permission_bits(Role::Moderator), 1308);
    }

    #[test]
    fn only_a_higher_role_overrides() {
        use Role::{Admin, Moderator, Owner, User};
        assert!(overrides(Moderator, Some(User)));
        assert!(overrides(Moderator, None));
        assert!(!overrides(Moderator, Some(Moderator)));
        assert!(!overrides(Moderator, Some(Admin)));
        assert!(!overrides(Moderator, Some(Owner)));
        assert!(overrides(Admin, Some(Moderator)));
        assert!(!overrides(Admin, Some(Admin)));
        assert!(!overrides(Admin, Some(Owner)));
        assert!(overrides(Owner, Some(Admin)));
        assert!(!overrides(Owner, Some(Owner)));
    }

    #[test]
    fn role_entities_keep_mastodon_ids_and_names() {
        let user = role_entity(Role::User);
        assert_eq!(user["id"], "-99");
        assert_eq!(user["name"], "");
        assert_eq!(user["highlighted"], false);
        let admin = role_entity(Role::Admin);
        assert_eq!(admin["id"], "2");
        assert_eq!(admin["name"], "Admin");
        assert_eq!(admin["permissions"], "1");
    }
}
