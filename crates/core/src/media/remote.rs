//! The remote media cache: files of remote statuses are downloaded (on
//! ingest by a `CacheRemoteMedia` job, or lazily on first request through
//! `/media_proxy`), processed like uploads, and served from our storage
//! under `cache/`. Retention and the size cap live in [`super::cleanup`].
use std::time::Duration;

use aws_lc_rs::hmac;
use ferrodon_db::models::{MediaAttachment, NewMediaAttachment, Processing};
use ferrodon_db::queries::{accounts, media};
use ferrodon_db::Conn;
use ferrodon_media::image::ImageLimits;
use ferrodon_media::{sniff, Detected, ImageFormat, MediaError};

use super::{ffmpeg_limits, store_processed};
use crate::http_client::{fetch_limited, FetchError};
use crate::{AppState, Config, Error, Result};

/// How long one remote download may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(60);

/// What federation knows about a remote attachment.
#[derive(Debug, Clone, Default)]
pub struct RemoteAttachment {
    /// The file's URL on its server.
    pub url: String,
    /// Its preview, if the server gave one.
    pub preview_url: Option<String>,
    /// image, gifv, video, audio or unknown (from the declared media type).
    pub kind: String,
    /// Alt text.
    pub description: Option<String>,
    /// The sender's blurhash.
    pub blurhash: Option<String>,
}

/// Records a remote status's attachment; its files are fetched later.
pub async fn register(
    conn: &mut Conn,
    account_id: i64,
    status_id: i64,
    remote: &RemoteAttachment,
) -> Result<MediaAttachment> {
    let id = accounts::next_id(conn).await?;
    Ok(media::put_media(
        conn,
        &NewMediaAttachment {
            id,
            account_id,
            status_id: Some(status_id),
            kind: remote.kind.clone(),
            remote_url: Some(remote.url.clone()),
            preview_remote_url: remote.preview_url.clone(),
            description: remote.description.clone(),
            blurhash: remote.blurhash.clone(),
            meta: serde_json::json!({}),
            processing: Processing::Complete.as_i16(),
            upload_key: None,
        },
    )
    .await?)
}

/// Why a cached file could not be produced, as far as a caller cares.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// It will not work on retry: refused address, 404, unusable file.
    #[error("{0}")]
    Permanent(String),
    /// Worth another try later.
    #[error(transparent)]
    Transient(#[from] Error),
}

impl From<ferrodon_db::Error> for CacheError {
    fn from(err: ferrodon_db::Error) -> Self {
        CacheError::Transient(err.into())
    }
}

/// Ensures attachment `id`'s files are in the cache; returns the row.
/// Used by the `CacheRemoteMedia` job (permanent failures are logged and
/// dropped) and by the media proxy.
pub async fn cache_attachment(state: &AppState, id: i64) -> Result<Option<MediaAttachment>> {
    match fetch_into_cache(state, id).await {
        Ok(row) => Ok(row),
        Err(CacheError::Permanent(reason)) => {
            tracing::info!(media_id = id, %reason, "remote media not cached");
            Ok(None)
        }
        Err(CacheError::Transient(e)) => Err(e),
    }
}

