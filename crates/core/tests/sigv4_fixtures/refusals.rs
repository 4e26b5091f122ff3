//! The clock (skew, presigned expiry), wrong and unknown keys, unsigned `x-amz-*` headers.

use super::*;

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
