//! `/api/v1/admin/canonical_email_blocks`: addresses (any variant of one
//! mailbox) nobody may sign up with again (Admin::CanonicalEmailBlock).
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::roles::{require_staff, Permission};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::email_blocks::{self, CanonicalEmailBlock};
use ferrodon_core::db::{Conn, Page};
use ferrodon_core::moderation::email_rules::canonical_email_hash;
use ferrodon_core::services::admin::canonical_email_blocks::{self, Blocked};
use ferrodon_core::services::admin::Actor;
use ferrodon_core::{AppState, Error};
use serde_json::{json, Value};

use super::{list_show_delete, rendered, staff, Record};
use crate::error::ApiResult;
use crate::extract::{Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    // Before `{id}`, which `test` would otherwise be taken for.
    cfg.route(
        "/api/v1/admin/canonical_email_blocks/test",
        on::post().to(test),
    );
    list_show_delete::<CanonicalEmailBlock>(cfg);
    cfg.route(CanonicalEmailBlock::PATH, on::post().to(create));
}

impl Record for CanonicalEmailBlock {
    const PATH: &'static str = "/api/v1/admin/canonical_email_blocks";
    const READ: &'static [Scope] = &[Scope::AdminRead, Scope::AdminReadCanonicalEmailBlocks];
    const WRITE: &'static [Scope] = &[Scope::AdminWrite, Scope::AdminWriteCanonicalEmailBlocks];
    const PERMISSION: Permission = Permission::ManageBlocks;

    fn id(&self) -> i64 {
        self.id
    }

    async fn page(conn: &mut Conn, page: &Page) -> ferrodon_core::db::Result<Vec<Self>> {
        email_blocks::page_canonical_email_blocks(conn, page).await
    }

    async fn get(conn: &mut Conn, id: i64) -> ferrodon_core::db::Result<Self> {
        email_blocks::get_canonical_email_block(conn, id).await
    }

    async fn render(&self, _: &mut Conn) -> ApiResult<Value> {
        Ok(render(self))
    }

    async fn delete(state: &AppState, actor: Actor<'_>, id: i64) -> ferrodon_core::Result<()> {
        canonical_email_blocks::delete(state, actor, id).await?;
        Ok(())
    }
}

fn render(block: &CanonicalEmailBlock) -> Value {
    json!({
        "id": block.id.to_string(),
        "canonical_email_hash": block.canonical_email_hash,
    })
}

/// The blocks matching `email` (none or one).
async fn test(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    require_staff(
        &auth.0,
        CanonicalEmailBlock::READ,
        CanonicalEmailBlock::PERMISSION,
    )?;
    let email = params
        .nonempty("email")
        .ok_or_else(|| Error::BadRequest("email is missing".into()))?;
    let mut conn = state.conn().await?;
    let blocks =
        email_blocks::canonical_email_blocks_for(&mut conn, &canonical_email_hash(&email)).await?;
    let body: Vec<Value> = blocks.iter().map(render).collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Blocks `email` (hashed by the service) or a given `canonical_email_hash`.
async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    let actor = staff(
        &auth,
        CanonicalEmailBlock::WRITE,
        CanonicalEmailBlock::PERMISSION,
    )?;
    let email = params.nonempty("email");
    let hash = params.nonempty("canonical_email_hash");
    let blocked = match (&email, &hash) {
        (Some(email), _) => Blocked::Email(email),
        (None, Some(hash)) => Blocked::Hash(hash),
        (None, None) => {
            return Err(Error::validation("Canonical email hash can't be blank").into());
        }
    };
    let block = canonical_email_blocks::create(&state, actor, blocked).await?;
    rendered(&state, &block).await
}
