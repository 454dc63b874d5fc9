use std::future::{ready, Ready};
use std::net::IpAddr;

use actix_web::{web, FromRequest, HttpRequest};
use ferrodon_core::config::IpRange;
use ferrodon_core::AppState;

use crate::ApiError;

/// The client's address: the peer, or the last untrusted hop of
/// X-Forwarded-For when the peer is a trusted proxy (TRUSTED_PROXY_IP).
pub struct ClientIp(pub String);

/// The client's address, believing X-Forwarded-For only from trusted proxies.
pub(crate) fn client_ip(req: &HttpRequest) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let trusted: Vec<IpRange> = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.config.trusted_proxy_ips.clone())
        .unwrap_or_default();
    let is_trusted = |addr: IpAddr| trusted.iter().any(|range| range.contains(addr));
    let mut ip = peer;
    if peer.is_some_and(is_trusted) {
        if let Some(xff) = req
            .headers()
            .get("X-Forwarded-For")
            .and_then(|v| v.to_str().ok())
        {
            for hop in xff.split(',').rev() {
                match hop.trim().parse::<IpAddr>() {
                    Ok(addr) if is_trusted(addr) => continue,
                    Ok(addr) => {
                        ip = Some(addr);
                        break;
                    }
                    Err(_) => break,
                }
            }
        }
    }
    ip.map(|i| i.to_string())
        .unwrap_or_else(|| "unknown".into())
}

impl FromRequest for ClientIp {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(ClientIp(client_ip(req))))
    }
}
