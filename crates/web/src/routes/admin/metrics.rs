//! `/api/v1/admin/measures`, `/dimensions` and `/retention`: the admin
//! dashboard's numbers (Admin::Measure, Admin::Dimension, Admin::Cohort),
//! counted from the rows. Unknown keys are left out, as Mastodon does.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use ferrodon_core::auth::roles::{require_staff, Permission};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::metrics::{self, Breakdown, EventSource};
use ferrodon_core::db::Conn;
use ferrodon_core::entities::timestamp;
use ferrodon_core::languages::LANGUAGES;
use ferrodon_core::{AppState, Error, FERRODON_VERSION};
use serde_json::{json, Value};

use crate::error::ApiResult;
use crate::extract::{Auth, Params};

const READ: &[Scope] = &[Scope::AdminRead];

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/admin/measures", on::post().to(measures))
        .route("/api/v1/admin/dimensions", on::post().to(dimensions))
        .route("/api/v1/admin/retention", on::post().to(retention));
}

/// Midnight UTC of a date or date-time parameter; `None` when missing.
fn day_param(params: &Params, name: &str) -> ApiResult<Option<DateTime<Utc>>> {
    let Some(text) = params.nonempty(name) else {
        return Ok(None);
    };
    let date = DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc).date_naive())
        .or_else(|_| NaiveDate::parse_from_str(&text[..text.len().min(10)], "%Y-%m-%d"))
        .map_err(|_| Error::BadRequest(format!("{name} is not a date")))?;
    Ok(Some(midnight(date)))
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0)
        .map_or_else(Utc::now, |t| t.and_utc())
}

/// The period asked for, `[start, end)`: the days from `start_at` to
/// `end_at`, both included. A missing date leaves its side unbounded, as
/// Mastodon's `nil` dates do: totals and breakdowns count everything on
/// that side, and there are no days to list (nor a previous period).
#[derive(Debug, Clone, Copy)]
struct Span {
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
}

impl Span {
    /// Both ends, an unbounded one as a date no row reaches.
    fn bounds(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let earliest = DateTime::<Utc>::UNIX_EPOCH;
        let latest = NaiveDate::from_ymd_opt(9999, 12, 31).map_or_else(Utc::now, midnight);
        (self.start.unwrap_or(earliest), self.end.unwrap_or(latest))
    }

    /// Both ends, when both dates were given.
    fn days(self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        Some((self.start?, self.end?))
    }
}

fn period(params: &Params) -> ApiResult<Span> {
    let start = day_param(params, "start_at")?;
    let end = day_param(params, "end_at")?.map(|end| end + Duration::days(1));
    if let (Some(start), Some(end)) = (start, end) {
        if end <= start {
            return Err(Error::BadRequest("end_at is before start_at".into()).into());
        }
        if end - start > Duration::days(400) {
            return Err(Error::BadRequest("the period is longer than 400 days".into()).into());
        }
    }
    Ok(Span { start, end })
}

