//! The rule registry and the single traversal that runs every rule.

mod app_wave_no_health;
mod crd_order;
mod dependency_never_synced;
mod deprecated_api;
mod duplicate_resource;
mod excluded_resource;
mod hook_backoff_limit;
mod hook_deadline;
mod hook_delete_policy;
mod hook_recreates_stateful;
mod hook_ttl;
mod hpa_replicas_fight;
mod ineffective_sync_option;
mod internal_error;
pub(crate) mod invalid_ignore_differences;
mod invalid_retry;
mod invalid_sync_wave;
pub(crate) mod invalid_sync_window;
mod missing_namespace;
mod missing_project;
mod multiple_source_types;
mod orphan_manifest;
mod project_denies_resource;
mod pvc_waits_for_consumer;
mod read_error;
mod render_failed;
mod schema;
mod skipped_file;
mod stuck_wave;
mod sync_deadlock;
mod syncfail_hook_dependency;
mod unknown_delete_policy;
mod unknown_hook;
mod unknown_path;
mod unknown_sync_option;
mod unresolved_generator;
mod unused_suppression;
mod yaml_syntax;

use std::panic::AssertUnwindSafe;

use rayon::prelude::*;

use crate::diag::{Diagnostic, ObjectRef, Severity};
use crate::load::yaml::Span;
use crate::load::{FileId, SourceFile};
use crate::model::{App, Model, Resource};
use crate::plan::Plan;

/// The id of the finding a crashed rule becomes.
pub const INTERNAL_ERROR: &str = "internal-error";

/// A rule's identity: the id is a public contract, the page `rules/<id>.md` its documentation.
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub doc: &'static str,
}

macro_rules! page {
    ($id:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $id, ".md"))
    };
}
pub(crate) use page;

/// Declare a rule: its type, id (a public contract), default severity and one-line summary. The
/// documentation is the page `rules/<id>.md`, embedded for `synclint explain`.
macro_rules! declare_rule {
    ($ty:ident, $id:literal, $severity:ident, $summary:literal) => {
        pub struct $ty;

        static INFO: $crate::rules::RuleInfo = $crate::rules::RuleInfo {
            id: $id,
            severity: $crate::diag::Severity::$severity,
            summary: $summary,
            doc: $crate::rules::page!($id),
        };

        impl $crate::rules::RuleMeta for $ty {
            fn info(&self) -> &'static $crate::rules::RuleInfo {
                &INFO
            }
        }
    };
}
pub(crate) use declare_rule;

/// What `declare_rule!` provides: the rule's identity.
pub trait RuleMeta {
    fn info(&self) -> &'static RuleInfo;
}

/// Shared, read-only context for every check.
pub struct Cx<'m, 'a> {
    pub model: &'m Model<'a>,
    pub plans: &'m [Plan<'m>],
    /// Target Kubernetes minor version (1.N).
    pub kubernetes_minor: u32,
    /// Schemas to validate against (`None`: schema validation is off).
    pub schemas: Option<&'m crate::schema::set::SchemaSet<'a>>,
    /// Kinds without a schema are errors (`--strict-kinds`).
    pub strict_kinds: bool,
    pub limits: &'m crate::limits::Limits,
    /// Is this object in the files the caller asked about (`Options::focus`)? Purely local
    /// checks skip the others.
    pub focus: &'m (dyn Fn(&Resource<'_>) -> bool + Sync),
}

/// The Kubernetes version synclint targets unless told otherwise.
pub const DEFAULT_KUBERNETES: &str = crate::schema::set::DEFAULT_KUBERNETES;

impl<'m, 'a> Cx<'m, 'a> {
    pub fn text(&self, file: usize) -> &'a str {
        self.model.text(file)
    }

    /// A finding about a resource, with its object reference and owning Application filled in.
    pub fn finding(
        &self,
        rule: &RuleInfo,
        r: &Resource<'_>,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        let mut d = Diagnostic::new(rule.id, rule.severity, r.file, span, message);
        d.resource = Some(object_ref(r));
        d.app = self.model.apps_of[r.id]
            .iter()
            .map(|&a| &self.model.apps[a])
            .find(|a| !a.is_implicit())
            .map(|a| a.name.clone());
        d
    }

    pub fn plan_of(&self, app: &App<'_>) -> &Plan<'m> {
        &self.plans[app.id]
    }
}

pub fn object_ref(r: &Resource<'_>) -> ObjectRef {
    ObjectRef {
        api_version: r.api_version.to_string(),
        kind: r.kind.to_string(),
        name: r.name.or(r.generate_name).unwrap_or_default().to_string(),
        namespace: r.namespace.map(str::to_string),
    }
}

