//! ApplicationSets whose generators can be resolved from the checkout alone (list, git
//! directories, git files, and matrix/merge of those) expand into Applications. Anything else
//! (clusters, SCM providers, pull requests, plugins, a remote repository) cannot be resolved
//! offline and is reported, not guessed.

use std::collections::BTreeMap;
use std::path::Path;

use crate::load::FileClass;
use crate::load::yaml::{Node, Span};

use super::app::SourceContext;
use super::glob::{self, Dialect};
use super::repo::normalize_url;

/// One parameter set: flat keys (`path`, `path.basename`, `path[0]`, `cluster`, …).
pub type Params = BTreeMap<String, String>;

/// Why a generator cannot be expanded offline.
#[derive(Debug, Clone)]
pub struct Unresolved {
    pub reason: String,
    /// The generator's key (e.g. `clusters`), for the finding's span.
    pub at: crate::load::yaml::Span,
}

/// Expand every generator of an ApplicationSet `spec`. `Err` if any cannot be resolved, or if
/// it would generate more than `limit` Applications.
pub fn expand(
    spec: &Node<'_>,
    cx: &SourceContext<'_>,
    limit: usize,
) -> Result<Vec<Params>, Unresolved> {
    let go = spec.get("goTemplate").and_then(Node::as_bool) == Some(true);
    let mut out = Vec::new();
    for g in spec.get("generators").map(Node::items).unwrap_or(&[]) {
        out.extend(generator(g, cx, limit, go, &Params::new())?);
        if out.len() > limit {
            return Err(too_many(g, limit));
        }
    }
    Ok(out)
}

fn too_many(g: &Node<'_>, limit: usize) -> Unresolved {
    Unresolved {
        reason: format!(
            "its generators produce more than {limit} Applications (`limits.generated-apps`)"
        ),
        at: g.entries().first().map_or(g.span, |e| e.key.span),
    }
}

