//! Applications: what each app syncs, from where, to which cluster, with which sync policy.

use std::borrow::Cow;
use std::path::PathBuf;

use crate::load::yaml::{Node, Span};
use crate::load::{Workspace, normalize};

use super::argo::Token;
use super::glob::{self, Dialect};
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
        glob::matches(Dialect::Gobwas(None), self.group, r.group)
            && glob::matches(Dialect::Gobwas(None), self.kind, r.kind)
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
    /// Where each of `helm.value_files` is written (for findings).
    pub value_file_spans: Vec<Span>,
}

/// What `helm template` needs from an Application's `source.helm`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct HelmOptions {
    pub release: Option<String>,
    /// Value files, relative to the chart directory.
    pub value_files: Vec<String>,
    /// `values` (a YAML string) or `valuesObject` (as YAML text).
    pub values: Option<String>,
    pub parameters: Vec<(String, String)>,
    /// `parameters` entries with `forceString: true`.
    pub string_parameters: Vec<(String, String)>,
    pub ignore_missing_value_files: bool,
    /// `namespace`: templated with it instead of the destination namespace.
    pub namespace: Option<String>,
    /// `kubeVersion` and `apiVersions`: instead of the target cluster's.
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    /// `skipCrds`, `skipTests`, `skipSchemaValidation`.
    pub skip_crds: bool,
    pub skip_tests: bool,
    pub skip_schema_validation: bool,
    /// An ApplicationSet's template left `{{ … }}` in these options (a function or pipeline
    /// synclint does not evaluate): what Argo CD passes to Helm is not known.
    pub unevaluated: bool,
}

impl HelmOptions {
    /// Does any option still hold a template expression?
    pub fn templated(&self) -> bool {
        let t = |s: &str| s.contains("{{");
        self.release.as_deref().is_some_and(t)
            || self.values.as_deref().is_some_and(t)
            || self.namespace.as_deref().is_some_and(t)
            || self.value_files.iter().any(|f| t(f))
            || self
                .parameters
                .iter()
                .chain(&self.string_parameters)
                .any(|(k, v)| t(k) || t(v))
    }
}

/// The cluster an app deploys to, as far as the manifests tell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Cluster {
    pub server: Option<String>,
    pub name: Option<String>,
}

pub const IN_CLUSTER_SERVER: &str = "https://kubernetes.default.svc";
pub const IN_CLUSTER_NAME: &str = "in-cluster";

impl Cluster {
    /// Can two destinations be the same cluster? Unknown parts could be anything.
    pub fn may_equal(&self, other: &Cluster) -> bool {
        let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(x), Some(y)) => Some(x == y),
            _ => None,
        };
        match (
            same(&self.server, &other.server),
            same(&self.name, &other.name),
        ) {
            (Some(true), _) | (_, Some(true)) => true,
            (Some(false), _) | (_, Some(false)) => false,
            _ => true,
        }
    }

    pub fn is_known(&self) -> bool {
        self.server.is_some() || self.name.is_some()
    }

    pub fn label(&self) -> &str {
        self.server
            .as_deref()
            .or(self.name.as_deref())
            .unwrap_or("?")
    }
}

/// What resolving sources needs to know about the checkout.
pub struct SourceContext<'r> {
    pub ws: &'r Workspace,
    /// Directories a source path may be relative to: the git root, then the input.
    pub repo_roots: &'r [PathBuf],
}

/// Argo CD's detection: an explicit type wins, else `*Chart.yaml` / a kustomization at the
/// path's root, else a plain directory. With both files, Kustomize (visited later) wins.
fn detect(src: &Node<'_>, ws: &Workspace, dir: &std::path::Path) -> SourceType {
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
    for n in ws.file_names_in(dir) {
        if n.ends_with("Chart.yaml") {
            kind = SourceType::Helm;
        } else if super::kustomize::NAMES.contains(&n) {
            kind = SourceType::Kustomize;
        }
    }
    kind
}

/// How far an app's manifests are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completeness {
    /// Everything Argo CD would apply is in the tree (rendered where needed).
    Complete,
    /// Part of it is missing (a render that could not run, a source in another repository):
    /// findings that need the whole app are not reported. The reason is for `-v`.
    Partial(String),
}

#[derive(Debug)]
pub struct App<'a> {
    pub id: AppId,
    pub name: String,
    /// The Application object that defines the app; `None` for an implicit app.
    pub application: Option<ResId>,
    pub resources: Vec<ResId>,
    pub dest_namespace: Option<Cow<'a, str>>,
    pub cluster: Cluster,
    /// `spec.syncPolicy.syncOptions` items, with spans.
    pub sync_options: Vec<Token<'a>>,
    /// Syncs without anyone asking: `syncPolicy.automated`, or generated by an ApplicationSet
    /// with a RollingSync strategy.
    pub automated: bool,
    /// A failed sync is retried: `syncPolicy.retry.limit` not 0 (negative is unlimited), or an
    /// automated app without `retry` (the controller's default of 5).
    pub retries: bool,
    /// `syncPolicy.retry` is written (it replaces the automated default).
    pub has_retry: bool,
    pub self_heal: bool,
    pub self_heal_span: Option<Span>,
    pub ignore_differences: Vec<IgnoreDiff<'a>>,
    pub sources: Vec<AppSource>,
    /// Sources whose `repoURL` is another repository (or a Helm repository).
    pub external_sources: usize,
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
    pub completeness: Completeness,
    /// The app whose manifests hold this app's Application (app of apps).
    pub parent: Option<AppId>,
}

