//! Outgoing HTTP. Two kinds of client:
//!
//! - [`HttpClients::remote`] talks to addresses that other people choose
//!   (remote media, and federation later). It refuses loopback, private,
//!   link-local, unique-local, multicast and IPv4-mapped forms of them, both as
//!   literal hosts and as DNS answers, on the first request and on every
//!   redirect, so a remote server cannot point us at our own network.
//!   `FERRODON_DEV_ALLOW_PRIVATE_FETCH` lifts this for tests on loopback.
//! - [`HttpClients::trusted`] talks to services the operator configured
//!   (object storage), which may well live on a private network.
//!
//! Both use rustls with aws-lc-rs. They trust the compiled-in Mozilla roots
//! (webpki-roots) and the system's trust store, or instead of the latter
//! the PEM file in `SSL_CERT_FILE` and the directory in `SSL_CERT_DIR`
//! when set (as OpenSSL does), so a peer or a storage service with a
//! private CA can be reached once the operator installs that CA.
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::{Error, Result};

/// The user agent sent on every request, as fediverse servers expect one.
pub fn user_agent(base_url: &str) -> String {
    format!("Ferrodon/{} (+{base_url}/)", crate::FERRODON_VERSION)
}

/// Why an address may not be fetched.
#[derive(Debug, thiserror::Error)]
#[error("refusing to fetch {0}: private, loopback or otherwise non-public address")]
pub struct ForbiddenAddress(pub String);

/// True for addresses a server-side fetch must never reach.
pub fn is_forbidden_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_forbidden_v4(v4);
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link local fe80::/10
                || (first & 0xffc0) == 0xfec0 // site local (deprecated)
                || v6.segments()[..6] == [0, 0, 0, 0, 0, 0] // IPv4-compatible ::a.b.c.d
                || (first == 0x64 && v6.segments()[1] == 0xff9b) // NAT64 64:ff9b::/96
                || first == 0x2002 // 6to4, embeds an IPv4 address
                || (first == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
        }
    }
}

fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240 // reserved
}

/// Checks a URL before it is requested: scheme, and a literal IP host.
pub fn check_url(url: &url::Url, allow_private: bool) -> std::result::Result<(), ForbiddenAddress> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ForbiddenAddress(url.to_string()));
    }
    let literal = match url.host() {
        None => return Err(ForbiddenAddress(url.to_string())),
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(url::Host::Domain(d)) => {
            if !allow_private && (d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost"))
            {
                return Err(ForbiddenAddress(url.to_string()));
            }
            None
        }
    };
    match literal {
        Some(ip) if !allow_private && is_forbidden_ip(ip) => Err(ForbiddenAddress(url.to_string())),
        _ => Ok(()),
    }
}

/// A resolver that drops forbidden addresses from every DNS answer and
/// fails when none are left.
struct PublicOnlyResolver;

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| !is_forbidden_ip(addr.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(
                    Box::new(ForbiddenAddress(host)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Makes aws-lc-rs the process's default rustls provider, so that any other
/// rustls client in the process (a plain `reqwest::Client`) works too.
/// Installing twice is harmless.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// The certificates of the system's trust store, or instead those of
/// `SSL_CERT_FILE` (a PEM bundle) and `SSL_CERT_DIR` (OpenSSL's hashed
/// directory) when set: rustls-native-certs reads them as OpenSSL does.
/// Only those rustls can use as trust anchors are returned; what cannot be
/// read or parsed is logged and skipped, never fatal.
pub fn native_roots() -> Vec<rustls::pki_types::CertificateDer<'static>> {
    let native = rustls_native_certs::load_native_certs();
    for e in &native.errors {
        tracing::warn!(error = %e, "could not read some trusted certificates (system store, SSL_CERT_FILE or SSL_CERT_DIR)");
    }
    let total = native.certs.len();
    let usable: Vec<_> = native
        .certs
        .into_iter()
        .filter(|cert| rustls::RootCertStore::empty().add(cert.clone()).is_ok())
        .collect();
    if usable.len() < total {
        tracing::warn!(
            ignored = total - usable.len(),
            "some trusted certificates could not be parsed"
        );
    }
    usable
}

/// The trust anchors of outbound TLS: the compiled-in Mozilla roots, so a
/// host without a CA bundle (a slim container) still reaches public peers,
/// plus [`native_roots`], where an operator adds a private CA.
fn root_store() -> rustls::RootCertStore {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let (added, _) = roots.add_parsable_certificates(native_roots());
    tracing::debug!(
        added,
        total = roots.len(),
        "outbound TLS trust anchors loaded"
    );
    roots
}

fn tls_config(roots: rustls::RootCertStore) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::caused("TLS setup", e))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// The process's HTTP clients. Cheap to clone.
#[derive(Clone)]
pub struct HttpClients {
    /// For addresses remote servers choose.
    pub remote: reqwest::Client,
    /// For services the operator configured.
    pub trusted: reqwest::Client,
    /// Whether `remote` may reach private addresses (tests only).
    pub allow_private: bool,
}

impl std::fmt::Debug for HttpClients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClients")
            .field("allow_private", &self.allow_private)
            .finish_non_exhaustive()
    }
}

