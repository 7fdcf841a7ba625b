//! Argo CD annotations, parsed with the engine's exact grammar (spec/argocd.md §4).

use crate::load::yaml::{Node, Span};

pub const ANN_WAVE: &str = "argocd.argoproj.io/sync-wave";
pub const ANN_HOOK: &str = "argocd.argoproj.io/hook";
pub const ANN_DELETE_POLICY: &str = "argocd.argoproj.io/hook-delete-policy";
pub const ANN_SYNC_OPTIONS: &str = "argocd.argoproj.io/sync-options";
pub const ANN_COMPARE_OPTIONS: &str = "argocd.argoproj.io/compare-options";
pub const HELM_HOOK: &str = "helm.sh/hook";
pub const HELM_WEIGHT: &str = "helm.sh/hook-weight";
pub const HELM_DELETE_POLICY: &str = "helm.sh/hook-delete-policy";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    PreSync,
    Sync,
    PostSync,
    SyncFail,
}

impl Phase {
    /// `syncPhaseOrder` in sync_tasks.go.
    pub fn rank(self) -> i32 {
        match self {
            Phase::PreSync => -1,
            Phase::Sync => 0,
            Phase::PostSync => 1,
            Phase::SyncFail => 2,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::PreSync => "PreSync",
            Phase::Sync => "Sync",
            Phase::PostSync => "PostSync",
            Phase::SyncFail => "SyncFail",
        }
    }
}

/// A hook type as the engine and the controller know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookType {
    Phase(Phase),
    Skip,
    PreDelete,
    PostDelete,
}

pub const HOOK_TYPES: &[&str] = &[
    "PreSync",
    "Sync",
    "PostSync",
    "SyncFail",
    "Skip",
    "PreDelete",
    "PostDelete",
];

pub fn hook_type(s: &str) -> Option<HookType> {
    Some(match s {
        "PreSync" => HookType::Phase(Phase::PreSync),
        "Sync" => HookType::Phase(Phase::Sync),
        "PostSync" => HookType::Phase(Phase::PostSync),
        "SyncFail" => HookType::Phase(Phase::SyncFail),
        "Skip" => HookType::Skip,
        "PreDelete" => HookType::PreDelete,
        "PostDelete" => HookType::PostDelete,
        _ => return None,
    })
}

/// Helm hook values and what Argo CD makes of them (§4.6). `None`: a hook Argo CD drops.
pub fn helm_hook_type(s: &str) -> Option<HookType> {
    Some(match s {
        "pre-install" | "pre-upgrade" => HookType::Phase(Phase::PreSync),
        "post-install" | "post-upgrade" => HookType::Phase(Phase::PostSync),
        "pre-delete" => HookType::PreDelete,
        "post-delete" => HookType::PostDelete,
        _ => return None,
    })
}

pub const HELM_HOOK_VALUES: &[&str] = &[
    "pre-install",
    "pre-upgrade",
    "post-install",
    "post-upgrade",
    "pre-delete",
    "post-delete",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
    "test-failure",
    "crd-install",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeletePolicy {
    HookSucceeded,
    HookFailed,
    BeforeHookCreation,
}

pub const DELETE_POLICIES: &[&str] = &["HookSucceeded", "HookFailed", "BeforeHookCreation"];
/// The Helm delete policies Argo CD maps to its own (anything else is ignored).
pub const HELM_DELETE_POLICIES: &[&str] =
    &["before-hook-creation", "hook-succeeded", "hook-failed"];

pub fn delete_policy(s: &str) -> Option<DeletePolicy> {
    Some(match s {
        "HookSucceeded" => DeletePolicy::HookSucceeded,
        "HookFailed" => DeletePolicy::HookFailed,
        "BeforeHookCreation" => DeletePolicy::BeforeHookCreation,
        _ => return None,
    })
}

fn helm_delete_policy(s: &str) -> Option<DeletePolicy> {
    Some(match s {
        "hook-succeeded" => DeletePolicy::HookSucceeded,
        "hook-failed" => DeletePolicy::HookFailed,
        "before-hook-creation" => DeletePolicy::BeforeHookCreation,
        _ => return None,
    })
}

/// When the engine deletes a hook, by its policies (§5.2), in the words messages use.
pub fn hook_deletions(policies: &[DeletePolicy]) -> Vec<&'static str> {
    let mut out = Vec::new();
    if policies.contains(&DeletePolicy::BeforeHookCreation) {
        out.push("before every sync creates it again");
    }
    if policies.contains(&DeletePolicy::HookSucceeded) {
        out.push("after every successful sync");
    }
    if policies.contains(&DeletePolicy::HookFailed) {
        out.push("after every failed sync");
    }
    out
}

