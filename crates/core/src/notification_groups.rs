//! Mastodon 4.3's grouped notifications (`/api/v2/notifications`): one
//! entry per group, with the accounts and statuses the groups refer to
//! listed once beside them.
use ferrodon_db::AccountId;
use std::collections::{HashMap, HashSet};

use ferrodon_db::models::Notification as NotificationRow;
use ferrodon_db::models::NotificationKind;
use ferrodon_db::queries::notifications::{self, GroupSummary};
use ferrodon_db::{Conn, Page};
use serde::Serialize;

use crate::entities::account::Account;
use crate::entities::status::Status;
use crate::entities::timestamp;
use crate::filters::FilterContext;
use crate::{views, Config, Result};

/// Most sample accounts shown per group (Mastodon's `SAMPLE_ACCOUNTS_SIZE`).
pub const SAMPLE_ACCOUNTS: i64 = 8;

/// How the accounts of the groups are rendered (`expand_accounts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpandAccounts {
    /// Every account in full, in `accounts`.
    Full,
    /// The first sample account of each group (and status authors) in full,
    /// the other sample accounts in `partial_accounts` with only what an
    /// avatar row needs.
    PartialAvatars,
}

/// The notification ids a page covers: groups are counted within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRange {
    /// The oldest id of the page (inclusive).
    pub from: i64,
    /// The newest id of the page (inclusive).
    pub to: i64,
}

impl PageRange {
    /// The ids a page of groups (`heads`, newest first, asked with `page`)
    /// covers, as Mastodon counts them: the page's own span, stretched to
    /// the requested bound when the page is the last.
    pub fn of(heads: &[NotificationRow], page: &Page) -> PageRange {
        let newest = heads.first().map_or(0, |n| n.id);
        let oldest = heads.last().map_or(0, |n| n.id);
        if (heads.len() as i64) >= page.limit {
            return PageRange {
                from: oldest,
                to: newest,
            };
        }
        if page.query_order_ascending() {
            PageRange {
                from: oldest,
                to: page.max_id.map_or(i64::MAX, |m| m - 1),
            }
        } else {
            PageRange {
                from: page.lower_bound().map_or(0, |s| s + 1),
                to: newest,
            }
        }
    }
}

/// What the groups are rendered from.
pub struct Groups<'a> {
    /// The newest notification of each group, newest first.
    pub heads: &'a [NotificationRow],
    /// The types grouped by their `group_key`; others are groups of their own.
    pub grouped_types: &'a [NotificationKind],
    /// The page's range, for `page_min_id`, `page_max_id` and
    /// `latest_page_notification_at` (None: a single group, without them).
    pub range: Option<PageRange>,
    /// How accounts are rendered.
    pub expand: ExpandAccounts,
}

/// One group's numbers.
struct GroupFacts {
    key: String,
    count: i64,
    most_recent_id: i64,
    page_min_id: i64,
    latest_at: String,
    sample_account_ids: Vec<i64>,
}

impl GroupFacts {
    fn single(n: &NotificationRow) -> Self {
        GroupFacts {
            key: format!("ungrouped-{}", n.id),
            count: 1,
            most_recent_id: n.id,
            page_min_id: n.id,
            latest_at: timestamp(&n.created_at),
            sample_account_ids: vec![n.from_account_id],
        }
    }

    fn grouped(n: &NotificationRow, key: &str, summary: Option<&GroupSummary>) -> Self {
        let Some(s) = summary else {
            return GroupFacts {
                key: key.to_owned(),
                ..GroupFacts::single(n)
            };
        };
        GroupFacts {
            key: key.to_owned(),
            count: s.notifications_count.max(1),
            most_recent_id: s.most_recent_id.unwrap_or(n.id),
            page_min_id: s.page_min_id.unwrap_or(n.id),
            latest_at: timestamp(s.latest_at.as_ref().unwrap_or(&n.created_at)),
            sample_account_ids: if s.sample_account_ids.is_empty() {
                vec![n.from_account_id]
            } else {
                s.sample_account_ids.clone()
            },
        }
    }
}

/// The stored group key of a notification when its type is grouped.
fn stored_key<'a>(n: &'a NotificationRow, grouped_types: &[NotificationKind]) -> Option<&'a str> {
    n.group_key
        .as_deref()
        .filter(|_| grouped_types.contains(&n.kind))
}

