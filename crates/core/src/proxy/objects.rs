//! GetObject, HeadObject, PutObject, DeleteObject, and object tagging.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use super::body::{BodyCoverage, content_length, decoded_length, read_verified};
use super::dispatch::{Dispatcher, Payload, S3Call};
use super::response::GatewayResponse;
use super::target::{Backend, BucketTarget};
use super::versions::NULL_VERSION;
use crate::ProxyError;
use crate::api::ReadParams;
use crate::api::request_body::{MAX_XML_BODY_SIZE, parse_tagging};
use crate::api::response::render_tagging;
use crate::auth::ResolvedIdentity;
use crate::auth::sigv4::EMPTY_SHA256;
use crate::backend::{BodyStream, ForwardBody, ProxyBackend};
use crate::middleware::DispatchContext;
use crate::registry::BucketRegistry;
use crate::route_handler::{ProxyResponse, ProxyResponseBody};
use crate::store::{ReadMode, ReadOptions};

/// An upload body ready for a backend: where it goes, what covers it, how long it is.
pub(crate) struct Upload<Body> {
    /// Headers to send or store (client write headers, `aws-chunked` framing removed
    /// where the gateway decodes it).
    pub(crate) headers: HeaderMap,
    /// The body for an S3 backend.
    pub(crate) body: ForwardBody<Body>,
    /// The payload hash to sign for an S3 backend.
    pub(crate) payload_hash: String,
}

/// An upload body ready for an object store.
pub(crate) struct StoreUpload {
    /// Headers to store (`aws-chunked` framing removed).
    pub(crate) headers: HeaderMap,
    /// The payload bytes, checked as they stream.
    pub(crate) body: BodyStream,
    /// The declared payload length.
    pub(crate) length: Option<u64>,
}

