//! The Argo CD instance that syncs this tree, as far as the tree and the user's config tell:
//! its version, and whether Applications have a health check (the fact app-of-apps waves rest
//! on). Sources, strongest first: `.synclint.yaml` (`argocd: {version, health-checks}`) and
//! `--argocd-version`; the tree's `argocd-cm` (split keys and the legacy `resource.customizations`
//! map); an `argoproj.io` `ArgoCD` operator resource (`spec.version`, `spec.resourceHealthChecks`,
//! `spec.extraConfig`); the image tag of an Argo CD install in the tree; a remote install base's
//! `?ref=`. When nothing tells, a fact is `Unknown` and rules say so as `info`.

use crate::load::source::{find_in, occurs};
use crate::load::yaml::{Node, NodeKind, Span};
use crate::load::{FileId, SourceFile, Workspace};

use super::exclusions::{Excluded, ResourceFilter, parse_list};
use super::resource::Resource;

/// An Argo CD release, `major.minor.patch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Version {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// `3.1`, `v2.14.3`, `2.8.0-rc1` (the pre-release is ignored).
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim().trim_start_matches('v');
        let s = s.split(['-', '+', '@']).next()?;
        let mut it = s.split('.');
        let major = it.next()?.parse().ok()?;
        let minor = it.next().map_or(Some(0), |m| m.parse().ok())?;
        let patch = it.next().map_or(Some(0), |p| p.parse().ok())?;
        if it.next().is_some() {
            return None;
        }
        Some(Version::new(major, minor, patch))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The newest release the rules know (the engine source they follow).
pub const NEWEST: Version = Version::new(3, 6, 0);

/// What the user declared about the instance.
#[derive(Clone, Debug, Default)]
pub struct Declared {
    pub version: Option<Version>,
    /// `group/kind` entries with a health check (`argoproj.io/Application`).
    pub health_checks: Vec<String>,
}

/// Where the version came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionFrom {
    Declared,
    /// A file of the tree (install manifest, operator resource, remote base).
    Tree(FileId, Span),
    Default,
}

/// Is something configured? With the place that says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact {
    Yes(Option<(FileId, Span)>),
    /// The instance's configuration is in the tree, and does not have it.
    No(FileId, Span),
    /// The configuration is not in the tree (a remote base, an install elsewhere).
    Unknown,
}

#[derive(Clone, Debug)]
pub struct Instance {
    pub version: Version,
    pub version_from: VersionFrom,
    /// An `argoproj.io/Application` health check (app-of-apps waves wait for children).
    pub app_health: Fact,
    /// `group/kind` keys whose health the instance overrides (argocd-cm, operator, config).
    pub health_overrides: Vec<String>,
    /// `kustomize.buildOptions` of argocd-cm (written as a ConfigMap, or in Helm values), with
    /// the file it was found in: the flags Argo CD adds to every `kustomize build`.
    pub kustomize_build_options: Option<(String, FileId)>,
    /// Is argocd-cm in the tree (a ConfigMap, a patch, an operator resource, chart values)?
    /// Without it, options that are off by default may be on.
    pub cm_in_tree: bool,
    /// argocd-cm's `globalProjects`: projects whose lists every project their selector picks
    /// inherits (`GetAppVirtualProject`).
    pub global_projects: GlobalProjects,
    /// argocd-cm's `resource.exclusions` / `resource.inclusions`: kinds never synced.
    pub resource_filter: ResourceFilter,
    /// Where the tree sets the filter it holds (`ResourceFilter::Known`).
    pub resource_filter_at: Option<(FileId, Span)>,
}

/// argocd-cm's `globalProjects`, as far as the tree tells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum GlobalProjects {
    /// None configured.
    #[default]
    None,
    Known(Vec<GlobalProject>),
    /// Configured where the tree cannot read it (Helm values, a patch, a template).
    Unknown,
}

/// One `globalProjects` entry: the project `project` lends its lists to every project that
/// `selector` picks (but itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobalProject {
    pub project: String,
    pub selector: LabelSelector,
}

/// A `metav1.LabelSelector`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub match_labels: Vec<(String, String)>,
    /// (key, operator, values)
    pub match_expressions: Vec<(String, String, Vec<String>)>,
}

