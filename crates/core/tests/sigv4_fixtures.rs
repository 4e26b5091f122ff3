//! An independent oracle for SigV4 verification: requests signed by botocore (the signer of
//! boto3 and the AWS CLI) must verify, and no single-byte change to them may.
//!
//! The fixtures are `tests/sigv4/fixtures.json`, written by `tests/sigv4/generate_fixtures.py`
//! (see its header for how to regenerate them). Each records a request exactly as sent: the
//! raw path and query, the headers (repeated names kept), the key that signed it and when.
//! Streaming uploads also carry their `aws-chunked` body and the payload it decodes to.
//!
//! For every fixture this test resolves the caller through [`IdentityResolver`] with a small
//! in-test [`CredentialRegistry`] (the fixture's long-lived key) and
//! [`TemporaryCredentialResolver`] (the fixture's session token for its access key id), at the
//! fixture's signing time, and then:
//! * flips every byte of the path, the query, the `Authorization` header and every signed
//!   header's value (the request time among them), one at a time with several bit masks, and
//!   requires each variant to be refused. Here the resolver accepts any session token, so a
//!   tampered token has to be caught by the signature. Variants `RequestInfo` cannot hold
//!   (invalid UTF-8 or header bytes) are skipped, and so are query variants that mean the same
//!   query (`%2f` for `%2F`);
//! * decodes a streaming body with the chunk verifier the signature seeds, and requires every
//!   flipped byte of its framing, signatures and trailers, and a sample of its data, to fail;
//! * checks the clock (skew, presigned expiry), wrong and unknown keys, and unsigned
//!   `x-amz-*` headers.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use futures_executor::block_on;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use multistore::api::RequestInfo;
use multistore::auth::sigv4::{ChunkedDecoder, PayloadMode, SigningKeyCache};
use multistore::auth::{Authenticated, IdentityResolver, ResolvedIdentity};
use multistore::config::{RoleConfig, StoredCredential, TemporaryCredentials};
use multistore::registry::{CredentialRegistry, TemporaryCredentialResolver};
use multistore::{ProxyError, SecretString};
use serde::Deserialize;

// ---------------------------------------------------------------------------------------
// Fixtures

#[derive(Debug, Deserialize)]
struct FixtureFile {
    generator: Generator,
    fixtures: Vec<Fixture>,
}

#[derive(Debug, Deserialize)]
struct Generator {
    botocore: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Fixture {
    name: String,
    /// `header`, `presigned` or `chunked`.
    kind: String,
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    region: String,
    signed_at: String,
    /// `accept`, or the S3 error code the gateway must answer.
    expect: String,
    expires: Option<i64>,
    body: Option<Body>,
}

#[derive(Debug, Clone, Deserialize)]
struct Body {
    /// `signed`, `signed-trailer` or `unsigned-trailer`.
    framing: String,
    framed_base64: String,
    decoded_base64: String,
    trailers: Vec<(String, String)>,
}

fn fixture_file() -> FixtureFile {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sigv4/fixtures.json");
    let text = std::fs::read_to_string(path).expect("fixtures.json is readable");
    serde_json::from_str(&text).expect("fixtures.json parses")
}

fn fixtures() -> Vec<Fixture> {
    fixture_file().fixtures
}

fn accepted() -> Vec<Fixture> {
    fixtures()
        .into_iter()
        .filter(|f| f.expect == "accept")
        .collect()
}

impl Fixture {
    fn signed_at(&self) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(&self.signed_at, "%Y%m%dT%H%M%SZ")
            .expect("signed_at is an ISO 8601 basic time");
        Utc.from_utc_datetime(&naive)
    }

    fn wire(&self) -> Wire {
        Wire {
            method: self.method.clone(),
            path: self.path.clone().into_bytes(),
            query: self.query.clone().map(String::into_bytes),
            headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.clone().into_bytes()))
                .collect(),
        }
    }

    fn info(&self) -> RequestInfo {
        self.wire()
            .info()
            .unwrap_or_else(|| panic!("{}: fixture is not a valid request", self.name))
    }

    fn is_presigned(&self) -> bool {
        self.kind == "presigned"
    }
}

