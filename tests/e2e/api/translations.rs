//! Translation: `POST /api/v1/statuses/:id/translate` and
//! `GET /api/v1/instance/translation_languages`, against a LibreTranslate
//! server played by the test, and refused when none is configured.
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

use crate::fake_service::{self, next, Received};

/// LibreTranslate's answers: `/translate` prefixes each text with `[en] `
/// and reports German as detected; `/languages` lists two languages.
fn libre_translate(request: &Received) -> fake_service::Answer {
    if request.path.starts_with("/languages") {
        let body = json!([
            {"code": "en", "name": "English", "targets": ["de", "en"]},
            {"code": "de", "name": "German", "targets": ["en", "de"]}
        ]);
        return (200, body.to_string());
    }
    let sent: Value = serde_json::from_slice(&request.body).unwrap_or_default();
    let texts: Vec<String> = sent["q"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| format!("[en] {}", t.as_str().unwrap_or_default()))
        .collect();
    let detected: Vec<Value> = texts
        .iter()
        .map(|_| json!({"confidence": 90, "language": "de"}))
        .collect();
    (
        200,
        json!({"translatedText": texts, "detectedLanguage": detected}).to_string(),
    )
}

async fn post_ok(app: &TestApp, token: &str, body: Value) -> Value {
    let resp = app.post_json("/api/v1/statuses", token, &body).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

async fn instance_translation_enabled(app: &TestApp) -> Value {
    let instance: Value = app
        .client
        .get(app.url("/api/v2/instance"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    instance["configuration"]["translation"]["enabled"].clone()
}

#[tokio::test]
async fn without_a_service_nothing_is_translatable() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let status = post_ok(&app, &alice, json!({"status": "Hallo", "language": "de"})).await;
    let id = status["id"].as_str().unwrap();
    let resp = app
        .post_form(&format!("/api/v1/statuses/{id}/translate"), &alice, &[])
        .await;
    assert_eq!(resp.status(), 403);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "This action is not allowed");
    let languages: Value = app
        .get("/api/v1/instance/translation_languages", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(languages, json!({}));
    assert_eq!(instance_translation_enabled(&app).await, false);
}

#[tokio::test]
async fn libre_translate_translates_public_statuses() {
    let (endpoint, mut requests) = fake_service::start(libre_translate).await;
    let app = TestApp::spawn_with(&[
        ("LIBRE_TRANSLATE_ENDPOINT", endpoint.as_str()),
        ("LIBRE_TRANSLATE_API_KEY", "sesame"),
    ])
    .await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    assert_eq!(instance_translation_enabled(&app).await, true);

    let status = post_ok(
        &app,
        &alice,
        json!({
            "status": "Guten Tag",
            "spoiler_text": "Achtung",
            "language": "de",
            "poll": {"options": ["Ja", "Nein"], "expires_in": 3600}
        }),
    )
    .await;
    let id = status["id"].as_str().unwrap();
    let resp = app
        .post_form(
            &format!("/api/v1/statuses/{id}/translate"),
            &bob,
            &[("lang", "en")],
        )
        .await;
    assert_eq!(resp.status(), 200);
    let translation: Value = resp.json().await.unwrap();

    let request = next(&mut requests).await;
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/translate");
    let sent: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        sent,
        json!({
            "q": ["<p>Guten Tag</p>", "Achtung", "Ja", "Nein"],
            "source": "de",
            "target": "en",
            "format": "html",
            "api_key": "sesame"
        })
    );
    assert_eq!(translation["detected_source_language"], "de");
    assert_eq!(translation["language"], "en");
    assert_eq!(translation["provider"], "LibreTranslate");
    assert_eq!(translation["content"], "[en] <p>Guten Tag</p>");
    assert_eq!(translation["spoiler_text"], "[en] Achtung");
    assert_eq!(translation["poll"]["id"], status["poll"]["id"]);
    assert_eq!(
        translation["poll"]["options"],
        json!([{"title": "[en] Ja"}, {"title": "[en] Nein"}])
    );
    assert_eq!(translation["media_attachments"], json!([]));

    // Already in the target language, or not public: not translatable.
    let same = app
        .post_form(
            &format!("/api/v1/statuses/{id}/translate"),
            &bob,
            &[("lang", "de")],
        )
        .await;
    assert_eq!(same.status(), 403);
    let private = post_ok(
        &app,
        &alice,
        json!({"status": "Geheim", "language": "de", "visibility": "private"}),
    )
    .await;
    let private_id = private["id"].as_str().unwrap();
    let refused = app
        .post_form(
            &format!("/api/v1/statuses/{private_id}/translate"),
            &alice,
            &[("lang", "en")],
        )
        .await;
    assert_eq!(refused.status(), 403);

    // The language list is asked once, then cached.
    for _ in 0..2 {
        let languages: Value = app
            .get("/api/v1/instance/translation_languages", &bob)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            languages,
            json!({"de": ["en"], "en": ["de"], "und": ["de", "en"]})
        );
    }
    let asked = next(&mut requests).await;
    assert!(asked.path.starts_with("/languages"), "{}", asked.path);
    assert!(
        requests.try_recv().is_err(),
        "the second call is answered from the cache"
    );
}
