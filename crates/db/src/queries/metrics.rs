//! Numbers for the admin dashboard (Mastodon's measures, dimensions and
//! retention cohorts), counted from the rows themselves.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamptz};
use diesel_async::RunQueryDsl;

use crate::{Conn, Result};

/// How a measure's events add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    /// How many events.
    Count,
    /// How many different `who`.
    Distinct,
    /// The sum of `amount`.
    Sum,
}

/// A measure's events: a query yielding `ts` (timestamptz), `who` (text)
/// and `amount` (bigint) rows, which may use `$3` (text: a domain or a
/// tag id) and `$4` (text: this server's domain).
#[derive(Debug, Clone, Copy)]
pub struct EventSource {
    /// The query.
    pub sql: &'static str,
    /// How the events add up.
    pub aggregate: Aggregate,
}

/// Local accounts that posted, or signed in.
pub const ACTIVE_USERS: EventSource = EventSource {
    sql: "SELECT s.created_at AS ts, s.account_id::text AS who, 1::bigint AS amount \
          FROM statuses s WHERE s.local \
          UNION ALL SELECT u.last_sign_in_at, u.account_id::text, 1 FROM users u \
          WHERE u.last_sign_in_at IS NOT NULL",
    aggregate: Aggregate::Distinct,
};

/// Users who signed up.
pub const NEW_USERS: EventSource = EventSource {
    sql: "SELECT created_at AS ts, id::text AS who, 1::bigint AS amount FROM users",
    aggregate: Aggregate::Count,
};

/// Favourites, reblogs and replies of local statuses.
pub const INTERACTIONS: EventSource = EventSource {
    sql: "SELECT f.created_at AS ts, f.id::text AS who, 1::bigint AS amount \
          FROM favourites f JOIN statuses t ON t.id = f.status_id WHERE t.local \
          UNION ALL SELECT s.created_at, s.id::text, 1 FROM statuses s \
          JOIN statuses t ON t.id = s.reblog_of_id WHERE t.local \
          UNION ALL SELECT s.created_at, s.id::text, 1 FROM statuses s \
          JOIN statuses t ON t.id = s.in_reply_to_id WHERE t.local",
    aggregate: Aggregate::Count,
};

/// Reports filed.
pub const OPENED_REPORTS: EventSource = EventSource {
    sql: "SELECT created_at AS ts, id::text AS who, 1::bigint AS amount FROM reports",
    aggregate: Aggregate::Count,
};

/// Reports resolved.
pub const RESOLVED_REPORTS: EventSource = EventSource {
    sql: "SELECT action_taken_at AS ts, id::text AS who, 1::bigint AS amount FROM reports \
          WHERE action_taken_at IS NOT NULL",
    aggregate: Aggregate::Count,
};

/// Accounts that used a tag.
pub const TAG_ACCOUNTS: EventSource = EventSource {
    sql: "SELECT ts, account_id::text AS who, 1::bigint AS amount FROM (\
          SELECT s.created_at AS ts, s.account_id FROM statuses_tags st \
          JOIN statuses s ON s.id = st.status_id WHERE st.tag_id::text = $3) t",
    aggregate: Aggregate::Distinct,
};

/// Statuses that used a tag.
pub const TAG_USES: EventSource = EventSource {
    sql: "SELECT s.created_at AS ts, s.id::text AS who, 1::bigint AS amount \
          FROM statuses_tags st JOIN statuses s ON s.id = st.status_id \
          WHERE st.tag_id::text = $3",
    aggregate: Aggregate::Count,
};

/// Servers whose statuses used a tag.
pub const TAG_SERVERS: EventSource = EventSource {
    sql: "SELECT s.created_at AS ts, COALESCE(a.domain, $4) AS who, 1::bigint AS amount \
          FROM statuses_tags st JOIN statuses s ON s.id = st.status_id \
          JOIN accounts a ON a.id = s.account_id WHERE st.tag_id::text = $3",
    aggregate: Aggregate::Distinct,
};

/// Accounts of a server first seen.
pub const INSTANCE_ACCOUNTS: EventSource = EventSource {
    sql: "SELECT created_at AS ts, id::text AS who, 1::bigint AS amount FROM accounts \
          WHERE lower(domain) = $3",
    aggregate: Aggregate::Count,
};

/// Bytes of the media attachments of a server's accounts.
pub const INSTANCE_MEDIA_ATTACHMENTS: EventSource = EventSource {
    sql: "SELECT m.created_at AS ts, m.id::text AS who, m.file_size AS amount \
          FROM media_attachments m JOIN accounts a ON a.id = m.account_id \
          WHERE lower(a.domain) = $3",
    aggregate: Aggregate::Sum,
};