/// A request as bytes on the wire, before `RequestInfo` (which needs UTF-8 and valid header
/// values) is built from it.
#[derive(Debug, Clone)]
struct Wire {
    method: String,
    path: Vec<u8>,
    query: Option<Vec<u8>>,
    headers: Vec<(String, Vec<u8>)>,
}

impl Wire {
    /// The request, or `None` when a byte makes it unrepresentable.
    fn info(&self) -> Option<RequestInfo> {
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).ok()?,
                HeaderValue::from_bytes(value).ok()?,
            );
        }
        Some(RequestInfo {
            method: Method::from_bytes(self.method.as_bytes()).ok()?,
            raw_path: String::from_utf8(self.path.clone()).ok()?,
            raw_query: match &self.query {
                Some(query) => Some(String::from_utf8(query.clone()).ok()?),
                None => None,
            },
            headers,
        })
    }
}

// ---------------------------------------------------------------------------------------
// In-test registries

/// One long-lived key.
struct OneKey(Option<StoredCredential>);

impl OneKey {
    fn new(access_key_id: &str, secret: &str) -> Self {
        Self(Some(StoredCredential {
            access_key_id: access_key_id.to_owned(),
            secret_access_key: SecretString::new(secret),
            principal_name: "fixture".to_owned(),
            created_at: Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
            expires_at: None,
            enabled: true,
            allowed_scopes: Vec::new(),
        }))
    }
}

impl CredentialRegistry for OneKey {
    async fn get_credential(
        &self,
        access_key_id: &str,
    ) -> Result<Option<StoredCredential>, ProxyError> {
        Ok(self
            .0
            .as_ref()
            .filter(|c| c.access_key_id == access_key_id)
            .cloned())
    }

    async fn get_role(&self, _role_id: &str) -> Result<Option<RoleConfig>, ProxyError> {
        Ok(None)
    }
}

/// Which session tokens the resolver accepts for its access key id.
enum Tokens {
    /// Only this one (as a real resolver would).
    Exactly(String),
    /// Any token, so that only the signature can refuse a tampered one.
    Any,
}

/// The temporary credentials of one access key id.
struct Sessions {
    access_key_id: String,
    secret: String,
    tokens: Tokens,
}

impl TemporaryCredentialResolver for Sessions {
    async fn resolve(
        &self,
        session_token: &str,
        access_key_id: &str,
        now: DateTime<Utc>,
    ) -> Result<TemporaryCredentials, ProxyError> {
        if access_key_id != self.access_key_id {
            return Err(ProxyError::InvalidToken);
        }
        if let Tokens::Exactly(token) = &self.tokens
            && token != session_token
        {
            return Err(ProxyError::InvalidToken);
        }
        Ok(TemporaryCredentials {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: SecretString::new(self.secret.as_str()),
            session_token: SecretString::new(session_token),
            expiration: now + Duration::hours(1),
            allowed_scopes: Vec::new(),
            assumed_role_id: "fixture-role".to_owned(),
            source_identity: "fixture-subject".to_owned(),
        })
    }
}

/// What identity resolution consults for one fixture.
struct Keys {
    long_lived: OneKey,
    sessions: Sessions,
}

impl Keys {
    /// The fixture's own key: long-lived, or temporary behind its session token.
    fn of(fixture: &Fixture, tokens: Tokens) -> Self {
        Self::with_secret(fixture, &fixture.secret_access_key, tokens)
    }

    fn with_secret(fixture: &Fixture, secret: &str, tokens: Tokens) -> Self {
        let temporary = fixture.session_token.is_some();
        Self {
            long_lived: if temporary {
                OneKey(None)
            } else {
                OneKey::new(&fixture.access_key_id, secret)
            },
            sessions: Sessions {
                access_key_id: if temporary {
                    fixture.access_key_id.clone()
                } else {
                    "ASIA-NO-SESSIONS".to_owned()
                },
                secret: secret.to_owned(),
                tokens,
            },
        }
    }

