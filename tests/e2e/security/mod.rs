//! Attacks against the real binaries, one file per attack (issue 17): each
//! test performs the attack as an outsider would and asserts it fails.
//! docs/security.md lists every attack with its test and its fix.
mod activity_id_origin;
mod ffmpeg_protocols;
mod forwarded_activities;
mod inbox_fetch_amplifier;
mod moderator_vs_admin;
mod open_redirect;
mod params_nesting_crash;
mod relay_spoofing;
mod remote_url_schemes;
mod route_sweep;
mod scopes_on_optional_token;
mod signature_replay;
mod signed_fetch_redirects;
mod status_leaks;
