//! Two-factor sign-in with an authenticator app (TOTP) and single-use
//! recovery codes: turning it on (a pending secret confirmed by a code),
//! off (with a code), and the second step of signing in. The secret is
//! stored encrypted (AES-256-GCM under a key derived from
//! `SECRET_KEY_BASE`); recovery codes only as digests. Neither is logged.
use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use aws_lc_rs::digest;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::Utc;
use deadpool_redis::redis;
use ferrodon_db::queries::two_factors;
use rand::RngCore;

use super::tokens::{digest as token_digest, random_token};
use super::totp;
use crate::{AppState, Error, Result};

/// How many recovery codes a user gets.
pub const RECOVERY_CODES: usize = 10;

/// How long the second sign-in step waits for a code.
pub const CHALLENGE_SECS: u64 = 300;

/// What the setup page shows while two-factor sign-in is being turned on.
#[derive(Debug, Clone)]
pub struct PendingSetup {
    /// The secret in base32, to type into an app.
    pub secret: String,
    /// The `otpauth://` URI with the secret.
    pub uri: String,
}

fn cipher(state: &AppState) -> Result<LessSafeKey> {
    let material = digest::digest(
        &digest::SHA256,
        format!(
            "ferrodon otp secret\0{}",
            state.config.secret_key_base.expose()
        )
        .as_bytes(),
    );
    let key = UnboundKey::new(&AES_256_GCM, material.as_ref())
        .map_err(|_| Error::Internal("otp key".into()))?;
    Ok(LessSafeKey::new(key))
}

fn encrypt(state: &AppState, secret: &[u8]) -> Result<String> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut nonce);
    let mut sealed = secret.to_vec();
    cipher(state)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::empty(),
            &mut sealed,
        )
        .map_err(|_| Error::Internal("otp secret encryption".into()))?;
    let mut stored = nonce.to_vec();
    stored.extend_from_slice(&sealed);
    Ok(STANDARD.encode(stored))
}

fn decrypt(state: &AppState, stored: &str) -> Result<Vec<u8>> {
    let fail = || Error::Internal("the stored two-factor secret cannot be read".into());
    let raw = STANDARD.decode(stored).map_err(|_| fail())?;
    if raw.len() <= NONCE_LEN {
        return Err(fail());
    }
    let (nonce, sealed) = raw.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| fail())?;
    let mut sealed = sealed.to_vec();
    let plain = cipher(state)?
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::empty(),
            &mut sealed,
        )
        .map_err(|_| fail())?;
    Ok(plain.to_vec())
}

fn now_step() -> u64 {
    totp::step_at(u64::try_from(Utc::now().timestamp()).unwrap_or_default())
}

/// Whether `user_id` signs in with a second factor.
pub async fn is_enabled(state: &AppState, user_id: i64) -> Result<bool> {
    let mut conn = state.conn().await?;
    Ok(two_factors::two_factor_enabled(&mut conn, user_id).await?)
}

/// Starts turning two-factor sign-in on: a new pending secret (replacing
/// an unconfirmed one). Fails when it is on already.
pub async fn begin_setup(
    state: &AppState,
    user_id: i64,
    account_label: &str,
) -> Result<PendingSetup> {
    if is_enabled(state, user_id).await? {
        return Err(Error::validation(
            "Two-factor authentication is already enabled",
        ));
    }
    let mut secret = [0u8; totp::SECRET_BYTES];
    rand::rng().fill_bytes(&mut secret);
    let mut conn = state.conn().await?;
    two_factors::put_pending_secret(&mut conn, user_id, &encrypt(state, &secret)?).await?;
    Ok(pending(state, &secret, account_label))
}

fn pending(state: &AppState, secret: &[u8], account_label: &str) -> PendingSetup {
    let base32 = totp::base32_encode(secret);
    PendingSetup {
        uri: totp::provisioning_uri(&base32, account_label, &state.config.local_domain),
        secret: base32,
    }
}

/// The setup in progress, if any (to show the secret again).
pub async fn pending_setup(
    state: &AppState,
    user_id: i64,
    account_label: &str,
) -> Result<Option<PendingSetup>> {
    let mut conn = state.conn().await?;
    match two_factors::find_two_factor(&mut conn, user_id).await? {
        Some(row) if row.enabled_at.is_none() => Ok(Some(pending(
            state,
            &decrypt(state, &row.otp_secret)?,
            account_label,
        ))),
        _ => Ok(None),
    }
}

