//! The production nginx site (`nginx/ferrodon.conf`, and its real-IP
//! variants `nginx/real-ip-*.conf`) as shipped, only its domain, ports and
//! paths replaced, in front of the real web and streaming binaries. Clients
//! speak HTTPS to it with a certificate made by openssl for a test domain,
//! laid out as certbot lays out its certificates.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use deadpool_redis::redis;
use ferrodon_testkit::app::free_port;
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::Value;

use crate::media::png;
use crate::streaming::next_event;

const DOMAIN: &str = "ferrodon.test";

/// Which real-IP file is included at http level, as an operator would drop
/// it into /etc/nginx/conf.d/; loopback (the test client) plays the CDN.
#[derive(Clone, Copy)]
enum RealIp {
    None,
    Cloudflare,
    LoadBalancer,
}

fn repo_file(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repository root");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `text` with `from` replaced; fails when `from` is missing, so a changed
/// production file cannot slip past the test half-substituted.
fn replace(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "nginx/ferrodon.conf no longer contains {from:?}"
    );
    text.replace(from, to)
}

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

/// A test CA and a certificate for DOMAIN signed by it, written where
/// certbot would put them: `live/DOMAIN/{fullchain,privkey}.pem`. Returns
/// the CA certificate (PEM).
fn make_certificates(prefix: &Path) -> Vec<u8> {
    let live = prefix.join("letsencrypt/live").join(DOMAIN);
    std::fs::create_dir_all(&live).unwrap();
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
    let mut ca = vec!["req", "-x509", "-nodes", "-days", "2"];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.pem"]);
    ca.extend(["-subj", "/CN=Ferrodon test CA"]);
    openssl(prefix, &ca);
    let mut csr = vec!["req", "-new", "-nodes"];
    csr.extend(ec);
    csr.extend(["-keyout", "privkey.pem", "-out", "leaf.csr"]);
    csr.extend(["-subj", "/CN=ferrodon.test"]);
    openssl(&live, &csr);
    std::fs::write(
        live.join("ext.cnf"),
        format!(
            "subjectAltName=DNS:{DOMAIN}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
        ),
    )
    .unwrap();
    let ca_pem = prefix.join("ca.pem").display().to_string();
    let ca_key = prefix.join("ca.key").display().to_string();
    openssl(
        &live,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            &ca_pem,
            "-CAkey",
            &ca_key,
            "-set_serial",
            "1",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
            "-out",
            "cert.pem",
        ],
    );
    let ca = std::fs::read(prefix.join("ca.pem")).unwrap();
    let mut fullchain = std::fs::read(live.join("cert.pem")).unwrap();
    fullchain.extend_from_slice(&ca);
    std::fs::write(live.join("fullchain.pem"), fullchain).unwrap();
    ca
}

/// nginx running nginx/ferrodon.conf for `app`; stopped on drop.
struct ProductionNginx {
    prefix: PathBuf,
    conf: PathBuf,
    http_port: u16,
    https_port: u16,
    ca_pem: Vec<u8>,
}

