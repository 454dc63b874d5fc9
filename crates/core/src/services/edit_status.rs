//! Editing a status (`PUT /api/v1/statuses/:id`), keeping every revision.
use chrono::Utc;
use ferrodon_db::models::{Account, NewNotification, NewStatusEdit, Notification, Status};
use ferrodon_db::queries::statuses::{self, StatusContentChanges};
use ferrodon_db::queries::{media, quotes};
use ferrodon_db::{AccountId, StatusId};
use ferrodon_db::{AsyncConnection, Conn};

use super::compose::{attach, compose, validate_text, Attach};
use super::notify::notify;
use super::post_status::check_media;
use crate::media::upload::focus_meta;
use crate::{live, AppState, Error, Result};

/// The new content.
#[derive(Debug, Clone, Default)]
pub struct StatusEditInput {
    /// New source text.
    pub text: String,
    /// New content warning.
    pub spoiler_text: String,
    /// New sensitive flag (unchanged when None).
    pub sensitive: Option<bool>,
    /// New language (unchanged when None).
    pub language: Option<String>,
    /// New attachments in display order (unchanged when None).
    pub media_ids: Option<Vec<i64>>,
    /// New descriptions and focus points of attachments.
    pub media_attributes: Vec<MediaAttributes>,
}

/// `media_attributes[]` of an edit: what changes on one attachment.
#[derive(Debug, Clone, Default)]
pub struct MediaAttributes {
    /// The attachment.
    pub id: i64,
    /// New alt text (unchanged when None).
    pub description: Option<String>,
    /// New focus point `x,y` (unchanged when None).
    pub focus: Option<String>,
}

/// Longest attachment description, as Mastodon.
const MAX_DESCRIPTION: usize = 1500;

/// Edits the author's own status. The first edit also records the original.
pub async fn edit_status(
    state: &AppState,
    author: &Account,
    status_id: i64,
    input: StatusEditInput,
) -> Result<Status> {
    let config = state.config.clone();
    let has_media = input.media_ids.as_ref().is_some_and(|ids| !ids.is_empty());
    validate_text(&config, &input.text, &input.spoiler_text, has_media)?;
    if let Some(ids) = &input.media_ids {
        check_media(state, author, ids, None, Some(status_id)).await?;
    }
    let mut focus_points = Vec::new();
    for attributes in &input.media_attributes {
        if attributes
            .description
            .as_ref()
            .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
        {
            return Err(Error::validation(
                "Description is too long (maximum is 1500 characters)",
            ));
        }
        focus_points.push(focus_meta(attributes.focus.as_deref())?);
    }
    let mut conn = state.conn().await?;
    let (updated, notes) = conn
        .transaction(async |conn| {
            let status = statuses::get_status_by_id(conn, status_id).await?;
            if status.account_id != author.id || status.reblog_of_id.is_some() {
                return Err(Error::NotFound);
            }
            let existing = statuses::list_status_edits(conn, status.id).await?;
            if existing.is_empty() {
                statuses::put_status_edit(
                    conn,
                    &NewStatusEdit {
                        status_id: status.id,
                        account_id: author.id,
                        text: status.text.clone(),
                        content: status.content.clone(),
                        spoiler_text: status.spoiler_text.clone(),
                        sensitive: status.sensitive,
                        created_at: status.created_at,
                    },
                )
                .await?;
            }
            let composed = compose(conn, &config, &input.text).await?;
            let now = Utc::now();
            let sensitive =
                input.sensitive.unwrap_or(status.sensitive) || !input.spoiler_text.is_empty();
            let updated = statuses::update_status_content(
                conn,
                status.id,
                &StatusContentChanges {
                    text: input.text.clone(),
                    content: composed.content.clone(),
                    spoiler_text: input.spoiler_text.clone(),
                    sensitive,
                    language: input.language.clone().or(status.language.clone()),
                    edited_at: now,
                    updated_at: now,
                },
            )
            .await?;
            statuses::put_status_edit(
                conn,
                &NewStatusEdit {
                    status_id: status.id,
                    account_id: author.id,
                    text: updated.text.clone(),
                    content: updated.content.clone(),
                    spoiler_text: updated.spoiler_text.clone(),
                    sensitive: updated.sensitive,
                    created_at: now,
                },
            )
            .await?;
            attach(conn, status.id, &composed, Attach::Replace).await?;
            if let Some(ids) = &input.media_ids {
                if media::replace_status_media(
                    conn,
                    AccountId::new(author.id),
                    StatusId::new(status.id),
                    ids,
                )
                .await?
                    != ids.len()
                {
                    return Err(Error::validation("Media attachments could not be found"));
                }
            }
            for (attributes, focus) in input.media_attributes.iter().zip(&focus_points) {
                let Some(row) =
                    media::find_own_media(conn, AccountId::new(author.id), attributes.id)
                        .await?
                        .filter(|m| m.status_id == Some(status.id))
                else {
                    continue;
                };
                let description = attributes.description.clone().or(row.description.clone());
                let mut meta = row.meta.clone();
                if let (Some(focus), Some(object)) = (focus, meta.as_object_mut()) {
                    object.insert("focus".into(), focus.clone());
                }
                media::update_description_and_meta(conn, row.id, description.as_deref(), &meta)
                    .await?;
            }
            let notes = notify_quoters(conn, &updated).await?;
            Ok::<_, Error>((updated, notes))
        })
        .await?;
    drop(conn);
    live::status_edited(state, &updated).await;
    live::notifications_created(state, &notes).await;
    Ok(updated)
}

/// Tells the local authors of accepted quotes of an edited status
/// (Mastodon's `quoted_update` notification).
async fn notify_quoters(conn: &mut Conn, edited: &Status) -> Result<Vec<Notification>> {
    let mut notes = Vec::new();
    for quoter in quotes::list_local_quoting_account_ids(conn, edited.id).await? {
        if quoter == edited.account_id {
            continue;
        }
        let new = NewNotification {
            account_id: quoter,
            from_account_id: edited.account_id,
            kind: ferrodon_db::models::NotificationKind::QuotedUpdate,
            status_id: Some(edited.id),
        };
        notes.extend(notify(conn, &new).await?);
    }
    Ok(notes)
}
