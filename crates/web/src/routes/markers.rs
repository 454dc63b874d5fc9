//! `GET/POST /api/v1/markers`: read positions synced between devices.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::markers::{list_markers, put_marker, Marker};
use ferrodon_core::db::AccountId;
use ferrodon_core::entities::timestamp;
use ferrodon_core::{AppState, Error};
use serde_json::{json, Map, Value};

use crate::error::ApiResult;
use crate::extract::{Auth, Params};

const TIMELINES: &[&str] = &["home", "notifications"];

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/markers", on::get().to(index))
        .route("/api/v1/markers", on::post().to(create));
}

fn render(markers: &[Marker]) -> Value {
    let mut body = Map::new();
    for m in markers {
        body.insert(
            m.timeline.clone(),
            json!({
                "last_read_id": m.last_read_id.to_string(),
                "version": m.version,
                "updated_at": timestamp(&m.updated_at),
            }),
        );
    }
    Value::Object(body)
}

async fn index(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadStatuses])?;
    let (_, me) = auth.0.require_user()?;
    let wanted: Vec<String> = params
        .list("timeline")
        .into_iter()
        .filter(|t| TIMELINES.contains(&t.as_str()))
        .collect();
    let mut conn = state.conn().await?;
    let markers = list_markers(&mut conn, me.id, &wanted).await?;
    Ok(HttpResponse::Ok().json(render(&markers)))
}

async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteStatuses])?;
    let (_, me) = auth.0.require_user()?;
    let mut updates = Vec::new();
    for timeline in TIMELINES {
        let Some(raw) = params.get(timeline).and_then(|v| v.get("last_read_id")) else {
            continue;
        };
        let id = match raw {
            Value::String(s) => s.trim().parse::<i64>().ok(),
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
        .filter(|id| *id > 0)
        .ok_or_else(|| Error::validation(format!("{timeline} last_read_id is not a valid id")))?;
        updates.push((*timeline, id));
    }
    if updates.is_empty() {
        return Err(Error::BadRequest(
            "home[last_read_id] or notifications[last_read_id] is required".into(),
        )
        .into());
    }
    let mut conn = state.conn().await?;
    let mut saved = Vec::new();
    for (timeline, id) in updates {
        saved.push(put_marker(&mut conn, AccountId::new(me.id), timeline, id).await?);
    }
    Ok(HttpResponse::Ok().json(render(&saved)))
}
