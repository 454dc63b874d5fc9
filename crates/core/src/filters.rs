//! Applying a viewer's filters to statuses (Mastodon's
//! `CustomFilter.apply_cached_filters`): a status whose text matches a
//! keyword, or that a filter names, gets a FilterResult in `filtered`; one
//! matched by a `hide` filter is left out. The viewer's own statuses are
//! never filtered.
use ferrodon_apub::sanitize::plain_text;
use ferrodon_db::queries::filters::{self as queries, Filter};
use ferrodon_db::Conn;
use regex::Regex;
use serde_json::Value;

use crate::entities::filter::{render_result, FilterResult};
use crate::entities::media_attachment::MediaAttachment;
use crate::entities::poll::Poll;
use crate::entities::status::Status;
use crate::Result;

/// Where statuses are shown, as a filter's `context` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterContext {
    /// Home and list timelines.
    Home,
    /// Notifications.
    Notifications,
    /// Public and hashtag timelines.
    Public,
    /// A status and its thread.
    Thread,
    /// An account's statuses.
    Account,
}

impl FilterContext {
    /// Every context, in Mastodon's order.
    pub const ALL: [FilterContext; 5] = [
        FilterContext::Home,
        FilterContext::Notifications,
        FilterContext::Public,
        FilterContext::Thread,
        FilterContext::Account,
    ];

    /// Mastodon's name of the context.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterContext::Home => "home",
            FilterContext::Notifications => "notifications",
            FilterContext::Public => "public",
            FilterContext::Thread => "thread",
            FilterContext::Account => "account",
        }
    }

    /// Whether a `hide` match leaves the status out here (in a thread it
    /// stays, marked, as clients expect to collapse it themselves).
    fn drops_hidden(self) -> bool {
        self != FilterContext::Thread
    }
}

/// One unexpired filter, ready to match.
struct Compiled {
    filter: Filter,
    keywords: Option<Regex>,
    status_ids: Vec<i64>,
}

/// The outcome of filtering one status.
#[derive(Debug, Default)]
pub struct Verdict {
    /// FilterResult entities for `filtered`.
    pub results: Vec<FilterResult>,
    /// A `hide` filter matched.
    pub hide: bool,
}

/// A viewer's active filters, loaded once per request (or per streaming
/// connection, reloaded now and then).
pub struct ActiveFilters {
    viewer: i64,
    filters: Vec<Compiled>,
}

/// Mastodon's regex for a keyword: case-insensitive, and for a whole word
/// bounded by `\b` on each side that starts or ends with a word character.
pub fn keyword_pattern(keyword: &str, whole_word: bool) -> String {
    let escaped = regex::escape(keyword);
    if !whole_word {
        return escaped;
    }
    let wordy = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let start = if wordy(keyword.chars().next()) {
        r"\b"
    } else {
        ""
    };
    let end = if wordy(keyword.chars().last()) {
        r"\b"
    } else {
        ""
    };
    format!("{start}{escaped}{end}")
}

impl ActiveFilters {
    /// Loads the viewer's unexpired filters with their keywords and statuses.
    pub async fn load(conn: &mut Conn, viewer: i64) -> Result<ActiveFilters> {
        let filters = queries::list_active_filters(conn, viewer).await?;
        if filters.is_empty() {
            return Ok(ActiveFilters {
                viewer,
                filters: Vec::new(),
            });
        }
        let ids: Vec<i64> = filters.iter().map(|f| f.id).collect();
        let keywords = queries::list_keywords(conn, &ids).await?;
        let statuses = queries::list_filter_statuses(conn, &ids).await?;
        let compiled = filters
            .into_iter()
            .map(|filter| {
                let patterns: Vec<String> = keywords
                    .iter()
                    .filter(|k| k.filter_id == filter.id)
                    .map(|k| format!("(?:{})", keyword_pattern(&k.keyword, k.whole_word)))
                    .collect();
                let keywords = (!patterns.is_empty())
                    .then(|| Regex::new(&format!("(?i){}", patterns.join("|"))).ok())
                    .flatten();
                let status_ids = statuses
                    .iter()
                    .filter(|s| s.filter_id == filter.id)
                    .map(|s| s.status_id)
                    .collect();
                Compiled {
                    filter,
                    keywords,
                    status_ids,
                }
            })
            .collect();
        Ok(ActiveFilters {
            viewer,
            filters: compiled,
        })
    }

    /// True when no filter could match anything.
    pub fn is_empty(&self) -> bool {
        self.filters.is_empty()
    }

    /// Filters one status: `author` wrote the status shown (a reblog's
    /// booster), `ids` are its id and the reblogged original's, `text`
    /// gives the original's searchable text (computed only when needed).
    pub fn check(
        &self,
        context: FilterContext,
        author: i64,
        ids: &[i64],
        text: impl FnOnce() -> String,
    ) -> Verdict {
        let mut verdict = Verdict::default();
        if author == self.viewer {
            return verdict;
        }
        let mut text = Some(text);
        let mut searchable: Option<String> = None;
        for compiled in &self.filters {
            if compiled.filter.expired()
                || !compiled
                    .filter
                    .context
                    .iter()
                    .any(|c| c == context.as_str())
            {
                continue;
            }
            let keyword_matches = compiled.keywords.as_ref().and_then(|re| {
                let haystack =
                    searchable.get_or_insert_with(|| text.take().map(|t| t()).unwrap_or_default());
                re.find(haystack).map(|m| vec![m.as_str().to_owned()])
            });
            let status_matches = (!compiled.status_ids.is_empty()).then(|| {
                ids.iter()
                    .copied()
                    .filter(|id| compiled.status_ids.contains(id))
                    .collect::<Vec<i64>>()
            });
            let by_status = status_matches.as_ref().is_some_and(|m| !m.is_empty());
            if keyword_matches.is_none() && !by_status {
                continue;
            }
            verdict.hide |= compiled.filter.action == "hide";
            verdict.results.push(render_result(
                &compiled.filter,
                keyword_matches,
                status_matches,
            ));
        }
        verdict
    }

