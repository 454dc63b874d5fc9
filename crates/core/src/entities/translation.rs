//! `Translation`: a status's text in another language.
use serde::Serialize;

/// Mastodon's Translation entity.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Translation {
    pub detected_source_language: Option<String>,
    pub language: String,
    pub provider: &'static str,
    pub content: String,
    pub spoiler_text: String,
    pub poll: Option<TranslatedPoll>,
    pub media_attachments: Vec<TranslatedMedia>,
}

/// A poll's translated options.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct TranslatedPoll {
    pub id: String,
    pub options: Vec<TranslatedOption>,
}

/// One translated poll option.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct TranslatedOption {
    pub title: String,
}

/// A media attachment's translated description.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct TranslatedMedia {
    pub id: String,
    pub description: String,
}
