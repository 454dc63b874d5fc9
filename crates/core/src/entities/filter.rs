//! `Filter`, `FilterKeyword`, `FilterStatus`, `FilterResult` and the v1 `Filter`.
use ferrodon_db::queries::filters::{Filter as FilterRow, FilterKeyword, FilterStatus};
use serde::Serialize;
use serde_json::{json, Value};

use super::timestamp;

/// Mastodon's FilterKeyword entity.
pub fn render_keyword(keyword: &FilterKeyword) -> Value {
    json!({
        "id": keyword.id.to_string(),
        "keyword": keyword.keyword,
        "whole_word": keyword.whole_word,
    })
}

/// Mastodon's FilterStatus entity.
pub fn render_status(entry: &FilterStatus) -> Value {
    json!({
        "id": entry.id.to_string(),
        "status_id": entry.status_id.to_string(),
    })
}

/// Mastodon's Filter entity without its rules (as inside a FilterResult).
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Filter {
    pub id: String,
    pub title: String,
    pub context: Vec<String>,
    pub expires_at: Option<String>,
    pub filter_action: String,
}

/// Renders a filter without its rules.
pub fn render(filter: &FilterRow) -> Filter {
    Filter {
        id: filter.id.to_string(),
        title: filter.title.clone(),
        context: filter.context.clone(),
        expires_at: filter.expires_at.as_ref().map(timestamp),
        filter_action: filter.action.clone(),
    }
}

/// Mastodon's Filter entity with its keywords and statuses (the v2 API's shape).
pub fn render_with_rules(
    filter: &FilterRow,
    keywords: &[FilterKeyword],
    statuses: &[FilterStatus],
) -> Value {
    let mut out = json!(render(filter));
    out["keywords"] = keywords
        .iter()
        .filter(|k| k.filter_id == filter.id)
        .map(render_keyword)
        .collect();
    out["statuses"] = statuses
        .iter()
        .filter(|s| s.filter_id == filter.id)
        .map(render_status)
        .collect();
    out
}

/// The v1 Filter entity: one keyword with its filter's settings.
pub fn render_v1(keyword: &FilterKeyword, filter: &FilterRow) -> Value {
    json!({
        "id": keyword.id.to_string(),
        "phrase": keyword.keyword,
        "context": filter.context,
        "whole_word": keyword.whole_word,
        "expires_at": filter.expires_at.as_ref().map(timestamp),
        "irreversible": filter.action == "hide",
    })
}

/// Mastodon's FilterResult entity: which filter matched a status and how.
#[derive(Debug, Clone, Serialize)]
pub struct FilterResult {
    /// The filter that matched.
    pub filter: Filter,
    /// The keywords that matched (null when the filter has none).
    pub keyword_matches: Option<Vec<String>>,
    /// The ids of the filter's statuses that matched (null when it names none).
    pub status_matches: Option<Vec<String>>,
}

/// Renders a FilterResult.
pub fn render_result(
    filter: &FilterRow,
    keyword_matches: Option<Vec<String>>,
    status_matches: Option<Vec<i64>>,
) -> FilterResult {
    FilterResult {
        filter: render(filter),
        keyword_matches,
        status_matches: status_matches.map(|ids| ids.iter().map(i64::to_string).collect()),
    }
}
