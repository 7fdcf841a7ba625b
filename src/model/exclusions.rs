//! Which kinds Argo CD leaves out of every sync: the engine's built-in list, and argocd-cm's
//! `resource.exclusions` / `resource.inclusions` (`util/settings/resources_filter.go`). An
//! excluded object among an app's manifests is dropped with an `ExcludedResourceWarning`
//! (`controller/state.go`): it is never applied, and nothing waits for it.
//!
//! Since 3.0 the install's own argocd-cm carries a default `resource.exclusions`
//! (`manifests/base/config/argocd-cm.yaml`, commit ac50d8e, unchanged through 3.5): `Endpoints`,
//! `EndpointSlice`, the authn/authz reviews, CSRs and some controllers' reports. Where the tree
//! does not show the instance's argocd-cm, those kinds are probably excluded, not surely.

use super::glob::{Dialect, matches};
use super::instance::Version;
use crate::load::yaml::{Node, NodeKind};

/// One `FilteredResource`; an empty list matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filtered {
    pub groups: Vec<String>,
    pub kinds: Vec<String>,
    pub clusters: Vec<String>,
}

impl Filtered {
    /// `matchGroup && matchKind`: groups are globs, kinds exact or `*`.
    fn matches_kind(&self, group: &str, kind: &str) -> bool {
        (self.groups.is_empty() || self.groups.iter().any(|g| glob_match(g, group)))
            && (self.kinds.is_empty() || self.kinds.iter().any(|k| k == "*" || k == kind))
    }

    /// `MatchCluster` (a glob on the server URL); `None` when the entry names clusters and the
    /// app's server is not known.
    fn matches_cluster(&self, server: Option<&str>) -> Option<bool> {
        if self.clusters.is_empty() {
            return Some(true);
        }
        let s = server?;
        Some(self.clusters.iter().any(|c| glob_match(c, s)))
    }
}

/// `glob.Match`; a pattern without glob syntax is compared as it is (most are), without the
/// compiled-pattern cache.
fn glob_match(pattern: &str, value: &str) -> bool {
    if pattern.contains(['*', '?', '[', '{', '\\']) {
        matches(Dialect::Gobwas(None), pattern, value)
    } else {
        pattern == value
    }
}

/// A filter entry written in the engine's source: (API groups, kinds); empty matches all.
type Builtin = (&'static [&'static str], &'static [&'static str]);

fn builtin_matches(list: &[Builtin], group: &str, kind: &str) -> bool {
    list.iter().any(|(groups, kinds)| {
        (groups.is_empty() || groups.contains(&group))
            && (kinds.is_empty() || kinds.contains(&kind))
    })
}

/// `coreExcludedResources`: excluded whatever argocd-cm says (unchanged since 2.x).
const CORE: &[Builtin] = &[
    (&["events.k8s.io", "metrics.k8s.io"], &[]),
    (&[""], &["Event"]),
    (&["coordination.k8s.io"], &["Lease"]),
];

/// Is this kind in `coreExcludedResources`?
pub fn core_excluded(group: &str, kind: &str) -> bool {
    builtin_matches(CORE, group, kind)
}

/// The install's default `resource.exclusions` (3.0 and later).
const INSTALL_DEFAULTS: &[Builtin] = &[
    (&["", "discovery.k8s.io"], &["Endpoints", "EndpointSlice"]),
    (&["coordination.k8s.io"], &["Lease"]),
    (
        &["authentication.k8s.io", "authorization.k8s.io"],
        &[
            "SelfSubjectReview",
            "TokenReview",
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
            "SelfSubjectRulesReview",
            "SubjectAccessReview",
        ],
    ),
    (&["certificates.k8s.io"], &["CertificateSigningRequest"]),
    (&["cert-manager.io"], &["CertificateRequest"]),
    (
        &["cilium.io"],
        &["CiliumIdentity", "CiliumEndpoint", "CiliumEndpointSlice"],
    ),
    (
        &["kyverno.io", "reports.kyverno.io", "wgpolicyk8s.io"],
        &[
            "PolicyReport",
            "ClusterPolicyReport",
            "EphemeralReport",
            "ClusterEphemeralReport",
            "AdmissionReport",
            "ClusterAdmissionReport",
            "BackgroundScanReport",
            "ClusterBackgroundScanReport",
            "UpdateRequest",
        ],
    ),
];

/// The release whose install first carried default exclusions.
pub const DEFAULTS_SINCE: Version = Version::new(3, 0, 0);

/// argocd-cm's resource filter, as far as the tree tells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ResourceFilter {
    /// Not set in the tree: the install's defaults for its version, which the operator of the
    /// instance may have changed.
    #[default]
    InstallDefaults,
    /// The tree's argocd-cm (or operator resource) sets them.
    Known {
        exclusions: Vec<Filtered>,
        inclusions: Vec<Filtered>,
    },
    /// Set where the tree cannot read it whole (Helm values, a template, copies that disagree).
    Unknown,
}

/// Does Argo CD leave an object out of the sync?
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Excluded {
    No,
    /// Excluded by the install's defaults, or by settings the tree cannot read or match.
    Probably,
    Yes,
}

