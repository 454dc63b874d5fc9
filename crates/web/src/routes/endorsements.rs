//! Featured ("endorsed") accounts and private notes about accounts.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::{accounts, endorsements, follows};
use ferrodon_core::db::AccountId;
use ferrodon_core::{AppState, Error};
use serde_json::json;

use super::accounts::relationship_with;
use super::{accounts_page, path_id};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, MaybeAuth, Params, ReadAccounts};

/// Longest private note, as Mastodon.
const MAX_NOTE: usize = 2000;

pub fn configure(cfg: &mut Routes<'_>) {
    for (verb, endorse) in [
        ("endorse", true),
        ("pin", true),
        ("unendorse", false),
        ("unpin", false),
    ] {
        cfg.route(
            &format!("/api/v1/accounts/{{id}}/{verb}"),
            on::post().to(move |state, auth, path| set_endorsement(state, auth, path, endorse)),
        );
    }
    cfg.route("/api/v1/endorsements", on::get().to(own))
        .route(
            "/api/v1/accounts/{id}/endorsements",
            on::get().to(of_account),
        )
        .route("/api/v1/accounts/{id}/note", on::post().to(note));
}

async fn set_endorsement(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    endorse: bool,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteAccounts])?;
    let (_, me) = auth.0.require_user()?;
    let target = path_id(&path)?;
    let mut conn = state.conn().await?;
    accounts::get_account_by_id(&mut conn, target).await?;
    if endorse {
        if follows::get_follow(&mut conn, AccountId::new(me.id), AccountId::new(target))
            .await?
            .is_none()
        {
            return Err(Error::validation(
                "You must be already following the person you want to endorse",
            )
            .into());
        }
        endorsements::endorse(&mut conn, AccountId::new(me.id), AccountId::new(target)).await?;
    } else {
        endorsements::unendorse(&mut conn, AccountId::new(me.id), AccountId::new(target)).await?;
    }
    drop(conn);
    relationship_with(&state, me.id, target).await
}

async fn own(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadAccounts])?;
    let (_, me) = auth.0.require_user()?;
    let page = page_from(&params, 40, 80)?;
    let mut conn = state.conn().await?;
    let rows = endorsements::list_endorsed(&mut conn, me.id, &page).await?;
    Ok(accounts_page(&state, &req, &rows))
}

/// A profile's endorsements, public unless the profile hides its network.
async fn of_account(
    state: web::Data<AppState>,
    req: HttpRequest,
    _auth: MaybeAuth<ReadAccounts>,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let id = path_id(&path)?;
    let page = page_from(&params, 40, 80)?;
    let mut conn = state.conn().await?;
    let account = accounts::get_account_by_id(&mut conn, id).await?;
    if account.suspended_at.is_some() || account.hide_collections {
        return Ok(HttpResponse::Ok().json(json!([])));
    }
    let rows = endorsements::list_endorsed(&mut conn, id, &page).await?;
    Ok(accounts_page(&state, &req, &rows))
}

async fn note(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteAccounts])?;
    let (_, me) = auth.0.require_user()?;
    let target = path_id(&path)?;
    let comment = params.str("comment").unwrap_or_default();
    if comment.chars().count() > MAX_NOTE {
        return Err(Error::validation("Comment is too long (maximum is 2000 characters)").into());
    }
    let mut conn = state.conn().await?;
    accounts::get_account_by_id(&mut conn, target).await?;
    endorsements::set_note(
        &mut conn,
        AccountId::new(me.id),
        AccountId::new(target),
        comment.trim(),
    )
    .await?;
    drop(conn);
    relationship_with(&state, me.id, target).await
}
