//! `/system/…`: local media files, for setups without nginx in front
//! (development, tests). In production nginx serves this path straight from
//! PAPERCLIP_ROOT_PATH and the request never reaches us.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::media::MediaStore;
use ferrodon_core::{AppState, Error};

use crate::error::ApiResult;

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/system/{key:.+}", on::get().to(serve));
}

fn content_type(key: &str) -> &'static str {
    match key.rsplit('.').next().unwrap_or("") {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

async fn serve(state: web::Data<AppState>, key: web::Path<String>) -> ApiResult<HttpResponse> {
    let MediaStore::Local(_) = &state.media else {
        return Err(Error::NotFound.into());
    };
    // A key that is not a plain relative path is simply not found.
    let bytes = match state.media.get(&key).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) | Err(ferrodon_core::media::StorageError::InvalidKey(_)) => {
            return Err(Error::NotFound.into())
        }
        Err(e) => return Err(Error::from(e).into()),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type(&key))
        .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; form-action 'none'",
        ))
        .body(bytes))
}
