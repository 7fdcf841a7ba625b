//! ApplicationSets whose generators can be resolved from the checkout alone (list, git
//! directories, git files, and matrix/merge of those) expand into Applications. Anything else
//! (clusters, SCM providers, pull requests, plugins, a remote repository) cannot be resolved
//! offline and is reported, not guessed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::load::yaml::Node;
use crate::load::{SourceFile, normalize};

use super::app::{SourceContext, normalize_repo_url};

/// One parameter set: flat keys (`path`, `path.basename`, `path[0]`, `cluster`, …).
pub type Params = BTreeMap<String, String>;

/// Why a generator cannot be expanded offline.
#[derive(Debug, Clone)]
pub struct Unresolved {
    pub reason: String,
    /// The generator's key (e.g. `clusters`), for the finding's span.
    pub at: crate::load::yaml::Span,
}

/// Expand every generator of an ApplicationSet `spec`. `Err` if any cannot be resolved.
pub fn expand(
    spec: &Node<'_>,
    cx: &SourceContext<'_>,
    files: &[SourceFile],
) -> Result<Vec<Params>, Unresolved> {
    let mut out = Vec::new();
    for g in spec.get("generators").map(Node::items).unwrap_or(&[]) {
        out.extend(generator(g, cx, files)?);
    }
    Ok(out)
}

fn generator(
    g: &Node<'_>,
    cx: &SourceContext<'_>,
    files: &[SourceFile],
) -> Result<Vec<Params>, Unresolved> {
    let Some(entry) = g.entries().first() else {
        return Ok(Vec::new());
    };
    let kind = entry.key.str().unwrap_or("");
    let body = &entry.value;
    let unresolved = |reason: String| Unresolved {
        reason,
        at: entry.key.span,
    };
    match kind {
        "list" => Ok(body
            .get("elements")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .map(|e| {
                let mut p = Params::new();
                flatten("", e, &mut p);
                p
            })
            .collect()),
        "git" => git(body, cx, files).map_err(unresolved),
        "matrix" | "merge" => {
            let children: Vec<Vec<Params>> = body
                .get("generators")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .map(|c| generator(c, cx, files))
                .collect::<Result<_, _>>()?;
            if kind == "matrix" {
                Ok(children.into_iter().fold(vec![Params::new()], |acc, set| {
                    acc.iter()
                        .flat_map(|a| {
                            set.iter().map(move |b| {
                                let mut m = a.clone();
                                m.extend(b.clone());
                                m
                            })
                        })
                        .collect()
                }))
            } else {
                let keys: Vec<&str> = body
                    .get("mergeKeys")
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(Node::str)
                    .collect();
                let mut it = children.into_iter();
                let mut base = it.next().unwrap_or_default();
                for set in it {
                    for b in &mut base {
                        if let Some(o) = set
                            .iter()
                            .find(|o| keys.iter().all(|k| o.get(*k) == b.get(*k)))
                        {
                            b.extend(o.clone());
                        }
                    }
                }
                Ok(base)
            }
        }
        other => Err(unresolved(format!(
            "the `{other}` generator needs a live cluster or an external service"
        ))),
    }
}

/// Nested element values become dotted keys (`values.env`), as Argo CD exposes them.
fn flatten(prefix: &str, n: &Node<'_>, out: &mut Params) {
    match n.entries() {
        [] => {
            if let Some(s) = n.str() {
                out.insert(prefix.to_string(), s.to_string());
            }
        }
        entries => {
            for e in entries {
                let Some(k) = e.key.str() else { continue };
                let key = if prefix.is_empty() {
                    k.to_string()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, &e.value, out);
            }
        }
    }
}

/// The path parameters of a directory (relative to the repository root).
fn path_params(rel: &str, out: &mut Params) {
    let base = rel.rsplit('/').next().unwrap_or(rel);
    out.insert("path".into(), rel.into());
    out.insert("path.path".into(), rel.into());
    out.insert("path.basename".into(), base.into());
    out.insert(
        "path.basenameNormalized".into(),
        base.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect(),
    );
    for (i, seg) in rel.split('/').enumerate() {
        out.insert(format!("path[{i}]"), seg.into());
        out.insert(format!("path.segments[{i}]"), seg.into());
    }
}

