//! `project-denies-resource`: the app's AppProject does not permit one of its objects, the
//! namespace it goes to, or the repository it comes from. See `rules/project-denies-resource.md`.

use crate::diag::Diagnostic;
use crate::load::yaml::{Node, NodeKind, Span};
use crate::model::{App, Resource};
use crate::plan::Plan;

use super::missing_project::{app_spec, projects, templated};
use super::{Cx, Rule, declare_rule};

declare_rule! {
    ProjectDeniesResource, "project-denies-resource", Error,
    "the app's AppProject does not permit an object's kind, its namespace, or the source repository"
}

// ---------------------------------------------------------------- globs

/// Go's `path/filepath.Match` (Unix): `*` and `?` stop at `/`, `[...]`/`[^...]` classes, `\`
/// escapes. A malformed pattern matches nothing (the engine ignores the error).
pub(super) fn filepath_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = name.chars().collect();
    valid_filepath(&p) && fp(&p, &s)
}

fn valid_filepath(p: &[char]) -> bool {
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' => {
                if i + 1 >= p.len() {
                    return false;
                }
                i += 2;
            }
            '[' => match class(p, i, '^') {
                Some((_, end)) => i = end,
                None => return false,
            },
            _ => i += 1,
        }
    }
    true
}

/// Parse a character class at `p[i] == '['`: a matcher and the index after `]`.
#[allow(clippy::type_complexity)]
fn class(p: &[char], i: usize, neg: char) -> Option<(Box<dyn Fn(char) -> bool>, usize)> {
    let mut j = i + 1;
    let negated = p.get(j) == Some(&neg);
    if negated {
        j += 1;
    }
    let mut ranges: Vec<(char, char)> = Vec::new();
    loop {
        let c = *p.get(j)?;
        if c == ']' && !ranges.is_empty() {
            j += 1;
            break;
        }
        let esc = |k: usize| -> Option<(char, usize)> {
            let c = *p.get(k)?;
            if c == '-' || c == ']' {
                return None;
            }
            if c == '\\' {
                return Some((*p.get(k + 1)?, k + 2));
            }
            Some((c, k + 1))
        };
        let (lo, next) = esc(j)?;
        j = next;
        let mut hi = lo;
        if p.get(j) == Some(&'-') {
            let (h, next) = esc(j + 1)?;
            hi = h;
            j = next;
        }
        ranges.push((lo, hi));
    }
    Some((
        Box::new(move |c| ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != negated),
        j,
    ))
}

fn fp(p: &[char], s: &[char]) -> bool {
    let Some(&c) = p.first() else {
        return s.is_empty();
    };
    match c {
        '*' => {
            let rest = &p[p.iter().take_while(|c| **c == '*').count()..];
            let limit = s.iter().position(|c| *c == '/').unwrap_or(s.len());
            (0..=limit).any(|k| fp(rest, &s[k..]))
        }
        '?' => !s.is_empty() && s[0] != '/' && fp(&p[1..], &s[1..]),
        '[' => match class(p, 0, '^') {
            Some((m, end)) => !s.is_empty() && m(s[0]) && fp(&p[end..], &s[1..]),
            None => false,
        },
        '\\' => p.len() > 1 && !s.is_empty() && s[0] == p[1] && fp(&p[2..], &s[1..]),
        _ => !s.is_empty() && s[0] == c && fp(&p[1..], &s[1..]),
    }
}

/// gobwas/glob as Argo CD's `util/glob.Match` compiles it: `*` (not across `sep`), `**`, `?`,
/// `[...]`/`[!...]`, `{a,b}` and `\` escapes. A pattern that does not compile matches nothing.
pub(super) fn gobwas_match(pattern: &str, value: &str, sep: Option<char>) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = value.chars().collect();
    gw(&p, &s, sep).unwrap_or(false)
}

/// The index of the `}` closing the `{` at `i`, and the top-level alternatives' ranges.
fn alternatives(p: &[char], i: usize) -> Option<(usize, Vec<(usize, usize)>)> {
    let mut depth = 0;
    let mut alts = Vec::new();
    let mut start = i + 1;
    let mut j = i;
    while j < p.len() {
        match p[j] {
            '\\' => j += 1,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    alts.push((start, j));
                    return Some((j, alts));
                }
            }
            ',' if depth == 1 => {
                alts.push((start, j));
                start = j + 1;
            }
            _ => {}
        }
        j += 1;
    }
    None
}

