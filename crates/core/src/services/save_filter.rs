//! Creating and changing filters with their keywords (API v2's
//! `keywords_attributes[]`, and v1's one-keyword filters), validated with
//! Mastodon's messages, each change in one transaction.
use chrono::{Duration, Utc};
use ferrodon_db::diesel_async::AsyncConnection;
use ferrodon_db::queries::filters::{self, Filter, FilterKeyword, FilterSettings, FilterStatus};
use ferrodon_db::Conn;
use ferrodon_db::{AccountId, StatusId};

use crate::filters::FilterContext;
use crate::{AppState, Error, Result};

/// Filter actions a client may choose.
const ACTIONS: [&str; 3] = ["warn", "hide", "blur"];

/// A filter's settings as a client sends them; None keeps the current value.
#[derive(Debug, Default, Clone)]
pub struct FilterInput {
    /// `title` (v1: `phrase`).
    pub title: Option<String>,
    /// `context[]`.
    pub context: Option<Vec<String>>,
    /// `filter_action` (v1: `irreversible` as hide or warn).
    pub action: Option<String>,
    /// `expires_in` in seconds; `Some(None)` when sent empty (never expires).
    pub expires_in: Option<Option<i64>>,
    /// `keywords_attributes[]`.
    pub keywords: Vec<KeywordInput>,
}

/// One entry of `keywords_attributes[]`.
#[derive(Debug, Default, Clone)]
pub struct KeywordInput {
    /// An existing keyword of the filter to change or destroy.
    pub id: Option<i64>,
    /// `keyword`.
    pub keyword: Option<String>,
    /// `whole_word`.
    pub whole_word: Option<bool>,
    /// `_destroy`.
    pub destroy: bool,
}

/// A filter with its rules.
#[derive(Debug, Clone)]
pub struct FilterRules {
    /// The filter.
    pub filter: Filter,
    /// Its keywords, oldest first.
    pub keywords: Vec<FilterKeyword>,
    /// Its statuses, oldest first.
    pub statuses: Vec<FilterStatus>,
}

/// Loads the rules of some filters.
pub async fn with_rules(conn: &mut Conn, all: Vec<Filter>) -> Result<Vec<FilterRules>> {
    let ids: Vec<i64> = all.iter().map(|f| f.id).collect();
    let keywords = filters::list_keywords(conn, &ids).await?;
    let statuses = filters::list_filter_statuses(conn, &ids).await?;
    Ok(all
        .into_iter()
        .map(|filter| FilterRules {
            keywords: keywords
                .iter()
                .filter(|k| k.filter_id == filter.id)
                .cloned()
                .collect(),
            statuses: statuses
                .iter()
                .filter(|s| s.filter_id == filter.id)
                .cloned()
                .collect(),
            filter,
        })
        .collect())
}

/// The settings `input` gives, over `current` (None: a new filter), or
/// Mastodon's validation messages.
fn settings(input: &FilterInput, current: Option<&Filter>) -> Result<FilterSettings> {
    let title = input
        .title
        .clone()
        .or_else(|| current.map(|f| f.title.clone()))
        .unwrap_or_default();
    let context: Vec<String> = input
        .context
        .clone()
        .or_else(|| current.map(|f| f.context.clone()))
        .unwrap_or_default()
        .iter()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    let action = input
        .action
        .clone()
        .or_else(|| current.map(|f| f.action.clone()))
        .unwrap_or_else(|| "warn".into());
    let mut errors = Vec::new();
    if title.trim().is_empty() {
        errors.push("Title can't be blank");
    }
    if context.is_empty() {
        errors.push("Context can't be blank");
    }
    let known = |c: &String| FilterContext::ALL.iter().any(|k| k.as_str() == c);
    if context.is_empty() || !context.iter().all(known) {
        errors.push("Context None or invalid context supplied");
    }
    if !ACTIONS.contains(&action.as_str()) {
        errors.push("Filter action is not included in the list");
    }
    if !errors.is_empty() {
        return Err(Error::validation(errors.join(", ")));
    }
    let expires_at = match input.expires_in {
        None => current.and_then(|f| f.expires_at),
        Some(None) => None,
        Some(Some(secs)) => Some(Utc::now() + Duration::seconds(secs.clamp(0, 10 * 365 * 86_400))),
    };
    Ok(FilterSettings {
        title,
        context,
        action,
        expires_at,
    })
}

/// Keyword entries that say something (Rails' `reject_if: :all_blank`),
/// checked for blank keywords on new entries.
fn keyword_changes(input: &FilterInput) -> Result<Vec<KeywordInput>> {
    let kept: Vec<KeywordInput> = input
        .keywords
        .iter()
        .filter(|k| {
            k.id.is_some() || k.keyword.as_deref().is_some_and(|s| !s.is_empty()) || k.destroy
        })
        .cloned()
        .collect();
    let blank = kept
        .iter()
        .any(|k| !k.destroy && k.keyword.as_deref().is_some_and(|s| s.trim().is_empty()));
    if blank {
        return Err(Error::validation("Keywords keyword can't be blank"));
    }
    Ok(kept)
}

