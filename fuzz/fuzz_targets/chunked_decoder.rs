//! The `aws-chunked` decoder, signed and unsigned, fed in arbitrary pieces.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use multistore::SecretString;
use multistore::auth::sigv4::{ChunkSignatureVerifier, ChunkedDecoder, SigningKey};

#[derive(Debug, Arbitrary)]
struct Input {
    signed: bool,
    trailer: bool,
    expected_length: Option<u64>,
    pieces: Vec<Vec<u8>>,
}

fuzz_target!(|input: Input| {
    let mut decoder = if input.signed {
        let key = SigningKey::derive(&SecretString::new("fuzz"), "20260101", "us-east-1", "s3");
        let verifier = ChunkSignatureVerifier::new(
            key,
            "20260101T000000Z".into(),
            "20260101/us-east-1/s3/aws4_request".into(),
            "0".repeat(64),
        );
        ChunkedDecoder::signed(verifier, input.trailer, input.expected_length)
    } else {
        ChunkedDecoder::unsigned(input.expected_length)
    };
    for piece in &input.pieces {
        if decoder.push(piece).is_err() {
            return;
        }
        while decoder.pop().is_some() {}
    }
    let _ = decoder.finish();
});
