//! Keyset pagination with Mastodon's `max_id` / `since_id` / `min_id` / `limit`.
//!
//! `max_id` and `since_id` page backwards from the newest row; `min_id` pages
//! forwards from a point (rows just newer than it, returned newest first).
//! Callers fetch with [`Page::query_order_ascending`] telling them which way
//! to sort, then hand the rows to [`Page::finish`].

/// A page request, already clamped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Page {
    /// Only rows with an id below this.
    pub max_id: Option<i64>,
    /// Only rows with an id above this (newest first).
    pub since_id: Option<i64>,
    /// Only rows with an id above this, the ones immediately after it.
    pub min_id: Option<i64>,
    /// How many rows at most.
    pub limit: i64,
}

/// The ids a `Link` header needs: the newest and oldest row of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageCursors {
    /// Id of the newest row (for `rel="prev"`, as `min_id`).
    pub newest: i64,
    /// Id of the oldest row (for `rel="next"`, as `max_id`).
    pub oldest: i64,
}

impl Page {
    /// Builds a page, clamping `limit` to `1..=max` with `default` when absent.
    pub fn new(
        max_id: Option<i64>,
        since_id: Option<i64>,
        min_id: Option<i64>,
        limit: Option<i64>,
        default: i64,
        max: i64,
    ) -> Self {
        Page {
            max_id,
            since_id,
            min_id,
            limit: limit.unwrap_or(default).clamp(1, max),
        }
    }

    /// The lower bound (exclusive) on ids, from `min_id` or `since_id`.
    pub fn lower_bound(&self) -> Option<i64> {
        self.min_id.or(self.since_id)
    }

    /// Whether the SQL should sort ascending (only for `min_id`).
    pub fn query_order_ascending(&self) -> bool {
        self.min_id.is_some()
    }

    /// Puts rows fetched in query order back into newest-first order.
    pub fn finish<T>(&self, mut rows: Vec<T>) -> Vec<T> {
        if self.query_order_ascending() {
            rows.reverse();
        }
        rows
    }

    /// Cursors of a newest-first list of keys, or None when it is empty.
    pub fn cursors(keys: &[i64]) -> Option<PageCursors> {
        Some(PageCursors {
            newest: *keys.first()?,
            oldest: *keys.last()?,
        })
    }
}

/// Applies a [`Page`] to a boxed diesel query on an id column.
#[macro_export]
macro_rules! paginate {
    ($query:expr, $column:expr, $page:expr) => {{
        let page: &$crate::Page = &$page;
        let mut q = $query;
        if let Some(max) = page.max_id {
            q = q.filter($column.lt(max));
        }
        if let Some(min) = page.lower_bound() {
            q = q.filter($column.gt(min));
        }
        if page.query_order_ascending() {
            q = q.order($column.asc());
        } else {
            q = q.order($column.desc());
        }
        q.limit(page.limit)
    }};
}

/// Runs a (non-boxed, so prepared-statement-cacheable) query for one page:
/// filters the key column by the page bounds, orders and limits it, loads
/// the rows and returns them newest first.
#[macro_export]
macro_rules! load_page {
    ($query:expr, $column:expr, $page:expr, $conn:expr) => {{
        let page: &$crate::Page = &$page;
        let query = $query
            .filter($column.lt(page.max_id.unwrap_or(i64::MAX)))
            .filter($column.gt(page.lower_bound().unwrap_or(0)));
        let rows = if page.query_order_ascending() {
            query
                .order($column.asc())
                .limit(page.limit)
                .load($conn)
                .await?
        } else {
            query
                .order($column.desc())
                .limit(page.limit)
                .load($conn)
                .await?
        };
        page.finish(rows)
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_is_clamped() {
        assert_eq!(Page::new(None, None, None, Some(500), 20, 40).limit, 40);
        assert_eq!(Page::new(None, None, None, Some(0), 20, 40).limit, 1);
        assert_eq!(Page::new(None, None, None, None, 20, 40).limit, 20);
    }

    #[test]
    fn min_id_wins_over_since_id_and_sorts_ascending() {
        let p = Page::new(None, Some(5), Some(9), None, 20, 40);
        assert_eq!(p.lower_bound(), Some(9));
        assert!(p.query_order_ascending());
        assert_eq!(p.finish(vec![10, 11, 12]), vec![12, 11, 10]);
    }
}