    fn resolve(
        &self,
        info: &RequestInfo,
        now: DateTime<Utc>,
        region: Option<&str>,
        cache: &SigningKeyCache,
    ) -> Result<Authenticated, ProxyError> {
        let resolver = IdentityResolver {
            credentials: &self.long_lived,
            temporary: &self.sessions,
            region,
            signing_keys: cache,
        };
        block_on(resolver.resolve(info, now))
    }
}

fn strict(fixture: &Fixture) -> Keys {
    Keys::of(
        fixture,
        Tokens::Exactly(fixture.session_token.clone().unwrap_or_default()),
    )
}

fn resolve(
    fixture: &Fixture,
    info: &RequestInfo,
    now: DateTime<Utc>,
) -> Result<Authenticated, ProxyError> {
    strict(fixture).resolve(info, now, None, &SigningKeyCache::default())
}

fn accept(fixture: &Fixture) -> Authenticated {
    resolve(fixture, &fixture.info(), fixture.signed_at())
        .unwrap_or_else(|e| panic!("{}: botocore's signature refused: {e:?}", fixture.name))
}

fn code(result: Result<Authenticated, ProxyError>) -> String {
    match result {
        Ok(auth) => format!("accepted as {}", auth.identity.principal()),
        Err(e) => e.s3_code().to_owned(),
    }
}

// ---------------------------------------------------------------------------------------
// The fixtures verify

#[test]
fn the_fixtures_cover_the_brief() {
    let file = fixture_file();
    assert!(!file.generator.botocore.is_empty());
    let count = |pred: &dyn Fn(&Fixture) -> bool| file.fixtures.iter().filter(|f| pred(f)).count();
    assert!(count(&|f| f.kind == "header" && f.expect == "accept") >= 40);
    assert!(count(&|f| f.kind == "presigned" && f.expect == "accept") >= 20);
    assert!(count(&|f| f.kind == "chunked") >= 5);
    assert!(count(&|f| f.session_token.is_some()) >= 6);
    assert!(count(&|f| f.region != "us-east-1") >= 5);
    for method in ["GET", "HEAD", "PUT", "DELETE", "POST"] {
        assert!(
            count(&|f| f.method == method && f.kind == "header") > 0,
            "{method}"
        );
    }
    for sentinel in [
        "UNSIGNED-PAYLOAD",
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    ] {
        assert!(
            count(&|f| f.headers.iter().any(|(_, v)| v == sentinel)) > 0,
            "{sentinel}"
        );
    }
}

#[test]
fn every_botocore_signature_verifies() {
    for fixture in accepted() {
        let auth = accept(&fixture);
        assert_eq!(
            auth.identity.access_key_id(),
            Some(fixture.access_key_id.as_str()),
            "{}",
            fixture.name
        );
        match (&auth.identity, &fixture.session_token) {
            (ResolvedIdentity::Temporary(_), Some(_)) | (ResolvedIdentity::LongLived(_), None) => {}
            (identity, _) => panic!("{}: resolved as {identity:?}", fixture.name),
        }
        let signature = auth.signature.expect("a signed request");
        assert_eq!(
            signature.claims().credential.region,
            fixture.region,
            "{}",
            fixture.name
        );

        // The same request passes with the gateway pinned to the fixture's region and fails
        // when pinned to another one.
        let keys = strict(&fixture);
        let cache = SigningKeyCache::default();
        let info = fixture.info();
        let now = fixture.signed_at();
        keys.resolve(&info, now, Some(&fixture.region), &cache)
            .unwrap_or_else(|e| panic!("{}: {e:?}", fixture.name));
        let wrong = keys
            .resolve(&info, now, Some("xx-nowhere-1"), &cache)
            .unwrap_err();
        let expected = if fixture.is_presigned() {
            "AuthorizationQueryParametersError"
        } else {
            "AuthorizationHeaderMalformed"
        };
        assert_eq!(wrong.s3_code(), expected, "{}", fixture.name);
    }
}

