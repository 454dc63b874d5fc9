//! Media attachments: storage, processing of uploads, and the remote media cache.
pub mod storage;

pub use storage::{MediaStore, StorageError};
