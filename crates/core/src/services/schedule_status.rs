//! Scheduled statuses: `POST /api/v1/statuses` with `scheduled_at`,
//! rescheduling, and publication when they come due (the scheduler's
//! `publish_scheduled_statuses` task).
use chrono::{DateTime, Duration, Utc};
use ferrodon_db::models::{Account, User, Visibility};
use ferrodon_db::queries::scheduled_statuses::{self, ScheduledStatus};
use ferrodon_db::queries::{media, users};
use ferrodon_db::AccountId;
use ferrodon_db::AsyncConnection;
use serde::{Deserialize, Serialize};

use super::post_status::{prepare, write, NewPost, PollInput};
use crate::quotes::QuotePolicy;
use crate::{AppState, Error, Result};

/// How far ahead a status must be scheduled (Mastodon's MIN_SCHEDULE_OFFSET).
pub const MIN_SCHEDULE_OFFSET_SECS: i64 = 5 * 60;
/// Most scheduled statuses an account may have.
pub const TOTAL_LIMIT: i64 = 300;
/// Most scheduled statuses an account may have on one (UTC) day.
pub const DAILY_LIMIT: i64 = 25;
/// Most due statuses published per run (the rest wait for the next run).
const BATCH: i64 = 500;

/// What is kept of the request until publication, in Mastodon's
/// `params` shape (`scheduled_at` and `idempotency` are always null,
/// `with_rate_limit` false, as Mastodon stores them).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct ScheduledParams {
    pub text: String,
    pub poll: Option<ScheduledPoll>,
    pub media_ids: Option<Vec<String>>,
    pub sensitive: Option<bool>,
    pub spoiler_text: Option<String>,
    pub visibility: Option<String>,
    pub idempotency: Option<String>,
    pub scheduled_at: Option<String>,
    pub in_reply_to_id: Option<i64>,
    pub language: Option<String>,
    pub application_id: Option<i64>,
    pub with_rate_limit: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quoted_status_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_approval_policy: Option<String>,
}

/// A scheduled poll, as `poll[…]` was sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct ScheduledPoll {
    pub options: Vec<String>,
    pub expires_in: i64,
    pub multiple: bool,
    pub hide_totals: bool,
}

impl ScheduledParams {
    /// Keeps a post for later.
    pub fn from_post(post: &NewPost) -> Self {
        ScheduledParams {
            text: post.text.clone(),
            poll: post.poll.as_ref().map(|p| ScheduledPoll {
                options: p.options.clone(),
                expires_in: p.expires_in,
                multiple: p.multiple,
                hide_totals: p.hide_totals,
            }),
            media_ids: (!post.media_ids.is_empty())
                .then(|| post.media_ids.iter().map(i64::to_string).collect()),
            sensitive: post.sensitive,
            spoiler_text: (!post.spoiler_text.is_empty()).then(|| post.spoiler_text.clone()),
            visibility: post.visibility.map(|v| v.as_str().to_owned()),
            idempotency: None,
            scheduled_at: None,
            in_reply_to_id: post.in_reply_to_id,
            language: post.language.clone(),
            application_id: post.application_id,
            with_rate_limit: false,
            quoted_status_id: post.quoted_status_id,
            quote_approval_policy: post.quote_approval_policy.map(|p| p.as_str().to_owned()),
        }
    }

    /// The post to publish.
    pub fn to_post(&self) -> NewPost {
        NewPost {
            allowed_mentions: None,
            text: self.text.clone(),
            spoiler_text: self.spoiler_text.clone().unwrap_or_default(),
            visibility: self.visibility.as_deref().and_then(Visibility::parse),
            sensitive: self.sensitive,
            language: self.language.clone(),
            in_reply_to_id: self.in_reply_to_id,
            media_ids: self
                .media_ids
                .iter()
                .flatten()
                .filter_map(|id| id.parse().ok())
                .collect(),
            application_id: self.application_id,
            poll: self.poll.as_ref().map(|p| PollInput {
                options: p.options.clone(),
                expires_in: p.expires_in,
                multiple: p.multiple,
                hide_totals: p.hide_totals,
            }),
            scheduled_status_id: None,
            quoted_status_id: self.quoted_status_id,
            quote_approval_policy: self
                .quote_approval_policy
                .as_deref()
                .and_then(|p| QuotePolicy::parse(p).ok()),
        }
    }
}

/// Refuses a time less than five minutes ahead, with Mastodon's message.
fn check_time(scheduled_at: DateTime<Utc>) -> Result<()> {
    if scheduled_at <= Utc::now() + Duration::seconds(MIN_SCHEDULE_OFFSET_SECS) {
        return Err(Error::validation(
            "Scheduled at The scheduled date must be in the future",
        ));
    }
    Ok(())
}

/// Refuses a 301st scheduled status, or a 26th on the same day.
async fn check_limits(
    conn: &mut ferrodon_db::Conn,
    account_id: i64,
    scheduled_at: DateTime<Utc>,
    except: Option<i64>,
) -> Result<()> {
    let (total, on_day) = scheduled_statuses::count_scheduled_statuses(
        conn,
        AccountId::new(account_id),
        scheduled_at,
        except,
    )
    .await?;
    if total >= TOTAL_LIMIT {
        return Err(Error::validation(format!(
            "You have exceeded the limit of {TOTAL_LIMIT} scheduled posts"
        )));
    }
    if on_day >= DAILY_LIMIT {
        return Err(Error::validation(format!(
            "You have exceeded the limit of {DAILY_LIMIT} scheduled posts for today"
        )));
    }
    Ok(())
}

