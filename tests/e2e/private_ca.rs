//! Outbound HTTPS to a peer whose certificate comes from a private CA (a
//! company's, a test rig's): refused while only the public roots and the
//! system's store are trusted, with the TLS cause in the log; accepted once
//! the operator names the CA in `SSL_CERT_FILE`.
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::{json, Value};

use crate::fake_service::{self, Reply};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA of our own in `dir` (`ca.pem`) and a certificate it signed for
/// 127.0.0.1 (`leaf.pem`, key `leaf.key`).
fn make_private_ca(dir: &Path) {
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
    let mut ca = vec!["req", "-x509", "-nodes", "-days", "2"];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.pem"]);
    ca.extend(["-subj", "/CN=Ferrodon private test CA"]);
    ca.extend(["-addext", "basicConstraints=critical,CA:TRUE"]);
    ca.extend(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    openssl(dir, &ca);
    let mut csr = vec!["req", "-new", "-nodes"];
    csr.extend(ec);
    csr.extend(["-keyout", "leaf.key", "-out", "leaf.csr"]);
    csr.extend(["-subj", "/CN=127.0.0.1"]);
    openssl(dir, &csr);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "1",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
            "-out",
            "leaf.pem",
        ],
    );
}

/// An HTTPS peer on 127.0.0.1 with the private CA's certificate, serving
/// one actor (`/users/peer`). Returns its base URL and the requests that
/// got through the TLS handshake.
async fn https_peer(
    dir: &Path,
) -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<fake_service::Received>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("https://{}", listener.local_addr().unwrap());
    let actor_id = format!("{base}/users/peer");
    let key = ferrodon_core::apub::signatures::keys::PrivateKey::generate().unwrap();
    let actor = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": actor_id,
        "type": "Person",
        "preferredUsername": "peer",
        "inbox": format!("{actor_id}/inbox"),
        "publicKey": {
            "id": format!("{actor_id}#main-key"),
            "owner": actor_id,
            "publicKeyPem": key.public_key_pem().unwrap(),
        },
    })
    .to_string();
    // The plain-HTTP fake service behind a TLS terminator.
    let (plain, rx) = fake_service::start_replying(move |received| {
        if received.path == "/users/peer" {
            Reply::typed(200, "application/activity+json", actor.clone())
        } else {
            Reply::json(404, "{}".into())
        }
    })
    .await;
    let plain = plain.trim_start_matches("http://").to_owned();
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("leaf.pem"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_file(dir.join("leaf.key")).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (acceptor, plain) = (acceptor.clone(), plain.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let Ok(mut upstream) = tokio::net::TcpStream::connect(plain).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
            });
        }
    });
    (base, rx)
}

async fn resolve(app: &TestApp, token: &str, url: &str) -> Value {
    app.get(&format!("/api/v2/search?q={url}&resolve=true"), token)
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_peer_with_a_private_ca_is_reached_once_ssl_cert_file_names_it() {
    let dir = std::env::temp_dir().join(format!(
        "ferrodon-private-ca-{}",
        ferrodon_testkit::random_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    make_private_ca(&dir);
    let (base, mut requests) = https_peer(&dir).await;
    let actor = format!("{base}/users/peer");
    let domain = base.trim_start_matches("https://");

    // Without it: the handshake fails, the peer sees no request, and the
    // log says why (rustls's verdict, not only "error sending request").
    let untrusting = TestApp::spawn_with(&[
        ("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true"),
        ("RUST_LOG", "info"),
    ])
    .await;
    let (_, _, token) = local_user(&untrusting.state, "alice").await;
    let found = resolve(&untrusting, &token, &actor).await;
    assert_eq!(found["accounts"], json!([]), "{found}");
    assert!(fake_service::drain(&mut requests).is_empty());
    let log = untrusting.web_log();
    let line = log
        .lines()
        .find(|l| l.contains("could not resolve") && l.contains(&actor))
        .unwrap_or_else(|| panic!("no failed resolution logged:\n{log}"));
    assert!(
        line.contains("invalid peer certificate") && line.contains("UnknownIssuer"),
        "the TLS cause is missing: {line}"
    );

    // With SSL_CERT_FILE naming the CA, the same peer is trusted.
    let ca = dir.join("ca.pem").display().to_string();
    let trusting = TestApp::spawn_with(&[
        ("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true"),
        ("SSL_CERT_FILE", ca.as_str()),
    ])
    .await;
    let (_, _, token) = local_user(&trusting.state, "alice").await;
    let found = resolve(&trusting, &token, &actor).await;
    assert_eq!(
        found["accounts"][0]["acct"],
        format!("peer@{domain}"),
        "{found}"
    );
    assert!(!fake_service::drain(&mut requests).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
