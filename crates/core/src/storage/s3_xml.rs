//! The little of S3's XML that the store reads: a ListObjectsV2 page and an
//! error's `<Code>`. S3's answers are flat and machine-written, so a tag
//! scanner is enough and spares the core crate an XML parser.

/// One page of a ListObjectsV2 answer.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ListPage {
    /// `(key, size in bytes)` of each object.
    pub objects: Vec<(String, u64)>,
    /// The token for the next page, when the listing is truncated.
    pub next_token: Option<String>,
}

/// Why an answer could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unreadable ListObjectsV2 answer: {0}")]
pub struct XmlError(String);

/// Reads a `ListBucketResult`.
pub fn parse_list(xml: &str) -> Result<ListPage, XmlError> {
    if !xml.contains("<ListBucketResult") {
        return Err(XmlError("no <ListBucketResult>".into()));
    }
    let mut page = ListPage::default();
    let mut rest = xml;
    while let Some((contents, after)) = element(rest, "Contents") {
        let key = element(contents, "Key")
            .map(|(key, _)| unescape(key))
            .ok_or_else(|| XmlError("an object without <Key>".into()))?;
        let size = element(contents, "Size")
            .and_then(|(size, _)| size.trim().parse().ok())
            .ok_or_else(|| XmlError(format!("no usable <Size> for {key:?}")))?;
        page.objects.push((key, size));
        rest = after;
    }
    let truncated = element(xml, "IsTruncated").is_some_and(|(t, _)| t.trim() == "true");
    if truncated {
        let token = element(xml, "NextContinuationToken")
            .map(|(token, _)| unescape(token))
            .filter(|token| !token.is_empty())
            .ok_or_else(|| XmlError("truncated without <NextContinuationToken>".into()))?;
        page.next_token = Some(token);
    }
    Ok(page)
}

/// The `<Code>` of an S3 error answer, e.g. `NoSuchBucket`.
pub fn error_code(xml: &str) -> Option<String> {
    element(xml, "Code").map(|(code, _)| unescape(code))
}

/// The text of the first `<tag>…</tag>` in `xml` and what follows it.
/// An empty element (`<tag/>`) counts as empty text.
fn element<'a>(xml: &'a str, tag: &str) -> Option<(&'a str, &'a str)> {
    let open = format!("<{tag}>");
    let empty = format!("<{tag}/>");
    let close = format!("</{tag}>");
    let open_at = xml.find(&open);
    let empty_at = xml.find(&empty);
    match (open_at, empty_at) {
        (Some(o), Some(e)) if e < o => Some(("", &xml[e + empty.len()..])),
        (None, Some(e)) => Some(("", &xml[e + empty.len()..])),
        (Some(o), _) => {
            let start = o + open.len();
            let len = xml[start..].find(&close)?;
            Some((&xml[start..start + len], &xml[start + len + close.len()..]))
        }
        (None, None) => None,
    }
}

/// Replaces XML's five named entities and numeric character references.
/// An unknown or malformed reference is kept as written.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').and_then(|semi| {
            let entity = &rest[1..semi];
            let ch = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            ch.map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_truncated_page() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix/>
<KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
<Contents><Key>a &amp; b/c&#x20;d.png</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>
<ETag>&quot;abc&quot;</ETag><Size>1234</Size><StorageClass>STANDARD</StorageClass></Contents>
<Contents><Key>caf&#233;+1</Key><Size>0</Size></Contents>
<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>"#;
        assert_eq!(
            parse_list(xml),
            Ok(ListPage {
                objects: vec![("a & b/c d.png".into(), 1234), ("café+1".into(), 0)],
                next_token: Some("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=".into()),
            })
        );
    }

    #[test]
    fn reads_an_empty_last_page() {
        let xml = "<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount>\
                   <IsTruncated>false</IsTruncated></ListBucketResult>";
        assert_eq!(parse_list(xml), Ok(ListPage::default()));
    }

    #[test]
    fn refuses_what_is_not_a_listing() {
        assert!(parse_list("<Error><Code>AccessDenied</Code></Error>").is_err());
        assert!(parse_list(
            "<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>"
        )
        .is_err());
        assert!(
            parse_list("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>")
                .is_err()
        );
    }

    #[test]
    fn reads_error_codes_and_keeps_odd_entities() {
        assert_eq!(
            error_code("<Error><Code>NoSuchBucket</Code><Message>x</Message></Error>").as_deref(),
            Some("NoSuchBucket")
        );
        assert_eq!(error_code("<html>bad gateway</html>"), None);
        assert_eq!(unescape("a &bogus; &#xZZ; & b"), "a &bogus; &#xZZ; & b");
    }
}