/// One item of a comma-separated annotation, with its span in the file.
#[derive(Clone, Debug)]
pub struct Token<'a> {
    pub text: &'a str,
    pub span: Span,
}

/// `GetAnnotationCSVs`: split on `,`, trim, drop empties, de-duplicate keeping the first.
pub fn csv<'a>(node: &'a Node<'a>, text: &str) -> Vec<Token<'a>> {
    let Some(value) = node.str() else {
        return Vec::new();
    };
    let mut out: Vec<Token<'a>> = Vec::new();
    let mut offset = 0;
    for part in value.split(',') {
        let trimmed = part.trim();
        if !trimmed.is_empty() && !out.iter().any(|t| t.text == trimmed) {
            let lead = part.len() - part.trim_start().len();
            out.push(Token {
                text: trimmed,
                span: node.token_span(text, offset + lead, trimmed.len()),
            });
        }
        offset += part.len() + 1;
    }
    out
}

/// Where a resource's wave came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaveSource {
    Argo,
    HelmWeight,
    Default,
}

/// The Argo CD view of one manifest's annotations.
#[derive(Clone, Debug)]
pub struct ArgoMeta<'a> {
    pub wave: i64,
    pub wave_source: WaveSource,
    /// `hook.IsHook`: the Argo hook annotation is present (and not Skip-only), or a Helm hook.
    pub is_hook: bool,
    /// The hook's engine phases (PreSync/Sync/PostSync/SyncFail), de-duplicated.
    pub phases: Vec<Phase>,
    /// `hook: Skip` alone: never applied, never pruned.
    pub skip: bool,
    /// PreDelete/PostDelete: run only while the Application is deleted.
    pub deletion_hook: bool,
    /// A hook with no valid type left: the engine ignores the manifest entirely (§4.2).
    pub dropped: bool,
    /// Effective delete policies (Argo ∪ Helm; default BeforeHookCreation).
    pub delete_policies: Vec<DeletePolicy>,
    /// Whether any policy was written (Argo or Helm) rather than defaulted.
    pub explicit_policy: bool,
    pub sync_options: Vec<Token<'a>>,
}

impl<'a> ArgoMeta<'a> {
    pub fn parse(annotations: Option<&'a Node<'a>>, text: &str) -> ArgoMeta<'a> {
        let get = |k: &str| annotations.and_then(|a| a.get(k));
        let (wave, wave_source) = match get(ANN_WAVE).and_then(Node::str).and_then(atoi) {
            Some(w) => (w, WaveSource::Argo),
            None => match get(HELM_WEIGHT).and_then(Node::str).and_then(atoi) {
                Some(w) => (w, WaveSource::HelmWeight),
                None => (0, WaveSource::Default),
            },
        };

        let argo_node = get(ANN_HOOK);
        let argo_types: Vec<HookType> = argo_node
            .map(|n| {
                csv(n, text)
                    .iter()
                    .filter_map(|t| hook_type(t.text))
                    .collect()
            })
            .unwrap_or_default();
        let helm_node = get(HELM_HOOK);
        let helm_is_hook = helm_node.is_some_and(|n| n.str().unwrap_or("") != "crd-install");
        let mut types = argo_types;
        if types.is_empty()
            && let Some(h) = helm_node
        {
            types = csv(h, text)
                .iter()
                .filter_map(|t| helm_hook_type(t.text))
                .collect();
        }
        let mut dedup: Vec<HookType> = Vec::new();
        for t in types {
            if !dedup.contains(&t) {
                dedup.push(t);
            }
        }
        let skip = dedup.contains(&HookType::Skip) && dedup.len() == 1;
        let is_hook = if argo_node.is_some() {
            !skip
        } else {
            helm_is_hook
        };
        let mut phases: Vec<Phase> = dedup
            .iter()
            .filter_map(|t| match t {
                HookType::Phase(p) => Some(*p),
                _ => None,
            })
            .collect();
        phases.sort();
        let deletion_hook = phases.is_empty()
            && dedup
                .iter()
                .any(|t| matches!(t, HookType::PreDelete | HookType::PostDelete));
        let dropped = is_hook && !deletion_hook && phases.is_empty();

        let mut delete_policies: Vec<DeletePolicy> = Vec::new();
        let mut explicit_policy = false;
        if let Some(n) = get(ANN_DELETE_POLICY) {
            explicit_policy = true;
            for t in csv(n, text) {
                if let Some(p) = delete_policy(t.text)
                    && !delete_policies.contains(&p)
                {
                    delete_policies.push(p);
                }
            }
        }
        if let Some(n) = get(HELM_DELETE_POLICY) {
            explicit_policy = true;
            for t in csv(n, text) {
                if let Some(p) = helm_delete_policy(t.text)
                    && !delete_policies.contains(&p)
                {
                    delete_policies.push(p);
                }
            }
        }
        if delete_policies.is_empty() {
            delete_policies.push(DeletePolicy::BeforeHookCreation);
        }

