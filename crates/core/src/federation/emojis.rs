//! Custom emojis of remote documents: learnt from `Emoji` tags (the image
//! stays on its server; clients load it from there), and found again by
//! `:shortcode:` when a status is rendered.
use ferrodon_apub::activitypub::Tag;
use ferrodon_db::queries::custom_emojis;
use ferrodon_db::Conn;

use super::actors::authority_of;
use crate::Result;

/// Most emojis taken from one document.
const MAX_EMOJIS: usize = 64;

fn valid_shortcode(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

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

/// The `:shortcode:`s in a text, without repeats.
pub fn shortcodes_in(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (i, part) in text.split(':').enumerate() {
        // Odd pieces sit between two colons.
        if i % 2 == 1 && valid_shortcode(part) && !found.iter().any(|f| f == part) {
            found.push(part.to_owned());
        }
    }
    // A colon inside a shortcode-free stretch shifts the pairing: try the other parity too.
    for (i, part) in text.split(':').enumerate() {
        if i > 0 && i % 2 == 0 && valid_shortcode(part) && !found.iter().any(|f| f == part) {
            found.push(part.to_owned());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcodes_are_found_between_colons() {
        assert_eq!(
            shortcodes_in("hi :blobcat: and :ablobwave:"),
            vec!["blobcat", "ablobwave"]
        );
        assert!(shortcodes_in("no emoji here").is_empty());
        assert!(shortcodes_in(":bad code:").is_empty());
    }
}