#[test]
fn requests_botocore_signs_but_s3_refuses_are_refused() {
    let refused: Vec<Fixture> = fixtures()
        .into_iter()
        .filter(|f| f.expect != "accept")
        .collect();
    assert!(refused.len() >= 3);
    for fixture in refused {
        let got = code(resolve(&fixture, &fixture.info(), fixture.signed_at()));
        assert_eq!(got, fixture.expect, "{}", fixture.name);
    }
}

// ---------------------------------------------------------------------------------------
// Clock, keys, unsigned headers

#[test]
fn requests_more_than_fifteen_minutes_off_are_too_skewed() {
    for fixture in accepted().into_iter().filter(|f| !f.is_presigned()) {
        let info = fixture.info();
        let at = fixture.signed_at();
        for off in [
            Duration::minutes(16),
            Duration::minutes(-16),
            Duration::days(1),
        ] {
            assert_eq!(
                code(resolve(&fixture, &info, at + off)),
                "RequestTimeTooSkewed",
                "{} at {off}",
                fixture.name
            );
        }
        for off in [Duration::minutes(14), Duration::minutes(-14)] {
            resolve(&fixture, &info, at + off)
                .unwrap_or_else(|e| panic!("{} at {off}: {e:?}", fixture.name));
        }
    }
}

#[test]
fn presigned_urls_expire() {
    for fixture in accepted().into_iter().filter(Fixture::is_presigned) {
        let info = fixture.info();
        let at = fixture.signed_at();
        let expires = Duration::seconds(fixture.expires.expect("presigned fixtures expire"));
        resolve(&fixture, &info, at + expires)
            .unwrap_or_else(|e| panic!("{}: valid until its last second: {e:?}", fixture.name));
        for after in [Duration::seconds(1), Duration::days(30)] {
            let err = resolve(&fixture, &info, at + expires + after).unwrap_err();
            assert_eq!(err.s3_code(), "AccessDenied", "{}", fixture.name);
            assert!(
                err.to_string().contains("Request has expired"),
                "{}: {err}",
                fixture.name
            );
        }
        let early = resolve(&fixture, &info, at - Duration::minutes(16)).unwrap_err();
        assert_eq!(early.s3_code(), "AccessDenied", "{}", fixture.name);
    }
}

#[test]
fn wrong_secrets_and_unknown_keys_are_refused() {
    for fixture in accepted() {
        let info = fixture.info();
        let now = fixture.signed_at();
        let cache = SigningKeyCache::default();
        let token = Tokens::Exactly(fixture.session_token.clone().unwrap_or_default());

        let mut wrong_secret = fixture.secret_access_key.clone();
        wrong_secret.push('x');
        let keys = Keys::with_secret(&fixture, &wrong_secret, token);
        assert_eq!(
            code(keys.resolve(&info, now, None, &cache)),
            "SignatureDoesNotMatch",
            "{}",
            fixture.name
        );

        let unknown = Keys {
            long_lived: OneKey(None),
            sessions: Sessions {
                access_key_id: "ASIA-SOMEONE-ELSE".to_owned(),
                secret: fixture.secret_access_key.clone(),
                tokens: Tokens::Any,
            },
        };
        let expected = if fixture.session_token.is_some() {
            "InvalidToken"
        } else {
            "InvalidAccessKeyId"
        };
        assert_eq!(
            code(unknown.resolve(&info, now, None, &cache)),
            expected,
            "{}",
            fixture.name
        );

        if fixture.session_token.is_some() {
            let other_token = Keys::of(&fixture, Tokens::Exactly("another-token".into()));
            assert_eq!(
                code(other_token.resolve(&info, now, None, &cache)),
                "InvalidToken",
                "{}",
                fixture.name
            );
        }
    }
}

