//! What the benchmark programs share: process handling and measurement
//! (`procs`), and signed deliveries from remote senders (`senders`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod procs;
pub mod senders;
