//! Running a [`MailJob`]: load what the e-mail needs, render, send.
//! Whatever has disappeared since the job was queued (the user, the
//! notification) is skipped, so a retried or duplicate job is harmless.
use ferrodon_db::models::{Account, User};
use ferrodon_db::queries::{accounts, moderation, notifications, statuses, users};

use super::templates::{self, Email, NotificationMail};
use super::{build_message, preferences, MailError, MailJob, Mailer};
use crate::auth::tokens::{digest, random_token};
use crate::{AppState, Error, Result};

/// Sends the e-mail `job` describes. Transient failures are errors (the job
/// is retried); a permanent refusal or a bad address is logged and dropped.
pub async fn deliver(state: &AppState, job: &MailJob) -> Result<()> {
    let email = match job {
        MailJob::Confirmation { user_id } => confirmation(state, *user_id).await?,
        MailJob::PasswordReset { user_id } => password_reset(state, *user_id).await?,
        MailJob::Notification { notification_id } => notification(state, *notification_id).await?,
        MailJob::Warning { warning_id } => warning(state, *warning_id).await?,
    };
    let Some(email) = email else {
        tracing::debug!(kind = job.kind(), "nothing to e-mail any more");
        return Ok(());
    };
    match send(state, &email).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_permanent() => {
            tracing::warn!(kind = job.kind(), to = %email.to, error = %e, "e-mail dropped");
            Ok(())
        }
        Err(e) => Err(Error::Unavailable(format!("e-mail: {e}"))),
    }
}

async fn send(state: &AppState, email: &Email) -> std::result::Result<(), MailError> {
    let mailer = Mailer::from_config(&state.config.smtp)?;
    let message = build_message(&state.config, email)?;
    mailer.send(&message, &email.to, &email.subject).await
}

/// The user and account, or None when they are gone.
async fn load_user(state: &AppState, user_id: i64) -> Result<Option<(User, Account)>> {
    let mut conn = state.conn().await?;
    match users::get_user_with_account(&mut conn, user_id).await {
        Ok(found) => Ok(Some(found)),
        Err(ferrodon_db::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn confirmation(state: &AppState, user_id: i64) -> Result<Option<Email>> {
    let Some((user, account)) = load_user(state, user_id).await? else {
        return Ok(None);
    };
    if user.confirmed_at.is_some() && user.unconfirmed_email.is_none() {
        return Ok(None);
    }
    let token = random_token();
    let mut conn = state.conn().await?;
    users::set_confirmation_token(&mut conn, user.id, &digest(&token)).await?;
    let to = user.unconfirmed_email.as_deref().unwrap_or(&user.email);
    let link = link(state, "/auth/confirmation", "confirmation_token", &token);
    Ok(Some(templates::confirmation(
        &state.config,
        &account.username,
        to,
        &link,
    )))
}

async fn password_reset(state: &AppState, user_id: i64) -> Result<Option<Email>> {
    let Some((user, account)) = load_user(state, user_id).await? else {
        return Ok(None);
    };
    if user.disabled || account.suspended_at.is_some() {
        return Ok(None);
    }
    let token = random_token();
    let mut conn = state.conn().await?;
    users::set_reset_password_token(&mut conn, user.id, &digest(&token)).await?;
    let link = link(state, "/auth/password/edit", "reset_password_token", &token);
    Ok(Some(templates::password_reset(
        &state.config,
        &account.username,
        &user.email,
        &link,
    )))
}

async fn notification(state: &AppState, notification_id: i64) -> Result<Option<Email>> {
    let mut conn = state.conn().await?;
    let note = match notifications::get_notification_by_id(&mut conn, notification_id).await {
        Ok(note) => note,
        Err(ferrodon_db::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    // Only local accounts have a user, and only they get e-mail.
    let user = match users::get_user_by_account_id(&mut conn, note.account_id).await {
        Ok(user) => user,
        Err(ferrodon_db::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let account = accounts::get_account_by_id(&mut conn, note.account_id).await?;
    if user.confirmed_at.is_none()
        || user.disabled
        || account.suspended_at.is_some()
        || !preferences::wants_notification_mail(&user, note.kind)
    {
        return Ok(None);
    }
    let from = match accounts::get_account_by_id(&mut conn, note.from_account_id).await {
        Ok(from) => from,
        Err(ferrodon_db::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let status = match note.status_id {
        Some(id) => match statuses::get_status_by_id(&mut conn, id).await {
            Ok(status) => Some(status),
            Err(ferrodon_db::Error::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let excerpt = status.as_ref().map(|s| {
        if s.spoiler_text.is_empty() {
            s.text.clone()
        } else {
            format!("Content warning: {}", s.spoiler_text)
        }
    });
    let link = match &status {
        Some(s) => s.url.clone().unwrap_or_else(|| s.uri.clone()),
        None => from.url.clone().unwrap_or_else(|| from.uri.clone()),
    };
    let from_handle = match &from.domain {
        Some(domain) => format!("@{}@{domain}", from.username),
        None => format!("@{}", from.username),
    };
    let from_name = if from.display_name.trim().is_empty() {
        from.username.clone()
    } else {
        from.display_name.clone()
    };
    Ok(templates::notification(
        &state.config,
        &NotificationMail {
            kind: note.kind,
            username: &account.username,
            to: &user.email,
            from_name: &from_name,
            from_handle: &from_handle,
            excerpt: excerpt.as_deref(),
            link: &link,
        },
    ))
}

async fn warning(state: &AppState, warning_id: i64) -> Result<Option<Email>> {
    let mut conn = state.conn().await?;
    let warning = match moderation::get_warning(&mut conn, warning_id).await {
        Ok(warning) => warning,
        Err(ferrodon_db::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let user = match users::get_user_by_account_id(&mut conn, warning.target_account_id).await {
        Ok(user) => user,
        Err(ferrodon_db::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let account = accounts::get_account_by_id(&mut conn, warning.target_account_id).await?;
    let link = format!("{}/@{}", state.config.base_url(), account.username);
    Ok(Some(templates::warning(
        &state.config,
        &templates::WarningMail {
            action: &warning.action,
            username: &account.username,
            to: &user.email,
            text: &warning.text,
            statuses: warning.status_ids.len(),
            link: &link,
        },
    )))
}

/// `BASE_URL + path ? name=token`.
fn link(state: &AppState, path: &str, name: &str, token: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair(name, token)
        .finish();
    format!("{}{path}?{query}", state.config.base_url())
}
