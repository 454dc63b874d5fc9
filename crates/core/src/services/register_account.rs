//! Creating a local account and its user (API sign-up and `ferrodonctl accounts create`).
use chrono::Utc;
use ferrodon_db::models::{Account, NewAccount, NewUser, Role, User};
use ferrodon_db::queries::{accounts, invites, users};
use ferrodon_db::AsyncConnection;

use super::instance_settings::{registrations_mode, RegistrationsMode};
use crate::auth::passwords::{hash_password, password_length_problem};
use crate::error::{FieldError, FieldErrors};
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

/// The sign-up's fields: each parameter and its name in messages
/// (Mastodon's `activerecord.attributes`).
pub const USERNAME: (&str, &str) = ("username", "Username");
/// See [`USERNAME`].
pub const PASSWORD: (&str, &str) = ("password", "Password");
/// See [`USERNAME`].
pub const AGREEMENT: (&str, &str) = ("agreement", "Service agreement");
pub use crate::moderation::email_rules::EMAIL;

/// What is wrong with a username, if anything.
fn username_error(username: &str, origin: Origin) -> Option<FieldError> {
    let (code, description) = if username.is_empty() {
        ("BLANK", "can't be blank")
    } else if username.chars().count() > 30 {
        ("TOO_LONG", "is too long (maximum is 30 characters)")
    } else if !username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        (
            "INVALID",
            "must contain only letters, numbers and underscores",
        )
    } else if origin != Origin::Admin
        && RESERVED_USERNAMES.contains(&username.to_lowercase().as_str())
    {
        ("RESERVED", "is reserved")
    } else {
        return None;
    };
    Some(FieldError::new(USERNAME, code, description))
}

/// Validates a username.
pub fn validate_username(username: &str, origin: Origin) -> Result<()> {
    match username_error(username, origin) {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

/// What is wrong with an e-mail address's shape, if anything.
fn email_error(email: &str) -> Option<FieldError> {
    if email.is_empty() {
        Some(FieldError::new(EMAIL, "BLANK", "can't be blank"))
    } else if validate_email(email).is_err() {
        Some(FieldError::new(EMAIL, "INVALID", "is invalid"))
    } else {
        None
    }
}

/// What is wrong with a new password, if anything.
fn password_error(password: &str) -> Option<FieldError> {
    if password.is_empty() {
        return Some(FieldError::new(PASSWORD, "BLANK", "can't be blank"));
    }
    let (code, description) = password_length_problem(password)?;
    Some(FieldError::new(PASSWORD, code, description))
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

/// The IP rule for a public sign-up from `client_ip`: a `sign_up_block`
/// refuses it (403, before anything is validated, as Mastodon); whether it
/// must wait for approval.
async fn ip_rule(state: &AppState, client_ip: Option<&str>) -> Result<bool> {
    let ip_rule = match client_ip {
        Some(ip) => ip_blocks::severity_for_text(state, ip).await?,
        None => None,
    };
    if ip_rule >= Some(Severity::SignUpBlock) {
        return Err(Error::Forbidden("This action is not allowed".into()));
    }
    Ok(ip_rule == Some(Severity::SignUpRequiresApproval))
}

/// Every problem with the fields of a sign-up, as Mastodon's validations
/// find them all at once: shapes, the e-mail blocks (public sign-ups), and
/// an e-mail or username already taken. Whether the e-mail rules make the
/// account wait for approval.
async fn check_fields(
    state: &AppState,
    reg: &Registration,
    origin: Origin,
    errors: &mut FieldErrors,
) -> Result<bool> {
    let username = username_error(&reg.username, origin);
    let username_valid = username.is_none();
    let email = email_error(&reg.email);
    let email_valid = email.is_none();
    for problem in [username, email, password_error(&reg.password)]
        .into_iter()
        .flatten()
    {
        errors.push(problem);
    }
    let mut conn = state.conn().await?;
    let mut needs_approval = false;
    if email_valid && origin != Origin::Admin {
        match email_rules::check_sign_up_email(&mut conn, &reg.email).await {
            Ok(verdict) => needs_approval = verdict == EmailVerdict::RequiresApproval,
            Err(Error::FieldInvalid(found)) => errors.extend(found),
            Err(e) => return Err(e),
        }
    }
    if email_valid && !errors.has(EMAIL.0) && users::email_taken(&mut conn, &reg.email).await? {
        errors.push(taken(EMAIL));
    }
    if username_valid
        && accounts::get_account_by_acct(&mut conn, &reg.username, None)
            .await
            .is_ok()
    {
        errors.push(taken(USERNAME));
    }
    Ok(needs_approval)
}

fn taken(field: (&'static str, &'static str)) -> FieldError {
    FieldError::new(field, "TAKEN", "has already been taken")
}

/// [`register_account`] for a sign-up from `client_ip`: a public sign-up
/// also obeys the IP blocks (`sign_up_block` refuses it,
/// `sign_up_requires_approval` makes it wait for approval) and the e-mail
/// domain and canonical e-mail blocks. Invalid fields answer 422 with
/// Mastodon's `details`, all of them at once.
pub async fn register_account_from(
    state: &AppState,
    reg: Registration,
    origin: Origin,
    client_ip: Option<&str>,
) -> Result<(User, Account)> {
    register_account_checked(state, reg, origin, client_ip, FieldErrors::default()).await
}

/// [`register_account_from`] with the problems the caller found in its
/// own parameters (the API's `agreement`), reported with the others.
pub async fn register_account_checked(
    state: &AppState,
    reg: Registration,
    origin: Origin,
    client_ip: Option<&str>,
    mut errors: FieldErrors,
) -> Result<(User, Account)> {
    // Refusals come before validation, as Mastodon's sign-up does; an
    // invite skips approval, not the blocks.
    let mode = match origin {
        Origin::Api => registrations_mode(state).await?,
        Origin::Admin | Origin::Invite(_) => RegistrationsMode::Open,
    };
    if mode == RegistrationsMode::Closed {
        return Err(Error::Forbidden(
            "Registrations are closed on this server".into(),
        ));
    }
    let ip_approval = match origin {
        Origin::Api | Origin::Invite(_) => ip_rule(state, client_ip).await?,
        Origin::Admin => false,
    };
    let email_approval = check_fields(state, &reg, origin, &mut errors).await?;
    errors.into_result()?;
    let needs_approval = ip_approval || email_approval;
    let approved = match origin {
        Origin::Admin | Origin::Invite(_) => true,
        Origin::Api => match mode {
            RegistrationsMode::Approved => reg.approved && !needs_approval,
            _ => !needs_approval,
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
            // Checked above; again here, in case another sign-up took them.
            if users::email_taken(conn, &reg.email).await? {
                return Err(taken(EMAIL).into());
            }
            if accounts::get_account_by_acct(conn, &reg.username, None)
                .await
                .is_ok()
            {
                return Err(taken(USERNAME).into());
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
