//! E-mail templates as plain functions: each returns an [`Email`] with a
//! plain-text and an HTML body saying the same thing. Every value that
//! comes from a user or a remote server is escaped in the HTML part. The
//! HTML uses inline styles only and loads nothing from anywhere.
use crate::text::escape_html;

mod account;
mod notification;
mod warning;

pub use account::{confirmation, password_reset};
pub use notification::{notification, NotificationMail};
pub use warning::{warning, WarningMail};

/// A rendered e-mail, before it gets its sender and headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// text/plain body.
    pub text: String,
    /// text/html body.
    pub html: String,
}

/// One piece of an e-mail body, rendered to both formats.
pub(crate) enum Block<'a> {
    /// A paragraph of plain text.
    Paragraph(&'a str),
    /// A quoted excerpt (a status).
    Quote(&'a str),
    /// A call to action: label and URL.
    Button(&'a str, &'a str),
    /// Small print at the end.
    Footnote(&'a str),
}

/// Lays out the blocks under a heading, as text and as HTML.
pub(crate) fn layout(instance: &str, heading: &str, blocks: &[Block<'_>]) -> (String, String) {
    let mut text = format!("{heading}\n\n");
    let mut body = String::new();
    for block in blocks {
        match block {
            Block::Paragraph(p) => {
                text.push_str(&format!("{p}\n\n"));
                body.push_str(&format!(
                    "<p style=\"margin:0 0 16px;line-height:1.5\">{}</p>",
                    escape_html(p)
                ));
            }
            Block::Quote(q) => {
                for line in q.lines() {
                    text.push_str(&format!("> {line}\n"));
                }
                text.push('\n');
                body.push_str(&format!(
                    "<blockquote style=\"margin:0 0 16px;padding:8px 12px;border-left:4px solid #d9e1e8;color:#282c37;white-space:pre-wrap\">{}</blockquote>",
                    escape_html(q)
                ));
            }
            Block::Button(label, url) => {
                text.push_str(&format!("{label}: {url}\n\n"));
                body.push_str(&format!(
                    "<p style=\"margin:24px 0\"><a href=\"{url}\" style=\"display:inline-block;padding:10px 18px;background:#6364ff;color:#ffffff;border-radius:4px;text-decoration:none;font-weight:bold\">{label}</a></p>\
                     <p style=\"margin:0 0 16px;font-size:13px;color:#606984\">{link_hint} <span style=\"word-break:break-all\">{url_text}</span></p>",
                    url = escape_html(url),
                    label = escape_html(label),
                    link_hint = "If the button does not work, copy this address into your browser:",
                    url_text = escape_html(url),
                ));
            }
            Block::Footnote(f) => {
                text.push_str(&format!("-- \n{f}\n"));
                body.push_str(&format!(
                    "<p style=\"margin:32px 0 0;font-size:12px;color:#606984\">{}</p>",
                    escape_html(f)
                ));
            }
        }
    }
    let html = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title></head>\
         <body style=\"margin:0;padding:24px;background:#f3f5f8;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#282c37\">\
         <div style=\"max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px\">\
         <p style=\"margin:0 0 8px;font-size:13px;color:#606984\">{instance}</p>\
         <h1 style=\"margin:0 0 20px;font-size:20px\">{title}</h1>{body}</div></body></html>",
        title = escape_html(heading),
        instance = escape_html(instance),
    );
    (text, html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_and_text_is_not() {
        let (text, html) = layout(
            "a.example",
            "Hi <b>",
            &[
                Block::Paragraph("1 < 2 & \"x\""),
                Block::Quote("<script>alert(1)</script>"),
                Block::Button("Go", "https://a.example/x?a=1&b=2"),
            ],
        );
        assert!(text.contains("1 < 2 & \"x\""));
        assert!(text.contains("> <script>alert(1)</script>"));
        assert!(text.contains("Go: https://a.example/x?a=1&b=2"));
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("href=\"https://a.example/x?a=1&amp;b=2\""));
        assert!(!html.contains("src="));
    }
}