/// Renders `{accounts, partial_accounts?, statuses, notification_groups}`
/// for `viewer`. Groups whose status is gone or hidden by the viewer's
/// filters are left out.
pub async fn render(
    conn: &mut Conn,
    config: &Config,
    viewer: i64,
    groups: &Groups<'_>,
) -> Result<GroupedNotifications> {
    let keys: Vec<String> = groups
        .heads
        .iter()
        .filter_map(|n| stored_key(n, groups.grouped_types).map(str::to_owned))
        .collect();
    let range = groups.range.unwrap_or(PageRange {
        from: 0,
        to: i64::MAX,
    });
    let summaries: HashMap<String, GroupSummary> = notifications::summarize_groups(
        conn,
        AccountId::new(viewer),
        &keys,
        range.from,
        range.to,
        SAMPLE_ACCOUNTS,
    )
    .await?
    .into_iter()
    .map(|s| (s.group_key.clone(), s))
    .collect();
    let status_ids: Vec<i64> = groups.heads.iter().filter_map(|n| n.status_id).collect();
    let visible = views::VisibleStatuses::check(conn, &status_ids, Some(viewer)).await?;
    let statuses: HashMap<i64, Status> =
        views::render_statuses_in(conn, config, &visible, FilterContext::Notifications)
            .await?
            .into_iter()
            .filter_map(|s| Some((s.id.parse().ok()?, s)))
            .collect();

    let mut facts = Vec::new();
    for n in groups.heads {
        if n.status_id.is_some_and(|id| !statuses.contains_key(&id)) {
            continue;
        }
        let f = match stored_key(n, groups.grouped_types) {
            Some(key) => GroupFacts::grouped(n, key, summaries.get(key)),
            None => GroupFacts::single(n),
        };
        facts.push((n, f));
    }
    let sample_ids: Vec<i64> = facts
        .iter()
        .flat_map(|(_, f)| f.sample_account_ids.iter().copied())
        .collect();
    let accounts = views::render_accounts_by_id(conn, config, sample_ids).await?;

    let (full, partial) = split_accounts(&facts, &statuses, &accounts, groups.expand);
    let mut seen = HashSet::new();
    let listed: Vec<Status> = facts
        .iter()
        .filter_map(|(n, _)| n.status_id)
        .filter(|id| seen.insert(*id))
        .filter_map(|id| statuses.get(&id).cloned())
        .collect();
    Ok(GroupedNotifications {
        accounts: full,
        partial_accounts: (groups.expand == ExpandAccounts::PartialAvatars).then_some(partial),
        statuses: listed,
        notification_groups: facts
            .iter()
            .map(|(n, f)| group_entry(f, n, groups.range.is_some()))
            .collect(),
    })
}

/// Mastodon's GroupedNotificationsResults entity.
#[derive(Debug, Clone, Serialize)]
pub struct GroupedNotifications {
    /// Sample accounts and status authors rendered in full, each once.
    pub accounts: Vec<Account>,
    /// The other sample accounts (`expand_accounts=partial_avatars` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial_accounts: Option<Vec<PartialAccount>>,
    /// The groups' statuses, each once.
    pub statuses: Vec<Status>,
    /// The groups, newest first.
    pub notification_groups: Vec<NotificationGroup>,
}

/// Mastodon's PartialAccountWithAvatar: what an avatar row needs.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct PartialAccount {
    pub id: String,
    pub acct: String,
    pub locked: bool,
    pub bot: bool,
    pub url: String,
    pub avatar: String,
    pub avatar_static: String,
}

/// Mastodon's NotificationGroup entity.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct NotificationGroup {
    pub group_key: String,
    pub notifications_count: i64,
    #[serde(rename = "type")]
    pub kind: NotificationKind,
    pub most_recent_notification_id: i64,
    pub sample_account_ids: Vec<String>,
    /// Only on paginated lists, as the next three.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_min_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_max_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_page_notification_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_id: Option<String>,
}

/// A group as Mastodon's NotificationGroup entity.
fn group_entry(f: &GroupFacts, n: &NotificationRow, paginated: bool) -> NotificationGroup {
    NotificationGroup {
        group_key: f.key.clone(),
        notifications_count: f.count,
        kind: n.kind,
        most_recent_notification_id: f.most_recent_id,
        sample_account_ids: f.sample_account_ids.iter().map(i64::to_string).collect(),
        page_min_id: paginated.then(|| f.page_min_id.to_string()),
        page_max_id: paginated.then(|| f.most_recent_id.to_string()),
        latest_page_notification_at: paginated.then(|| f.latest_at.clone()),
        status_id: n.status_id.map(|id| id.to_string()),
    }
}

/// The full and partial account lists: sample accounts and the authors of
/// the groups' statuses, each once, in the order the groups name them.
fn split_accounts(
    facts: &[(&NotificationRow, GroupFacts)],
    statuses: &HashMap<i64, Status>,
    accounts: &HashMap<i64, Account>,
    expand: ExpandAccounts,
) -> (Vec<Account>, Vec<PartialAccount>) {
    let mut full: Vec<Account> = Vec::new();
    let mut full_ids = HashSet::new();
    let mut later: Vec<i64> = Vec::new();
    let mut add_full = |account: &Account, full: &mut Vec<Account>| {
        if full_ids.insert(account.id.clone()) {
            full.push(account.clone());
        }
    };
    for (n, f) in facts {
        for (i, id) in f.sample_account_ids.iter().enumerate() {
            if i > 0 && expand == ExpandAccounts::PartialAvatars {
                later.push(*id);
                continue;
            }
            if let Some(a) = accounts.get(id) {
                add_full(a, &mut full);
            }
        }
        if let Some(status) = n.status_id.and_then(|id| statuses.get(&id)) {
            add_full(&status.account, &mut full);
        }
    }
    let full_ids: HashSet<&str> = full.iter().map(|a| a.id.as_str()).collect();
    let mut partial_ids = HashSet::new();
    let partial = later
        .iter()
        .filter_map(|id| accounts.get(id))
        .filter(|a| !full_ids.contains(a.id.as_str()) && partial_ids.insert(a.id.clone()))
        .map(|a| PartialAccount {
            id: a.id.clone(),
            acct: a.acct.clone(),
            locked: a.locked,
            bot: a.bot,
            url: a.url.clone(),
            avatar: a.avatar.clone(),
            avatar_static: a.avatar_static.clone(),
        })
        .collect();
    (full, partial)
}
