//! Server limits against slow and greedy clients, over real sockets: each test sets one
//! limit short and checks what a client that breaks it sees. Waits are bounded by
//! [`PATIENCE`], far above every limit, so that a limit that does not work fails the test
//! instead of hanging it.

use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::{TokioExecutor, TokioIo};
use multistore_server::ServerLimits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::data::pattern;
use crate::harness::{Harness, Kind, WRITER};

both_backends!(a_stalled_upload_fails_and_stores_nothing);

/// Short enough for a fast test, long enough for a loaded machine to send a request.
const SHORT: Duration = Duration::from_millis(500);
/// How long a test waits for something that a working limit does within [`SHORT`].
const PATIENCE: Duration = Duration::from_secs(20);

const HEALTH: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n";

async fn gateway(limits: ServerLimits) -> Harness {
    Harness::start_with(Kind::Local, limits).await
}

async fn connect(h: &Harness) -> TcpStream {
    TcpStream::connect(h.address).await.expect("connect")
}

/// Sends `request` and reads one response (its head and `Content-Length` body).
async fn exchange(stream: &mut TcpStream, request: &[u8]) -> String {
    stream.write_all(request).await.expect("send");
    let mut received = Vec::new();
    let mut buf = [0; 4096];
    loop {
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&received[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map_or(0, |value| value.trim().parse().expect("content-length"));
            if received.len() >= end + 4 + length {
                return String::from_utf8_lossy(&received).into_owned();
            }
        }
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut buf))
            .await
            .expect("an answer")
            .expect("read");
        assert!(n > 0, "closed mid-response: {received:?}");
        received.extend_from_slice(&buf[..n]);
    }
}