/// Parses `scheduled_at` (ISO 8601, with or without an offset) as Mastodon does.
pub fn parse_scheduled_at(raw: &str) -> Result<DateTime<Utc>> {
    let raw = raw.trim();
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f").map(|t| t.and_utc())
        })
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M").map(|t| t.and_utc())
        })
        // Mastodon lets the unparsable time reach the record, whose
        // validation fails without naming the field.
        .map_err(|_| Error::Validation("Record invalid".into()))
}

/// Schedules a post: checked now as if it were posted, stored with its
/// uploads reserved, published by the scheduler when due.
pub async fn schedule_status(
    state: &AppState,
    user: &User,
    author: &Account,
    post: NewPost,
    scheduled_at: DateTime<Utc>,
) -> Result<ScheduledStatus> {
    check_time(scheduled_at)?;
    let params = serde_json::to_value(ScheduledParams::from_post(&post))
        .map_err(|e| Error::caused("encoding scheduled status parameters", e))?;
    let media_ids = post.media_ids.clone();
    // Checked as if it were posted now; stored as sent.
    prepare(state, user, author, post).await?;
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        check_limits(conn, author.id, scheduled_at, None).await?;
        let row = scheduled_statuses::put_scheduled_status(conn, author.id, scheduled_at, &params)
            .await?;
        if !media_ids.is_empty() {
            let reserved = media::reserve_for_scheduled_status(
                conn,
                AccountId::new(author.id),
                row.id,
                &media_ids,
            )
            .await?;
            if reserved != media_ids.len() {
                return Err(Error::validation("Media attachments could not be found"));
            }
        }
        Ok::<_, Error>(row)
    })
    .await
}

/// Moves one of the account's scheduled statuses to another time.
pub async fn reschedule(
    state: &AppState,
    account_id: i64,
    id: i64,
    scheduled_at: DateTime<Utc>,
) -> Result<ScheduledStatus> {
    let mut conn = state.conn().await?;
    scheduled_statuses::get_scheduled_status(&mut conn, AccountId::new(account_id), id).await?;
    check_time(scheduled_at)?;
    conn.transaction(async |conn| {
        check_limits(conn, account_id, scheduled_at, Some(id)).await?;
        Ok::<_, Error>(
            scheduled_statuses::reschedule(conn, AccountId::new(account_id), id, scheduled_at)
                .await?,
        )
    })
    .await
}

/// Deletes one of the account's scheduled statuses; its uploads become free.
pub async fn unschedule(state: &AppState, account_id: i64, id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    scheduled_statuses::get_scheduled_status(&mut conn, AccountId::new(account_id), id).await?;
    scheduled_statuses::delete_scheduled_status(&mut conn, id).await?;
    Ok(())
}

/// Publishes every scheduled status that is due, through the ordinary
/// posting path. Each is published once: its row goes in the transaction
/// that creates the status. One that can no longer be posted (its reply
/// target or uploads gone, its author gone) is dropped, as Mastodon does.
/// Returns how many were published.
pub async fn publish_due(state: &AppState) -> Result<usize> {
    let mut conn = state.conn().await?;
    let due = scheduled_statuses::list_due_scheduled_statuses(&mut conn, Utc::now(), BATCH).await?;
    drop(conn);
    let mut published = 0;
    for row in &due {
        match publish_one(state, row).await {
            Ok(()) => published += 1,
            // Published or deleted meanwhile (by an overlapping run).
            Err(Error::NotFound) => {}
            Err(Error::Validation(reason)) => {
                tracing::warn!(id = row.id, %reason, "dropping a scheduled status that can no longer be posted");
                let mut conn = state.conn().await?;
                scheduled_statuses::delete_scheduled_status(&mut conn, row.id).await?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(published)
}

async fn publish_one(state: &AppState, row: &ScheduledStatus) -> Result<()> {
    let params = ScheduledParams::deserialize(&row.params)
        .map_err(|e| Error::validation(format!("unreadable parameters: {e}")))?;
    let mut conn = state.conn().await?;
    let (user, author) = match users::get_user_by_account_id(&mut conn, row.account_id).await {
        Ok(user) => users::get_user_with_account(&mut conn, user.id).await?,
        Err(ferrodon_db::Error::NotFound) => {
            return Err(Error::validation("the author has no user any more"))
        }
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    let mut post = params.to_post();
    post.scheduled_status_id = Some(row.id);
    let prepared = match prepare(state, &user, &author, post).await {
        Ok(prepared) => prepared,
        Err(Error::NotFound) => return Err(Error::validation("the replied-to status is gone")),
        Err(e) => return Err(e),
    };
    let status = write(state, &author, prepared).await?;
    tracing::info!(
        id = row.id,
        status_id = status.id,
        "published a scheduled status"
    );
    Ok(())
}
