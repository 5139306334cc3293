//! DPoP (RFC 9449) proofs for the sign-in token endpoint: the P-256 key `aws login` stores
//! (`dpopKey`, PEM) and the ES256 proof JWT sent in the `DPoP` header.
//!
//! The key is read without an ASN.1 crate: a SEC1 `EC PRIVATE KEY` (what the AWS CLI writes) or
//! a PKCS#8 `PRIVATE KEY` wrapping one, both DER in PEM. Both must hold the public key (the
//! `[1]` field of the SEC1 structure, present in keys written by OpenSSL and Python's
//! `cryptography`), because `ring` cannot derive it from the private scalar; the pair is checked
//! for consistency by `ring`.
//!
//! A proof is `BASE64URL(header) . BASE64URL(claims) . BASE64URL(r || s)`, the header
//! `{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","x":...,"y":...,"crv":"P-256"}}` and the
//! claims `{"htm":...,"htu":...,"iat":...,"jti":...}` (`jti` a random UUID, `iat` the service
//! time in seconds), signed with `ECDSA_P256_SHA256_FIXED_SIGNING`.

use std::fmt;
use std::time::SystemTime;

use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use stsgen_runtime::json::JsonWriter;
use stsgen_runtime::types::wire::{decode_base64, encode_base64};

/// `id-ecPublicKey` (1.2.840.10045.2.1), DER contents.
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// `prime256v1` / `secp256r1` (1.2.840.10045.3.1.7), DER contents.
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// Why a DPoP key could not be used. Never holds key material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DpopKeyError {
    /// No `-----BEGIN ...-----` / `-----END ...-----` armour, or an unknown label.
    NotPem,
    /// The text between the armour lines is not base64.
    NotBase64,
    /// The DER structure is not what the label says (what was wrong).
    Malformed(&'static str),
    /// A curve other than P-256.
    WrongCurve,
    /// The key holds no public key (ring cannot derive it).
    NoPublicKey,
    /// ring refused the pair (the public key does not match the private key, or is invalid).
    Rejected,
}

impl fmt::Display for DpopKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DpopKeyError::NotPem => f.write_str(
                "not a PEM `EC PRIVATE KEY` or `PRIVATE KEY` (no matching BEGIN/END lines)",
            ),
            DpopKeyError::NotBase64 => f.write_str("the PEM body is not base64"),
            DpopKeyError::Malformed(what) => write!(f, "not a valid EC private key: {what}"),
            DpopKeyError::WrongCurve => f.write_str("the key is not on the P-256 curve"),
            DpopKeyError::NoPublicKey => {
                f.write_str("the key holds no public key (expected the SEC1 `publicKey` field)")
            }
            DpopKeyError::Rejected => f.write_str("the public key does not match the private key"),
        }
    }
}

impl std::error::Error for DpopKeyError {}

/// A P-256 key pair for DPoP proofs. `Debug` shows nothing of the key.
pub(crate) struct DpopKey {
    pair: EcdsaKeyPair,
}

impl fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DpopKey(..)")
    }
}

impl DpopKey {
    /// Reads a PEM `EC PRIVATE KEY` (SEC1) or `PRIVATE KEY` (PKCS#8) on P-256.
    pub(crate) fn from_pem(pem: &str) -> Result<Self, DpopKeyError> {
        let (label, der) = pem_body(pem)?;
        let (private, public) = match label {
            "EC PRIVATE KEY" => sec1(&der)?,
            "PRIVATE KEY" => pkcs8(&der)?,
            _ => return Err(DpopKeyError::NotPem),
        };
        let public = public.ok_or(DpopKeyError::NoPublicKey)?;
        let pair = EcdsaKeyPair::from_private_key_and_public_key(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            private,
            public,
            &SystemRandom::new(),
        )
        .map_err(|_| DpopKeyError::Rejected)?;
        Ok(DpopKey { pair })
    }

    /// The public key's `x` and `y`, base64url without padding (the JWK members).
    pub(crate) fn jwk_coordinates(&self) -> (String, String) {
        let point = self.pair.public_key().as_ref();
        // Uncompressed: 0x04 || x (32) || y (32).
        (base64url(&point[1..33]), base64url(&point[33..65]))
    }

