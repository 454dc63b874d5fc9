//! Where a browser may be sent after signing in (`return_to` of the
//! sign-in page, kept through the two-factor step): only a path on this
//! server. Browsers drop tabs and newlines from a `Location`, read `\` as
//! `/` and `//host` as another server, so a path is accepted only when
//! neither it, nor what the percent-encoding of its path decodes to, nor
//! its normalised form (`/.//x` normalises to `//x`) could mean another
//! origin.
//! Everything else falls back to the caller's default.

use std::borrow::Cow;

/// Longest path kept.
const MAX_LEN: usize = 2000;

/// Decoding rounds checked (`%252F` is `%2F` once decoded, `/` twice).
const DECODE_ROUNDS: usize = 3;

/// The normalised same-origin path `candidate` names, or None.
pub fn same_origin_path(candidate: Option<&str>) -> Option<String> {
    let raw = candidate?;
    if raw.len() > MAX_LEN || !plain_local_path(raw) {
        return None;
    }
    // Only the path could ever be read as an authority; the query may
    // carry encoded spaces (an OAuth `state`, say).
    let path_end = raw.find(['?', '#']).unwrap_or(raw.len());
    let mut decoded = Cow::Borrowed(&raw[..path_end]);
    for _ in 0..DECODE_ROUNDS {
        let next: String = percent_decode(&decoded);
        if next == decoded.as_ref() {
            break;
        }
        if !plain_local_path(&next) {
            return None;
        }
        decoded = Cow::Owned(next);
    }
    let base = url::Url::parse("http://ferrodon.invalid/").ok()?;
    let joined = base.join(raw).ok()?;
    if joined.origin() != base.origin() {
        return None;
    }
    let normalised = &joined[url::Position::BeforePath..];
    plain_local_path(normalised).then(|| normalised.to_owned())
}

/// `path` starts with one `/` (not `//` or `/\`) and holds no backslash,
/// whitespace or control character anywhere.
fn plain_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
}

/// `text` with its `%XX` escapes decoded (invalid UTF-8 replaced).
fn percent_decode(text: &str) -> String {
    let pairs = format!("x={}", text.replace('+', "%2B").replace('&', "%26"));
    url::form_urlencoded::parse(pairs.as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::same_origin_path;

    #[test]
    fn local_paths_are_kept() {
        for good in [
            "/settings/profile",
            "/oauth/authorize?client_id=x&redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob&scope=read+write",
            "/@alice/123",
            "/tags/caf%C3%A9",
            "/oauth/authorize?client_id=x&state=a%20b%0A",
        ] {
            assert_eq!(same_origin_path(Some(good)).as_deref(), Some(good), "{good}");
        }
        assert_eq!(same_origin_path(Some("/a/../b")).as_deref(), Some("/b"));
    }

    #[test]
    fn anything_that_could_leave_the_origin_is_refused() {
        for bad in [
            "//evil.example/x",
            "https://evil.example/",
            "javascript:alert(1)",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            " /x",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%252F/evil.example",
            "/.//evil.example",
            "/..//evil.example",
            "settings",
            "",
        ] {
            assert_eq!(same_origin_path(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(same_origin_path(None), None);
        assert_eq!(
            same_origin_path(Some(&format!("/{}", "a".repeat(2000)))),
            None
        );
    }
}
