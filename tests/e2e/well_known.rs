//! Discovery documents.
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

#[tokio::test]
async fn webfinger_finds_local_accounts_only() {
    let app = TestApp::spawn().await;
    let (_, alice, _) = local_user(&app.state, "alice").await;
    let domain = app.base_url.trim_start_matches("http://").to_owned();
    let resp = app
        .client
        .get(app.url("/.well-known/webfinger"))
        .query(&[("resource", format!("acct:Alice@{domain}"))])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/jrd+json"));
    let jrd: Value = resp.json().await.unwrap();
    assert_eq!(jrd["subject"], format!("acct:alice@{domain}"));
    let actor = jrd["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "self")
        .unwrap();
    assert_eq!(actor["href"], alice.uri);
    assert_eq!(actor["type"], "application/activity+json");

    let by_uri = app
        .client
        .get(app.url("/.well-known/webfinger"))
        .query(&[("resource", alice.uri.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(by_uri.status(), 200);
    let elsewhere = app
        .client
        .get(app.url("/.well-known/webfinger?resource=acct:alice@elsewhere.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 404);
    let nobody = app
        .client
        .get(app.url(&format!(
            "/.well-known/webfinger?resource=acct:nobody@{domain}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(nobody.status(), 404);
    let garbage = app
        .client
        .get(app.url("/.well-known/webfinger?resource=not-a-resource"))
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
}

#[tokio::test]
async fn nodeinfo_and_host_meta() {
    let app = TestApp::spawn().await;
    local_user(&app.state, "alice").await;
    let discovery: Value = app
        .client
        .get(app.url("/.well-known/nodeinfo"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let href = discovery["links"][0]["href"].as_str().unwrap();
    assert_eq!(href, app.url("/nodeinfo/2.0"));
    let info: Value = app
        .client
        .get(href)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["software"]["name"], "ferrodon");
    assert_eq!(info["protocols"][0], "activitypub");
    assert_eq!(info["usage"]["users"]["total"], 1);
    assert_eq!(info["openRegistrations"], true);
    let xrd = app
        .client
        .get(app.url("/.well-known/host-meta"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(xrd.contains(&format!(
        "template=\"{}/.well-known/webfinger?resource={{uri}}\"",
        app.base_url
    )));
}

#[tokio::test]
async fn nodeinfo_2_1_host_meta_json_and_the_instance_actor() {
    let app = TestApp::spawn().await;
    let discovery: serde_json::Value = app
        .client
        .get(format!("{}/.well-known/nodeinfo", app.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let links = discovery["links"].as_array().unwrap();
    assert!(links
        .iter()
        .any(|l| l["href"].as_str().unwrap().ends_with("/nodeinfo/2.1")));
    let info: serde_json::Value = app
        .client
        .get(format!("{}/nodeinfo/2.1", app.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["version"], "2.1");
    assert_eq!(info["software"]["name"], "ferrodon");
    let jrd: serde_json::Value = app
        .client
        .get(format!("{}/.well-known/host-meta.json", app.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(jrd["links"][0]["template"]
        .as_str()
        .unwrap()
        .contains("/.well-known/webfinger?resource={uri}"));
    let domain = app.base_url.trim_start_matches("http://");
    let actor: serde_json::Value = app
        .client
        .get(format!(
            "{}/.well-known/webfinger?resource=acct:{domain}@{domain}",
            app.base_url
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let self_link = actor["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "self")
        .unwrap();
    assert_eq!(self_link["href"], format!("{}/actor", app.base_url));
}
