//! One typed configuration, read once from the environment at start-up.
//!
//! Variable names follow Mastodon's `.env.production` where one exists, so
//! an operator can bring theirs. A missing or malformed value stops the
//! process with a message naming the variable. docs/configuration.md lists
//! every variable read here; a test keeps the two in step.
use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

mod ip_range;
mod media;
mod smtp;
mod translation;
pub use ip_range::IpRange;
pub use media::{parse_byte_size, MediaConfig, S3Config, StorageConfig};
pub use smtp::{SmtpAuthMethod, SmtpConfig, StartTls};
pub use translation::{DeeplPlan, TranslationConfig};

pub use crate::secrets::Secret;

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is not set.
    #[error("{0} must be set")]
    Missing(&'static str),
    /// A variable is set to something unusable.
    #[error("{name} is invalid: {reason}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// Every setting of a Ferrodon process.
#[derive(Debug, Clone)]
pub struct Config {
    /// LOCAL_DOMAIN: the domain in account handles (`user@LOCAL_DOMAIN`). Required.
    pub local_domain: String,
    /// WEB_DOMAIN: where the server is reached, if different from LOCAL_DOMAIN.
    pub web_domain: String,
    /// DATABASE_URL, or built from DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASS.
    pub database_url: Secret,
    /// REPLICA_DATABASE_URL, or built from REPLICA_DB_HOST, REPLICA_DB_PORT,
    /// REPLICA_DB_NAME, REPLICA_DB_USER, REPLICA_DB_PASS (each defaulting to
    /// the primary's): a read replica for read-only queries that may lag a
    /// little (public and tag timelines, search, the directory, trends).
    /// None when neither is set.
    pub replica_database_url: Option<Secret>,
    /// DB_POOL: connections per process (default 10).
    pub db_pool: usize,
    /// REDIS_URL, or built from REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, REDIS_DB.
    pub redis_url: Secret,
    /// REDIS_NAMESPACE: prefix for every Redis key, so instances can share a Redis.
    pub redis_namespace: String,
    /// SECRET_KEY_BASE: at least 32 characters. Required.
    pub secret_key_base: Secret,
    /// SINGLE_USER_MODE: redirect the landing page to the only account (default false).
    pub single_user_mode: bool,
    /// BIND: address the web and streaming servers listen on (default 127.0.0.1).
    pub bind: IpAddr,
    /// PORT: web server port (default 3000).
    pub port: u16,
    /// STREAMING_PORT: streaming server port (default 4000).
    pub streaming_port: u16,
    /// STREAMING_API_BASE_URL: public URL of the streaming server (default wss://WEB_DOMAIN).
    pub streaming_api_base_url: String,
    /// WEB_CONCURRENCY: HTTP worker threads of ferrodon-web (default: number of CPUs).
    pub web_concurrency: usize,
    /// TRUSTED_PROXY_IP: comma-separated proxies (addresses or CIDR ranges)
    /// whose X-Forwarded-For is believed (default loopback).
    pub trusted_proxy_ips: Vec<IpRange>,
    /// FERRODON_DEV_ALLOW_HTTP: serve and emit http:// URLs, for loopback development (default false).
    pub dev_allow_http: bool,
    /// FERRODON_ENABLE_PASSWORD_GRANT: accept OAuth `grant_type=password` (default false; removed in Mastodon 4.3).
    pub enable_password_grant: bool,
    /// FERRODON_MAX_STATUS_CHARS: longest status text (default 500).
    pub max_status_chars: usize,
    /// FERRODON_AUTH_RATE_LIMIT: sign-in, token and sign-up attempts allowed per IP per 5 minutes (default 30).
    pub auth_rate_limit: u32,
    /// FERRODON_API_RATE_LIMIT: API requests allowed per token (or per IP without one) per 5 minutes (default 300, as Mastodon).
    pub api_rate_limit: u32,
    /// How many times a failing job is tried before it becomes a dead letter (FERRODON_JOB_MAX_ATTEMPTS).
    pub job_max_attempts: u32,
    /// Wait before a failed job's first retry; doubles per attempt (FERRODON_JOB_RETRY_BASE).
    pub job_retry_base: Duration,
    /// A job running longer than this fails (FERRODON_JOB_TIMEOUT).
    pub job_timeout: Duration,
    /// Jobs one worker process runs at once per queue (FERRODON_WORKER_CONCURRENCY).
    pub worker_concurrency: usize,
    /// A worker whose queue backend keeps failing this long exits non-zero (FERRODON_WORKER_GIVE_UP_AFTER).
    pub worker_give_up_after: Duration,
    /// The scheduler leadership lease's length (FERRODON_SCHEDULER_LEASE).
    pub scheduler_lease: Duration,
    /// On SIGTERM, how long in-flight requests and jobs may take to finish
    /// before the process exits anyway (FERRODON_SHUTDOWN_TIMEOUT).
    pub shutdown_timeout: Duration,
    /// Interval overrides for periodic tasks, `name=duration,…` (FERRODON_SCHEDULE).
    pub schedule: Vec<(String, Duration)>,
    /// Port of the Prometheus endpoint of worker processes; 0 turns it off (FERRODON_METRICS_PORT).
    pub metrics_port: u16,
    /// Outgoing e-mail (SMTP_*, FERRODON_MAIL_DIR).
    pub smtp: SmtpConfig,
    /// Media storage, limits and the remote media cache.
    pub media: MediaConfig,
    /// AUTHORIZED_FETCH: ActivityPub GETs must be signed ("secure mode"); unsigned
    /// fetches of an actor get only what verifying signatures needs (default false).
    pub authorized_fetch: bool,
    /// LIMITED_FEDERATION_MODE: federate only with the domains staff allowed
    /// (`/api/v1/admin/domain_allows`); every other server is refused in the
    /// inbox and never delivered to or fetched from (default false).
    pub limited_federation_mode: bool,
    /// FERRODON_KEY_FETCH_BUDGET: how many signature key fetches deliveries
    /// may cause per remote domain and minute; beyond it they are answered
    /// 503 (default 60).
    pub key_fetch_budget: u32,
    /// FERRODON_KEY_FETCH_FAILURE_TTL: how long a failed key fetch is
    /// remembered (not tried again), and a server whose key fetches keep
    /// failing is left alone (default 10m).
    pub key_fetch_failure_ttl: Duration,
    /// FERRODON_DEV_ALLOW_PRIVATE_FETCH: let server-side fetches (remote media,
    /// federation) reach loopback and private addresses, for tests only (default false).
    pub dev_allow_private_fetch: bool,
    /// FERRODON_DEV_CONFIRM_SIGN_UPS: public sign-ups (`POST
    /// /api/v1/accounts` and the sign-up page) have their e-mail confirmed
    /// at once, so the token an API sign-up returns works straight away;
    /// for client test suites only (default false).
    pub dev_confirm_sign_ups: bool,
    /// VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY: the Web Push key pair
    /// (`ferrodonctl webpush generate-vapid-key`); None when unset, and then
    /// no push notification is sent.
    pub vapid: Option<crate::secrets::vapid::VapidKeys>,
    /// The translation service (DEEPL_API_KEY, DEEPL_PLAN,
    /// LIBRE_TRANSLATE_ENDPOINT, LIBRE_TRANSLATE_API_KEY); None when unset,
    /// and then no status is translatable.
    pub translation: Option<TranslationConfig>,
}

/// Every variable [`Config::from_env`] reads, for the documentation check.
pub const ENV_VARS: &[&str] = &[
    "LOCAL_DOMAIN",
    "WEB_DOMAIN",
    "DATABASE_URL",
    "DB_HOST",
    "DB_PORT",
    "DB_NAME",
    "DB_USER",
    "DB_PASS",
    "DB_POOL",
    "REPLICA_DATABASE_URL",
    "REPLICA_DB_HOST",
    "REPLICA_DB_PORT",
    "REPLICA_DB_NAME",
    "REPLICA_DB_USER",
    "REPLICA_DB_PASS",
    "REDIS_URL",
    "REDIS_HOST",
    "REDIS_PORT",
    "REDIS_PASSWORD",
    "REDIS_DB",
    "REDIS_NAMESPACE",
    "SECRET_KEY_BASE",
    "SINGLE_USER_MODE",
    "BIND",
    "PORT",
    "STREAMING_PORT",
    "STREAMING_API_BASE_URL",
    "WEB_CONCURRENCY",
    "TRUSTED_PROXY_IP",
    "FERRODON_DEV_ALLOW_HTTP",
    "FERRODON_ENABLE_PASSWORD_GRANT",
    "FERRODON_MAX_STATUS_CHARS",
    "FERRODON_AUTH_RATE_LIMIT",
    "FERRODON_API_RATE_LIMIT",
    "FERRODON_JOB_MAX_ATTEMPTS",
    "FERRODON_JOB_RETRY_BASE",
    "FERRODON_JOB_TIMEOUT",
    "FERRODON_WORKER_CONCURRENCY",
    "FERRODON_WORKER_GIVE_UP_AFTER",
    "FERRODON_SCHEDULER_LEASE",
    "FERRODON_SHUTDOWN_TIMEOUT",
    "FERRODON_SCHEDULE",
    "FERRODON_METRICS_PORT",
    "SMTP_SERVER",
    "SMTP_PORT",
    "SMTP_LOGIN",
    "SMTP_PASSWORD",
    "SMTP_FROM_ADDRESS",
    "SMTP_DOMAIN",
    "SMTP_AUTH_METHOD",
    "SMTP_ENABLE_STARTTLS",
    "SMTP_TLS",
    "SMTP_SSL",
    "SMTP_OPENSSL_VERIFY_MODE",
    "FERRODON_SMTP_TIMEOUT",
    "FERRODON_MAIL_DIR",
    "S3_ENABLED",
    "S3_BUCKET",
    "S3_REGION",
    "S3_ENDPOINT",
    "S3_HOSTNAME",
    "S3_PROTOCOL",
    "S3_OVERRIDE_PATH_STYLE",
    "S3_ALIAS_HOST",
    "S3_PERMISSION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "FERRODON_S3_TIMEOUT",
    "PAPERCLIP_ROOT_PATH",
    "PAPERCLIP_ROOT_URL",
    "MEDIA_CACHE_RETENTION_PERIOD",
    "FERRODON_MEDIA_CACHE_MAX_BYTES",
    "FERRODON_MAX_IMAGE_BYTES",
    "FERRODON_MAX_VIDEO_BYTES",
    "FERRODON_MAX_IMAGE_PIXELS",
    "FFMPEG_BINARY",
    "FERRODON_MEDIA_PROCESSING_TIMEOUT",
    "FERRODON_FFMPEG_MEMORY_LIMIT",
    "FERRODON_REMOTE_MEDIA_MAX_BYTES",
    "FERRODON_DEV_ALLOW_PRIVATE_FETCH",
    "FERRODON_DEV_CONFIRM_SIGN_UPS",
    "AUTHORIZED_FETCH",
    "LIMITED_FEDERATION_MODE",
    "VAPID_PRIVATE_KEY",
    "VAPID_PUBLIC_KEY",
    "DEEPL_API_KEY",
    "DEEPL_PLAN",
    "LIBRE_TRANSLATE_ENDPOINT",
    "LIBRE_TRANSLATE_API_KEY",
    "RUST_LOG",
    "LOG_FORMAT",
];

struct Env(HashMap<String, String>);

impl Env {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    fn required(&self, name: &'static str) -> Result<&str, ConfigError> {
        self.get(name).ok_or(ConfigError::Missing(name))
    }

    fn parse<T: std::str::FromStr>(&self, name: &'static str, default: T) -> Result<T, ConfigError>
    where
        T::Err: fmt::Display,
    {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => raw.parse().map_err(|e: T::Err| ConfigError::Invalid {
                name,
                reason: format!("{raw:?}: {e}"),
            }),
        }
    }

    fn duration(&self, name: &'static str, default: Duration) -> Result<Duration, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => parse_duration(raw).ok_or_else(|| ConfigError::Invalid {
                name,
                reason: format!("{raw:?} is not a duration such as 30s, 5m, 2h or 1d"),
            }),
        }
    }

    fn schedule(&self, name: &'static str) -> Result<Vec<(String, Duration)>, ConfigError> {
        let Some(raw) = self.get(name) else {
            return Ok(Vec::new());
        };
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|entry| {
                let (task, every) = entry.split_once('=').ok_or_else(|| ConfigError::Invalid {
                    name,
                    reason: format!("{entry:?} is not name=duration"),
                })?;
                let every = parse_duration(every.trim())
                    .filter(|d| !d.is_zero())
                    .ok_or_else(|| ConfigError::Invalid {
                        name,
                        reason: format!("{every:?} is not a duration such as 30s, 5m, 2h or 1d"),
                    })?;
                Ok((task.trim().to_owned(), every))
            })
            .collect()
    }

    /// One of a fixed set of lower-case words.
    fn choice<T: Copy>(
        &self,
        name: &'static str,
        options: &[(&str, T)],
        default: T,
    ) -> Result<T, ConfigError> {
        let Some(raw) = self.get(name) else {
            return Ok(default);
        };
        let wanted = raw.to_ascii_lowercase();
        options
            .iter()
            .find(|(word, _)| *word == wanted)
            .map(|(_, value)| *value)
            .ok_or_else(|| ConfigError::Invalid {
                name,
                reason: format!(
                    "{raw:?} is not one of {}",
                    options
                        .iter()
                        .map(|(word, _)| *word)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }

    fn flag(&self, name: &'static str) -> Result<bool, ConfigError> {
        match self.get(name).map(|s| s.to_ascii_lowercase()) {
            None => Ok(false),
            Some(v) if ["true", "1", "yes", "on"].contains(&v.as_str()) => Ok(true),
            Some(v) if ["false", "0", "no", "off"].contains(&v.as_str()) => Ok(false),
            Some(v) => Err(ConfigError::Invalid {
                name,
                reason: format!("{v:?} is not true or false"),
            }),
        }
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars())
    }

    /// Builds a configuration from explicit variables (tests use this).
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let env = Env(vars.into_iter().collect());
        let local_domain = env.required("LOCAL_DOMAIN")?.to_lowercase();
        if local_domain.contains('/') || local_domain.contains('@') || local_domain.contains(' ') {
            return Err(ConfigError::Invalid {
                name: "LOCAL_DOMAIN",
                reason: "must be a bare domain such as example.com".into(),
            });
        }
        let web_domain = env
            .get("WEB_DOMAIN")
            .map(str::to_lowercase)
            .unwrap_or_else(|| local_domain.clone());
        let secret_key_base = env.required("SECRET_KEY_BASE")?;
        if secret_key_base.len() < 32 {
            return Err(ConfigError::Invalid {
                name: "SECRET_KEY_BASE",
                reason: "must be at least 32 characters (generate one with `openssl rand -hex 64`)"
                    .into(),
            });
        }
        let dev_allow_http = env.flag("FERRODON_DEV_ALLOW_HTTP")?;
        let ws_scheme = if dev_allow_http { "ws" } else { "wss" };
        let trusted_proxy_ips = env
            .get("TRUSTED_PROXY_IP")
            .unwrap_or("127.0.0.1,::1")
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| {
                IpRange::parse(s).ok_or_else(|| ConfigError::Invalid {
                    name: "TRUSTED_PROXY_IP",
                    reason: format!("{s:?} is not an IP address or CIDR range"),
                })
            })
            .collect::<Result<_, _>>()?;
        let cpus = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        let database_url = database_url(&env)?;
        let redis_url = redis_url(&env)?;
        let smtp = SmtpConfig::from_env(&env, &local_domain)?;
        let media = MediaConfig::from_env(&env)?;
        let vapid = vapid_keys(&env)?;
        Ok(Config {
            streaming_api_base_url: env
                .get("STREAMING_API_BASE_URL")
                .map(|s| s.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| format!("{ws_scheme}://{web_domain}")),
            local_domain,
            web_domain,
            database_url: Secret::new(database_url),
            replica_database_url: replica_database_url(&env)?.map(Secret::new),
            db_pool: env.parse("DB_POOL", 10)?,
            redis_url: Secret::new(redis_url),
            redis_namespace: env.get("REDIS_NAMESPACE").unwrap_or("").to_owned(),
            secret_key_base: Secret::new(secret_key_base),
            single_user_mode: env.flag("SINGLE_USER_MODE")?,
            bind: env.parse("BIND", IpAddr::from([127, 0, 0, 1]))?,
            port: env.parse("PORT", 3000)?,
            streaming_port: env.parse("STREAMING_PORT", 4000)?,
            web_concurrency: env.parse("WEB_CONCURRENCY", cpus)?.max(1),
            trusted_proxy_ips,
            dev_allow_http,
            enable_password_grant: env.flag("FERRODON_ENABLE_PASSWORD_GRANT")?,
            max_status_chars: env.parse("FERRODON_MAX_STATUS_CHARS", 500)?.max(1),
            auth_rate_limit: env.parse("FERRODON_AUTH_RATE_LIMIT", 30)?,
            api_rate_limit: env.parse("FERRODON_API_RATE_LIMIT", 300)?,
            job_max_attempts: env.parse("FERRODON_JOB_MAX_ATTEMPTS", 16)?.max(1),
            job_retry_base: env.duration("FERRODON_JOB_RETRY_BASE", Duration::from_secs(15))?,
            job_timeout: env
                .duration("FERRODON_JOB_TIMEOUT", Duration::from_secs(300))?
                .max(Duration::from_millis(100)),
            worker_concurrency: env.parse("FERRODON_WORKER_CONCURRENCY", 10)?.max(1),
            worker_give_up_after: env
                .duration("FERRODON_WORKER_GIVE_UP_AFTER", Duration::from_secs(120))?,
            scheduler_lease: env
                .duration("FERRODON_SCHEDULER_LEASE", Duration::from_secs(30))?
                .max(Duration::from_secs(1)),
            shutdown_timeout: env.duration("FERRODON_SHUTDOWN_TIMEOUT", Duration::from_secs(30))?,
            schedule: env.schedule("FERRODON_SCHEDULE")?,
            metrics_port: env.parse("FERRODON_METRICS_PORT", 0)?,
            smtp,
            media,
            dev_allow_private_fetch: env.flag("FERRODON_DEV_ALLOW_PRIVATE_FETCH")?,
            dev_confirm_sign_ups: env.flag("FERRODON_DEV_CONFIRM_SIGN_UPS")?,
            authorized_fetch: env.flag("AUTHORIZED_FETCH")?,
            limited_federation_mode: env.flag("LIMITED_FEDERATION_MODE")?,
            key_fetch_budget: env.parse("FERRODON_KEY_FETCH_BUDGET", 60)?,
            key_fetch_failure_ttl: env
                .duration("FERRODON_KEY_FETCH_FAILURE_TTL", Duration::from_secs(600))?
                .max(Duration::from_secs(1)),
            vapid,
            translation: TranslationConfig::from_env(&env)?,
        })
    }

    /// `https://WEB_DOMAIN` (or http:// when FERRODON_DEV_ALLOW_HTTP is on), without a trailing slash.
    pub fn base_url(&self) -> String {
        let scheme = if self.dev_allow_http { "http" } else { "https" };
        format!("{scheme}://{}", self.web_domain)
    }
}