/// How many redirects a remote fetch follows.
pub const MAX_REDIRECTS: usize = 3;

impl HttpClients {
    /// Builds both clients.
    pub fn new(base_url: &str, allow_private: bool) -> Result<Self> {
        install_crypto_provider();
        let roots = root_store();
        let agent = user_agent(base_url);
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
            } else if let Err(e) = check_url(attempt.url(), allow_private) {
                attempt.error(e)
            } else {
                attempt.follow()
            }
        });
        let mut remote = reqwest::Client::builder()
            .use_preconfigured_tls(tls_config(roots.clone())?)
            .user_agent(agent.clone())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .redirect(redirects);
        if !allow_private {
            remote = remote.dns_resolver(Arc::new(PublicOnlyResolver));
        }
        let trusted = reqwest::Client::builder()
            .use_preconfigured_tls(tls_config(roots)?)
            .user_agent(agent)
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none());
        Ok(HttpClients {
            remote: remote
                .build()
                .map_err(|e| Error::caused("HTTP client", e))?,
            trusted: trusted
                .build()
                .map_err(|e| Error::caused("HTTP client", e))?,
            allow_private,
        })
    }
}

/// An error with all its causes, `outer: inner: innermost`: reqwest's own
/// message ("error sending request for url …") says nothing of why, which
/// is in its sources (a refused connection, rustls's "invalid peer
/// certificate: UnknownIssuer"). A cause whose text its parent already
/// contains is not repeated.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let part = cause.to_string();
        if !part.is_empty() && !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}

/// Why a remote download failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The address is not allowed.
    #[error(transparent)]
    Forbidden(#[from] ForbiddenAddress),
    /// The body is larger than allowed.
    #[error("{url} is larger than {limit} bytes")]
    TooLarge {
        /// What was fetched.
        url: String,
        /// The limit.
        limit: u64,
    },
    /// The server answered with an error status.
    #[error("{url} answered {status}")]
    Status {
        /// What was fetched.
        url: String,
        /// The status.
        status: u16,
    },
    /// Connecting, reading or a timeout failed.
    #[error("fetching {url}: {reason}")]
    Transport {
        /// What was fetched.
        url: String,
        /// What went wrong.
        reason: String,
    },
}

/// A downloaded body with its declared content type.
#[derive(Debug)]
pub struct Fetched {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The Content-Type header, if any.
    pub content_type: Option<String>,
    /// The URL that answered: the one asked for, or where its redirects
    /// led. What the body says about itself is only as good as this.
    pub final_url: String,
}

/// Downloads `url` with the remote client, refusing bodies over `limit`
/// bytes as soon as the declared length or the received bytes exceed it.
pub async fn fetch_limited(
    clients: &HttpClients,
    url: &str,
    limit: u64,
    timeout: Duration,
) -> std::result::Result<Fetched, FetchError> {
    send_limited(
        clients,
        reqwest::Method::GET,
        url,
        &[],
        None,
        limit,
        timeout,
    )
    .await
}

