//! Machine translation through the operator's service (LibreTranslate or
//! DeepL), as Mastodon's `TranslationService`. Off unless configured; the
//! endpoint is the operator's, so the trusted HTTP client talks to it.
use std::collections::BTreeMap;
use std::time::Duration;

use deadpool_redis::redis::AsyncCommands;

use crate::config::TranslationConfig;
use crate::{AppState, Error, Result};

mod deepl;
mod libre;

/// How long one call to the service may take.
const TIMEOUT: Duration = Duration::from_secs(20);
/// Largest answer read from the service.
const MAX_RESPONSE_BYTES: usize = 1 << 20;
/// How long the service's language list is cached, as Mastodon (7 days).
const LANGUAGES_TTL_SECS: u64 = 7 * 24 * 3600;

/// Why a translation failed.
#[derive(Debug, thiserror::Error)]
pub enum TranslationError {
    /// No service is configured.
    #[error("no translation service is configured")]
    NotConfigured,
    /// The service could not be reached or answered with an error.
    #[error("translation service: {0}")]
    Unavailable(String),
    /// The service answered something we cannot read.
    #[error("translation service answered unexpectedly: {0}")]
    UnexpectedResponse(String),
}

impl From<TranslationError> for Error {
    fn from(err: TranslationError) -> Self {
        match err {
            TranslationError::NotConfigured => {
                Error::Forbidden("This action is not allowed".into())
            }
            other => Error::Unavailable(other.to_string()),
        }
    }
}

/// Texts translated together, in the order they were given.
#[derive(Debug, Clone)]
pub struct Translated {
    /// The translations.
    pub texts: Vec<String>,
    /// The source language the service detected (or was told).
    pub detected_source_language: Option<String>,
    /// The service's name, as Mastodon reports it.
    pub provider: &'static str,
}

/// Whether a translation service is configured.
pub fn enabled(state: &AppState) -> bool {
    state.config.translation.is_some()
}

/// Translates HTML `texts` from `source` (detected when None) to `target`.
pub async fn translate(
    state: &AppState,
    texts: &[String],
    source: Option<&str>,
    target: &str,
) -> std::result::Result<Translated, TranslationError> {
    let client = &state.http.trusted;
    match &state.config.translation {
        None => Err(TranslationError::NotConfigured),
        Some(TranslationConfig::LibreTranslate { endpoint, api_key }) => {
            let key = api_key.as_ref().map(|k| k.expose());
            libre::translate(client, endpoint, key, texts, source, target).await
        }
        Some(TranslationConfig::Deepl { api_key, plan }) => {
            deepl::translate(client, *plan, api_key.expose(), texts, source, target).await
        }
    }
}

/// The languages the service translates: each source language with its
/// target languages, `und` (unknown source) with every target. Empty when
/// no service is configured; cached in Redis for a week.
pub async fn languages(state: &AppState) -> Result<BTreeMap<String, Vec<String>>> {
    let Some(config) = &state.config.translation else {
        return Ok(BTreeMap::new());
    };
    let key = state.redis_key("translation_service/languages");
    let mut redis = state.redis().await?;
    let cached: Option<String> = redis.get(&key).await?;
    if let Some(found) = cached.and_then(|c| serde_json::from_str(&c).ok()) {
        return Ok(found);
    }
    let client = &state.http.trusted;
    let mut languages = match config {
        TranslationConfig::LibreTranslate { endpoint, api_key } => {
            libre::languages(client, endpoint, api_key.as_ref().map(|k| k.expose())).await?
        }
        TranslationConfig::Deepl { api_key, plan } => {
            deepl::languages(client, *plan, api_key.expose()).await?
        }
    };
    let mut all: Vec<String> = languages.values().flatten().cloned().collect();
    all.sort();
    all.dedup();
    languages.insert("und".into(), all);
    let encoded =
        serde_json::to_string(&languages).map_err(|e| Error::caused("encoding languages", e))?;
    let _: () = redis.set_ex(&key, encoded, LANGUAGES_TTL_SECS).await?;
    Ok(languages)
}

/// Sends a request to the service and reads its JSON answer.
async fn call<T: serde::de::DeserializeOwned>(
    request: reqwest::RequestBuilder,
) -> std::result::Result<T, TranslationError> {
    let unavailable = |e: reqwest::Error| TranslationError::Unavailable(e.to_string());
    let response = request.timeout(TIMEOUT).send().await.map_err(unavailable)?;
    let status = response.status();
    if !status.is_success() {
        return Err(TranslationError::Unavailable(format!("answered {status}")));
    }
    let body = response.bytes().await.map_err(unavailable)?;
    if body.len() > MAX_RESPONSE_BYTES {
        return Err(TranslationError::UnexpectedResponse(
            "answer too large".into(),
        ));
    }
    serde_json::from_slice(&body).map_err(|e| TranslationError::UnexpectedResponse(e.to_string()))
}
