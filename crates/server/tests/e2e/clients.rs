//! `object_store`'s S3 client (the one behind obstore) pointed at the gateway.

use std::time::Duration;

use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::{BackoffConfig, RetryConfig};

use crate::harness::{Harness, Key};

impl Harness {
    /// An S3 client for this run's data bucket, signing with `key`.
    pub(crate) fn store(&self, key: Key) -> AmazonS3 {
        self.store_for(self.bucket(), key)
    }

    /// An S3 client for `bucket`, signing with `key`. Retries are off: every failure a
    /// test provokes must show at once.
    pub(crate) fn store_for(&self, bucket: &str, key: Key) -> AmazonS3 {
        AmazonS3Builder::new()
            .with_endpoint(self.endpoint())
            .with_allow_http(true)
            .with_virtual_hosted_style_request(false)
            .with_region("us-east-1")
            .with_bucket_name(bucket)
            .with_access_key_id(key.id)
            .with_secret_access_key(key.secret)
            .with_retry(RetryConfig {
                backoff: BackoffConfig::default(),
                max_retries: 0,
                retry_timeout: Duration::from_secs(10),
            })
            .build()
            .expect("S3 client")
    }
}