/// Downloads and processes attachment `id` unless it is already cached.
pub async fn fetch_into_cache(
    state: &AppState,
    id: i64,
) -> std::result::Result<Option<MediaAttachment>, CacheError> {
    let mut conn = state.conn().await?;
    let Some(row) = media::find_media(&mut conn, id).await? else {
        return Ok(None);
    };
    drop(conn);
    let Some(remote_url) = row.remote_url.clone() else {
        return Ok(Some(row));
    };
    if row.file_key.is_some() {
        return Ok(Some(row));
    }
    if crate::domain_policy::block_for(state, &remote_url)
        .await?
        .is_some_and(|b| b.reject_media || b.is_suspend())
    {
        return Err(CacheError::Permanent(format!(
            "media from {remote_url} is rejected by a domain block"
        )));
    }
    let fetched = fetch_limited(
        &state.http,
        &remote_url,
        state.config.media.remote_max_bytes,
        FETCH_TIMEOUT,
    )
    .await
    .map_err(|e| match e {
        FetchError::Forbidden(_) | FetchError::TooLarge { .. } => {
            CacheError::Permanent(e.to_string())
        }
        FetchError::Status { status, .. } if (400..500).contains(&status) && status != 429 => {
            CacheError::Permanent(e.to_string())
        }
        other => CacheError::Transient(Error::Unavailable(other.to_string())),
    })?;
    let limits = ffmpeg_limits(&state.config);
    let image_limits = ImageLimits {
        max_pixels: state.config.media.max_image_pixels,
    };
    let bytes = fetched.bytes;
    let outcome = match sniff(&bytes) {
        Detected::Image(ImageFormat::Gif) if ferrodon_media::image::is_animated_gif(&bytes) => {
            ferrodon_media::ffmpeg::process_video(&bytes, &limits, &image_limits, true).await
        }
        Detected::Image(
            format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::Webp),
        ) => tokio::task::spawn_blocking(move || {
            ferrodon_media::image::process_image(&bytes, format, &image_limits)
        })
        .await
        .map_err(|e| Error::caused("image processing task", e))?,
        Detected::Video => {
            ferrodon_media::ffmpeg::process_video(&bytes, &limits, &image_limits, false).await
        }
        Detected::Audio => ferrodon_media::ffmpeg::process_audio(&bytes, &limits).await,
        Detected::Image(_) | Detected::Unknown => Err(MediaError::Unsupported(
            fetched.content_type.unwrap_or_else(|| "unknown".into()),
        )),
    };
    let processed = match outcome {
        Ok(p) => p,
        Err(e) if e.is_permanent() => return Err(CacheError::Permanent(e.to_string())),
        Err(e) => return Err(CacheError::Transient(Error::caused("media processing", e))),
    };
    let mut stored = store_processed(state, id, &processed, true).await?;
    if let (Some(focus), Some(meta)) = (row.meta.get("focus"), stored.meta.as_object_mut()) {
        meta.insert("focus".into(), focus.clone());
    }
    // Keep the sender's blurhash if we could not make one.
    if stored.blurhash.is_none() {
        stored.blurhash = row.blurhash.clone();
    }
    let mut conn = state.conn().await?;
    // Another process may have cached it meanwhile: keep theirs, drop ours.
    if let Some(current) = media::find_media(&mut conn, id).await? {
        if current.file_key.is_some() {
            drop(conn);
            for key in [stored.file_key.as_deref(), stored.small_key.as_deref()]
                .into_iter()
                .flatten()
            {
                let _ = state.media.delete(key).await;
            }
            return Ok(Some(current));
        }
    }
    media::set_cached(&mut conn, id, &stored).await?;
    Ok(media::find_media(&mut conn, id).await?)
}

fn proxy_key(config: &Config) -> hmac::Key {
    hmac::Key::new(
        hmac::HMAC_SHA256,
        config.secret_key_base.expose().as_bytes(),
    )
}

/// The signature that makes a media proxy URL unguessable: only someone
/// who was shown the status has it.
pub fn proxy_signature(config: &Config, id: i64) -> String {
    let tag = hmac::sign(&proxy_key(config), format!("media_proxy:{id}").as_bytes());
    tag.as_ref()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks a media proxy URL's signature.
pub fn verify_proxy_signature(config: &Config, id: i64, signature: &str) -> bool {
    let expected = proxy_signature(config, id);
    expected.len() == signature.len()
        && aws_lc_rs::constant_time::verify_slices_are_equal(
            expected.as_bytes(),
            signature.as_bytes(),
        )
        .is_ok()
}

/// `/media_proxy/ID/STYLE?s=SIG`: where clients load an uncached remote file.
pub fn proxy_url(config: &Config, id: i64, style: &str) -> String {
    format!(
        "{}/media_proxy/{id}/{style}?s={}",
        config.base_url(),
        proxy_signature(config, id)
    )
}
