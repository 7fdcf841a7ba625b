//! AppProjects: which project an app belongs to, and what the project permits
//! (`app_project_types.go`: `IsGroupKindNamePermitted`, `IsDestinationPermitted`,
//! `IsSourcePermitted`).

use crate::load::yaml::{Node, NodeKind, Span};
use foldhash::HashSet;

use super::app::{App, Cluster};
use super::glob::{self, Dialect};
use super::instance::GlobalProjects;
use super::resource::{ResId, Resource};
use super::{Model, repo};

/// The Application spec of an Application (`spec`) or of an ApplicationSet's template
/// (`spec.template.spec`).
pub fn app_spec<'a>(r: &Resource<'a>) -> Option<&'a Node<'a>> {
    if r.group != "argoproj.io" {
        return None;
    }
    match r.kind {
        "Application" => r.root.get("spec"),
        "ApplicationSet" => r.root.path(&["spec", "template", "spec"]),
        _ => None,
    }
}

/// The object a finding about an Application spec names: `Application/web`, or "the template of
/// ApplicationSet/envs".
pub fn whose(r: &Resource<'_>) -> String {
    if r.kind == "ApplicationSet" {
        format!("the template of {}", r.display())
    } else {
        r.display()
    }
}

/// A value an ApplicationSet fills in per generated Application (`{{.project}}`, `{{project}}`).
pub fn templated(s: &str) -> bool {
    // `{{ … }}` (generators, Helm), `${VAR}` (envsubst), `<<url>>` / `<REPO_URL>` (to fill in
    // by hand), `__REPO_URL__` (a bootstrap script's `sed`): none is the value Argo CD compares.
    s.contains("{{")
        || s.contains("${")
        || (s.contains('<') && s.contains('>'))
        || dunder_placeholder(s)
}

/// `__REPO_URL__`, `https://__GIT_HOST__/x`: a capitalised name between double underscores.
fn dunder_placeholder(s: &str) -> bool {
    s.split("__").skip(1).step_by(2).any(|inner| {
        !inner.is_empty()
            && inner.bytes().any(|b| b.is_ascii_uppercase())
            && inner
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    }) && s.matches("__").count() >= 2
}

/// Which AppProject an app's `spec.project` resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectRef {
    Found(ResId),
    /// Several AppProjects of that name (one per cluster profile), none closer than the others,
    /// and they differ: which one applies is not known offline.
    Ambiguous,
    /// No AppProject of that name in the tree.
    Missing,
}

impl<'a> Model<'a> {
    /// The AppProjects of the tree.
    pub fn projects(&self) -> impl Iterator<Item = &Resource<'a>> {
        self.project_ids.iter().map(|&id| &self.resources[id])
    }

    /// Is the tree where the live AppProjects come from? Yes when an Application syncs one of
    /// them, when no Application syncs anything here, or when the tree defines most of the
    /// project names its Applications use (projects applied by hand next to the apps). When it
    /// defines only a few of them, in directories nothing syncs, the live projects are made
    /// elsewhere (a bootstrap tool) and the tree's copies may be stale. Computed once, in
    /// `Model::build`.
    pub(super) fn compute_projects_from_tree(&self) -> bool {
        if !self.has_applications
            || self.projects().any(|p| {
                self.apps_of[p.id]
                    .iter()
                    .any(|&a| !self.unsynced(&self.apps[a]))
            })
        {
            return true;
        }
        let defined: HashSet<&str> = self.projects().filter_map(|p| p.name).collect();
        let mut used: Vec<&str> = self
            .resources
            .iter()
            .filter_map(|r| app_spec(r)?.get("project")?.non_empty_str())
            .filter(|p| *p != "default" && !templated(p))
            .collect();
        used.sort_unstable();
        used.dedup();
        let known = used.iter().filter(|p| defined.contains(*p)).count();
        known * 2 >= used.len()
    }

    /// Projects the tree's repository Secrets are scoped to (a `project` field). Such
    /// repositories belong to the project in the live instance, beyond what its `sourceRepos`
    /// lists, so a source refusal cannot be proved offline. Computed once, in `Model::build`.
    pub(super) fn compute_scoped_repositories(&self) -> HashSet<String> {
        let mut out = HashSet::default();
        for r in self.resources.iter().filter(|r| r.is("", "Secret")) {
            let repo = r
                .root
                .path(&["metadata", "labels", "argocd.argoproj.io/secret-type"])
                .and_then(Node::str)
                .is_some_and(|t| t == "repository" || t == "repo-creds");
            if !repo {
                continue;
            }
            if let Some(p) = r.root.path(&["stringData", "project"]).and_then(Node::str) {
                out.insert(p.to_string());
            }
            if let Some(p) = r.root.path(&["data", "project"]).and_then(Node::str)
                && let Some(text) = base64_decode(p)
            {
                out.insert(text);
            }
        }
        out
    }

    /// The AppProject named `name` that applies to an Application object: the one deployed by
    /// the same app (or kustomization build) as the Application, else the only one.
    pub fn project_for(&self, application: ResId, name: &str) -> ProjectRef {
        let candidates: Vec<&Resource<'a>> =
            self.projects().filter(|p| p.name == Some(name)).collect();
        match candidates.as_slice() {
            [] => return ProjectRef::Missing,
            // A copy nothing deploys, in a tree that does not deploy its projects, may differ
            // from the live project.
            [_] if !self.projects_from_tree => return ProjectRef::Ambiguous,
            [one] => return ProjectRef::Found(one.id),
            _ => {}
        }
        let apps = &self.apps_of[application];
        let near: Vec<&&Resource<'a>> = candidates
            .iter()
            // Deployed together by an Application; a directory no Application syncs proves
            // nothing about which copy the cluster has.
            .filter(|p| {
                self.apps_of[p.id]
                    .iter()
                    .any(|a| apps.contains(a) && !self.unsynced(&self.apps[*a]))
            })
            .collect();
        if let [one] = near.as_slice() {
            return ProjectRef::Found(one.id);
        }
        let pool: Vec<&Resource<'a>> = if near.is_empty() {
            candidates
        } else {
            near.into_iter().copied().collect()
        };
        // Identical copies (the same project rendered for several overlays) are one answer.
        let spec_text = |p: &Resource<'_>| {
            p.root
                .get("spec")
                .map(|s| &self.text(p.file)[s.span.range()])
        };
        let first = spec_text(pool[0]);
        if pool.iter().all(|p| spec_text(p) == first) {
            ProjectRef::Found(pool[0].id)
        } else {
            ProjectRef::Ambiguous
        }
    }
}

