//! The second pass over ammonia's output: what Mastodon's transformers do
//! beyond allow-listing. Headings become `<p><strong>`, spaced block
//! elements become spaces, links without an allowed `href` become their
//! text, and MathML becomes its TeX or plain-text annotation (or nothing).
use super::config::{HEADINGS, MATH_ELEMENTS, SPACED_ELEMENTS};
use super::math;
use super::scan::{attr, tokens, Token};

/// Applies the second pass to HTML serialized by the first.
pub(super) fn rewrite(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut tokens = tokens(html);
    while let Some(token) = tokens.next() {
        match token {
            Token::Text(text) => out.push_str(text),
            Token::Start {
                name: "a",
                attrs,
                raw,
            } => {
                if attr(attrs, "href").is_some() {
                    out.push_str(raw);
                } else {
                    push_text_until_end(&mut tokens, "a", &mut out);
                }
            }
            Token::Start {
                name: "math",
                attrs,
                ..
            } => {
                let inner = collect_until_end(&mut tokens, "math");
                if let Some(text) = math::annotation_text(attrs, &inner) {
                    out.push_str(&text);
                }
            }
            Token::Start { name, raw, .. } | Token::End { name, raw } => {
                out.push_str(replacement(name, matches!(token, Token::End { .. })).unwrap_or(raw));
            }
        }
    }
    out
}

/// What a tag other than `a` and `math` turns into, or `None` to keep it.
fn replacement(name: &str, end: bool) -> Option<&'static str> {
    if HEADINGS.contains(&name) {
        Some(if end { "</strong></p>" } else { "<p><strong>" })
    } else if name == "hr" {
        Some("  ")
    } else if SPACED_ELEMENTS.contains(&name) {
        Some(" ")
    } else if MATH_ELEMENTS.contains(&name) {
        // MathML parts outside a <math> element: unwrap.
        Some("")
    } else {
        None
    }
}

/// Copies the text of the element just opened, up to its end tag, dropping
/// the markup inside.
fn push_text_until_end<'a>(
    tokens: &mut impl Iterator<Item = Token<'a>>,
    name: &str,
    out: &mut String,
) {
    for token in collect_until_end(tokens, name) {
        if let Token::Text(text) = token {
            out.push_str(text);
        }
    }
}

/// The tokens inside the element just opened, consuming its end tag.
fn collect_until_end<'a>(
    tokens: &mut impl Iterator<Item = Token<'a>>,
    name: &str,
) -> Vec<Token<'a>> {
    let mut inner = Vec::new();
    let mut depth = 0usize;
    for token in tokens.by_ref() {
        match token {
            Token::Start { name: n, .. } if n == name => depth += 1,
            Token::End { name: n, .. } if n == name => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            _ => {}
        }
        inner.push(token);
    }
    inner
}
