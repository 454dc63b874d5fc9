//! Time-based one-time passwords (RFC 6238): HMAC-SHA-1, 30-second steps,
//! six digits, accepted one step either side of now. Secrets travel as
//! base32 (RFC 4648, no padding), as authenticator apps expect.
use aws_lc_rs::hmac;

/// Seconds per step.
pub const STEP_SECS: u64 = 30;

/// Digits per code.
pub const DIGITS: u32 = 6;

/// Bytes of a new secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `bytes` in base32 without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u64 = 0;
    let mut bits = 0u32;
    for &byte in bytes {
        buffer = (buffer << 8) | u64::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes base32 (any case, spaces and padding ignored); None when it
/// holds another character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u64 = 0;
    let mut bits = 0u32;
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let upper = c.to_ascii_uppercase();
        let value = ALPHABET.iter().position(|&a| char::from(a) == upper)? as u64;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The step a Unix time falls in.
pub fn step_at(unix_secs: u64) -> u64 {
    unix_secs / STEP_SECS
}

/// The code of `secret` for `step`.
pub fn code_for_step(secret: &[u8], step: u64) -> u32 {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let tag = hmac::sign(&key, &step.to_be_bytes());
    let hash = tag.as_ref();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    binary % 10u32.pow(DIGITS)
}

/// The step whose code `code` is, within one step of `now_step` and after
/// `last_used_step` (a code works once); None when it matches none.
pub fn matching_step(secret: &[u8], code: &str, now_step: u64, last_used_step: u64) -> Option<u64> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS as usize || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = code.parse().ok()?;
    [now_step.saturating_sub(1), now_step, now_step + 1]
        .into_iter()
        .filter(|step| *step > last_used_step)
        .find(|step| code_for_step(secret, *step) == wanted)
}

/// The `otpauth://` URI authenticator apps read (usually from a QR code).
pub fn provisioning_uri(secret_base32: &str, account: &str, issuer: &str) -> String {
    let enc = |s: &str| -> String {
        url::form_urlencoded::byte_serialize(s.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret_base32}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_sha1_vectors_in_six_digits() {
        // Appendix B of RFC 6238 (eight digits there; the last six here).
        for (time, code) in [
            (59u64, 287_082u32),
            (1_111_111_109, 81_804),
            (1_111_111_111, 50_471),
            (1_234_567_890, 5_924),
            (2_000_000_000, 279_037),
        ] {
            assert_eq!(code_for_step(RFC_SECRET, step_at(time)), code, "t={time}");
        }
    }

    #[test]
    fn codes_work_one_step_either_side_and_only_once() {
        let now = step_at(1_111_111_111);
        let code = format!("{:06}", code_for_step(RFC_SECRET, now - 1));
        assert_eq!(matching_step(RFC_SECRET, &code, now, 0), Some(now - 1));
        assert_eq!(
            matching_step(RFC_SECRET, &code, now, now - 1),
            None,
            "replayed"
        );
        let late = format!("{:06}", code_for_step(RFC_SECRET, now - 2));
        assert_eq!(matching_step(RFC_SECRET, &late, now, 0), None);
        assert_eq!(matching_step(RFC_SECRET, "12345", now, 0), None);
        assert_eq!(matching_step(RFC_SECRET, "abcdef", now, 0), None);
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("mzxw6ytboi").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(base32_decode("MZXW6YQ=").as_deref(), Some(&b"foob"[..]));
        assert_eq!(base32_decode("M1"), None);
        let secret = [7u8; SECRET_BYTES];
        assert_eq!(
            base32_decode(&base32_encode(&secret)).as_deref(),
            Some(&secret[..])
        );
    }
}
