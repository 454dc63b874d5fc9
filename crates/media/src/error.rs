//! Why a file could not be processed.

/// Why a file could not be processed. Everything but [`MediaError::Io`] and
/// [`MediaError::Timeout`] is the file's fault and worth a 422.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// A type we do not accept.
    #[error("File content type is not supported: {0}")]
    Unsupported(String),
    /// More pixels than allowed, refused before decoding.
    #[error("File has {pixels} pixels, more than the {limit} allowed")]
    TooManyPixels {
        /// Pixels the header claims.
        pixels: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is damaged or not what it claims to be.
    #[error("File could not be processed: {0}")]
    Corrupt(String),
    /// ffmpeg failed on the file.
    #[error("File could not be processed: ffmpeg failed: {0}")]
    Ffmpeg(String),
    /// Processing took longer than allowed.
    #[error("File processing took longer than {0} seconds")]
    Timeout(u64),
    /// A local problem: temporary files, a missing ffmpeg.
    #[error("media processing I/O: {0}")]
    Io(#[from] std::io::Error),
}

impl MediaError {
    /// True when the file itself is at fault (retrying cannot help).
    pub fn is_permanent(&self) -> bool {
        !matches!(self, MediaError::Io(_))
    }
}