impl<'a> Model<'a> {
    /// The specs a project's permissions come from (`GetAppVirtualProject`): its own, then those
    /// of the global projects argocd-cm's `globalProjects` assigns it, whose lists Argo CD
    /// appends to its own. `None` when that is not known (a global project that is not in the
    /// tree, or `globalProjects` set where the tree cannot read it).
    pub fn project_specs(&self, pid: ResId) -> Option<Vec<&'a Node<'a>>> {
        let project = &self.resources[pid];
        let own = project.root.get("spec")?;
        let mut specs: Vec<&'a Node<'a>> = vec![own];
        // argocd-server creates `default` itself (`initializeDefaultProject`); a copy in the tree
        // is applied over it, and an apply keeps the lists it does not write.
        if project.name == Some("default") {
            specs.extend(
                builtin_default()
                    .iter()
                    .filter(|(key, _)| own.get(key).is_none())
                    .map(|(_, spec)| spec),
            );
        }
        let labels: Vec<(&str, &str)> = project
            .root
            .path(&["metadata", "labels"])
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .filter_map(|e| Some((e.key.str()?, e.value.str()?)))
            .collect();
        match &self.instance.global_projects {
            GlobalProjects::None => {}
            // Which projects it picks is unknown; an unlabelled project is picked only by an
            // empty selector, which nobody writes.
            GlobalProjects::Unknown if labels.is_empty() => {}
            GlobalProjects::Unknown => return None,
            GlobalProjects::Known(list) => {
                for gp in list {
                    if project.name == Some(gp.project.as_str()) || !gp.selector.matches(&labels)? {
                        continue;
                    }
                    let mut named = self
                        .projects()
                        .filter(|p| p.name == Some(gp.project.as_str()));
                    match (named.next(), named.next()) {
                        (Some(g), None) => specs.push(g.root.get("spec")?),
                        _ => return None,
                    }
                }
            }
        }
        Some(specs)
    }
}

/// The lists of the built-in `default` project, one spec each (`server/server.go`); a
/// destination named by cluster name is resolved to its server, which `*` matches.
fn builtin_default() -> &'static [(&'static str, Node<'static>)] {
    static SPECS: std::sync::OnceLock<Vec<(&'static str, Node<'static>)>> =
        std::sync::OnceLock::new();
    SPECS.get_or_init(|| {
        [
            ("sourceRepos", "sourceRepos: ['*']"),
            (
                "destinations",
                "destinations: [{server: '*', name: '*', namespace: '*'}]",
            ),
            (
                "clusterResourceWhitelist",
                "clusterResourceWhitelist: [{group: '*', kind: '*'}]",
            ),
        ]
        .into_iter()
        .filter_map(|(key, text)| {
            let mut parsed = crate::load::yaml::parse(text);
            Some((key, parsed.docs.pop()?.root))
        })
        .collect()
    })
}

/// gobwas `globMatch(pattern, val, allowNegation=true, seps…)` of `app_project_types.go`.
fn glob_neg(pattern: &str, value: &str, sep: Option<char>) -> bool {
    if let Some(p) = pattern.strip_prefix('!') {
        return !glob::matches(Dialect::Gobwas(sep), p, value);
    }
    pattern == "*" || glob::matches(Dialect::Gobwas(sep), pattern, value)
}

/// A destination's cluster is only partly known offline: `None` is "could be either".
type T = Option<bool>;

fn or3(a: T, b: T) -> T {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}
fn and3(a: T, b: T) -> T {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}
fn not3(a: T) -> T {
    a.map(|v| !v)
}

