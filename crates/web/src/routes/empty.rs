//! Endpoints clients call at start-up whose features arrive with later
//! issues. Each answers what Mastodon answers for an account that has none
//! of the thing yet (no identity proofs …), never a 404, and still
//! checks the token and scope a real implementation would.
use crate::extract::{MaybeAuth, ReadAccounts};
use crate::routes::table::{on, Routes};
use actix_web::HttpResponse;
use serde_json::json;

pub fn configure(cfg: &mut Routes<'_>) {
    // Identity proofs were removed from Mastodon; old clients still ask.
    cfg.route(
        "/api/v1/accounts/{id}/identity_proofs",
        on::get().to(|_: MaybeAuth<ReadAccounts>| async { HttpResponse::Ok().json(json!([])) }),
    );
}
