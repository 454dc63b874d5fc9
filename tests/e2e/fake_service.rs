//! A tiny HTTP service on loopback standing in for a third party (a push
//! service, a translation server): it records every request and answers
//! what the test's closure says.
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

/// One request the service received.
pub struct Received {
    /// Method, e.g. `POST`.
    pub method: String,
    /// Path with query.
    pub path: String,
    /// Headers as sent.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Received {
    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An answer: status code and JSON (or empty) body.
pub type Answer = (u16, String);

/// Starts the service; returns its base URL and the requests it receives.
pub async fn start<F>(answer: F) -> (String, mpsc::UnboundedReceiver<Received>)
where
    F: Fn(&Received) -> Answer + Send + Sync + 'static,
{
    start_replying(move |received| {
        let (status, body) = answer(received);
        Reply::json(status, body)
    })
    .await
}

/// A full answer: status, extra headers and body.
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers besides Content-Length and Connection.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Reply {
    /// `status` with a body of Content-Type `application/json`.
    pub fn json(status: u16, body: String) -> Reply {
        Reply::typed(status, "application/json", body)
    }

    /// `status` with a body of Content-Type `content_type`.
    pub fn typed(status: u16, content_type: &str, body: String) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    /// A 302 redirect to `location`.
    pub fn redirect(location: &str) -> Reply {
        Reply {
            status: 302,
            headers: vec![("Location".into(), location.into())],
            body: String::new(),
        }
    }
}

/// [`start`], the closure choosing headers too (a Content-Type, a
/// redirect's Location).
pub async fn start_replying<F>(answer: F) -> (String, mpsc::UnboundedReceiver<Received>)
where
    F: Fn(&Received) -> Reply + Send + Sync + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (tx, answer) = (tx.clone(), answer.clone());
            tokio::spawn(async move {
                let Some(received) = read_request(&mut socket).await else {
                    return;
                };
                let reply = answer(&received);
                let mut head = format!("HTTP/1.1 {} X\r\n", reply.status);
                for (name, value) in &reply.headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str(&format!(
                    "Content-Length: {}\r\nConnection: close\r\n\r\n",
                    reply.body.len()
                ));
                head.push_str(&reply.body);
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = tx.send(received);
            });
        }
    });
    (format!("http://{addr}"), rx)
}

/// Every request received so far, without waiting.
pub fn drain(rx: &mut mpsc::UnboundedReceiver<Received>) -> Vec<Received> {
    let mut all = Vec::new();
    while let Ok(received) = rx.try_recv() {
        all.push(received);
    }
    all
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let (head_end, length) = loop {
        let n = socket.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (end + 4, length);
        }
    };
    while data.len() < head_end + length {
        let n = socket.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.lines();
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let path = request_line.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Some(Received {
        method,
        path,
        headers,
        body: data[head_end..].to_vec(),
    })
}

/// The next request, waiting up to 10 s.
pub async fn next(rx: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
        .await
        .expect("a request within 10 s")
        .expect("the service is running")
}