    /// A proof for a request with method `htm` to `htu` (its query and fragment are dropped, as
    /// RFC 9449 says) at service time `now`.
    pub(crate) fn proof(
        &self,
        htm: &str,
        htu: &str,
        now: SystemTime,
    ) -> Result<String, ProofError> {
        let rng = SystemRandom::new();
        let mut id = [0u8; 16];
        rng.fill(&mut id).map_err(|_| ProofError::Random)?;
        let jti = uuid_v4(id);
        let iat = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_err(|_| ProofError::ClockBeforeEpoch)?
            .as_secs();
        let htu = htu.split(['?', '#']).next().unwrap_or(htu);
        let (x, y) = self.jwk_coordinates();

        let header = header_json(&x, &y);

        let mut claims = JsonWriter::compact();
        claims.begin_object();
        claims.key("htm");
        claims.string(htm);
        claims.key("htu");
        claims.string(htu);
        claims.key("iat");
        claims.integer(i64::try_from(iat).map_err(|_| ProofError::ClockBeforeEpoch)?);
        claims.key("jti");
        claims.string(&jti);
        claims.end_object();

        let input = format!(
            "{}.{}",
            base64url(header.as_bytes()),
            base64url(claims.finish().as_bytes())
        );
        let signature = self
            .pair
            .sign(&rng, input.as_bytes())
            .map_err(|_| ProofError::Signing)?;
        Ok(format!("{input}.{}", base64url(signature.as_ref())))
    }
}

/// The proof's JOSE header for a P-256 public key (`x`, `y` base64url), members in RFC 9449's
/// order: `{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","x":..,"y":..,"crv":"P-256"}}`.
fn header_json(x: &str, y: &str) -> String {
    let mut header = JsonWriter::compact();
    header.begin_object();
    header.key("typ");
    header.string("dpop+jwt");
    header.key("alg");
    header.string("ES256");
    header.key("jwk");
    header.begin_object();
    header.key("kty");
    header.string("EC");
    header.key("x");
    header.string(x);
    header.key("y");
    header.string(y);
    header.key("crv");
    header.string("P-256");
    header.end_object();
    header.end_object();
    header.finish()
}

/// Why a proof could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProofError {
    /// The system random source failed.
    Random,
    /// The clock is before 1970.
    ClockBeforeEpoch,
    /// ring could not sign.
    Signing,
}

impl fmt::Display for ProofError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProofError::Random => "the system random source failed",
            ProofError::ClockBeforeEpoch => "the clock is before 1970",
            ProofError::Signing => "signing the DPoP proof failed",
        })
    }
}

impl std::error::Error for ProofError {}

/// base64url without padding (RFC 7515 section 2).
pub(crate) fn base64url(bytes: &[u8]) -> String {
    encode_base64(bytes)
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect()
}

/// A version-4 UUID in its text form from 16 random bytes.
fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The label and DER bytes of the first PEM block.
fn pem_body(pem: &str) -> Result<(&str, Vec<u8>), DpopKeyError> {
    // Some writers store the newlines escaped (`\n` as two characters).
    let pem = pem.trim();
    let start = pem.find("-----BEGIN ").ok_or(DpopKeyError::NotPem)?;
    let after = &pem[start + "-----BEGIN ".len()..];
    let label_end = after.find("-----").ok_or(DpopKeyError::NotPem)?;
    let label = &after[..label_end];
    let body_and_rest = &after[label_end + 5..];
    let end_marker = format!("-----END {label}-----");
    let body_end = body_and_rest
        .find(&end_marker)
        .ok_or(DpopKeyError::NotPem)?;
    let body = body_and_rest[..body_end].replace("\\n", "\n");
    if body.lines().any(|l| l.contains(':')) {
        // Encrypted PEM (`Proc-Type: 4,ENCRYPTED`) is not something the CLI writes.
        return Err(DpopKeyError::Malformed(
            "encrypted PEM headers are not supported",
        ));
    }
    let der = decode_base64(&body).map_err(|_| DpopKeyError::NotBase64)?;
    Ok((label, der))
}

/// One DER element: (tag, contents, rest).
fn tlv(input: &[u8]) -> Result<(u8, &[u8], &[u8]), DpopKeyError> {
    let bad = DpopKeyError::Malformed("truncated or invalid DER");
    let (&tag, rest) = input.split_first().ok_or(bad.clone())?;
    let (&first, mut rest) = rest.split_first().ok_or(bad.clone())?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 2 || rest.len() < n {
            return Err(bad);
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return Err(bad);
    }
    Ok((tag, &rest[..len], &rest[len..]))
}

fn expect<'a>(
    input: &'a [u8],
    tag: u8,
    what: &'static str,
) -> Result<(&'a [u8], &'a [u8]), DpopKeyError> {
    match tlv(input)? {
        (t, contents, rest) if t == tag => Ok((contents, rest)),
        _ => Err(DpopKeyError::Malformed(what)),
    }
}

