//! `/api/v1/admin/email_domain_blocks`: e-mail domains nobody may sign up
//! with (Admin::EmailDomainBlock, with a week of refused attempts as `history`).
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use ferrodon_core::auth::roles::{require_staff, Permission};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::email_blocks::{self, EmailDomainBlock};
use ferrodon_core::db::{Conn, Page};
use ferrodon_core::entities::timestamp;
use ferrodon_core::moderation::{actions, email_rules};
use ferrodon_core::{AppState, Error};
use serde_json::{json, Value};

use super::{record_id, taken};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};
use crate::routes::json_page;

const READ: &[Scope] = &[Scope::AdminRead, Scope::AdminReadEmailDomainBlocks];
const WRITE: &[Scope] = &[Scope::AdminWrite, Scope::AdminWriteEmailDomainBlocks];

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/admin/email_domain_blocks", on::get().to(index))
        .route("/api/v1/admin/email_domain_blocks", on::post().to(create))
        .route("/api/v1/admin/email_domain_blocks/{id}", on::get().to(show))
        .route(
            "/api/v1/admin/email_domain_blocks/{id}",
            on::delete().to(destroy),
        );
}

/// The block with the last seven days of refused sign-ups, newest first.
async fn render(conn: &mut Conn, block: &EmailDomainBlock) -> ApiResult<Value> {
    let today = Utc::now().date_naive();
    let since = today - Duration::days(6);
    let attempts = email_blocks::attempts_since(conn, block.id, since).await?;
    let history: Vec<Value> = (0..7)
        .map(|back| {
            let day = today - Duration::days(back);
            let uses = attempts
                .iter()
                .find(|(d, _)| *d == day)
                .map_or(0, |(_, n)| *n);
            let midnight = day
                .and_hms_opt(0, 0, 0)
                .map_or(0, |t| t.and_utc().timestamp());
            json!({
                "day": midnight.to_string(),
                "accounts": uses.to_string(),
                "uses": uses.to_string(),
            })
        })
        .collect();
    Ok(json!({
        "id": block.id.to_string(),
        "domain": block.domain,
        "created_at": timestamp(&block.created_at),
        "history": history,
        "allow_with_approval": block.allow_with_approval,
    }))
}

async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageBlocks)?;
    let page = page_from(&params, 100, 200)?;
    let mut conn = state.conn().await?;
    let blocks = email_blocks::page_email_domain_blocks(&mut conn, &page).await?;
    let ids: Vec<i64> = blocks.iter().map(|b| b.id).collect();
    let mut body = Vec::with_capacity(blocks.len());
    for block in &blocks {
        body.push(render(&mut conn, block).await?);
    }
    Ok(json_page(&state, &req, &body, Page::cursors(&ids)))
}

async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, READ, Permission::ManageBlocks)?;
    let mut conn = state.conn().await?;
    let block = email_blocks::get_email_domain_block(&mut conn, record_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(render(&mut conn, &block).await?))
}

/// A domain as an e-mail address ends: lowercase, without `@` or a final dot.
fn normalize(domain: &str) -> ApiResult<String> {
    Ok(email_rules::normalize_email_domain(domain)?)
}

async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    let (_, me) = require_staff(&auth.0, WRITE, Permission::ManageBlocks)?;
    let domain = params
        .nonempty("domain")
        .ok_or_else(|| Error::validation("Domain can't be blank"))?;
    let domain = normalize(&domain)?;
    let approval = params.bool("allow_with_approval").unwrap_or(false);
    let mut conn = state.conn().await?;
    let block = email_blocks::put_email_domain_block(&mut conn, &domain, approval)
        .await
        .map_err(|e| taken(e, "Domain"))?;
    actions::log(
        &mut conn,
        me,
        "create",
        "EmailDomainBlock",
        block.id,
        &block.domain,
    )
    .await?;
    Ok(HttpResponse::Ok().json(render(&mut conn, &block).await?))
}

async fn destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (_, me) = require_staff(&auth.0, WRITE, Permission::ManageBlocks)?;
    let mut conn = state.conn().await?;
    let block = email_blocks::get_email_domain_block(&mut conn, record_id(&path)?).await?;
    email_blocks::delete_email_domain_block(&mut conn, block.id).await?;
    actions::log(
        &mut conn,
        me,
        "destroy",
        "EmailDomainBlock",
        block.id,
        &block.domain,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn domains_are_lowercased_and_nonsense_refused() {
        assert_eq!(
            normalize(" @Spam.Example. ").ok().as_deref(),
            Some("spam.example")
        );
        assert!(normalize("").is_err());
        assert!(normalize("a b.example").is_err());
        assert!(normalize("x@y.example").is_err());
    }
}
