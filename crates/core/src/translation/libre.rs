//! LibreTranslate (`POST /translate`, `GET /languages`).
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;

use super::{call, Translated, TranslationError};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TranslateResponse {
    translated_text: Vec<String>,
    #[serde(default)]
    detected_language: Option<Vec<Detected>>,
}

#[derive(Deserialize)]
struct Detected {
    language: Option<String>,
}

#[derive(Deserialize)]
struct Language {
    code: String,
    #[serde(default)]
    targets: Vec<String>,
}

/// Translates `texts` as HTML in one request.
pub(super) async fn translate(
    client: &reqwest::Client,
    endpoint: &str,
    api_key: Option<&str>,
    texts: &[String],
    source: Option<&str>,
    target: &str,
) -> Result<Translated, TranslationError> {
    let body = json!({
        "q": texts,
        "source": source.unwrap_or("auto"),
        "target": target,
        "format": "html",
        "api_key": api_key,
    });
    let answer: TranslateResponse =
        call(client.post(format!("{endpoint}/translate")).json(&body)).await?;
    if answer.translated_text.len() != texts.len() {
        return Err(TranslationError::UnexpectedResponse(format!(
            "{} translations for {} texts",
            answer.translated_text.len(),
            texts.len()
        )));
    }
    let detected = answer
        .detected_language
        .and_then(|d| d.into_iter().find_map(|l| l.language))
        .or_else(|| source.map(str::to_owned));
    Ok(Translated {
        texts: answer.translated_text,
        detected_source_language: detected,
        provider: "LibreTranslate",
    })
}

/// Each source language with the languages it translates into.
pub(super) async fn languages(
    client: &reqwest::Client,
    endpoint: &str,
    api_key: Option<&str>,
) -> Result<BTreeMap<String, Vec<String>>, TranslationError> {
    let mut request = client.get(format!("{endpoint}/languages"));
    if let Some(key) = api_key {
        request = request.query(&[("api_key", key)]);
    }
    let list: Vec<Language> = call(request).await?;
    Ok(list
        .into_iter()
        .map(|l| {
            let targets = l.targets.into_iter().filter(|t| *t != l.code).collect();
            (l.code, targets)
        })
        .collect())
}
