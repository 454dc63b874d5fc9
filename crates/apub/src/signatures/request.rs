//! What signing and verification need to know about an HTTP request,
//! independent of any HTTP library.

/// Read access to request headers. Names are matched ASCII
/// case-insensitively. Implemented for slices, arrays and vectors of
/// `(name, value)` pairs; wrap other header maps in a newtype.
pub trait Headers {
    /// Every value of header `name`, in the order received.
    fn get_all(&self, name: &str) -> Vec<&str>;

    /// The value of header `name` as HTTP signatures see it: each field line
    /// trimmed, obsolete line folding replaced by a space, several lines
    /// joined with `", "`. `None` when the header is absent.
    fn get_combined(&self, name: &str) -> Option<String> {
        let values = self.get_all(name);
        if values.is_empty() {
            return None;
        }
        let normalised: Vec<String> = values
            .iter()
            .map(|value| {
                value
                    .split(['\r', '\n'])
                    .map(str::trim)
                    .filter(|piece| !piece.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        Some(normalised.join(", "))
    }

    /// Whether header `name` is present.
    fn contains(&self, name: &str) -> bool {
        !self.get_all(name).is_empty()
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for [(K, V)] {
    fn get_all(&self, name: &str) -> Vec<&str> {
        self.iter()
            .filter(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
            .collect()
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> Headers for [(K, V); N] {
    fn get_all(&self, name: &str) -> Vec<&str> {
        self.as_slice().get_all(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for Vec<(K, V)> {
    fn get_all(&self, name: &str) -> Vec<&str> {
        self.as_slice().get_all(name)
    }
}

/// An HTTP request as signatures cover it.
pub struct HttpRequest<'a, H: Headers + ?Sized> {
    /// The method as sent, e.g. `POST` (RFC 9421 `@method` is
    /// case-sensitive; draft-cavage lower-cases it itself).
    pub method: &'a str,
    /// `https` or `http`: the scheme the client used (behind a TLS-terminating
    /// proxy, the public one).
    pub scheme: &'a str,
    /// The host (and non-default port) the client addressed: normally the
    /// `Host` header.
    pub authority: &'a str,
    /// The origin-form request target: path plus `?query` if any, exactly as
    /// received (`/users/alice/inbox`).
    pub target: &'a str,
    /// The request headers.
    pub headers: &'a H,
    /// The request body (empty for GET).
    pub body: &'a [u8],
}

impl<H: Headers + ?Sized> Clone for HttpRequest<'_, H> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<H: Headers + ?Sized> Copy for HttpRequest<'_, H> {}

impl<H: Headers + ?Sized> std::fmt::Debug for HttpRequest<'_, H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("scheme", &self.scheme)
            .field("authority", &self.authority)
            .field("target", &self.target)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl<'a, H: Headers + ?Sized> HttpRequest<'a, H> {
    /// The path part of the target (`/` when empty).
    pub fn path(&self) -> &'a str {
        let path = self.target.split_once('?').map_or(self.target, |(p, _)| p);
        if path.is_empty() {
            "/"
        } else {
            path
        }
    }

    /// The query part of the target, without `?`; `None` when there is no `?`.
    pub fn query(&self) -> Option<&'a str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// Whether the method is `method` (ASCII case-insensitive).
    pub fn is_method(&self, method: &str) -> bool {
        self.method.eq_ignore_ascii_case(method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combines_and_normalises_values() {
        let headers = vec![
            ("Accept", " a "),
            ("X-Folded", "one\r\n   two"),
            ("accept", "b"),
        ];
        assert_eq!(headers.get_combined("ACCEPT").as_deref(), Some("a, b"));
        assert_eq!(headers.get_combined("x-folded").as_deref(), Some("one two"));
        assert_eq!(headers.get_combined("missing"), None);
        assert!(headers.contains("accept"));
    }

    #[test]
    fn splits_the_target() {
        let headers: [(&str, &str); 0] = [];
        let mut request = HttpRequest {
            method: "GET",
            scheme: "https",
            authority: "example.com",
            target: "/foo?a=b?c",
            headers: &headers,
            body: b"",
        };
        assert_eq!(request.path(), "/foo");
        assert_eq!(request.query(), Some("a=b?c"));
        request.target = "";
        assert_eq!(request.path(), "/");
        assert_eq!(request.query(), None);
        assert!(request.is_method("get"));
    }
}
