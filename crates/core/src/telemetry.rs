//! Logging set-up shared by the binaries, redaction of secrets in what
//! they log, and throttling of errors repeated during an outage.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Installs a `tracing` subscriber that honours RUST_LOG (default `info`)
/// and LOG_FORMAT (`text`, the default, or `json`: one JSON object a line
/// with `timestamp`, `level`, `fields` and the span context).
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = if json {
        builder.json().with_current_span(false).try_init()
    } else {
        builder.try_init()
    };
}

/// Logs what a process connects to, passwords hidden.
pub fn log_start(process: &str, config: &crate::Config) {
    tracing::info!(
        process,
        version = env!("CARGO_PKG_VERSION"),
        database = %redact_url(config.database_url.expose()),
        redis = %redact_url(config.redis_url.expose()),
        "starting"
    );
}

/// Lets one log line through per period: for errors that every request
/// repeats during an outage, so an outage is logged at `warn` once (per
/// period), and the repeats at `debug`.
pub struct LogThrottle {
    every_ms: u64,
    last_ms: AtomicU64,
}

impl LogThrottle {
    /// One line per `every_secs` seconds.
    pub const fn per_secs(every_secs: u64) -> Self {
        LogThrottle {
            every_ms: every_secs * 1000,
            last_ms: AtomicU64::new(0),
        }
    }

    /// True for the first call of a period.
    pub fn allow(&self) -> bool {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let last = self.last_ms.load(Ordering::Relaxed);
        now.saturating_sub(last) >= self.every_ms
            && self
                .last_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }
}

/// `url` with any password replaced by `***`
/// (`postgres://ferrodon:***@db/ferrodon`), for logs and error messages.
/// Text that does not parse as a URL is returned unchanged.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// `text` with every occurrence of `url`'s password replaced by `***`:
/// driver errors sometimes quote the connection string.
pub fn redact_password_of(url: &str, text: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => match parsed.password() {
            Some(password) if !password.is_empty() => text.replace(password, "***"),
            _ => text.to_owned(),
        },
        Err(_) => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_throttle_lets_one_line_through_per_period() {
        let throttle = LogThrottle::per_secs(60);
        assert!(throttle.allow());
        assert!(!throttle.allow());
        assert!(!throttle.allow());
    }

    #[test]
    fn passwords_in_urls_are_hidden() {
        assert_eq!(
            redact_url("postgres://ferrodon:s3cret@db:5432/ferrodon"),
            "postgres://ferrodon:***@db:5432/ferrodon"
        );
        assert_eq!(
            redact_url("redis://:pw@redis:6379/0"),
            "redis://:***@redis:6379/0"
        );
        assert_eq!(redact_url("redis://redis:6379/"), "redis://redis:6379/");
        assert_eq!(
            redact_password_of("postgres://u:s3cret@db/x", "could not connect with s3cret"),
            "could not connect with ***"
        );
    }
}
