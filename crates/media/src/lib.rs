//! Media processing for Ferrodon: recognising what a file really is,
//! re-encoding images (EXIF orientation applied, metadata stripped, resized
//! to Mastodon's limits, a small preview and a blurhash), and running ffmpeg
//! for video, audio and animated GIFs under time and memory limits.
//!
//! Everything here works on bytes and temporary files; storing the results
//! and the database rows is the core crate's job.
#![warn(missing_docs)]

pub mod error;
pub mod ffmpeg;
pub mod image;
pub mod meta;
pub mod sniff;
mod tempdir;

pub use error::MediaError;
pub use sniff::{sniff, Detected, ImageFormat};

/// A file ready to store.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Its MIME type.
    pub content_type: &'static str,
    /// The file name extension, without the dot.
    pub extension: &'static str,
    /// Width in pixels (0 for audio).
    pub width: u32,
    /// Height in pixels (0 for audio).
    pub height: u32,
}

/// The outcome of processing an upload.
#[derive(Debug, Clone)]
pub struct Processed {
    /// Mastodon's attachment type: image, gifv, video or audio.
    pub kind: &'static str,
    /// The file clients download.
    pub original: Encoded,
    /// The small preview image, if one could be made.
    pub small: Option<Encoded>,
    /// The blurhash of the preview.
    pub blurhash: Option<String>,
    /// The `meta` object of Mastodon's MediaAttachment entity (without focus).
    pub meta: serde_json::Value,
}