/// Applies `keywords_attributes[]` to a filter.
async fn apply_keywords(conn: &mut Conn, filter: &Filter, changes: &[KeywordInput]) -> Result<()> {
    for change in changes {
        match change.id {
            None if change.destroy => {}
            None => {
                let keyword = change.keyword.as_deref().unwrap_or_default();
                filters::put_keyword(conn, filter.id, keyword, change.whole_word.unwrap_or(true))
                    .await?;
            }
            Some(id) => {
                let (current, owner) =
                    filters::get_keyword(conn, AccountId::new(filter.account_id), id).await?;
                if owner.id != filter.id {
                    return Err(Error::NotFound);
                }
                if change.destroy {
                    filters::delete_keyword(conn, id).await?;
                } else {
                    let keyword = change.keyword.as_deref().unwrap_or(&current.keyword);
                    let whole_word = change.whole_word.unwrap_or(current.whole_word);
                    filters::update_keyword(conn, id, keyword, whole_word).await?;
                }
            }
        }
    }
    Ok(())
}

/// `POST /api/v2/filters`.
pub async fn create(state: &AppState, account_id: i64, input: &FilterInput) -> Result<FilterRules> {
    let settings = settings(input, None)?;
    let changes = keyword_changes(input)?;
    let mut conn = state.conn().await?;
    let filter = conn
        .transaction(async |conn| {
            let filter = filters::put_filter(conn, account_id, &settings).await?;
            apply_keywords(conn, &filter, &changes).await?;
            Ok::<_, Error>(filter)
        })
        .await?;
    first(with_rules(&mut conn, vec![filter]).await?)
}

/// `PUT /api/v2/filters/:id`.
pub async fn update(
    state: &AppState,
    account_id: i64,
    id: i64,
    input: &FilterInput,
) -> Result<FilterRules> {
    let mut conn = state.conn().await?;
    let current = filters::get_filter(&mut conn, AccountId::new(account_id), id).await?;
    let settings = settings(input, Some(&current))?;
    let changes = keyword_changes(input)?;
    let filter = conn
        .transaction(async |conn| {
            let filter = filters::update_filter(conn, current.id, &settings).await?;
            apply_keywords(conn, &filter, &changes).await?;
            Ok::<_, Error>(filter)
        })
        .await?;
    first(with_rules(&mut conn, vec![filter]).await?)
}

fn first(mut all: Vec<FilterRules>) -> Result<FilterRules> {
    all.pop().ok_or(Error::NotFound)
}

/// `POST /api/v1/filters`: a filter titled with the phrase, holding it as its one keyword.
pub async fn create_v1(
    state: &AppState,
    account_id: i64,
    input: &FilterInput,
    whole_word: Option<bool>,
) -> Result<(FilterKeyword, Filter)> {
    let settings = settings(input, None)?;
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        let filter = filters::put_filter(conn, account_id, &settings).await?;
        let keyword =
            filters::put_keyword(conn, filter.id, &filter.title, whole_word.unwrap_or(true))
                .await?;
        Ok::<_, Error>((keyword, filter))
    })
    .await
}

/// `PUT /api/v1/filters/:id`: changes the keyword and, when it is the
/// filter's only keyword, the filter's settings.
pub async fn update_v1(
    state: &AppState,
    account_id: i64,
    keyword_id: i64,
    input: &FilterInput,
    whole_word: Option<bool>,
) -> Result<(FilterKeyword, Filter)> {
    let mut conn = state.conn().await?;
    let (keyword, filter) =
        filters::get_keyword(&mut conn, AccountId::new(account_id), keyword_id).await?;
    let phrase = input.title.clone().unwrap_or(keyword.keyword.clone());
    if phrase.trim().is_empty() {
        return Err(Error::validation("Keyword can't be blank"));
    }
    let settings = settings(input, Some(&filter))?;
    let changed = settings.title != filter.title
        || settings.context != filter.context
        || settings.action != filter.action
        || settings.expires_at != filter.expires_at;
    conn.transaction(async |conn| {
        let keyword = filters::update_keyword(
            conn,
            keyword.id,
            &phrase,
            whole_word.unwrap_or(keyword.whole_word),
        )
        .await?;
        let filter = if changed {
            if filters::list_keywords(conn, &[filter.id]).await?.len() > 1 {
                return Err(Error::Validation(
                    "These parameters cannot be changed from this application because they \
                         apply to more than one filter keyword. Use a more recent application \
                         or the web interface."
                        .into(),
                ));
            }
            filters::update_filter(conn, filter.id, &settings).await?
        } else {
            filter
        };
        Ok::<_, Error>((keyword, filter))
    })
    .await
}

/// `POST /api/v2/filters/:id/statuses`: the status must exist, be visible
/// to the filter's owner, and not be in the filter yet.
pub async fn add_status(
    state: &AppState,
    account_id: i64,
    filter_id: i64,
    status_id: Option<i64>,
) -> Result<FilterStatus> {
    let mut conn = state.conn().await?;
    let filter = filters::get_filter(&mut conn, AccountId::new(account_id), filter_id).await?;
    let Some(status_id) = status_id else {
        return Err(Error::validation("Status must exist"));
    };
    let visible =
        ferrodon_db::queries::timelines::filter_visible(&mut conn, &[status_id], Some(account_id))
            .await?;
    if visible.is_empty() {
        return Err(Error::validation("Status must exist"));
    }
    match filters::put_filter_status(&mut conn, filter.id, StatusId::new(status_id)).await {
        Err(ferrodon_db::Error::UniqueViolation { .. }) => {
            Err(Error::validation("Status has already been taken"))
        }
        other => Ok(other?),
    }
}
