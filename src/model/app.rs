//! Applications: which resources each app syncs, with its sync policy.

use std::path::PathBuf;

use crate::load::normalize;
use crate::load::yaml::{Node, Span};

use super::argo::Token;
use super::resource::{ResId, Resource};

pub type AppId = usize;

/// One `spec.ignoreDifferences` entry.
#[derive(Debug, Clone)]
pub struct IgnoreDiff<'a> {
    pub group: &'a str,
    pub kind: &'a str,
    pub name: Option<&'a str>,
    pub namespace: Option<&'a str>,
    pub json_pointers: Vec<&'a str>,
    pub jq: Vec<&'a str>,
    pub managers: Vec<&'a str>,
    pub span: Span,
}

impl IgnoreDiff<'_> {
    /// `group`/`kind` are globs; `name`/`namespace` exact, empty matches everything (§7.1).
    pub fn matches(&self, r: &Resource<'_>, namespace: Option<&str>) -> bool {
        glob_match(self.group, r.group)
            && glob_match(self.kind, r.kind)
            && self.name.is_none_or(|n| Some(n) == r.name)
            && self
                .namespace
                .is_none_or(|n| namespace.is_none_or(|ns| n == ns))
    }
}

/// How Argo CD turns a source directory into manifests (§9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceType {
    Directory,
    Kustomize,
    Helm,
    Plugin,
}

/// A source of an Application: where in the tree it reads manifests from.
#[derive(Debug, Clone)]
pub struct AppSource {
    /// Absolute directory the source path points at.
    pub dir: PathBuf,
    pub recurse: bool,
    /// `directory.include` / `directory.exclude`: single gobwas globs (§9.2).
    pub include: Option<String>,
    pub exclude: Option<String>,
    pub kind: SourceType,
    /// The `path:` value (for findings).
    pub path_span: Option<Span>,
    /// `repoURL` is this repository (or cannot be told apart from it).
    pub local: bool,
    /// `repoURL` is known to be this repository (it matches a git remote or `repo-urls`).
    pub confirmed: bool,
    /// `helm:` options, for rendering a Helm source as Argo CD does.
    pub helm: HelmOptions,
}

/// What `helm template` needs from an Application's `source.helm`.
#[derive(Debug, Clone, Default)]
pub struct HelmOptions {
    pub release: Option<String>,
    /// Value files, relative to the chart directory.
    pub value_files: Vec<String>,
    /// `values` (a YAML string); `valuesObject` is linted but not passed along.
    pub values: Option<String>,
    pub parameters: Vec<(String, String)>,
}

/// What resolving sources needs to know about the checkout.
pub struct SourceContext<'r> {
    /// Directories a source path may be relative to: the git root, then the input.
    pub repo_roots: &'r [PathBuf],
    /// Normalised URLs of this repository (git remotes, config `repo-urls`); empty: unknown.
    pub repo_urls: &'r [String],
    /// Directory listings of repository roots, walked once per run (git directory generators).
    pub dirs: &'r std::cell::RefCell<std::collections::HashMap<PathBuf, std::rc::Rc<Vec<PathBuf>>>>,
}

/// `https://Host/org/repo.git/` and `git@host:org/repo` → `host/org/repo`.
pub fn normalize_repo_url(url: &str) -> String {
    let u = url.trim().trim_end_matches('/');
    let u = u.strip_suffix(".git").unwrap_or(u);
    let u = match u.split_once("://") {
        Some((_, rest)) => rest.to_string(),
        None => match u.split_once('@') {
            Some((_, rest)) => rest.replacen(':', "/", 1),
            None => u.to_string(),
        },
    };
    let u = u
        .rsplit_once('@')
        .map_or(u.as_str(), |(_, h)| h)
        .to_string();
    match u.split_once('/') {
        Some((host, path)) => format!("{}/{}", host.to_ascii_lowercase(), path),
        None => u.to_ascii_lowercase(),
    }
}

/// Argo CD's detection: an explicit type wins, else `*Chart.yaml` / a kustomization at the
/// path's root, else a plain directory. With both files, Kustomize (visited later) wins.
fn detect(src: &Node<'_>, dir: &std::path::Path) -> SourceType {
    for (key, t) in [
        ("helm", SourceType::Helm),
        ("kustomize", SourceType::Kustomize),
        ("directory", SourceType::Directory),
        ("plugin", SourceType::Plugin),
    ] {
        if src.get(key).is_some_and(|n| n.is_map()) {
            return t;
        }
    }
    let mut kind = SourceType::Directory;
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for n in names {
            if n.ends_with("Chart.yaml") {
                kind = SourceType::Helm;
            } else if crate::model::kustomize::NAMES.contains(&n.as_str()) {
                kind = SourceType::Kustomize;
            }
        }
    }
    kind
}

