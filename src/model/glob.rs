//! The glob dialects Argo CD uses, each compiled once to a regular expression (linear-time
//! matching, so `{a,b}` groups and `**` runs cannot blow up) and cached:
//!
//! - gobwas/glob (`util/glob.Match`): Directory `include`/`exclude`, `ignoreDifferences`
//!   group/kind, AppProject destinations and source repositories, sync-window targets;
//! - Go's `path/filepath.Match`: AppProject resource white/blacklists;
//! - doublestar (`**` spans directories): ApplicationSet git generator paths.
//!
//! A pattern that does not compile matches nothing, as in the engine.

use foldhash::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Dialect {
    /// gobwas/glob; `*` stops at the separator when there is one.
    Gobwas(Option<char>),
    /// Go `path/filepath.Match`: `*` and `?` stop at `/`; `[^…]` negates.
    Filepath,
    /// doublestar: `*` stops at `/`, a `**` segment spans any number of directories.
    Doublestar,
}

/// The largest compiled pattern accepted; bigger ones match nothing (hostile input).
const SIZE_LIMIT: usize = 1 << 20;

pub fn matches(dialect: Dialect, pattern: &str, value: &str) -> bool {
    compiled(dialect, pattern).is_some_and(|re| re.is_match(value))
}

/// Is this a valid pattern of the dialect?
pub fn valid(dialect: Dialect, pattern: &str) -> bool {
    compiled(dialect, pattern).is_some()
}

type Cache = Mutex<HashMap<(Dialect, String), Option<Arc<regex::Regex>>>>;

fn compiled(dialect: Dialect, pattern: &str) -> Option<Arc<regex::Regex>> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (dialect, pattern.to_string());
    if let Some(hit) = cache.lock().ok()?.get(&key) {
        return hit.clone();
    }
    let re = translate(dialect, pattern).and_then(|src| {
        regex::RegexBuilder::new(&src)
            .size_limit(SIZE_LIMIT)
            .dfa_size_limit(SIZE_LIMIT)
            .build()
            .ok()
            .map(Arc::new)
    });
    if let Ok(mut c) = cache.lock() {
        // Patterns come from the tree; keep the cache bounded.
        if c.len() > 4096 {
            c.clear();
        }
        c.insert(key, re.clone());
    }
    re
}

/// The regular expression for a pattern, or `None` when the pattern is malformed.
fn translate(dialect: Dialect, pattern: &str) -> Option<String> {
    let sep = match dialect {
        Dialect::Gobwas(s) => s,
        Dialect::Filepath | Dialect::Doublestar => Some('/'),
    };
    let any_but_sep = |out: &mut String| match sep {
        Some(c) => {
            out.push_str("[^");
            push_escaped_in_class(out, c);
            out.push(']');
        }
        None => out.push_str("(?s:.)"),
    };
    let p: Vec<char> = pattern.chars().collect();
    let mut out = String::from("^(?s:");
    // Depth of open `{` groups (gobwas and doublestar only).
    let mut braces = 0usize;
    let mut i = 0;
    while i < p.len() {
        let c = p[i];
        match c {
            '\\' => {
                let e = *p.get(i + 1)?;
                push_escaped(&mut out, e);
                i += 2;
                continue;
            }
            '*' => {
                let stars = p[i..].iter().take_while(|&&c| c == '*').count();
                match dialect {
                    Dialect::Doublestar if stars >= 2 => {
                        // `a/**/b` matches `a/b` too: the segment with its slash is optional.
                        let seg_start = i == 0 || p[i - 1] == '/';
                        let seg_end = p.get(i + stars).is_none_or(|&n| n == '/');
                        if seg_start && seg_end && p.get(i + stars) == Some(&'/') {
                            out.push_str("(?:.*/)?");
                            i += stars + 1;
                        } else {
                            out.push_str(".*");
                            i += stars;
                        }
                    }
                    Dialect::Gobwas(_) if stars >= 2 => {
                        out.push_str(".*");
                        i += stars;
                    }
                    _ => {
                        any_but_sep(&mut out);
                        out.push('*');
                        i += stars;
                    }
                }
                continue;
            }
            '?' => any_but_sep(&mut out),
            '[' => {
                let neg = match dialect {
                    Dialect::Gobwas(_) => p.get(i + 1) == Some(&'!'),
                    Dialect::Filepath => p.get(i + 1) == Some(&'^'),
                    Dialect::Doublestar => matches!(p.get(i + 1), Some('!' | '^')),
                };
                let mut j = i + 1 + usize::from(neg);
                let mut class = String::from(if neg { "[^" } else { "[" });
                let mut items = 0;
                loop {
                    let c = *p.get(j)?;
                    if c == ']' && items > 0 {
                        j += 1;
                        break;
                    }
                    let mut lo = c;
                    if c == '\\' {
                        lo = *p.get(j + 1)?;
                        j += 1;
                    } else if c == ']' || (c == '-' && dialect == Dialect::Filepath) {
                        return None;
                    }
                    j += 1;
                    push_escaped_in_class(&mut class, lo);
                    if p.get(j) == Some(&'-') && p.get(j + 1).is_some_and(|&c| c != ']') {
                        let mut hi = p[j + 1];
                        j += 2;
                        if hi == '\\' {
                            hi = *p.get(j)?;
                            j += 1;
                        }
                        if hi < lo {
                            return None;
                        }
                        class.push('-');
                        push_escaped_in_class(&mut class, hi);
                    }
                    items += 1;
                }
                if neg && let Some(s) = sep {
                    // A negated class never matches the separator.
                    push_escaped_in_class(&mut class, s);
                }
                class.push(']');
                out.push_str(&class);
                i = j;
                continue;
            }
            '{' if dialect != Dialect::Filepath => {
                braces += 1;
                out.push_str("(?:");
            }
            '}' if braces > 0 => {
                braces -= 1;
                out.push(')');
            }
            ',' if braces > 0 => out.push('|'),
            c => push_escaped(&mut out, c),
        }
        i += 1;
    }
    if braces > 0 {
        return None;
    }
    out.push_str(")$");
    Some(out)
}

