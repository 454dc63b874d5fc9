//! `/notifications` (`?types=mention` for mentions only): notifications
//! grouped as `GET /api/v2/notifications` groups them (favourites and
//! boosts of one post, follows), rendered by the same
//! `notification_groups::render`. Visiting the first page marks them read
//! (the `notifications` marker, as Mastodon's client sets it).
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::db::models::NotificationKind;
use ferrodon_core::db::queries::markers::put_marker;
use ferrodon_core::db::queries::notifications::{list_notification_groups, NotificationFilter};
use ferrodon_core::db::AccountId;
use ferrodon_core::notification_groups::{self, ExpandAccounts, Groups, PageRange};
use ferrodon_core::services::notify::GROUPABLE_KINDS;
use ferrodon_core::AppState;
use serde::Deserialize;

use super::Pager;
use crate::ui::public::posts::{name_of, times, PostView};
use crate::ui::{html, Chrome, SignedInUser, UiResult};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/notifications", web::get().to(index));
}

/// Someone in a notification.
struct Person {
    name: String,
    url: String,
}

/// One group of notifications as the page shows it.
struct GroupView {
    /// "favourited your post", …
    what: &'static str,
    /// Up to a few of the people behind it.
    people: Vec<Person>,
    /// How many more there are.
    others: i64,
    /// When the newest happened, short ("5m").
    when: String,
    /// The same in full.
    when_full: String,
    /// ISO 8601 of the same.
    at: String,
    /// The post it is about.
    post: Option<PostView>,
}

#[derive(Template)]
#[template(path = "client/notifications.html")]
struct NotificationsPage<'a> {
    chrome: &'a Chrome,
    mentions_only: bool,
    groups: Vec<GroupView>,
    pager: Pager,
}

#[derive(Deserialize)]
struct Query {
    types: Option<String>,
    max_id: Option<String>,
    min_id: Option<String>,
}

/// The words after the people's names.
fn what(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::Mention => "mentioned you",
        NotificationKind::Status => "posted",
        NotificationKind::Reblog => "boosted your post",
        NotificationKind::Follow => "followed you",
        NotificationKind::FollowRequest => "asked to follow you",
        NotificationKind::Favourite => "favourited your post",
        NotificationKind::Poll => "ran a poll that has ended",
        NotificationKind::Update => "edited a post you interacted with",
        NotificationKind::Quote => "quoted your post",
        NotificationKind::QuotedUpdate => "edited a post that quotes you",
        NotificationKind::AdminSignUp => "signed up",
        NotificationKind::AdminReport => "filed a report",
        _ => "sent you a notification",
    }
}

async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    query: web::Query<Query>,
) -> UiResult<HttpResponse> {
    let me = user.0.account.id;
    let mentions_only = query.types.as_deref() == Some("mention");
    let page = super::PageQuery {
        max_id: query.max_id.clone(),
        min_id: query.min_id.clone(),
        since_id: None,
    }
    .page()?;
    let filter = NotificationFilter {
        types: if mentions_only {
            vec!["mention".into()]
        } else {
            Vec::new()
        },
        exclude_types: Vec::new(),
        from_account_id: None,
        include_filtered: false,
    };
    let mut conn = state.conn().await?;
    let heads = list_notification_groups(&mut conn, me, &filter, GROUPABLE_KINDS, &page).await?;
    let rendered = notification_groups::render(
        &mut conn,
        &state.config,
        me,
        &Groups {
            heads: &heads,
            grouped_types: GROUPABLE_KINDS,
            range: Some(PageRange::of(&heads, &page)),
            expand: ExpandAccounts::Full,
        },
    )
    .await?;
    let first_page = page.max_id.is_none() && page.lower_bound().is_none();
    if let (true, Some(newest)) = (first_page && !mentions_only, heads.first()) {
        put_marker(&mut conn, AccountId::new(me), "notifications", newest.id).await?;
    }
    drop(conn);
    let now = chrono::Utc::now();
    let groups = rendered
        .notification_groups
        .iter()
        .map(|g| {
            let people: Vec<Person> = g
                .sample_account_ids
                .iter()
                .filter_map(|id| rendered.accounts.iter().find(|a| a.id == *id))
                .map(|a| Person {
                    name: name_of(&a.display_name, &a.username),
                    url: a.url.clone(),
                })
                .collect();
            let at = g.latest_page_notification_at.clone().unwrap_or_default();
            let (when, when_full) = times(&at, now);
            GroupView {
                what: what(g.kind),
                others: (g.notifications_count - people.len() as i64).max(0),
                people,
                when,
                when_full,
                at,
                post: g
                    .status_id
                    .as_ref()
                    .and_then(|id| rendered.statuses.iter().find(|s| s.id == *id))
                    .map(|s| PostView::for_viewer(s, me)),
            }
        })
        .collect();
    let keys: Vec<i64> = heads.iter().map(|n| n.id).collect();
    let base = if mentions_only {
        "/notifications?types=mention"
    } else {
        "/notifications"
    };
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    html(
        &chrome,
        &NotificationsPage {
            chrome: &chrome,
            mentions_only,
            groups,
            pager: Pager::new(base, &page, &keys),
        },
    )
}
