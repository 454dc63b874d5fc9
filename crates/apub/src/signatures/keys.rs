//! RSA keys as the fediverse uses them: generation, PEM import and export,
//! signing (RSASSA-PKCS1-v1_5 with SHA-256) and verification.
//!
//! Private keys are written as PKCS#8 (`-----BEGIN PRIVATE KEY-----`) and read
//! as PKCS#8 or PKCS#1 (`-----BEGIN RSA PRIVATE KEY-----`, what Mastodon
//! stores). Public keys are written as SubjectPublicKeyInfo
//! (`-----BEGIN PUBLIC KEY-----`, what actors publish in `publicKeyPem`) and
//! read as SPKI or PKCS#1 (`-----BEGIN RSA PUBLIC KEY-----`).
use std::fmt;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{self, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _, RsaParameters, UnparsedPublicKey};
use thiserror::Error;

use super::pem::{self, PemError};

/// Smallest RSA modulus accepted for verification, in bits. Mastodon keys
/// are 2048 bits; smaller keys are refused.
pub const MIN_RSA_BITS: u32 = 2048;
/// Largest RSA modulus accepted for verification, in bits.
pub const MAX_RSA_BITS: u32 = 8192;

/// What went wrong with a key, or with a signature checked against one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    /// The PEM text could not be read.
    #[error("malformed PEM: {0}")]
    Pem(#[from] PemError),
    /// The PEM block is not a kind of key this module reads.
    #[error("unsupported PEM block `{found}`; expected {expected}")]
    UnsupportedPemLabel {
        /// The label found.
        found: String,
        /// The labels accepted here.
        expected: &'static str,
    },
    /// The DER inside the PEM is not an acceptable RSA key (aws-lc-rs'
    /// reason, e.g. `TooSmall`, `InvalidEncoding`).
    #[error("RSA key rejected: {0}")]
    Rejected(&'static str),
    /// The public key's size is outside what verification accepts.
    #[error("RSA key of {bits} bits is outside the accepted range of {MIN_RSA_BITS} to {MAX_RSA_BITS} bits")]
    UnsupportedSize {
        /// The modulus size of the key.
        bits: u32,
    },
    /// Key generation failed.
    #[error("RSA key generation failed")]
    Generation,
    /// The key could not be serialised.
    #[error("could not encode the RSA key")]
    Encoding,
    /// Signing failed.
    #[error("RSA signing failed")]
    Signing,
    /// The signature does not match the message under this key.
    #[error("signature does not match the message under this key")]
    SignatureMismatch,
}

/// The RSA signature schemes this module verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256: draft-cavage `rsa-sha256` (and the
    /// `hs2019` Mastodon maps to it), RFC 9421 `rsa-v1_5-sha256`. The only
    /// scheme this module signs with.
    RsaPkcs1v15Sha256,
    /// RSASSA-PSS with SHA-512 and a 64-byte salt: RFC 9421
    /// `rsa-pss-sha512`. Verification only.
    RsaPssSha512,
}

impl SignatureAlgorithm {
    /// The human-readable name used in error messages, e.g.
    /// `rsa-sha256 (RSASSA-PKCS1-v1_5 with SHA-256)`.
    pub fn describe(self) -> &'static str {
        match self {
            SignatureAlgorithm::RsaPkcs1v15Sha256 => "rsa-sha256 (RSASSA-PKCS1-v1_5 with SHA-256)",
            SignatureAlgorithm::RsaPssSha512 => "rsa-pss-sha512 (RSASSA-PSS with SHA-512)",
        }
    }
}

/// A freshly generated key pair, both halves as PEM.
#[derive(Clone, PartialEq, Eq)]
pub struct GeneratedKeyPair {
    /// The private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub private_key_pem: String,
    /// The public key, SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`),
    /// ready for an actor's `publicKey.publicKeyPem`.
    pub public_key_pem: String,
}

impl fmt::Debug for GeneratedKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedKeyPair")
            .field("private_key_pem", &"<redacted>")
            .field("public_key_pem", &self.public_key_pem)
            .finish()
    }
}

/// Generates an RSA-2048 key pair and returns both halves as PEM.
pub fn generate_rsa_key_pair() -> Result<GeneratedKeyPair, KeyError> {
    let key = PrivateKey::generate()?;
    Ok(GeneratedKeyPair {
        private_key_pem: key.to_pkcs8_pem()?,
        public_key_pem: key.public_key_pem()?,
    })
}

/// An RSA private key able to sign.
pub struct PrivateKey {
    pair: rsa::KeyPair,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("bits", &self.bits())
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// Generates a new RSA-2048 key.
    pub fn generate() -> Result<PrivateKey, KeyError> {
        let pair = rsa::KeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generation)?;
        Ok(PrivateKey { pair })
    }

    /// Reads a PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`) PEM.
    /// Keys under 2048 bits are rejected.
    pub fn from_pem(text: &str) -> Result<PrivateKey, KeyError> {
        let block = pem::decode(text)?;
        let pair = match block.label.as_str() {
            "PRIVATE KEY" => rsa::KeyPair::from_pkcs8(&block.der),
            "RSA PRIVATE KEY" => rsa::KeyPair::from_der(&block.der),
            _ => {
                return Err(KeyError::UnsupportedPemLabel {
                    found: block.label,
                    expected: "PRIVATE KEY or RSA PRIVATE KEY",
                })
            }
        }
        .map_err(|e| KeyError::Rejected(e.description_()))?;
        Ok(PrivateKey { pair })
    }

    /// The key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn to_pkcs8_pem(&self) -> Result<String, KeyError> {
        let der: Pkcs8V1Der<'static> = self.pair.as_der().map_err(|_| KeyError::Encoding)?;
        Ok(pem::encode("PRIVATE KEY", der.as_ref()))
    }

    /// The matching public key.
    pub fn public_key(&self) -> Result<PublicKey, KeyError> {
        PublicKey::from_der(self.pair.public_key().as_ref())
    }

    /// The matching public key as SubjectPublicKeyInfo PEM.
    pub fn public_key_pem(&self) -> Result<String, KeyError> {
        self.public_key()?.to_pem()
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> u32 {
        u32::try_from(self.pair.public_modulus_len() * 8).unwrap_or(u32::MAX)
    }

    /// Signs `message` with RSASSA-PKCS1-v1_5 and SHA-256.
    pub fn sign_rsa_sha256(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let mut out = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut out,
            )
            .map_err(|_| KeyError::Signing)?;
        Ok(out)
    }
}