/// SEC1 `ECPrivateKey` (RFC 5915): the private scalar and the uncompressed public point. The
/// curve parameters, when present, must name P-256 (inside PKCS#8 they are usually absent, the
/// algorithm identifier naming the curve).
fn sec1(der: &[u8]) -> Result<(&[u8], Option<&[u8]>), DpopKeyError> {
    let (seq, _) = expect(der, 0x30, "expected an ECPrivateKey SEQUENCE")?;
    let (version, rest) = expect(seq, 0x02, "expected the ECPrivateKey version")?;
    if version != [1] {
        return Err(DpopKeyError::Malformed("ECPrivateKey version is not 1"));
    }
    let (private, mut rest) = expect(rest, 0x04, "expected the private key OCTET STRING")?;
    if private.len() != 32 {
        return Err(DpopKeyError::WrongCurve);
    }
    let mut public = None;
    while !rest.is_empty() {
        let (tag, contents, next) = tlv(rest)?;
        match tag {
            0xa0 => {
                let (oid, _) = expect(contents, 0x06, "expected the curve OID")?;
                if oid != OID_P256 {
                    return Err(DpopKeyError::WrongCurve);
                }
            }
            0xa1 => {
                let (bits, _) = expect(contents, 0x03, "expected the public key BIT STRING")?;
                // One byte of unused-bit count (0), then the point.
                match bits.split_first() {
                    Some((0, point)) if point.len() == 65 && point[0] == 0x04 => {
                        public = Some(point)
                    }
                    Some((0, point)) if point.len() == 33 => {
                        return Err(DpopKeyError::Malformed(
                            "compressed public keys are not supported",
                        ))
                    }
                    _ => {
                        return Err(DpopKeyError::Malformed(
                            "the public key is not an uncompressed P-256 point",
                        ))
                    }
                }
            }
            _ => return Err(DpopKeyError::Malformed("unexpected field in ECPrivateKey")),
        }
        rest = next;
    }
    Ok((private, public))
}

