//! Avatars and headers: local uploads (`PATCH /api/v1/accounts/update_credentials`),
//! cached copies of remote accounts' images, and their removal.
use chrono::Utc;
use ferrodon_db::models::{Account, AccountImages};
use ferrodon_db::queries::profile_images::{self, ProfileImage};
use ferrodon_db::AsyncConnection;
use ferrodon_media::image::ImageLimits;
use ferrodon_media::{sniff, Detected, ImageFormat};

use super::{ffmpeg_limits, keys, public_url};
use crate::{AppState, Error, Result};

/// Avatar box (Mastodon's `400x400#`).
pub const AVATAR_SIZE: (u32, u32) = (400, 400);
/// Header box (Mastodon's `1500x500#`).
pub const HEADER_SIZE: (u32, u32) = (1500, 500);

fn empty_images(account_id: i64) -> AccountImages {
    AccountImages {
        account_id,
        avatar_file_key: None,
        header_file_key: None,
        avatar_remote_url: None,
        header_remote_url: None,
        file_size: 0,
        cached_at: None,
        updated_at: Utc::now(),
    }
}

/// Decodes, crops and re-encodes an avatar or header (metadata dropped).
async fn process(
    state: &AppState,
    bytes: Vec<u8>,
    which: ProfileImage,
) -> Result<ferrodon_media::Encoded> {
    let label = match which {
        ProfileImage::Avatar => "Avatar",
        ProfileImage::Header => "Header",
    };
    if bytes.len() as u64 > state.config.media.max_image_bytes {
        return Err(Error::validation(format!(
            "{label} file size must be less than {} MB",
            state.config.media.max_image_bytes >> 20
        )));
    }
    let format = match sniff(&bytes) {
        Detected::Image(format) => format,
        _ => {
            return Err(Error::validation(format!(
                "{label} content type is not supported (JPEG, PNG, GIF or WebP)"
            )))
        }
    };
    let (bytes, format) = match format {
        ImageFormat::Avif | ImageFormat::Heic => (
            ferrodon_media::ffmpeg::convert_still_to_png(&bytes, &ffmpeg_limits(&state.config))
                .await?,
            ImageFormat::Png,
        ),
        other => (bytes, other),
    };
    let limits = ImageLimits {
        max_pixels: state.config.media.max_image_pixels,
    };
    let (width, height) = match which {
        ProfileImage::Avatar => AVATAR_SIZE,
        ProfileImage::Header => HEADER_SIZE,
    };
    tokio::task::spawn_blocking(move || {
        ferrodon_media::image::process_profile_image(&bytes, format, &limits, width, height)
    })
    .await
    .map_err(|e| Error::caused("image processing task", e))?
    .map_err(Error::from)
}

/// Replaces a local account's avatar or header with an uploaded image.
pub async fn set_local_image(
    state: &AppState,
    account: &Account,
    which: ProfileImage,
    bytes: Vec<u8>,
) -> Result<()> {
    let encoded = process(state, bytes, which).await?;
    let folder = match which {
        ProfileImage::Avatar => "avatars",
        ProfileImage::Header => "headers",
    };
    let key = keys::profile_key(account.id, folder, encoded.extension, false);
    let size = encoded.bytes.len() as i64;
    state
        .media
        .put(&key, encoded.bytes, encoded.content_type)
        .await?;
    let mut conn = state.conn().await?;
    let mut images = profile_images::find(&mut conn, account.id)
        .await?
        .unwrap_or_else(|| empty_images(account.id));
    let old = match which {
        ProfileImage::Avatar => images.avatar_file_key.replace(key.clone()),
        ProfileImage::Header => images.header_file_key.replace(key.clone()),
    };
    images.file_size = images.file_size.saturating_add(size);
    images.updated_at = Utc::now();
    let saved = conn
        .transaction(async |conn| {
            profile_images::save(conn, &images).await?;
            profile_images::set_url(
                conn,
                account.id,
                which,
                Some(&public_url(&state.config, &key)),
            )
            .await?;
            Ok::<_, ferrodon_db::Error>(())
        })
        .await;
    drop(conn);
    if let Err(e) = saved {
        let _ = state.media.delete(&key).await;
        return Err(e.into());
    }
    if let Some(old) = old {
        let old_size = state
            .media
            .get(&old)
            .await
            .ok()
            .flatten()
            .map_or(0, |b| b.len() as i64);
        state.media.delete(&old).await?;
        if old_size > 0 {
            let mut conn = state.conn().await?;
            if let Some(mut images) = profile_images::find(&mut conn, account.id).await? {
                images.file_size = (images.file_size - old_size).max(0);
                profile_images::save(&mut conn, &images).await?;
            }
        }
    }
    Ok(())
}

/// Removes a local account's avatar or header (back to the default image).
pub async fn remove_local_image(
    state: &AppState,
    account: &Account,
    which: ProfileImage,
) -> Result<()> {
    let mut conn = state.conn().await?;
    profile_images::set_url(&mut conn, account.id, which, None).await?;
    let Some(mut images) = profile_images::find(&mut conn, account.id).await? else {
        return Ok(());
    };
    let old = match which {
        ProfileImage::Avatar => images.avatar_file_key.take(),
        ProfileImage::Header => images.header_file_key.take(),
    };
    if images.avatar_file_key.is_none() && images.header_file_key.is_none() {
        images.file_size = 0;
    }
    images.updated_at = Utc::now();
    profile_images::save(&mut conn, &images).await?;
    drop(conn);
    if let Some(old) = old {
        state.media.delete(&old).await?;
    }
    Ok(())
}

