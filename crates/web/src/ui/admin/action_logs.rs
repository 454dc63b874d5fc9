//! `/admin/action_logs`: the audit log, newest first.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{DateTime, Utc};
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::db::queries::moderation::{self, LogEntry};
use ferrodon_core::AppState;

use super::{acct_of, require, Nav};
use crate::ui::{html, Chrome, SignedInUser, UiResult};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/action_logs", web::get().to(index));
}

/// Entries shown.
const SHOWN: i64 = 200;

struct EntryView {
    entry: LogEntry,
    at: DateTime<Utc>,
    moderator: String,
}

#[derive(Template)]
#[template(path = "admin/action_logs.html")]
struct LogPage<'a> {
    chrome: &'a Chrome,
    nav: Nav,
    entries: Vec<EntryView>,
}

async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    require(&user.0, Permission::ViewAuditLog)?;
    let mut conn = state.conn().await?;
    let mut entries = Vec::new();
    for (entry, at) in moderation::recent_log(&mut conn, SHOWN).await? {
        let moderator = acct_of(&mut conn, entry.account_id)
            .await?
            .map_or_else(|| "the system".to_owned(), |(_, acct)| acct);
        entries.push(EntryView {
            entry,
            at,
            moderator,
        });
    }
    drop(conn);
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    html(
        &chrome,
        &LogPage {
            chrome: &chrome,
            nav: Nav::new(&user.0, "action_logs"),
            entries,
        },
    )
}
