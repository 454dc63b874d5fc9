//! A tokenizer for HTML that ammonia has already serialized. That output is
//! regular: text never contains a raw `<`, comments are gone, every
//! attribute is written ` name="value"` with `"` escaped inside values. So a
//! small scanner suffices; it is not meant for HTML from anywhere else.

/// One piece of serialized HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// Escaped text.
    Text(&'a str),
    /// `<name attrs>`; `raw` is the whole tag.
    Start {
        name: &'a str,
        attrs: &'a str,
        raw: &'a str,
    },
    /// `</name>`; `raw` is the whole tag.
    End { name: &'a str, raw: &'a str },
}

/// The tokens of `html`, in order.
pub(super) fn tokens(html: &str) -> Tokens<'_> {
    Tokens { rest: html }
}

/// Iterator over [`Token`]s.
pub(super) struct Tokens<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        if !self.rest.starts_with('<') {
            let end = self.rest.find('<').unwrap_or(self.rest.len());
            let (text, rest) = self.rest.split_at(end);
            self.rest = rest;
            return Some(Token::Text(text));
        }
        let end = tag_end(self.rest);
        let (raw, rest) = self.rest.split_at(end);
        self.rest = rest;
        let inner = raw
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim_end_matches('/');
        Some(match inner.strip_prefix('/') {
            Some(name) => Token::End {
                name: name.trim(),
                raw,
            },
            None => {
                let split = inner
                    .find(|c: char| c.is_ascii_whitespace())
                    .unwrap_or(inner.len());
                let (name, attrs) = inner.split_at(split);
                Token::Start { name, attrs, raw }
            }
        })
    }
}

/// The length of the tag at the start of `html`, up to and including the
/// first `>` outside a quoted value (or the whole input if unterminated).
fn tag_end(html: &str) -> usize {
    let mut quoted = false;
    for (i, byte) in html.bytes().enumerate() {
        match byte {
            b'"' => quoted = !quoted,
            b'>' if !quoted => return i + 1,
            _ => {}
        }
    }
    html.len()
}

/// The (still escaped) value of attribute `name` in a start tag's `attrs`.
pub(super) fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start();
        let eq = rest.find('=')?;
        let key = &rest[..eq];
        let value_and_rest = rest[eq + 1..].strip_prefix('"')?;
        let close = value_and_rest.find('"')?;
        if key == name {
            return Some(&value_and_rest[..close]);
        }
        rest = &value_and_rest[close + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_text_and_tags_with_quoted_gt() {
        let html = r#"a &lt; b<a href="x>y" rel="r">t</a><br>"#;
        let t: Vec<Token> = tokens(html).collect();
        assert_eq!(t[0], Token::Text("a &lt; b"));
        let Token::Start { name, attrs, .. } = t[1] else {
            panic!("start tag expected");
        };
        assert_eq!(name, "a");
        assert_eq!(attr(attrs, "href"), Some("x>y"));
        assert_eq!(attr(attrs, "rel"), Some("r"));
        assert_eq!(attr(attrs, "class"), None);
        assert_eq!(t[2], Token::Text("t"));
        assert!(matches!(t[3], Token::End { name: "a", .. }));
        assert!(matches!(t[4], Token::Start { name: "br", .. }));
        assert_eq!(t.len(), 5);
    }
}
