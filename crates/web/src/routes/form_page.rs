//! The bare page around the server's forms (OAuth sign-in, password reset,
//! e-mail confirmation): no script, inline styles, not frameable.
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use ferrodon_core::text::escape_html;

/// A form page with `body` (already HTML) under `title`.
pub(crate) fn form_page(status: StatusCode, title: &str, body: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' *"))
        .body(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{}</title>\
             <style>body{{font-family:sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}}input{{display:block;width:100%;margin:.3rem 0 1rem;padding:.4rem}}\
             button{{padding:.5rem 1rem;margin-right:.5rem}}.error{{color:#b00}}code{{word-break:break-all}}</style></head><body>{}</body></html>",
            escape_html(title),
            body
        ))
}
