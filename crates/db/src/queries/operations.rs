//! Bulk reads and repairs behind `ferrodonctl`: pending sign-ups, accounts
//! by domain, counter recounts, the search indexes, old remote statuses and
//! preview cards, duplicate accounts and statuses.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamptz};
use diesel_async::RunQueryDsl;

use crate::ids::{AccountId, StatusId};
use crate::models::MediaAttachment;
use crate::schema::media_attachments;
use crate::{Conn, Result};

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn ids(rows: Vec<Id>) -> Vec<i64> {
    rows.into_iter().map(|r| r.id).collect()
}

/// Account ids of sign-ups waiting for approval, oldest first; `limit`
/// None means all of them.
pub async fn pending_sign_up_account_ids(conn: &mut Conn, limit: Option<i64>) -> Result<Vec<i64>> {
    let rows: Vec<Id> = diesel::sql_query(
        "SELECT account_id AS id FROM users WHERE NOT approved \
         ORDER BY created_at, id LIMIT $1",
    )
    .bind::<Nullable<BigInt>, _>(limit)
    .load(conn)
    .await?;
    Ok(ids(rows))
}

/// Ids of local, unsuspended accounts that have a user (not the instance actor).
pub async fn local_user_account_ids(conn: &mut Conn) -> Result<Vec<i64>> {
    let rows: Vec<Id> = diesel::sql_query(
        "SELECT a.id FROM accounts a JOIN users u ON u.account_id = a.id \
         WHERE a.domain IS NULL AND a.suspended_at IS NULL ORDER BY a.id",
    )
    .load(conn)
    .await?;
    Ok(ids(rows))
}

/// Ids of local accounts following `target_id`.
pub async fn local_follower_ids(conn: &mut Conn, target_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<Id> = diesel::sql_query(
        "SELECT a.id FROM follows f JOIN accounts a ON a.id = f.account_id \
         WHERE f.target_account_id = $1 AND a.domain IS NULL \
         UNION SELECT a.id FROM follow_requests r JOIN accounts a ON a.id = r.account_id \
         WHERE r.target_account_id = $1 AND a.domain IS NULL ORDER BY 1",
    )
    .bind::<BigInt, _>(target_id)
    .load(conn)
    .await?;
    Ok(ids(rows))
}

/// Ids of remote accounts, of one domain when `domain` is given.
pub async fn remote_account_ids(conn: &mut Conn, domain: Option<&str>) -> Result<Vec<i64>> {
    let rows: Vec<Id> = diesel::sql_query(
        "SELECT id FROM accounts WHERE domain IS NOT NULL \
         AND ($1::text IS NULL OR lower(domain) = lower($1)) ORDER BY id",
    )
    .bind::<Nullable<Text>, _>(domain)
    .load(conn)
    .await?;
    Ok(ids(rows))
}

/// Ids of the accounts of exactly these domains (case-insensitive).
pub async fn account_ids_on_domains(conn: &mut Conn, domains: &[String]) -> Result<Vec<i64>> {
    let lowered: Vec<String> = domains.iter().map(|d| d.to_ascii_lowercase()).collect();
    let rows: Vec<Id> = diesel::sql_query(
        "SELECT id FROM accounts WHERE domain IS NOT NULL AND lower(domain) = ANY($1) ORDER BY id",
    )
    .bind::<Array<Text>, _>(&lowered)
    .load(conn)
    .await?;
    Ok(ids(rows))
}

/// How many statuses these accounts wrote.
pub async fn count_statuses_of(conn: &mut Conn, account_ids: &[i64]) -> Result<i64> {
    let row: Count =
        diesel::sql_query("SELECT count(*) AS n FROM statuses WHERE account_id = ANY($1)")
            .bind::<Array<BigInt>, _>(account_ids)
            .get_result(conn)
            .await?;
    Ok(row.n)
}

/// Every media attachment of an account.
pub async fn media_of_account(conn: &mut Conn, account_id: i64) -> Result<Vec<MediaAttachment>> {
    Ok(media_attachments::table
        .filter(media_attachments::account_id.eq(account_id))
        .select(MediaAttachment::as_select())
        .load(conn)
        .await?)
}

