//! The chunk decoder, checked against the example in AWS's "Signature Calculations for
//! the Authorization Header: Transferring Payload in Multiple Chunks" documentation.

use super::*;
use crate::SecretString;

const SEED: &str = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
const CHUNK_1: &str = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
const CHUNK_2: &str = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
const FINAL: &str = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

fn verifier() -> ChunkSignatureVerifier {
    let key = SigningKey::derive(
        &SecretString::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        "20130524",
        "us-east-1",
        "s3",
    );
    ChunkSignatureVerifier::new(
        key,
        "20130524T000000Z".into(),
        "20130524/us-east-1/s3/aws4_request".into(),
        SEED.into(),
    )
}

fn documented_body() -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(format!("10000;chunk-signature={CHUNK_1}\r\n").as_bytes());
    body.extend(std::iter::repeat_n(b'a', 65536));
    body.extend_from_slice(format!("\r\n400;chunk-signature={CHUNK_2}\r\n").as_bytes());
    body.extend(std::iter::repeat_n(b'a', 1024));
    body.extend_from_slice(format!("\r\n0;chunk-signature={FINAL}\r\n\r\n").as_bytes());
    body
}

/// Runs `body` through a decoder in pieces of `piece` bytes.
fn decode(mut decoder: ChunkedDecoder, body: &[u8], piece: usize) -> Result<Vec<u8>, ProxyError> {
    let mut out = Vec::new();
    for part in body.chunks(piece) {
        decoder.push(part)?;
        while let Some(bytes) = decoder.pop() {
            out.extend_from_slice(&bytes);
        }
    }
    decoder.finish()?;
    Ok(out)
}

#[test]
fn documented_example_verifies_in_any_piece_size() {
    let body = documented_body();
    assert_eq!(
        body.len(),
        66824,
        "Content-Length of the documented request"
    );
    for piece in [1, 7, 100, 65536, body.len()] {
        let decoder = ChunkedDecoder::signed(verifier(), false, Some(66560));
        let out = decode(decoder, &body, piece).unwrap();
        assert_eq!(out.len(), 66560);
        assert!(out.iter().all(|b| *b == b'a'));
    }
}

#[test]
fn any_single_byte_change_fails() {
    let body = documented_body();
    // Change one byte of data, of a signature, and of the framing.
    for at in [100, 70, 66000, body.len() - 10, 3] {
        let mut tampered = body.clone();
        tampered[at] ^= 0x01;
        let decoder = ChunkedDecoder::signed(verifier(), false, Some(66560));
        assert!(decode(decoder, &tampered, 4096).is_err(), "byte {at}");
    }
}

#[test]
fn no_byte_is_released_before_its_chunk_verifies() {
    let mut body = documented_body();
    body[100] = b'b';
    let mut decoder = ChunkedDecoder::signed(verifier(), false, None);
    let result = decoder.push(&body[..65536 + 90]);
    assert!(result.is_err());
    assert!(decoder.pop().is_none());
}

#[test]
fn truncated_and_overlong_bodies_fail() {
    let body = documented_body();
    let decoder = ChunkedDecoder::signed(verifier(), false, Some(66560));
    assert!(decode(decoder, &body[..body.len() - 2], 1000).is_err());

    let decoder = ChunkedDecoder::signed(verifier(), false, Some(66559));
    assert!(decode(decoder, &body, 1000).is_err());

    let mut extra = body;
    extra.extend_from_slice(b"x");
    let decoder = ChunkedDecoder::signed(verifier(), false, Some(66560));
    assert!(decode(decoder, &extra, 1000).is_err());
}

#[test]
fn reordered_chunks_fail() {
    let mut body = Vec::new();
    body.extend_from_slice(format!("400;chunk-signature={CHUNK_2}\r\n").as_bytes());
    body.extend(std::iter::repeat_n(b'a', 1024));
    body.extend_from_slice(format!("\r\n0;chunk-signature={FINAL}\r\n\r\n").as_bytes());
    let decoder = ChunkedDecoder::signed(verifier(), false, None);
    assert!(decode(decoder, &body, 1000).is_err());
}

#[test]
fn unsigned_chunks_with_trailer() {
    let body = b"5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    for piece in [1, 3, body.len()] {
        let mut decoder = ChunkedDecoder::unsigned(Some(11));
        let mut out = Vec::new();
        for part in body.chunks(piece) {
            decoder.push(part).unwrap();
            while let Some(bytes) = decoder.pop() {
                out.extend_from_slice(&bytes);
            }
        }
        let trailers = decoder.finish().unwrap();
        assert_eq!(out, b"hello world");
        assert_eq!(
            trailers,
            vec![("x-amz-checksum-crc32".to_owned(), "DUoRhQ==".to_owned())]
        );
    }
}

#[test]
fn malformed_framing() {
    for body in [
        &b"zz\r\nhello\r\n0\r\n\r\n"[..],
        b"5\r\nhelloXX0\r\n\r\n",
        b"5\r\nhello\r\n0\r\nno-colon\r\n\r\n",
    ] {
        let decoder = ChunkedDecoder::unsigned(None);
        assert!(decode(decoder, body, 4).is_err(), "{body:?}");
    }
    let endless_header = vec![b'1'; MAX_HEADER_LINE + 10];
    let mut decoder = ChunkedDecoder::unsigned(None);
    assert!(decoder.push(&endless_header).is_err());
}

#[test]
fn signed_chunk_size_is_capped() {
    let mut decoder = ChunkedDecoder::signed(verifier(), false, None);
    let header = format!("{:x};chunk-signature={CHUNK_1}\r\n", MAX_SIGNED_CHUNK + 1);
    assert_eq!(
        decoder.push(header.as_bytes()).unwrap_err().s3_code(),
        "EntityTooLarge"
    );
}
