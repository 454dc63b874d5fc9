//! RFC 8291 message encryption for Web Push, in the `aes128gcm` content
//! coding of RFC 8188, on aws-lc-rs: ECDH P-256, HKDF-SHA256, AES-128-GCM.
//! One record per message (push messages are small).
use aws_lc_rs::{aead, agreement, hkdf, rand};

/// The record size announced in the header (RFC 8188 §2.1); one record
/// holds a whole message.
const RECORD_SIZE: u32 = 4096;
/// Most plaintext bytes a single record carries (record size minus the
/// delimiter and the AEAD tag).
pub const MAX_PLAINTEXT: usize = RECORD_SIZE as usize - 1 - 16;
const SALT_LEN: usize = 16;
/// Uncompressed P-256 points: 0x04 || X || Y.
pub const PUBLIC_KEY_LEN: usize = 65;
/// The user agent's authentication secret.
pub const AUTH_SECRET_LEN: usize = 16;

/// Why a message could not be encrypted or decrypted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// A key or secret has the wrong shape.
    #[error("invalid key: {0}")]
    InvalidKey(&'static str),
    /// The message does not fit in one record.
    #[error("message too long for one record")]
    TooLong,
    /// The body is not a well-formed aes128gcm message, or does not decrypt.
    #[error("cannot decrypt the message")]
    Undecryptable,
}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

fn hkdf_expand(prk: &hkdf::Prk, info: &[u8], len: usize) -> Result<Vec<u8>, CryptoError> {
    let mut out = vec![0; len];
    prk.expand(&[info], Len(len))
        .and_then(|okm| okm.fill(&mut out))
        .map_err(|_| CryptoError::InvalidKey("HKDF"))?;
    Ok(out)
}

/// The content encryption key and nonce of a message (RFC 8291 §3.4).
fn derive(
    ecdh_secret: &[u8],
    auth_secret: &[u8],
    ua_public: &[u8],
    as_public: &[u8],
    salt: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
    let prk_key = hkdf::Salt::new(hkdf::HKDF_SHA256, auth_secret).extract(ecdh_secret);
    let mut key_info = b"WebPush: info\0".to_vec();
    key_info.extend_from_slice(ua_public);
    key_info.extend_from_slice(as_public);
    let ikm = hkdf_expand(&prk_key, &key_info, 32)?;
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(&ikm);
    let cek = hkdf_expand(&prk, b"Content-Encoding: aes128gcm\0", 16)?;
    let nonce = hkdf_expand(&prk, b"Content-Encoding: nonce\0", 12)?;
    Ok((cek, nonce))
}

fn ecdh(private: &agreement::PrivateKey, peer_public: &[u8]) -> Result<Vec<u8>, CryptoError> {
    agreement::agree(
        private,
        agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, peer_public),
        CryptoError::InvalidKey("public key is not a P-256 point"),
        |secret| Ok(secret.to_vec()),
    )
}

fn gcm_key(cek: &[u8]) -> Result<aead::LessSafeKey, CryptoError> {
    aead::UnboundKey::new(&aead::AES_128_GCM, cek)
        .map(aead::LessSafeKey::new)
        .map_err(|_| CryptoError::InvalidKey("content key"))
}

fn nonce(bytes: &[u8]) -> Result<aead::Nonce, CryptoError> {
    aead::Nonce::try_assume_unique_for_key(bytes).map_err(|_| CryptoError::InvalidKey("nonce"))
}

/// Encrypts `plaintext` for a subscription whose public key is `ua_public`
/// (65 bytes) and authentication secret `auth_secret` (16 bytes), with a
/// fresh key pair and salt.
pub fn encrypt(
    ua_public: &[u8],
    auth_secret: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let as_private = agreement::PrivateKey::generate(&agreement::ECDH_P256)
        .map_err(|_| CryptoError::InvalidKey("key generation"))?;
    let mut salt = [0u8; SALT_LEN];
    rand::fill(&mut salt).map_err(|_| CryptoError::InvalidKey("random salt"))?;
    encrypt_with(&as_private, &salt, ua_public, auth_secret, plaintext)
}

