//! The translation service, in Mastodon's names: DeepL when DEEPL_API_KEY
//! is set, else LibreTranslate when LIBRE_TRANSLATE_ENDPOINT is; none by
//! default.
use super::{ConfigError, Env, Secret};

/// Which DeepL API a key belongs to (DEEPL_PLAN).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeeplPlan {
    /// api-free.deepl.com.
    Free,
    /// api.deepl.com (Mastodon's default).
    Pro,
}

/// A configured translation service.
#[derive(Debug, Clone)]
pub enum TranslationConfig {
    /// DeepL (DEEPL_API_KEY, DEEPL_PLAN).
    Deepl {
        /// DEEPL_API_KEY.
        api_key: Secret,
        /// DEEPL_PLAN: `free` or `pro` (default pro).
        plan: DeeplPlan,
    },
    /// A LibreTranslate server (LIBRE_TRANSLATE_ENDPOINT,
    /// LIBRE_TRANSLATE_API_KEY).
    LibreTranslate {
        /// LIBRE_TRANSLATE_ENDPOINT, without a trailing slash.
        endpoint: String,
        /// LIBRE_TRANSLATE_API_KEY, when the server wants one.
        api_key: Option<Secret>,
    },
}

impl TranslationConfig {
    pub(super) fn from_env(env: &Env) -> Result<Option<Self>, ConfigError> {
        if let Some(key) = env.get("DEEPL_API_KEY").filter(|k| !k.is_empty()) {
            let plan = env.choice(
                "DEEPL_PLAN",
                &[("free", DeeplPlan::Free), ("pro", DeeplPlan::Pro)],
                DeeplPlan::Pro,
            )?;
            return Ok(Some(TranslationConfig::Deepl {
                api_key: Secret::new(key),
                plan,
            }));
        }
        let Some(endpoint) = env
            .get("LIBRE_TRANSLATE_ENDPOINT")
            .filter(|e| !e.is_empty())
        else {
            return Ok(None);
        };
        let parsed = url::Url::parse(endpoint).map_err(|e| ConfigError::Invalid {
            name: "LIBRE_TRANSLATE_ENDPOINT",
            reason: format!("{endpoint:?}: {e}"),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ConfigError::Invalid {
                name: "LIBRE_TRANSLATE_ENDPOINT",
                reason: format!("{endpoint:?}: not an http(s) URL"),
            });
        }
        Ok(Some(TranslationConfig::LibreTranslate {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            api_key: env
                .get("LIBRE_TRANSLATE_API_KEY")
                .filter(|k| !k.is_empty())
                .map(Secret::new),
        }))
    }
}
