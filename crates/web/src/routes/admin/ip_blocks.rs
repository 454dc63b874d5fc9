//! `/api/v1/admin/ip_blocks`: address ranges that need approval to sign
//! up, may not sign up, or may not reach the server at all (Admin::IpBlock).
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use chrono::{Duration, Utc};
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::ip_blocks::{self as queries, IpBlock, IpBlockFields};
use ferrodon_core::db::{Conn, Page};
use ferrodon_core::entities::timestamp;
use ferrodon_core::moderation::ip_blocks as ip_rules;
use ferrodon_core::services::admin::{ip_blocks, Actor};
use ferrodon_core::{AppState, Error};
use serde_json::{json, Value};

use super::{list_show_delete, record_id, rendered, staff, Record};
use crate::error::ApiResult;
use crate::extract::{Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    list_show_delete::<IpBlock>(cfg);
    cfg.route(IpBlock::PATH, on::post().to(create))
        .route("/api/v1/admin/ip_blocks/{id}", on::put().to(update));
}

impl Record for IpBlock {
    const PATH: &'static str = "/api/v1/admin/ip_blocks";
    const READ: &'static [Scope] = &[Scope::AdminRead, Scope::AdminReadIpBlocks];
    const WRITE: &'static [Scope] = &[Scope::AdminWrite, Scope::AdminWriteIpBlocks];
    const PERMISSION: Permission = Permission::ManageBlocks;

    fn id(&self) -> i64 {
        self.id
    }

    async fn page(conn: &mut Conn, page: &Page) -> ferrodon_core::db::Result<Vec<Self>> {
        queries::page_ip_blocks(conn, page).await
    }

    async fn get(conn: &mut Conn, id: i64) -> ferrodon_core::db::Result<Self> {
        queries::get_ip_block(conn, id).await
    }

    async fn render(&self, _: &mut Conn) -> ApiResult<Value> {
        Ok(json!({
            "id": self.id.to_string(),
            "ip": self.ip,
            "severity": self.severity,
            "comment": self.comment,
            "created_at": timestamp(&self.created_at),
            "expires_at": self.expires_at.as_ref().map(timestamp),
        }))
    }

    async fn delete(state: &AppState, actor: Actor<'_>, id: i64) -> ferrodon_core::Result<()> {
        ip_blocks::delete(state, actor, id).await?;
        Ok(())
    }
}

/// `expires_in` when given (`Some(None)` when it is given empty).
fn expires_in(params: &Params) -> ApiResult<Option<Option<i64>>> {
    match params.get("expires_in") {
        Some(_) => Ok(Some(params.i64("expires_in")?)),
        None => Ok(None),
    }
}

/// The block as the request describes it, over `current` for a `PUT`.
fn requested(
    params: &Params,
    expires_in: Option<Option<i64>>,
    current: Option<&IpBlock>,
) -> ferrodon_core::Result<IpBlockFields> {
    let ip = match (params.nonempty("ip"), current) {
        (Some(text), _) => ip_rules::parse_range(&text)?,
        (None, Some(block)) => block.ip.clone(),
        (None, None) => return Err(Error::validation("Ip can't be blank")),
    };
    let severity = match (params.nonempty("severity"), current) {
        (Some(text), _) => ip_rules::parse_severity(&text)?.as_str().to_owned(),
        (None, Some(block)) => block.severity.clone(),
        (None, None) => return Err(Error::validation("Severity can't be blank")),
    };
    let comment = match params.str("comment") {
        Some(text) => text,
        None => current.map(|b| b.comment.clone()).unwrap_or_default(),
    };
    let expires_at = match expires_in {
        Some(Some(secs)) if secs > 0 => Some(Utc::now() + Duration::seconds(secs)),
        Some(_) => None,
        None => current.and_then(|b| b.expires_at),
    };
    Ok(IpBlockFields {
        ip,
        severity,
        comment,
        expires_at,
    })
}

async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    let actor = staff(&auth, IpBlock::WRITE, IpBlock::PERMISSION)?;
    let fields = requested(&params, expires_in(&params)?, None)?;
    let blocked = ip_blocks::create(&state, actor, &fields, false).await?;
    rendered(&state, &blocked.block).await
}

async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let actor = staff(&auth, IpBlock::WRITE, IpBlock::PERMISSION)?;
    let expires_in = expires_in(&params)?;
    let block = ip_blocks::update(&state, actor, record_id(&path)?, |current| {
        requested(&params, expires_in, Some(current))
    })
    .await?;
    rendered(&state, &block).await
}
