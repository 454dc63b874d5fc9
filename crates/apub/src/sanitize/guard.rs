//! A guard against deeply nested HTML. The HTML5 tree builder does work
//! proportional to the depth of open elements for many start tags, so deep
//! nesting costs quadratic time (tens of thousands of nested `<li>` take
//! seconds). Mastodon's parser (Nokogiri's HTML5 mode) refuses trees deeper
//! than 400; here such HTML is reduced to its text, which then parses flat.

/// The nesting past which HTML is not parsed (Nokogiri's default).
pub const MAX_NESTING: usize = 400;

/// Elements that never have content or whose end tag is optional (they are
/// closed implicitly and would inflate the count).
const UNCOUNTED: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "rt", "rp", "optgroup", "option", "colgroup", "caption",
    "thead", "tbody", "tfoot", "tr", "td", "th", "html", "head", "body",
];

/// Whether start tags minus end tags ever exceed `max` (an estimate of the
/// tree's depth from the raw markup, erring on the deep side).
pub(super) fn too_deep(html: &str, max: usize) -> bool {
    let mut depth = 0usize;
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if let Some(end_tag) = rest.strip_prefix('/') {
            if end_tag.starts_with(|c: char| c.is_ascii_alphabetic()) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if name_len == 0 || !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let name = rest[..name_len].to_ascii_lowercase();
        let self_closing = rest[name_len..]
            .split('>')
            .next()
            .is_some_and(|tag| tag.ends_with('/'));
        if !self_closing && !UNCOUNTED.contains(&name.as_str()) {
            depth += 1;
            if depth > max {
                return true;
            }
        }
    }
    false
}

/// The text outside `<…>`, as is (entities not decoded); an unterminated
/// tag is dropped, so the result contains no `<`.
pub(super) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_depth_from_markup() {
        assert!(!too_deep("<p>a<p>b<br><img src=x/><li>c</li></p>", 1));
        assert!(too_deep("<div><div><span>x</span></div></div>", 1));
        assert!(!too_deep("<div></div><div></div><span/>", 1));
        assert!(!too_deep("a < b and c<2", 0));
        assert!(too_deep(&"<ul><li>".repeat(401), MAX_NESTING));
    }

    #[test]
    fn strips_tags() {
        assert_eq!(strip_tags("<b>a</b> &amp; <i>b"), "a &amp; b");
        assert_eq!(strip_tags("a > b <unterminated"), "a > b ");
    }
}
