//! Documents an S3 backend answers with: a hostile or broken backend must not crash the
//! gateway.
#![no_main]

use http::StatusCode;
use libfuzzer_sys::fuzz_target;
use multistore::backend::s3_xml;

fuzz_target!(|data: &[u8]| {
    let _ = s3_xml::parse_list_objects_v2(data);
    let _ = s3_xml::parse_list_versions(data);
    let _ = s3_xml::parse_bucket_versioning(data);
    let _ = s3_xml::parse_list_parts(data);
    let _ = s3_xml::parse_list_multipart_uploads(data);
    let _ = s3_xml::parse_delete_result(data);
    let _ = s3_xml::parse_complete_multipart_upload(data);
    let _ = s3_xml::backend_error(StatusCode::BAD_REQUEST, data);
});
