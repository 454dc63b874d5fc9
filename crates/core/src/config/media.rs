//! Media settings: where files are stored (local disk or S3-compatible
//! object storage, in Mastodon's `PAPERCLIP_*` and `S3_*` names), upload
//! limits, ffmpeg, and the bounds of the remote media cache.
use std::path::PathBuf;
use std::time::Duration;

use super::{ConfigError, Env, Secret};

/// Media settings.
#[derive(Debug, Clone)]
pub struct MediaConfig {
    /// Where media files live.
    pub storage: StorageConfig,
    /// MEDIA_CACHE_RETENTION_PERIOD: days after which cached remote media is
    /// removed (unset or 0: kept until the size cap needs the room).
    pub cache_retention: Option<Duration>,
    /// FERRODON_MEDIA_CACHE_MAX_BYTES: the remote media cache's size cap,
    /// e.g. `5G`; the least recently used files go first (unset: no cap).
    pub cache_max_bytes: Option<u64>,
    /// FERRODON_MAX_IMAGE_BYTES: largest image upload (default 16M, as Mastodon).
    pub max_image_bytes: u64,
    /// FERRODON_MAX_VIDEO_BYTES: largest video or audio upload (default 99M, as Mastodon).
    pub max_video_bytes: u64,
    /// FERRODON_MAX_IMAGE_PIXELS: images with more pixels are refused before
    /// decoding, against decompression bombs (default 33177600, 7680×4320).
    pub max_image_pixels: u64,
    /// FFMPEG_BINARY: the ffmpeg program for video, audio and animated GIFs (default `ffmpeg`).
    pub ffmpeg_binary: String,
    /// FERRODON_MEDIA_PROCESSING_TIMEOUT: ffmpeg runs longer than this are killed (default 5m).
    pub processing_timeout: Duration,
    /// FERRODON_FFMPEG_MEMORY_LIMIT: address-space limit for ffmpeg (default 1G).
    pub ffmpeg_memory_limit: u64,
    /// FERRODON_REMOTE_MEDIA_MAX_BYTES: largest remote file the cache downloads (default 40M).
    pub remote_max_bytes: u64,
}

/// Where media files are kept.
#[derive(Debug, Clone)]
pub enum StorageConfig {
    /// Files on local disk, served by nginx.
    Local {
        /// PAPERCLIP_ROOT_PATH: the directory (default `public/system`).
        root: PathBuf,
        /// PAPERCLIP_ROOT_URL: the URL path or absolute URL it is served at (default `/system`).
        url: String,
    },
    /// An S3-compatible bucket (S3_ENABLED=true).
    S3(S3Config),
}

/// An S3-compatible bucket: AWS S3, Cloudflare R2, MinIO, Garage, …
#[derive(Debug, Clone)]
pub struct S3Config {
    /// S3_BUCKET. Required with S3_ENABLED.
    pub bucket: String,
    /// S3_REGION (default us-east-1; R2 uses `auto`).
    pub region: String,
    /// S3_ENDPOINT: the API endpoint, e.g. `https://<account>.r2.cloudflarestorage.com`
    /// (default `S3_PROTOCOL://S3_HOSTNAME`, AWS's regional endpoint).
    pub endpoint: String,
    /// S3_OVERRIDE_PATH_STYLE: `endpoint/bucket/key` instead of `bucket.endpoint/key`
    /// (default: true when S3_ENDPOINT is set, as MinIO and moto need).
    pub path_style: bool,
    /// AWS_ACCESS_KEY_ID.
    pub access_key_id: String,
    /// AWS_SECRET_ACCESS_KEY.
    pub secret_access_key: Secret,
    /// S3_ALIAS_HOST: the host (and optional path) files are served from, e.g. a CDN.
    pub alias_host: Option<String>,
    /// S3_PROTOCOL for public URLs built from S3_ALIAS_HOST (default https).
    pub protocol: String,
    /// S3_PERMISSION: the canned ACL on uploads (default `public-read`; empty sends none, for R2).
    pub permission: Option<String>,
    /// FERRODON_S3_TIMEOUT: limit per storage request (default 30s).
    pub timeout: Duration,
}

