//! DeepL (`POST /v2/translate`, `GET /v2/languages`).
use std::collections::BTreeMap;

use serde::Deserialize;

use super::{call, Translated, TranslationError};
use crate::config::DeeplPlan;

fn base(plan: DeeplPlan) -> &'static str {
    match plan {
        DeeplPlan::Free => "https://api-free.deepl.com",
        DeeplPlan::Pro => "https://api.deepl.com",
    }
}

#[derive(Deserialize)]
struct TranslateResponse {
    translations: Vec<Translation>,
}

#[derive(Deserialize)]
struct Translation {
    text: String,
    detected_source_language: Option<String>,
}

#[derive(Deserialize)]
struct Language {
    language: String,
}

/// Translates `texts` as HTML in one request.
pub(super) async fn translate(
    client: &reqwest::Client,
    plan: DeeplPlan,
    api_key: &str,
    texts: &[String],
    source: Option<&str>,
    target: &str,
) -> Result<Translated, TranslationError> {
    let mut form: Vec<(&str, String)> = texts.iter().map(|t| ("text", t.clone())).collect();
    form.push(("target_lang", target.to_uppercase()));
    form.push(("tag_handling", "html".into()));
    if let Some(source) = source {
        form.push(("source_lang", source.to_uppercase()));
    }
    let request = client
        .post(format!("{}/v2/translate", base(plan)))
        .header("Authorization", format!("DeepL-Auth-Key {api_key}"))
        .form(&form);
    let answer: TranslateResponse = call(request).await?;
    if answer.translations.len() != texts.len() {
        return Err(TranslationError::UnexpectedResponse(format!(
            "{} translations for {} texts",
            answer.translations.len(),
            texts.len()
        )));
    }
    let detected = answer
        .translations
        .first()
        .and_then(|t| t.detected_source_language.as_deref())
        .map(str::to_lowercase)
        .or_else(|| source.map(str::to_owned));
    Ok(Translated {
        texts: answer.translations.into_iter().map(|t| t.text).collect(),
        detected_source_language: detected,
        provider: "DeepL.com",
    })
}

/// Every source language with every target language (DeepL translates
/// between all of them); codes lower-cased and reduced to the language.
pub(super) async fn languages(
    client: &reqwest::Client,
    plan: DeeplPlan,
    api_key: &str,
) -> Result<BTreeMap<String, Vec<String>>, TranslationError> {
    let list = |kind: &'static str| {
        client
            .get(format!("{}/v2/languages", base(plan)))
            .query(&[("type", kind)])
            .header("Authorization", format!("DeepL-Auth-Key {api_key}"))
    };
    let code = |l: Language| {
        l.language
            .split('-')
            .next()
            .unwrap_or_default()
            .to_lowercase()
    };
    let sources: Vec<Language> = call(list("source")).await?;
    let targets: Vec<Language> = call(list("target")).await?;
    let mut targets: Vec<String> = targets.into_iter().map(code).collect();
    targets.sort();
    targets.dedup();
    Ok(sources
        .into_iter()
        .map(code)
        .map(|source| {
            let to = targets.iter().filter(|t| **t != source).cloned().collect();
            (source, to)
        })
        .collect())
}
