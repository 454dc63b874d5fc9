//! A Rails-style key split into its segments: `a[b][]` is `a`, `b`, ``.

use crate::{ParamsError, MAX_DEPTH};

/// The segments of `key`: the name before the first `[`, then each
/// bracketed part; text after an unclosed `[` or after the last `]` that
/// is not another `[` is dropped, as before. More than [`MAX_DEPTH`]
/// segments is [`ParamsError::TooDeep`], found without reading the rest.
pub fn split_key(key: &str) -> Result<Vec<&str>, ParamsError> {
    let (head, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    let mut segments = vec![head];
    while let Some(stripped) = rest.strip_prefix('[') {
        let Some(end) = stripped.find(']') else {
            break;
        };
        if segments.len() == MAX_DEPTH {
            return Err(ParamsError::TooDeep);
        }
        segments.push(&stripped[..end]);
        rest = &stripped[end + 1..];
    }
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_brackets() {
        assert_eq!(split_key("a"), Ok(vec!["a"]));
        assert_eq!(split_key("a[b][]"), Ok(vec!["a", "b", ""]));
        assert_eq!(split_key("a[b"), Ok(vec!["a"]));
        assert_eq!(split_key("a[b]c[d]"), Ok(vec!["a", "b"]));
        assert_eq!(split_key("[x]"), Ok(vec!["", "x"]));
    }
}