#[derive(Debug)]
pub struct App<'a> {
    pub id: AppId,
    pub name: String,
    /// The Application object that defines the app; `None` for an implicit app.
    pub application: Option<ResId>,
    pub resources: Vec<ResId>,
    pub dest_namespace: Option<&'a str>,
    /// `spec.syncPolicy.syncOptions` items, with spans.
    pub sync_options: Vec<Token<'a>>,
    pub automated: bool,
    pub self_heal: bool,
    pub self_heal_span: Option<Span>,
    pub ignore_differences: Vec<IgnoreDiff<'a>>,
    pub sources: Vec<AppSource>,
    /// Built by Kustomize (which refuses duplicate objects) rather than read as a directory.
    pub kustomize: bool,
    /// The kustomization directories this app builds.
    pub kustomize_dirs: Vec<PathBuf>,
    /// Kustomize renames or re-namespaces objects: identities are only known after a build.
    pub renamed: bool,
    /// `spec.project` (`None` for an implicit app, or when the field is missing).
    pub project: Option<&'a str>,
    /// The `spec.project` value.
    pub project_span: Option<Span>,
}

impl App<'_> {
    pub fn has_option(&self, opt: &str) -> bool {
        self.sync_options.iter().any(|t| t.text == opt)
    }
    pub fn is_implicit(&self) -> bool {
        self.application.is_none()
    }
}

/// Parse an Application object into an (empty) app; resources are assigned by the model.
pub fn from_application<'a>(id: AppId, r: &Resource<'a>, cx: &SourceContext<'_>) -> App<'a> {
    from_spec(
        id,
        r.name.unwrap_or("<unnamed>").to_string(),
        Some(r.id),
        r.root.get("spec"),
        cx,
        &|s| s.to_string(),
    )
}

