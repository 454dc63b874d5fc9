//! Media uploads (`/api/v1/media`, `/api/v2/media`), their alt text and
//! focus point, deletion, and `/media_proxy` for remote files not cached yet.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::models::{MediaAttachment, Processing};
use ferrodon_core::db::queries::media;
use ferrodon_core::db::AccountId;
use ferrodon_core::entities::media_attachment;
use ferrodon_core::media::public_url;
use ferrodon_core::media::remote::{self, CacheError};
use ferrodon_core::media::upload::{self, check_description, focus_meta, Upload, Wait};
use ferrodon_core::{AppState, Error};
use serde::Deserialize;

use super::path_id;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/media", on::post().to(create_v1))
        .route("/api/v2/media", on::post().to(create_v2))
        .route("/api/v1/media/{id}", on::get().to(show))
        .route("/api/v1/media/{id}", on::put().to(update))
        .route("/api/v1/media/{id}", on::delete().to(destroy))
        .route("/media_proxy/{id}/{style}", on::get().to(proxy));
}

fn upload_from(params: &mut Params) -> ApiResult<Upload> {
    let bytes = params
        .take_file("file")
        .ok_or_else(|| Error::validation("File can't be blank"))?;
    Ok(Upload {
        bytes,
        description: params.str("description"),
        focus: params.str("focus"),
        thumbnail: params.take_file("thumbnail"),
    })
}

/// v1 processes everything before answering: 200 with the attachment.
async fn create_v1(
    state: web::Data<AppState>,
    auth: Auth,
    mut params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteMedia])?;
    let (_, account) = auth.0.require_user()?;
    let upload = upload_from(&mut params)?;
    let row = upload::upload_media(&state, account, upload, Wait::UntilProcessed).await?;
    Ok(HttpResponse::Ok().json(media_attachment::render(&state.config, &row)))
}

/// v2 answers 200 when the file is ready (images) and 202 with a null
/// `url` while a worker processes it (video, audio, animated GIF).
async fn create_v2(
    state: web::Data<AppState>,
    auth: Auth,
    mut params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteMedia])?;
    let (_, account) = auth.0.require_user()?;
    let upload = upload_from(&mut params)?;
    let row = upload::upload_media(&state, account, upload, Wait::Queue).await?;
    let body = media_attachment::render(&state.config, &row);
    Ok(if media_attachment::is_ready(&row) {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::Accepted().json(body)
    })
}

/// The caller's own upload named in the path (404 for anyone else's).
async fn own_media(state: &AppState, auth: &Auth, path: &str) -> ApiResult<MediaAttachment> {
    auth.0.require_scope(&[Scope::WriteMedia])?;
    let (_, account) = auth.0.require_user()?;
    let id = path_id(path)?;
    let mut conn = state.conn().await?;
    Ok(
        media::find_own_media(&mut conn, AccountId::new(account.id), id)
            .await?
            .ok_or(Error::NotFound)?,
    )
}

/// 200 when processed, 206 while processing, 422 when processing failed.
async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let row = own_media(&state, &auth, &path).await?;
    respond(&state, &row)
}

fn respond(state: &AppState, row: &MediaAttachment) -> ApiResult<HttpResponse> {
    let body = media_attachment::render(&state.config, row);
    Ok(match row.processing_state() {
        Processing::Complete => HttpResponse::Ok().json(body),
        Processing::Queued | Processing::InProgress => HttpResponse::PartialContent().json(body),
        Processing::Failed => {
            return Err(Error::Validation(format!(
                "Processing failed: {}",
                row.processing_error.as_deref().unwrap_or("unknown error")
            ))
            .into())
        }
    })
}

/// Sets the alt text, focus point and thumbnail (video and audio);
/// allowed until the status is posted (and afterwards by its author, as
/// Mastodon does for edits).
async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    mut params: Params,
) -> ApiResult<HttpResponse> {
    let mut row = own_media(&state, &auth, &path).await?;
    if let Some(thumbnail) = params.take_file("thumbnail") {
        row = upload::replace_thumbnail(&state, &row, thumbnail).await?;
    }
    let id = row.id;
    let description = match params.get("description") {
        None => row.description.clone(),
        Some(_) => params.str("description"),
    };
    check_description(description.as_deref())?;
    let mut meta = row.meta.clone();
    if params.get("focus").is_some() {
        let focus = focus_meta(params.str("focus").as_deref())?;
        if let Some(obj) = meta.as_object_mut() {
            match focus {
                Some(focus) => obj.insert("focus".into(), focus),
                None => obj.remove("focus"),
            };
        }
    }
    let mut conn = state.conn().await?;
    let row =
        media::update_description_and_meta(&mut conn, id, description.as_deref(), &meta).await?;
    respond(&state, &row)
}

/// Deletes an upload not attached to a status (Mastodon 4.4).
async fn destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let row = own_media(&state, &auth, &path).await?;
    let id = row.id;
    if row.status_id.is_some() {
        return Err(
            Error::Validation("Media attachment is currently used by a status".into()).into(),
        );
    }
    let mut conn = state.conn().await?;
    media::delete_media(&mut conn, id).await?;
    drop(conn);
    for key in row.stored_keys() {
        if let Err(e) = state.media.delete(key).await {
            // The row is gone; the orphan sweep removes the file later.
            tracing::warn!(media_id = id, error = %e, "could not delete a media file");
        }
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({})))
}

#[derive(Deserialize)]
struct ProxyQuery {
    s: Option<String>,
}

/// Fetches a remote file into the cache if needed, then redirects to it.
async fn proxy(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<ProxyQuery>,
) -> ApiResult<HttpResponse> {
    let (raw_id, style) = path.into_inner();
    let id = path_id(&raw_id)?;
    let signed = query
        .s
        .as_deref()
        .is_some_and(|s| remote::verify_proxy_signature(&state.config, id, s));
    if !signed || !matches!(style.as_str(), "original" | "small") {
        return Err(Error::NotFound.into());
    }
    let row = match remote::fetch_into_cache(&state, id).await {
        Ok(Some(row)) => row,
        Ok(None) => return Err(Error::NotFound.into()),
        Err(CacheError::Permanent(reason)) => {
            tracing::info!(media_id = id, %reason, "media proxy could not fetch");
            return Err(Error::NotFound.into());
        }
        Err(CacheError::Transient(e)) => return Err(e.into()),
    };
    if row.remote_url.is_none() {
        return Err(Error::NotFound.into());
    }
    let key = match style.as_str() {
        "small" => row.small_key.as_ref().or(row.file_key.as_ref()),
        _ => row.file_key.as_ref(),
    }
    .ok_or(Error::NotFound)?;
    let mut conn = state.conn().await?;
    media::touch_accessed(&mut conn, id).await?;
    Ok(HttpResponse::Found()
        .insert_header(("Location", public_url(&state.config, key)))
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .finish())
}
