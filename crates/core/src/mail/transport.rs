//! Sending: SMTP through lettre, or one `.eml` file per message.
use std::path::{Path, PathBuf};

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{SmtpAuthMethod, SmtpConfig, StartTls};

/// Why an e-mail was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address does not parse (permanent: retrying will not help).
    #[error("invalid address: {0}")]
    Address(String),
    /// The message could not be assembled.
    #[error("could not build the message: {0}")]
    Build(String),
    /// The TLS settings could not be built.
    #[error("TLS settings: {0}")]
    Tls(String),
    /// The SMTP exchange failed.
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// Writing the `.eml` file failed.
    #[error("writing {path}: {source}")]
    File {
        /// The file or directory.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

impl MailError {
    /// True when retrying cannot succeed (a bad address, a permanent SMTP refusal).
    pub fn is_permanent(&self) -> bool {
        match self {
            MailError::Address(_) | MailError::Build(_) => true,
            MailError::Smtp(e) => e.is_permanent(),
            MailError::Tls(_) | MailError::File { .. } => false,
        }
    }
}

/// Where e-mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// An SMTP relay (SMTP_SERVER).
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// A directory of `.eml` files (FERRODON_MAIL_DIR), when no relay is configured.
    Files(PathBuf),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp(_) => f.write_str("Mailer::Smtp"),
            Mailer::Files(dir) => write!(f, "Mailer::Files({})", dir.display()),
        }
    }
}

impl Mailer {
    /// The mailer the settings describe.
    pub fn from_config(config: &SmtpConfig) -> Result<Mailer, MailError> {
        let Some(server) = &config.server else {
            return Ok(Mailer::Files(config.mail_dir.clone()));
        };
        let tls = if config.implicit_tls || config.starttls != StartTls::Never {
            // The same trust as every other outbound TLS: the Mozilla roots
            // plus the system's store or SSL_CERT_FILE / SSL_CERT_DIR.
            let mut params = TlsParameters::builder(server.clone())
                .certificate_store(CertificateStore::WebpkiRoots);
            for der in crate::http_client::native_roots() {
                let cert = Certificate::from_der(der.to_vec())
                    .map_err(|e| MailError::Tls(e.to_string()))?;
                params = params.add_root_certificate(cert);
            }
            let params = params
                .dangerous_accept_invalid_certs(!config.verify_peer)
                .dangerous_accept_invalid_hostnames(!config.verify_peer)
                .build_rustls()
                .map_err(|e| MailError::Tls(e.to_string()))?;
            match (config.implicit_tls, config.starttls) {
                (true, _) => Tls::Wrapper(params),
                (false, StartTls::Always) => Tls::Required(params),
                (false, _) => Tls::Opportunistic(params),
            }
        } else {
            Tls::None
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(server)
            .port(config.port)
            .tls(tls)
            .timeout(Some(config.timeout));
        if let Some(helo) = &config.helo_domain {
            builder = builder.hello_name(ClientId::Domain(helo.clone()));
        }
        let mechanism = match config.auth_method {
            SmtpAuthMethod::Plain => Some(Mechanism::Plain),
            SmtpAuthMethod::Login => Some(Mechanism::Login),
            SmtpAuthMethod::None => None,
        };
        if let (Some(mechanism), Some(login)) = (mechanism, &config.login) {
            let password = config
                .password
                .as_ref()
                .map(|p| p.expose().to_owned())
                .unwrap_or_default();
            builder = builder
                .credentials(Credentials::new(login.clone(), password))
                .authentication(vec![mechanism]);
        }
        Ok(Mailer::Smtp(builder.build()))
    }

    /// Sends one message. Logs the recipient and subject, never the body.
    pub async fn send(&self, message: &Message, to: &str, subject: &str) -> Result<(), MailError> {
        match self {
            Mailer::Smtp(transport) => {
                transport.send(message.clone()).await?;
                tracing::info!(to, subject, "e-mail sent");
            }
            Mailer::Files(dir) => {
                let path = write_eml(dir, message.formatted()).await?;
                tracing::info!(to, subject, file = %path.display(), "e-mail written (SMTP_SERVER is not set)");
            }
        }
        Ok(())
    }
}

/// Writes `bytes` to a new `<time>-<random>.eml` in `dir`, created if needed.
async fn write_eml(dir: &Path, bytes: Vec<u8>) -> Result<PathBuf, MailError> {
    let dir = dir.to_path_buf();
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f");
    let random = crate::auth::tokens::random_token();
    let path = dir.join(format!("{stamp}-{}.eml", &random[..12]));
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dir).map_err(|source| MailError::File {
            path: dir.clone(),
            source,
        })?;
        std::fs::write(&path, bytes).map_err(|source| MailError::File {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    })
    .await
    .map_err(|e| MailError::File {
        path: PathBuf::new(),
        source: std::io::Error::other(e.to_string()),
    })?
}