/// Reports about a server's accounts.
pub const INSTANCE_REPORTS: EventSource = EventSource {
    sql: "SELECT r.created_at AS ts, r.id::text AS who, 1::bigint AS amount \
          FROM reports r JOIN accounts a ON a.id = r.target_account_id \
          WHERE lower(a.domain) = $3",
    aggregate: Aggregate::Count,
};

/// Statuses of a server's accounts.
pub const INSTANCE_STATUSES: EventSource = EventSource {
    sql: "SELECT s.created_at AS ts, s.id::text AS who, 1::bigint AS amount \
          FROM statuses s JOIN accounts a ON a.id = s.account_id \
          WHERE lower(a.domain) = $3",
    aggregate: Aggregate::Count,
};

/// Follows of a server's accounts by local accounts.
pub const INSTANCE_FOLLOWS: EventSource = EventSource {
    sql: "SELECT f.created_at AS ts, f.id::text AS who, 1::bigint AS amount \
          FROM follows f JOIN accounts a ON a.id = f.target_account_id \
          JOIN accounts l ON l.id = f.account_id \
          WHERE lower(a.domain) = $3 AND l.domain IS NULL",
    aggregate: Aggregate::Count,
};

/// Follows of local accounts by a server's accounts.
pub const INSTANCE_FOLLOWERS: EventSource = EventSource {
    sql: "SELECT f.created_at AS ts, f.id::text AS who, 1::bigint AS amount \
          FROM follows f JOIN accounts a ON a.id = f.account_id \
          JOIN accounts l ON l.id = f.target_account_id \
          WHERE lower(a.domain) = $3 AND l.domain IS NULL",
    aggregate: Aggregate::Count,
};

fn aggregate_sql(aggregate: Aggregate) -> &'static str {
    match aggregate {
        Aggregate::Count => "count(*)",
        Aggregate::Distinct => "count(DISTINCT e.who)",
        Aggregate::Sum => "COALESCE(sum(e.amount), 0)::bigint",
    }
}

#[derive(QueryableByName)]
struct DayValue {
    #[diesel(sql_type = Timestamptz)]
    day: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    value: i64,
}

#[derive(QueryableByName)]
struct Value {
    #[diesel(sql_type = BigInt)]
    value: i64,
}

/// The measure of each day (midnight UTC) in `[start, end)` that has any
/// events; days without are absent.
pub async fn daily(
    conn: &mut Conn,
    source: &EventSource,
    param: &str,
    local_domain: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, i64)>> {
    let sql = format!(
        "SELECT date_trunc('day', e.ts, 'UTC') AS day, {} AS value FROM ({}) e \
         WHERE e.ts >= $1 AND e.ts < $2 GROUP BY 1",
        aggregate_sql(source.aggregate),
        source.sql
    );
    let rows: Vec<DayValue> = diesel::sql_query(sql)
        .bind::<Timestamptz, _>(start)
        .bind::<Timestamptz, _>(end)
        .bind::<Text, _>(param)
        .bind::<Text, _>(local_domain)
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|r| (r.day, r.value)).collect())
}

