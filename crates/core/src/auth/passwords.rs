//! Password hashing with argon2id; bcrypt hashes imported from Mastodon still verify.
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::{Error, Result};

/// Shortest password accepted, as in Mastodon.
pub const MIN_PASSWORD_LENGTH: usize = 8;
/// Longest password accepted, as in Mastodon (bounds hashing cost).
pub const MAX_PASSWORD_LENGTH: usize = 72;

/// Hashes a password into an argon2id PHC string.
pub fn hash_password(password: &str) -> Result<String> {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let salt = SaltString::encode_b64(&bytes)
        .map_err(|e| Error::Internal(format!("password salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

/// Checks a password against an argon2 PHC string or a bcrypt hash
/// (`$2a$`/`$2b$`/`$2y$`, as Mastodon's Devise stores them).
pub fn verify_password(password: &str, stored: &str) -> bool {
    if stored.starts_with("$2") {
        return bcrypt::verify(password, stored).unwrap_or(false);
    }
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// True when a stored hash is not argon2id (a bcrypt hash imported from
/// Mastodon): after a successful sign-in it is replaced by an argon2id one.
pub fn needs_rehash(stored: &str) -> bool {
    !stored.starts_with("$argon2id$")
}

/// What is wrong with a new password's length, if anything: Rails'
/// error code (`TOO_SHORT`, `TOO_LONG`) and its description.
pub fn password_length_problem(password: &str) -> Option<(&'static str, String)> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LENGTH {
        Some((
            "TOO_SHORT",
            format!("is too short (minimum is {MIN_PASSWORD_LENGTH} characters)"),
        ))
    } else if len > MAX_PASSWORD_LENGTH {
        Some((
            "TOO_LONG",
            format!("is too long (maximum is {MAX_PASSWORD_LENGTH} characters)"),
        ))
    } else {
        None
    }
}

/// Validates a new password's length.
pub fn validate_password(password: &str) -> Result<()> {
    match password_length_problem(password) {
        Some((_, description)) => Err(Error::validation(format!("Password {description}"))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2_round_trip() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
    }

    #[test]
    fn bcrypt_hashes_from_mastodon_verify() {
        let hash = bcrypt::hash("mastodonpass", 4).unwrap();
        assert!(verify_password("mastodonpass", &hash));
        assert!(!verify_password("other", &hash));
        assert!(needs_rehash(&hash));
        assert!(!needs_rehash(&hash_password("mastodonpass").unwrap()));
    }

    #[test]
    fn garbage_hash_never_verifies() {
        assert!(!verify_password("x", "not-a-hash"));
        assert!(!verify_password("", ""));
    }
}