/// Media attachments of a status.
pub async fn media_of_status(conn: &mut Conn, status_id: i64) -> Result<Vec<MediaAttachment>> {
    Ok(media_attachments::table
        .filter(media_attachments::status_id.eq(status_id))
        .select(MediaAttachment::as_select())
        .load(conn)
        .await?)
}

/// Remote media attachments of an account's statuses, or of every account
/// of a domain.
pub async fn remote_media_ids(
    conn: &mut Conn,
    account_id: Option<i64>,
    domain: Option<&str>,
) -> Result<Vec<i64>> {
    let rows: Vec<Id> = diesel::sql_query(
        "SELECT m.id FROM media_attachments m JOIN accounts a ON a.id = m.account_id \
         WHERE a.domain IS NOT NULL AND m.remote_url IS NOT NULL \
         AND ($1::bigint IS NULL OR a.id = $1) \
         AND ($2::text IS NULL OR lower(a.domain) = lower($2)) ORDER BY m.id",
    )
    .bind::<Nullable<BigInt>, _>(account_id)
    .bind::<Nullable<Text>, _>(domain)
    .load(conn)
    .await?;
    Ok(ids(rows))
}

/// The status (if any) a media attachment with this file key, remote URL
/// or attachment id belongs to: `(attachment id, status id)`.
pub async fn find_media_owner(
    conn: &mut Conn,
    file_key: Option<&str>,
    remote_url: Option<&str>,
    attachment_id: Option<i64>,
) -> Result<Option<(i64, Option<i64>)>> {
    #[derive(QueryableByName)]
    struct Owner {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Nullable<BigInt>)]
        status_id: Option<i64>,
    }
    let row: Option<Owner> = diesel::sql_query(
        "SELECT id, status_id FROM media_attachments \
         WHERE ($1::text IS NOT NULL AND $1 IN (file_key, small_key, upload_key, thumbnail_key)) \
            OR ($2::text IS NOT NULL AND $2 IN (remote_url, preview_remote_url)) \
            OR id = $3 \
         ORDER BY id LIMIT 1",
    )
    .bind::<Nullable<Text>, _>(file_key)
    .bind::<Nullable<Text>, _>(remote_url)
    .bind::<Nullable<BigInt>, _>(attachment_id)
    .get_result(conn)
    .await
    .optional()?;
    Ok(row.map(|r| (r.id, r.status_id)))
}

/// Sets every account's statuses, followers and following counters from
/// the rows; returns how many accounts were wrong.
pub async fn recount_accounts(conn: &mut Conn) -> Result<usize> {
    Ok(diesel::sql_query(
        "UPDATE accounts a SET statuses_count = c.statuses, followers_count = c.followers, \
           following_count = c.following \
         FROM (SELECT id, \
                 (SELECT count(*) FROM statuses s WHERE s.account_id = x.id)::int AS statuses, \
                 (SELECT count(*) FROM follows f WHERE f.target_account_id = x.id)::int AS followers, \
                 (SELECT count(*) FROM follows f WHERE f.account_id = x.id)::int AS following \
               FROM accounts x) c \
         WHERE c.id = a.id AND (a.statuses_count, a.followers_count, a.following_count) \
           IS DISTINCT FROM (c.statuses, c.followers, c.following)",
    )
    .execute(conn)
    .await?)
}

/// Sets every status's replies, reblogs, favourites and quotes counters
/// from the rows; returns how many statuses were wrong.
pub async fn recount_statuses(conn: &mut Conn) -> Result<usize> {
    Ok(diesel::sql_query(
        "UPDATE statuses s SET replies_count = c.replies, reblogs_count = c.reblogs, \
           favourites_count = c.favourites, quotes_count = c.quotes \
         FROM (SELECT id, \
                 (SELECT count(*) FROM statuses r WHERE r.in_reply_to_id = x.id)::int AS replies, \
                 (SELECT count(*) FROM statuses b WHERE b.reblog_of_id = x.id)::int AS reblogs, \
                 (SELECT count(*) FROM favourites f WHERE f.status_id = x.id)::int AS favourites, \
                 (SELECT count(*) FROM quotes q WHERE q.quoted_status_id = x.id AND q.state = 1)::int AS quotes \
               FROM statuses x) c \
         WHERE c.id = s.id AND (s.replies_count, s.reblogs_count, s.favourites_count, s.quotes_count) \
           IS DISTINCT FROM (c.replies, c.reblogs, c.favourites, c.quotes)",
    )
    .execute(conn)
    .await?)
}