impl LabelSelector {
    /// `LabelSelectorAsSelector(...).Matches(labels)`: an empty selector matches everything;
    /// `None` when an operator is not one Kubernetes knows (the selector is an error there).
    pub fn matches(&self, labels: &[(&str, &str)]) -> Option<bool> {
        let get = |k: &str| labels.iter().find(|(lk, _)| *lk == k).map(|(_, v)| *v);
        let mut all = self
            .match_labels
            .iter()
            .all(|(k, v)| get(k) == Some(v.as_str()));
        for (k, op, values) in &self.match_expressions {
            let has = |v: &str| values.iter().any(|x| x == v);
            all &= match op.as_str() {
                "In" => get(k).is_some_and(has),
                "NotIn" => get(k).is_none_or(|v| !has(v)),
                "Exists" => get(k).is_some(),
                "DoesNotExist" => get(k).is_none(),
                _ => return None,
            };
        }
        Some(all)
    }
}

/// argocd-cm's `globalProjects` value (a YAML list held in a string).
fn global_projects(text: &str) -> Option<Vec<GlobalProject>> {
    let parsed = crate::load::yaml::parse(text);
    let doc = parsed.docs.first()?;
    let mut out = Vec::new();
    for item in doc.root.items() {
        let project = item.get("projectName")?.non_empty_str()?.to_string();
        let mut selector = LabelSelector::default();
        if let Some(sel) = item.get("labelSelector") {
            for e in sel.get("matchLabels").map(Node::entries).unwrap_or(&[]) {
                selector
                    .match_labels
                    .push((e.key.str()?.to_string(), e.value.str()?.to_string()));
            }
            for x in sel.get("matchExpressions").map(Node::items).unwrap_or(&[]) {
                let field = |k: &str| x.get(k).and_then(Node::str).map(str::to_string);
                let values = x
                    .get("values")
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|v| v.str().map(str::to_string))
                    .collect();
                selector
                    .match_expressions
                    .push((field("key")?, field("operator")?, values));
            }
        }
        out.push(GlobalProject { project, selector });
    }
    Some(out)
}

impl Instance {
    /// Does Argo CD build with the load restrictor off (`--load-restrictor LoadRestrictionsNone`)?
    pub fn kustomize_unrestricted(&self) -> bool {
        self.kustomize_build_options
            .as_ref()
            .is_some_and(|(o, _)| o.contains("LoadRestrictionsNone"))
    }
}

/// The resource filter a configuration sets: `None` when it sets neither list, `Some(None)`
/// when a list does not read (a template, a broken value).
fn filter_of(
    exclusions: Option<&Node<'_>>,
    inclusions: Option<&Node<'_>>,
) -> Option<Option<ResourceFilter>> {
    if exclusions.is_none() && inclusions.is_none() {
        return None;
    }
    let list = |n: Option<&Node<'_>>| match n {
        None => Some(Vec::new()),
        Some(n) => n.str().and_then(parse_list),
    };
    Some(match (list(exclusions), list(inclusions)) {
        (Some(exclusions), Some(inclusions)) => Some(ResourceFilter::Known {
            exclusions,
            inclusions,
        }),
        _ => None,
    })
}

/// A resource filter the tree sets (`None`: it does not read), with where it is written.
type Found = (Option<ResourceFilter>, Option<(FileId, Span)>);

/// The resource filter a mapping sets under its keys `excl` / `incl`, with where it is written
/// (the first key) in `file`.
fn filter_in(map: &Node<'_>, excl: &str, incl: &str, file: FileId) -> Option<Found> {
    let at = map
        .entry(excl)
        .or_else(|| map.entry(incl))
        // The value: a rendered copy maps back to its source by the values' paths.
        .map(|e| (file, e.value.span));
    filter_of(map.get(excl), map.get(incl)).map(|f| (f, at))
}

/// Where argocd-cm's resource filter is written.
const FILTER_KEYS: [&str; 4] = [
    "resource.exclusions",
    "resource.inclusions",
    "resourceExclusions",
    "resourceInclusions",
];