impl<B: ProxyBackend, R: BucketRegistry> Dispatcher<'_, B, R> {
    pub(crate) async fn read_object(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget,
        key: &str,
        params: &ReadParams,
        method: Method,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        if !params.response_overrides.is_empty() && ctx.identity == ResolvedIdentity::Anonymous {
            return Err(ProxyError::InvalidRequest(
                "Request specific response headers cannot be used for anonymous GET requests."
                    .into(),
            ));
        }
        let backend_key = target.backend_key(key)?;
        match &target.backend {
            Backend::S3(s3) => {
                let call = read_call(method, &backend_key, params)
                    .headers(super::headers::read_headers(&ctx.headers));
                self.s3_forward(s3, call, ForwardBody::Empty, EMPTY_SHA256)
                    .await
            }
            Backend::Store(store) => {
                refuse_versions(params.version_id.as_deref())?;
                let options = ReadOptions {
                    mode: if method == Method::HEAD {
                        ReadMode::Head
                    } else {
                        ReadMode::Get
                    },
                    headers: &ctx.headers,
                    part_number: params.part_number,
                };
                let read = store.read(&backend_key, &options).await?;
                let mut headers = read.headers;
                for (name, value) in &params.response_overrides {
                    if let Ok(value) = HeaderValue::from_str(value) {
                        headers.insert(name.clone(), value);
                    }
                }
                let body = match read.body {
                    Some(stream) => ProxyResponseBody::Stream(stream),
                    None => ProxyResponseBody::Empty,
                };
                Ok(GatewayResponse::Response(ProxyResponse {
                    status: read.status,
                    headers,
                    body,
                }))
            }
        }
    }

    pub(crate) async fn put_object(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget,
        key: &str,
        payload: Payload<B::Body>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        match &target.backend {
            Backend::S3(s3) => {
                let upload = self.upload(&ctx.headers, payload)?;
                let call = S3Call::new(Method::PUT, Some(&backend_key)).headers(upload.headers);
                self.s3_forward(s3, call, upload.body, &upload.payload_hash)
                    .await
            }
            Backend::Store(store) => {
                let upload = self.store_upload(&ctx.headers, payload)?;
                let etag = store
                    .write(&backend_key, &upload.headers, upload.body, upload.length)
                    .await?;
                Ok(with_etag(StatusCode::OK, &etag))
            }
        }
    }

    pub(crate) async fn delete_object(
        &self,
        target: &BucketTarget,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        match &target.backend {
            Backend::S3(s3) => {
                let call = S3Call::new(Method::DELETE, Some(&backend_key))
                    .optional_query("versionId", version_id);
                self.s3_forward(s3, call, ForwardBody::Empty, EMPTY_SHA256)
                    .await
            }
            Backend::Store(store) => {
                refuse_versions(version_id)?;
                store.delete(&backend_key).await?;
                Ok(GatewayResponse::Response(ProxyResponse::empty(
                    StatusCode::NO_CONTENT,
                )))
            }
        }
    }

    pub(crate) async fn get_object_tagging(
        &self,
        target: &BucketTarget,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        let document = match &target.backend {
            Backend::S3(s3) => {
                let call = tagging_call(Method::GET, &backend_key, version_id);
                self.s3_call(s3, call, Bytes::new()).await?.body
            }
            Backend::Store(store) => {
                refuse_versions(version_id)?;
                render_tagging(&store.get_tagging(&backend_key).await?).into()
            }
        };
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }

    pub(crate) async fn put_object_tagging(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget,
        key: &str,
        version_id: Option<&str>,
        payload: Payload<B::Body>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        let document = self.read_small_body(ctx, payload).await?;
        let tags = parse_tagging(&document)?;
        match &target.backend {
            Backend::S3(s3) => {
                let call = tagging_call(Method::PUT, &backend_key, version_id);
                self.s3_call(s3, call, document).await?;
            }
            Backend::Store(store) => {
                refuse_versions(version_id)?;
                store.put_tagging(&backend_key, tags).await?;
            }
        }
        Ok(GatewayResponse::Response(ProxyResponse::empty(
            StatusCode::OK,
        )))
    }

    /// Reads a small XML request body whole, checked against the signature.
    pub(crate) async fn read_small_body(
        &self,
        ctx: &DispatchContext,
        payload: Payload<B::Body>,
    ) -> Result<bytes::Bytes, ProxyError> {
        let coverage = BodyCoverage::of(payload.signature.as_ref(), &ctx.headers);
        read_verified(
            B::body_into_stream(payload.body),
            coverage,
            &ctx.headers,
            MAX_XML_BODY_SIZE,
        )
        .await
    }

    /// Prepares an upload body for an S3 backend. The client's SHA-256, where it sent one,
    /// is signed so that the backend verifies the body; signed chunks are decoded and
    /// verified here, so a bad chunk fails the stream and aborts the backend request.
    pub(crate) fn upload(
        &self,
        client: &HeaderMap,
        payload: Payload<B::Body>,
    ) -> Result<Upload<B::Body>, ProxyError> {
        let mut headers = super::headers::write_headers(client);
        let declared = self.check_upload_size(client)?;
        let coverage = BodyCoverage::of(payload.signature.as_ref(), client);
        let (body, payload_hash) = match coverage {
            BodyCoverage::Unsigned => (
                ForwardBody::Client {
                    body: payload.body,
                    length: content_length(client),
                },
                "UNSIGNED-PAYLOAD".to_owned(),
            ),
            BodyCoverage::Sha256(hash) => (
                ForwardBody::Client {
                    body: payload.body,
                    length: content_length(client),
                },
                hash,
            ),
            BodyCoverage::UnsignedChunks => {
                // Passed through framed: the backend decodes it and checks the trailer.
                for name in ["x-amz-decoded-content-length", "x-amz-trailer"] {
                    if let Some(value) = client.get(name) {
                        headers.insert(name, value.clone());
                    }
                }
                (
                    ForwardBody::Client {
                        body: payload.body,
                        length: content_length(client),
                    },
                    "STREAMING-UNSIGNED-PAYLOAD-TRAILER".to_owned(),
                )
            }
            coverage @ BodyCoverage::SignedChunks { .. } => {
                let length = declared.ok_or(ProxyError::MissingContentLength)?;
                super::headers::remove_aws_chunked(&mut headers);
                headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
                let stream = coverage.payload(B::body_into_stream(payload.body), client);
                (
                    ForwardBody::Stream { stream, length },
                    "UNSIGNED-PAYLOAD".to_owned(),
                )
            }
        };
        Ok(Upload {
            headers,
            body,
            payload_hash,
        })
    }

    /// Prepares an upload body for an object store: the payload bytes, checked against
    /// the signature as they stream, and the headers to store.
    pub(crate) fn store_upload(
        &self,
        client: &HeaderMap,
        payload: Payload<B::Body>,
    ) -> Result<StoreUpload, ProxyError> {
        let length = self.check_upload_size(client)?;
        let mut headers = client.clone();
        super::headers::remove_aws_chunked(&mut headers);
        let coverage = BodyCoverage::of(payload.signature.as_ref(), client);
        let body = coverage.payload(B::body_into_stream(payload.body), client);
        Ok(StoreUpload {
            headers,
            body,
            length,
        })
    }

    /// The payload length the client declared, refused past the configured maximum.
    fn check_upload_size(&self, client: &HeaderMap) -> Result<Option<u64>, ProxyError> {
        let length = decoded_length(client).or_else(|| content_length(client));
        if let (Some(max), Some(length)) = (self.settings.max_request_body_size, length)
            && length > max
        {
            return Err(ProxyError::EntityTooLarge);
        }
        Ok(length)
    }
}

/// Store-backed buckets keep no versions: each object is only its `null` version, which
/// S3 lets a request name or leave out.
pub(crate) fn refuse_versions(version_id: Option<&str>) -> Result<(), ProxyError> {
    match version_id {
        None | Some(NULL_VERSION) => Ok(()),
        Some(_) => Err(ProxyError::NotImplemented(
            "Object versions are not supported by this bucket's backend.".into(),
        )),
    }
}

/// A response with an `ETag` and no body.
pub(crate) fn with_etag<Body>(status: StatusCode, etag: &str) -> GatewayResponse<Body> {
    let mut response = ProxyResponse::empty(status);
    if let Ok(value) = HeaderValue::from_str(etag) {
        response.headers.insert(header::ETAG, value);
    }
    GatewayResponse::Response(response)
}

/// A backend read with its version, part, and response header overrides.
fn read_call<'a>(method: Method, backend_key: &'a str, params: &ReadParams) -> S3Call<'a> {
    let part = params.part_number.map(|part| part.to_string());
    let mut call = S3Call::new(method, Some(backend_key))
        .optional_query("versionId", params.version_id.as_deref())
        .optional_query("partNumber", part.as_deref());
    for (name, value) in &params.response_overrides {
        call = call.query(&format!("response-{}", name.as_str()), value);
    }
    call
}

/// A request on an object's tag set (`?tagging`), of one version if named.
fn tagging_call<'a>(method: Method, backend_key: &'a str, version_id: Option<&str>) -> S3Call<'a> {
    S3Call::new(method, Some(backend_key))
        .query("tagging", "")
        .optional_query("versionId", version_id)
}