#[test]
fn an_unsigned_x_amz_header_is_refused() {
    for fixture in accepted() {
        for (name, value) in [
            ("x-amz-meta-extra", "1"),
            ("x-amz-acl", "public-read"),
            ("X-Amz-Copy-Source", "/other/key"),
        ] {
            let mut wire = fixture.wire();
            if wire
                .headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                continue;
            }
            wire.headers
                .push((name.to_owned(), value.as_bytes().to_vec()));
            let err = resolve(&fixture, &wire.info().unwrap(), fixture.signed_at()).unwrap_err();
            assert_eq!(err.s3_code(), "AccessDenied", "{} + {name}", fixture.name);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Single-byte tampering of the request

/// Bit masks applied to each byte in turn: a different character, the other letter case,
/// and a byte outside ASCII.
const MASKS: [u8; 4] = [0x01, 0x02, 0x20, 0x80];

#[derive(Debug, Default)]
struct Tally {
    /// Tampered variants that identity resolution refused, as required.
    refused: usize,
    /// Variants `RequestInfo` cannot hold (invalid UTF-8 or header value): skipped.
    unrepresentable: usize,
    /// Variants that denote the same request (a query's `%2f` for `%2F`): skipped.
    equivalent: usize,
    /// Variants that were accepted: each one is a failure.
    accepted: Vec<String>,
}

impl Tally {
    fn absorb(&mut self, other: Self) {
        self.refused += other.refused;
        self.unrepresentable += other.unrepresentable;
        self.equivalent += other.equivalent;
        self.accepted.extend(other.accepted);
    }
}

/// The decoded query pairs, in order: what a query means, whatever its percent-encoding.
fn query_meaning(query: Option<&[u8]>) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    fn decode(part: &[u8]) -> Vec<u8> {
        percent_encoding::percent_decode(part).collect()
    }
    Some(
        query?
            .split(|b| *b == b'&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| match pair.iter().position(|b| *b == b'=') {
                Some(eq) => (decode(&pair[..eq]), decode(&pair[eq + 1..])),
                None => (decode(pair), Vec::new()),
            })
            .collect(),
    )
}

/// Where a byte can be flipped.
#[derive(Debug, Clone, Copy)]
enum Target {
    Path,
    Query,
    Header(usize),
}

fn tamper_all(fixture: &Fixture) -> Tally {
    let auth = accept(fixture);
    let signed: Vec<String> = auth
        .signature
        .as_ref()
        .expect("signed")
        .claims()
        .signed_headers
        .clone();
    let original = fixture.wire();
    let now = fixture.signed_at();
    // Any session token is accepted, so a tampered token must fail on the signature alone.
    let keys = Keys::of(fixture, Tokens::Any);
    let cache = SigningKeyCache::default();

    let mut targets = vec![(Target::Path, original.path.len())];
    if let Some(query) = &original.query {
        targets.push((Target::Query, query.len()));
    }
    for (i, (name, value)) in original.headers.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        if lower == "authorization" || signed.contains(&lower) {
            targets.push((Target::Header(i), value.len()));
        }
    }
    // The request time is among the tampered bytes: a signed header, or `X-Amz-Date` in the
    // query of a presigned URL.
    let time_header = targets.iter().any(|(target, _)| match target {
        Target::Header(i) => {
            let name = original.headers[*i].0.to_ascii_lowercase();
            name == "x-amz-date" || name == "date"
        }
        _ => false,
    });
    assert!(
        time_header || fixture.is_presigned(),
        "{}: the request time is signed",
        fixture.name
    );

    let meaning = query_meaning(original.query.as_deref());
    let mut tally = Tally::default();
    for (target, len) in targets {
        for at in 0..len {
            for mask in MASKS {
                let mut wire = original.clone();
                let byte = match target {
                    Target::Path => &mut wire.path[at],
                    Target::Query => &mut wire.query.as_mut().unwrap()[at],
                    Target::Header(i) => &mut wire.headers[i].1[at],
                };
                *byte ^= mask;
                if matches!(target, Target::Query)
                    && query_meaning(wire.query.as_deref()) == meaning
                {
                    tally.equivalent += 1;
                    continue;
                }
                let Some(info) = wire.info() else {
                    tally.unrepresentable += 1;
                    continue;
                };
                match keys.resolve(&info, now, None, &cache) {
                    Err(_) => tally.refused += 1,
                    Ok(_) => tally.accepted.push(format!(
                        "{}: {target:?} byte {at} ^ {mask:#04x} accepted: {} {}?{} {:?}",
                        fixture.name,
                        info.method,
                        info.raw_path,
                        info.raw_query.as_deref().unwrap_or_default(),
                        match target {
                            Target::Header(i) => Some((
                                &wire.headers[i].0,
                                String::from_utf8_lossy(&wire.headers[i].1),
                            )),
                            _ => None,
                        }
                    )),
                }
            }
        }
    }
    tally
}

