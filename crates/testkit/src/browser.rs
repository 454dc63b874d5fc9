//! A scripted browser for the HTML pages: keeps cookies, never follows
//! redirects, and reads the `authenticity_token` out of forms, so a test
//! can sign in and submit forms as a person would (without JavaScript).
use std::collections::BTreeMap;

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

/// What a page request returned.
#[derive(Debug)]
pub struct PageResponse {
    /// HTTP status.
    pub status: u16,
    /// `Location`, for redirects.
    pub location: Option<String>,
    /// The headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body as text.
    pub body: String,
}

impl PageResponse {
    /// The first `authenticity_token` hidden field on the page.
    pub fn csrf_token(&self) -> String {
        form_value(&self.body, "authenticity_token")
            .unwrap_or_else(|| panic!("no authenticity_token on the page:\n{}", self.body))
    }
}

/// The `value` of the first input named `name` in `html`.
pub fn form_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let at = html.find(&marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let value_at = tag.find("value=\"")? + "value=\"".len();
    let value = &tag[value_at..];
    let value = &value[..value.find('"')?];
    Some(
        value
            .replace("&#x2f;", "/")
            .replace("&#47;", "/")
            .replace("&#x3d;", "=")
            .replace("&#61;", "=")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#38;", "&")
            .replace("&amp;", "&"),
    )
}

/// A browser with a cookie jar, talking to one server.
pub struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    /// A browser with no cookies for the server at `base` (`http://host:port`).
    pub fn new(base: &str) -> Browser {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        Browser {
            base: base.trim_end_matches('/').to_owned(),
            client,
            cookies: BTreeMap::new(),
        }
    }

    /// The value of a cookie the server set (and has not removed).
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// Forgets every cookie (a new browser).
    pub fn clear_cookies(&mut self) {
        self.cookies.clear();
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, response: reqwest::Response) -> PageResponse {
        for set in response.headers().get_all(SET_COOKIE) {
            let Ok(set) = set.to_str() else { continue };
            let first = set.split(';').next().unwrap_or_default();
            let Some((name, value)) = first.split_once('=') else {
                continue;
            };
            let removed = set.to_ascii_lowercase().contains("max-age=0") || value.is_empty();
            if removed {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        PageResponse {
            status,
            location,
            headers,
            body,
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// GET a page.
    pub async fn get(&mut self, path: &str) -> PageResponse {
        let response = self
            .client
            .get(self.url(path))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        self.finish(response).await
    }

    /// POST a form (urlencoded).
    pub async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> PageResponse {
        let response = self
            .client
            .post(self.url(path))
            .header(COOKIE, self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        self.finish(response).await
    }

    /// POST a multipart form (file uploads).
    pub async fn post_multipart(
        &mut self,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> PageResponse {
        let response = self
            .client
            .post(self.url(path))
            .header(COOKIE, self.cookie_header())
            .multipart(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        self.finish(response).await
    }

    /// Opens `form_page`, then posts `fields` plus the page's
    /// `authenticity_token` to `action`.
    pub async fn submit(
        &mut self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> PageResponse {
        let page = self.get(form_page).await;
        assert_eq!(page.status, 200, "GET {form_page}: {}", page.body);
        let token = page.csrf_token();
        let mut all = vec![("authenticity_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form(action, &all).await
    }

    /// Signs in on `/auth/sign_in`; panics unless the server lets us in.
    pub async fn sign_in(&mut self, login: &str, password: &str) {
        let response = self
            .submit(
                "/auth/sign_in",
                "/auth/sign_in",
                &[("login", login), ("password", password)],
            )
            .await;
        assert_eq!(
            response.status, 303,
            "sign-in as {login} refused: {}",
            response.body
        );
        assert!(
            self.cookie("_ferrodon_session").is_some(),
            "no session cookie after signing in"
        );
    }
}