/// Resource filters set in values of the argo-cd chart, at any depth (an umbrella chart's
/// `argo-cd:` key, an Application's `helm.valuesObject`), and in `helm.values` strings.
/// Each with where it is written: the `configs` key, or the `values` key whose string holds it
/// (`anchor`: positions in a parsed string are not the file's).
fn chart_values_filters(
    n: &Node<'_>,
    depth: u32,
    anchor: Option<Span>,
    out: &mut Vec<(Option<ResourceFilter>, Span)>,
) {
    if depth > 12 {
        return;
    }
    match &n.kind {
        NodeKind::Map(entries) => {
            for e in entries {
                match e.key.str() {
                    Some("configs") => {
                        if let Some(cm) = e.value.get("cm") {
                            let at = anchor.unwrap_or(e.key.span);
                            out.extend(
                                filter_of(
                                    cm.get("resource.exclusions"),
                                    cm.get("resource.inclusions"),
                                )
                                .map(|f| (f, at)),
                            );
                        }
                        continue;
                    }
                    Some("values") => {
                        if let Some(t) = e.value.str().filter(|t| t.contains("configs")) {
                            for d in &crate::load::yaml::parse(t).docs {
                                let at = anchor.or(Some(e.key.span));
                                chart_values_filters(&d.root, depth + 1, at, out);
                            }
                        }
                    }
                    _ => {}
                }
                chart_values_filters(&e.value, depth + 1, anchor, out);
            }
        }
        NodeKind::Seq(items) => {
            for i in items {
                chart_values_filters(i, depth + 1, anchor, out);
            }
        }
        NodeKind::Scalar(_) => {}
    }
}

/// Does the text hold the argo-cd chart's `configs.cm` (values that become argocd-cm)?
fn chart_values_cm(text: &str) -> bool {
    find_in(text, "configs:").is_some_and(|at| {
        text[at..]
            .lines()
            .skip(1)
            .take_while(|l| l.trim().is_empty() || l.starts_with([' ', '#']))
            .any(|l| l.trim_start().starts_with("cm:"))
    })
}

/// The value of a `kustomize.buildOptions:` key in a file's text (the first one).
fn build_options(text: &str) -> Option<String> {
    let at = find_in(text, "kustomize.buildOptions")?;
    let rest = &text[at + "kustomize.buildOptions".len()..];
    let rest = rest.trim_start_matches(['"', '\'']).trim_start();
    let value = rest.strip_prefix(':')?.lines().next()?.trim();
    Some(value.trim_matches(['"', '\'']).to_string())
}