/// Reads until the gateway closes the connection (a reset counts), returning what it
/// sent; `None` if it is still open after [`PATIENCE`].
async fn until_closed(stream: &mut TcpStream) -> Option<String> {
    let mut received = Vec::new();
    let mut buf = [0; 4096];
    tokio::time::timeout(PATIENCE, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .ok()?;
    Some(String::from_utf8_lossy(&received).into_owned())
}

#[tokio::test]
async fn a_slow_or_silent_client_is_cut_off_after_the_head_timeout() {
    let h = gateway(ServerLimits {
        request_head_timeout: SHORT,
        ..ServerLimits::default()
    })
    .await;

    let mut silent = connect(&h).await;
    assert_eq!(
        until_closed(&mut silent).await.as_deref(),
        Some(""),
        "a connection that sends nothing is closed without an answer"
    );

    // One byte of a header every 50 ms: never a complete head.
    let (mut reader, mut writer) = connect(&h).await.into_split();
    let trickle = tokio::spawn(async move {
        let mut sent = writer.write_all(b"GET /healthz HTTP/1.1\r\nX-Slow: ").await;
        while sent.is_ok() {
            tokio::time::sleep(Duration::from_millis(50)).await;
            sent = writer.write_all(b"a").await;
        }
    });
    let mut received = Vec::new();
    let read = tokio::time::timeout(PATIENCE, reader.read_to_end(&mut received)).await;
    assert!(read.is_ok(), "a trickled head kept its connection open");
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
    assert!(
        tokio::time::timeout(PATIENCE, trickle).await.is_ok(),
        "the gateway stops reading"
    );

    // A prompt client is served as usual.
    let mut prompt = connect(&h).await;
    assert!(
        exchange(&mut prompt, HEALTH)
            .await
            .starts_with("HTTP/1.1 200")
    );
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let h = gateway(ServerLimits {
        keep_alive_timeout: SHORT,
        ..ServerLimits::default()
    })
    .await;
    let mut stream = connect(&h).await;
    let first = exchange(&mut stream, HEALTH).await;
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    assert!(!first.to_ascii_lowercase().contains("connection: close"));
    assert_eq!(
        until_closed(&mut stream).await.as_deref(),
        Some(""),
        "the idle connection is closed, without a word"
    );
}

#[tokio::test]
async fn connections_beyond_the_limit_get_slow_down() {
    let h = gateway(ServerLimits {
        max_connections: 2,
        ..ServerLimits::default()
    })
    .await;
    let mut first = connect(&h).await;
    let mut second = connect(&h).await;
    for stream in [&mut first, &mut second] {
        assert!(exchange(stream, HEALTH).await.starts_with("HTTP/1.1 200"));
    }

    let mut third = connect(&h).await;
    let refused = until_closed(&mut third).await.expect("the refusal closes");
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(refused.contains("<Code>SlowDown</Code>"), "{refused}");
    assert!(
        refused.contains("content-type: application/xml"),
        "{refused}"
    );

    // The connections already open are unharmed.
    for stream in [&mut first, &mut second] {
        assert!(exchange(stream, HEALTH).await.starts_with("HTTP/1.1 200"));
    }

    // A closed connection frees its slot (once the gateway has seen it close).
    drop(first);
    let mut served = false;
    for _ in 0..100 {
        let mut next = connect(&h).await;
        if exchange(&mut next, HEALTH)
            .await
            .starts_with("HTTP/1.1 200")
        {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(served, "the slot of a closed connection is never freed");
}

#[tokio::test]
async fn an_oversized_head_is_refused_with_431() {
    let h = gateway(ServerLimits {
        max_request_head_size: 4096,
        ..ServerLimits::default()
    })
    .await;
    let with_header = |size: usize| {
        format!(
            "GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Padding: {}\r\n\r\n",
            "a".repeat(size)
        )
    };

    let mut fits = connect(&h).await;
    let answer = exchange(&mut fits, with_header(3000).as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let mut oversized = connect(&h).await;
    oversized
        .write_all(with_header(5000).as_bytes())
        .await
        .expect("send");
    let answer = until_closed(&mut oversized).await.expect("closed");
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
}

#[tokio::test]
async fn http2_is_served_under_the_same_limits() {
    let h = gateway(ServerLimits {
        keep_alive_timeout: SHORT,
        max_request_head_size: 4096,
        ..ServerLimits::default()
    })
    .await;
    let io = TokioIo::new(connect(&h).await);
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake::<_, _, Empty<Bytes>>(TokioExecutor::new(), io)
            .await
            .expect("HTTP/2 handshake");
    let connection = tokio::spawn(connection);
    let get = |padding: usize| {
        Request::get(format!("http://{}/healthz", h.address))
            .header("x-padding", "a".repeat(padding))
            .body(Empty::new())
            .expect("request")
    };

    let ok = sender.send_request(get(10)).await.expect("response");
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(
        ok.into_body().collect().await.expect("body").to_bytes(),
        "ok\n"
    );
    let oversized = sender.send_request(get(5000)).await.expect("response");
    assert_eq!(
        oversized.status(),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
    );

    let ended = tokio::time::timeout(PATIENCE, connection).await;
    assert!(ended.is_ok(), "the idle HTTP/2 connection stays open");
}

async fn a_stalled_upload_fails_and_stores_nothing(kind: Kind) {
    let h = Harness::start_with(
        kind,
        ServerLimits {
            request_body_timeout: SHORT,
            ..ServerLimits::default()
        },
    )
    .await;
    let before = h.snapshot();
    let request = h
        .object(Method::PUT, h.bucket(), "stalled/object.bin")
        .body(pattern(100_000))
        .signed_unsigned_payload(WRITER)
        .prepare()
        .request;
    let uri = request.uri().clone();
    let mut head = format!("PUT {} HTTP/1.1\r\n", uri.path_and_query().expect("path"));
    for (name, value) in request.headers() {
        head.push_str(&format!(
            "{name}: {}\r\n",
            value.to_str().expect("ASCII header")
        ));
    }
    head.push_str("\r\n");

    // A tenth of the body, then nothing, the connection left open.
    let mut stream = connect(&h).await;
    stream.write_all(head.as_bytes()).await.expect("head");
    stream
        .write_all(&pattern(100_000)[..10_000])
        .await
        .expect("body");
    let answer = until_closed(&mut stream)
        .await
        .expect("the stalled upload ends");
    // As S3 answers a stalled upload, on every kind of bucket.
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        answer.contains("<Error><Code>RequestTimeout</Code>"),
        "an S3 RequestTimeout: {answer}"
    );

    h.object(Method::GET, h.bucket(), "stalled/object.bin")
        .signed(WRITER)
        .send()
        .await
        .assert_error(StatusCode::NOT_FOUND, "NoSuchKey");
    assert_eq!(h.snapshot().files(), before.files(), "nothing was stored");
}
