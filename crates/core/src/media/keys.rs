//! Storage keys, in Mastodon's Paperclip layout:
//! `media_attachments/files/110/123/456/789/012/345/original/<random>.jpg`,
//! with `cache/` in front for copies of remote files. The file name is
//! random so that URLs of unlisted media cannot be guessed from ids.
use rand::Rng;

/// The 18-digit id split into groups of three, as Paperclip's `id_partition`.
pub fn id_partition(id: i64) -> String {
    let digits = format!("{:018}", id.max(0));
    digits
        .as_bytes()
        .chunks(3)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn random_name() -> String {
    let bytes: [u8; 8] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new key for one style (`original`, `small`, `upload`) of an attachment.
pub fn attachment_key(id: i64, style: &str, extension: &str, cached: bool) -> String {
    let prefix = if cached { "cache/" } else { "" };
    format!(
        "{prefix}media_attachments/files/{}/{style}/{}.{extension}",
        id_partition(id),
        random_name()
    )
}

/// A new key for an account's avatar or header (`which`: `avatars` or `headers`).
pub fn profile_key(account_id: i64, which: &str, extension: &str, cached: bool) -> String {
    let prefix = if cached { "cache/" } else { "" };
    format!(
        "{prefix}accounts/{which}/{}/original/{}.{extension}",
        id_partition(account_id),
        random_name()
    )
}

/// A new key for a local custom emoji's image.
pub fn emoji_key(extension: &str) -> String {
    format!(
        "custom_emojis/images/original/{}.{extension}",
        random_name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_paperclip() {
        assert_eq!(id_partition(109338745612826118), "109/338/745/612/826/118");
        assert_eq!(id_partition(1), "000/000/000/000/000/001");
        let key = attachment_key(1, "small", "jpg", true);
        assert!(key.starts_with("cache/media_attachments/files/000/000/000/000/000/001/small/"));
        assert!(key.ends_with(".jpg"));
        assert_ne!(key, attachment_key(1, "small", "jpg", true));
        assert!(profile_key(5, "avatars", "png", false).starts_with("accounts/avatars/"));
    }
}