impl Instance {
    /// The instance as the tree and the declaration describe it.
    pub fn discover(
        ws: &Workspace,
        files: &[&SourceFile],
        resources: &[Resource<'_>],
        fragments: &[FileId],
        unread: &(dyn Fn(FileId) -> bool + Sync),
        declared: &Declared,
    ) -> Instance {
        let mut overrides: Vec<String> = declared.health_checks.clone();
        let mut app_health = if declared
            .health_checks
            .iter()
            .any(|h| h == "argoproj.io/Application")
        {
            Fact::Yes(None)
        } else {
            Fact::Unknown
        };
        let mut found_versions: Vec<(Version, FileId, Span)> = Vec::new();
        let mut global_known: Option<Vec<GlobalProject>> = None;
        let mut global_unreadable = false;
        // Every resource filter the tree's configurations set (`None`: one does not read).
        let mut filters: Vec<Found> = Vec::new();
        let mut filter_files: Vec<FileId> = Vec::new();
        let mut config_seen: Option<(FileId, Span)> = None;
        let mut operator_seen = false;
        let mut installs_chart = false;
        // An argocd-cm among docs, examples, fixtures or archived folders configures nothing.
        let by_place = |r: &&Resource<'_>| {
            r.file < ws.files.len()
                && super::set_aside_by_place(&ws.files[r.file].path, ws.repo_roots_of(r.file))
                    .is_some()
        };
        for r in resources {
            // What the object tells, decided first: where its file is (not cheap) is asked only
            // of the objects that tell something.
            let cm = r.is("", "ConfigMap") && r.name == Some("argocd-cm");
            let operator = r.is("argoproj.io", "ArgoCD");
            let chart = r.is("argoproj.io", "Application") && deploys_argocd_chart(r);
            let images: Vec<(Version, Span)> = match r.pod_spec {
                Some(ps) if !(cm || operator || chart) => ps
                    .get("containers")
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|c| {
                        let img = c.get("image")?;
                        Some((img.str().and_then(argocd_image_version)?, img.span))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            if !(cm || operator || chart || !images.is_empty()) || by_place(&r) {
                continue;
            }
            if cm {
                config_seen.get_or_insert((r.file, r.name_span));
                if let Some(v) = r.root.path(&["data", "globalProjects"]) {
                    match v.str().and_then(global_projects) {
                        Some(list) => global_known.get_or_insert_default().extend(list),
                        None => global_unreadable = true,
                    }
                }
                if let Some(data) = r.root.get("data") {
                    overrides.extend(cm_health_keys(data));
                    filters.extend(filter_in(
                        data,
                        "resource.exclusions",
                        "resource.inclusions",
                        r.file,
                    ));
                }
                filter_files.push(r.file);
            } else if operator {
                config_seen.get_or_insert((r.file, r.name_span));
                operator_seen = true;
                if let Some(spec) = r.root.get("spec") {
                    overrides.extend(operator_health_keys(spec));
                    filters.extend(filter_in(
                        spec,
                        "resourceExclusions",
                        "resourceInclusions",
                        r.file,
                    ));
                    filter_files.push(r.file);
                    if let Some(v) = spec
                        .get("version")
                        .and_then(Node::str)
                        .and_then(Version::parse)
                    {
                        found_versions.push((
                            v,
                            r.file,
                            spec.get("version").map_or(r.name_span, |n| n.span),
                        ));
                    }
                }
            } else if chart {
                installs_chart = true;
                // Its argocd-cm is the chart's `configs.cm`, when the Application holds all the
                // values (inline, no value files).
                if let Some(cm) = argocd_chart_cm(r) {
                    config_seen.get_or_insert((r.file, cm));
                }
            } else {
                found_versions.extend(images.into_iter().map(|(v, sp)| (v, r.file, sp)));
            }
        }
        // An argocd-cm patch onto an install from a remote base: the configuration the tree adds.
        for &f in fragments.iter().filter(|&&f| {
            f < ws.files.len()
                && super::set_aside_by_place(&ws.files[f].path, ws.repo_roots_of(f)).is_none()
        }) {
            for d in &ws.files[f].yaml().docs {
                let root = &d.root;
                let name = root.get("metadata").and_then(|m| m.get("name"));
                if root.get("kind").and_then(Node::str) == Some("ConfigMap")
                    && let Some(name) = name.filter(|n| n.str() == Some("argocd-cm"))
                {
                    config_seen.get_or_insert((f, name.span));
                    if let Some(data) = root.get("data") {
                        overrides.extend(cm_health_keys(data));
                        // A patch's list replaces the install's whole value.
                        filters.extend(filter_in(
                            data,
                            "resource.exclusions",
                            "resource.inclusions",
                            f,
                        ));
                    }
                    filter_files.push(f);
                }
            }
        }
        if overrides.iter().any(|k| k == "argoproj.io/Application") {
            app_health = Fact::Yes(None);
        }
        // Argo CD's configuration also lives in Helm values (`configs.cm`), kustomize patches and
        // generators: the split key anywhere in the tree means the check is configured.
        if app_health == Fact::Unknown || matches!(app_health, Fact::Yes(None)) {
            // A text search over every file: the first match, searched in parallel.
            use rayon::prelude::*;
            let first = files.par_iter().enumerate().find_map_first(|(i, f)| {
                let t = f.text();
                if let Some(at) = find_in(t, "health.argoproj.io_Application") {
                    return Some((i, Span::new(at, at + 31)));
                }
                legacy_app_health(t).map(|at| (i, Span::new(at, at + 23)))
            });
            if let Some(found) = first {
                app_health = Fact::Yes(Some(found));
            }
        }
        let mut installs_remote = false;
        for (i, f) in ws.files.iter().enumerate() {
            let Some(name) = f.path.file_name() else {
                continue;
            };
            if crate::model::kustomize::NAMES.iter().any(|k| name == *k) {
                installs_remote |= find_in(f.text(), "argoproj/argo-cd").is_some();
                for (at, v) in remote_base_versions(f.text()) {
                    found_versions.push((v, i, Span::new(at, at)));
                }
            } else if name == "Chart.yaml" {
                // An umbrella chart over the argo-cd chart.
                installs_chart |= f
                    .text()
                    .lines()
                    .any(|l| l.trim_start().trim_start_matches("- ").trim() == "name: argo-cd");
            }
        }
        // An argocd-cm its author calls a patch (`argocd-cm-patch.yaml`), synced onto an Argo CD
        // installed elsewhere (Helm, Terraform), is merged into the live ConfigMap, whose other
        // keys stay: it is the whole configuration only when the tree also installs Argo CD (its
        // workloads, the operator's resource, the argo-cd chart, a remote install base).
        let installs =
            operator_seen || installs_chart || installs_remote || !found_versions.is_empty();
        let partial = |f: FileId| {
            f < ws.files.len()
                && !fragments.contains(&f)
                && ws.files[f]
                    .path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().to_ascii_lowercase().contains("patch"))
        };
        if app_health == Fact::Unknown
            && let Some((f, sp)) = config_seen
            && (installs || !partial(f))
        {
            app_health = Fact::No(f, sp);
        }
        let (version, version_from) = match declared.version {
            Some(v) => (v, VersionFrom::Declared),
            None => match found_versions.iter().max_by_key(|(v, _, _)| *v) {
                Some(&(v, f, sp)) => (v, VersionFrom::Tree(f, sp)),
                None => (NEWEST, VersionFrom::Default),
            },
        };
        overrides.sort();
        overrides.dedup();
        // Text searches over every file, in one parallel pass: the first
        // `kustomize.buildOptions`, whether `globalProjects` is written anywhere, and the resource
        // filters that Helm values of the argo-cd chart set (`configs.cm`).
        let (kustomize_build_options, global_anywhere, values_filters, unexplained, chart_cm) = {
            use rayon::prelude::*;
            files
                .par_iter()
                .enumerate()
                .map(|(i, f)| {
                    let t = f.text();
                    let mut values = Vec::new();
                    let mut unexplained = Vec::new();
                    // One search for what all four keys share, then the keys themselves.
                    if find_in(t, "clusions").is_some()
                        && FILTER_KEYS.iter().any(|k| find_in(t, k).is_some())
                    {
                        if i < ws.files.len()
                            && super::set_aside_by_place(&ws.files[i].path, ws.repo_roots_of(i))
                                .is_some()
                        {
                            // Reading material configures nothing.
                        } else {
                            // A values file is no manifest, so the loader did not parse it.
                            let own;
                            let parsed = if f.class == crate::load::FileClass::Yaml {
                                f.yaml()
                            } else {
                                own = crate::load::yaml::parse(t);
                                &own
                            };
                            let mut found = Vec::new();
                            for d in &parsed.docs {
                                chart_values_filters(&d.root, 0, None, &mut found);
                            }
                            values.extend(found.into_iter().map(|(f, sp)| (f, Some((i, sp)))));
                            if values.is_empty() {
                                unexplained.push(i);
                            }
                        }
                    }
                    (
                        build_options(t).map(|o| (o, i)),
                        find_in(t, "globalProjects").is_some(),
                        values,
                        unexplained,
                        chart_values_cm(t),
                    )
                })
                .reduce(
                    || (None, false, Vec::new(), Vec::new(), false),
                    |(a, ga, mut fa, mut ua, ca), (b, gb, fb, ub, cb)| {
                        fa.extend(fb);
                        ua.extend(ub);
                        (a.or(b), ga || gb, fa, ua, ca || cb)
                    },
                )
        };
        filters.extend(values_filters);
        // A filter written anywhere else (a kustomize patch, a template) is configured where
        // the tree cannot read it.
        // A file a build stands for (or leaves out) is read through the build, or not at all.
        if unexplained
            .iter()
            .any(|&f| !filter_files.contains(&f) && !unread(f))
        {
            filters.push((None, None));
        }
        // One readable filter, or copies that agree, is the instance's.
        let (resource_filter, resource_filter_at) = match filters.split_first() {
            Some(((Some(first), at), rest))
                if rest.iter().all(|(f, _)| f.as_ref() == Some(first)) =>
            {
                (first.clone(), *at)
            }
            Some(_) => (ResourceFilter::Unknown, None),
            None => (ResourceFilter::InstallDefaults, None),
        };
        // `globalProjects` written anywhere else (Helm values' `configs.cm`, a patch) is
        // configured where the tree cannot read it whole.
        let global_projects = match global_known {
            _ if global_unreadable => GlobalProjects::Unknown,
            Some(list) => GlobalProjects::Known(list),
            None if global_anywhere => GlobalProjects::Unknown,
            None => GlobalProjects::None,
        };
        Instance {
            cm_in_tree: config_seen.is_some() || chart_cm,
            resource_filter,
            resource_filter_at,
            global_projects,
            kustomize_build_options,
            version,
            version_from,
            app_health,
            health_overrides: overrides,
        }
    }

    /// Does the instance run at least this release?
    pub fn at_least(&self, v: Version) -> bool {
        self.version >= v
    }

    /// Does the instance leave this kind out of every sync to `server`?
    pub fn excluded(&self, group: &str, kind: &str, server: Option<&str>) -> Excluded {
        self.resource_filter
            .excluded(self.version, group, kind, server)
    }

    /// Does the instance override the health of this group/kind?
    pub fn overrides_health(&self, group: &str, kind: &str) -> bool {
        let key = if group.is_empty() {
            kind.to_string()
        } else {
            format!("{group}/{kind}")
        };
        self.health_overrides.iter().any(|k| {
            super::glob::matches(super::glob::Dialect::Gobwas(None), k, &key)
                || (group.is_empty() && k == &format!("/{kind}"))
        })
    }
}

/// `resource.customizations.health.<group>_<kind>` keys and the legacy map's `group/kind` keys
/// that carry `health.lua`.
fn cm_health_keys(data: &Node<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for e in data.entries() {
        let Some(k) = e.key.str() else { continue };
        if let Some(gk) = k.strip_prefix("resource.customizations.health.") {
            out.push(match gk.split_once('_') {
                Some((g, kind)) => format!("{g}/{kind}"),
                None => gk.to_string(),
            });
        } else if k == "resource.customizations"
            && let Some(text) = e.value.str()
        {
            out.extend(legacy_health_keys(text));
        }
    }
    out
}

/// The `group/kind` keys of a legacy `resource.customizations` map that carry `health.lua`.
fn legacy_health_keys(text: &str) -> Vec<String> {
    let parsed = crate::load::yaml::parse(text);
    let mut out = Vec::new();
    for d in &parsed.docs {
        for ce in d.root.entries() {
            if ce.value.get("health.lua").is_some()
                && let Some(key) = ce.key.str()
            {
                out.push(key.to_string());
            }
        }
    }
    out
}

/// The operator's `spec.resourceHealthChecks` (and `extraConfig` split keys).
fn operator_health_keys(spec: &Node<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for c in spec
        .get("resourceHealthChecks")
        .map(Node::items)
        .unwrap_or(&[])
    {
        let g = c.get("group").and_then(Node::str).unwrap_or("");
        if let Some(k) = c.get("kind").and_then(Node::str) {
            out.push(if g.is_empty() {
                k.to_string()
            } else {
                format!("{g}/{k}")
            });
        }
    }
    // The operator's legacy map, same format as argocd-cm's `resource.customizations`.
    if let Some(text) = spec.get("resourceCustomizations").and_then(Node::str) {
        out.extend(legacy_health_keys(text));
    }
    if let Some(extra) = spec.get("extraConfig") {
        out.extend(cm_health_keys(extra));
    }
    out
}

/// The legacy `resource.customizations` form that keys `argoproj.io/Application` with a
/// `health.lua` (offset of the key).
fn legacy_app_health(text: &str) -> Option<usize> {
    if !occurs(text, "resource.customizations") || !occurs(text, "health.lua") {
        return None;
    }
    find_in(text, "argoproj.io/Application:")
}

/// An Application that installs Argo CD from its Helm chart (`chart: argo-cd`).
fn deploys_argocd_chart(app: &Resource<'_>) -> bool {
    argocd_chart_source(app).is_some()
}

/// The source of an Application that installs the argo-cd chart.
fn argocd_chart_source<'n>(app: &'n Resource<'_>) -> Option<&'n Node<'n>> {
    let spec = app.root.get("spec")?;
    super::app::spec_sources(spec).find(|s| s.get("chart").and_then(Node::str) == Some("argo-cd"))
}