/// An RSA public key able to verify.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// PKCS#1 `RSAPublicKey` DER, whatever form it was read from.
    pkcs1: Vec<u8>,
    bits: u32,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}

impl PublicKey {
    /// Reads a SubjectPublicKeyInfo (`PUBLIC KEY`) or PKCS#1
    /// (`RSA PUBLIC KEY`) PEM.
    pub fn from_pem(text: &str) -> Result<PublicKey, KeyError> {
        let block = pem::decode(text)?;
        match block.label.as_str() {
            "PUBLIC KEY" | "RSA PUBLIC KEY" => PublicKey::from_der(&block.der),
            _ => Err(KeyError::UnsupportedPemLabel {
                found: block.label,
                expected: "PUBLIC KEY or RSA PUBLIC KEY",
            }),
        }
    }

    /// Reads DER, either SubjectPublicKeyInfo or PKCS#1 `RSAPublicKey`.
    pub fn from_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let key =
            rsa::PublicKey::from_der(der).map_err(|e| KeyError::Rejected(e.description_()))?;
        let pkcs1 = key.as_ref().to_vec();
        let bits = RsaParameters::public_modulus_len(&pkcs1)
            .map_err(|_| KeyError::Rejected("InvalidEncoding"))?;
        Ok(PublicKey { pkcs1, bits })
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// The key as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn to_pem(&self) -> Result<String, KeyError> {
        let key = rsa::PublicKey::from_der(&self.pkcs1).map_err(|_| KeyError::Encoding)?;
        let der: PublicKeyX509Der<'static> = key.as_der().map_err(|_| KeyError::Encoding)?;
        Ok(pem::encode("PUBLIC KEY", der.as_ref()))
    }

    /// Checks `signature` over `message`. Keys outside 2048–8192 bits are
    /// refused with [`KeyError::UnsupportedSize`]; a signature that does not
    /// match gives [`KeyError::SignatureMismatch`].
    pub fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), KeyError> {
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&self.bits) {
            return Err(KeyError::UnsupportedSize { bits: self.bits });
        }
        let params = match algorithm {
            SignatureAlgorithm::RsaPkcs1v15Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            SignatureAlgorithm::RsaPssSha512 => &signature::RSA_PSS_2048_8192_SHA512,
        };
        self.verify_with(params, message, signature)
    }

    fn verify_with(
        &self,
        params: &'static RsaParameters,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), KeyError> {
        UnparsedPublicKey::new(params, &self.pkcs1)
            .verify(message, signature)
            .map_err(|_| KeyError::SignatureMismatch)
    }

    /// RSASSA-PKCS1-v1_5/SHA-256 verification that also accepts 1024-bit
    /// keys, for the draft-cavage test vectors only.
    #[cfg(test)]
    pub(crate) fn verify_legacy_1024_for_tests(
        &self,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), KeyError> {
        self.verify_with(
            &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
            message,
            signature,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_round_trip_through_pem() {
        let generated = generate_rsa_key_pair().unwrap();
        assert!(generated
            .private_key_pem
            .starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(generated
            .public_key_pem
            .starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert!(!format!("{generated:?}").contains("PRIVATE"));

        let private = PrivateKey::from_pem(&generated.private_key_pem).unwrap();
        assert_eq!(private.bits(), 2048);
        assert_eq!(private.public_key_pem().unwrap(), generated.public_key_pem);
        let public = PublicKey::from_pem(&generated.public_key_pem).unwrap();
        assert_eq!(public.bits(), 2048);
        assert_eq!(public.to_pem().unwrap(), generated.public_key_pem);

        let sig = private.sign_rsa_sha256(b"hello").unwrap();
        assert_eq!(sig.len(), 256);
        public
            .verify(SignatureAlgorithm::RsaPkcs1v15Sha256, b"hello", &sig)
            .unwrap();
        assert_eq!(
            public.verify(SignatureAlgorithm::RsaPkcs1v15Sha256, b"hellO", &sig),
            Err(KeyError::SignatureMismatch)
        );
        assert_eq!(
            public.verify(SignatureAlgorithm::RsaPssSha512, b"hello", &sig),
            Err(KeyError::SignatureMismatch)
        );
    }

    #[test]
    fn wrong_labels_are_refused() {
        let generated = generate_rsa_key_pair().unwrap();
        assert!(matches!(
            PrivateKey::from_pem(&generated.public_key_pem),
            Err(KeyError::UnsupportedPemLabel { .. })
        ));
        assert!(matches!(
            PublicKey::from_pem(&generated.private_key_pem),
            Err(KeyError::UnsupportedPemLabel { .. })
        ));
        assert!(matches!(
            PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
            Err(KeyError::Rejected(_))
        ));
    }
}