        let sync_options = get(ANN_SYNC_OPTIONS)
            .map(|n| csv(n, text))
            .unwrap_or_default();

        ArgoMeta {
            wave,
            wave_source,
            is_hook,
            phases,
            skip,
            deletion_hook,
            dropped,
            delete_policies,
            explicit_policy,
            sync_options,
        }
    }

    pub fn has_option(&self, opt: &str) -> bool {
        self.sync_options.iter().any(|t| t.text == opt)
    }
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, no spaces, must fit in 64 bits.
pub fn atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

/// Sync options that do something, and where (§4.4). Strings match exactly and case-sensitively.
pub const APP_AND_RESOURCE_OPTIONS: &[&str] = &[
    "Validate=false",
    "SkipDryRunOnMissingResource=true",
    "PruneLast=true",
    "Prune=false",
    "Prune=confirm",
    "Delete=false",
    "Delete=confirm",
    "Replace=true",
    "ServerSideApply=true",
    "ServerSideApply=false",
];
/// Read only from a resource annotation (the app level uses the sync strategy instead).
pub const RESOURCE_ONLY_OPTIONS: &[&str] = &["Force=true"];
/// Read only from `spec.syncPolicy.syncOptions`.
pub const APP_ONLY_OPTIONS: &[&str] = &[
    "ApplyOutOfSyncOnly=true",
    "CreateNamespace=true",
    "PrunePropagationPolicy=foreground",
    "PrunePropagationPolicy=background",
    "PrunePropagationPolicy=orphan",
    "RespectIgnoreDifferences=true",
    "FailOnSharedResource=true",
    "ClientSideApplyMigration=false",
];
/// Exact spellings of the default value: they do nothing, as the author expects.
pub const DEFAULT_OPTIONS: &[&str] = &[
    "Validate=true",
    "SkipDryRunOnMissingResource=false",
    "PruneLast=false",
    "Prune=true",
    "Delete=true",
    "Replace=false",
    "Force=false",
    "ApplyOutOfSyncOnly=false",
    "CreateNamespace=false",
    "RespectIgnoreDifferences=false",
    "FailOnSharedResource=false",
    "ClientSideApplyMigration=true",
];
/// App-level sync options the controller never reads: it looks in the app's list only for
/// `ServerSideApply=true` (`controller/sync.go`); `=false` works only as a resource annotation
/// (`sync_context.go`).
pub const APP_IGNORED_OPTIONS: &[&str] = &["ServerSideApply=false"];
/// Compare options read only from an Application's own annotation (`controller/state.go`).
pub const APP_ONLY_COMPARE_OPTIONS: &[&str] = &[
    "ServerSideDiff=true",
    "ServerSideDiff=false",
    "IncludeMutationWebhook=true",
];
pub const COMPARE_OPTIONS: &[&str] = &[
    "IgnoreExtraneous",
    "ServerSideDiff=true",
    "ServerSideDiff=false",
    "IncludeMutationWebhook=true",
];

pub fn is_known_sync_option(s: &str) -> bool {
    APP_AND_RESOURCE_OPTIONS.contains(&s)
        || RESOURCE_ONLY_OPTIONS.contains(&s)
        || APP_ONLY_OPTIONS.contains(&s)
        || DEFAULT_OPTIONS.contains(&s)
}

/// Every valid sync option string, for suggestions.
pub fn all_sync_options() -> Vec<&'static str> {
    [
        APP_AND_RESOURCE_OPTIONS,
        RESOURCE_ONLY_OPTIONS,
        APP_ONLY_OPTIONS,
        DEFAULT_OPTIONS,
    ]
    .concat()
}

/// The first Argo CD release that reads an option (sync or compare); older releases ignore it
/// without a word. Options older than 1.7 are not listed.
pub fn option_since(opt: &str) -> Option<crate::model::instance::Version> {
    use crate::model::instance::Version as V;
    Some(match opt {
        "CreateNamespace=true" => V::new(1, 7, 0),
        "PruneLast=true" | "Replace=true" | "ApplyOutOfSyncOnly=true" => V::new(2, 0, 0),
        o if o.starts_with("PrunePropagationPolicy=") => V::new(2, 0, 0),
        "FailOnSharedResource=true" => V::new(2, 2, 0),
        "RespectIgnoreDifferences=true" => V::new(2, 3, 0),
        "ServerSideApply=true" => V::new(2, 5, 0),
        "Delete=false" => V::new(2, 7, 0),
        "ServerSideDiff=true" | "ServerSideDiff=false" | "IncludeMutationWebhook=true" => {
            V::new(2, 10, 0)
        }
        // Backported to 2.10.10; 2.11 has it from 2.11.1.
        "Force=true" => V::new(2, 10, 10),
        "ServerSideApply=false" | "Prune=confirm" | "Delete=confirm" => V::new(2, 14, 0),
        "ClientSideApplyMigration=false" => V::new(3, 1, 0),
        _ => return None,
    })
}

