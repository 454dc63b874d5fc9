//! End-to-end tests: the real `ferrodon-web` binary, driven over HTTP as a
//! client app would. One test binary; each module mirrors a URL area.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod fake_service;
mod federation;
mod html;
mod mail;
mod media;
mod oauth;
mod rate_limits;
mod streaming;
mod well_known;
mod workers;
