//! Text: local plain text to Mastodon-style HTML, and what a status mentions.
mod escape;
mod render;
mod shortcodes;

pub use escape::escape_html;
pub use render::{extract_hashtags, extract_mentions, render_plain_text, MentionTarget};
pub use shortcodes::{shortcodes_in, valid_remote_shortcode};
