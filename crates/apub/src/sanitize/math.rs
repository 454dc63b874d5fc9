//! FEP-dc88 math: `<math><semantics>…<annotation encoding="…">…</annotation>
//! </semantics></math>` is shown as its annotation, as Mastodon does.
use super::scan::{attr, Token};

/// Void elements that can appear in the first pass's output (no end tag).
const VOID: &[&str] = &["br", "hr"];

/// The text to show for a `<math>` element with attributes `math_attrs`
/// and content `inner`: the `application/x-tex` annotation as `$tex$`
/// (`$$tex$$` for `display="block"`), else the `text/plain` annotation,
/// else `None` (the element is dropped). The annotation must sit directly in
/// a `<semantics>` that is the element's first child element.
pub(super) fn annotation_text(math_attrs: &str, inner: &[Token<'_>]) -> Option<String> {
    let semantics = first_child_element(inner)?;
    if semantics.0 != "semantics" {
        return None;
    }
    let annotation = |encoding: &str| {
        children(semantics.1)
            .into_iter()
            .find(|(name, attrs, _)| {
                *name == "annotation" && attr(attrs, "encoding") == Some(encoding)
            })
            .map(|(_, _, content)| text_of(content))
    };
    if let Some(tex) = annotation("application/x-tex") {
        let fence = if attr(math_attrs, "display") == Some("block") {
            "$$"
        } else {
            "$"
        };
        return Some(format!("{fence}{tex}{fence}"));
    }
    annotation("text/plain")
}

/// The first child element as `(name, content)`.
fn first_child_element<'t, 'a>(inner: &'t [Token<'a>]) -> Option<(&'a str, &'t [Token<'a>])> {
    children(inner)
        .into_iter()
        .next()
        .map(|(name, _, content)| (name, content))
}

/// The child elements of a token run as `(name, attrs, content)`.
fn children<'t, 'a>(tokens: &'t [Token<'a>]) -> Vec<(&'a str, &'a str, &'t [Token<'a>])> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Token::Start { name, attrs, .. } = tokens[i] {
            let end = if VOID.contains(&name) {
                i
            } else {
                matching_end(tokens, i)
            };
            found.push((name, attrs, &tokens[i + 1..end.max(i + 1)]));
            i = end + 1;
        } else {
            i += 1;
        }
    }
    found
}

/// The index of the end tag matching the start tag at `start` (or the end
/// of the run if it is missing).
fn matching_end(tokens: &[Token<'_>], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(start) {
        match token {
            Token::Start { name, .. } if !VOID.contains(name) => depth += 1,
            Token::End { .. } => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// The (escaped) text inside a token run.
fn text_of(tokens: &[Token<'_>]) -> String {
    tokens
        .iter()
        .filter_map(|t| match t {
            Token::Text(text) => Some(*text),
            _ => None,
        })
        .collect()
}
