//! Editing one's profile (`PATCH /api/v1/accounts/update_credentials`).
use chrono::Utc;
use ferrodon_db::models::{Account, AccountChanges, User, UserChanges, Visibility};
use ferrodon_db::queries::{accounts, users};
use ferrodon_db::AsyncConnection;

use crate::entities::account::Field;
use crate::{AppState, Error, Result};

/// Most profile fields, as in Mastodon.
pub const MAX_FIELDS: usize = 4;

/// What may change; None leaves a value as it is.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct ProfileUpdate {
    pub display_name: Option<String>,
    pub note: Option<String>,
    pub locked: Option<bool>,
    pub bot: Option<bool>,
    pub discoverable: Option<bool>,
    pub indexable: Option<bool>,
    pub hide_collections: Option<bool>,
    /// Replaces all fields when Some.
    pub fields: Option<Vec<(String, String)>>,
    pub privacy: Option<String>,
    pub sensitive: Option<bool>,
    pub language: Option<String>,
}

/// Validates and applies a profile update.
pub async fn update_credentials(
    state: &AppState,
    user: &User,
    account: &Account,
    update: ProfileUpdate,
) -> Result<(User, Account)> {
    if let Some(name) = &update.display_name {
        if name.chars().count() > 30 {
            return Err(Error::validation(
                "Display name is too long (maximum is 30 characters)",
            ));
        }
    }
    if let Some(note) = &update.note {
        if note.chars().count() > 500 {
            return Err(Error::validation(
                "Note is too long (maximum is 500 characters)",
            ));
        }
    }
    if let Some(p) = &update.privacy {
        if Visibility::parse(p).is_none_or(|v| v == Visibility::Direct) {
            return Err(Error::validation("Privacy is not included in the list"));
        }
    }
    let fields = match &update.fields {
        None => None,
        Some(list) => {
            let kept: Vec<Field> = list
                .iter()
                .filter(|(n, v)| !(n.trim().is_empty() && v.trim().is_empty()))
                .map(|(n, v)| Field {
                    name: n.trim().to_owned(),
                    value: v.trim().to_owned(),
                    verified_at: None,
                })
                .collect();
            if kept.len() > MAX_FIELDS {
                return Err(Error::validation(format!(
                    "Fields is too long (maximum is {MAX_FIELDS})"
                )));
            }
            if kept
                .iter()
                .any(|f| f.name.chars().count() > 255 || f.value.chars().count() > 255)
            {
                return Err(Error::validation(
                    "Fields name or value is too long (maximum is 255 characters)",
                ));
            }
            Some(
                serde_json::to_value(kept)
                    .map_err(|e| Error::caused("encoding profile fields", e))?,
            )
        }
    };
    let now = Utc::now();
    let mut conn = state.conn().await?;
    let updated = conn
        .transaction(async |conn| {
            let account = accounts::update_account(
                conn,
                account.id,
                &AccountChanges {
                    display_name: update.display_name.clone(),
                    note: update.note.clone(),
                    locked: update.locked,
                    bot: update.bot,
                    discoverable: update.discoverable,
                    indexable: update.indexable,
                    hide_collections: update.hide_collections,
                    fields: fields.clone(),
                    updated_at: Some(now),
                },
            )
            .await?;
            let user = users::update_user(
                conn,
                user.id,
                &UserChanges {
                    default_privacy: update.privacy.clone(),
                    default_sensitive: update.sensitive,
                    default_language: update
                        .language
                        .clone()
                        .map(|l| Some(l).filter(|l| !l.is_empty())),
                    updated_at: Some(now),
                    ..Default::default()
                },
            )
            .await?;
            Ok::<_, Error>((user, account))
        })
        .await?;
    drop(conn);
    announce_profile(state, &updated.1).await;
    Ok(updated)
}

/// Sends the changed actor to remote followers; the change itself is
/// saved whatever happens here (a failure is logged).
pub async fn announce_profile(state: &AppState, account: &Account) {
    if let Err(error) = crate::federation::outbox::federate_actor_update(state, account).await {
        tracing::warn!(%error, account_id = account.id, "could not queue the profile update for federation");
    }
}
