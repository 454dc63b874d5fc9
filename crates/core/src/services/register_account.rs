//! Creating a local account and its user (API sign-up and `ferrodonctl accounts create`).
use chrono::Utc;
use ferrodon_db::models::{Account, NewAccount, NewUser, Role, User};
use ferrodon_db::queries::{accounts, invites, users};
use ferrodon_db::AsyncConnection;

use super::instance_settings::{registrations_mode, RegistrationsMode};
use crate::auth::passwords::{hash_password, validate_password};
use crate::mail::{self, MailJob};
use crate::moderation::email_rules::{self, EmailVerdict};
use crate::moderation::ip_blocks::{self, Severity};
use crate::{urls, AppState, Error, Result};

/// Usernames nobody may register, as in Mastodon.
const RESERVED_USERNAMES: &[&str] = &[
    "admin",
    "support",
    "help",
    "root",
    "webmaster",
    "administrator",
    "mod",
    "moderator",
    "abuse",
    "postmaster",
    "hostmaster",
    "ferrodon",
    "mastodon",
    "instance",
    "actor",
];

/// What a new account needs.
#[derive(Debug, Clone)]
pub struct Registration {
    /// Letters, digits and underscores, at most 30.
    pub username: String,
    /// Sign-in e-mail address.
    pub email: String,
    /// Plain password (hashed here).
    pub password: String,
    /// The new user's role.
    pub role: Role,
    /// Skip e-mail confirmation.
    pub confirmed: bool,
    /// Approved at once regardless of the registrations mode.
    pub approved: bool,
    /// Interface locale.
    pub locale: String,
    /// Why they want to join (approval mode).
    pub reason: Option<String>,
    /// The application that signed the user up (API sign-up); only it may
    /// ask for the confirmation e-mail again.
    pub application_id: Option<i64>,
}

/// Where the request came from: the public API obeys registration rules, an admin does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `POST /api/v1/accounts`.
    Api,
    /// `ferrodonctl` or another admin path.
    Admin,
    /// The sign-up page with this invite's code: open even when
    /// registrations are closed, approved at once, one use of the invite.
    Invite(i64),
}

/// Validates a username.
pub fn validate_username(username: &str, origin: Origin) -> Result<()> {
    if username.is_empty() {
        return Err(Error::validation("Username can't be blank"));
    }
    if username.chars().count() > 30 {
        return Err(Error::validation(
            "Username is too long (maximum is 30 characters)",
        ));
    }
    if !username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(Error::validation(
            "Username must contain only letters, numbers and underscores",
        ));
    }
    if origin != Origin::Admin && RESERVED_USERNAMES.contains(&username.to_lowercase().as_str()) {
        return Err(Error::validation("Username is reserved"));
    }
    Ok(())
}

/// Validates an e-mail address's shape.
pub(crate) fn validate_email(email: &str) -> Result<()> {
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            // Mastodon accepts single-label domains such as admin@localhost.
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.contains(char::is_whitespace);
    if valid {
        Ok(())
    } else {
        Err(Error::validation("Email is invalid"))
    }
}

/// Creates the account and user in one transaction. An unconfirmed user
/// gets the confirmation e-mail, queued after the commit.
pub async fn register_account(
    state: &AppState,
    reg: Registration,
    origin: Origin,
) -> Result<(User, Account)> {
    register_account_from(state, reg, origin, None).await
}

/// What the staff's sign-up rules say about a public sign-up: refused
/// (an error), or whether the account must wait for approval.
async fn sign_up_rules(state: &AppState, email: &str, client_ip: Option<&str>) -> Result<bool> {
    let ip_rule = match client_ip {
        Some(ip) => ip_blocks::severity_for_text(state, ip).await?,
        None => None,
    };
    if ip_rule >= Some(Severity::SignUpBlock) {
        return Err(Error::Forbidden("This action is not allowed".into()));
    }
    let mut conn = state.conn().await?;
    let email_rule = email_rules::check_sign_up_email(&mut conn, email).await?;
    Ok(ip_rule == Some(Severity::SignUpRequiresApproval)
        || email_rule == EmailVerdict::RequiresApproval)
}

