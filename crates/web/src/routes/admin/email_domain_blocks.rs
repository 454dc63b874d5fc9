//! `/api/v1/admin/email_domain_blocks`: e-mail domains nobody may sign up
//! with (Admin::EmailDomainBlock, with a week of refused attempts as `history`).
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use chrono::{Duration, Utc};
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::email_blocks::{self, EmailDomainBlock};
use ferrodon_core::db::{Conn, Page};
use ferrodon_core::entities::timestamp;
use ferrodon_core::services::admin::{email_domain_blocks, Actor};
use ferrodon_core::{AppState, Error};
use serde_json::{json, Value};

use super::{list_show_delete, rendered, staff, Record};
use crate::error::ApiResult;
use crate::extract::{Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    list_show_delete::<EmailDomainBlock>(cfg);
    cfg.route(EmailDomainBlock::PATH, on::post().to(create));
}

impl Record for EmailDomainBlock {
    const PATH: &'static str = "/api/v1/admin/email_domain_blocks";
    const READ: &'static [Scope] = &[Scope::AdminRead, Scope::AdminReadEmailDomainBlocks];
    const WRITE: &'static [Scope] = &[Scope::AdminWrite, Scope::AdminWriteEmailDomainBlocks];
    const PERMISSION: Permission = Permission::ManageBlocks;

    fn id(&self) -> i64 {
        self.id
    }

    async fn page(conn: &mut Conn, page: &Page) -> ferrodon_core::db::Result<Vec<Self>> {
        email_blocks::page_email_domain_blocks(conn, page).await
    }

    async fn get(conn: &mut Conn, id: i64) -> ferrodon_core::db::Result<Self> {
        email_blocks::get_email_domain_block(conn, id).await
    }

    /// The block with the last seven days of refused sign-ups, newest first.
    async fn render(&self, conn: &mut Conn) -> ApiResult<Value> {
        let today = Utc::now().date_naive();
        let since = today - Duration::days(6);
        let attempts = email_blocks::attempts_since(conn, self.id, since).await?;
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
            "id": self.id.to_string(),
            "domain": self.domain,
            "created_at": timestamp(&self.created_at),
            "history": history,
            "allow_with_approval": self.allow_with_approval,
        }))
    }

    async fn delete(state: &AppState, actor: Actor<'_>, id: i64) -> ferrodon_core::Result<()> {
        email_domain_blocks::delete(state, actor, id).await?;
        Ok(())
    }
}

async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    let actor = staff(&auth, EmailDomainBlock::WRITE, EmailDomainBlock::PERMISSION)?;
    let domain = params
        .nonempty("domain")
        .ok_or_else(|| Error::validation("Domain can't be blank"))?;
    let approval = params.bool("allow_with_approval").unwrap_or(false);
    let block = email_domain_blocks::create(&state, actor, &domain, approval).await?;
    rendered(&state, &block).await
}