impl ProductionNginx {
    fn start(app: &TestApp, real_ip: RealIp) -> ProductionNginx {
        let env = |name: &str| {
            app.env()
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let prefix = std::env::temp_dir().join(format!(
            "ferrodon-nginx-prod-{}",
            ferrodon_testkit::random_suffix()
        ));
        for dir in ["logs", "tmp", "cache", "webroot"] {
            std::fs::create_dir_all(prefix.join(dir)).unwrap();
        }
        let ca_pem = make_certificates(&prefix);
        let (http_port, https_port) = (free_port(), free_port());
        let media_root = env("PAPERCLIP_ROOT_PATH").expect("PAPERCLIP_ROOT_PATH");
        std::fs::create_dir_all(&media_root).unwrap();
        let p = prefix.display().to_string();
        // ferrodon-streaming's address, or a closed port without one.
        let streaming = app
            .streaming_url
            .as_deref()
            .and_then(|u| u.strip_prefix("ws://"))
            .map_or_else(|| format!("127.0.0.1:{}", free_port()), str::to_owned);
        let mut site = repo_file("nginx/ferrodon.conf");
        for (from, to) in [
            ("example.com", DOMAIN.to_owned()),
            ("listen 80;", format!("listen 127.0.0.1:{http_port};")),
            ("listen [::]:80;", String::new()),
            (
                "listen 443 ssl http2;",
                format!("listen 127.0.0.1:{https_port} ssl http2;"),
            ),
            ("listen [::]:443 ssl http2;", String::new()),
            ("/etc/letsencrypt/live/", format!("{p}/letsencrypt/live/")),
            (
                "127.0.0.1:3000",
                format!("127.0.0.1:{}", env("PORT").unwrap()),
            ),
            ("127.0.0.1:4000", streaming),
            ("/var/lib/ferrodon/public/system/", format!("{media_root}/")),
            ("/var/www/html", format!("{p}/webroot")),
            ("/var/cache/nginx/ferrodon", format!("{p}/cache")),
        ] {
            site = replace(&site, from, &to);
        }
        std::fs::write(prefix.join("ferrodon.conf"), site).unwrap();
        let conf_d = match real_ip {
            RealIp::None => String::new(),
            RealIp::Cloudflare => repo_file("nginx/real-ip-cloudflare.conf"),
            RealIp::LoadBalancer => repo_file("nginx/real-ip-load-balancer.conf"),
        };
        let loopback_trusted = match real_ip {
            RealIp::None => "",
            _ => "set_real_ip_from 127.0.0.1;",
        };
        std::fs::write(
            prefix.join("real-ip.conf"),
            format!("{conf_d}\n{loopback_trusted}\n"),
        )
        .unwrap();
        // What Debian's /etc/nginx/nginx.conf does around the site.
        let is_root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        let main = format!(
            "{user}worker_processes 1;\ndaemon on;\npid {p}/nginx.pid;\n\
             error_log {p}/logs/error.log warn;\nevents {{ worker_connections 256; }}\n\
             http {{\n  default_type application/octet-stream;\n  access_log {p}/logs/access.log;\n\
             client_body_temp_path {p}/tmp/client_body;\n  proxy_temp_path {p}/tmp/proxy;\n\
             fastcgi_temp_path {p}/tmp/fastcgi;\n  uwsgi_temp_path {p}/tmp/uwsgi;\n\
             scgi_temp_path {p}/tmp/scgi;\n  include {p}/real-ip.conf;\n  include {p}/ferrodon.conf;\n}}\n",
            user = if is_root { "user root;\n" } else { "" },
        );
        let conf = prefix.join("nginx.conf");
        std::fs::write(&conf, main).unwrap();
        let nginx = ProductionNginx {
            prefix,
            conf,
            http_port,
            https_port,
            ca_pem,
        };
        let out = nginx.command(&[]).output().expect("nginx");
        assert!(
            out.status.success(),
            "nginx refused the production config: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for port in [http_port, https_port] {
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    std::time::Instant::now() < deadline,
                    "nginx is not listening"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        nginx
    }

    fn command(&self, extra: &[&str]) -> Command {
        let mut cmd = Command::new("nginx");
        cmd.arg("-e")
            .arg(self.prefix.join("logs/error.log"))
            .arg("-c")
            .arg(&self.conf)
            .arg("-p")
            .arg(&self.prefix)
            .args(extra);
        cmd
    }

    fn https(&self, path: &str) -> String {
        format!("https://{DOMAIN}:{}{path}", self.https_port)
    }

    fn http(&self, path: &str) -> String {
        format!("http://{DOMAIN}:{}{path}", self.http_port)
    }

    /// TLS settings trusting only the test CA.
    fn tls(&self) -> rustls::ClientConfig {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(&self.ca_pem) {
            roots.add(cert.unwrap()).unwrap();
        }
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth()
    }

    /// A client that finds DOMAIN on loopback, verifies nginx's certificate
    /// against the test CA, and does not follow redirects.
    fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .use_preconfigured_tls(self.tls())
            .resolve(DOMAIN, "127.0.0.1:0".parse().unwrap())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }
}

impl Drop for ProductionNginx {
    fn drop(&mut self) {
        let _ = self.command(&["-s", "stop"]).output();
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.prefix);
        }
    }
}