#[allow(clippy::print_stderr)]
fn tamper_kind(kinds: &[&str]) {
    let mut total = Tally::default();
    let mut fixtures = 0;
    for fixture in accepted()
        .iter()
        .filter(|f| kinds.contains(&f.kind.as_str()))
    {
        fixtures += 1;
        total.absorb(tamper_all(fixture));
    }
    eprintln!(
        "{kinds:?}: {fixtures} fixtures, {} tampered requests refused, {} unrepresentable and {} \
         equivalent variants skipped",
        total.refused, total.unrepresentable, total.equivalent
    );
    assert!(total.refused > fixtures * 100, "tampering ran");
    assert!(
        total.accepted.is_empty(),
        "{} tampered requests were accepted:\n{}",
        total.accepted.len(),
        total.accepted.join("\n")
    );
}

#[test]
fn every_single_byte_tampering_of_a_header_signed_request_fails() {
    tamper_kind(&["header", "chunked"]);
}

#[test]
fn every_single_byte_tampering_of_a_presigned_url_fails() {
    tamper_kind(&["presigned"]);
}

// ---------------------------------------------------------------------------------------
// Streaming bodies

/// Trailer fields: lower-case name and value.
type Trailers = Vec<(String, String)>;

/// Runs `framed` through `decoder` in pieces of `piece` bytes.
fn decode(
    mut decoder: ChunkedDecoder,
    framed: &[u8],
    piece: usize,
) -> Result<(Vec<u8>, Trailers), ProxyError> {
    let mut out = Vec::new();
    for part in framed.chunks(piece.max(1)) {
        decoder.push(part)?;
        while let Some(bytes) = decoder.pop() {
            out.extend_from_slice(&bytes);
        }
    }
    let trailers = decoder.finish()?;
    Ok((out, trailers))
}

fn decoder_for(fixture: &Fixture, auth: &Authenticated, body: &Body) -> ChunkedDecoder {
    let decoded_length = BASE64.decode(&body.decoded_base64).unwrap().len() as u64;
    let signature = auth.signature.as_ref().expect("signed");
    match (&signature.claims().payload, body.framing.as_str()) {
        (PayloadMode::StreamingSigned { trailer: false }, "signed") => {
            ChunkedDecoder::signed(signature.chunk_verifier(), false, Some(decoded_length))
        }
        (PayloadMode::StreamingSigned { trailer: true }, "signed-trailer") => {
            ChunkedDecoder::signed(signature.chunk_verifier(), true, Some(decoded_length))
        }
        (PayloadMode::StreamingUnsignedTrailer, "unsigned-trailer") => {
            ChunkedDecoder::unsigned(Some(decoded_length))
        }
        (mode, framing) => panic!("{}: {mode:?} with {framing} framing", fixture.name),
    }
}

/// A chunked body as HTTP reads it: chunk sizes (hex, any case), extensions and data, then
/// trailer fields (names case-insensitive). Two bodies with the same reading are the same
/// body, so flipping the case of a hex digit or of a trailer name is not a tampering.
#[derive(Debug, PartialEq, Eq)]
struct Reading {
    chunks: Vec<(usize, String, Vec<u8>)>,
    trailers: Trailers,
}

