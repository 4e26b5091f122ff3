//! ListBuckets, HeadBucket and GetBucketLocation, answered by the gateway itself, and
//! GetBucketVersioning, which the bucket's backend answers.

use http::{HeaderValue, StatusCode};

use super::authorization::visible_buckets;
use super::dispatch::Dispatcher;
use crate::ProxyError;
use crate::api::response::{
    render_bucket_versioning, render_list_buckets, render_location_constraint,
};
use crate::backend::ProxyBackend;
use crate::bucket::BucketTarget;
use crate::config::DEFAULT_REGION;
use crate::middleware::DispatchContext;
use crate::registry::{BucketRegistry, DEFAULT_BUCKET_OWNER};
use crate::response::GatewayResponse;
use crate::route_handler::ProxyResponse;

impl<B: ProxyBackend, R: BucketRegistry> Dispatcher<'_, B, R> {
    pub(crate) async fn list_buckets(
        &self,
        ctx: &DispatchContext,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let buckets = visible_buckets(self.buckets, &ctx.identity).await?;
        let document = render_list_buckets(&DEFAULT_BUCKET_OWNER, &buckets);
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }

    pub(crate) fn head_bucket(&self) -> GatewayResponse<B::Body> {
        let mut response = ProxyResponse::empty(StatusCode::OK);
        if let Ok(region) = HeaderValue::from_str(self.region()) {
            response.headers.insert("x-amz-bucket-region", region);
        }
        GatewayResponse::Response(response)
    }

    pub(crate) fn bucket_location(&self) -> GatewayResponse<B::Body> {
        let document = render_location_constraint(self.region());
        GatewayResponse::Response(ProxyResponse::xml(StatusCode::OK, document))
    }

    /// The backend bucket's versioning state.
    pub(crate) async fn bucket_versioning(
        &self,
        target: &BucketTarget<B::Body>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let versioning = target.backend.versioning().await?;
        let document = render_bucket_versioning(&versioning);
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }

    fn region(&self) -> &str {
        self.settings.region.as_deref().unwrap_or(DEFAULT_REGION)
    }
}
