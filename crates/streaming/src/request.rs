//! Just enough HTTP/1.1 request-head parsing to route a streaming request
//! and authenticate it, read with `peek` so a WebSocket handshake can still
//! consume the same bytes.
use std::time::Duration;

use tokio::net::TcpStream;

/// Largest request head accepted.
const MAX_HEAD: usize = 16 * 1024;
/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// A parsed request head.
pub struct RequestHead {
    /// GET, …
    pub method: String,
    /// Path without the query string, trailing slash removed.
    pub path: String,
    /// Decoded query parameters.
    pub query: Vec<(String, String)>,
    /// Header (lower-cased name, value) pairs.
    pub headers: Vec<(String, String)>,
    /// Length of the head in bytes, including the blank line.
    pub len: usize,
}

impl RequestHead {
    /// First header value by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// First query value by name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// True for a WebSocket upgrade request.
    pub fn is_websocket(&self) -> bool {
        self.header("upgrade")
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
    }

    /// The bearer token: `Authorization`, `access_token` or `Sec-WebSocket-Protocol`, as Mastodon accepts.
    pub fn token(&self) -> Option<String> {
        if let Some(value) = self.header("authorization") {
            let mut parts = value.splitn(2, ' ');
            if parts
                .next()
                .is_some_and(|s| s.eq_ignore_ascii_case("bearer"))
            {
                return parts
                    .next()
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty());
            }
        }
        if let Some(t) = self.param("access_token").filter(|t| !t.is_empty()) {
            return Some(t.to_owned());
        }
        self.header("sec-websocket-protocol")
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
    }
}

/// Waits for a full request head and parses it without consuming it.
pub async fn peek_head(socket: &TcpStream) -> std::io::Result<Option<RequestHead>> {
    let mut buf = vec![0u8; MAX_HEAD];
    let read = tokio::time::timeout(HEAD_TIMEOUT, async {
        loop {
            let n = socket.peek(&mut buf).await?;
            if n == 0 {
                return Ok::<_, std::io::Error>(None);
            }
            if let Some(end) = find_end(&buf[..n]) {
                return Ok(Some(end));
            }
            if n == buf.len() {
                return Ok(None);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    let Ok(Ok(Some(len))) = read else {
        return Ok(None);
    };
    Ok(parse(&buf[..len]).map(|mut head| {
        head.len = len;
        head
    }))
}

fn find_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

fn parse(raw: &[u8]) -> Option<RequestHead> {
    let text = std::str::from_utf8(raw).ok()?;
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    let query = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some(RequestHead {
        method,
        path: path.to_owned(),
        query,
        headers,
        len: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_head_and_token_sources() {
        let raw = b"GET /api/v1/streaming/hashtag/?tag=Rust&access_token=abc HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\n\r\n";
        let head = parse(raw).unwrap();
        assert_eq!(head.path, "/api/v1/streaming/hashtag");
        assert_eq!(head.param("tag"), Some("Rust"));
        assert_eq!(head.token().as_deref(), Some("abc"));
        assert!(head.is_websocket());
        let raw = b"GET /api/v1/streaming HTTP/1.1\r\nAuthorization: Bearer tok\r\nSec-WebSocket-Protocol: other\r\n\r\n";
        assert_eq!(parse(raw).unwrap().token().as_deref(), Some("tok"));
        let raw = b"GET /api/v1/streaming HTTP/1.1\r\nSec-WebSocket-Protocol: proto-token\r\n\r\n";
        assert_eq!(parse(raw).unwrap().token().as_deref(), Some("proto-token"));
        assert_eq!(find_end(b"GET / HTTP/1.1\r\n\r\nextra"), Some(18));
    }
}
