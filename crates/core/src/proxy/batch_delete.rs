//! DeleteObjects: up to 1,000 keys in one request, each authorized on its own, with
//! partial results.

use http::StatusCode;

use super::authorization::authorize_deletion;
use super::dispatch::{Dispatcher, Payload};
use crate::ProxyError;
use crate::api::request_body::{ObjectToDelete, parse_delete};
use crate::api::response::{DeleteErrorEntry, DeletedEntry, render_delete_result};
use crate::api::validate_key;
use crate::backend::ProxyBackend;
use crate::bucket::BucketTarget;
use crate::middleware::DispatchContext;
use crate::registry::BucketRegistry;
use crate::response::GatewayResponse;
use crate::route_handler::ProxyResponse;

impl<B: ProxyBackend, R: BucketRegistry> Dispatcher<'_, B, R> {
    pub(crate) async fn delete_objects(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget<B::Body>,
        payload: Payload<B::Body>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let document = self.read_small_body(ctx, payload).await?;
        let request = parse_delete(&document)?;
        let mut deleted = Vec::new();
        let mut errors = Vec::new();
        let mut cleared = Vec::new();
        for object in request.objects {
            match self.clear_for_deletion(ctx, target, &object) {
                Ok(Some(backend_key)) => cleared.push(ObjectToDelete {
                    key: backend_key,
                    version_id: object.version_id,
                }),
                // Outside the bucket's visible keys: nothing to delete, which S3 reports
                // as deleted.
                Ok(None) => deleted.push(DeletedEntry::from(object)),
                Err(error) => errors.push(DeleteErrorEntry::from_error(
                    object.key,
                    object.version_id,
                    &error,
                )),
            }
        }
        let outcome = target.backend.delete_many(cleared).await?;
        deleted.extend(outcome.deleted.into_iter().filter_map(|mut entry| {
            entry.key = target.keys.to_client(&entry.key)?;
            Some(entry)
        }));
        errors.extend(outcome.errors.into_iter().filter_map(|mut entry| {
            entry.key = target.keys.to_client(&entry.key)?;
            Some(entry)
        }));
        if request.quiet {
            deleted.clear();
        }
        let document = render_delete_result(&deleted, &errors);
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }

    /// Validates and authorizes one key, as a DeleteObject of its own; its backend key, or
    /// `None` when the key lies outside the bucket's visible keys.
    fn clear_for_deletion(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget<B::Body>,
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
