//! Custom emoji shortcodes in text (`:blobcat:`).

/// Whether `code` may name a remote emoji: 1–64 ASCII letters, digits or `_`.
pub fn valid_remote_shortcode(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The `:shortcode:`s in a text, without repeats.
pub fn shortcodes_in(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (i, part) in text.split(':').enumerate() {
        // Odd pieces sit between two colons.
        if i % 2 == 1 && valid_remote_shortcode(part) && !found.iter().any(|f| f == part) {
            found.push(part.to_owned());
        }
    }
    // A colon inside a shortcode-free stretch shifts the pairing: try the other parity too.
    for (i, part) in text.split(':').enumerate() {
        if i > 0 && i % 2 == 0 && valid_remote_shortcode(part) && !found.iter().any(|f| f == part) {
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