/// A request to an address a remote server chose, with extra headers (a
/// signature, say) and an optional body; the answer's body is read up to
/// `limit` bytes, and the whole exchange may take `timeout`. Error statuses
/// are errors ([`FetchError::Status`]).
pub async fn send_limited(
    clients: &HttpClients,
    method: reqwest::Method,
    url: &str,
    headers: &[(&str, String)],
    body: Option<Vec<u8>>,
    limit: u64,
    timeout: Duration,
) -> std::result::Result<Fetched, FetchError> {
    let parsed = url::Url::parse(url).map_err(|e| FetchError::Transport {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    check_url(&parsed, clients.allow_private)?;
    let transport = |e: reqwest::Error| {
        let mut source: Option<&dyn std::error::Error> = Some(&e);
        while let Some(err) = source {
            if let Some(forbidden) = err.downcast_ref::<ForbiddenAddress>() {
                return FetchError::Forbidden(ForbiddenAddress(forbidden.0.clone()));
            }
            source = err.source();
        }
        FetchError::Transport {
            url: url.to_owned(),
            reason: error_chain(&e),
        }
    };
    let work = async {
        let mut request = clients.remote.request(method, parsed.clone());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let mut response = request.send().await.map_err(transport)?;
        if !response.status().is_success() {
            return Err(FetchError::Status {
                url: url.to_owned(),
                status: response.status().as_u16(),
            });
        }
        if response.content_length().is_some_and(|len| len > limit) {
            return Err(FetchError::TooLarge {
                url: url.to_owned(),
                limit,
            });
        }
        let final_url = response.url().to_string();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if bytes.len() as u64 + chunk.len() as u64 > limit {
                return Err(FetchError::TooLarge {
                    url: url.to_owned(),
                    limit,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            bytes,
            content_type,
            final_url,
        })
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| FetchError::Transport {
            url: url.to_owned(),
            reason: format!("no complete answer within {timeout:?}"),
        })?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
        ] {
            let ip: IpAddr = ip.parse().unwrap_or_else(|e| panic!("{ip}: {e}"));
            assert!(is_forbidden_ip(ip), "{ip} allowed");
        }
        for ip in ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"] {
            let ip: IpAddr = ip.parse().unwrap_or_else(|e| panic!("{ip}: {e}"));
            assert!(!is_forbidden_ip(ip), "{ip} forbidden");
        }
    }

    #[test]
    fn literal_hosts_and_schemes_are_checked() {
        let check = |u: &str, allow| {
            check_url(
                &url::Url::parse(u).unwrap_or_else(|e| panic!("{u}: {e}")),
                allow,
            )
        };
        assert!(check("http://127.0.0.1/a.png", false).is_err());
        assert!(check("http://[::ffff:192.168.0.1]/a.png", false).is_err());
        assert!(check("http://localhost:3000/", false).is_err());
        assert!(check("file:///etc/passwd", false).is_err());
        assert!(check("gopher://example.com/", false).is_err());
        assert!(check("https://example.com/a.png", false).is_ok());
        assert!(check("http://127.0.0.1/a.png", true).is_ok());
        assert!(check("file:///etc/passwd", true).is_err());
    }

    /// The forms a hostile document or a redirect's `Location` can use to
    /// name an internal address; each is refused before any connection
    /// (the redirect policy runs the same check on every hop).
    #[test]
    fn obfuscated_internal_addresses_are_refused() {
        for u in [
            "http://2130706433/",               // 127.0.0.1 as one decimal number
            "http://0x7f000001/",               // hexadecimal
            "http://0177.0.0.1/",               // octal
            "http://127.1/",                    // short form
            "http://169.254.169.254/latest/",   // cloud metadata, link-local
            "http://[fe80::1]/",                // IPv6 link-local
            "http://[::ffff:7f00:1]/",          // IPv4-mapped, hex spelling
            "http://[::ffff:169.254.169.254]/", // IPv4-mapped link-local
            "http://[::1]:8080/",
            "http://10.0.0.1/",
            "http://[fd00::1]/",
            "http://0.0.0.0/",
            "http://foo.localhost/",
            "ftp://example.com/",
            "data:text/plain,hi",
        ] {
            let url = url::Url::parse(u).unwrap_or_else(|e| panic!("{u}: {e}"));
            assert!(check_url(&url, false).is_err(), "{u} allowed");
        }
    }
}
