//! `POST /api/v1/emails/confirmations`: the confirmation e-mail again,
//! optionally to a corrected address, for the application that signed the
//! user up.
use chrono::Utc;
use ferrodon_db::models::{User, UserChanges};
use ferrodon_db::queries::users;

use super::register_account::validate_email;
use crate::mail::{self, MailJob};
use crate::{AppState, Error, Result};

/// Queues a new confirmation e-mail, to `email` when given (it then awaits
/// confirmation in place of the current address).
pub async fn resend_confirmation(
    state: &AppState,
    user: &User,
    application_id: Option<i64>,
    email: Option<&str>,
) -> Result<()> {
    if application_id.is_none() || user.created_by_application_id != application_id {
        return Err(Error::Forbidden(
            "This method is only available to the application the user originally signed-up with"
                .into(),
        ));
    }
    if user.confirmed_at.is_some() && user.unconfirmed_email.is_none() {
        return Err(Error::Forbidden(
            "This method is only available while the e-mail is awaiting confirmation".into(),
        ));
    }
    if let Some(email) = email.map(str::trim) {
        validate_email(email)?;
        let same = email.eq_ignore_ascii_case(&user.email);
        let mut conn = state.conn().await?;
        if !same && users::email_taken(&mut conn, email).await? {
            return Err(Error::validation("Email has already been taken"));
        }
        let changes = if user.confirmed_at.is_none() {
            // Never confirmed: the corrected address simply replaces it.
            UserChanges {
                email: Some(email.to_owned()),
                unconfirmed_email: Some(None),
                ..Default::default()
            }
        } else {
            // Confirmed: the new address waits for its confirmation.
            UserChanges {
                unconfirmed_email: Some((!same).then(|| email.to_owned())),
                ..Default::default()
            }
        };
        users::update_user(
            &mut conn,
            user.id,
            &UserChanges {
                updated_at: Some(Utc::now()),
                ..changes
            },
        )
        .await?;
    }
    mail::queue(state, MailJob::Confirmation { user_id: user.id }).await
}

/// The confirmation e-mail again for whoever signed up with `email` and
/// has not confirmed it yet (the `/auth/confirmation/new` page). Says
/// nothing about whether such a user exists: the page shows the same
/// answer either way. Rate-limited per address like password resets.
pub async fn resend_confirmation_to_address(state: &AppState, email: &str) -> Result<()> {
    let email = email.trim();
    if validate_email(email).is_err() {
        return Ok(());
    }
    crate::rate_limit::check(
        state,
        &format!("confirmation:{}", email.to_lowercase()),
        5,
        3600,
    )
    .await?;
    let mut conn = state.conn().await?;
    let user = match users::get_user_by_email(&mut conn, email).await {
        Ok(user) => user,
        Err(ferrodon_db::Error::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if user.confirmed_at.is_some() && user.unconfirmed_email.is_none() {
        return Ok(());
    }
    mail::queue(state, MailJob::Confirmation { user_id: user.id }).await
}
