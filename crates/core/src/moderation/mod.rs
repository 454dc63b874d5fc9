//! Moderation: what staff do to accounts and reports (the admin API and
//! `ferrodonctl` share these), and how the admin API shows them.
pub mod actions;
pub mod entities;
pub mod report_actions;