/// A rule hooks into the traversal at the levels it needs; the defaults do nothing.
pub trait Rule: RuleMeta + Sync {
    fn check_file(
        &self,
        _cx: &Cx<'_, '_>,
        _id: FileId,
        _file: &SourceFile,
        _out: &mut Vec<Diagnostic>,
    ) {
    }
    fn check_resource(&self, _cx: &Cx<'_, '_>, _r: &Resource<'_>, _out: &mut Vec<Diagnostic>) {}
    fn check_app(
        &self,
        _cx: &Cx<'_, '_>,
        _app: &App<'_>,
        _plan: &Plan<'_>,
        _out: &mut Vec<Diagnostic>,
    ) {
    }
    /// Cross-app checks.
    fn check_model(&self, _cx: &Cx<'_, '_>, _out: &mut Vec<Diagnostic>) {}
}

/// Every rule, sorted by id.
pub static RULES: &[&dyn Rule] = &[
    &app_wave_no_health::AppWaveNoHealth,
    &crd_order::CrdOrder,
    &dependency_never_synced::DependencyNeverSynced,
    &deprecated_api::DeprecatedApi,
    &duplicate_resource::DuplicateResource,
    &excluded_resource::ExcludedResource,
    &hook_backoff_limit::HookBackoffLimit,
    &hook_deadline::HookDeadline,
    &hook_delete_policy::HookDeletePolicy,
    &hook_recreates_stateful::HookRecreatesStateful,
    &hook_ttl::HookTtl,
    &hpa_replicas_fight::HpaReplicasFight,
    &ineffective_sync_option::IneffectiveSyncOption,
    &internal_error::InternalError,
    &invalid_ignore_differences::InvalidIgnoreDifferences,
    &invalid_retry::InvalidRetry,
    &invalid_sync_wave::InvalidSyncWave,
    &invalid_sync_window::InvalidSyncWindow,
    &missing_namespace::MissingNamespace,
    &missing_project::MissingProject,
    &multiple_source_types::MultipleSourceTypes,
    &orphan_manifest::OrphanManifest,
    &project_denies_resource::ProjectDeniesResource,
    &pvc_waits_for_consumer::PvcWaitsForConsumer,
    &read_error::ReadError,
    &render_failed::RenderFailed,
    &schema::Schema,
    &skipped_file::SkippedFile,
    &stuck_wave::StuckWave,
    &sync_deadlock::SyncDeadlock,
    &syncfail_hook_dependency::SyncfailHookDependency,
    &unknown_delete_policy::UnknownDeletePolicy,
    &unknown_hook::UnknownHook,
    &unknown_path::UnknownPath,
    &unknown_sync_option::UnknownSyncOption,
    &unresolved_generator::UnresolvedGenerator,
    &unused_suppression::UnusedSuppression,
    &yaml_syntax::YamlSyntax,
];

pub fn find(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().map(|r| r.info()).find(|i| i.id == id)
}

/// Run one rule on one item; a panic becomes one `internal-error` finding on `file`.
fn guarded(
    rule: &dyn Rule,
    file: FileId,
    what: &str,
    out: &mut Vec<Diagnostic>,
    f: impl FnOnce(&mut Vec<Diagnostic>),
) {
    let mut local = Vec::new();
    match std::panic::catch_unwind(AssertUnwindSafe(|| f(&mut local))) {
        Ok(()) => out.append(&mut local),
        Err(p) => out.push(crate::check::internal_error(
            &format!("rule `{}` ({what})", rule.info().id),
            file,
            &*p,
        )),
    }
}

/// Run every enabled rule over the model and plans. Output is de-duplicated and sorted.
pub fn run(cx: &Cx<'_, '_>, enabled: &dyn Fn(&str) -> bool) -> Vec<Diagnostic> {
    let rules: Vec<&dyn Rule> = RULES
        .iter()
        .copied()
        .filter(|r| enabled(r.info().id))
        .collect();
    let m = cx.model;
    let mut out: Vec<Diagnostic> = m
        .files
        .par_iter()
        .enumerate()
        .filter(|(id, _)| !m.set_aside.contains_key(id))
        .flat_map_iter(|(id, f)| {
            let mut v = Vec::new();
            for r in &rules {
                guarded(*r, id, "on this file", &mut v, |o| {
                    r.check_file(cx, id, f, o)
                });
            }
            v
        })
        .collect();
    out.par_extend(
        m.resources
            .par_iter()
            .filter(|res| !m.set_aside.contains_key(&res.file))
            .flat_map_iter(|res| {
                let mut v = Vec::new();
                for r in &rules {
                    guarded(*r, res.file, "on this object", &mut v, |o| {
                        r.check_resource(cx, res, o)
                    });
                }
                v
            }),
    );
    // An app defined in a file set aside (docs, a switched-off directory) is not created.
    let created = |app: &&crate::model::App<'_>| {
        app.application
            .is_none_or(|r| !m.set_aside.contains_key(&m.resources[r].file))
    };
    out.par_extend(m.apps.par_iter().filter(created).flat_map_iter(|app| {
        let mut v = Vec::new();
        let plan = cx.plan_of(app);
        let file = app
            .application
            .or(app.resources.first().copied())
            .map_or(0, |r| m.resources[r].file);
        for r in &rules {
            guarded(*r, file, &format!("on app `{}`", app.name), &mut v, |o| {
                r.check_app(cx, app, plan, o)
            });
        }
        v
    }));
    for r in &rules {
        guarded(*r, 0, "across apps", &mut out, |o| r.check_model(cx, o));
    }
    sort(&m.files, &mut out);
    out
}

