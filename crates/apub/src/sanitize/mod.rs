//! Remote HTML made safe to show, by Mastodon's rules
//! (`lib/sanitize_ext/sanitize_config.rb`, `MASTODON_STRICT`):
//!
//! - kept: `p br span a del s pre blockquote code b strong u i em ul ol li
//!   ruby rt rp`, with `lang` on all of them, `href class translate` on `a`,
//!   `class translate` on `span`, `class` on `p`, `start reversed` on `ol`
//!   and `value` on `li`;
//! - classes: only microformats (`h-*`, `p-*`, `u-*`, `dt-*`, `e-*`) and
//!   `mention hashtag ellipsis invisible quote-inline`; `translate` only as
//!   `no`;
//! - links: `href` schemes `http https dat dweb ipfs ipns ssb gopher xmpp
//!   magnet gemini`; a link with another scheme, a relative one or none
//!   becomes its text; every link gets `rel="nofollow noopener"` and
//!   `target="_blank"`;
//! - headings `h1`–`h6` become `<p><strong>…</strong></p>`;
//! - FEP-dc88 math becomes its TeX (`$…$`, `$$…$$` for display blocks) or
//!   plain-text annotation;
//! - `iframe math noembed noframes noscript plaintext script style svg xmp`
//!   are removed with their content, comments are removed, any other element
//!   is unwrapped (its content kept), block elements such as `div` leaving a
//!   space on each side.
//!
//! HTML nested deeper than [`MAX_NESTING`] elements, which Mastodon's parser
//! refuses and which costs the HTML5 tree builder quadratic time, is reduced
//! to its text (markup dropped) before sanitising.
//!
//! Differences from Mastodon, by design: a `class` attribute left empty is
//! dropped rather than kept as `class=""`, and an `href` that does not parse
//! as a URL counts as unsupported.
mod config;
mod guard;
mod math;
mod rewrite;
mod scan;

use std::borrow::Cow;
use std::sync::LazyLock;

use ammonia::Builder;

use self::scan::{tokens, Token};

pub use self::guard::MAX_NESTING;

static REMOTE_HTML: LazyLock<Builder<'static>> = LazyLock::new(config::remote_html_builder);
static PLAIN_TEXT: LazyLock<Builder<'static>> = LazyLock::new(config::plain_text_builder);

/// Sanitises HTML from another server (a status's `content`, an actor's
/// `summary` or profile field) to what Mastodon allows.
pub fn sanitize_remote_html(html: &str) -> String {
    let first_pass = REMOTE_HTML.clean(&flat(html)).to_string();
    rewrite::rewrite(&first_pass)
}

/// The text of remote HTML, for search and notifications: markup and the
/// content of scripts, styles and the like removed, entities decoded, a
/// newline after each run of `<br>` and `</p>`, trailing newlines trimmed.
pub fn plain_text(html: &str) -> String {
    let cleaned = PLAIN_TEXT.clean(&flat(html)).to_string();
    let mut out = String::with_capacity(cleaned.len());
    let mut in_break_run = false;
    for token in tokens(&cleaned) {
        match token {
            Token::Text(text) => {
                unescape_into(text, &mut out);
                in_break_run = false;
            }
            Token::Start { name: "br", .. } | Token::End { name: "p", .. } => {
                if !in_break_run {
                    out.push('\n');
                }
                in_break_run = true;
            }
            Token::Start { .. } | Token::End { .. } => in_break_run = false,
        }
    }
    out.truncate(out.trim_end_matches('\n').len());
    out
}

/// The HTML itself, or only its text when it nests too deeply to parse.
fn flat(html: &str) -> Cow<'_, str> {
    if guard::too_deep(html, MAX_NESTING) {
        Cow::Owned(guard::strip_tags(html))
    } else {
        Cow::Borrowed(html)
    }
}

/// Decodes the entities html5ever's serializer writes in text.
fn unescape_into(text: &str, out: &mut String) {
    const ENTITIES: &[(&str, char)] = &[
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&nbsp;", '\u{a0}'),
    ];
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match ENTITIES.iter().find(|(entity, _)| rest.starts_with(entity)) {
            Some((entity, ch)) => {
                out.push(*ch);
                rest = &rest[entity.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}