/// The parameter sets of one generator. `outer` holds the parameters of the matrix element
/// this generator is evaluated for (empty at the top): Argo CD fills them into the generator's
/// fields first (`InterpolateGenerator`), so a second child can read the first's `path`.
fn generator(
    g: &Node<'_>,
    cx: &SourceContext<'_>,
    limit: usize,
    go: bool,
    outer: &Params,
) -> Result<Vec<Params>, Unresolved> {
    let fill = |s: &str| -> String {
        if outer.is_empty() {
            s.to_string()
        } else {
            substitute(s, outer)
        }
    };
    let Some(entry) = g.entries().first() else {
        return Ok(Vec::new());
    };
    let kind = entry.key.str().unwrap_or("");
    let body = &entry.value;
    let unresolved = |reason: String| Unresolved {
        reason,
        at: entry.key.span,
    };
    // `values:` of a leaf generator: templates over its own parameters, exposed as
    // `values.<key>` (Argo CD's `appendTemplatedValues`).
    let with_values = |mut sets: Vec<Params>| {
        if let Some(values) = body.get("values").filter(|v| v.is_map()) {
            for p in &mut sets {
                let filled: Vec<(String, String)> = values
                    .entries()
                    .iter()
                    .filter_map(|e| Some((e.key.str()?, e.value.str()?)))
                    .map(|(k, v)| (format!("values.{k}"), substitute(v, p)))
                    .collect();
                p.extend(filled);
            }
        }
        sets
    };
    match kind {
        "list" => {
            let elements = body.get("elements").map(Node::items).unwrap_or(&[]);
            // Each element is unmarshalled into a map: anything else fails the generator.
            if let Some(bad) = elements.iter().find(|e| !e.is_map()) {
                return Err(Unresolved {
                    reason: "a list element is not a mapping: Argo CD's list generator fails on it, and the ApplicationSet generates no Applications".into(),
                    at: bad.span,
                });
            }
            Ok(with_values(
                elements
                    .iter()
                    .map(|e| {
                        let mut p = Params::new();
                        flatten("", e, &mut p);
                        if !outer.is_empty() {
                            p.values_mut().for_each(|v| *v = fill(v));
                        }
                        p
                    })
                    .collect(),
            ))
        }
        "git" => git(body, cx, &fill).map(with_values).map_err(unresolved),
        "matrix" => {
            // Each child after the first is evaluated once per element so far, with that
            // element's parameters filled in. With goTemplate the earlier child's values win
            // (`mergo.Merge` of the first over the second).
            let mut acc = vec![outer.clone()];
            for c in body.get("generators").map(Node::items).unwrap_or(&[]) {
                // A child that reads no parameter is the same for every element: once.
                let fixed = (!templated(c))
                    .then(|| generator(c, cx, limit, go, outer))
                    .transpose()?;
                let mut next = Vec::new();
                for a in &acc {
                    let sets = match &fixed {
                        Some(s) => s.clone(),
                        None => generator(c, cx, limit, go, a)?,
                    };
                    for b in sets {
                        let mut m = b;
                        if go {
                            m.extend(a.iter().map(|(k, v)| (k.clone(), v.clone())));
                        } else {
                            let mut a = a.clone();
                            a.extend(m);
                            m = a;
                        }
                        next.push(m);
                        if next.len() > limit {
                            return Err(too_many(g, limit));
                        }
                    }
                }
                acc = next;
            }
            Ok(acc)
        }
        "merge" => {
            let children: Vec<Vec<Params>> = body
                .get("generators")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .map(|c| generator(c, cx, limit, go, outer))
                .collect::<Result<_, _>>()?;
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
        other => Err(unresolved(format!(
            "the `{other}` generator needs a live cluster or an external service"
        ))),
    }
}

/// Does any string in this generator hold a template expression?
fn templated(n: &Node<'_>) -> bool {
    n.str().is_some_and(|s| s.contains("{{"))
        || n.items().iter().any(templated)
        || n.entries().iter().any(|e| templated(&e.value))
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
    fill: &dyn Fn(&str) -> String,
) -> Result<Vec<Params>, String> {
    let url = fill(body.get("repoURL").and_then(Node::str).unwrap_or(""));
    let url = url.as_str();
    let repo_urls = &cx.ws.repo_urls;
    if !repo_urls.is_empty() && !repo_urls.contains(&normalize_url(url)) {
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
            let Some(p) = d.get("path").and_then(Node::str).map(fill) else {
                continue;
            };
            if d.get("exclude").and_then(Node::as_bool) == Some(true) {
                exclude.push(p.to_string());
            } else {
                include.push(p.to_string());
            }
        }
        // Only directories below the include patterns' literal prefixes can match.
        let mut prefixes: Vec<std::path::PathBuf> =
            include.iter().map(|g| root.join(literal_dir(g))).collect();
        prefixes.sort();
        prefixes.dedup_by(|b, a| b.starts_with(a));
        // `dirs_under` yields directories only: just the prefixes themselves need the lookup.
        let candidates = prefixes.iter().flat_map(|p| {
            std::iter::once(p)
                .filter(|p| *p != root && cx.ws.is_dir(p))
                .chain(cx.ws.dirs_under(p))
        });
        for dir in candidates {
            let Some(r) = rel(dir) else { continue };
            // Hidden directories are not generated (the generator skips them too).
            if r.split('/').any(|seg| seg.starts_with('.')) {
                continue;
            }
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
            let Some(glob) = f.get("path").and_then(Node::str).map(fill) else {
                continue;
            };
            let glob = glob.as_str();
            // Only files below the pattern's literal directory can match, and, when the
            // pattern names the file (`**/config.json`), only files of that name.
            let prefix = root.join(literal_dir(glob));
            let name = glob.rsplit('/').next().filter(|n| !wildcard(n));
            let ids: Box<dyn Iterator<Item = usize>> = match name {
                Some(n) => Box::new(cx.ws.files_named_under(&prefix, n)),
                None => Box::new(cx.ws.files_under(&prefix)),
            };
            for sf in ids.map(|i| &cx.ws.files[i]) {
                let Some(r) = rel(&sf.path) else { continue };
                if !path_match(glob, &r) {
                    continue;
                }
                // Manifest-looking files were parsed when read; parameter files are parsed here.
                let own;
                let parsed = if sf.class == FileClass::Yaml {
                    sf.yaml()
                } else {
                    own = crate::load::yaml::parse(sf.text());
                    &own
                };
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
    // Paths that match nothing here (`clusters/CLUSTER_NAME/config.yaml`) are filled in by a
    // script or a patch before Argo CD reads them: what they generate is unknown, not nothing.
    if out.is_empty() && (body.get("directories").is_some() || body.get("files").is_some()) {
        return Err(
            "the git generator's paths match nothing in this tree (a script or a patch fills them in)"
                .into(),
        );
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Does a path segment of a glob hold a wildcard?
fn wildcard(seg: &str) -> bool {
    seg.contains(['*', '?', '[', '{', '\\'])
}

/// The directory every match of a glob lies in: its leading literal segments (`apps/*/base` →
/// `apps`), all but the last when the whole pattern is literal (`apps/web` → `apps`).
fn literal_dir(glob: &str) -> String {
    let segs: Vec<&str> = glob.trim_start_matches("./").split('/').collect();
    let lit = segs.iter().take_while(|s| !wildcard(s)).count();
    segs[..lit.min(segs.len().saturating_sub(1))].join("/")
}

/// Go's `path.Match` per segment, `**` spanning directories (the git generator's doublestar).
pub fn path_match(pattern: &str, path: &str) -> bool {
    glob::matches(Dialect::Doublestar, pattern.trim_start_matches("./"), path)
}

/// Fill `{{ key }}` (fasttemplate) and `{{ .key }}` (goTemplate) placeholders, and the Go
/// template functions and `if` blocks of [`super::gotemplate`]. Unknown keys and other actions
/// are left as written.
pub fn substitute(template: &str, params: &Params) -> String {
    if !template.contains("{{") {
        return template.to_string();
    }
    super::gotemplate::render(template, params)
}

/// Apply an ApplicationSet's `templatePatch` to one generated app, as Argo CD does: the patch is
/// a Go template of YAML, filled in with the parameters and merged into the rendered
/// Application (`applyTemplatePatch`, a strategic merge whose lists replace). Sources,
/// destination and sync policy come from the merged spec where the patch sets them; their
/// findings point at the patch. A patch synclint cannot fill in or read leaves the app partial.
pub fn apply_template_patch(
    app: &mut super::App<'_>,
    template: Option<&Node<'_>>,
    patch: &Node<'_>,
    text: Option<&str>,
    params: &Params,
    scx: &SourceContext<'_>,
) {
    use serde_json::Value;
    let at = patch.span;
    // The value of the patch's first `key:` line, as written; else the whole patch.
    let line_of = |key: &str| -> Span {
        let Some(block) = text.and_then(|t| t.get(at.start as usize..at.end as usize)) else {
            return at;
        };
        let mut offset = at.start as usize;
        for line in block.split_inclusive('\n') {
            let body = line.trim_start();
            let body = body.strip_prefix("- ").unwrap_or(body).trim_start();
            if let Some(value) = body.strip_prefix(key).and_then(|v| v.strip_prefix(':')) {
                let value = value.trim();
                if !value.is_empty() {
                    // The value ends where the line's text does.
                    let end = offset + line.trim_end().len();
                    return Span::new(end - value.len(), end);
                }
            }
            offset += line.len();
        }
        at
    };
    let unreadable = |app: &mut super::App<'_>, why: &str| {
        app.completeness =
            super::app::Completeness::Partial(format!("its ApplicationSet's templatePatch {why}"));
    };
    let Some(text) = patch.str() else {
        return;
    };
    let filled = substitute(text, params);
    if filled.contains("{{") {
        return unreadable(app, "holds an expression synclint does not evaluate");
    }
    let parsed = crate::load::yaml::parse(&filled);
    let Some(doc) = parsed.docs.first().filter(|_| parsed.issues.is_empty()) else {
        return unreadable(app, "is not valid YAML once filled in");
    };
    let patch_json = doc.root.to_json();
    let Some(patch_spec) = patch_json.get("spec").filter(|s| s.is_object()) else {
        return;
    };
    let mut merged = template
        .and_then(|t| t.get("spec"))
        .map_or(Value::Object(Default::default()), Node::to_json);
    merge_patch(&mut merged, patch_spec);
    let merged_text = merged.to_string();
    let merged_doc = crate::load::yaml::parse(&merged_text);
    let Some(spec) = merged_doc.docs.first() else {
        return;
    };
    let subst = |t: &str| substitute(t, params);
    let patched = super::app::from_spec(0, String::new(), None, Some(&spec.root), scx, &subst);
    let sets = |k: &str| patch_spec.get(k).is_some();
    if sets("source") || sets("sources") {
        app.sources = patched.sources;
        let (path, values) = (line_of("path"), line_of("valueFiles"));
        for s in &mut app.sources {
            s.path_span = Some(path);
            s.value_file_spans.fill(values);
            s.helm.unevaluated = s.helm.templated();
        }
        app.external_sources = patched.external_sources;
    }
    if sets("destination") {
        app.cluster = patched.cluster;
        app.dest_namespace = patched
            .dest_namespace
            .map(|n| std::borrow::Cow::Owned(n.into_owned()));
    }
    if sets("syncPolicy") {
        // Sync options borrow the file's text; ones the patch writes are not read.
        if patch_spec.pointer("/syncPolicy/syncOptions").is_some() {
            unreadable(
                app,
                "sets sync options, which synclint does not read from a patch",
            );
        }
        app.automated = patched.automated;
        app.retries = patched.retries;
        app.has_retry = patched.has_retry;
        app.self_heal = patched.self_heal;
        app.self_heal_span = patched.self_heal_span.map(|_| at);
    }
}

/// JSON merge of `patch` into `base`: maps merge key by key, `null` removes, anything else
/// (lists too) replaces.
fn merge_patch(base: &mut serde_json::Value, patch: &serde_json::Value) {
    use serde_json::Value;
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    b.remove(k);
                } else {
                    merge_patch(b.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_patches_merge_maps_and_replace_lists() {
        let mut base = serde_json::json!({"source": {"path": "a", "repoURL": "r"}, "syncPolicy": {"syncOptions": ["A=true"]}, "project": "p"});
        let patch = serde_json::json!({"source": {"path": "b"}, "syncPolicy": {"syncOptions": ["B=true"]}, "project": null});
        merge_patch(&mut base, &patch);
        assert_eq!(
            base,
            serde_json::json!({"source": {"path": "b", "repoURL": "r"}, "syncPolicy": {"syncOptions": ["B=true"]}})
        );
    }

    #[test]
    fn only_the_literal_directory_of_a_glob_is_searched() {
        for (glob, dir) in [
            ("add-ons/*", "add-ons"),
            ("./tenants/**/base", "tenants"),
            ("apps/web", "apps"),
            ("apps", ""),
            ("*", ""),
            ("**/config.json", ""),
            ("a/b/{x,y}/c", "a/b"),
            ("clusters/*/config.json", "clusters"),
        ] {
            assert_eq!(literal_dir(glob), dir, "{glob}");
        }
    }

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
        assert_eq!(substitute("{{ .path.basename | upper }}", &p), "WEB");
        assert_eq!(
            substitute("{{ .path.basename | sha256sum }}", &p),
            "{{ .path.basename | sha256sum }}"
        );
        // Go's `index` over the path segments.
        assert_eq!(substitute("{{ index .path.segments 1 }}-x", &p), "web-x");
        assert_eq!(
            substitute("{{ index .path.segments 9 }}", &p),
            "{{ index .path.segments 9 }}"
        );
    }
}
