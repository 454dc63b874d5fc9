//! `GET /metrics` of ferrodon-web: request counts and time by status
//! class, a latency histogram by route and status, connection pool use,
//! and the job queues' depth and lag. nginx does not route `/metrics` from
//! outside; scrape the web port directly.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use ferrodon_core::jobs::metrics::{
    family, histogram_family, label_value, write_pool_gauges, write_queue_gauges, Histogram,
};
use ferrodon_core::jobs::Queue;
use ferrodon_core::AppState;

const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// Method, route pattern (`/api/v1/statuses/{id}`, never the raw path: ids
/// would make one series per status) and status code.
type RouteKey = (String, String, u16);

/// Counters shared by all of the process's HTTP workers.
#[derive(Default)]
pub struct HttpMetrics {
    requests: [AtomicU64; 5],
    micros: [AtomicU64; 5],
    by_route: Mutex<HashMap<RouteKey, Histogram>>,
}

impl HttpMetrics {
    fn record(&self, key: RouteKey, took: Duration) {
        let status = key.2;
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.requests[class].fetch_add(1, Ordering::Relaxed);
        self.micros[class].fetch_add(micros, Ordering::Relaxed);
        if let Ok(mut routes) = self.by_route.lock() {
            routes.entry(key).or_default().observe(took);
        }
    }
}

/// Middleware: counts every request and its time by status class and by route.
pub async fn count_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let metrics = req.app_data::<web::Data<HttpMetrics>>().cloned();
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.call(req).await?;
    if let Some(metrics) = metrics {
        let route = response
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        let key = (method, route, response.status().as_u16());
        metrics.record(key, started.elapsed());
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
    let mut series: Vec<(String, Histogram)> = match http.by_route.lock() {
        Ok(routes) => routes
            .iter()
            .map(|((method, route, status), h)| {
                let labels = format!(
                    "method=\"{method}\",route=\"{}\",status=\"{status}\"",
                    label_value(route)
                );
                (labels, h.clone())
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    series.sort_by(|a, b| a.0.cmp(&b.0));
    histogram_family(
        &mut out,
        "ferrodon_http_request_duration_seconds",
        "HTTP request latency by method, route pattern and status.",
        &series,
    );
    write_pool_gauges(&mut out, &state);
    write_queue_gauges(&mut out, &state, &Queue::ALL).await;
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(out)
}