/// `key[field]` of a measure or dimension that takes a parameter.
fn key_param(params: &Params, key: &str, field: &str) -> String {
    params
        .get(key)
        .and_then(|v| v.get(field))
        .and_then(|v| match v {
            Value::String(s) => Some(s.trim().to_ascii_lowercase()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .unwrap_or_default()
}

/// The events of a measure key, the parameter it takes, and its unit.
fn measure_source(key: &str) -> Option<(EventSource, Option<&'static str>, Option<&'static str>)> {
    use metrics::*;
    Some(match key {
        "active_users" => (ACTIVE_USERS, None, None),
        "new_users" => (NEW_USERS, None, None),
        "interactions" => (INTERACTIONS, None, None),
        "opened_reports" => (OPENED_REPORTS, None, None),
        "resolved_reports" => (RESOLVED_REPORTS, None, None),
        "tag_accounts" => (TAG_ACCOUNTS, Some("id"), None),
        "tag_uses" => (TAG_USES, Some("id"), None),
        "tag_servers" => (TAG_SERVERS, Some("id"), None),
        "instance_accounts" => (INSTANCE_ACCOUNTS, Some("domain"), None),
        "instance_media_attachments" => (INSTANCE_MEDIA_ATTACHMENTS, Some("domain"), Some("bytes")),
        "instance_reports" => (INSTANCE_REPORTS, Some("domain"), None),
        "instance_statuses" => (INSTANCE_STATUSES, Some("domain"), None),
        "instance_follows" => (INSTANCE_FOLLOWS, Some("domain"), None),
        "instance_followers" => (INSTANCE_FOLLOWERS, Some("domain"), None),
        _ => return None,
    })
}

async fn measure(
    state: &AppState,
    conn: &mut Conn,
    params: &Params,
    key: &str,
    span: Span,
) -> ApiResult<Option<Value>> {
    let Some((source, field, unit)) = measure_source(key) else {
        return Ok(None);
    };
    let param = field.map_or_else(String::new, |f| key_param(params, key, f));
    let local = state.config.local_domain.as_str();
    let (from, to) = span.bounds();
    let total = metrics::total(conn, &source, &param, local, from, to).await?;
    let mut data = Vec::new();
    let mut previous = 0;
    if let Some((start, end)) = span.days() {
        let days = metrics::daily(conn, &source, &param, local, start, end).await?;
        let length = end - start;
        previous = metrics::total(conn, &source, &param, local, start - length, start).await?;
        let mut day = start;
        while day < end {
            let value = days.iter().find(|(d, _)| *d == day).map_or(0, |(_, v)| *v);
            data.push(json!({ "date": timestamp(&day), "value": value.to_string() }));
            day += Duration::days(1);
        }
    }
    let mut body = json!({
        "key": key,
        "unit": unit,
        "total": total.to_string(),
        "previous_total": previous.to_string(),
        "data": data,
    });
    if unit == Some("bytes") {
        body["human_value"] = json!(human_bytes(total));
    }
    Ok(Some(body))
}

async fn measures(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ViewDashboard)?;
    let span = period(&params)?;
    let mut conn = state.conn().await?;
    let mut body = Vec::new();
    for key in params.list("keys") {
        if let Some(m) = measure(&state, &mut conn, &params, &key, span).await? {
            body.push(m);
        }
    }
    Ok(HttpResponse::Ok().json(body))
}

/// `1.5 MB`-style text for a byte count.
fn human_bytes(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["Bytes", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} Bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn language_name(code: &str) -> String {
    LANGUAGES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, name)| (*name).to_owned())
}

/// The rows of a breakdown dimension, named for people by `human`.
async fn breakdown_rows(
    state: &AppState,
    conn: &mut Conn,
    query: Breakdown,
    param: &str,
    span: Span,
    limit: i64,
    human: fn(&str) -> String,
) -> ApiResult<Vec<Value>> {
    let rows = metrics::breakdown(
        conn,
        query,
        param,
        &state.config.local_domain,
        span.bounds(),
        limit,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, value)| json!({ "key": key, "human_key": human(&key), "value": value.to_string() }))
        .collect())
}

/// PostgreSQL, Redis and local media, in bytes.
async fn space_usage(state: &AppState, conn: &mut Conn) -> ApiResult<Vec<Value>> {
    let redis_bytes = state
        .redis_info("memory", "used_memory")
        .await
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let rows = [
        (
            "postgresql",
            "PostgreSQL",
            metrics::database_size(conn).await?,
        ),
        ("redis", "Redis", redis_bytes),
        (
            "media",
            "Media storage",
            metrics::local_media_size(conn).await?,
        ),
    ];
    Ok(rows
        .iter()
        .map(|(key, human, bytes)| {
            json!({
                "key": key,
                "human_key": human,
                "value": bytes.to_string(),
                "unit": "bytes",
                "human_value": human_bytes(*bytes),
            })
        })
        .collect())
}

async fn software_versions(state: &AppState, conn: &mut Conn) -> ApiResult<Vec<Value>> {
    let mut rows = vec![
        json!({ "key": "ferrodon", "human_key": "Ferrodon", "value": FERRODON_VERSION, "human_value": FERRODON_VERSION }),
    ];
    let pg = metrics::database_version(conn).await?;
    rows.push(
        json!({ "key": "postgresql", "human_key": "PostgreSQL", "value": pg, "human_value": pg }),
    );
    if let Some(version) = state.redis_info("server", "redis_version").await {
        rows.push(json!({ "key": "redis", "human_key": "Redis", "value": version, "human_value": version }));
    }
    Ok(rows)
}