/// Drops a remote account's cached images; clients see the default images
/// until the account is next refreshed.
pub async fn uncache(state: &AppState, images: &AccountImages) -> Result<()> {
    for key in [&images.avatar_file_key, &images.header_file_key]
        .into_iter()
        .flatten()
    {
        state.media.delete(key).await?;
    }
    let mut cleared = images.clone();
    cleared.avatar_file_key = None;
    cleared.header_file_key = None;
    cleared.file_size = 0;
    cleared.cached_at = None;
    cleared.updated_at = Utc::now();
    let mut conn = state.conn().await?;
    profile_images::save(&mut conn, &cleared).await?;
    profile_images::set_url(&mut conn, images.account_id, ProfileImage::Avatar, None).await?;
    profile_images::set_url(&mut conn, images.account_id, ProfileImage::Header, None).await?;
    Ok(())
}

/// Removes cached remote profile images cached before `cutoff`.
pub async fn remove_cached_before(
    state: &AppState,
    cutoff: chrono::DateTime<Utc>,
) -> Result<usize> {
    let mut removed = 0;
    loop {
        let mut conn = state.conn().await?;
        let batch = profile_images::cached_oldest_first(&mut conn, Some(cutoff), 200).await?;
        drop(conn);
        if batch.is_empty() {
            return Ok(removed);
        }
        for images in &batch {
            uncache(state, images).await?;
            removed += 1;
        }
    }
}

/// Downloads a remote account's avatar and header (from the URLs its actor
/// document gives; `None` clears that image) into the cache and points the
/// account at the cached copies. A file that cannot be used leaves the
/// default image; an unreachable server is an error worth a retry.
pub async fn cache_remote_images(
    state: &AppState,
    account_id: i64,
    avatar_remote_url: Option<String>,
    header_remote_url: Option<String>,
) -> Result<()> {
    let mut conn = state.conn().await?;
    let previous = profile_images::find(&mut conn, account_id).await?;
    drop(conn);
    let mut images = previous.clone().unwrap_or_else(|| empty_images(account_id));
    let mut stale = Vec::new();
    let mut urls = Vec::new();
    for (which, remote) in [
        (ProfileImage::Avatar, avatar_remote_url),
        (ProfileImage::Header, header_remote_url),
    ] {
        let (key_slot, url_slot) = match which {
            ProfileImage::Avatar => (&mut images.avatar_file_key, &mut images.avatar_remote_url),
            ProfileImage::Header => (&mut images.header_file_key, &mut images.header_remote_url),
        };
        if remote.is_some() && *url_slot == remote && key_slot.is_some() {
            continue; // already cached from the same URL
        }
        stale.extend(key_slot.take());
        *url_slot = remote.clone();
        let Some(remote) = remote else {
            urls.push((which, None));
            continue;
        };
        match download(state, &remote, which).await? {
            Some(encoded) => {
                let folder = match which {
                    ProfileImage::Avatar => "avatars",
                    ProfileImage::Header => "headers",
                };
                let key = keys::profile_key(account_id, folder, encoded.extension, true);
                state
                    .media
                    .put(&key, encoded.bytes, encoded.content_type)
                    .await?;
                urls.push((which, Some(public_url(&state.config, &key))));
                *key_slot = Some(key);
            }
            None => urls.push((which, None)),
        }
    }
    let mut size = 0i64;
    for key in [&images.avatar_file_key, &images.header_file_key]
        .into_iter()
        .flatten()
    {
        size += state.media.get(key).await?.map_or(0, |b| b.len() as i64);
    }
    images.file_size = size;
    images.cached_at = (size > 0).then(Utc::now);
    images.updated_at = Utc::now();
    let mut conn = state.conn().await?;
    // Both images change at once: no reader sees a new avatar with an old header.
    conn.transaction(async |conn| {
        profile_images::save(conn, &images).await?;
        for (which, url) in &urls {
            profile_images::set_url(conn, account_id, *which, url.as_deref()).await?;
        }
        Ok::<_, ferrodon_db::Error>(())
    })
    .await?;
    drop(conn);
    for key in stale {
        state.media.delete(&key).await?;
    }
    Ok(())
}

/// Fetches and crops one remote profile image; `None` when the file is
/// unusable (refused address, not found, not an image).
async fn download(
    state: &AppState,
    url: &str,
    which: ProfileImage,
) -> Result<Option<ferrodon_media::Encoded>> {
    use crate::http_client::{fetch_limited, FetchError};
    let fetched = match fetch_limited(
        &state.http,
        url,
        state.config.media.max_image_bytes,
        std::time::Duration::from_secs(30),
    )
    .await
    {
        Ok(fetched) => fetched,
        Err(e @ (FetchError::Forbidden(_) | FetchError::TooLarge { .. })) => {
            tracing::info!(%url, error = %e, "remote profile image not cached");
            return Ok(None);
        }
        Err(FetchError::Status { status, .. }) if (400..500).contains(&status) && status != 429 => {
            return Ok(None)
        }
        Err(e) => return Err(Error::Unavailable(e.to_string())),
    };
    match process(state, fetched.bytes, which).await {
        Ok(encoded) => Ok(Some(encoded)),
        Err(Error::Validation(reason)) => {
            tracing::info!(%url, %reason, "remote profile image unusable");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}
