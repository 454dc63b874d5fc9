//! Translating a status (`POST /api/v1/statuses/:id/translate`), as
//! Mastodon's TranslateStatusService: content, content warning, poll
//! options and media descriptions in one call to the service.
use ferrodon_db::models::Visibility;
use ferrodon_db::queries::{media, polls};

use super::status_access::get_visible_status;
use crate::entities::translation::{
    TranslatedMedia, TranslatedOption, TranslatedPoll, Translation,
};
use crate::{translation, AppState, Error, Result};

/// Translates a status the viewer may see into `target` (a language
/// code). Refused (403, as Mastodon) when no service is configured, the
/// status is not public or unlisted, or it is already in `target`.
pub async fn translate_status(
    state: &AppState,
    viewer: i64,
    status_id: i64,
    target: &str,
) -> Result<Translation> {
    let mut conn = state.conn().await?;
    let mut status = get_visible_status(&mut conn, status_id, Some(viewer)).await?;
    if let Some(original) = status.reblog_of_id {
        status = get_visible_status(&mut conn, original, Some(viewer)).await?;
    }
    let source = status.language.clone().filter(|l| !l.is_empty());
    let translatable = translation::enabled(state)
        && matches!(
            status.visibility(),
            Visibility::Public | Visibility::Unlisted
        )
        && !status.content.is_empty()
        && source.as_deref().unwrap_or("und") != target;
    if !translatable {
        return Err(Error::Forbidden("This action is not allowed".into()));
    }
    let poll = polls::polls_of_statuses(&mut conn, &[status.id])
        .await?
        .into_iter()
        .next();
    let described: Vec<(i64, String)> = media::media_of_statuses(&mut conn, &[status.id])
        .await?
        .into_iter()
        .filter_map(|m| Some((m.id, m.description.filter(|d| !d.is_empty())?)))
        .collect();
    drop(conn);

    let mut texts = vec![status.content.clone()];
    let has_spoiler = !status.spoiler_text.is_empty();
    if has_spoiler {
        texts.push(status.spoiler_text.clone());
    }
    let options = poll.as_ref().map(|p| p.options.clone()).unwrap_or_default();
    texts.extend(options.iter().cloned());
    texts.extend(described.iter().map(|(_, d)| d.clone()));

    let translated = translation::translate(state, &texts, source.as_deref(), target).await?;
    let mut out = translated.texts.into_iter();
    let mut next = || out.next().unwrap_or_default();
    let content = next();
    let spoiler_text = if has_spoiler { next() } else { String::new() };
    let poll = poll.map(|p| TranslatedPoll {
        id: p.id.to_string(),
        options: options
            .iter()
            .map(|_| TranslatedOption { title: next() })
            .collect(),
    });
    let media_attachments = described
        .iter()
        .map(|(id, _)| TranslatedMedia {
            id: id.to_string(),
            description: next(),
        })
        .collect();
    Ok(Translation {
        detected_source_language: translated.detected_source_language,
        language: target.to_owned(),
        provider: translated.provider,
        content,
        spoiler_text,
        poll,
        media_attachments,
    })
}
