//! The pieces of Mastodon's `meta` object for media attachments.
use serde_json::{json, Value};

/// `{"width", "height", "size": "WxH", "aspect"}` as Mastodon reports an image style.
pub fn dimensions(width: u32, height: u32) -> Value {
    json!({
        "width": width,
        "height": height,
        "size": format!("{width}x{height}"),
        "aspect": if height == 0 { 0.0 } else { f64::from(width) / f64::from(height) },
    })
}

/// `H:MM:SS.ss`, the `length` Mastodon gives video and audio.
pub fn length(seconds: f64) -> String {
    let seconds = seconds.max(0.0);
    let hours = (seconds / 3600.0).floor();
    let minutes = ((seconds - hours * 3600.0) / 60.0).floor();
    let rest = seconds - hours * 3600.0 - minutes * 60.0;
    format!("{hours}:{minutes:02}:{rest:05.2}")
}

/// Parses a focus point `"x,y"`, both in -1.0..=1.0, as clients send it.
pub fn parse_focus(raw: &str) -> Option<(f64, f64)> {
    let (x, y) = raw.split_once(',')?;
    let x: f64 = x.trim().parse().ok()?;
    let y: f64 = y.trim().parse().ok()?;
    let ok = |v: f64| v.is_finite() && (-1.0..=1.0).contains(&v);
    (ok(x) && ok(y)).then_some((x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_focus() {
        assert_eq!(length(88.654), "0:01:28.65");
        assert_eq!(length(3725.5), "1:02:05.50");
        assert_eq!(parse_focus("-0.27,0.51"), Some((-0.27, 0.51)));
        assert_eq!(parse_focus("2,0"), None);
        assert_eq!(parse_focus("nan,0"), None);
        assert_eq!(parse_focus("0.5"), None);
        assert_eq!(dimensions(640, 480)["size"], "640x480");
    }
}
