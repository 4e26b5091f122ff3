//! Streaming bodies: the chunk verifier the signature seeds refuses every tampered byte.

use super::*;

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
