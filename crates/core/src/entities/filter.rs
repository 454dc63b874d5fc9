//! `Filter`, `FilterKeyword`, `FilterStatus`, `FilterResult` and the v1 `Filter`.
use ferrodon_db::queries::filters::{Filter as FilterRow, FilterKeyword, FilterStatus};
use serde::Serialize;

use super::timestamp;

/// Mastodon's FilterKeyword entity.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Keyword {
    pub id: String,
    pub keyword: String,
    pub whole_word: bool,
}

/// Renders a FilterKeyword.
pub fn render_keyword(keyword: &FilterKeyword) -> Keyword {
    Keyword {
        id: keyword.id.to_string(),
        keyword: keyword.keyword.clone(),
        whole_word: keyword.whole_word,
    }
}

/// Mastodon's FilterStatus entity.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct StatusRule {
    pub id: String,
    pub status_id: String,
}

/// Renders a FilterStatus.
pub fn render_status(entry: &FilterStatus) -> StatusRule {
    StatusRule {
        id: entry.id.to_string(),
        status_id: entry.status_id.to_string(),
    }
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
#[derive(Debug, Clone, Serialize)]
pub struct FilterWithRules {
    /// The filter's settings.
    #[serde(flatten)]
    pub filter: Filter,
    /// Its keywords.
    pub keywords: Vec<Keyword>,
    /// The statuses it names.
    pub statuses: Vec<StatusRule>,
}

/// Renders a filter with those of `keywords` and `statuses` that are its own.
pub fn render_with_rules(
    filter: &FilterRow,
    keywords: &[FilterKeyword],
    statuses: &[FilterStatus],
) -> FilterWithRules {
    FilterWithRules {
        filter: render(filter),
        keywords: keywords
            .iter()
            .filter(|k| k.filter_id == filter.id)
            .map(render_keyword)
            .collect(),
        statuses: statuses
            .iter()
            .filter(|s| s.filter_id == filter.id)
            .map(render_status)
            .collect(),
    }
}

/// The v1 Filter entity: one keyword with its filter's settings.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct FilterV1 {
    pub id: String,
    pub phrase: String,
    pub context: Vec<String>,
    pub whole_word: bool,
    pub expires_at: Option<String>,
    pub irreversible: bool,
}

/// Renders one keyword as a v1 filter.
pub fn render_v1(keyword: &FilterKeyword, filter: &FilterRow) -> FilterV1 {
    FilterV1 {
        id: keyword.id.to_string(),
        phrase: keyword.keyword.clone(),
        context: filter.context.clone(),
        whole_word: keyword.whole_word,
        expires_at: filter.expires_at.as_ref().map(timestamp),
        irreversible: filter.action == "hide",
    }
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

#[cfg(test)]
mod golden_tests {
    //! The v2 Filter (with keywords and statuses), FilterKeyword,
    //! FilterStatus and v1 Filter entities, compared with a golden file
    //! written from the `serde_json::Value` builders the typed entities
    //! replaced. `FERRODON_WRITE_GOLDEN=1` rewrites the file.
    #![allow(clippy::unwrap_used)]

    use chrono::{TimeZone, Utc};
    use serde_json::{json, Value};

    use super::*;

    fn filter(id: i64, action: &str, expires: bool) -> FilterRow {
        FilterRow {
            id,
            account_id: 7,
            title: format!("filter {id}"),
            context: vec!["home".into(), "public".into()],
            action: action.into(),
            expires_at: expires.then(|| Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap()),
        }
    }

    fn keyword(id: i64, filter_id: i64, whole_word: bool) -> FilterKeyword {
        FilterKeyword {
            id,
            filter_id,
            keyword: format!("word {id}"),
            whole_word,
        }
    }

    fn value<T: Serialize>(entity: &T) -> Value {
        serde_json::to_value(entity).unwrap()
    }

    #[test]
    fn filter_entities_match_the_golden_file() {
        let warn = filter(1, "warn", true);
        let hide = filter(2, "hide", false);
        let keywords = [
            keyword(10, 1, true),
            keyword(11, 2, false),
            keyword(12, 1, false),
        ];
        let statuses = [
            FilterStatus {
                id: 20,
                filter_id: 1,
                status_id: 110_000_000_000_000_001,
            },
            FilterStatus {
                id: 21,
                filter_id: 2,
                status_id: 110_000_000_000_000_002,
            },
        ];
        let rendered = json!({
            "v2": [
                value(&render_with_rules(&warn, &keywords, &statuses)),
                value(&render_with_rules(&hide, &keywords, &[])),
                value(&render_with_rules(&filter(3, "blur", false), &[], &[])),
            ],
            "keyword": value(&render_keyword(&keywords[0])),
            "status": value(&render_status(&statuses[0])),
            "v1": [
                value(&render_v1(&keywords[0], &warn)),
                value(&render_v1(&keywords[1], &hide)),
            ],
        });
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/rest_golden/filters.json"
        );
        if std::env::var_os("FERRODON_WRITE_GOLDEN").is_some() {
            std::fs::write(
                path,
                serde_json::to_string_pretty(&rendered).unwrap() + "\n",
            )
            .unwrap();
        }
        let golden: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(rendered, golden);
    }
}