/// Parses `250ms`, `30s`, `5m`, `2h`, `1d`, or plain seconds.
pub fn parse_duration(raw: &str) -> Option<Duration> {
    let raw = raw.trim();
    let split = raw
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let number: f64 = number.parse().ok()?;
    let secs = match unit.trim() {
        "ms" => number / 1000.0,
        "" | "s" => number,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        "d" => number * 86_400.0,
        _ => return None,
    };
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

/// Both VAPID variables or neither; when set, they must be a P-256 pair.
fn vapid_keys(env: &Env) -> Result<Option<crate::secrets::vapid::VapidKeys>, ConfigError> {
    match (env.get("VAPID_PRIVATE_KEY"), env.get("VAPID_PUBLIC_KEY")) {
        (None, None) => Ok(None),
        (Some(private), Some(public)) => crate::secrets::vapid::VapidKeys::new(private, public)
            .map(Some)
            .map_err(|e| ConfigError::Invalid {
                name: "VAPID_PRIVATE_KEY",
                reason: e.to_string(),
            }),
        (None, Some(_)) => Err(ConfigError::Missing("VAPID_PRIVATE_KEY")),
        (Some(_), None) => Err(ConfigError::Missing("VAPID_PUBLIC_KEY")),
    }
}

/// The names of the variables one database connection is configured with.
struct DbVars {
    url: &'static str,
    host: &'static str,
    port: &'static str,
    name: &'static str,
    user: &'static str,
    pass: &'static str,
}

const PRIMARY_DB: DbVars = DbVars {
    url: "DATABASE_URL",
    host: "DB_HOST",
    port: "DB_PORT",
    name: "DB_NAME",
    user: "DB_USER",
    pass: "DB_PASS",
};

const REPLICA_DB: DbVars = DbVars {
    url: "REPLICA_DATABASE_URL",
    host: "REPLICA_DB_HOST",
    port: "REPLICA_DB_PORT",
    name: "REPLICA_DB_NAME",
    user: "REPLICA_DB_USER",
    pass: "REPLICA_DB_PASS",
};

fn database_url(env: &Env) -> Result<String, ConfigError> {
    database_url_from(env, &PRIMARY_DB, None)
}

/// The replica's URL when REPLICA_DATABASE_URL or REPLICA_DB_HOST is set;
/// the other REPLICA_DB_* default to the primary's DB_* values.
fn replica_database_url(env: &Env) -> Result<Option<String>, ConfigError> {
    if env.get(REPLICA_DB.url).is_none() && env.get(REPLICA_DB.host).is_none() {
        return Ok(None);
    }
    database_url_from(env, &REPLICA_DB, Some(&PRIMARY_DB)).map(Some)
}

fn database_url_from(
    env: &Env,
    vars: &DbVars,
    fallback: Option<&DbVars>,
) -> Result<String, ConfigError> {
    if let Some(url) = env.get(vars.url) {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(ConfigError::Invalid {
                name: vars.url,
                reason: "must start with postgres:// or postgresql://".into(),
            });
        }
        return Ok(url.to_owned());
    }
    let get = |own: &'static str, primary: Option<&'static str>| {
        env.get(own)
            .or_else(|| primary.and_then(|name| env.get(name)))
    };
    let host = get(vars.host, fallback.map(|f| f.host)).unwrap_or("localhost");
    let port: u16 = match (env.get(vars.port), fallback) {
        (None, Some(primary)) => env.parse(primary.port, 5432)?,
        _ => env.parse(vars.port, 5432)?,
    };
    let name = get(vars.name, fallback.map(|f| f.name)).unwrap_or("ferrodon_production");
    let user = get(vars.user, fallback.map(|f| f.user)).unwrap_or("ferrodon");
    let mut url = url::Url::parse("postgres://localhost/").map_err(|e| ConfigError::Invalid {
        name: vars.host,
        reason: e.to_string(),
    })?;
    url.set_host(Some(host)).map_err(|e| ConfigError::Invalid {
        name: vars.host,
        reason: e.to_string(),
    })?;
    let _ = url.set_port(Some(port));
    let _ = url.set_username(user);
    if let Some(pass) = get(vars.pass, fallback.map(|f| f.pass)) {
        let _ = url.set_password(Some(pass));
    }
    url.set_path(name);
    Ok(url.to_string())
}

