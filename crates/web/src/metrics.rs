//! `GET /metrics` of ferrodon-web: request counts and time by status
//! class, connection pool use, and the job queues' depth and lag. nginx
//! does not route `/metrics` from outside; scrape the web port directly.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use ferrodon_core::jobs::metrics::{family, write_queue_gauges};
use ferrodon_core::jobs::Queue;
use ferrodon_core::AppState;

const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// Counters shared by all of the process's HTTP workers.
#[derive(Default)]
pub struct HttpMetrics {
    requests: [AtomicU64; 5],
    micros: [AtomicU64; 5],
}

impl HttpMetrics {
    fn record(&self, status: u16, micros: u64) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.requests[class].fetch_add(1, Ordering::Relaxed);
        self.micros[class].fetch_add(micros, Ordering::Relaxed);
    }
}

/// Middleware: counts every request and its time by status class.
pub async fn count_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let metrics = req.app_data::<web::Data<HttpMetrics>>().cloned();
    let started = Instant::now();
    let response = next.call(req).await?;
    if let Some(metrics) = metrics {
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        metrics.record(response.status().as_u16(), micros);
    }
    Ok(response)
}

/// Registers `/metrics`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(render));
}

async fn render(state: web::Data<AppState>, http: web::Data<HttpMetrics>) -> HttpResponse {
    let mut out = String::new();
    let by_class = |values: &[AtomicU64; 5]| -> Vec<(String, u64)> {
        CLASSES
            .iter()
            .zip(values)
            .map(|(c, v)| (format!("status=\"{c}\""), v.load(Ordering::Relaxed)))
            .collect()
    };
    family(
        &mut out,
        "ferrodon_http_requests_total",
        "HTTP requests answered.",
        "counter",
        &by_class(&http.requests),
    );
    family(
        &mut out,
        "ferrodon_http_request_duration_microseconds_total",
        "Time spent answering HTTP requests.",
        "counter",
        &by_class(&http.micros),
    );
    let db = state.db.status();
    let redis = state.redis.status();
    let pools = [
        (
            "database",
            db.size as u64,
            db.available as u64,
            db.max_size as u64,
        ),
        (
            "redis",
            redis.size as u64,
            redis.available as u64,
            redis.max_size as u64,
        ),
    ];
    let pick = |i: usize| -> Vec<(String, u64)> {
        pools
            .iter()
            .map(|p| (format!("pool=\"{}\"", p.0), [p.1, p.2, p.3][i]))
            .collect()
    };
    family(
        &mut out,
        "ferrodon_pool_connections",
        "Open connections per pool.",
        "gauge",
        &pick(0),
    );
    family(
        &mut out,
        "ferrodon_pool_idle_connections",
        "Idle connections per pool.",
        "gauge",
        &pick(1),
    );
    family(
        &mut out,
        "ferrodon_pool_max_connections",
        "Pool size limit.",
        "gauge",
        &pick(2),
    );
    write_queue_gauges(&mut out, &state, &Queue::ALL).await;
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(out)
}
