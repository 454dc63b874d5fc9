//! `/admin/reports`: the report queue and a report's page, where a
//! moderator assigns, resolves, or acts on the reported account.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::db::queries::moderation::{self, ReportFilter};
use ferrodon_core::db::queries::reports::Report;
use ferrodon_core::db::Page;
use ferrodon_core::services::admin::accounts::{self as actions, AccountAction, ActionKind};
use ferrodon_core::services::admin::reports::{self as report_actions, Change};
use ferrodon_core::{views, AppState, Error};
use serde::Deserialize;

use super::{acct_of, actor, field, path_id, require, require_form, Nav};
use crate::extract::Params;
use crate::ui::public::posts::PostView;
use crate::ui::{html, redirect_with_notice, Chrome, SignedInUser, UiResult};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/reports", web::get().to(index))
        .route("/admin/reports/{id}", web::get().to(show))
        .route("/admin/reports/{id}/{change}", web::post().to(change));
}

/// A report in the queue.
struct ReportRow {
    report: Report,
    reporter: String,
    target: String,
    assigned: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/reports.html")]
struct ReportsPage<'a> {
    chrome: &'a Chrome,
    nav: Nav,
    resolved: bool,
    reports: Vec<ReportRow>,
}

#[derive(Deserialize)]
struct QueueQuery {
    resolved: Option<String>,
}

async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    query: web::Query<QueueQuery>,
) -> UiResult<HttpResponse> {
    require(&user.0, Permission::ManageReports)?;
    let resolved = matches!(query.resolved.as_deref(), Some("1" | "true"));
    let mut conn = state.conn().await?;
    let page = Page::new(None, None, None, Some(100), 100, 100);
    let filter = ReportFilter {
        resolved,
        account_id: None,
        target_account_id: None,
    };
    let mut reports = Vec::new();
    for report in moderation::list_reports(&mut conn, &filter, &page).await? {
        let name = |a: Option<(i64, String)>| a.map(|(_, acct)| acct).unwrap_or_default();
        reports.push(ReportRow {
            reporter: name(acct_of(&mut conn, Some(report.account_id)).await?),
            target: name(acct_of(&mut conn, Some(report.target_account_id)).await?),
            assigned: acct_of(&mut conn, report.assigned_account_id)
                .await?
                .map(|(_, a)| a),
            report,
        });
    }
    drop(conn);
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    html(
        &chrome,
        &ReportsPage {
            chrome: &chrome,
            nav: Nav::new(&user.0, "reports"),
            resolved,
            reports,
        },
    )
}

#[derive(Template)]
#[template(path = "admin/report.html")]
struct ReportPage<'a> {
    chrome: &'a Chrome,
    nav: Nav,
    report: Report,
    reporter: (i64, String),
    target: (i64, String),
    target_suspended: bool,
    /// Warnings are only for local accounts (as the admin API).
    target_local: bool,
    assigned: Option<(i64, String)>,
    resolved_by: Option<(i64, String)>,
    assigned_to_me: bool,
    posts: Vec<PostView>,
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    require(&user.0, Permission::ManageReports)?;
    let id = path_id(&path)?;
    let mut conn = state.conn().await?;
    let report = moderation::get_report(&mut conn, id).await?;
    let (target_account, _) =
        moderation::get_account_with_user(&mut conn, report.target_account_id).await?;
    let reporter = acct_of(&mut conn, Some(report.account_id))
        .await?
        .unwrap_or_default();
    let assigned = acct_of(&mut conn, report.assigned_account_id).await?;
    let resolved_by = acct_of(&mut conn, report.action_taken_by_account_id).await?;
    let reported = views::VisibleStatuses::reported(&report.status_ids);
    let rendered = views::render_statuses(&mut conn, &state.config, &reported).await?;
    drop(conn);
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    html(
        &chrome,
        &ReportPage {
            chrome: &chrome,
            nav: Nav::new(&user.0, "reports"),
            assigned_to_me: report.assigned_account_id == Some(user.0.account.id),
            reporter,
            target: (target_account.id, target_account.acct()),
            target_suspended: target_account.suspended_at.is_some(),
            target_local: target_account.is_local(),
            assigned,
            resolved_by,
            posts: rendered.iter().map(PostView::new).collect(),
            report,
        },
    )
}

/// The forms of a report's page: `assign_to_self`, `unassign`, `resolve`,
/// `reopen` (logged as the admin API logs them), `action` (an account
/// action with a warning) and `delete_statuses`.
async fn change(
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<(String, String)>,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageReports, &form)?;
    let (raw_id, change) = path.into_inner();
    let id = path_id(&raw_id)?;
    let actor = actor(&user.0);
    let back = format!("/admin/reports/{id}");
    let (change, notice) = match change.as_str() {
        "assign_to_self" => (Change::AssignToSelf, "The report is assigned to you."),
        "unassign" => (Change::Unassign, "The report is no longer assigned."),
        "resolve" => (Change::Resolve, "The report is resolved."),
        "reopen" => (Change::Reopen, "The report is open again."),
        "action" => {
            let kind = ActionKind::parse(&field(&form, "type"))
                .ok_or_else(|| Error::validation("Choose an action"))?;
            let (target, target_user) = {
                let mut conn = state.conn().await?;
                let report = moderation::get_report(&mut conn, id).await?;
                moderation::get_account_with_user(&mut conn, report.target_account_id).await?
            };
            actions::act_on_account(
                &state,
                actor,
                &target,
                target_user.as_ref(),
                &AccountAction {
                    kind,
                    text: field(&form, "text"),
                    report_id: Some(id),
                    send_email_notification: true,
                },
            )
            .await?;
            return Ok(redirect_with_notice(
                &back,
                "The action was taken and the report is resolved.",
            ));
        }
        "delete_statuses" => {
            let deleted = report_actions::delete_reported_statuses(&state, actor, id).await?;
            return Ok(redirect_with_notice(
                &back,
                &format!("{deleted} reported posts were deleted and the report is resolved."),
            ));
        }
        _ => return Err(Error::NotFound.into()),
    };
    report_actions::change(&state, actor, id, change).await?;
    Ok(redirect_with_notice(&back, notice))
}