fn git(
    body: &Node<'_>,
    cx: &SourceContext<'_>,
    files: &[SourceFile],
) -> Result<Vec<Params>, String> {
    let url = body.get("repoURL").and_then(Node::str).unwrap_or("");
    if !cx.repo_urls.is_empty() && !cx.repo_urls.contains(&normalize_repo_url(url)) {
        return Err(format!(
            "the git generator reads `{url}`, which is not this repository"
        ));
    }
    let Some(root) = cx.repo_roots.first() else {
        return Ok(Vec::new());
    };
    let rel = |p: &Path| -> Option<String> {
        p.strip_prefix(root)
            .ok()
            .map(|r| r.to_string_lossy().replace('\\', "/"))
    };
    let mut out = Vec::new();
    if let Some(dirs) = body.get("directories") {
        let mut include = Vec::new();
        let mut exclude = Vec::new();
        for d in dirs.items() {
            let Some(p) = d.get("path").and_then(Node::str) else {
                continue;
            };
            if d.get("exclude").and_then(Node::as_bool) == Some(true) {
                exclude.push(p.to_string());
            } else {
                include.push(p.to_string());
            }
        }
        let listing = cx
            .dirs
            .borrow_mut()
            .entry(root.clone())
            .or_insert_with(|| std::rc::Rc::new(directories(root)))
            .clone();
        for dir in listing.iter() {
            let Some(r) = rel(dir) else { continue };
            if include.iter().any(|g| path_match(g, &r))
                && !exclude.iter().any(|g| path_match(g, &r))
            {
                let mut p = Params::new();
                path_params(&r, &mut p);
                out.push(p);
            }
        }
    }
    if let Some(list) = body.get("files") {
        for f in list.items() {
            let Some(glob) = f.get("path").and_then(Node::str) else {
                continue;
            };
            for sf in files {
                let Some(r) = rel(&sf.path) else { continue };
                if !path_match(glob, &r) {
                    continue;
                }
                let parsed = crate::load::yaml::parse(&sf.text);
                for doc in &parsed.docs {
                    let mut p = Params::new();
                    flatten("", &doc.root, &mut p);
                    let dir = r.rsplit_once('/').map_or("", |(d, _)| d);
                    path_params(dir, &mut p);
                    p.insert(
                        "path.filename".into(),
                        r.rsplit('/').next().unwrap_or(&r).into(),
                    );
                    out.push(p);
                }
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Every directory under `root` (not hidden), sorted.
fn directories(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                let p = normalize(&e.path());
                out.push(p.clone());
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Go's `path.Match`: `*` and `?` stop at `/`; `**` as a segment matches any depth (as the git
/// generator's doublestar option does).
pub fn path_match(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.trim_start_matches("./").split('/').collect();
    let s: Vec<&str> = path.split('/').collect();
    match_segments(&p, &s)
}

fn match_segments(p: &[&str], s: &[&str]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(&"**"), _) => (0..=s.len()).any(|i| match_segments(&p[1..], &s[i..])),
        (Some(seg), Some(name)) => {
            super::app::glob_alternatives(seg, name) && match_segments(&p[1..], &s[1..])
        }
        _ => false,
    }
}

/// Fill `{{ key }}` (fasttemplate) and `{{ .key }}` (goTemplate) placeholders. Unknown keys and
/// pipelines are left as written.
pub fn substitute(template: &str, params: &Params) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = rest[start + 2..start + end]
            .trim()
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim();
        let key = inner.trim_start_matches('.');
        match params.get(key) {
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[start..start + end + 2]),
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_globs_like_go() {
        assert!(path_match("apps/*", "apps/web"));
        assert!(!path_match("apps/*", "apps/web/x"));
        assert!(path_match("apps/**", "apps/web/x"));
        assert!(path_match(
            "clusters/*/config.json",
            "clusters/a/config.json"
        ));
    }

    #[test]
    fn templates_both_syntaxes() {
        let mut p = Params::new();
        path_params("apps/web", &mut p);
        p.insert("cluster".into(), "prod".into());
        assert_eq!(
            substitute("{{path.basename}}-{{ cluster }}", &p),
            "web-prod"
        );
        assert_eq!(substitute("{{.path.path}}", &p), "apps/web");
        assert_eq!(
            substitute("{{ .path.basename | upper }}", &p),
            "{{ .path.basename | upper }}"
        );
    }
}