/// [`encrypt`] with a given application-server key and salt (RFC 8291
/// Appendix A's example is deterministic this way).
pub fn encrypt_with(
    as_private: &agreement::PrivateKey,
    salt: &[u8; SALT_LEN],
    ua_public: &[u8],
    auth_secret: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    if ua_public.len() != PUBLIC_KEY_LEN || ua_public.first() != Some(&4) {
        return Err(CryptoError::InvalidKey(
            "p256dh is not an uncompressed P-256 point",
        ));
    }
    if auth_secret.len() != AUTH_SECRET_LEN {
        return Err(CryptoError::InvalidKey("auth is not 16 bytes"));
    }
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(CryptoError::TooLong);
    }
    let as_public = as_private
        .compute_public_key()
        .map_err(|_| CryptoError::InvalidKey("server key"))?;
    let as_public = as_public.as_ref();
    let secret = ecdh(as_private, ua_public)?;
    let (cek, iv) = derive(&secret, auth_secret, ua_public, as_public, salt)?;
    let mut record = plaintext.to_vec();
    // The last (and only) record's delimiter, no padding.
    record.push(2);
    gcm_key(&cek)?
        .seal_in_place_append_tag(nonce(&iv)?, aead::Aad::empty(), &mut record)
        .map_err(|_| CryptoError::Undecryptable)?;
    let mut body = Vec::with_capacity(SALT_LEN + 5 + PUBLIC_KEY_LEN + record.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(PUBLIC_KEY_LEN as u8);
    body.extend_from_slice(as_public);
    body.extend_from_slice(&record);
    Ok(body)
}

/// The user agent's side: decrypts an `aes128gcm` push message with the
/// subscription's private key and authentication secret. Used by tests
/// (which play the browser) and kept next to [`encrypt`] so both follow
/// the same derivation.
pub fn decrypt(
    ua_private: &agreement::PrivateKey,
    auth_secret: &[u8],
    body: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let header_len = SALT_LEN + 5;
    let (salt, rest) = body
        .split_at_checked(SALT_LEN)
        .ok_or(CryptoError::Undecryptable)?;
    let id_len = *rest.get(4).ok_or(CryptoError::Undecryptable)? as usize;
    let as_public = body
        .get(header_len..header_len + id_len)
        .ok_or(CryptoError::Undecryptable)?;
    let mut record = body
        .get(header_len + id_len..)
        .ok_or(CryptoError::Undecryptable)?
        .to_vec();
    let ua_public = ua_private
        .compute_public_key()
        .map_err(|_| CryptoError::InvalidKey("subscription key"))?;
    let secret = ecdh(ua_private, as_public)?;
    let (cek, iv) = derive(&secret, auth_secret, ua_public.as_ref(), as_public, salt)?;
    let plain = gcm_key(&cek)?
        .open_in_place(nonce(&iv)?, aead::Aad::empty(), &mut record)
        .map_err(|_| CryptoError::Undecryptable)?;
    // Strip the padding and the delimiter (2 for the last record).
    let end = plain
        .iter()
        .rposition(|b| *b != 0)
        .filter(|i| plain[*i] == 2)
        .ok_or(CryptoError::Undecryptable)?;
    Ok(plain[..end].to_vec())
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    use super::*;

    fn b64(s: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(s).unwrap()
    }

    fn key(s: &str) -> agreement::PrivateKey {
        agreement::PrivateKey::from_private_key(&agreement::ECDH_P256, &b64(s)).unwrap()
    }

    /// RFC 8291 Appendix A.
    #[test]
    fn encrypts_the_rfc_8291_example() {
        let as_private = key("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw");
        let ua_private = key("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94");
        let ua_public = b64(
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
        );
        assert_eq!(
            ua_private.compute_public_key().unwrap().as_ref(),
            ua_public.as_slice()
        );
        let auth = b64("BTBZMqHH6r4Tts7J_aSIgg");
        let salt: [u8; 16] = b64("DGv6ra1nlYgDCS1FRnbzlw").try_into().unwrap();
        let plaintext = b"When I grow up, I want to be a watermelon";
        let body = encrypt_with(&as_private, &salt, &ua_public, &auth, plaintext).unwrap();
        assert_eq!(
            URL_SAFE_NO_PAD.encode(&body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
        );
        assert_eq!(decrypt(&ua_private, &auth, &body).unwrap(), plaintext);
    }

    #[test]
    fn fresh_messages_decrypt_and_tampering_is_caught() {
        let ua_private = agreement::PrivateKey::generate(&agreement::ECDH_P256).unwrap();
        let ua_public = ua_private.compute_public_key().unwrap();
        let auth = [7u8; 16];
        let body = encrypt(ua_public.as_ref(), &auth, b"{\"title\":\"hi\"}").unwrap();
        assert_eq!(
            decrypt(&ua_private, &auth, &body).unwrap(),
            b"{\"title\":\"hi\"}"
        );
        let mut tampered = body.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert_eq!(
            decrypt(&ua_private, &auth, &tampered),
            Err(CryptoError::Undecryptable)
        );
        assert_eq!(
            decrypt(&ua_private, &[8u8; 16], &body),
            Err(CryptoError::Undecryptable)
        );
        assert!(encrypt(&ua_public.as_ref()[..64], &auth, b"x").is_err());
        assert!(encrypt(ua_public.as_ref(), &auth[..15], b"x").is_err());
        assert_eq!(
            encrypt(ua_public.as_ref(), &auth, &vec![b'x'; MAX_PLAINTEXT + 1]),
            Err(CryptoError::TooLong)
        );
    }
}