impl App<'_> {
    pub fn has_option(&self, opt: &str) -> bool {
        self.sync_options.iter().any(|t| t.text == opt)
    }
    pub fn is_implicit(&self) -> bool {
        self.application.is_none()
    }
    pub fn dest_ns(&self) -> Option<&str> {
        self.dest_namespace.as_deref()
    }
    pub fn is_complete(&self) -> bool {
        self.completeness == Completeness::Complete
    }

    /// An app with no Application: a directory or kustomization Argo CD would sync as written.
    pub fn implicit(id: AppId, name: String, resources: Vec<ResId>) -> App<'static> {
        App {
            id,
            name,
            application: None,
            resources,
            dest_namespace: None,
            cluster: Cluster::default(),
            sync_options: Vec::new(),
            automated: false,
            retries: false,
            has_retry: false,
            self_heal: false,
            self_heal_span: None,
            ignore_differences: Vec::new(),
            sources: Vec::new(),
            external_sources: 0,
            kustomize: false,
            kustomize_dirs: Vec::new(),
            renamed: false,
            project: None,
            project_span: None,
            completeness: Completeness::Complete,
            parent: None,
        }
    }
}

/// Parse an Application object into an (empty) app; resources are assigned by the model.
/// The sources Argo CD reads from an Application spec: `sources` when it lists any (then
/// `source` is ignored: `HasMultipleSources` is `len(Sources) > 0`), else `source`.
pub fn spec_sources<'s, 'n>(spec: &'s Node<'n>) -> impl Iterator<Item = &'s Node<'n>> {
    let list = spec.get("sources").map(Node::items).unwrap_or(&[]);
    let single = if list.is_empty() {
        spec.get("source")
    } else {
        None
    };
    list.iter().chain(single)
}

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

/// A string field that an ApplicationSet may template: borrowed unless a placeholder is filled.
fn filled<'a>(s: &'a str, subst: &dyn Fn(&str) -> String) -> Cow<'a, str> {
    if s.contains("{{") {
        Cow::Owned(subst(s))
    } else {
        Cow::Borrowed(s)
    }
}

