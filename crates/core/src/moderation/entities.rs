//! The admin API's entities: Admin::Account and Admin::Report, and the
//! AccountWarning a warned account's owner sees.
use serde_json::{json, Value};

use crate::auth::roles::role_entity;
use crate::db::models::{Account, User};
use crate::db::queries::reports::Report;
use crate::db::queries::{moderation, rules};
use crate::db::Conn;
use crate::entities::{account, timestamp};
use crate::{views, Config, Result};

/// Mastodon's Admin::Account: the account with its user's private details.
pub fn render_account(config: &Config, account: &Account, user: Option<&User>) -> Value {
    json!({
        "id": account.id.to_string(),
        "username": account.username,
        "domain": account.domain,
        "created_at": timestamp(&account.created_at),
        "email": user.map(|u| u.email.as_str()),
        "ip": null,
        "ips": [],
        "role": user.map(|u| role_entity(u.role)),
        "confirmed": user.is_some_and(|u| u.confirmed_at.is_some()),
        "suspended": account.suspended_at.is_some(),
        "silenced": account.silenced_at.is_some(),
        "sensitized": account.sensitized_at.is_some(),
        "disabled": user.is_some_and(|u| u.disabled),
        "approved": user.is_some_and(|u| u.approved),
        "locale": user.map(|u| u.locale.as_str()),
        "invite_request": user.and_then(|u| u.sign_up_reason.as_deref()),
        "created_by_application_id": user
            .and_then(|u| u.created_by_application_id)
            .map(|id| id.to_string()),
        "account": account::render(config, account),
    })
}

async fn admin_account(conn: &mut Conn, config: &Config, id: Option<i64>) -> Result<Value> {
    let Some(id) = id else {
        return Ok(Value::Null);
    };
    let (account, user) = moderation::get_account_with_user(conn, id).await?;
    Ok(render_account(config, &account, user.as_ref()))
}

/// Mastodon's Admin::Report, with the reported statuses and broken rules.
pub async fn render_report(conn: &mut Conn, config: &Config, report: &Report) -> Result<Value> {
    let reporter = admin_account(conn, config, Some(report.account_id)).await?;
    let target = admin_account(conn, config, Some(report.target_account_id)).await?;
    let assigned = admin_account(conn, config, report.assigned_account_id).await?;
    let resolver = admin_account(conn, config, report.action_taken_by_account_id).await?;
    let reported = views::VisibleStatuses::reported(&report.status_ids);
    let statuses = views::render_statuses(conn, config, &reported).await?;
    let rules: Vec<Value> = rules::list_rules(conn)
        .await?
        .into_iter()
        .filter(|r| report.rule_ids.contains(&r.id))
        .map(|r| json!({ "id": r.id.to_string(), "text": r.text, "hint": r.hint }))
        .collect();
    Ok(json!({
        "id": report.id.to_string(),
        "action_taken": report.action_taken_at.is_some(),
        "action_taken_at": report.action_taken_at.as_ref().map(timestamp),
        "category": report.category,
        "comment": report.comment,
        "forwarded": report.forward,
        "created_at": timestamp(&report.created_at),
        "updated_at": timestamp(&report.updated_at),
        "account": reporter,
        "target_account": target,
        "assigned_account": assigned,
        "action_taken_by_account": resolver,
        "statuses": statuses,
        "rules": rules,
    }))
}
