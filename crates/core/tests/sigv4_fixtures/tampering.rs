//! Single-byte tampering of the request: every variant is refused.

use super::*;

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
