//! `/api/v1/admin/domain_blocks`: blocking other servers (Admin::DomainBlock).
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::domain_blocks::{self as queries, DomainBlock, NewDomainBlock};
use ferrodon_core::db::{Conn, Page};
use ferrodon_core::entities::timestamp;
use ferrodon_core::services::admin::{domain_blocks, Actor};
use ferrodon_core::storage::sigv4::sha256_hex;
use ferrodon_core::{AppState, Error};
use serde_json::{json, Value};

use super::{list_show_delete, record_id, rendered, staff, Record};
use crate::error::ApiResult;
use crate::extract::{Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    list_show_delete::<DomainBlock>(cfg);
    cfg.route(DomainBlock::PATH, on::post().to(create))
        .route("/api/v1/admin/domain_blocks/{id}", on::put().to(update));
}

fn render(block: &DomainBlock) -> Value {
    json!({
        "id": block.id.to_string(),
        "domain": block.domain,
        "digest": sha256_hex(block.domain.as_bytes()),
        "created_at": timestamp(&block.created_at),
        "severity": block.severity,
        "reject_media": block.reject_media,
        "reject_reports": block.reject_reports,
        "private_comment": block.private_comment,
        "public_comment": block.public_comment,
        "obfuscate": block.obfuscate,
    })
}

impl Record for DomainBlock {
    const PATH: &'static str = "/api/v1/admin/domain_blocks";
    const READ: &'static [Scope] = &[Scope::AdminRead, Scope::AdminReadDomainBlocks];
    const WRITE: &'static [Scope] = &[Scope::AdminWrite, Scope::AdminWriteDomainBlocks];
    const PERMISSION: Permission = Permission::ManageFederation;

    fn id(&self) -> i64 {
        self.id
    }

    async fn page(conn: &mut Conn, page: &Page) -> ferrodon_core::db::Result<Vec<Self>> {
        queries::page_domain_blocks(conn, page).await
    }

    async fn get(conn: &mut Conn, id: i64) -> ferrodon_core::db::Result<Self> {
        queries::get_domain_block(conn, id).await
    }

    async fn render(&self, _: &mut Conn) -> ApiResult<Value> {
        Ok(render(self))
    }

    async fn delete(state: &AppState, actor: Actor<'_>, id: i64) -> ferrodon_core::Result<()> {
        domain_blocks::delete(state, actor, id).await?;
        Ok(())
    }
}

/// The block as the request describes it, over `current` for a `PUT`.
fn requested(params: &Params, domain: String, current: Option<&DomainBlock>) -> NewDomainBlock {
    let flag = |name: &str, now: bool| params.bool(name).unwrap_or(now);
    let text = |name: &str, now: Option<&String>| match params.get(name) {
        Some(_) => params.nonempty(name),
        None => now.cloned(),
    };
    NewDomainBlock {
        domain,
        severity: params
            .nonempty("severity")
            .or_else(|| current.map(|b| b.severity.clone()))
            .unwrap_or_else(|| "silence".into()),
        reject_media: flag("reject_media", current.is_some_and(|b| b.reject_media)),
        reject_reports: flag("reject_reports", current.is_some_and(|b| b.reject_reports)),
        private_comment: text(
            "private_comment",
            current.and_then(|b| b.private_comment.as_ref()),
        ),
        public_comment: text(
            "public_comment",
            current.and_then(|b| b.public_comment.as_ref()),
        ),
    }
}

/// Blocks a domain; a domain blocked already is a 422 that carries the
/// existing block, as Mastodon answers.
async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    let actor = staff(&auth, DomainBlock::WRITE, DomainBlock::PERMISSION)?;
    let domain = params
        .nonempty("domain")
        .ok_or_else(|| Error::validation("Domain can't be blank"))?;
    match domain_blocks::create(&state, actor, requested(&params, domain.clone(), None)).await {
        Ok(applied) => Ok(HttpResponse::Ok().json(render(&applied.block))),
        Err(err @ Error::Validation(_)) => match domain_blocks::find(&state, &domain).await? {
            Some(existing) => Ok(HttpResponse::UnprocessableEntity().json(json!({
                "error": err.to_string(),
                "existing_domain_block": render(&existing),
            }))),
            None => Err(err.into()),
        },
        Err(err) => Err(err.into()),
    }
}

async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let actor = staff(&auth, DomainBlock::WRITE, DomainBlock::PERMISSION)?;
    let applied = domain_blocks::update(&state, actor, record_id(&path)?, |current| {
        requested(&params, current.domain.clone(), Some(current))
    })
    .await?;
    rendered(&state, &applied.block).await
}
