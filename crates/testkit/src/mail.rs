//! Reading the e-mails an instance sent: from the SMTP sink `scripts/test`
//! runs (aiosmtpd writing a maildir), or from the `.eml` files the file
//! mailer writes when no SMTP server is configured.
use std::path::{Path, PathBuf};

/// The SMTP sink of the test run: `FERRODON_TEST_SMTP_PORT` and
/// `FERRODON_TEST_MAILDIR`, both set by `scripts/test`.
#[derive(Debug, Clone)]
pub struct SmtpSink {
    /// Port on 127.0.0.1.
    pub port: u16,
    /// The maildir the sink delivers into.
    pub maildir: PathBuf,
}

/// Why tests that need the sink were skipped.
pub const SKIP_REASON: &str =
    "skipped: FERRODON_TEST_SMTP_PORT is not set (scripts/test starts an SMTP sink and sets it)";

impl SmtpSink {
    /// The sink, or None when `FERRODON_TEST_SMTP_PORT` is not set. A set
    /// port without `FERRODON_TEST_MAILDIR`, or a bad value, is a failure.
    pub fn from_env() -> Option<SmtpSink> {
        let port = std::env::var("FERRODON_TEST_SMTP_PORT").ok()?;
        let port = port
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("FERRODON_TEST_SMTP_PORT is not a port: {port:?}"));
        let maildir = std::env::var("FERRODON_TEST_MAILDIR")
            .expect("FERRODON_TEST_MAILDIR must be set with FERRODON_TEST_SMTP_PORT");
        Some(SmtpSink {
            port,
            maildir: PathBuf::from(maildir),
        })
    }

    /// The instance settings that send to the sink: plain SMTP on loopback.
    pub fn instance_env(&self) -> Vec<(String, String)> {
        [
            ("SMTP_SERVER", "127.0.0.1".to_owned()),
            ("SMTP_PORT", self.port.to_string()),
            ("SMTP_ENABLE_STARTTLS", "never".to_owned()),
            ("SMTP_AUTH_METHOD", "none".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }
}

/// One received e-mail, decoded.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The `From` header.
    pub from: String,
    /// The `To` header.
    pub to: String,
    /// The `Subject` header, decoded.
    pub subject: String,
    /// The top-level content type, e.g. `multipart/alternative`.
    pub content_type: String,
    /// The decoded text/plain part.
    pub text: Option<String>,
    /// The decoded text/html part.
    pub html: Option<String>,
}

impl Mail {
    /// The first URL in the text part that contains `needle`.
    pub fn link_containing(&self, needle: &str) -> Option<String> {
        self.text
            .as_deref()?
            .split_whitespace()
            .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
            .find(|w| w.contains(needle))
            .map(str::to_owned)
    }

    /// True when `address` is among the recipients.
    pub fn is_to(&self, address: &str) -> bool {
        self.to.to_lowercase().contains(&address.to_lowercase())
    }
}

/// Parses an RFC 5322 message; None when it does not parse.
pub fn parse(raw: &[u8]) -> Option<Mail> {
    let parsed = mailparse::parse_mail(raw).ok()?;
    let header = |name: &str| {
        use mailparse::MailHeaderMap;
        parsed.headers.get_first_value(name).unwrap_or_default()
    };
    let mut text = None;
    let mut html = None;
    collect_parts(&parsed, &mut text, &mut html);
    Some(Mail {
        from: header("From"),
        to: header("To"),
        subject: header("Subject"),
        content_type: parsed.ctype.mimetype.clone(),
        text,
        html,
    })
}

fn collect_parts(
    part: &mailparse::ParsedMail<'_>,
    text: &mut Option<String>,
    html: &mut Option<String>,
) {
    if part.subparts.is_empty() {
        let body = part.get_body().ok();
        match part.ctype.mimetype.as_str() {
            "text/plain" if text.is_none() => *text = body,
            "text/html" if html.is_none() => *html = body,
            _ => {}
        }
    }
    for sub in &part.subparts {
        collect_parts(sub, text, html);
    }
}

/// Every message in `dir`: a maildir (`new/`, `cur/`) or a directory of `.eml` files.
pub fn read_dir(dir: &Path) -> Vec<Mail> {
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in [dir.to_path_buf(), dir.join("new"), dir.join("cur")] {
        if let Ok(entries) = std::fs::read_dir(&sub) {
            files.extend(
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.is_file()),
            );
        }
    }
    // Arrival order: maildir names do not sort by time within a second.
    files.sort_by_key(|p| {
        let modified = std::fs::metadata(p).and_then(|m| m.modified()).ok();
        (modified, p.clone())
    });
    files
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|raw| parse(&raw))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quoted_printable_alternative() {
        let raw = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: =?utf-8?q?Caf=C3=A9?=\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"XX\"\r\n\r\n\
--XX\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
Go: https://a.example/x?t=3Dabc\r\n--XX\r\nContent-Type: text/html; charset=utf-8\r\n\
Content-Transfer-Encoding: base64\r\n\r\nPHA+aGk8L3A+\r\n--XX--\r\n";
        let mail = parse(raw).unwrap();
        assert_eq!(mail.subject, "Café");
        assert_eq!(mail.html.as_deref(), Some("<p>hi</p>"));
        assert_eq!(
            mail.link_containing("a.example").as_deref(),
            Some("https://a.example/x?t=abc")
        );
        assert!(mail.is_to("B@example.com"));
    }
}