/// PKCS#8 `PrivateKeyInfo` (RFC 5208) holding an EC key on P-256.
fn pkcs8(der: &[u8]) -> Result<(&[u8], Option<&[u8]>), DpopKeyError> {
    let (seq, _) = expect(der, 0x30, "expected a PrivateKeyInfo SEQUENCE")?;
    let (version, rest) = expect(seq, 0x02, "expected the PrivateKeyInfo version")?;
    if version != [0] && version != [1] {
        return Err(DpopKeyError::Malformed(
            "unsupported PrivateKeyInfo version",
        ));
    }
    let (algorithm, rest) = expect(rest, 0x30, "expected the AlgorithmIdentifier")?;
    let (oid, params) = expect(algorithm, 0x06, "expected the algorithm OID")?;
    if oid != OID_EC_PUBLIC_KEY {
        return Err(DpopKeyError::Malformed(
            "not an EC key (algorithm is not id-ecPublicKey)",
        ));
    }
    let (curve, _) = expect(params, 0x06, "expected the curve OID")?;
    if curve != OID_P256 {
        return Err(DpopKeyError::WrongCurve);
    }
    let (inner, _) = expect(rest, 0x04, "expected the privateKey OCTET STRING")?;
    sec1(inner)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};
    use std::time::Duration;
    use stsgen_runtime::json::JsonValue;

    /// A published vector: the SEC1 test key of aws-config's `login/dpop.rs` tests
    /// (smithy-lang/smithy-rs, Apache-2.0) and the JWK coordinates those tests expect of it.
    pub(crate) const AWS_CONFIG_KEY: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBMB/RwQERsVoqWRQG4zK8CnaAa5dfrpbm+9tFdBh3z4oAoGCCqGSM49\nAwEHoUQDQgAEWb1VLi1EA2hJaTz4yYuxSELvY+1GAfL+8rUTCAdiFid87Bf6GY+s\n2+1RpqDv0RpZiDIMCrZrsAh+RK9S3QCaGA==\n-----END EC PRIVATE KEY-----\n";
    pub(crate) const AWS_CONFIG_X: &str = "Wb1VLi1EA2hJaTz4yYuxSELvY-1GAfL-8rUTCAdiFic";
    pub(crate) const AWS_CONFIG_Y: &str = "fOwX-hmPrNvtUaag79EaWYgyDAq2a7AIfkSvUt0Amhg";

    pub(crate) fn b64url_decode(s: &str) -> Vec<u8> {
        let std: String = s
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect();
        decode_base64(&std).expect("base64url")
    }

    fn member<'a>(v: &'a JsonValue, key: &str) -> &'a JsonValue {
        let JsonValue::Object(m) = v else {
            panic!("not an object")
        };
        &m.iter()
            .find(|(k, _)| k == key)
            .unwrap_or_else(|| panic!("no {key}"))
            .1
    }

    /// Checks a proof as a server would: structure, header, claims, and the ES256 signature
    /// with ring's verifier against the JWK in the header. Returns the claims.
    pub(crate) fn verify(proof: &str) -> JsonValue {
        let parts: Vec<&str> = proof.split('.').collect();
        assert_eq!(parts.len(), 3, "three parts");
        let header =
            stsgen_runtime::json::parse(std::str::from_utf8(&b64url_decode(parts[0])).unwrap())
                .unwrap();
        assert_eq!(member(&header, "typ").as_str(), Some("dpop+jwt"));
        assert_eq!(member(&header, "alg").as_str(), Some("ES256"));
        let jwk = member(&header, "jwk");
        assert_eq!(member(jwk, "kty").as_str(), Some("EC"));
        assert_eq!(member(jwk, "crv").as_str(), Some("P-256"));
        let mut point = vec![4u8];
        point.extend(b64url_decode(member(jwk, "x").as_str().unwrap()));
        point.extend(b64url_decode(member(jwk, "y").as_str().unwrap()));
        assert_eq!(point.len(), 65);
        let signature = b64url_decode(parts[2]);
        assert_eq!(signature.len(), 64, "r || s, 32 bytes each");
        let message = format!("{}.{}", parts[0], parts[1]);
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point)
            .verify(message.as_bytes(), &signature)
            .expect("the proof verifies with the key in its header");
        stsgen_runtime::json::parse(std::str::from_utf8(&b64url_decode(parts[1])).unwrap()).unwrap()
    }

    /// PKCS#8 of the same key, built from its SEC1 form (RFC 5208 wrapping).
    fn pkcs8_of(sec1_pem: &str) -> String {
        let (_, sec1) = pem_body(sec1_pem).unwrap();
        let mut algorithm = vec![0x06, OID_EC_PUBLIC_KEY.len() as u8];
        algorithm.extend(OID_EC_PUBLIC_KEY);
        algorithm.extend([0x06, OID_P256.len() as u8]);
        algorithm.extend(OID_P256);
        let mut body = vec![0x02, 0x01, 0x00, 0x30, algorithm.len() as u8];
        body.extend(algorithm);
        body.extend([0x04, sec1.len() as u8]);
        body.extend(&sec1);
        let mut der = vec![0x30, 0x81, body.len() as u8];
        der.extend(body);
        format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            encode_base64(&der)
        )
    }

    #[test]
    fn published_key_gives_published_coordinates() {
        let key = DpopKey::from_pem(AWS_CONFIG_KEY).unwrap();
        assert_eq!(
            key.jwk_coordinates(),
            (AWS_CONFIG_X.to_owned(), AWS_CONFIG_Y.to_owned())
        );
        // The same key as PKCS#8, and with its newlines escaped as some writers store them.
        let pkcs8 = DpopKey::from_pem(&pkcs8_of(AWS_CONFIG_KEY)).unwrap();
        assert_eq!(pkcs8.jwk_coordinates().0, AWS_CONFIG_X);
        let escaped = DpopKey::from_pem(&AWS_CONFIG_KEY.replace('\n', "\\n")).unwrap();
        assert_eq!(escaped.jwk_coordinates().1, AWS_CONFIG_Y);
    }

    #[test]
    fn proof_verifies_and_has_the_claims() {
        let key = DpopKey::from_pem(AWS_CONFIG_KEY).unwrap();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_651_516_560);
        let proof = key
            .proof(
                "POST",
                "https://us-east-1.signin.aws.amazon.com/v1/token?x=1#f",
                now,
            )
            .unwrap();
        let claims = verify(&proof);
        assert_eq!(member(&claims, "htm").as_str(), Some("POST"));
        assert_eq!(
            member(&claims, "htu").as_str(),
            Some("https://us-east-1.signin.aws.amazon.com/v1/token")
        );
        assert_eq!(
            member(&claims, "iat"),
            &JsonValue::Number("1651516560".into())
        );
        let jti = member(&claims, "jti").as_str().unwrap().to_owned();
        assert_eq!(jti.len(), 36);
        assert_eq!(&jti[14..15], "4", "a version-4 UUID");
        // Each proof is new: another jti and another (randomized) signature.
        let again = key.proof("POST", "https://h/v1/token", now).unwrap();
        assert_ne!(member(&verify(&again), "jti").as_str().unwrap(), jti);
        // A proof whose claims were changed does not verify.
        let parts: Vec<&str> = proof.split('.').collect();
        let tampered = format!("{}.{}", parts[0], base64url(br#"{"htm":"GET"}"#));
        let (x, y) = key.jwk_coordinates();
        let point = [vec![4u8], b64url_decode(&x), b64url_decode(&y)].concat();
        let verifier = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point);
        assert!(verifier
            .verify(tampered.as_bytes(), &b64url_decode(parts[2]))
            .is_err());
    }

    /// RFC 9449, section 4.1, figure 2: the example proof of a token request.
    const RFC9449_FIGURE_2: &str = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg";

    #[test]
    fn the_rfc_9449_example_verifies_and_our_header_is_laid_out_as_its() {
        // The verifier the other tests use accepts the RFC's own proof...
        let claims = verify(RFC9449_FIGURE_2);
        assert_eq!(
            member(&claims, "htu").as_str(),
            Some("https://server.example.com/token")
        );
        assert_eq!(
            member(&claims, "iat"),
            &JsonValue::Number("1562262616".into())
        );
        // ...and rejects it once a claim is changed.
        let parts: Vec<&str> = RFC9449_FIGURE_2.split('.').collect();
        let forged = format!("{}.{}", parts[0], base64url(br#"{"jti":"-BwC3ESc6acc2lTc","htm":"GET","htu":"https://server.example.com/token","iat":1562262616}"#));
        let point = [
            vec![4u8],
            b64url_decode("l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs"),
            b64url_decode("9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"),
        ]
        .concat();
        assert!(UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point)
            .verify(forged.as_bytes(), &b64url_decode(parts[2]))
            .is_err());
        // Our header for the RFC's key is byte for byte the RFC's.
        let ours = header_json(
            "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
            "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA",
        );
        assert_eq!(base64url(ours.as_bytes()), parts[0]);
    }

    #[test]
    fn bad_keys_are_typed_errors() {
        assert_eq!(
            DpopKey::from_pem("not a key").unwrap_err(),
            DpopKeyError::NotPem
        );
        assert_eq!(
            DpopKey::from_pem("-----BEGIN EC PRIVATE KEY-----\n!!!\n-----END EC PRIVATE KEY-----")
                .unwrap_err(),
            DpopKeyError::NotBase64
        );
        assert!(matches!(
            DpopKey::from_pem("-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----")
                .unwrap_err(),
            DpopKeyError::Malformed(_)
        ));
        assert_eq!(
            DpopKey::from_pem(
                "-----BEGIN RSA PRIVATE KEY-----\nMAA=\n-----END RSA PRIVATE KEY-----"
            )
            .unwrap_err(),
            DpopKeyError::NotPem
        );
        // Without its public key.
        let (_, der) = pem_body(AWS_CONFIG_KEY).unwrap();
        let (seq, _) = expect(&der, 0x30, "").unwrap();
        let without: Vec<u8> = seq[..3 + 34 + 12].to_vec();
        let mut short = vec![0x30, without.len() as u8];
        short.extend(without);
        let pem = format!(
            "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----",
            encode_base64(&short)
        );
        assert_eq!(
            DpopKey::from_pem(&pem).unwrap_err(),
            DpopKeyError::NoPublicKey
        );
        // Another key's public half.
        let mut mismatched = der.clone();
        let last = mismatched.len() - 1;
        mismatched[last] ^= 1;
        let pem = format!(
            "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----",
            encode_base64(&mismatched)
        );
        assert_eq!(DpopKey::from_pem(&pem).unwrap_err(), DpopKeyError::Rejected);
        // Another curve (secp256k1's OID in the parameters).
        let mut k1 = der.clone();
        let at = k1
            .windows(OID_P256.len())
            .position(|w| w == OID_P256)
            .unwrap();
        k1[at + OID_P256.len() - 1] = 0x0a;
        let pem = format!(
            "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----",
            encode_base64(&k1)
        );
        assert_eq!(
            DpopKey::from_pem(&pem).unwrap_err(),
            DpopKeyError::WrongCurve
        );
        // Debug and errors hold nothing of the key.
        let key = DpopKey::from_pem(AWS_CONFIG_KEY).unwrap();
        assert_eq!(format!("{key:?}"), "DpopKey(..)");
    }
}
