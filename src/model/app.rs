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

/// A source of an Application: where in the tree it reads manifests from.
#[derive(Debug, Clone)]
pub struct AppSource {
    /// Absolute directory the source path points at.
    pub dir: PathBuf,
    pub recurse: bool,
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
    /// Kustomize renames or re-namespaces objects: identities are only known after a build.
    pub renamed: bool,
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
pub fn from_application<'a>(id: AppId, r: &Resource<'a>, repo_roots: &[PathBuf]) -> App<'a> {
    let spec = r.root.get("spec");
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
    let dest_namespace = spec
        .and_then(|s| s.path(&["destination", "namespace"]))
        .and_then(Node::non_empty_str);

    let mut sources = Vec::new();
    let mut add = |src: &Node<'_>| {
        // A `chart:` source comes from a Helm repository, not from this tree.
        if src.get("chart").is_some() {
            return;
        }
        let Some(path) = src.get("path").and_then(Node::str) else {
            return;
        };
        let recurse = src.path(&["directory", "recurse"]).and_then(Node::as_bool) == Some(true);
        let rel = path.trim_start_matches('/');
        // The first root under which the path exists; else the git root (or the input).
        let dir = repo_roots
            .iter()
            .map(|root| normalize(&root.join(rel)))
            .find(|d| d.is_dir())
            .or_else(|| repo_roots.first().map(|root| normalize(&root.join(rel))));
        if let Some(dir) = dir {
            sources.push(AppSource { dir, recurse });
        }
    };
    if let Some(list) = spec.and_then(|s| s.get("sources")) {
        list.items().iter().for_each(&mut add);
    } else if let Some(src) = spec.and_then(|s| s.get("source")) {
        add(src);
    }

    App {
        id,
        name: r.name.unwrap_or("<unnamed>").to_string(),
        application: Some(r.id),
        resources: Vec::new(),
        dest_namespace,
        sync_options,
        automated,
        self_heal,
        self_heal_span: self_heal_node.map(|n| n.span),
        ignore_differences,
        sources,
        kustomize: false,
        renamed: false,
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
