//! Object reads, writes, deletes and tagging over the S3 wire protocol.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, header};
use md5::{Digest, Md5};

use super::S3Bucket;
use super::call::S3Call;
use crate::ProxyError;
use crate::api::ReadParams;
use crate::api::request_body::{ObjectToDelete, Tag, parse_tagging};
use crate::api::response::render_delete_request;
use crate::auth::sigv4::EMPTY_SHA256;
use crate::backend::{ForwardBody, ProxyBackend, s3_xml};
use crate::bucket::body::{BodyCoverage, content_length};
use crate::bucket::headers::{read_headers, remove_aws_chunked, write_headers};
use crate::bucket::requests::{DeleteOutcome, ObjectRead, Upload};
use crate::response::GatewayResponse;
use crate::store::ReadMode;

/// An upload ready for the backend.
pub(super) struct Prepared<Body> {
    /// Headers to send: the client's write headers, `aws-chunked` framing removed where
    /// the gateway decodes it.
    pub(super) headers: HeaderMap,
    pub(super) body: ForwardBody<Body>,
    /// The payload hash to sign.
    pub(super) payload_hash: String,
}

impl<R: ProxyBackend> S3Bucket<R> {
    pub(super) async fn read_object(
        &self,
        key: &str,
        read: ObjectRead<'_>,
    ) -> Result<GatewayResponse<R::Body>, ProxyError> {
        let method = match read.mode {
            ReadMode::Get => Method::GET,
            ReadMode::Head => Method::HEAD,
        };
        let call = read_call(method, key, read.params).headers(read_headers(read.headers));
        self.forward(call, ForwardBody::Empty, EMPTY_SHA256).await
    }

    pub(super) async fn put_object(
        &self,
        key: &str,
        upload: Upload<'_, R::Body>,
    ) -> Result<GatewayResponse<R::Body>, ProxyError> {
        let upload = prepare(upload)?;
        let call = S3Call::new(Method::PUT, Some(key)).headers(upload.headers);
        self.forward(call, upload.body, &upload.payload_hash).await
    }

    pub(super) async fn delete_object(
        &self,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<GatewayResponse<R::Body>, ProxyError> {
        let call = S3Call::new(Method::DELETE, Some(key)).optional_query("versionId", version_id);
        self.forward(call, ForwardBody::Empty, EMPTY_SHA256).await
    }

    pub(super) async fn delete_objects(
        &self,
        objects: Vec<ObjectToDelete>,
    ) -> Result<DeleteOutcome, ProxyError> {
        if objects.is_empty() {
            return Ok(DeleteOutcome::default());
        }
        let body = render_delete_request(&objects, false);
        let mut headers = HeaderMap::new();
        // S3 requires an integrity check on DeleteObjects bodies.
        let md5 = STANDARD.encode(Md5::digest(body.as_bytes()));
        headers.insert(
            "content-md5",
            HeaderValue::from_str(&md5).map_err(|_| ProxyError::Internal("md5".into()))?,
        );
        let call = S3Call::new(Method::POST, None)
            .query("delete", "")
            .headers(headers);
        let response = self.call(call, body.into()).await?;
        let (deleted, errors) = s3_xml::parse_delete_result(&response.body)?;
        Ok(DeleteOutcome { deleted, errors })
    }

    pub(super) async fn get_object_tagging(
        &self,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<Vec<Tag>, ProxyError> {
        let call = tagging_call(Method::GET, key, version_id);
        let response = self.call(call, Bytes::new()).await?;
        parse_tagging(&response.body)
    }

    /// Sends the client's own tagging document, so that its checksum headers still hold.
    pub(super) async fn put_object_tagging(
        &self,
        key: &str,
        version_id: Option<&str>,
        document: Bytes,
    ) -> Result<(), ProxyError> {
        let call = tagging_call(Method::PUT, key, version_id);
        self.call(call, document).await?;
        Ok(())
    }
}

/// Prepares an upload body for the backend. The client's SHA-256, where it sent one, is
/// signed so that the backend verifies the body; signed chunks are decoded and verified
/// here, so a bad chunk fails the stream and aborts the backend request.
pub(super) fn prepare<Body>(upload: Upload<'_, Body>) -> Result<Prepared<Body>, ProxyError> {
    let Upload {
        body,
        into_stream,
        headers: client,
        coverage,
        length,
    } = upload;
    let mut headers = write_headers(client);
    let passed_through = |body, payload_hash: &str| {
        let length = content_length(client);
        (
            ForwardBody::Client { body, length },
            payload_hash.to_owned(),
        )
    };
    let (body, payload_hash) = match coverage {
        BodyCoverage::Unsigned => passed_through(body, "UNSIGNED-PAYLOAD"),
        BodyCoverage::Sha256(hash) => passed_through(body, &hash),
        BodyCoverage::UnsignedChunks => {
            // Passed through framed: the backend decodes it and checks the trailer.
            for name in ["x-amz-decoded-content-length", "x-amz-trailer"] {
                if let Some(value) = client.get(name) {
                    headers.insert(name, value.clone());
                }
            }
            passed_through(body, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        }
        coverage @ BodyCoverage::SignedChunks { .. } => {
            let length = length.ok_or(ProxyError::MissingContentLength)?;
            remove_aws_chunked(&mut headers);
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
            let stream = coverage.payload(into_stream(body), client);
            (
                ForwardBody::Stream { stream, length },
                "UNSIGNED-PAYLOAD".to_owned(),
            )
        }
    };
    Ok(Prepared {
        headers,
        body,
        payload_hash,
    })
}

/// A backend read with its version, part, and response header overrides.
fn read_call<'a>(method: Method, key: &'a str, params: &ReadParams) -> S3Call<'a> {
    let part = params.part_number.map(|part| part.to_string());
    let mut call = S3Call::new(method, Some(key))
        .optional_query("versionId", params.version_id.as_deref())
        .optional_query("partNumber", part.as_deref());
    for (name, value) in &params.response_overrides {
        call = call.query(&format!("response-{}", name.as_str()), value);
    }
    call
}

/// A request on an object's tag set (`?tagging`), of one version if named.
fn tagging_call<'a>(method: Method, key: &'a str, version_id: Option<&str>) -> S3Call<'a> {
    S3Call::new(method, Some(key))
        .query("tagging", "")
        .optional_query("versionId", version_id)
}