/// The full-text indexes search uses.
pub const SEARCH_INDEXES: [&str; 2] = ["statuses_text_search", "accounts_search"];

/// Rebuilds the full-text search indexes (PostgreSQL is the search backend).
pub async fn reindex_search(conn: &mut Conn) -> Result<()> {
    for index in SEARCH_INDEXES {
        diesel::sql_query(format!("REINDEX INDEX {index}"))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The clause shared by counting and deleting unreferenced remote statuses,
/// as `tootctl statuses remove` chooses them: remote, older than the cutoff,
/// and nothing local points at them (no local reply, reblog, favourite,
/// bookmark, pin, mention of a local account, quote, report, or being the
/// reply parent of a local status).
const UNREFERENCED_REMOTE: &str = "s.local = false AND s.created_at < $1 \
  AND NOT EXISTS (SELECT 1 FROM statuses r JOIN accounts ra ON ra.id = r.account_id \
                  WHERE ra.domain IS NULL AND (r.in_reply_to_id = s.id OR r.reblog_of_id = s.id)) \
  AND NOT EXISTS (SELECT 1 FROM favourites f JOIN accounts fa ON fa.id = f.account_id \
                  WHERE f.status_id = s.id AND fa.domain IS NULL) \
  AND NOT EXISTS (SELECT 1 FROM bookmarks b WHERE b.status_id = s.id) \
  AND NOT EXISTS (SELECT 1 FROM status_pins p WHERE p.status_id = s.id) \
  AND NOT EXISTS (SELECT 1 FROM mentions m JOIN accounts ma ON ma.id = m.account_id \
                  WHERE m.status_id = s.id AND ma.domain IS NULL) \
  AND NOT EXISTS (SELECT 1 FROM quotes q WHERE q.quoted_status_id = s.id) \
  AND NOT EXISTS (SELECT 1 FROM reports rp WHERE s.id = ANY(rp.status_ids)) \
  AND NOT EXISTS (SELECT 1 FROM follows fo JOIN accounts la ON la.id = fo.account_id \
                  WHERE fo.target_account_id = s.account_id AND la.domain IS NULL)";

/// Ids of remote statuses older than `cutoff` that nothing local refers to
/// (nor does any local account follow their author).
pub async fn unreferenced_remote_status_ids(
    conn: &mut Conn,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<i64>> {
    let rows: Vec<Id> = diesel::sql_query(format!(
        "SELECT s.id FROM statuses s WHERE {UNREFERENCED_REMOTE} ORDER BY s.id LIMIT $2"
    ))
    .bind::<Timestamptz, _>(cutoff)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?;
    Ok(ids(rows))
}

/// Deletes preview cards of remote statuses not updated since `cutoff`
/// (they are fetched again when a status linking to them is next seen);
/// `link_only` keeps photo and video cards. Returns how many went.
pub async fn delete_remote_preview_cards_before(
    conn: &mut Conn,
    cutoff: DateTime<Utc>,
    link_only: bool,
    dry_run: bool,
) -> Result<i64> {
    let chosen = "SELECT c.id FROM preview_cards c WHERE c.updated_at < $1 \
         AND ($2 = false OR c.type = 'link') \
         AND NOT EXISTS (SELECT 1 FROM preview_cards_statuses ps JOIN statuses st \
                         ON st.id = ps.status_id WHERE ps.preview_card_id = c.id AND st.local)";
    let sql = if dry_run {
        format!("SELECT count(*) AS n FROM ({chosen}) x")
    } else {
        format!(
            "WITH gone AS (DELETE FROM preview_cards WHERE id IN ({chosen}) RETURNING id) \
             SELECT count(*) AS n FROM gone"
        )
    };
    let row: Count = diesel::sql_query(sql)
        .bind::<Timestamptz, _>(cutoff)
        .bind::<diesel::sql_types::Bool, _>(link_only)
        .get_result(conn)
        .await?;
    Ok(row.n)
}

/// Groups of accounts that share `lower(username), lower(domain)`: each
/// group's ids, oldest first.
pub async fn duplicate_account_groups(conn: &mut Conn) -> Result<Vec<Vec<i64>>> {
    #[derive(QueryableByName)]
    struct Group {
        #[diesel(sql_type = Array<BigInt>)]
        ids: Vec<i64>,
    }
    let rows: Vec<Group> = diesel::sql_query(
        "SELECT array_agg(id ORDER BY id) AS ids FROM accounts \
         GROUP BY lower(username), lower(coalesce(domain, '')) HAVING count(*) > 1",
    )
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|g| g.ids).collect())
}

/// Groups of statuses that share a `uri`: each group's ids, oldest first.
pub async fn duplicate_status_groups(conn: &mut Conn) -> Result<Vec<Vec<i64>>> {
    #[derive(QueryableByName)]
    struct Group {
        #[diesel(sql_type = Array<BigInt>)]
        ids: Vec<i64>,
    }
    let rows: Vec<Group> = diesel::sql_query(
        "SELECT array_agg(id ORDER BY id) AS ids FROM statuses GROUP BY uri HAVING count(*) > 1",
    )
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|g| g.ids).collect())
}

