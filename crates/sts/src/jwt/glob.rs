//! Subject globs: `*` matches any run of characters (`/` and `:` included); everything
//! else matches itself.

/// Whether `text` matches `pattern` as a whole.
///
/// The classic two-pointer match with backtracking to the last `*`: O(pattern × text) in
/// the worst case, never exponential.
pub(crate) fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == '*' {
            backtrack = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((star, matched)) = backtrack {
            p = star + 1;
            t = matched + 1;
            backtrack = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob_matches;

    #[test]
    fn literal_patterns_match_exactly() {
        assert!(glob_matches("repo:a/b", "repo:a/b"));
        assert!(!glob_matches("repo:a/b", "repo:a/bc"));
        assert!(!glob_matches("repo:a/b", "repo:a/"));
        assert!(glob_matches("", ""));
        assert!(!glob_matches("", "x"));
    }

    #[test]
    fn star_matches_any_run() {
        assert!(glob_matches("*", ""));
        assert!(glob_matches("*", "anything/at:all"));
        assert!(glob_matches(
            "repo:example/*",
            "repo:example/data:ref:refs/heads/main"
        ));
        assert!(!glob_matches("repo:example/*", "repo:other/data"));
        assert!(glob_matches(
            "repo:*:ref:refs/heads/main",
            "repo:a/b:ref:refs/heads/main"
        ));
        assert!(!glob_matches(
            "repo:*:ref:refs/heads/main",
            "repo:a/b:ref:refs/heads/dev"
        ));
        assert!(glob_matches("a*b*c", "aXXbYYbZc"));
        assert!(!glob_matches("a*b*c", "aXXbYY"));
    }

    #[test]
    fn other_glob_characters_are_literal() {
        assert!(!glob_matches("user?", "users"));
        assert!(glob_matches("user?", "user?"));
        assert!(!glob_matches("[ab]", "a"));
    }

    #[test]
    fn pathological_patterns_stay_fast() {
        let text = "a".repeat(255);
        assert!(!glob_matches(&format!("{}b", "*a".repeat(50)), &text));
    }
}