fn gw(p: &[char], s: &[char], sep: Option<char>) -> Option<bool> {
    let Some(&c) = p.first() else {
        return Some(s.is_empty());
    };
    let not_sep = |c: char| Some(c) != sep;
    Some(match c {
        '*' => {
            let stars = p.iter().take_while(|c| **c == '*').count();
            let rest = &p[stars..];
            let limit = if stars >= 2 || sep.is_none() {
                s.len()
            } else {
                s.iter().position(|c| !not_sep(*c)).unwrap_or(s.len())
            };
            for k in 0..=limit {
                if gw(rest, &s[k..], sep)? {
                    return Some(true);
                }
            }
            false
        }
        '?' => !s.is_empty() && not_sep(s[0]) && gw(&p[1..], &s[1..], sep)?,
        '[' => {
            let (m, end) = class(p, 0, '!')?;
            !s.is_empty() && m(s[0]) && gw(&p[end..], &s[1..], sep)?
        }
        '{' => {
            let (close, alts) = alternatives(p, 0)?;
            for (a, b) in alts {
                let mut q: Vec<char> = p[a..b].to_vec();
                q.extend_from_slice(&p[close + 1..]);
                if gw(&q, s, sep)? {
                    return Some(true);
                }
            }
            false
        }
        '\\' => {
            let e = *p.get(1)?;
            !s.is_empty() && s[0] == e && gw(&p[2..], &s[1..], sep)?
        }
        _ => !s.is_empty() && s[0] == c && gw(&p[1..], &s[1..], sep)?,
    })
}

/// `globMatch(pattern, val, allowNegation=true, seps…)` of `app_project_types.go`.
fn glob_neg(pattern: &str, value: &str, sep: Option<char>) -> bool {
    if let Some(p) = pattern.strip_prefix('!') {
        return !gobwas_match(p, value, sep);
    }
    pattern == "*" || gobwas_match(pattern, value, sep)
}

// ---------------------------------------------------------------- three-valued logic

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

// ---------------------------------------------------------------- project checks

const IN_CLUSTER_SERVER: &str = "https://kubernetes.default.svc";
const IN_CLUSTER_NAME: &str = "in-cluster";

/// The Application's destination cluster, as far as the manifests tell: (server, name). Argo CD
/// looks the cluster up and matches both; the in-cluster pair is known, others only in part.
fn cluster_of(spec: &Node<'_>) -> (Option<String>, Option<String>) {
    let get = |k: &str| {
        spec.path(&["destination", k])
            .and_then(Node::non_empty_str)
            .map(|s| s.trim_end_matches('/').to_string())
    };
    let (server, name) = (get("server"), get("name"));
    match (server, name) {
        (Some(s), None) if s == IN_CLUSTER_SERVER => (Some(s), Some(IN_CLUSTER_NAME.into())),
        (None, Some(n)) if n == IN_CLUSTER_NAME => (Some(IN_CLUSTER_SERVER.into()), Some(n)),
        other => other,
    }
}

