//! Staff roles, stored in `users.role` under the names the column's CHECK
//! constraint allows (`Owner`, `Admin`, `Moderator`, `User`).
use super::text_enum::text_enum;

text_enum! {
    /// A local user's role. Declared from lowest to highest, so the
    /// derived order is the hierarchy (Mastodon's role positions):
    /// `Role::Owner > Role::Admin > Role::Moderator > Role::User`.
    pub enum Role("role") {
        /// No staff powers.
        User => "User",
        /// Handles reports, users and hashtags.
        Moderator => "Moderator",
        /// Every permission.
        Admin => "Admin",
        /// Every permission, and outranks admins.
        Owner => "Owner",
    }
}

impl Role {
    /// The staff roles (every role but [`Role::User`]), lowest first.
    pub const STAFF: [Role; 3] = [Role::Moderator, Role::Admin, Role::Owner];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_keep_their_column_names_and_rank() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
        }
        assert!(Role::Owner > Role::Admin);
        assert!(Role::Admin > Role::Moderator);
        assert!(Role::Moderator > Role::User);
        assert_eq!(serde_json::to_string(&Role::Admin).unwrap(), r#""Admin""#);
        assert!("admin".parse::<Role>().is_err());
        assert_eq!(
            "Pope".parse::<Role>().unwrap_err().to_string(),
            "unknown role \"Pope\""
        );
    }
}