/// Where an Application of the argo-cd chart writes argocd-cm (`helm.valuesObject.configs.cm`),
/// when that is all its values say about it: no value files, no `values` string.
fn argocd_chart_cm(app: &Resource<'_>) -> Option<Span> {
    let helm = argocd_chart_source(app)?.get("helm")?;
    if helm
        .get("valueFiles")
        .is_some_and(|l| !l.items().is_empty())
        || helm.get("values").is_some()
    {
        return None;
    }
    let cm = helm.path(&["valuesObject", "configs"])?.entry("cm")?;
    cm.value.is_map().then_some(cm.key.span)
}

/// `quay.io/argoproj/argocd:v2.9.3` (also `argoproj/argocd:v1.8.7`, digests after `@`).
pub fn argocd_image_version(image: &str) -> Option<Version> {
    let (repo, tag) = image.split('@').next()?.rsplit_once(':')?;
    let name = repo.rsplit('/').next()?;
    (name == "argocd" && repo.contains("argoproj"))
        .then(|| Version::parse(tag))
        .flatten()
}

/// `github.com/argoproj/argo-cd/manifests/cluster-install?ref=v2.9.3` and
/// `https://raw.githubusercontent.com/argoproj/argo-cd/v2.9.3/manifests/install.yaml` in a
/// kustomization.
fn remote_base_versions(text: &str) -> Vec<(usize, Version)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("argoproj/argo-cd") {
        let rest = &text[at..];
        let line = rest.lines().next().unwrap_or("");
        let v = line
            .split_once("?ref=")
            .map(|(_, r)| r)
            .or_else(|| line.strip_prefix("argoproj/argo-cd/"))
            .and_then(|r| r.split(['/', '"', '\'', ' ', '&']).next())
            .and_then(|r| r.starts_with('v').then(|| Version::parse(r)).flatten());
        if let Some(v) = v {
            out.push((at, v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argo_cd_chart_values_with_an_argocd_cm() {
        assert!(chart_values_cm("configs:\n  params: {}\n  cm:\n    a: b\n"));
        assert!(chart_values_cm(
            "argo-cd:\n  configs:\n    # the cm\n    cm: {}\n"
        ));
        assert!(!chart_values_cm(
            "configs:\n  params: {}\nother:\n  cm: {}\n"
        ));
        assert!(!chart_values_cm("cm: {}\n"));
    }

    #[test]
    fn global_project_selectors() {
        let list = global_projects(
            "- projectName: g\n  labelSelector:\n    matchLabels: {tier: prod}\n    matchExpressions:\n      - {key: team, operator: NotIn, values: [ops]}\n      - {key: owner, operator: Exists}\n      - {key: legacy, operator: DoesNotExist}\n- projectName: all\n",
        )
        .unwrap();
        let sel = &list[0].selector;
        assert_eq!(list[0].project, "g");
        assert_eq!(sel.matches(&[("tier", "prod"), ("owner", "a")]), Some(true));
        assert_eq!(
            sel.matches(&[("tier", "prod"), ("owner", "a"), ("team", "dev")]),
            Some(true)
        );
        assert_eq!(
            sel.matches(&[("tier", "prod"), ("owner", "a"), ("team", "ops")]),
            Some(false)
        );
        assert_eq!(sel.matches(&[("tier", "prod")]), Some(false));
        assert_eq!(
            sel.matches(&[("tier", "prod"), ("owner", "a"), ("legacy", "y")]),
            Some(false)
        );
        assert_eq!(sel.matches(&[("tier", "dev"), ("owner", "a")]), Some(false));
        // No selector: every project.
        assert_eq!(list[1].selector.matches(&[]), Some(true));
        let odd = LabelSelector {
            match_expressions: vec![("k".into(), "Gt".into(), vec![])],
            ..Default::default()
        };
        assert_eq!(odd.matches(&[]), None);
    }

    #[test]
    fn versions() {
        assert_eq!(Version::parse("v2.14.3"), Some(Version::new(2, 14, 3)));
        assert_eq!(Version::parse("3.1"), Some(Version::new(3, 1, 0)));
        assert_eq!(Version::parse("2.8.0-rc1"), Some(Version::new(2, 8, 0)));
        assert_eq!(Version::parse("latest"), None);
        assert_eq!(
            argocd_image_version("quay.io/argoproj/argocd:v2.9.3"),
            Some(Version::new(2, 9, 3))
        );
        assert_eq!(argocd_image_version("quay.io/argoproj/argocd:latest"), None);
        assert_eq!(argocd_image_version("ghcr.io/dexidp/dex:v2.37.0"), None);
        assert_eq!(
            remote_base_versions(
                "resources:\n- github.com/argoproj/argo-cd/manifests/cluster-install?ref=v2.10.1\n"
            )
            .first()
            .map(|x| x.1),
            Some(Version::new(2, 10, 1))
        );
        assert_eq!(
            remote_base_versions("- https://raw.githubusercontent.com/argoproj/argo-cd/v2.4.7/manifests/install.yaml\n")
                .first()
                .map(|x| x.1),
            Some(Version::new(2, 4, 7))
        );
    }
}