/// `isDestinationMatched`: `Some(false)` only when no cluster the manifests allow could match.
fn destination_permitted(
    project: &Node<'_>,
    server: Option<&str>,
    name: Option<&str>,
    ns: &str,
) -> T {
    let mut any: T = Some(false);
    let mut no_deny: T = Some(true);
    let deny_pattern = |p: &str| Some(p.starts_with('!'));
    for item in project.get("destinations").map(Node::items).unwrap_or(&[]) {
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

/// `git.NormalizeGitURL`, plus a trailing `/`: lower case, `git@host:path` as `git@host/path`,
/// no `.git` suffix.
fn normalize_git_url(repo: &str) -> String {
    let mut r = repo.trim().to_lowercase();
    let ssh = r.starts_with("ssh://")
        || (!r.starts_with("http://") && !r.starts_with("https://") && {
            // ^(ssh://)?([^/:]*?)@[^@]+$
            match r.find('@') {
                Some(at) => {
                    !r[..at].contains(['/', ':']) && !r[at + 1..].contains('@') && at + 1 < r.len()
                }
                None => false,
            }
        });
    if ssh && !r.starts_with("ssh://") {
        r = r.replacen(':', "/", 1);
    }
    let mut r = r.strip_prefix("ssh://").unwrap_or(&r).to_string();
    while r.ends_with('/') {
        r.pop();
    }
    if let Some(s) = r.strip_suffix(".git") {
        r = s.to_string();
    }
    while r.ends_with('/') {
        r.pop();
    }
    r
}

/// `IsSourcePermitted`.
fn source_permitted(project: &Node<'_>, repo: &str) -> bool {
    let src = normalize_git_url(repo);
    let mut any = false;
    for pat in project.get("sourceRepos").map(Node::items).unwrap_or(&[]) {
        let Some(p) = pat.str() else { continue };
        let normalized = match p.strip_prefix('!') {
            Some(rest) => format!("!{}", normalize_git_url(rest)),
            None => normalize_git_url(p),
        };
        if glob_neg(&normalized, &src, Some('/')) {
            any = true;
        } else if normalized.starts_with('!') {
            return false;
        }
    }
    any
}

/// Is the object namespaced? The model's answer, plus Argo CD's own kinds, whose CRDs are rarely in
/// the tree.
pub(super) fn namespaced(cx: &Cx<'_, '_>, r: &Resource<'_>) -> Option<bool> {
    cx.model.is_namespaced(r).or_else(|| {
        (r.group == "argoproj.io"
            && matches!(r.kind, "Application" | "AppProject" | "ApplicationSet"))
        .then_some(true)
    })
}

/// Why a group/kind is refused.
enum Refusal {
    /// The whitelist is absent or empty (cluster kinds), or present but empty (namespaced kinds);
    /// `true` when absent.
    EmptyWhitelist(&'static str, bool),
    NotWhitelisted(&'static str),
    Blacklisted(&'static str, Span),
}

/// A list value: `None` when absent or null (Go's nil slice).
fn list<'n, 'a>(project: &'n Node<'a>, key: &str) -> Option<&'n [Node<'a>]> {
    project
        .get(key)
        .filter(|n| matches!(n.kind, NodeKind::Seq(_)))
        .map(Node::items)
}

fn in_list<'n, 'a>(items: &'n [Node<'a>], r: &Resource<'_>, names: bool) -> Option<&'n Node<'a>> {
    items.iter().find(|i| {
        let f = |k: &str| i.get(k).and_then(Node::str).unwrap_or("");
        filepath_match(f("kind"), r.kind)
            && filepath_match(f("group"), r.group)
            && (!names || f("name").is_empty() || filepath_match(f("name"), r.name.unwrap_or("")))
    })
}

/// `IsGroupKindNamePermitted`.
fn group_kind_refusal(project: &Node<'_>, r: &Resource<'_>, namespaced: bool) -> Option<Refusal> {
    let (wl, bl, names) = if namespaced {
        (
            "namespaceResourceWhitelist",
            "namespaceResourceBlacklist",
            false,
        )
    } else {
        ("clusterResourceWhitelist", "clusterResourceBlacklist", true)
    };
    match list(project, wl) {
        None if !namespaced => return Some(Refusal::EmptyWhitelist(wl, true)),
        Some([]) => return Some(Refusal::EmptyWhitelist(wl, false)),
        Some(items) if in_list(items, r, names).is_none() => {
            return Some(Refusal::NotWhitelisted(wl));
        }
        _ => {}
    }
    let hit = list(project, bl).and_then(|items| in_list(items, r, names))?;
    Some(Refusal::Blacklisted(bl, hit.span))
}

impl Rule for ProjectDeniesResource {
    fn check_app(
        &self,
        cx: &Cx<'_, '_>,
        app: &App<'_>,
        plan: &Plan<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(aid) = app.application else { return };
        let res = &cx.model.resources;
        let application = &res[aid];
        let Some(spec) = app_spec(application) else {
            return;
        };
        let pname = spec
            .get("project")
            .and_then(Node::non_empty_str)
            .unwrap_or("default");
        if templated(pname) {
            return;
        }
        // `default` outside the tree allows everything; another missing project is missing-project's.
        let Some(project) = projects(cx.model).find(|p| p.name == Some(pname)) else {
            return;
        };
        let Some(pspec) = project.root.get("spec") else {
            return;
        };
        let who = application.display();
        let related = |d: Diagnostic| {
            d.related(
                project.file,
                project.name_span,
                format!("AppProject/{pname} is defined here"),
            )
        };

        // (c) sourceRepos, for every source.
        let sources: Vec<&Node<'_>> = match spec.get("sources") {
            Some(l) if !l.items().is_empty() => l.items().iter().collect(),
            _ => spec.get("source").into_iter().collect(),
        };
        for src in sources {
            let Some(url_node) = src.get("repoURL") else {
                continue;
            };
            let Some(url) = url_node.non_empty_str() else {
                continue;
            };
            if templated(url) || source_permitted(pspec, url) {
                continue;
            }
            out.push(related(
                cx.finding(&INFO, application, url_node.span, format!("{who} takes manifests from {url}, which project {pname} does not permit"))
                    .label("not in the project's sourceRepos")
                    .help(format!("add `{url}` (or a glob that matches it) to spec.sourceRepos of AppProject/{pname}, and check that no `!` entry excludes it"))
                    .note(format!("the controller marks the app InvalidSpecError \"application repo {url} is not permitted in project '{pname}'\" and does not sync it (§11)")),
            ));
        }

        // (b) the app's own destination.
        let (server, name) = cluster_of(spec);
        let templated_dest = [server.as_deref(), name.as_deref(), app.dest_namespace]
            .iter()
            .flatten()
            .any(|v| templated(v));
        let cluster_known = server.is_some() || name.is_some();
        let dest_ns = app.dest_namespace.unwrap_or("");
        let mut dest_denied = false;
        if cluster_known
            && !templated_dest
            && destination_permitted(pspec, server.as_deref(), name.as_deref(), dest_ns)
                == Some(false)
        {
            dest_denied = true;
            let span = spec
                .path(&["destination", "namespace"])
                .map(|n| n.span)
                .or_else(|| spec.entry("destination").map(|e| e.key.span))
                .unwrap_or(application.kind_span);
            let cluster = server.as_deref().or(name.as_deref()).unwrap_or("");
            out.push(related(
                cx.finding(&INFO, application, span, if dest_ns.is_empty() {
                    format!("the destination of {who} ({cluster}, no namespace) is not permitted by project {pname}")
                } else {
                    format!("destination namespace `{dest_ns}` on {cluster} of {who} is not permitted by project {pname}")
                })
                    .label("not in the project's destinations")
                    .help(format!("add this server and namespace (or a glob) to spec.destinations of AppProject/{pname}, and check that no `!` entry excludes it"))
                    .note(format!("the controller marks the app InvalidSpecError \"application destination server '{}' and namespace '{dest_ns}' do not match any of the allowed destinations in project '{pname}'\" and does not sync it (§11)", server.as_deref().unwrap_or(cluster))),
            ));
        }

        // (a) and (b) per object.
        for &rid in &app.resources {
            if plan.not_synced.iter().any(|(n, _)| *n == rid) {
                continue;
            }
            let r = &res[rid];
            let Some(namespaced) = namespaced(cx, r) else {
                continue;
            };
            if let Some(refusal) = group_kind_refusal(pspec, r, namespaced) {
                let gk = format!("{}:{}", r.group, r.kind);
                let shown_group = if r.group.is_empty() { "\"\"" } else { r.group };
                let entry = format!("{{group: {shown_group}, kind: {}}}", r.kind);
                let scope = if namespaced {
                    "namespaced"
                } else {
                    "cluster-scoped"
                };
                let (why, help, extra) = match refusal {
                    Refusal::EmptyWhitelist(list, _) if namespaced => (
                        format!("its {list} is an empty list, which allows no namespaced kind"),
                        format!(
                            "add `{entry}` to {list} of AppProject/{pname}, or remove the empty list (absent allows every namespaced kind)"
                        ),
                        None,
                    ),
                    Refusal::EmptyWhitelist(list, absent) => (
                        format!(
                            "it has {}, and a project allows a cluster-scoped kind only when it is listed there",
                            if absent {
                                format!("no {list}")
                            } else {
                                format!("an empty {list}")
                            }
                        ),
                        format!(
                            "add `{entry}` to {list} of AppProject/{pname}, or deploy {} with a project that allows it",
                            r.display()
                        ),
                        None,
                    ),
                    Refusal::NotWhitelisted(list) => (
                        format!("no entry of its {list} matches"),
                        format!("add `{entry}` to {list} of AppProject/{pname}"),
                        None,
                    ),
                    Refusal::Blacklisted(list, span) => (
                        format!("its {list} matches it"),
                        format!(
                            "remove the matching entry from {list} of AppProject/{pname}, or move {} to another project",
                            r.display()
                        ),
                        Some(span),
                    ),
                };
                let mut d = related(
                    cx.finding(&INFO, r, r.kind_span, format!("{} ({scope}) is not permitted in project {pname}: {why}", r.display()))
                        .label(format!("`{gk}` is not permitted"))
                        .help(help)
                        .note(format!("Argo CD checks every object before it applies any: the sync fails with \"resource {gk} is not permitted in project {pname}\" (§11)")),
                );
                if let Some(span) = extra {
                    d = d.related(project.file, span, "this entry denies it");
                }
                out.push(d);
                continue;
            }
            // Objects in the destination namespace are covered by the app-level check above.
            let Some(ns_node) = r
                .root
                .path(&["metadata", "namespace"])
                .filter(|n| n.non_empty_str().is_some())
            else {
                continue;
            };
            let ns = r.namespace.unwrap_or("");
            if !namespaced
                || !cluster_known
                || templated_dest
                || templated(ns)
                || app.renamed
                || cx.model.possibly_patched(r)
                || (dest_denied && Some(ns) == app.dest_namespace)
            {
                continue;
            }
            if destination_permitted(pspec, server.as_deref(), name.as_deref(), ns) == Some(false) {
                out.push(related(
                    cx.finding(&INFO, r, ns_node.span, format!("{} goes to namespace {ns}, which project {pname} does not permit", r.display()))
                        .label("not in the project's destinations")
                        .help(format!("add namespace `{ns}` (or a glob) for this cluster to spec.destinations of AppProject/{pname}, or move {} to a permitted namespace", r.display()))
                        .note(format!("Argo CD checks every object's namespace before it applies any: the sync fails with \"namespace {ns} is not permitted in project '{pname}'\" (§11)")),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{filepath_match, gobwas_match, normalize_git_url};

    #[test]
    fn filepath_globs() {
        assert!(filepath_match("*", "Deployment"));
        assert!(filepath_match("", ""));
        assert!(!filepath_match("", "apps"));
        assert!(filepath_match("*.k8s.io", "networking.k8s.io"));
        assert!(!filepath_match("*", "a/b"));
        assert!(filepath_match("Cluster?ole", "ClusterRole"));
        assert!(filepath_match("[A-Z]*", "Namespace"));
        assert!(!filepath_match("[^A-Z]*", "Namespace"));
        assert!(filepath_match("\\*", "*"));
        assert!(!filepath_match("[", "["));
        assert!(!filepath_match("[]", "a"));
    }

    #[test]
    fn gobwas_globs() {
        assert!(gobwas_match("*", "a/b", None));
        assert!(!gobwas_match(
            "https://github.com/org/*",
            "https://github.com/org/a/b",
            Some('/')
        ));
        assert!(gobwas_match(
            "https://github.com/org/**",
            "https://github.com/org/a/b",
            Some('/')
        ));
        assert!(gobwas_match("team-{a,b}", "team-b", None));
        assert!(!gobwas_match("team-{a,b}", "team-c", None));
        assert!(gobwas_match("[!k]*", "web", None));
        assert!(!gobwas_match("[!k]*", "kube-system", None));
        assert!(gobwas_match("team-?", "team-x", None));
        assert!(!gobwas_match("{a,b", "a", None));
    }

    #[test]
    fn git_urls() {
        assert_eq!(
            normalize_git_url("https://GitHub.com/Org/Repo.git"),
            "https://github.com/org/repo"
        );
        assert_eq!(
            normalize_git_url("https://github.com/org/repo/"),
            "https://github.com/org/repo"
        );
        assert_eq!(
            normalize_git_url("git@github.com:org/repo.git"),
            "git@github.com/org/repo"
        );
        assert_eq!(
            normalize_git_url("ssh://git@github.com/org/repo"),
            "git@github.com/org/repo"
        );
    }
}