/// The items of a list field over a project's specs (its own, then its global projects').
fn items<'n, 'a>(specs: &'n [&'n Node<'a>], key: &'n str) -> impl Iterator<Item = &'n Node<'a>> {
    specs
        .iter()
        .flat_map(move |s| s.get(key).map(Node::items).unwrap_or(&[]))
}

/// `isDestinationMatched`: `Some(false)` only when no cluster the manifests allow could match.
pub fn destination_permitted(project: &[&Node<'_>], cluster: &Cluster, ns: &str) -> T {
    let (server, name) = (cluster.server.as_deref(), cluster.name.as_deref());
    let mut any: T = Some(false);
    let mut no_deny: T = Some(true);
    let deny_pattern = |p: &str| Some(p.starts_with('!'));
    for item in items(project, "destinations") {
        let field = |k: &str| item.get(k).and_then(Node::str).unwrap_or("");
        let (iname, iserver, ins) = (field("name"), field("server"), field("namespace"));
        let name_m: T = name.map(|n| glob_neg(iname, n, None));
        let server_m: T = server.map(|s| glob_neg(iserver, s, None));
        let ns_m = glob_neg(ins, ns, None);
        let matched = and3(or3(server_m, name_m), Some(ns_m));
        let deny = or3(
            or3(
                and3(not3(name_m), deny_pattern(iname)),
                and3(not3(server_m), deny_pattern(iserver)),
            ),
            Some(!ns_m && ins.starts_with('!')),
        );
        any = or3(any, matched);
        no_deny = and3(no_deny, not3(and3(not3(matched), deny)));
    }
    and3(any, no_deny)
}

/// `IsSourcePermitted`.
pub fn source_permitted(project: &[&Node<'_>], url: &str) -> bool {
    let src = repo::argo_normalize(url);
    let mut any = false;
    for pat in items(project, "sourceRepos") {
        let Some(p) = pat.str() else { continue };
        let normalized = match p.strip_prefix('!') {
            Some(rest) => format!("!{}", repo::argo_normalize(rest)),
            None => repo::argo_normalize(p),
        };
        if glob_neg(&normalized, &src, Some('/')) {
            any = true;
        } else if normalized.starts_with('!') {
            return false;
        }
    }
    any
}

/// Why a group/kind is refused.
pub enum Refusal {
    /// The whitelist is absent or empty (cluster kinds), or present but empty (namespaced kinds);
    /// `true` when absent.
    EmptyWhitelist(&'static str, bool),
    NotWhitelisted(&'static str),
    Blacklisted(&'static str, Span),
}

/// A list value over a project's specs, as Go's `append` builds it: `None` when the project's
/// own is absent or null (a nil slice) and the global projects add nothing.
fn list<'n, 'a>(project: &'n [&'n Node<'a>], key: &'n str) -> Option<Vec<&'n Node<'a>>> {
    let own = project
        .first()?
        .get(key)
        .filter(|n| matches!(n.kind, NodeKind::Seq(_)));
    let all: Vec<&Node<'a>> = items(project, key).collect();
    (own.is_some() || !all.is_empty()).then_some(all)
}

fn in_list<'n, 'a>(items: &[&'n Node<'a>], r: &Resource<'_>, names: bool) -> Option<&'n Node<'a>> {
    items.iter().copied().find(|i| {
        let f = |k: &str| i.get(k).and_then(Node::str).unwrap_or("");
        glob::matches(Dialect::Filepath, f("kind"), r.kind)
            && glob::matches(Dialect::Filepath, f("group"), r.group)
            && (!names
                || f("name").is_empty()
                || glob::matches(Dialect::Filepath, f("name"), r.name.unwrap_or("")))
    })
}

/// `IsGroupKindNamePermitted`.
pub fn group_kind_refusal(
    project: &[&Node<'_>],
    r: &Resource<'_>,
    namespaced: bool,
) -> Option<Refusal> {
    let (wl, bl, names) = if namespaced {
        (
            "namespaceResourceWhitelist",
            "namespaceResourceBlacklist",
            false,
        )
    } else {
        ("clusterResourceWhitelist", "clusterResourceBlacklist", true)
    };
    match list(project, wl).as_deref() {
        None if !namespaced => return Some(Refusal::EmptyWhitelist(wl, true)),
        Some([]) => return Some(Refusal::EmptyWhitelist(wl, false)),
        Some(items) if in_list(items, r, names).is_none() => {
            return Some(Refusal::NotWhitelisted(wl));
        }
        _ => {}
    }
    let hit = list(project, bl).and_then(|items| in_list(&items, r, names))?;
    Some(Refusal::Blacklisted(bl, hit.span))
}

/// The app's project name as written (`default` when absent).
pub fn project_name<'a>(app: &App<'a>) -> &'a str {
    app.project.unwrap_or("default")
}

/// A Secret's `data` value (standard base64), as text.
fn base64_decode(s: &str) -> Option<String> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let body = bytes
        .strip_suffix(b"==")
        .or(bytes.strip_suffix(b"="))
        .unwrap_or(&bytes);
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for &c in body {
        acc = acc << 6 | val(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
        }
    }
    String::from_utf8(out).ok()
}