/// Moves what refers to account `from` over to account `into`, dropping
/// rows that would then be duplicates, then deletes `from`. One transaction
/// is the caller's.
pub async fn merge_account_into(conn: &mut Conn, from: AccountId, into: AccountId) -> Result<()> {
    // (table, column, unique partner column or "" when there is no pair key)
    const MOVES: [(&str, &str, &str); 14] = [
        ("statuses", "account_id", "reblog_of_id"),
        ("media_attachments", "account_id", ""),
        ("favourites", "account_id", "status_id"),
        ("bookmarks", "account_id", "status_id"),
        ("mentions", "account_id", "status_id"),
        ("follows", "account_id", "target_account_id"),
        ("follows", "target_account_id", "account_id"),
        ("follow_requests", "account_id", "target_account_id"),
        ("follow_requests", "target_account_id", "account_id"),
        ("blocks", "account_id", "target_account_id"),
        ("blocks", "target_account_id", "account_id"),
        ("mutes", "account_id", "target_account_id"),
        ("mutes", "target_account_id", "account_id"),
        ("notifications", "from_account_id", ""),
    ];
    for (table, column, partner) in MOVES {
        if !partner.is_empty() {
            diesel::sql_query(format!(
                "DELETE FROM {table} t WHERE t.{column} = $1 AND EXISTS \
                 (SELECT 1 FROM {table} o WHERE o.{column} = $2 AND o.{partner} = t.{partner})"
            ))
            .bind::<BigInt, _>(from)
            .bind::<BigInt, _>(into)
            .execute(conn)
            .await?;
        }
        diesel::sql_query(format!(
            "UPDATE {table} SET {column} = $2 WHERE {column} = $1"
        ))
        .bind::<BigInt, _>(from)
        .bind::<BigInt, _>(into)
        .execute(conn)
        .await?;
    }
    diesel::sql_query("DELETE FROM accounts WHERE id = $1")
        .bind::<BigInt, _>(from)
        .execute(conn)
        .await?;
    Ok(())
}