    /// Fills in `filtered` of rendered statuses (and of the originals of
    /// reblogs among them) and leaves out those a `hide` filter matches.
    pub fn apply(&self, context: FilterContext, statuses: Vec<Status>) -> Vec<Status> {
        if self.filters.is_empty() {
            return statuses;
        }
        statuses
            .into_iter()
            .filter_map(|mut status| {
                let verdict = self.check_status(context, &status);
                if verdict.hide && context.drops_hidden() {
                    return None;
                }
                status.filtered = verdict.results;
                if let Some(original) = status.reblog.as_deref_mut() {
                    original.filtered = self.check_status(context, original).results;
                }
                Some(status)
            })
            .collect()
    }

    fn check_status(&self, context: FilterContext, status: &Status) -> Verdict {
        let author = status.account.id.parse().unwrap_or_default();
        let mut ids: Vec<i64> = status.id.parse().into_iter().collect();
        let proper = status.reblog.as_deref().unwrap_or(status);
        if let Some(original) = &status.reblog {
            ids.extend(original.id.parse::<i64>());
        }
        self.check(context, author, &ids, || {
            searchable_text(
                &proper.spoiler_text,
                &proper.content,
                proper
                    .poll
                    .iter()
                    .flat_map(|p: &Poll| &p.options)
                    .map(|o| o.title.as_str()),
                proper
                    .media_attachments
                    .iter()
                    .filter_map(|m: &MediaAttachment| m.description.as_deref()),
            )
        })
    }

    /// Filters a rendered status as it travels to the streaming server
    /// (the Status entity as JSON), filling in its `filtered`.
    pub fn apply_to_json(&self, context: FilterContext, status: &mut Value) -> Verdict {
        let id_of = |v: &Value| v.as_str().and_then(|s| s.parse::<i64>().ok());
        let author = id_of(&status["account"]["id"]).unwrap_or_default();
        let mut ids: Vec<i64> = id_of(&status["id"]).into_iter().collect();
        ids.extend(id_of(&status["reblog"]["id"]));
        let proper = if status["reblog"].is_object() {
            &status["reblog"]
        } else {
            &*status
        };
        let verdict = self.check(context, author, &ids, || {
            let strings = |list: &Value, key: &str| -> Vec<String> {
                list.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|item| item[key].as_str().map(str::to_owned))
                    .collect()
            };
            let titles = strings(&proper["poll"]["options"], "title");
            let descriptions = strings(&proper["media_attachments"], "description");
            searchable_text(
                proper["spoiler_text"].as_str().unwrap_or_default(),
                proper["content"].as_str().unwrap_or_default(),
                titles.iter().map(String::as_str),
                descriptions.iter().map(String::as_str),
            )
        });
        status["filtered"] = serde_json::to_value(&verdict.results).unwrap_or_default();
        verdict
    }
}

/// Mastodon's `searchable_text`: the content warning, the text without
/// markup, the poll's options and the media descriptions.
fn searchable_text<'a>(
    spoiler: &str,
    content_html: &str,
    poll_options: impl Iterator<Item = &'a str>,
    media_descriptions: impl Iterator<Item = &'a str>,
) -> String {
    let mut parts: Vec<String> = vec![spoiler.to_owned(), plain_text(content_html)];
    let titles: Vec<&str> = poll_options.collect();
    if !titles.is_empty() {
        parts.push(titles.join("\n\n"));
    }
    let descriptions: Vec<&str> = media_descriptions.collect();
    parts.push(descriptions.join("\n\n"));
    parts.join("\n\n")
}

/// Loads the viewer's filters and applies them to rendered statuses shown
/// in `context`; statuses of signed-out viewers pass unchanged.
pub async fn apply(
    conn: &mut Conn,
    viewer: Option<i64>,
    context: FilterContext,
    statuses: Vec<Status>,
) -> Result<Vec<Status>> {
    let Some(viewer) = viewer else {
        return Ok(statuses);
    };
    let filters = ActiveFilters::load(conn, viewer).await?;
    Ok(filters.apply(context, statuses))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(keyword: &str, whole_word: bool, text: &str) -> bool {
        Regex::new(&format!("(?i){}", keyword_pattern(keyword, whole_word)))
            .map(|re| re.is_match(text))
            .unwrap_or(false)
    }

    #[test]
    fn whole_words_need_boundaries_only_where_the_keyword_has_word_characters() {
        assert!(matches("cat", true, "A Cat sat"));
        assert!(!matches("cat", true, "concatenate"));
        assert!(matches("cat", false, "conCATenate"));
        assert!(matches("#cat", true, "see#cat now"));
        assert!(!matches("#cat", true, "see #cats"));
        assert!(matches("c++", true, "I like c++!"));
        assert!(matches("a.b", true, "x a.b y"));
        assert!(!matches("a.b", true, "x acb y"));
        assert!(matches("été", true, "un été chaud"));
    }

    #[test]
    fn searchable_text_joins_every_part() {
        let text = searchable_text(
            "cw",
            "<p>hello <b>world</b></p>",
            ["yes", "no"].into_iter(),
            ["a dog"].into_iter(),
        );
        assert!(text.contains("cw"));
        assert!(text.contains("hello world"));
        assert!(text.contains("yes\n\nno"));
        assert!(text.contains("a dog"));
    }
}