async fn dimension(
    state: &AppState,
    conn: &mut Conn,
    params: &Params,
    key: &str,
    span: Span,
    limit: i64,
) -> ApiResult<Option<Value>> {
    let same = |k: &str| k.to_owned();
    let languages = |k: &str| language_name(k);
    let data = match key {
        "languages" => {
            breakdown_rows(state, conn, metrics::LANGUAGES, "", span, limit, languages).await?
        }
        "sources" => breakdown_rows(state, conn, metrics::SOURCES, "", span, limit, same).await?,
        "servers" => breakdown_rows(state, conn, metrics::SERVERS, "", span, limit, same).await?,
        "space_usage" => space_usage(state, conn).await?,
        "software_versions" => software_versions(state, conn).await?,
        "tag_servers" | "tag_languages" => {
            let (query, human): (Breakdown, fn(&str) -> String) = if key == "tag_servers" {
                (metrics::TAG_SERVERS_BREAKDOWN, same)
            } else {
                (metrics::TAG_LANGUAGES, languages)
            };
            let id = key_param(params, key, "id");
            breakdown_rows(state, conn, query, &id, span, limit, human).await?
        }
        "instance_accounts" | "instance_languages" => {
            let (query, human): (Breakdown, fn(&str) -> String) = if key == "instance_accounts" {
                (metrics::INSTANCE_ACCOUNTS_BREAKDOWN, same)
            } else {
                (metrics::INSTANCE_LANGUAGES, languages)
            };
            let domain = key_param(params, key, "domain");
            breakdown_rows(state, conn, query, &domain, span, limit, human).await?
        }
        _ => return Ok(None),
    };
    Ok(Some(json!({ "key": key, "data": data })))
}

async fn dimensions(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ViewDashboard)?;
    let span = period(&params)?;
    let limit = params.i64("limit")?.unwrap_or(10).clamp(1, 100);
    let mut conn = state.conn().await?;
    let mut body = Vec::new();
    for key in params.list("keys") {
        if let Some(d) = dimension(&state, &mut conn, &params, &key, span, limit).await? {
            body.push(d);
        }
    }
    Ok(HttpResponse::Ok().json(body))
}

/// The start of the period after `at` (a day or a calendar month).
fn next_period(at: DateTime<Utc>, monthly: bool) -> DateTime<Utc> {
    if !monthly {
        return at + Duration::days(1);
    }
    let date = at.date_naive();
    let (year, month) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1).map_or(at + Duration::days(31), midnight)
}

/// Cohorts of users by sign-up day (or month) in the period, each with the
/// share of them active in every later period up to `end_at`.
async fn retention(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ViewDashboard)?;
    // Without both dates there are no periods to list (Mastodon's
    // generate_series over a NULL date yields none); an unknown frequency
    // is `day`, as Mastodon's.
    let Some((mut start, end)) = period(&params)?.days() else {
        return Ok(HttpResponse::Ok().json(Vec::<Value>::new()));
    };
    let monthly = params.str("frequency").as_deref() == Some("month");
    let frequency = if monthly { "month" } else { "day" };
    if monthly {
        let date = start.date_naive();
        start = NaiveDate::from_ymd_opt(date.year(), date.month(), 1).map_or(start, midnight);
    }
    let mut conn = state.conn().await?;
    let mut cohorts = Vec::new();
    let mut cohort = start;
    while cohort < end {
        let cohort_end = next_period(cohort, monthly);
        let mut data = Vec::new();
        let mut at = cohort;
        while at < end {
            let at_end = next_period(at, monthly);
            let (size, active) =
                metrics::cohort_activity(&mut conn, (cohort, cohort_end), (at, at_end)).await?;
            let value = if at == cohort { size } else { active };
            let rate = if size == 0 {
                0.0
            } else {
                value as f64 / size as f64
            };
            data.push(json!({ "date": timestamp(&at), "rate": rate, "value": value.to_string() }));
            at = at_end;
        }
        cohorts.push(json!({ "period": timestamp(&cohort), "frequency": frequency, "data": data }));
        cohort = cohort_end;
    }
    Ok(HttpResponse::Ok().json(cohorts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_read_as_people_write_them() {
        assert_eq!(human_bytes(512), "512 Bytes");
        assert_eq!(human_bytes(1536), "1.5 KB");
        assert_eq!(human_bytes(3 * 1024 * 1024), "3.0 MB");
    }

    #[test]
    fn months_roll_over_the_year() {
        let dec = midnight(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default());
        let jan = midnight(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default());
        assert_eq!(next_period(dec, true), jan);
        assert_eq!(next_period(dec, false), dec + Duration::days(1));
    }
}