impl MediaConfig {
    pub(super) fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let storage = if env.flag("S3_ENABLED")? {
            StorageConfig::S3(s3_config(env)?)
        } else {
            StorageConfig::Local {
                root: PathBuf::from(env.get("PAPERCLIP_ROOT_PATH").unwrap_or("public/system")),
                url: env
                    .get("PAPERCLIP_ROOT_URL")
                    .unwrap_or("/system")
                    .trim_end_matches('/')
                    .to_owned(),
            }
        };
        let retention_days: u64 = env.parse("MEDIA_CACHE_RETENTION_PERIOD", 0)?;
        Ok(MediaConfig {
            storage,
            cache_retention: (retention_days > 0)
                .then(|| Duration::from_secs(retention_days * 86_400)),
            cache_max_bytes: match env.get("FERRODON_MEDIA_CACHE_MAX_BYTES") {
                None => None,
                Some(raw) => Some(byte_size("FERRODON_MEDIA_CACHE_MAX_BYTES", raw)?),
            },
            max_image_bytes: env.bytes("FERRODON_MAX_IMAGE_BYTES", 16 << 20)?,
            max_video_bytes: env.bytes("FERRODON_MAX_VIDEO_BYTES", 99 << 20)?,
            max_image_pixels: env.parse("FERRODON_MAX_IMAGE_PIXELS", 33_177_600)?,
            ffmpeg_binary: env.get("FFMPEG_BINARY").unwrap_or("ffmpeg").to_owned(),
            processing_timeout: env.duration(
                "FERRODON_MEDIA_PROCESSING_TIMEOUT",
                Duration::from_secs(300),
            )?,
            ffmpeg_memory_limit: env.bytes("FERRODON_FFMPEG_MEMORY_LIMIT", 1 << 30)?,
            remote_max_bytes: env.bytes("FERRODON_REMOTE_MEDIA_MAX_BYTES", 40 << 20)?,
        })
    }
}

fn s3_config(env: &Env) -> Result<S3Config, ConfigError> {
    let bucket = env.required("S3_BUCKET")?.to_owned();
    let region = env.get("S3_REGION").unwrap_or("us-east-1").to_owned();
    let protocol = env.get("S3_PROTOCOL").unwrap_or("https").to_owned();
    let explicit_endpoint = env.get("S3_ENDPOINT");
    let endpoint = match explicit_endpoint {
        Some(e) => e.trim_end_matches('/').to_owned(),
        None => {
            let host = env
                .get("S3_HOSTNAME")
                .map(str::to_owned)
                .unwrap_or_else(|| format!("s3.{region}.amazonaws.com"));
            format!("{protocol}://{host}")
        }
    };
    if url::Url::parse(&endpoint).is_err() {
        return Err(ConfigError::Invalid {
            name: "S3_ENDPOINT",
            reason: format!("{endpoint:?} is not a URL such as https://s3.example.com"),
        });
    }
    let path_style = match env.get("S3_OVERRIDE_PATH_STYLE") {
        None => explicit_endpoint.is_some(),
        Some(_) => env.flag("S3_OVERRIDE_PATH_STYLE")?,
    };
    Ok(S3Config {
        bucket,
        region,
        endpoint,
        path_style,
        access_key_id: env.required("AWS_ACCESS_KEY_ID")?.to_owned(),
        secret_access_key: Secret::new(env.required("AWS_SECRET_ACCESS_KEY")?),
        alias_host: env
            .get("S3_ALIAS_HOST")
            .map(|h| h.trim_end_matches('/').to_owned()),
        protocol,
        permission: match env.0.get("S3_PERMISSION") {
            None => Some("public-read".to_owned()),
            Some(raw) if raw.trim().is_empty() => None,
            Some(raw) => Some(raw.trim().to_owned()),
        },
        timeout: env.duration("FERRODON_S3_TIMEOUT", Duration::from_secs(30))?,
    })
}

/// Parses `1048576`, `512K`, `40M`, `5G` or `1T` (powers of 1024).
pub fn parse_byte_size(raw: &str) -> Option<u64> {
    let raw = raw.trim();
    let split = raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let number: u64 = number.parse().ok()?;
    let shift = match unit.trim().to_ascii_uppercase().trim_end_matches('B') {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return None,
    };
    number.checked_mul(1u64 << shift)
}

fn byte_size(name: &'static str, raw: &str) -> Result<u64, ConfigError> {
    parse_byte_size(raw).ok_or_else(|| ConfigError::Invalid {
        name,
        reason: format!("{raw:?} is not a size such as 512M or 5G"),
    })
}

impl Env {
    fn bytes(&self, name: &'static str, default: u64) -> Result<u64, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => byte_size(name, raw),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes_take_units() {
        assert_eq!(parse_byte_size("1024"), Some(1024));
        assert_eq!(parse_byte_size("512K"), Some(512 << 10));
        assert_eq!(parse_byte_size("40M"), Some(40 << 20));
        assert_eq!(parse_byte_size("5GB"), Some(5 << 30));
        assert_eq!(parse_byte_size("lots"), None);
        assert_eq!(parse_byte_size("5X"), None);
    }
}
