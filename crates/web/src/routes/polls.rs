//! `GET /api/v1/polls/:id` and `POST /api/v1/polls/:id/votes`.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::polls;
use ferrodon_core::entities::poll;
use ferrodon_core::services::status_access::get_visible_status;
use ferrodon_core::services::vote::vote;
use ferrodon_core::{AppState, Error};

use super::path_id;
use crate::error::ApiResult;
use crate::extract::{Auth, MaybeAuth, Params, ReadStatuses};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/polls/{id}", on::get().to(show))
        .route("/api/v1/polls/{id}/votes", on::post().to(create_vote));
}

async fn render(
    state: &AppState,
    poll: &polls::Poll,
    viewer: Option<i64>,
) -> ApiResult<HttpResponse> {
    let own = match viewer {
        Some(v) => {
            let mut conn = state.conn().await?;
            Some(
                polls::votes_of(&mut conn, v, &[poll.id])
                    .await?
                    .into_iter()
                    .map(|(_, c)| c)
                    .collect::<Vec<_>>(),
            )
        }
        None => None,
    };
    Ok(HttpResponse::Ok().json(poll::render(poll, own.as_deref())))
}

async fn show(
    state: web::Data<AppState>,
    auth: MaybeAuth<ReadStatuses>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path_id(&path)?;
    let viewer = auth.account_id();
    let mut conn = state.conn().await?;
    let found = polls::find_poll(&mut conn, id)
        .await?
        .ok_or(Error::NotFound)?;
    get_visible_status(&mut conn, found.status_id, viewer).await?;
    drop(conn);
    render(&state, &found, viewer).await
}

async fn create_vote(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteStatuses])?;
    let (_, account) = auth.0.require_user()?;
    let id = path_id(&path)?;
    let choices = params
        .list("choices")
        .iter()
        .map(|c| c.parse::<i32>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| Error::validation("Choices must be option indexes"))?;
    let updated = vote(&state, account, id, &choices).await?;
    render(&state, &updated, Some(account.id)).await
}