/// Points what refers to status `from` at status `into` (replies, reblogs,
/// favourites, bookmarks, media, dropping would-be duplicates), then deletes
/// `from`.
pub async fn merge_status_into(conn: &mut Conn, from: StatusId, into: StatusId) -> Result<()> {
    const MOVES: [(&str, &str, &str); 6] = [
        ("statuses", "in_reply_to_id", ""),
        ("statuses", "reblog_of_id", "account_id"),
        ("favourites", "status_id", "account_id"),
        ("bookmarks", "status_id", "account_id"),
        ("media_attachments", "status_id", ""),
        ("notifications", "status_id", ""),
    ];
    for (table, column, partner) in MOVES {
        if !partner.is_empty() {
            diesel::sql_query(format!(
                "DELETE FROM {table} t WHERE t.{column} = $1 AND EXISTS \
                 (SELECT 1 FROM {table} o WHERE o.{column} = $2 AND o.{partner} = t.{partner})"
            ))
            .bind::<BigInt, _>(from)
            .bind::<BigInt, _>(into)
            .execute(conn)
            .await?;
        }
        diesel::sql_query(format!(
            "UPDATE {table} SET {column} = $2 WHERE {column} = $1"
        ))
        .bind::<BigInt, _>(from)
        .bind::<BigInt, _>(into)
        .execute(conn)
        .await?;
    }
    diesel::sql_query("DELETE FROM statuses WHERE id = $1")
        .bind::<BigInt, _>(from)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces an account's key pair.
pub async fn set_key_pair(
    conn: &mut Conn,
    account_id: i64,
    public_key: &str,
    private_key: &str,
) -> Result<()> {
    diesel::sql_query(
        "UPDATE accounts SET public_key = $2, private_key = $3, updated_at = now() WHERE id = $1",
    )
    .bind::<BigInt, _>(account_id)
    .bind::<Text, _>(public_key)
    .bind::<Text, _>(private_key)
    .execute(conn)
    .await?;
    Ok(())
}

/// Distinct domains of known remote accounts.
pub async fn known_domains(conn: &mut Conn) -> Result<Vec<String>> {
    #[derive(QueryableByName)]
    struct Domain {
        #[diesel(sql_type = Text)]
        domain: String,
    }
    let rows: Vec<Domain> = diesel::sql_query(
        "SELECT DISTINCT lower(domain) AS domain FROM accounts WHERE domain IS NOT NULL ORDER BY 1",
    )
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|d| d.domain).collect())
}

/// Which of these accounts have a user (are local sign-ins).
pub async fn account_ids_with_users(conn: &mut Conn, account_ids: &[i64]) -> Result<Vec<i64>> {
    let rows: Vec<Id> = diesel::sql_query(
        "SELECT account_id AS id FROM users WHERE account_id = ANY($1) ORDER BY 1",
    )
    .bind::<Array<BigInt>, _>(account_ids)
    .load(conn)
    .await?;
    Ok(ids(rows))
}

/// The unique indexes duplicates break, with their definitions.
const UNIQUE_INDEXES: [(&str, &str); 3] = [
    (
        "accounts_username_domain",
        "accounts (lower(username), lower(coalesce(domain, '')))",
    ),
    ("accounts_uri", "accounts (uri)"),
    ("statuses_uri", "statuses (uri)"),
];

/// Creates the unique indexes on account names and URIs and status URIs
/// when missing, and rebuilds them (a corrupted index let the duplicates in).
pub async fn rebuild_unique_indexes(conn: &mut Conn) -> Result<()> {
    for (name, definition) in UNIQUE_INDEXES {
        diesel::sql_query(format!(
            "CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {definition}"
        ))
        .execute(conn)
        .await?;
        diesel::sql_query(format!("REINDEX INDEX {name}"))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Custom emojis learnt from exactly these domains (case-insensitive).
pub async fn emojis_of_domains(
    conn: &mut Conn,
    domains: &[String],
) -> Result<Vec<crate::queries::custom_emojis::CustomEmoji>> {
    use crate::schema::custom_emojis;
    let lowered: Vec<String> = domains.iter().map(|d| d.to_ascii_lowercase()).collect();
    Ok(custom_emojis::table
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(domain) = ANY(")
                .bind::<Array<Text>, _>(lowered)
                .sql(")"),
        )
        .select(crate::queries::custom_emojis::CustomEmoji::as_select())
        .load(conn)
        .await?)
}