/// An app from an Application `spec` (or an ApplicationSet's template spec, with `subst`
/// filling in generator parameters).
pub fn from_spec<'a>(
    id: AppId,
    name: String,
    application: Option<ResId>,
    spec: Option<&'a Node<'a>>,
    cx: &SourceContext<'_>,
    subst: &dyn Fn(&str) -> String,
) -> App<'a> {
    let policy = spec.and_then(|s| s.get("syncPolicy"));
    let automated_node = policy.and_then(|p| p.get("automated"));
    // `automated: {}` enables auto-sync; `enabled: false` turns it off (§9.4).
    let automated = automated_node
        .is_some_and(|a| a.is_map() && a.get("enabled").and_then(Node::as_bool) != Some(false));
    let self_heal_node = automated_node.and_then(|a| a.get("selfHeal"));
    let self_heal = automated && self_heal_node.and_then(Node::as_bool) == Some(true);
    let sync_options = policy
        .and_then(|p| p.get("syncOptions"))
        .map(|l| {
            l.items()
                .iter()
                .filter_map(|i| {
                    i.str().map(|t| Token {
                        text: t,
                        span: i.span,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let ignore_differences = spec
        .and_then(|s| s.get("ignoreDifferences"))
        .map(|l| l.items().iter().map(ignore_diff).collect())
        .unwrap_or_default();
    let project_node = spec.and_then(|s| s.get("project"));
    let dest_namespace = spec
        .and_then(|s| s.path(&["destination", "namespace"]))
        .and_then(Node::non_empty_str)
        .map(|ns| {
            if ns.contains("{{") {
                // An ApplicationSet parameter: the filled-in name lives as long as the run.
                &*Box::leak(subst(ns).into_boxed_str())
            } else {
                ns
            }
        });

    let mut sources = Vec::new();
    let mut add = |src: &Node<'_>| {
        // A `chart:` source comes from a Helm repository, not from this tree.
        if src.get("chart").is_some() {
            return;
        }
        let path_node = src.get("path");
        let Some(path) = path_node.and_then(Node::str) else {
            return;
        };
        let path = subst(path);
        let confirmed = src
            .get("repoURL")
            .and_then(Node::str)
            .is_some_and(|u| cx.repo_urls.contains(&normalize_repo_url(&subst(u))));
        let local = cx.repo_urls.is_empty() || confirmed;
        let dir_opts = src.get("directory");
        let recurse = dir_opts
            .and_then(|d| d.get("recurse"))
            .and_then(Node::as_bool)
            == Some(true);
        let glob = |k: &str| {
            dir_opts
                .and_then(|d| d.get(k))
                .and_then(Node::non_empty_str)
                .map(subst)
        };
        let rel = path.trim_start_matches('/').to_string();
        // The first root under which the path exists; else the git root (or the input).
        let dir = cx
            .repo_roots
            .iter()
            .map(|root| normalize(&root.join(&rel)))
            .find(|d| d.is_dir())
            .or_else(|| {
                cx.repo_roots
                    .first()
                    .map(|root| normalize(&root.join(&rel)))
            });
        if let Some(dir) = dir {
            let h = src.get("helm");
            let helm = HelmOptions {
                release: h
                    .and_then(|h| h.get("releaseName"))
                    .and_then(Node::non_empty_str)
                    .map(subst),
                value_files: h
                    .and_then(|h| h.get("valueFiles"))
                    .map(|l| l.items().iter().filter_map(Node::str).map(subst).collect())
                    .unwrap_or_default(),
                values: h
                    .and_then(|h| h.get("values"))
                    .and_then(Node::str)
                    .map(str::to_string),
                parameters: h
                    .and_then(|h| h.get("parameters"))
                    .map(|l| {
                        l.items()
                            .iter()
                            .filter_map(|p| {
                                Some((
                                    p.get("name")?.str()?.to_string(),
                                    p.get("value")?.str()?.to_string(),
                                ))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            };
            sources.push(AppSource {
                helm,
                kind: detect(src, &dir),
                dir,
                recurse,
                include: glob("include"),
                exclude: glob("exclude"),
                path_span: path_node.map(|n| n.span),
                local,
                confirmed,
            });
        }
    };
    if let Some(list) = spec.and_then(|s| s.get("sources")) {
        list.items().iter().for_each(&mut add);
    } else if let Some(src) = spec.and_then(|s| s.get("source")) {
        add(src);
    }

    App {
        id,
        name,
        application,
        resources: Vec::new(),
        dest_namespace,
        sync_options,
        automated,
        self_heal,
        self_heal_span: self_heal_node.map(|n| n.span),
        ignore_differences,
        sources,
        kustomize: false,
        kustomize_dirs: Vec::new(),
        renamed: false,
        project: project_node.and_then(Node::non_empty_str),
        project_span: project_node.map(|n| n.span),
    }
}

fn strs<'a>(n: Option<&'a Node<'a>>) -> Vec<&'a str> {
    n.map(|l| l.items().iter().filter_map(Node::str).collect())
        .unwrap_or_default()
}

fn ignore_diff<'a>(n: &'a Node<'a>) -> IgnoreDiff<'a> {
    IgnoreDiff {
        group: n.get("group").and_then(Node::str).unwrap_or(""),
        kind: n.get("kind").and_then(Node::str).unwrap_or(""),
        name: n.get("name").and_then(Node::non_empty_str),
        namespace: n.get("namespace").and_then(Node::non_empty_str),
        json_pointers: strs(n.get("jsonPointers")),
        jq: strs(n.get("jqPathExpressions")),
        managers: strs(n.get("managedFieldsManagers")),
        span: n.span,
    }
}

/// gobwas-style glob with `{a,b}` alternatives (no separator: `*` matches `/` too).
pub fn glob_alternatives(pattern: &str, s: &str) -> bool {
    if let (Some(open), Some(close)) = (pattern.find('{'), pattern.find('}'))
        && open < close
    {
        let (pre, rest) = (&pattern[..open], &pattern[close + 1..]);
        return pattern[open + 1..close]
            .split(',')
            .any(|alt| glob_alternatives(&format!("{pre}{alt}{rest}"), s));
    }
    glob_match(pattern, s)
}

/// gobwas-style glob with `*` (matches `/` too) and `?`.
pub fn glob_match(pattern: &str, s: &str) -> bool {
    let (p, s) = (pattern.as_bytes(), s.as_bytes());
    let (mut pi, mut si) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if let Some(st) = star {
            pi = st + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("apps", "apps"));
        assert!(glob_match("*", ""));
        assert!(glob_match("*", "apps"));
        assert!(glob_match("Deploy*", "Deployment"));
        assert!(!glob_match("apps", ""));
        assert!(!glob_match("", "apps"));
        assert!(glob_match("", ""));
    }
}
