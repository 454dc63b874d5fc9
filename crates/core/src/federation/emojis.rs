//! Custom emojis of remote documents: learnt from `Emoji` tags (the image
//! stays on its server; clients load it from there), and found again by
//! `:shortcode:` when a status is rendered.
use ferrodon_apub::activitypub::Tag;
use ferrodon_db::queries::custom_emojis;
use ferrodon_db::Conn;

use crate::authority::authority_of;
use crate::text::valid_remote_shortcode as valid_shortcode;
use crate::Result;

/// Most emojis taken from one document.
const MAX_EMOJIS: usize = 64;

/// Stores the `Emoji` tags of a document from the server of `author_uri`.
pub async fn learn<'a>(
    conn: &mut Conn,
    author_uri: &str,
    tags: impl Iterator<Item = &'a Tag>,
) -> Result<()> {
    let Some(domain) = authority_of(author_uri) else {
        return Ok(());
    };
    for tag in tags.take(MAX_EMOJIS) {
        let (Some(code), Some(image)) = (tag.emoji_shortcode(), tag.icon_url()) else {
            continue;
        };
        if !valid_shortcode(code)
            || !(image.starts_with("https://") || image.starts_with("http://"))
        {
            continue;
        }
        custom_emojis::upsert_remote_emoji(conn, code, &domain, tag.id.as_deref(), image).await?;
    }
    Ok(())
}