impl ResourceFilter {
    /// `IsExcludedResource(group, kind, server)` on an instance of `version`; `server` is the
    /// app's destination server when known.
    pub fn excluded(
        &self,
        version: Version,
        group: &str,
        kind: &str,
        server: Option<&str>,
    ) -> Excluded {
        if core_excluded(group, kind) {
            return Excluded::Yes;
        }
        let (exclusions, inclusions) = match self {
            ResourceFilter::Known {
                exclusions,
                inclusions,
            } => (exclusions, inclusions),
            ResourceFilter::InstallDefaults | ResourceFilter::Unknown => {
                let defaulted =
                    version >= DEFAULTS_SINCE && builtin_matches(INSTALL_DEFAULTS, group, kind);
                return if defaulted {
                    Excluded::Probably
                } else {
                    Excluded::No
                };
            }
        };
        // Exclusions win; then an inclusion of this kind allows; then inclusions for this
        // cluster that do not name the kind exclude it.
        let mut unsure = false;
        for f in exclusions.iter().filter(|f| f.matches_kind(group, kind)) {
            match f.matches_cluster(server) {
                Some(true) => return Excluded::Yes,
                None => unsure = true,
                Some(false) => {}
            }
        }
        if unsure {
            return Excluded::Probably;
        }
        if inclusions
            .iter()
            .any(|f| f.matches_kind(group, kind) && f.matches_cluster(server) == Some(true))
        {
            return Excluded::No;
        }
        match inclusions.iter().map(|f| f.matches_cluster(server)).max() {
            Some(Some(true)) => Excluded::Yes,
            Some(None) => Excluded::Probably,
            _ => Excluded::No,
        }
    }
}

/// A `resource.exclusions` / `resource.inclusions` value (a YAML list held in a string);
/// `None` when it does not read as one.
pub fn parse_list(text: &str) -> Option<Vec<Filtered>> {
    let parsed = crate::load::yaml::parse(text);
    if !parsed.issues.is_empty() {
        return None;
    }
    let Some(doc) = parsed.docs.first() else {
        return Some(Vec::new());
    };
    match &doc.root.kind {
        NodeKind::Seq(_) => {}
        NodeKind::Scalar(_) if doc.root.str().is_none() => return Some(Vec::new()),
        _ => return None,
    }
    let strings = |n: Option<&Node<'_>>| -> Option<Vec<String>> {
        n.map_or(Some(Vec::new()), |n| {
            n.items()
                .iter()
                .map(|x| x.str().map(str::to_string))
                .collect()
        })
    };
    doc.root
        .items()
        .iter()
        .map(|item| {
            Some(Filtered {
                groups: strings(item.get("apiGroups"))?,
                kinds: strings(item.get("kinds"))?,
                clusters: strings(item.get("clusters"))?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const V3: Version = Version::new(3, 5, 0);
    const V2: Version = Version::new(2, 14, 0);

    #[test]
    fn core_kinds_are_always_excluded() {
        let f = ResourceFilter::Known {
            exclusions: Vec::new(),
            inclusions: Vec::new(),
        };
        assert_eq!(
            f.excluded(V2, "coordination.k8s.io", "Lease", None),
            Excluded::Yes
        );
        assert_eq!(
            f.excluded(V2, "events.k8s.io", "Event", None),
            Excluded::Yes
        );
        assert_eq!(f.excluded(V2, "", "Event", None), Excluded::Yes);
        assert_eq!(f.excluded(V3, "", "Endpoints", None), Excluded::No);
    }

    #[test]
    fn install_defaults_follow_the_version() {
        let f = ResourceFilter::InstallDefaults;
        assert_eq!(f.excluded(V3, "", "Endpoints", None), Excluded::Probably);
        assert_eq!(
            f.excluded(V3, "discovery.k8s.io", "EndpointSlice", None),
            Excluded::Probably
        );
        assert_eq!(f.excluded(V2, "", "Endpoints", None), Excluded::No);
        assert_eq!(f.excluded(V3, "", "Service", None), Excluded::No);
    }

    #[test]
    fn configured_lists() {
        let f = ResourceFilter::Known {
            exclusions: parse_list(
                "- apiGroups: ['*.example.com']\n  kinds: ['*']\n- apiGroups: [tekton.dev]\n  kinds: [TaskRun]\n  clusters: ['https://prod.*']\n",
            )
            .unwrap(),
            inclusions: Vec::new(),
        };
        assert_eq!(
            f.excluded(V3, "a.example.com", "Thing", None),
            Excluded::Yes
        );
        assert_eq!(f.excluded(V3, "", "Endpoints", None), Excluded::No);
        assert_eq!(
            f.excluded(V3, "tekton.dev", "TaskRun", Some("https://prod.x")),
            Excluded::Yes
        );
        assert_eq!(
            f.excluded(V3, "tekton.dev", "TaskRun", Some("https://dev.x")),
            Excluded::No
        );
        assert_eq!(
            f.excluded(V3, "tekton.dev", "TaskRun", None),
            Excluded::Probably
        );
        // Inclusions: only what they name is synced.
        let only = ResourceFilter::Known {
            exclusions: Vec::new(),
            inclusions: parse_list("- apiGroups: ['', apps]\n  kinds: ['*']\n").unwrap(),
        };
        assert_eq!(only.excluded(V3, "apps", "Deployment", None), Excluded::No);
        assert_eq!(only.excluded(V3, "batch", "Job", None), Excluded::Yes);
        assert_eq!(parse_list("apiGroups: [x]"), None);
        assert_eq!(parse_list(""), Some(Vec::new()));
    }
}
