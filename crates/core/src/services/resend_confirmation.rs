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