fn redis_url(env: &Env) -> Result<String, ConfigError> {
    if let Some(url) = env.get("REDIS_URL") {
        if !(url.starts_with("redis://")
            || url.starts_with("rediss://")
            || url.starts_with("unix://"))
        {
            return Err(ConfigError::Invalid {
                name: "REDIS_URL",
                reason: "must start with redis://, rediss:// or unix://".into(),
            });
        }
        return Ok(url.to_owned());
    }
    let host = env.get("REDIS_HOST").unwrap_or("localhost");
    let port: u16 = env.parse("REDIS_PORT", 6379)?;
    let db: u8 = env.parse("REDIS_DB", 0)?;
    Ok(match env.get("REDIS_PASSWORD") {
        Some(pass) => format!("redis://:{pass}@{host}:{port}/{db}"),
        None => format!("redis://{host}:{port}/{db}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef0123";

    #[test]
    fn missing_local_domain_is_named() {
        let err = Config::from_vars(vars(&[("SECRET_KEY_BASE", SECRET)])).unwrap_err();
        assert_eq!(err.to_string(), "LOCAL_DOMAIN must be set");
    }

    #[test]
    fn short_secret_is_rejected() {
        let err = Config::from_vars(vars(&[
            ("LOCAL_DOMAIN", "a.example"),
            ("SECRET_KEY_BASE", "x"),
        ]))
        .unwrap_err();
        assert!(err.to_string().starts_with("SECRET_KEY_BASE is invalid"));
    }

    #[test]
    fn mastodon_db_variables_build_a_url() {
        let c = Config::from_vars(vars(&[
            ("LOCAL_DOMAIN", "Social.Example"),
            ("SECRET_KEY_BASE", SECRET),
            ("DB_HOST", "db"),
            ("DB_USER", "mastodon"),
            ("DB_PASS", "p@ss"),
            ("DB_NAME", "mastodon_production"),
            ("REDIS_HOST", "cache"),
        ]))
        .unwrap();
        assert_eq!(
            c.database_url.expose(),
            "postgres://mastodon:p%40ss@db:5432/mastodon_production"
        );
        assert_eq!(c.redis_url.expose(), "redis://cache:6379/0");
        assert_eq!(c.local_domain, "social.example");
        assert_eq!(c.base_url(), "https://social.example");
        assert_eq!(c.streaming_api_base_url, "wss://social.example");
        assert!(!format!("{c:?}").contains("p@ss"));
    }

    #[test]
    fn a_replica_host_inherits_the_primarys_other_settings() {
        let base = [
            ("LOCAL_DOMAIN", "social.example"),
            ("SECRET_KEY_BASE", SECRET),
            ("DB_HOST", "db"),
            ("DB_USER", "mastodon"),
            ("DB_PASS", "secret"),
            ("DB_NAME", "mastodon_production"),
        ];
        let none = Config::from_vars(vars(&base)).unwrap();
        assert!(none.replica_database_url.is_none());
        let mut with_host = base.to_vec();
        with_host.push(("REPLICA_DB_HOST", "db-replica"));
        with_host.push(("REPLICA_DB_PORT", "6432"));
        let c = Config::from_vars(vars(&with_host)).unwrap();
        assert_eq!(
            c.replica_database_url.as_ref().map(Secret::expose),
            Some("postgres://mastodon:secret@db-replica:6432/mastodon_production")
        );
        let mut with_url = base.to_vec();
        with_url.push(("REPLICA_DATABASE_URL", "mysql://nope"));
        let err = Config::from_vars(vars(&with_url)).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("REPLICA_DATABASE_URL is invalid"));
    }

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("45"), Some(Duration::from_secs(45)));
        assert_eq!(parse_duration("5m"), Some(Duration::from_secs(300)));
        assert_eq!(parse_duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_duration("1d"), Some(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("5y"), None);
    }

    #[test]
    fn schedule_overrides_parse_and_bad_ones_are_named() {
        let base = [("LOCAL_DOMAIN", "a.example"), ("SECRET_KEY_BASE", SECRET)];
        let mut good = base.to_vec();
        good.push((
            "FERRODON_SCHEDULE",
            "vacuum_queues=1m, remove_expired_mutes=2h",
        ));
        let c = Config::from_vars(vars(&good)).unwrap();
        assert_eq!(
            c.schedule,
            vec![
                ("vacuum_queues".to_owned(), Duration::from_secs(60)),
                ("remove_expired_mutes".to_owned(), Duration::from_secs(7200)),
            ]
        );
        let mut bad = base.to_vec();
        bad.push(("FERRODON_SCHEDULE", "vacuum_queues"));
        let err = Config::from_vars(vars(&bad)).unwrap_err();
        assert!(err.to_string().starts_with("FERRODON_SCHEDULE is invalid"));
    }

    #[test]
    fn bad_port_names_variable() {
        let err = Config::from_vars(vars(&[
            ("LOCAL_DOMAIN", "a.example"),
            ("SECRET_KEY_BASE", SECRET),
            ("PORT", "eighty"),
        ]))
        .unwrap_err();
        assert!(err.to_string().starts_with("PORT is invalid"));
    }

    #[test]
    fn translation_is_off_by_default_and_deepl_wins() {
        let base = [("LOCAL_DOMAIN", "a.example"), ("SECRET_KEY_BASE", SECRET)];
        assert!(Config::from_vars(vars(&base))
            .unwrap()
            .translation
            .is_none());

        let mut libre = base.to_vec();
        libre.extend([
            ("LIBRE_TRANSLATE_ENDPOINT", "http://10.0.0.5:5000/"),
            ("LIBRE_TRANSLATE_API_KEY", "sesame"),
        ]);
        let c = Config::from_vars(vars(&libre)).unwrap();
        match &c.translation {
            Some(TranslationConfig::LibreTranslate { endpoint, api_key }) => {
                assert_eq!(endpoint, "http://10.0.0.5:5000");
                assert_eq!(api_key.as_ref().map(Secret::expose), Some("sesame"));
            }
            other => panic!("{other:?}"),
        }
        assert!(!format!("{c:?}").contains("sesame"));

        let mut deepl = libre.clone();
        deepl.extend([("DEEPL_API_KEY", "k"), ("DEEPL_PLAN", "free")]);
        let c = Config::from_vars(vars(&deepl)).unwrap();
        assert!(matches!(
            c.translation,
            Some(TranslationConfig::Deepl {
                plan: DeeplPlan::Free,
                ..
            })
        ));

        let mut bad = base.to_vec();
        bad.push(("LIBRE_TRANSLATE_ENDPOINT", "ftp://x"));
        let err = Config::from_vars(vars(&bad)).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("LIBRE_TRANSLATE_ENDPOINT is invalid"));
    }

    #[test]
    fn smtp_settings_parse_and_bad_ones_are_named() {
        let base = [
            ("LOCAL_DOMAIN", "a.example:8080"),
            ("SECRET_KEY_BASE", SECRET),
        ];
        let c = Config::from_vars(vars(&base)).unwrap();
        assert_eq!(c.smtp.server, None);
        assert_eq!(c.smtp.port, 587);
        assert_eq!(c.smtp.from_address, "notifications@a.example");
        assert_eq!(c.smtp.starttls, StartTls::Auto);
        assert_eq!(c.smtp.auth_method, SmtpAuthMethod::Plain);
        assert!(c.smtp.verify_peer);

        let mut tls = base.to_vec();
        tls.extend([
            ("SMTP_SERVER", "smtp.example"),
            ("SMTP_SSL", "true"),
            ("SMTP_PASSWORD", "hunter22"),
            ("SMTP_AUTH_METHOD", "LOGIN"),
            ("SMTP_OPENSSL_VERIFY_MODE", "none"),
            ("SMTP_FROM_ADDRESS", "Ferrodon <mail@a.example>"),
        ]);
        let c = Config::from_vars(vars(&tls)).unwrap();
        assert!(c.smtp.implicit_tls);
        assert_eq!(c.smtp.port, 465);
        assert_eq!(c.smtp.auth_method, SmtpAuthMethod::Login);
        assert!(!c.smtp.verify_peer);
        assert!(!format!("{c:?}").contains("hunter22"));

        for (name, value) in [
            ("SMTP_ENABLE_STARTTLS", "sometimes"),
            ("SMTP_AUTH_METHOD", "cram_md5"),
            ("SMTP_OPENSSL_VERIFY_MODE", "maybe"),
            ("SMTP_PORT", "smtp"),
            ("SMTP_TLS", "yes please"),
            ("SMTP_FROM_ADDRESS", "not an address"),
        ] {
            let mut bad = base.to_vec();
            bad.push((name, value));
            let err = Config::from_vars(vars(&bad)).unwrap_err();
            assert!(
                err.to_string().starts_with(&format!("{name} is invalid")),
                "{err}"
            );
        }
    }

    #[test]
    fn documentation_lists_every_variable() {
        let doc = include_str!("../../../docs/configuration.md");
        for var in ENV_VARS {
            assert!(
                doc.contains(&format!("`{var}`")),
                "docs/configuration.md does not list {var}"
            );
        }
    }
}
