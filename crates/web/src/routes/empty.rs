//! Endpoints clients call at start-up whose features arrive with later
//! issues. Each answers what Mastodon answers for an account that has none
//! of the thing yet (no emojis, announcements …), never a 404, and still
//! checks the token and scope a real implementation would.
use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::error::ApiResult;
use crate::extract::Auth;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let empty_list: &[(&str, &str)] = &[("/api/v1/announcements", "")];
    for (path, scope) in empty_list {
        let scope = *scope;
        if scope.is_empty() {
            cfg.route(
                path,
                web::get().to(|| async { HttpResponse::Ok().json(json!([])) }),
            );
        } else {
            cfg.route(
                path,
                web::get().to(move |auth: Auth| async move { authorised(auth, scope, json!([])) }),
            );
        }
    }
    for path in ["/api/v1/accounts/{id}/identity_proofs"] {
        cfg.route(
            path,
            web::get().to(|| async { HttpResponse::Ok().json(json!([])) }),
        );
    }
}

fn authorised(auth: Auth, scope: &str, body: serde_json::Value) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[scope])?;
    Ok(HttpResponse::Ok().json(body))
}