type Wss =
    tokio_tungstenite::WebSocketStream<tokio_rustls::client::TlsStream<tokio::net::TcpStream>>;

/// A WebSocket over TLS to nginx, upgraded by nginx to ferrodon-streaming.
async fn connect_wss(nginx: &ProductionNginx, path: &str) -> Wss {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", nginx.https_port))
        .await
        .unwrap();
    let tls = tokio_rustls::TlsConnector::from(Arc::new(nginx.tls()))
        .connect(ServerName::try_from(DOMAIN).unwrap(), tcp)
        .await
        .expect("TLS handshake with nginx");
    let url = format!("wss://{DOMAIN}:{}{path}", nginx.https_port);
    let (ws, response) = tokio_tungstenite::client_async(url, tls)
        .await
        .expect("WebSocket upgrade through nginx");
    assert_eq!(response.status(), 101);
    ws
}

#[tokio::test]
async fn production_site_serves_api_streaming_and_media_over_https() {
    let app = TestApp::spawn_with_streaming(&[]).await;
    let nginx = ProductionNginx::start(&app, RealIp::None);
    let client = nginx.client();
    let (_, _, token) = local_user(&app.state, "alice").await;

    // Plain HTTP is redirected to HTTPS, except certbot's challenges.
    let resp = client
        .get(nginx.http("/api/v1/instance?x=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 301);
    assert_eq!(
        resp.headers()["location"],
        format!("https://{DOMAIN}/api/v1/instance?x=1").as_str()
    );
    let challenge = nginx.prefix.join("webroot/.well-known/acme-challenge");
    std::fs::create_dir_all(&challenge).unwrap();
    std::fs::write(challenge.join("tok-123"), "tok-123.thumbprint").unwrap();
    let resp = client
        .get(nginx.http("/.well-known/acme-challenge/tok-123"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "tok-123.thumbprint");

    // The API over HTTPS, with HSTS; the metrics stay private.
    let resp = client
        .get(nginx.https("/api/v1/accounts/verify_credentials"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp
        .headers()
        .get("strict-transport-security")
        .is_some_and(|v| v.to_str().unwrap().starts_with("max-age=")));
    assert_eq!(resp.json::<Value>().await.unwrap()["username"], "alice");
    // A web client's preflight passes through nginx to ferrodon-web's answer.
    let resp = client
        .request(reqwest::Method::OPTIONS, nginx.https("/api/v1/statuses"))
        .header("Origin", "https://elk.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    assert_eq!(
        resp.headers()["access-control-allow-headers"],
        "authorization"
    );
    let resp = client.get(nginx.https("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    let resp = client.get(nginx.https("/health")).send().await.unwrap();
    assert_eq!(resp.status(), 200);

    // Streaming: wss upgraded by nginx; a status posted over HTTPS arrives.
    let mut ws = connect_wss(
        &nginx,
        &format!("/api/v1/streaming?stream=public&access_token={token}"),
    )
    .await;
    app.wait_for_subscriber("timeline:public").await;
    let posted: Value = client
        .post(nginx.https("/api/v1/statuses"))
        .bearer_auth(&token)
        .form(&[("status", "through nginx over TLS")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let event = next_event(&mut ws).await;
    assert_eq!(event["event"], "update");
    assert_eq!(event["stream"][0], "public");
    let payload: Value = serde_json::from_str(event["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["id"], posted["id"]);

    // Media: uploaded through nginx, then served by nginx from disk.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(png(64, 48)).file_name("a.png"),
    );
    let media: Value = client
        .post(nginx.https("/api/v2/media"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = media["url"]
        .as_str()
        .unwrap()
        .strip_prefix(&app.base_url)
        .unwrap()
        .to_owned();
    assert!(path.starts_with("/system/"), "{path}");
    let resp = client.get(nginx.https(&path)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(resp.headers().contains_key("etag"), "{:?}", resp.headers());
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 64);

    // Proxied media answers are cached by nginx.
    let statuses: Vec<String> = {
        let mut seen = Vec::new();
        for _ in 0..2 {
            let resp = client
                .get(nginx.https("/avatars/original/missing.png"))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
            seen.push(
                resp.headers()
                    .get("x-cache-status")
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default(),
            );
        }
        seen
    };
    assert_eq!(statuses, ["MISS", "HIT"]);
}

/// ferrodon-web's per-IP API rate-limit buckets in Redis
/// (`ratelimit:api:ip:ADDRESS:WINDOW`), and the prefix before ADDRESS.
async fn rate_limit_keys(app: &TestApp) -> (Vec<String>, String) {
    let prefix = app.state.redis_key("ratelimit:api:ip:");
    let mut conn = app.state.redis().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut *conn)
        .await
        .unwrap();
    (keys, prefix)
}

/// The client addresses ferrodon-web's per-IP API rate limit counted.
async fn rate_limited_ips(app: &TestApp) -> Vec<String> {
    let (keys, prefix) = rate_limit_keys(app).await;
    let mut ips: Vec<String> = keys
        .iter()
        .filter_map(|k| {
            k.strip_prefix(&prefix)?
                .rsplit_once(':')
                .map(|(ip, _)| ip.to_owned())
        })
        .collect();
    ips.sort();
    ips.dedup();
    ips
}

async fn clear_rate_limits(app: &TestApp) {
    let (keys, _) = rate_limit_keys(app).await;
    let mut conn = app.state.redis().await.unwrap();
    for key in keys {
        let _: i64 = redis::cmd("DEL")
            .arg(key)
            .query_async(&mut *conn)
            .await
            .unwrap();
    }
}

async fn instance_through(nginx: &ProductionNginx, headers: &[(&str, &str)]) {
    let mut req = nginx.client().get(nginx.https("/api/v1/instance"));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().contains_key("x-ratelimit-remaining"));
}

#[tokio::test]
async fn real_ip_variants_pass_the_client_address_to_ferrodon() {
    let app = TestApp::spawn().await;

    // Without a real-IP file, a CDN header is just a header: nginx's peer
    // (loopback) is the client.
    {
        let nginx = ProductionNginx::start(&app, RealIp::None);
        instance_through(&nginx, &[("CF-Connecting-IP", "203.0.113.7")]).await;
        assert_eq!(rate_limited_ips(&app).await, ["127.0.0.1"]);
    }
    clear_rate_limits(&app).await;

    // Behind Cloudflare: CF-Connecting-IP from a trusted address is the client.
    {
        let nginx = ProductionNginx::start(&app, RealIp::Cloudflare);
        instance_through(
            &nginx,
            &[
                ("CF-Connecting-IP", "203.0.113.7"),
                ("X-Forwarded-For", "198.51.100.1"),
            ],
        )
        .await;
        instance_through(&nginx, &[("CF-Connecting-IP", "2001:db8::7")]).await;
        assert_eq!(rate_limited_ips(&app).await, ["2001:db8::7", "203.0.113.7"]);
    }
    clear_rate_limits(&app).await;

    // Behind a load balancer: the last X-Forwarded-For hop it added counts,
    // not what the client wrote before it.
    {
        let nginx = ProductionNginx::start(&app, RealIp::LoadBalancer);
        instance_through(
            &nginx,
            &[("X-Forwarded-For", "6.6.6.6, 10.1.2.3, 198.51.100.9")],
        )
        .await;
        assert_eq!(rate_limited_ips(&app).await, ["198.51.100.9"]);
        instance_through(&nginx, &[("X-Forwarded-For", "192.0.2.5, 10.1.2.3")]).await;
        assert_eq!(
            rate_limited_ips(&app).await,
            ["192.0.2.5", "198.51.100.9"],
            "trusted balancer hops are skipped"
        );
    }
}