fn push_escaped(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    out.push_str(&regex::escape(c.encode_utf8(&mut buf)));
}

fn push_escaped_in_class(out: &mut String, c: char) {
    if matches!(c, '\\' | ']' | '[' | '^' | '-' | '&' | '~') {
        out.push('\\');
    }
    out.push(c);
}

#[cfg(test)]
mod tests {
    use super::Dialect::*;
    use super::*;

    #[test]
    fn gobwas_globs() {
        let g = |p: &str, v: &str, sep| matches(Gobwas(sep), p, v);
        assert!(g("*", "a/b", None));
        assert!(g("*", "", None));
        assert!(g("", "", None));
        assert!(!g("", "apps", None));
        assert!(g("Deploy*", "Deployment", None));
        assert!(!g(
            "https://github.com/org/*",
            "https://github.com/org/a/b",
            Some('/')
        ));
        assert!(g(
            "https://github.com/org/**",
            "https://github.com/org/a/b",
            Some('/')
        ));
        assert!(g("team-{a,b}", "team-b", None));
        assert!(!g("team-{a,b}", "team-c", None));
        assert!(g("[!k]*", "web", None));
        assert!(!g("[!k]*", "kube-system", None));
        assert!(g("team-?", "team-x", None));
        assert!(!g("{a,b", "a", None));
        assert!(g("*.{yaml,yml}", "dir/x.yml", None));
        assert!(g("a.b", "a.b", None));
        assert!(!g("a.b", "axb", None));
    }

    #[test]
    fn filepath_globs() {
        let f = |p: &str, v: &str| matches(Filepath, p, v);
        assert!(f("*", "Deployment"));
        assert!(f("", ""));
        assert!(!f("", "apps"));
        assert!(f("*.k8s.io", "networking.k8s.io"));
        assert!(!f("*", "a/b"));
        assert!(f("Cluster?ole", "ClusterRole"));
        assert!(f("[A-Z]*", "Namespace"));
        assert!(!f("[^A-Z]*", "Namespace"));
        assert!(f("\\*", "*"));
        assert!(!f("[", "["));
        assert!(!f("[]", "a"));
        assert!(f("{a,b}", "{a,b}"));
    }

    #[test]
    fn doublestar_paths() {
        let d = |p: &str, v: &str| matches(Doublestar, p, v);
        assert!(d("apps/*", "apps/web"));
        assert!(!d("apps/*", "apps/web/x"));
        assert!(d("apps/**", "apps/web/x"));
        assert!(d("apps/**/config.json", "apps/config.json"));
        assert!(d("apps/**/config.json", "apps/a/b/config.json"));
        assert!(d("clusters/*/config.json", "clusters/a/config.json"));
        assert!(d("{apps,infra}/*", "infra/x"));
    }

    #[test]
    fn hostile_patterns_stay_linear() {
        let groups = "{a,b}".repeat(26);
        let t = std::time::Instant::now();
        assert!(!matches(Gobwas(None), &groups, &"a".repeat(27)));
        let stars = "**/".repeat(22) + "x";
        assert!(!matches(Doublestar, &stars, &"d/".repeat(40)));
        assert!(t.elapsed() < std::time::Duration::from_secs(2));
    }
}