/// Findings in files no Application syncs, in a tree whose Applications say all Argo CD
/// applies, are not proven sync failures: info, saying why. Run on findings that point at
/// their source files (after rendered output is mapped back).
pub fn soften_unsynced(m: &crate::model::Model<'_>, out: &mut [Diagnostic]) {
    const WHY: &str = "no Application of this tree syncs this file, and every Application and ApplicationSet in it resolves: it is applied by hand or by a script (where Argo CD annotations mean nothing), or not at all";
    if m.unsynced_files.is_empty() && m.unsynced_but_argo.is_empty() {
        return;
    }
    let unsynced = |d: &Diagnostic| {
        m.unsynced_files.contains(&d.file)
            || m.unsynced_but_argo.get(&d.file).is_some_and(|spans| {
                !spans
                    .iter()
                    .any(|s| s.start <= d.span.start && d.span.start < s.end.max(s.start + 1))
            })
    };
    for d in out
        .iter_mut()
        .filter(|d| d.severity > crate::diag::Severity::Info && unsynced(d))
    {
        d.severity = crate::diag::Severity::Info;
        d.note = Some(match d.note.take() {
            Some(n) => format!("{WHY}. {n}"),
            None => WHY.to_string(),
        });
    }
}

/// Sort by file, position, rule, message, and drop exact repeats (a base shared by two apps).
pub fn sort(files: &[&SourceFile], out: &mut Vec<Diagnostic>) {
    out.sort_by(|a, b| {
        (&files[a.file].name, a.span.start, a.rule, &a.message).cmp(&(
            &files[b.file].name,
            b.span.start,
            b.rule,
            &b.message,
        ))
    });
    out.dedup_by(|a, b| {
        a.rule == b.rule && a.file == b.file && a.span == b.span && a.message == b.message
    });
}

/// At most `limit` findings of one rule in one file: the rest become one "N more" finding
/// (a hostile file with 50,000 repeated keys is one screen, not 50,000).
pub fn cap(out: &mut Vec<Diagnostic>, limit: usize) {
    use foldhash::HashMap;
    let mut count: HashMap<(FileId, &'static str), usize> = HashMap::default();
    for d in out.iter() {
        *count.entry((d.file, d.rule)).or_default() += 1;
    }
    if count.values().all(|&n| n <= limit) {
        return;
    }
    let mut seen: HashMap<(FileId, &'static str), usize> = HashMap::default();
    let mut kept = Vec::with_capacity(out.len());
    for d in out.drain(..) {
        let key = (d.file, d.rule);
        let n = seen.entry(key).or_default();
        *n += 1;
        let total = count[&key];
        if *n <= limit {
            kept.push(d);
        } else if *n == limit + 1 {
            let mut more = Diagnostic::new(
                d.rule,
                d.severity,
                d.file,
                d.span,
                format!(
                    "{} more `{}` findings in this file are not shown (`limits.findings-per-file` is {limit})",
                    total - limit,
                    d.rule
                ),
            );
            more.label = "and more".into();
            kept.push(more);
        }
    }
    *out = kept;
}

/// The minor of a `1.N` version string (the default when it does not parse).
pub fn deprecated_minor(v: &str) -> u32 {
    deprecated_api::minor(v)
        .or_else(|| deprecated_api::minor(DEFAULT_KUBERNETES))
        .unwrap_or(35)
}

/// The one-sentence summary under a rule page's title.
pub fn page_summary(doc: &str) -> &str {
    doc.lines()
        .skip_while(|l| !l.starts_with("**Severity:**"))
        .skip(1)
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}

/// "did you mean" for a misspelled value: same letters in another case first, then the closest
/// candidate by edit distance.
pub fn suggest<'c>(input: &str, candidates: &[&'c str]) -> Option<&'c str> {
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(input)) {
        return Some(c);
    }
    if let Some(c) = negated(input, candidates) {
        return Some(c);
    }
    let lower = input.to_ascii_lowercase();
    let (best, dist) = candidates
        .iter()
        .filter(|c| negation(c).is_some() == negation(input).is_some())
        .map(|c| (*c, levenshtein(&lower, &c.to_ascii_lowercase())))
        .min_by_key(|&(_, d)| d)?;
    let limit = (input.chars().count() / 3).clamp(1, 4);
    (dist <= limit).then_some(best)
}