/// [`register_account`] for a sign-up from `client_ip`: a public sign-up
/// also obeys the IP blocks (`sign_up_block` refuses it,
/// `sign_up_requires_approval` makes it wait for approval) and the e-mail
/// domain and canonical e-mail blocks (422 with Mastodon's `details`).
pub async fn register_account_from(
    state: &AppState,
    reg: Registration,
    origin: Origin,
    client_ip: Option<&str>,
) -> Result<(User, Account)> {
    validate_username(&reg.username, origin)?;
    validate_email(&reg.email)?;
    validate_password(&reg.password)?;
    // An invite skips approval, not the blocks.
    let needs_approval = match origin {
        Origin::Api | Origin::Invite(_) => sign_up_rules(state, &reg.email, client_ip).await?,
        Origin::Admin => false,
    };
    let approved = match origin {
        Origin::Admin | Origin::Invite(_) => true,
        Origin::Api => match registrations_mode(state).await? {
            RegistrationsMode::Open => !needs_approval,
            RegistrationsMode::Approved => reg.approved && !needs_approval,
            RegistrationsMode::Closed => {
                return Err(Error::Forbidden(
                    "Registrations are closed on this server".into(),
                ));
            }
        },
    };
    let password = reg.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::caused("password hashing task", e))??;
    // The actor's RSA key pair for HTTP signatures, made off the async threads.
    let keys = tokio::task::spawn_blocking(ferrodon_apub::signatures::keys::generate_rsa_key_pair)
        .await
        .map_err(|e| Error::caused("key generation task", e))?
        .map_err(|e| Error::caused("key generation", e))?;
    // The development setting confirms public sign-ups: client test suites
    // use the token the sign-up returns at once.
    let confirmed = reg.confirmed || (origin == Origin::Api && state.config.dev_confirm_sign_ups);
    let config = state.config.clone();
    let mut conn = state.conn().await?;
    let result = conn
        .transaction(async |conn| {
            if let Origin::Invite(invite_id) = origin {
                if !invites::use_invite(conn, invite_id).await? {
                    return Err(Error::validation("This invite is no longer valid"));
                }
            }
            if users::email_taken(conn, &reg.email).await? {
                return Err(Error::validation("Email has already been taken"));
            }
            if accounts::get_account_by_acct(conn, &reg.username, None)
                .await
                .is_ok()
            {
                return Err(Error::validation("Username has already been taken"));
            }
            let account = accounts::put_account(
                conn,
                &NewAccount {
                    username: reg.username.clone(),
                    domain: None,
                    display_name: String::new(),
                    note: String::new(),
                    locked: false,
                    bot: false,
                    uri: urls::account_uri(&config, &reg.username),
                    url: Some(urls::account_url(&config, &reg.username)),
                    inbox_url: format!("{}/inbox", urls::account_uri(&config, &reg.username)),
                    shared_inbox_url: format!("{}/inbox", config.base_url()),
                    outbox_url: format!("{}/outbox", urls::account_uri(&config, &reg.username)),
                    followers_url: format!(
                        "{}/followers",
                        urls::account_uri(&config, &reg.username)
                    ),
                    public_key: keys.public_key_pem.clone(),
                    private_key: Some(keys.private_key_pem.clone()),
                },
            )
            .await?;
            let user = users::put_user(
                conn,
                &NewUser {
                    account_id: account.id,
                    email: reg.email.clone(),
                    encrypted_password: hash.clone(),
                    role: reg.role,
                    confirmed_at: confirmed.then(Utc::now),
                    approved,
                    locale: reg.locale.clone(),
                    sign_up_reason: reg.reason.clone(),
                    confirmation_token_digest: None,
                    confirmation_sent_at: None,
                    created_by_application_id: reg.application_id,
                },
            )
            .await?;
            Ok::<_, Error>((user, account))
        })
        .await;
    let (user, account) = match result {
        Err(Error::Validation(msg)) if msg.contains("duplicate record") => {
            return Err(Error::validation(
                "Username or email has already been taken",
            ))
        }
        other => other?,
    };
    if user.confirmed_at.is_none() {
        // The account exists either way; a lost job is made good by
        // POST /api/v1/emails/confirmations.
        if let Err(e) = mail::queue(state, MailJob::Confirmation { user_id: user.id }).await {
            tracing::warn!(error = %e, user_id = user.id, "could not queue the confirmation e-mail");
        }
    } else if !matches!(origin, Origin::Admin) {
        // Staff hear of a sign-up once its address is confirmed (here,
        // or in `confirm_email`); accounts staff make themselves are not news.
        super::staff_notifications::tell_staff_of_sign_up(state, account.id).await;
    }
    Ok((user, account))
}
