//! Creating notifications under the recipient's policy (filtered ones go
//! to notification requests), below [`crate::live`], which streams and
//! pushes them, and below the services that cause them.
pub mod notify;
pub mod policy;
