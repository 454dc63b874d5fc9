//! `GET /api/v1/custom_emojis`: the local emojis shown in clients' pickers.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::custom_emojis::entity;
use ferrodon_core::db::queries::custom_emojis::list_local_emojis;
use ferrodon_core::AppState;

use crate::error::ApiResult;

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/custom_emojis", on::get().to(index));
}

/// Enabled local emojis visible in the picker, by shortcode; public and
/// cacheable for three minutes, as Mastodon.
async fn index(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let emojis = list_local_emojis(&mut conn, true).await?;
    let body: Vec<_> = emojis.iter().map(entity).collect();
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "max-age=180, public"))
        .json(body))
}
