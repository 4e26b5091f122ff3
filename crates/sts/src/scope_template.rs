//! `{claim}` templates in a role's scopes, filled from the token's claims.
//!
//! A scope such as `{bucket = "home", prefixes = ["users/{sub}/"]}` grants each subject its
//! own folder. A template can only ever narrow a grant: when a placeholder cannot be filled
//! safely (the claim is missing, not a string, empty, or contains `/`, `*`, `{`, `}`, `..`
//! or a control character) the whole scope is dropped rather than widened.

use multistore::config::AccessScope;
use serde_json::{Map, Value};

/// The role's scopes with every placeholder filled; scopes that cannot be filled safely
/// are left out.
pub(crate) fn resolve_scopes(
    scopes: &[AccessScope],
    claims: &Map<String, Value>,
) -> Vec<AccessScope> {
    scopes
        .iter()
        .filter_map(|scope| resolve_scope(scope, claims))
        .collect()
}

fn resolve_scope(scope: &AccessScope, claims: &Map<String, Value>) -> Option<AccessScope> {
    let resolved = AccessScope {
        bucket: fill(&scope.bucket, claims)?,
        prefixes: scope
            .prefixes
            .iter()
            .map(|prefix| fill(prefix, claims))
            .collect::<Option<Vec<_>>>()?,
        actions: scope.actions.clone(),
    };
    if resolved != *scope {
        tracing::debug!(bucket = %resolved.bucket, "filled a scope template");
    }
    Some(resolved)
}

/// `template` with each `{name}` replaced by claim `name`; `None` if any placeholder is
/// unsafe or the braces do not pair up.
fn fill(template: &str, claims: &Map<String, Value>) -> Option<String> {
    let mut filled = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return None;
        }
        filled.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find(['{', '}'])?;
        if after.as_bytes()[close] == b'{' {
            return None;
        }
        filled.push_str(safe_value(claims.get(&after[..close])?)?);
        rest = &after[close + 1..];
    }
    filled.push_str(rest);
    Some(filled)
}

/// A claim value that can go into a bucket name or key prefix without widening it.
fn safe_value(value: &Value) -> Option<&str> {
    let text = value.as_str()?;
    let unsafe_text = text.is_empty()
        || text.contains(['/', '*', '{', '}'])
        || text.contains("..")
        || text.chars().any(char::is_control);
    (!unsafe_text).then_some(text)
}

#[cfg(test)]
mod tests {
    use multistore::config::Action;
    use serde_json::json;

    use super::*;

    fn scope(bucket: &str, prefixes: &[&str]) -> AccessScope {
        AccessScope {
            bucket: bucket.into(),
            prefixes: prefixes.iter().map(|p| p.to_string()).collect(),
            actions: vec![Action::GetObject],
        }
    }

    fn claims(value: serde_json::Value) -> Map<String, Value> {
        match value {
            Value::Object(claims) => claims,
            other => panic!("{other} is not an object"),
        }
    }

    #[test]
    fn fills_placeholders_from_string_claims() {
        let claims = claims(json!({"sub": "alice", "team": "geo"}));
        let resolved = resolve_scopes(
            &[
                scope("home", &["users/{sub}/"]),
                scope("{team}-data", &["{team}/{sub}", "shared/"]),
                scope("plain", &[]),
            ],
            &claims,
        );
        assert_eq!(
            resolved,
            [
                scope("home", &["users/alice/"]),
                scope("geo-data", &["geo/alice", "shared/"]),
                scope("plain", &[]),
            ]
        );
    }

    #[test]
    fn unsafe_values_drop_the_grant() {
        for sub in [
            json!("../bob"),
            json!("a/b"),
            json!("*"),
            json!("al*"),
            json!("{sub}"),
            json!("x}"),
            json!(""),
            json!("a\nb"),
            json!(42),
            json!(["alice"]),
            json!(null),
        ] {
            let claims = claims(json!({ "sub": sub }));
            let resolved = resolve_scopes(
                &[scope("home", &["users/{sub}/"]), scope("other", &[])],
                &claims,
            );
            assert_eq!(resolved, [scope("other", &[])], "{sub}");
        }
    }

    #[test]
    fn missing_claims_and_broken_templates_drop_the_grant() {
        let claims = claims(json!({"sub": "alice"}));
        for template in [
            "users/{email}/",
            "users/{sub",
            "users/sub}/",
            "{{sub}}",
            "{}",
        ] {
            assert!(
                resolve_scopes(&[scope("home", &[template])], &claims).is_empty(),
                "{template}"
            );
        }
    }
}
