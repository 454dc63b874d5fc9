//! Moderation: what staff do to accounts and reports (the admin API and
//! `ferrodonctl` share these), how the admin API shows them, and the
//! sign-up and access rules staff set (e-mail and IP blocks).
pub mod actions;
pub mod email_rules;
pub mod entities;
pub mod hierarchy;
pub mod ip_blocks;
pub mod report_actions;