/// [`suggest`], but only when no other candidate is as close: what a fix may apply on its own.
pub fn suggest_unique<'c>(input: &str, candidates: &[&'c str]) -> Option<&'c str> {
    if let Some(c) = negated(input, candidates) {
        return Some(c);
    }
    let best = suggest(input, candidates)?;
    let same_case = candidates
        .iter()
        .filter(|c| c.eq_ignore_ascii_case(input))
        .count();
    if same_case > 0 {
        return (same_case == 1).then_some(best);
    }
    let lower = input.to_ascii_lowercase();
    let dist = |c: &str| levenshtein(&lower, &c.to_ascii_lowercase());
    let d = dist(best);
    (candidates.iter().filter(|c| dist(c) == d).count() == 1).then_some(best)
}

/// The word that negates a name (`SkipPrune`, `NoPrune`, `DisablePrune`, `skip-prune`): the rest
/// after it. A spelling suggestion must keep it: dropping it inverts what the user meant.
fn negation(s: &str) -> Option<&str> {
    ["skip", "no", "disable", "dont", "not"]
        .iter()
        .find_map(|w| {
            let head = s.get(..w.len())?;
            let rest = &s[w.len()..];
            (head.eq_ignore_ascii_case(w)
                && rest.starts_with(|c: char| c.is_ascii_uppercase() || c == '-' || c == '_'))
            .then(|| rest.trim_start_matches(['-', '_']))
        })
}

/// `SkipPrune=true` (or `NoPrune`, …) is `Prune=false` when that is a candidate; `=false` flips to
/// `=true`.
fn negated<'c>(input: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let rest = negation(input)?;
    let (name, value) = rest.split_once('=').unwrap_or((rest, "true"));
    let flipped = match value.to_ascii_lowercase().as_str() {
        "true" => "false",
        "false" => "true",
        _ => return None,
    };
    let want = format!("{name}={flipped}");
    candidates
        .iter()
        .copied()
        .find(|c| c.eq_ignore_ascii_case(&want))
}

/// Edit distance where swapping two neighbours counts once (optimal string alignment): `cuont`
/// is one edit from `count`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    levenshtein(a, b)
}

fn levenshtein(a: &str, b: &str) -> usize {
    // Long inputs from the tree are not worth a quadratic table.
    if a.len() > 256 || b.len() > 256 {
        return usize::MAX / 2;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, v) in d[0].iter_mut().enumerate() {
        *v = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// " (did you mean `X`?)" or "".
pub fn did_you_mean(input: &str, candidates: &[&str]) -> String {
    suggest(input, candidates).map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"))
}

/// Where a resource sits in the plan, for messages: "the PreSync phase (wave -1)".
pub fn step_words(phase: crate::model::argo::Phase, wave: i64) -> String {
    format!("the {} phase (wave {wave})", phase.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let hooks = crate::model::argo::HOOK_TYPES;
        assert_eq!(suggest("presync", hooks), Some("PreSync"));
        assert_eq!(suggest("PreSyn", hooks), Some("PreSync"));
        assert_eq!(suggest("Bogus", hooks), None);
        assert_eq!(
            suggest("HookSucceed", crate::model::argo::DELETE_POLICIES),
            Some("HookSucceeded")
        );
        // A swap of neighbours is one edit; two candidates equally close are no fix.
        let all = crate::model::argo::all_sync_options();
        assert_eq!(suggest_unique("Prune=False", &all), Some("Prune=false"));
        assert_eq!(suggest_unique("Prune=flase", &all), Some("Prune=false"));
        assert_eq!(suggest_unique("ab", &["ax", "ay"]), None);
        // A negating word is never dropped: `SkipPrune=true` means `Prune=false`.
        assert_eq!(suggest("SkipPrune=true", &all), Some("Prune=false"));
        assert_eq!(suggest_unique("SkipPrune=true", &all), Some("Prune=false"));
        assert_eq!(suggest("NoPrune", &all), Some("Prune=false"));
        assert_eq!(suggest("SkipPrune=maybe", &all), None);
        assert_eq!(
            suggest("SkipDryRunOnMissingResource=True", &all),
            Some("SkipDryRunOnMissingResource=true")
        );
        assert_eq!(suggest("Normalize=true", &["Prune=true"]), None);
    }

    #[test]
    fn registry_is_sorted_and_unique() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.info().id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }
}
