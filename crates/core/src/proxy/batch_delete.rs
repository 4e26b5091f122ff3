//! DeleteObjects: up to 1,000 keys in one request, each authorized on its own, with
//! partial results.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use md5::{Digest, Md5};

use super::authorization::authorize_deletion;
use super::dispatch::{Dispatcher, Payload, S3Call};
use super::objects::refuse_versions;
use super::response::GatewayResponse;
use super::target::{Backend, BucketTarget};
use crate::ProxyError;
use crate::api::request_body::{ObjectToDelete, parse_delete};
use crate::api::response::{
    DeleteErrorEntry, DeletedEntry, render_delete_request, render_delete_result,
};
use crate::api::validate_key;
use crate::backend::{ProxyBackend, s3_xml};
use crate::middleware::DispatchContext;
use crate::registry::BucketRegistry;
use crate::route_handler::ProxyResponse;

/// A key cleared for deletion, in both key spaces.
struct Cleared {
    client: ObjectToDelete,
    backend_key: String,
}

impl<B: ProxyBackend, R: BucketRegistry> Dispatcher<'_, B, R> {
    pub(crate) async fn delete_objects(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget,
        payload: Payload<B::Body>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let document = self.read_small_body(ctx, payload).await?;
        let request = parse_delete(&document)?;
        let mut deleted = Vec::new();
        let mut errors = Vec::new();
        let mut cleared = Vec::new();
        for object in request.objects {
            match self.clear_for_deletion(ctx, target, &object) {
                Ok(Some(backend_key)) => cleared.push(Cleared {
                    client: object,
                    backend_key,
                }),
                // Outside the bucket's visible keys: nothing to delete, which S3 reports
                // as deleted.
                Ok(None) => deleted.push(deleted_entry(object)),
                Err(error) => errors.push(DeleteErrorEntry::from_error(
                    object.key,
                    object.version_id,
                    &error,
                )),
            }
        }
        match &target.backend {
            Backend::S3(s3) if !cleared.is_empty() => {
                let objects: Vec<ObjectToDelete> = cleared
                    .iter()
                    .map(|c| ObjectToDelete {
                        key: c.backend_key.clone(),
                        version_id: c.client.version_id.clone(),
                    })
                    .collect();
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
                let response = self.s3_call(s3, call, body.into()).await?;
                let (backend_deleted, backend_errors) =
                    s3_xml::parse_delete_result(&response.body)?;
                for mut entry in backend_deleted {
                    if let Some(key) = target.keys.to_client(&entry.key) {
                        entry.key = key;
                        deleted.push(entry);
                    }
                }
                for mut entry in backend_errors {
                    if let Some(key) = target.keys.to_client(&entry.key) {
                        entry.key = key;
                        errors.push(entry);
                    }
                }
            }
            Backend::S3(_) => {}
            Backend::Store(store) => {
                for Cleared {
                    client,
                    backend_key,
                } in cleared
                {
                    let outcome = match refuse_versions(client.version_id.as_deref()) {
                        Ok(()) => store.delete(&backend_key).await,
                        Err(error) => Err(error),
                    };
                    match outcome {
                        Ok(()) => deleted.push(deleted_entry(client)),
                        Err(error) => errors.push(DeleteErrorEntry::from_error(
                            client.key,
                            client.version_id,
                            &error,
                        )),
                    }
                }
            }
        }
        if request.quiet {
            deleted.clear();
        }
        let document = render_delete_result(&deleted, &errors);
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }

    /// Validates and authorizes one key, as a DeleteObject of its own, in the bucket the
    /// pipeline resolved once for the whole request; its backend key, or `None` when the
    /// key lies outside the bucket's visible keys.
    fn clear_for_deletion(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget,
        object: &ObjectToDelete,
    ) -> Result<Option<String>, ProxyError> {
        validate_key(&object.key)?;
        let bucket = ctx.bucket.as_ref().ok_or_else(|| {
            ProxyError::Internal("DeleteObjects reached dispatch without its bucket".into())
        })?;
        authorize_deletion(&ctx.identity, &bucket.config, object)?;
        Ok(target.keys.to_backend(&object.key))
    }
}

fn deleted_entry(object: ObjectToDelete) -> DeletedEntry {
    DeletedEntry {
        key: object.key,
        version_id: object.version_id,
        delete_marker_version_id: None,
    }
}
