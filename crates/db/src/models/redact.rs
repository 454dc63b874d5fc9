//! `Debug` for rows that hold secrets (an actor's private key, a password
//! hash, token digests, a client secret): the secret columns print as
//! `[redacted]`, so a `{:?}` in a log line or a panic message never
//! carries them. Only columns that identify the row are printed.
use std::fmt;

use super::{
    Account, NewAccount, NewOAuthApplication, NewUser, OAuthApplication, User, UserChanges,
};

/// A column whose value is never printed, only whether it is set.
trait Redact {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl Redact for String {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T: Redact> Redact for Option<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            None => f.write_str("None"),
            Some(value) => {
                f.write_str("Some(")?;
                value.fmt_redacted(f)?;
                f.write_str(")")
            }
        }
    }
}

struct Redacted<'a, T>(&'a T);

impl<T: Redact> fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_redacted(f)
    }
}

/// `Debug` for `$row`: the `shown` columns, then the `hidden` ones redacted.
macro_rules! debug_without_secrets {
    ($row:ident { shown: $($shown:ident),*; hidden: $($hidden:ident),* }) => {
        impl fmt::Debug for $row {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($row))
                    $(.field(stringify!($shown), &self.$shown))*
                    $(.field(stringify!($hidden), &Redacted(&self.$hidden)))*
                    .finish_non_exhaustive()
            }
        }
    };
}

debug_without_secrets!(Account {
    shown: id, username, domain, uri;
    hidden: private_key
});
debug_without_secrets!(NewAccount {
    shown: username, domain, uri;
    hidden: private_key
});
debug_without_secrets!(User {
    shown: id, account_id, role;
    hidden: encrypted_password, confirmation_token_digest, reset_password_token_digest
});
debug_without_secrets!(NewUser {
    shown: account_id, role;
    hidden: encrypted_password, confirmation_token_digest
});
debug_without_secrets!(UserChanges {
    shown: role, approved, disabled;
    hidden: encrypted_password, confirmation_token_digest, reset_password_token_digest
});
debug_without_secrets!(OAuthApplication {
    shown: id, name, client_id;
    hidden: client_secret
});
debug_without_secrets!(NewOAuthApplication {
    shown: name, client_id;
    hidden: client_secret
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let account = NewAccount {
            username: "alice".into(),
            domain: None,
            display_name: String::new(),
            note: String::new(),
            locked: false,
            bot: false,
            uri: "https://example.com/users/alice".into(),
            url: None,
            inbox_url: String::new(),
            shared_inbox_url: String::new(),
            outbox_url: String::new(),
            followers_url: String::new(),
            public_key: String::new(),
            private_key: Some("-----BEGIN PRIVATE KEY-----hunter2".into()),
        };
        let printed = format!("{account:?}");
        assert!(printed.contains("alice"), "{printed}");
        assert!(
            printed.contains("private_key: Some([redacted])"),
            "{printed}"
        );
        assert!(!printed.contains("hunter2"), "{printed}");

        let changes = UserChanges {
            encrypted_password: Some("$argon2id$hunter2".into()),
            reset_password_token_digest: Some(Some("hunter2".into())),
            confirmation_token_digest: Some(None),
            ..Default::default()
        };
        let printed = format!("{changes:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(
            printed.contains("confirmation_token_digest: Some(None)"),
            "{printed}"
        );

        let app = NewOAuthApplication {
            name: "app".into(),
            client_id: "id".into(),
            client_secret: "hunter2".into(),
            redirect_uri: String::new(),
            scopes: String::new(),
            website: None,
        };
        assert!(!format!("{app:?}").contains("hunter2"));
    }
}