fn read_framing(mut body: &[u8]) -> Option<Reading> {
    fn line<'a>(body: &mut &'a [u8]) -> Option<&'a str> {
        let end = body.windows(2).position(|w| w == b"\r\n")?;
        let text = std::str::from_utf8(&body[..end]).ok()?;
        *body = &body[end + 2..];
        Some(text)
    }
    let mut chunks = Vec::new();
    loop {
        let header = line(&mut body)?;
        let (size, extension) = header.split_once(';').unwrap_or((header, ""));
        let size = usize::from_str_radix(size.trim(), 16).ok()?;
        if size == 0 {
            chunks.push((0, extension.to_owned(), Vec::new()));
            break;
        }
        let data = body.get(..size)?.to_vec();
        body = body.get(size..)?.strip_prefix(b"\r\n")?;
        chunks.push((size, extension.to_owned(), data));
    }
    let mut trailers = Vec::new();
    loop {
        let field = line(&mut body)?;
        if field.is_empty() {
            break;
        }
        let (name, value) = field.split_once(':')?;
        trailers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    body.is_empty().then_some(Reading { chunks, trailers })
}

/// Every byte of the framing (sizes, signatures, CRLFs, trailers) and a sample of the data.
fn body_positions(framed: &[u8]) -> Vec<usize> {
    let reading = read_framing(framed).expect("the fixture's body is well framed");
    let mut positions = Vec::new();
    let mut at = 0;
    for (size, extension, _) in &reading.chunks {
        let header =
            format!("{size:x}").len() + usize::from(!extension.is_empty()) + extension.len();
        positions.extend(at..at + header + 2);
        at += header + 2;
        if *size > 0 {
            let data = at..at + size;
            positions.extend(data.clone().step_by(97));
            positions.extend([data.start + 1, data.end - 1]);
            at += size;
            positions.extend(at..at + 2);
            at += 2;
        }
    }
    positions.extend(at..framed.len());
    positions.sort_unstable();
    positions.dedup();
    positions.retain(|p| *p < framed.len());
    positions
}

#[test]
#[allow(clippy::print_stderr)]
fn streaming_bodies_decode_and_every_tampering_fails() {
    let mut refused = 0;
    let mut equivalent = 0;
    let mut accepted_tamperings = Vec::new();
    for fixture in accepted().into_iter().filter(|f| f.body.is_some()) {
        let body = fixture.body.clone().unwrap();
        let framed = BASE64.decode(&body.framed_base64).unwrap();
        let payload = BASE64.decode(&body.decoded_base64).unwrap();
        let auth = accept(&fixture);
        for piece in [1, 7, 100, 4096, framed.len()] {
            let (out, trailers) = decode(decoder_for(&fixture, &auth, &body), &framed, piece)
                .unwrap_or_else(|e| panic!("{} in pieces of {piece}: {e:?}", fixture.name));
            assert!(out == payload, "{}: decoded payload differs", fixture.name);
            assert_eq!(trailers, body.trailers, "{}", fixture.name);
        }
        if body.framing == "unsigned-trailer" {
            continue; // nothing is signed, so there is nothing to tamper with
        }
        let reading = read_framing(&framed);
        for at in body_positions(&framed) {
            for mask in MASKS {
                let mut tampered = framed.clone();
                tampered[at] ^= mask;
                if read_framing(&tampered) == reading {
                    equivalent += 1;
                    continue;
                }
                match decode(decoder_for(&fixture, &auth, &body), &tampered, 4096) {
                    Err(_) => refused += 1,
                    Ok(_) => accepted_tamperings.push(format!(
                        "{}: body byte {at} ^ {mask:#04x} ({:?}) accepted",
                        fixture.name,
                        String::from_utf8_lossy(
                            &tampered[at.saturating_sub(8)..(at + 8).min(tampered.len())]
                        )
                    )),
                }
            }
        }
        // Dropping the last chunk's CRLF, or anything after it, is refused too.
        for cut in [1, 2, 3, framed.len() / 2] {
            let short = &framed[..framed.len() - cut];
            assert!(
                decode(decoder_for(&fixture, &auth, &body), short, 4096).is_err(),
                "{}: body cut by {cut} accepted",
                fixture.name
            );
        }
    }
    eprintln!(
        "streaming bodies: {refused} tampered bodies refused, {equivalent} equivalent variants skipped"
    );
    assert!(refused > 1000, "tampering ran");
    assert!(
        accepted_tamperings.is_empty(),
        "{} tampered bodies were accepted:\n{}",
        accepted_tamperings.len(),
        accepted_tamperings.join("\n")
    );
}
