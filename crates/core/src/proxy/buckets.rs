//! ListBuckets, HeadBucket and GetBucketLocation, answered by the gateway itself, and
//! GetBucketVersioning, which only an S3 backend can answer for its bucket.

use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode};

use super::authorization::visible_buckets;
use super::dispatch::{Dispatcher, S3Call};
use super::response::GatewayResponse;
use super::target::{Backend, BucketTarget};
use crate::ProxyError;
use crate::api::response::{
    BucketVersioning, render_bucket_versioning, render_list_buckets, render_location_constraint,
};
use crate::backend::{ProxyBackend, s3_xml};
use crate::config::DEFAULT_REGION;
use crate::middleware::DispatchContext;
use crate::registry::{BucketRegistry, DEFAULT_BUCKET_OWNER};
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

    /// The backend bucket's versioning state; a store bucket keeps no versions, as a bucket
    /// whose versioning was never enabled.
    pub(crate) async fn bucket_versioning(
        &self,
        target: &BucketTarget,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let versioning = match &target.backend {
            Backend::S3(s3) => {
                let call = S3Call::new(Method::GET, None).query("versioning", "");
                let response = self.s3_call(s3, call, Bytes::new()).await?;
                s3_xml::parse_bucket_versioning(&response.body)?
            }
            Backend::Store(_) => BucketVersioning::default(),
        };
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