/// Finishes turning it on with a code from the app; returns the recovery
/// codes (shown once; only their digests are kept).
pub async fn confirm_setup(state: &AppState, user_id: i64, code: &str) -> Result<Vec<String>> {
    let mut conn = state.conn().await?;
    let row = two_factors::find_two_factor(&mut conn, user_id)
        .await?
        .filter(|r| r.enabled_at.is_none())
        .ok_or_else(|| Error::validation("Start setting up two-factor authentication first"))?;
    let secret = decrypt(state, &row.otp_secret)?;
    let step = totp::matching_step(&secret, code, now_step(), 0)
        .ok_or_else(|| Error::validation("Two-factor code is invalid"))?;
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            random_token()
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(10)
                .collect::<String>()
                .to_lowercase()
        })
        .collect();
    let digests: Vec<String> = codes.iter().map(|c| token_digest(c)).collect();
    let step = i64::try_from(step).map_err(|_| Error::Internal("step".into()))?;
    if !two_factors::enable_two_factor(&mut conn, user_id, step, &digests).await? {
        return Err(Error::validation(
            "Two-factor authentication is already enabled",
        ));
    }
    Ok(codes)
}

/// Checks a code from the app, or spends a recovery code. Each TOTP code
/// works once.
pub async fn verify(state: &AppState, user_id: i64, code: &str) -> Result<bool> {
    let mut conn = state.conn().await?;
    let Some(row) = two_factors::find_two_factor(&mut conn, user_id)
        .await?
        .filter(|r| r.enabled_at.is_some())
    else {
        return Ok(false);
    };
    let code = code.trim();
    if code.len() == totp::DIGITS as usize {
        let secret = decrypt(state, &row.otp_secret)?;
        let last = u64::try_from(row.last_used_step).unwrap_or_default();
        return match totp::matching_step(&secret, code, now_step(), last) {
            Some(step) => {
                let step = i64::try_from(step).map_err(|_| Error::Internal("step".into()))?;
                Ok(two_factors::use_step(&mut conn, user_id, step).await?)
            }
            None => Ok(false),
        };
    }
    let recovery = code.to_lowercase();
    if recovery.is_empty() || recovery.len() > 64 {
        return Ok(false);
    }
    Ok(two_factors::use_recovery_code(&mut conn, user_id, &token_digest(&recovery)).await?)
}

/// Turns two-factor sign-in off, given a valid code (or recovery code).
pub async fn disable(state: &AppState, user_id: i64, code: &str) -> Result<()> {
    if !verify(state, user_id, code).await? {
        return Err(Error::validation("Two-factor code is invalid"));
    }
    let mut conn = state.conn().await?;
    two_factors::delete_two_factor(&mut conn, user_id).await?;
    Ok(())
}

/// Who is half-way through signing in, and where they go next.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Challenge {
    /// The user whose password was right.
    pub user_id: i64,
    /// Where to go after the code.
    pub return_to: Option<String>,
}

fn challenge_key(state: &AppState, secret: &str) -> String {
    state.redis_key(&format!("otp_challenge:{}", token_digest(secret)))
}

/// After the right password: a secret for a cookie that lets the browser
/// give its code within [`CHALLENGE_SECS`].
pub async fn start_challenge(state: &AppState, challenge: &Challenge) -> Result<String> {
    let secret = random_token();
    let value = serde_json::to_string(challenge)
        .map_err(|e| Error::caused("storing a sign-in challenge", e))?;
    let mut conn = state.redis().await?;
    let _: () = redis::cmd("SET")
        .arg(challenge_key(state, &secret))
        .arg(value)
        .arg("EX")
        .arg(CHALLENGE_SECS)
        .query_async(&mut *conn)
        .await?;
    Ok(secret)
}

/// The challenge a cookie secret stands for, if still open.
pub async fn find_challenge(state: &AppState, secret: &str) -> Result<Option<Challenge>> {
    if secret.is_empty() || secret.len() > 100 {
        return Ok(None);
    }
    let mut conn = state.redis().await?;
    let value: Option<String> = redis::cmd("GET")
        .arg(challenge_key(state, secret))
        .query_async(&mut *conn)
        .await?;
    Ok(value.and_then(|v| serde_json::from_str(&v).ok()))
}

/// Closes a challenge (signed in, or given up).
pub async fn end_challenge(state: &AppState, secret: &str) -> Result<()> {
    let mut conn = state.redis().await?;
    let _: () = redis::cmd("DEL")
        .arg(challenge_key(state, secret))
        .query_async(&mut *conn)
        .await?;
    Ok(())
}
