//! Checks that span the whole configuration: names that must be unique, references that
//! must resolve, and values the types alone cannot constrain.

use std::collections::HashMap;

use multistore::config::{
    AccessScope, BackendOptionsError, BucketConfig, RoleConfig, StoredCredential, validate_backend,
};

use crate::document::Path;

/// The shortest session a role may allow, in seconds (as in AWS STS).
const MIN_SESSION_SECS: u64 = 900;
/// The longest session a role may allow, in seconds (as in AWS STS).
const MAX_SESSION_SECS: u64 = 43_200;
/// The longest bucket name accepted.
const MAX_BUCKET_NAME_LEN: usize = 255;

/// The first problem found, and the path of the value it is about.
#[derive(Debug)]
pub(crate) struct Finding {
    pub(crate) path: Path,
    pub(crate) message: String,
    pub(crate) source: Option<BackendOptionsError>,
}

impl Finding {
    fn new(path: Path, message: String) -> Self {
        Self {
            path,
            message,
            source: None,
        }
    }
}

/// Checks a configuration; problems are looked for in the order buckets, roles, credentials.
pub(crate) fn validate(
    buckets: &[BucketConfig],
    roles: &[RoleConfig],
    credentials: &[StoredCredential],
) -> Result<(), Finding> {
    check_buckets(buckets, roles)?;
    check_roles(roles, buckets)?;
    check_credentials(credentials, buckets)
}

fn check_buckets(buckets: &[BucketConfig], roles: &[RoleConfig]) -> Result<(), Finding> {
    let mut names = FirstUse::new("buckets");
    for (index, bucket) in buckets.iter().enumerate() {
        let path = Path::default().field("buckets").index(index);
        if !is_valid_bucket_name(&bucket.name) {
            return Err(Finding::new(
                path.field("name"),
                format!(
                    "bucket name {:?} is not valid: use 1 to {MAX_BUCKET_NAME_LEN} letters, digits, `.`, `-` and `_`",
                    bucket.name
                ),
            ));
        }
        names.claim(&bucket.name, index, path.field("name"), "bucket name")?;
        validate_backend(bucket).map_err(|error| {
            let options = path.field("backend_options");
            Finding {
                path: match error.option() {
                    Some(option) => options.field(option),
                    None => options,
                },
                message: error.to_string(),
                source: Some(error),
            }
        })?;
        for (role_index, role_id) in bucket.allowed_roles.iter().enumerate() {
            if !roles.iter().any(|role| &role.role_id == role_id) {
                return Err(Finding::new(
                    path.field("allowed_roles").index(role_index),
                    format!("no role has role_id `{role_id}`"),
                ));
            }
        }
    }
    Ok(())
}

fn check_roles(roles: &[RoleConfig], buckets: &[BucketConfig]) -> Result<(), Finding> {
    let mut ids = FirstUse::new("roles");
    for (index, role) in roles.iter().enumerate() {
        let path = Path::default().field("roles").index(index);
        if role.role_id.is_empty() {
            return Err(Finding::new(
                path.field("role_id"),
                "role_id is empty".into(),
            ));
        }
        ids.claim(&role.role_id, index, path.field("role_id"), "role_id")?;
        if role.trusted_oidc_issuers.is_empty() {
            return Err(Finding::new(
                path.field("trusted_oidc_issuers"),
                format!(
                    "role `{}` trusts no OIDC issuer, so no one could assume it; list at least one",
                    role.role_id
                ),
            ));
        }
        let duration = role.max_session_duration_secs;
        if !(MIN_SESSION_SECS..=MAX_SESSION_SECS).contains(&duration) {
            return Err(Finding::new(
                path.field("max_session_duration_secs"),
                format!(
                    "max_session_duration_secs is {duration}; it must be between {MIN_SESSION_SECS} and {MAX_SESSION_SECS} (15 minutes to 12 hours)"
                ),
            ));
        }
        // A role's bucket may be a `{claim}` template, known only once a token is presented.
        check_scopes(&role.allowed_scopes, buckets, &path, |bucket| {
            bucket.contains('{')
        })?;
    }
    Ok(())
}

fn check_credentials(
    credentials: &[StoredCredential],
    buckets: &[BucketConfig],
) -> Result<(), Finding> {
    let mut ids = FirstUse::new("credentials");
    for (index, credential) in credentials.iter().enumerate() {
        let path = Path::default().field("credentials").index(index);
        if credential.access_key_id.is_empty() {
            return Err(Finding::new(
                path.field("access_key_id"),
                "access_key_id is empty".into(),
            ));
        }
        ids.claim(
            &credential.access_key_id,
            index,
            path.field("access_key_id"),
            "access_key_id",
        )?;
        if credential.secret_access_key.is_empty() {
            return Err(Finding::new(
                path.field("secret_access_key"),
                format!(
                    "the secret_access_key of `{}` is empty",
                    credential.access_key_id
                ),
            ));
        }
        check_scopes(&credential.allowed_scopes, buckets, &path, |_| false)?;
    }
    Ok(())
}

/// Every scope must name a defined bucket, `*`, or a bucket `is_template` accepts.
fn check_scopes(
    scopes: &[AccessScope],
    buckets: &[BucketConfig],
    owner: &Path,
    is_template: impl Fn(&str) -> bool,
) -> Result<(), Finding> {
    for (index, scope) in scopes.iter().enumerate() {
        let known = scope.bucket == "*"
            || is_template(&scope.bucket)
            || buckets.iter().any(|bucket| bucket.name == scope.bucket);
        if !known {
            return Err(Finding::new(
                owner.field("allowed_scopes").index(index).field("bucket"),
                format!(
                    "no bucket is named `{}` (use `*` for every bucket)",
                    scope.bucket
                ),
            ));
        }
    }
    Ok(())
}

fn is_valid_bucket_name(name: &str) -> bool {
    (1..=MAX_BUCKET_NAME_LEN).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// Remembers where each identifier was first used, to report duplicates.
struct FirstUse<'a> {
    section: &'static str,
    seen: HashMap<&'a str, usize>,
}

impl<'a> FirstUse<'a> {
    fn new(section: &'static str) -> Self {
        Self {
            section,
            seen: HashMap::new(),
        }
    }

    /// Records `id` for entry `index`, or fails at `path` if an earlier entry has it.
    fn claim(&mut self, id: &'a str, index: usize, path: Path, what: &str) -> Result<(), Finding> {
        match self.seen.insert(id, index) {
            Some(first) => Err(Finding::new(
                path,
                format!("{what} `{id}` is already used by {}[{first}]", self.section),
            )),
            None => Ok(()),
        }
    }
}