/// The measure over all of `[start, end)`.
pub async fn total(
    conn: &mut Conn,
    source: &EventSource,
    param: &str,
    local_domain: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<i64> {
    let sql = format!(
        "SELECT {} AS value FROM ({}) e WHERE e.ts >= $1 AND e.ts < $2",
        aggregate_sql(source.aggregate),
        source.sql
    );
    let row: Value = diesel::sql_query(sql)
        .bind::<Timestamptz, _>(start)
        .bind::<Timestamptz, _>(end)
        .bind::<Text, _>(param)
        .bind::<Text, _>(local_domain)
        .get_result(conn)
        .await?;
    Ok(row.value)
}

/// A dimension's rows: a query yielding `key` (text) and `value` (bigint),
/// largest first, with `$1`/`$2` the period, `$3` a parameter (domain or
/// tag id), `$4` this server's domain and `$5` the limit.
#[derive(Debug, Clone, Copy)]
pub struct Breakdown(pub &'static str);

/// Languages of local statuses.
pub const LANGUAGES: Breakdown = Breakdown(
    "SELECT COALESCE(s.language, 'und') AS key, count(*)::bigint AS value FROM statuses s \
     WHERE s.local AND s.created_at >= $1 AND s.created_at < $2 \
     GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $5",
);

/// The applications new users signed up through (`web` without one).
pub const SOURCES: Breakdown = Breakdown(
    "SELECT COALESCE(o.name, 'web') AS key, count(*)::bigint AS value FROM users u \
     LEFT JOIN oauth_applications o ON o.id = u.created_by_application_id \
     WHERE u.created_at >= $1 AND u.created_at < $2 \
     GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $5",
);

/// Other servers by statuses received.
pub const SERVERS: Breakdown = Breakdown(
    "SELECT a.domain AS key, count(*)::bigint AS value FROM statuses s \
     JOIN accounts a ON a.id = s.account_id \
     WHERE a.domain IS NOT NULL AND s.created_at >= $1 AND s.created_at < $2 \
     GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $5",
);

/// Servers whose statuses used a tag.
pub const TAG_SERVERS_BREAKDOWN: Breakdown = Breakdown(
    "SELECT COALESCE(a.domain, $4) AS key, count(*)::bigint AS value FROM statuses_tags st \
     JOIN statuses s ON s.id = st.status_id JOIN accounts a ON a.id = s.account_id \
     WHERE st.tag_id::text = $3 AND s.created_at >= $1 AND s.created_at < $2 \
     GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $5",
);

/// Languages of the statuses that used a tag.
pub const TAG_LANGUAGES: Breakdown = Breakdown(
    "SELECT COALESCE(s.language, 'und') AS key, count(*)::bigint AS value FROM statuses_tags st \
     JOIN statuses s ON s.id = st.status_id \
     WHERE st.tag_id::text = $3 AND s.created_at >= $1 AND s.created_at < $2 \
     GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $5",
);

/// A server's accounts with the most local followers.
pub const INSTANCE_ACCOUNTS_BREAKDOWN: Breakdown = Breakdown(
    "SELECT a.username || '@' || a.domain AS key, count(*)::bigint AS value FROM follows f \
     JOIN accounts a ON a.id = f.target_account_id JOIN accounts l ON l.id = f.account_id \
     WHERE lower(a.domain) = $3 AND l.domain IS NULL \
     GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $5",
);

/// Languages of a server's statuses.
pub const INSTANCE_LANGUAGES: Breakdown = Breakdown(
    "SELECT COALESCE(s.language, 'und') AS key, count(*)::bigint AS value FROM statuses s \
     JOIN accounts a ON a.id = s.account_id \
     WHERE lower(a.domain) = $3 AND s.created_at >= $1 AND s.created_at < $2 \
     GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $5",
);

#[derive(QueryableByName)]
struct KeyValue {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    value: i64,
}

/// The rows of a dimension.
pub async fn breakdown(
    conn: &mut Conn,
    query: Breakdown,
    param: &str,
    local_domain: &str,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    limit: i64,
) -> Result<Vec<(String, i64)>> {
    let rows: Vec<KeyValue> = diesel::sql_query(query.0)
        .bind::<Timestamptz, _>(start)
        .bind::<Timestamptz, _>(end)
        .bind::<Text, _>(param)
        .bind::<Text, _>(local_domain)
        .bind::<BigInt, _>(limit)
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.value)).collect())
}

/// The database's size in bytes.
pub async fn database_size(conn: &mut Conn) -> Result<i64> {
    let row: Value =
        diesel::sql_query("SELECT pg_database_size(current_database())::bigint AS value")
            .get_result(conn)
            .await?;
    Ok(row.value)
}

/// Bytes of local accounts' media attachments.
pub async fn local_media_size(conn: &mut Conn) -> Result<i64> {
    let row: Value = diesel::sql_query(
        "SELECT COALESCE(sum(m.file_size), 0)::bigint AS value FROM media_attachments m \
         JOIN accounts a ON a.id = m.account_id WHERE a.domain IS NULL",
    )
    .get_result(conn)
    .await?;
    Ok(row.value)
}

/// PostgreSQL's version (`server_version`).
pub async fn database_version(conn: &mut Conn) -> Result<String> {
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = Text)]
        version: String,
    }
    let row: Version = diesel::sql_query("SELECT current_setting('server_version') AS version")
        .get_result(conn)
        .await?;
    Ok(row.version)
}

/// Of the users who signed up in `[cohort, cohort_end)`: how many there are,
/// and how many were active (posted or last signed in) in `[from, to)`.
pub async fn cohort_activity(
    conn: &mut Conn,
    (cohort, cohort_end): (DateTime<Utc>, DateTime<Utc>),
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<(i64, i64)> {
    #[derive(QueryableByName)]
    struct Counts {
        #[diesel(sql_type = BigInt)]
        size: i64,
        #[diesel(sql_type = BigInt)]
        active: i64,
    }
    let row: Counts = diesel::sql_query(
        "SELECT count(*)::bigint AS size, count(*) FILTER (WHERE \
           (u.last_sign_in_at >= $3 AND u.last_sign_in_at < $4) OR EXISTS (\
             SELECT 1 FROM statuses s WHERE s.account_id = u.account_id \
             AND s.created_at >= $3 AND s.created_at < $4))::bigint AS active \
         FROM users u WHERE u.created_at >= $1 AND u.created_at < $2",
    )
    .bind::<Timestamptz, _>(cohort)
    .bind::<Timestamptz, _>(cohort_end)
    .bind::<Timestamptz, _>(from)
    .bind::<Timestamptz, _>(to)
    .get_result(conn)
    .await?;
    Ok((row.size, row.active))
}
