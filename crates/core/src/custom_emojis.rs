//! Local custom emojis (`:shortcode:` images added by admins): validation
//! and storage of their images, their REST entity and ActivityPub `Emoji`
//! tag, and finding the ones a local text uses.
use ferrodon_db::queries::custom_emojis::{self, CustomEmoji, NewLocalEmoji};
use ferrodon_db::Conn;
use ferrodon_media::sniff::{sniff, Detected, ImageFormat};

use crate::media::{keys, public_url};
use crate::text::shortcodes_in;
use crate::{AppState, Error, Result};

/// Largest image of a local emoji, as Mastodon's `LOCAL_LIMIT`.
pub const MAX_IMAGE_BYTES: usize = 256 * 1024;

/// Whether `code` is a valid local shortcode (Mastodon: `[a-zA-Z0-9_]{2,}`).
pub fn valid_shortcode(code: &str) -> bool {
    code.len() >= 2 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What [`add_local`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// A new emoji.
    Created,
    /// The image of an existing one was replaced.
    Replaced,
    /// One exists and `overwrite` was not given.
    Skipped,
}

/// The extension and content type of an accepted emoji image.
fn image_type(bytes: &[u8]) -> Result<(&'static str, &'static str)> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(Error::validation("Image must be less than 256 KB"));
    }
    match sniff(bytes) {
        Detected::Image(ImageFormat::Png) => Ok(("png", "image/png")),
        Detected::Image(ImageFormat::Gif) => Ok(("gif", "image/gif")),
        Detected::Image(ImageFormat::Webp) => Ok(("webp", "image/webp")),
        _ => Err(Error::validation(
            "Image file type is invalid (PNG, GIF or WebP)",
        )),
    }
}

/// Adds the local emoji `shortcode` with image `bytes` (PNG, GIF or WebP,
/// at most 256 KB). An emoji with the same shortcode (in any case) is
/// replaced only when `overwrite` is set.
pub async fn add_local(
    state: &AppState,
    shortcode: &str,
    bytes: Vec<u8>,
    category: Option<&str>,
    overwrite: bool,
) -> Result<Added> {
    if !valid_shortcode(shortcode) {
        return Err(Error::validation(
            "Shortcode must be at least 2 characters and can only contain alphanumeric characters and underscores",
        ));
    }
    let (extension, content_type) = image_type(&bytes)?;
    let mut conn = state.conn().await?;
    let existing = custom_emojis::find_local_emoji(&mut conn, shortcode).await?;
    if existing.is_some() && !overwrite {
        return Ok(Added::Skipped);
    }
    let key = keys::emoji_key(extension);
    let size = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
    state.media.put(&key, bytes, content_type).await?;
    let url = public_url(&state.config, &key);
    let row = NewLocalEmoji {
        shortcode,
        image_url: &url,
        image_file_key: &key,
        image_content_type: content_type,
        image_file_size: size,
        category: category.filter(|c| !c.trim().is_empty()),
        visible_in_picker: true,
    };
    let saved =
        custom_emojis::save_local_emoji(&mut conn, &row, existing.as_ref().map(|e| e.id)).await;
    if let Err(e) = saved {
        let _ = state.media.delete(&key).await;
        return Err(e.into());
    }
    match existing.and_then(|e| e.image_file_key) {
        Some(old) => {
            state.media.delete(&old).await?;
            Ok(Added::Replaced)
        }
        None => Ok(Added::Created),
    }
}

/// Deletes emojis and the stored images of local ones.
pub async fn remove(state: &AppState, emojis: &[CustomEmoji]) -> Result<usize> {
    let ids: Vec<i64> = emojis.iter().map(|e| e.id).collect();
    let removed = {
        let mut conn = state.conn().await?;
        custom_emojis::delete_emojis(&mut conn, &ids).await?
    };
    for key in emojis.iter().filter_map(|e| e.image_file_key.as_deref()) {
        state.media.delete(key).await?;
    }
    Ok(removed)
}

/// The image of a local emoji, with the extension its file has.
pub async fn image_of(state: &AppState, emoji: &CustomEmoji) -> Result<Option<(Vec<u8>, String)>> {
    let Some(key) = &emoji.image_file_key else {
        return Ok(None);
    };
    let extension = key.rsplit('.').next().unwrap_or("png").to_owned();
    Ok(state.media.get(key).await?.map(|b| (b, extension)))
}

/// The REST `CustomEmoji` entity.
pub fn entity(emoji: &CustomEmoji) -> crate::entities::custom_emoji::CustomEmoji {
    crate::entities::custom_emoji::CustomEmoji {
        shortcode: emoji.shortcode.clone(),
        url: emoji.image_url.clone(),
        static_url: emoji.image_url.clone(),
        visible_in_picker: emoji.visible_in_picker,
        category: emoji.category.clone(),
    }
}

/// The enabled local emojis the texts use as `:shortcode:`.
pub async fn used_in(conn: &mut Conn, texts: &[&str]) -> Result<Vec<CustomEmoji>> {
    let codes = shortcodes_in(&texts.join(" "));
    Ok(custom_emojis::find_emojis(conn, None, &codes).await?)
}
