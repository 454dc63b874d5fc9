//! Outgoing e-mail settings, in Mastodon's `SMTP_*` names.
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use super::{ConfigError, Env, Secret};

/// How the SMTP client authenticates (SMTP_AUTH_METHOD).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpAuthMethod {
    /// AUTH PLAIN (Mastodon's default).
    Plain,
    /// AUTH LOGIN.
    Login,
    /// No authentication, even when a login is set.
    None,
}

/// Whether the SMTP client upgrades a plain connection (SMTP_ENABLE_STARTTLS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartTls {
    /// STARTTLS when the server offers it.
    Auto,
    /// STARTTLS or fail.
    Always,
    /// Never: plain text (only for a relay on loopback or a trusted network).
    Never,
}

/// Where and how e-mail is sent.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    /// SMTP_SERVER: relay host; unset means e-mails are written to [`SmtpConfig::mail_dir`].
    pub server: Option<String>,
    /// SMTP_PORT (default 587).
    pub port: u16,
    /// SMTP_LOGIN.
    pub login: Option<String>,
    /// SMTP_PASSWORD.
    pub password: Option<Secret>,
    /// SMTP_FROM_ADDRESS (default `notifications@LOCAL_DOMAIN`, port removed).
    pub from_address: String,
    /// SMTP_DOMAIN: the name sent in EHLO (default: this host's name).
    pub helo_domain: Option<String>,
    /// SMTP_AUTH_METHOD: plain, login or none (default plain).
    pub auth_method: SmtpAuthMethod,
    /// SMTP_ENABLE_STARTTLS: auto, always or never (default auto).
    pub starttls: StartTls,
    /// SMTP_TLS or SMTP_SSL: implicit TLS from the first byte (port 465).
    pub implicit_tls: bool,
    /// SMTP_OPENSSL_VERIFY_MODE: `peer` verifies the server's certificate (default), `none` does not.
    pub verify_peer: bool,
    /// FERRODON_SMTP_TIMEOUT: limit for connecting and for each SMTP command (default 10s).
    pub timeout: Duration,
    /// FERRODON_MAIL_DIR: where `.eml` files go when SMTP_SERVER is unset (default `tmp/mails`).
    pub mail_dir: PathBuf,
}

impl SmtpConfig {
    pub(super) fn from_env(env: &Env, local_domain: &str) -> Result<Self, ConfigError> {
        let implicit_tls = env.flag("SMTP_TLS")? || env.flag("SMTP_SSL")?;
        let from_address = match env.get("SMTP_FROM_ADDRESS") {
            Some(from) => from.to_owned(),
            None => format!("notifications@{}", host_of(local_domain)),
        };
        lettre::message::Mailbox::from_str(&from_address).map_err(|e| ConfigError::Invalid {
            name: "SMTP_FROM_ADDRESS",
            reason: format!("{from_address:?}: {e}"),
        })?;
        let password = env.get("SMTP_PASSWORD").map(Secret::new);
        Ok(SmtpConfig {
            server: env.get("SMTP_SERVER").map(str::to_owned),
            port: env.parse("SMTP_PORT", if implicit_tls { 465 } else { 587 })?,
            login: env.get("SMTP_LOGIN").map(str::to_owned),
            password,
            from_address,
            helo_domain: env.get("SMTP_DOMAIN").map(str::to_owned),
            auth_method: env.choice(
                "SMTP_AUTH_METHOD",
                &[
                    ("plain", SmtpAuthMethod::Plain),
                    ("login", SmtpAuthMethod::Login),
                    ("none", SmtpAuthMethod::None),
                ],
                SmtpAuthMethod::Plain,
            )?,
            starttls: env.choice(
                "SMTP_ENABLE_STARTTLS",
                &[
                    ("auto", StartTls::Auto),
                    ("always", StartTls::Always),
                    ("never", StartTls::Never),
                ],
                StartTls::Auto,
            )?,
            implicit_tls,
            verify_peer: env.choice(
                "SMTP_OPENSSL_VERIFY_MODE",
                &[("peer", true), ("none", false)],
                true,
            )?,
            timeout: env
                .duration("FERRODON_SMTP_TIMEOUT", Duration::from_secs(10))?
                .max(Duration::from_secs(1)),
            mail_dir: PathBuf::from(env.get("FERRODON_MAIL_DIR").unwrap_or("tmp/mails")),
        })
    }
}

/// `example.com` from `example.com:8080`.
fn host_of(domain: &str) -> &str {
    match domain.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => domain,
    }
}