/// Does Argo CD `v` read option `opt`?
pub fn option_supported(opt: &str, v: crate::model::instance::Version) -> bool {
    match option_since(opt) {
        None => true,
        Some(since) if opt == "Force=true" => {
            v >= crate::model::instance::Version::new(2, 11, 1)
                || (v.major == 2 && v.minor == 10 && v >= since)
        }
        Some(since) => v >= since,
    }
}

/// `spec.syncPolicy.syncOptions` of an Application, or of an ApplicationSet's template.
pub fn app_sync_options<'a>(r: &crate::model::Resource<'a>) -> Option<&'a Node<'a>> {
    match (r.group, r.kind) {
        ("argoproj.io", "Application") => r.root.path(&["spec", "syncPolicy", "syncOptions"]),
        ("argoproj.io", "ApplicationSet") => {
            r.root
                .path(&["spec", "template", "spec", "syncPolicy", "syncOptions"])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::parse;

    fn meta(ann: &str) -> ArgoMeta<'static> {
        let text: &'static str = Box::leak(format!("a:\n{ann}").into_boxed_str());
        let p = Box::leak(Box::new(parse(text)));
        let node: &'static Node<'static> = p.docs[0].root.get("a").unwrap();
        ArgoMeta::parse(Some(node), text)
    }

    #[test]
    fn atoi_matches_go() {
        assert_eq!(atoi("+5"), Some(5));
        assert_eq!(atoi("007"), Some(7));
        assert_eq!(atoi("-3"), Some(-3));
        for bad in [
            "1.5",
            "first",
            " 5",
            "5 ",
            "",
            "+",
            "5.0",
            "99999999999999999999",
        ] {
            assert_eq!(atoi(bad), None, "{bad}");
        }
    }

    #[test]
    fn bad_wave_falls_back_to_helm_weight_then_zero() {
        let m = meta("  argocd.argoproj.io/sync-wave: \"1.5\"\n  helm.sh/hook-weight: \"-2\"\n");
        assert_eq!((m.wave, m.wave_source), (-2, WaveSource::HelmWeight));
        let m = meta("  argocd.argoproj.io/sync-wave: first\n");
        assert_eq!((m.wave, m.wave_source), (0, WaveSource::Default));
    }

    #[test]
    fn default_delete_policy_is_before_hook_creation() {
        let m = meta("  argocd.argoproj.io/hook: PreSync\n");
        assert_eq!(m.delete_policies, vec![DeletePolicy::BeforeHookCreation]);
        assert!(!m.explicit_policy);
    }

    #[test]
    fn helm_policies_are_a_union() {
        let m = meta(
            "  argocd.argoproj.io/hook: PreSync\n  argocd.argoproj.io/hook-delete-policy: HookSucceeded\n  helm.sh/hook-delete-policy: before-hook-creation\n",
        );
        assert_eq!(
            m.delete_policies,
            vec![
                DeletePolicy::HookSucceeded,
                DeletePolicy::BeforeHookCreation
            ]
        );
    }

    #[test]
    fn hook_with_no_valid_type_is_dropped() {
        let m = meta("  argocd.argoproj.io/hook: presync\n");
        assert!(m.is_hook && m.dropped);
        // Helm types are the fallback when every Argo value is invalid.
        let m = meta("  argocd.argoproj.io/hook: Bogus\n  helm.sh/hook: pre-install\n");
        assert!(!m.dropped);
        assert_eq!(m.phases, vec![Phase::PreSync]);
        let m = meta("  helm.sh/hook: test\n");
        assert!(m.is_hook && m.dropped);
    }

    #[test]
    fn skip_only_when_alone() {
        assert!(meta("  argocd.argoproj.io/hook: Skip\n").skip);
        let m = meta("  argocd.argoproj.io/hook: Skip,PreSync\n");
        assert!(!m.skip && m.is_hook && m.phases == vec![Phase::PreSync]);
    }

    #[test]
    fn crd_install_alone_is_not_a_hook() {
        let m = meta("  helm.sh/hook: crd-install\n");
        assert!(!m.is_hook && !m.dropped);
    }

    #[test]
    fn deletion_hooks_are_not_dropped() {
        let m = meta("  argocd.argoproj.io/hook: PreDelete\n");
        assert!(m.deletion_hook && !m.dropped && m.phases.is_empty());
    }
}
