//! Every botocore signature verifies; what S3 refuses is refused.

use super::*;

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