/// The destination cluster, with the in-cluster server and name made equivalent.
fn cluster_of(spec: Option<&Node<'_>>, subst: &dyn Fn(&str) -> String) -> Cluster {
    let get = |k: &str| {
        spec.and_then(|s| s.path(&["destination", k]))
            .and_then(Node::non_empty_str)
            .map(|s| subst(s).trim_end_matches('/').to_string())
            .filter(|s| !s.contains("{{"))
    };
    let (server, name) = (get("server"), get("name"));
    match (server, name) {
        (Some(s), None) if s == IN_CLUSTER_SERVER => Cluster {
            server: Some(s),
            name: Some(IN_CLUSTER_NAME.into()),
        },
        (None, Some(n)) if n == IN_CLUSTER_NAME => Cluster {
            server: Some(IN_CLUSTER_SERVER.into()),
            name: Some(n),
        },
        (server, name) => Cluster { server, name },
    }
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
    // An automated sync without `retry` gets `RetryStrategy{Limit: 5}` (`autoSync` in
    // controller/appcontroller.go, since 1.7); a written `retry` replaces it, and its `limit`
    // defaults to 0 (no retry).
    let retry = policy.and_then(|p| p.get("retry"));
    let has_retry = retry.is_some();
    let retries = match retry {
        None => automated,
        Some(r) => r
            .get("limit")
            .and_then(Node::as_i64)
            .is_some_and(|l| l != 0),
    };
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
        .map(|ns| filled(ns, subst));

    let mut sources = Vec::new();
    let mut external_sources = 0;
    let repo_urls = &cx.ws.repo_urls;
    let is_here = |src: &Node<'_>| {
        repo_urls.is_empty()
            || src
                .get("repoURL")
                .and_then(Node::str)
                .is_some_and(|u| repo_urls.contains(&super::repo::normalize_url(&subst(u))))
    };
    // `ref:` sources of this repository: a value file `$values/envs/web.yaml` is then
    // `envs/web.yaml` from the repository's root (the checkout stands for the ref's revision,
    // as it does for every source of this repository).
    let local_refs: Vec<String> = spec
        .and_then(|s| s.get("sources"))
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter(|s| s.get("chart").is_none() && is_here(s))
        .filter_map(|s| s.get("ref").and_then(Node::non_empty_str).map(subst))
        .collect();
    let value_file = |f: &str| -> String {
        let f = subst(f);
        if let Some(rest) = f.strip_prefix('$')
            && let Some((name, path)) = rest.split_once('/')
            && local_refs.iter().any(|r| r == name)
        {
            return format!("/{}", path.trim_start_matches('/'));
        }
        f
    };
    let mut add = |src: &Node<'_>| {
        // A `chart:` source comes from a Helm repository, not from this tree.
        if src.get("chart").is_some() {
            external_sources += 1;
            return;
        }
        let path_node = src.get("path");
        let Some(path) = path_node.and_then(Node::str) else {
            return;
        };
        let path = subst(path);
        let confirmed = !repo_urls.is_empty() && is_here(src);
        let local = is_here(src);
        if !local {
            external_sources += 1;
        }
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
            .find(|d| cx.ws.is_dir(d))
            .or_else(|| {
                cx.repo_roots
                    .first()
                    .map(|root| normalize(&root.join(&rel)))
            });
        if let Some(dir) = dir {
            let h = src.get("helm");
            let param = |p: &Node<'_>| -> Option<(String, String)> {
                Some((
                    subst(p.get("name")?.str()?),
                    subst(p.get("value").and_then(Node::str).unwrap_or("")),
                ))
            };
            let params = h.and_then(|h| h.get("parameters"));
            let forced = |p: &Node<'_>| p.get("forceString").and_then(Node::as_bool) == Some(true);
            let flag = |k: &str| h.and_then(|h| h.get(k)).and_then(Node::as_bool) == Some(true);
            let helm = HelmOptions {
                release: h
                    .and_then(|h| h.get("releaseName"))
                    .and_then(Node::non_empty_str)
                    .map(subst),
                value_files: h
                    .and_then(|h| h.get("valueFiles"))
                    .map(|l| {
                        l.items()
                            .iter()
                            .filter_map(Node::str)
                            .map(value_file)
                            .collect()
                    })
                    .unwrap_or_default(),
                // `valuesObject` takes precedence over `values` (ApplicationSourceHelm.ValuesYAML).
                values: h
                    .and_then(|h| h.get("valuesObject"))
                    .filter(|v| v.is_map())
                    .map(|v| subst(&super::yaml_text(v)))
                    .or_else(|| {
                        h.and_then(|h| h.get("values"))
                            .and_then(Node::str)
                            .map(subst)
                    }),
                parameters: params
                    .map(|l| {
                        l.items()
                            .iter()
                            .filter(|p| !forced(p))
                            .filter_map(param)
                            .collect()
                    })
                    .unwrap_or_default(),
                string_parameters: params
                    .map(|l| {
                        l.items()
                            .iter()
                            .filter(|p| forced(p))
                            .filter_map(param)
                            .collect()
                    })
                    .unwrap_or_default(),
                ignore_missing_value_files: flag("ignoreMissingValueFiles"),
                namespace: h
                    .and_then(|h| h.get("namespace"))
                    .and_then(Node::non_empty_str)
                    .map(subst),
                kube_version: h
                    .and_then(|h| h.get("kubeVersion"))
                    .and_then(Node::non_empty_str)
                    .map(subst),
                api_versions: h
                    .and_then(|h| h.get("apiVersions"))
                    .map(|l| l.items().iter().filter_map(Node::str).map(subst).collect())
                    .unwrap_or_default(),
                skip_crds: flag("skipCrds"),
                skip_tests: flag("skipTests"),
                skip_schema_validation: flag("skipSchemaValidation"),
                unevaluated: false,
            };
            let value_file_spans = h
                .and_then(|h| h.get("valueFiles"))
                .map(|l| {
                    l.items()
                        .iter()
                        .filter(|n| n.str().is_some())
                        .map(|n| n.span)
                        .collect()
                })
                .unwrap_or_default();
            sources.push(AppSource {
                helm,
                value_file_spans,
                kind: detect(src, cx.ws, &dir),
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
    if let Some(spec) = spec {
        spec_sources(spec).for_each(&mut add);
    }

    App {
        id,
        name,
        application,
        resources: Vec::new(),
        dest_namespace,
        cluster: cluster_of(spec, subst),
        sync_options,
        automated,
        retries,
        has_retry,
        self_heal,
        self_heal_span: self_heal_node.map(|n| n.span),
        ignore_differences,
        sources,
        external_sources,
        kustomize: false,
        kustomize_dirs: Vec::new(),
        renamed: false,
        project: project_node.and_then(Node::non_empty_str),
        project_span: project_node.map(|n| n.span),
        completeness: Completeness::Complete,
        parent: None,
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

/// Does a Directory source read this file (§9.2): in the directory (or below it with
/// `recurse`), a manifest extension, and the include/exclude globs (relative to the path)?
pub fn directory_reads(src: &AppSource, path: &std::path::Path) -> bool {
    let inside = if src.recurse {
        path.starts_with(&src.dir)
    } else {
        path.parent() == Some(src.dir.as_path())
    };
    if !inside {
        return false;
    }
    let ext_ok = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json" | "jsonnet")
    );
    let rel = path
        .strip_prefix(&src.dir)
        .map(|r| r.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    ext_ok
        && src
            .include
            .as_deref()
            .is_none_or(|g| glob::matches(Dialect::Gobwas(None), g, &rel))
        && !src
            .exclude
            .as_deref()
            .is_some_and(|g| glob::matches(Dialect::Gobwas(None), g, &rel))
}
