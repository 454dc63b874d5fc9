//! WebSocket load generator for the streaming benchmark.
//!
//! Opens N connections, reports when they are all open, then (with a
//! trigger) fires events and measures, per event and per connection, the
//! time from the trigger to receipt.
//!
//! Usage:
//!   ferrodon-bench-ws idle    WS_URL N HOLD_SECS
//!   ferrodon-bench-ws latency WS_URL N EVENTS post  HOST:PORT TOKEN
//!   ferrodon-bench-ws latency WS_URL N EVENTS redis REDIS_URL CHANNEL
use std::time::{Duration, Instant};

use deadpool_redis::redis;
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

type Error = Box<dyn std::error::Error + Send + Sync>;

async fn open(
    url: &str,
    n: usize,
    on_message: Option<mpsc::UnboundedSender<Instant>>,
) -> Result<(), Error> {
    let mut opened = 0;
    while opened < n {
        let batch = (n - opened).min(200);
        let mut handles = Vec::new();
        for _ in 0..batch {
            let url = url.to_owned();
            let tx = on_message.clone();
            handles.push(tokio::spawn(async move {
                let (ws, _) = tokio_tungstenite::connect_async_with_config(url, None, true).await?;
                tokio::spawn(async move {
                    let (_, mut read) = ws.split();
                    while let Some(Ok(msg)) = read.next().await {
                        if msg.is_text() {
                            if let Some(tx) = &tx {
                                let _ = tx.send(Instant::now());
                            }
                        }
                    }
                });
                Ok::<_, Error>(())
            }));
        }
        for h in handles {
            h.await??;
        }
        opened += batch;
    }
    Ok(())
}

async fn post_status(addr: &str, token: &str, n: usize) -> Result<(), Error> {
    let body = format!("status=streaming+benchmark+{n}");
    let request = format!(
        "POST /api/v1/statuses HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut socket = tokio::net::TcpStream::connect(addr).await?;
    socket.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    socket.read_to_end(&mut response).await?;
    if !response.starts_with(b"HTTP/1.1 200") {
        return Err(format!(
            "POST failed: {}",
            String::from_utf8_lossy(&response[..response.len().min(200)])
        )
        .into());
    }
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| {
        args.get(i)
            .cloned()
            .ok_or_else(|| Error::from(format!("missing argument {i}")))
    };
    match arg(0)?.as_str() {
        "idle" => {
            let (url, n, hold) = (arg(1)?, arg(2)?.parse()?, arg(3)?.parse()?);
            let started = Instant::now();
            open(&url, n, None).await?;
            println!(
                "opened {n} connections in {:.1}s",
                started.elapsed().as_secs_f64()
            );
            tokio::time::sleep(Duration::from_secs(hold)).await;
        }
        "latency" => {
            let (url, n, events): (String, usize, usize) =
                (arg(1)?, arg(2)?.parse()?, arg(3)?.parse()?);
            let (tx, mut rx) = mpsc::unbounded_channel();
            open(&url, n, Some(tx)).await?;
            tokio::time::sleep(Duration::from_secs(2)).await;
            let mut latencies = Vec::with_capacity(n * events);
            // The first events warm caches, prepared statements and subscriptions; they are not counted.
            const WARM_UP: usize = 3;
            for e in 0..events + WARM_UP {
                let t0 = Instant::now();
                match arg(4)?.as_str() {
                    "post" => post_status(&arg(5)?, &arg(6)?, e).await?,
                    _ => {
                        let mut conn = redis::Client::open(arg(5)?)?
                            .get_multiplexed_async_connection()
                            .await?;
                        let payload = format!(
                            "{{\"event\":\"update\",\"payload\":\"{}\"}}",
                            "x".repeat(2000)
                        );
                        let _: i64 = redis::cmd("PUBLISH")
                            .arg(arg(6)?)
                            .arg(payload)
                            .query_async(&mut conn)
                            .await?;
                    }
                }
                let deadline = t0 + Duration::from_secs(10);
                let mut got = 0;
                while got < n {
                    match tokio::time::timeout_at(deadline.into(), rx.recv()).await {
                        Ok(Some(at)) => {
                            if e >= WARM_UP {
                                latencies.push(at.saturating_duration_since(t0));
                            }
                            got += 1;
                        }
                        _ => break,
                    }
                }
                if got < n {
                    println!("event {e}: only {got}/{n} connections received it");
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            latencies.sort();
            println!(
                "deliveries {} p50 {:.1}ms p99 {:.1}ms max {:.1}ms",
                latencies.len(),
                percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
                percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
                latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
            );
        }
        other => return Err(format!("unknown mode {other}").into()),
    }
    Ok(())
}
