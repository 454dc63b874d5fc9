//! The admin API (`/api/v1/admin/*`, `/api/v2/admin/*`): what moderators'
//! and administrators' apps use. Every endpoint needs an `admin:` scope and
//! a staff role that grants the permission, else 403. Writes go through
//! [`ferrodon_core::services::admin`], as the admin pages and `ferrodonctl`
//! do; the block kinds share their list, show and delete handlers here.
mod accounts;
mod canonical_email_blocks;
mod domain_allows;
mod domain_blocks;
mod email_domain_blocks;
mod ip_blocks;
mod metrics;
mod reports;
mod trends;

use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::roles::{require_staff, Permission};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::{Conn, Page};
use ferrodon_core::services::admin::Actor;
use ferrodon_core::{AppState, Error};
use serde_json::{json, Value};

use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};
use crate::routes::json_page;

pub fn configure(cfg: &mut Routes<'_>) {
    accounts::configure(cfg);
    canonical_email_blocks::configure(cfg);
    domain_allows::configure(cfg);
    domain_blocks::configure(cfg);
    email_domain_blocks::configure(cfg);
    ip_blocks::configure(cfg);
    metrics::configure(cfg);
    reports::configure(cfg);
    trends::configure(cfg);
}

/// The record id in the path; 404 when it is not a number.
fn record_id(path: &web::Path<String>) -> ApiResult<i64> {
    Ok(path.parse().map_err(|_| Error::NotFound)?)
}

/// The staff member acting, when the token has one of `scopes` and the
/// role grants `permission`.
fn staff<'a>(auth: &'a Auth, scopes: &[Scope], permission: Permission) -> ApiResult<Actor<'a>> {
    let (user, account) = require_staff(&auth.0, scopes, permission)?;
    Ok(Actor::staff(user, account))
}

/// A kind of record the admin API lists, shows and deletes alike (the
/// block kinds); each module adds its own create (and update).
pub(super) trait Record: Sized {
    /// Where the records are, e.g. `/api/v1/admin/ip_blocks`.
    const PATH: &'static str;
    /// The scopes that may read them.
    const READ: &'static [Scope];
    /// The scopes that may change them.
    const WRITE: &'static [Scope];
    /// The role permission both need.
    const PERMISSION: Permission;

    /// The record's id.
    fn id(&self) -> i64;
    /// A page of them, newest first.
    async fn page(conn: &mut Conn, page: &Page) -> ferrodon_core::db::Result<Vec<Self>>;
    /// One by id.
    async fn get(conn: &mut Conn, id: i64) -> ferrodon_core::db::Result<Self>;
    /// Its JSON.
    async fn render(&self, conn: &mut Conn) -> ApiResult<Value>;
    /// Deletes it through its admin service.
    async fn delete(state: &AppState, actor: Actor<'_>, id: i64) -> ferrodon_core::Result<()>;
}

/// Registers `GET PATH`, `GET PATH/{id}` and `DELETE PATH/{id}` of `R`.
fn list_show_delete<R: Record + 'static>(cfg: &mut Routes<'_>) {
    let one = format!("{}/{{id}}", R::PATH);
    cfg.route(R::PATH, on::get().to(index::<R>))
        .route(&one, on::get().to(show::<R>))
        .route(&one, on::delete().to(destroy::<R>));
}

async fn index<R: Record>(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, R::READ, R::PERMISSION)?;
    let page = page_from(&params, 100, 200)?;
    let mut conn = state.conn().await?;
    let records = R::page(&mut conn, &page).await?;
    let ids: Vec<i64> = records.iter().map(R::id).collect();
    let mut body = Vec::with_capacity(records.len());
    for record in &records {
        body.push(record.render(&mut conn).await?);
    }
    Ok(json_page(&state, &req, &body, Page::cursors(&ids)))
}

async fn show<R: Record>(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    require_staff(&auth.0, R::READ, R::PERMISSION)?;
    let mut conn = state.conn().await?;
    let record = R::get(&mut conn, record_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(record.render(&mut conn).await?))
}

async fn destroy<R: Record>(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let actor = staff(&auth, R::WRITE, R::PERMISSION)?;
    R::delete(&state, actor, record_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

/// A created or changed record, rendered.
async fn rendered<R: Record>(state: &AppState, record: &R) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(record.render(&mut conn).await?))
}
