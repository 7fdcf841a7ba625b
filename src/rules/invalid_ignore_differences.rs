//! `invalid-ignore-differences`: an `ignoreDifferences` entry that matches nothing, a JSON pointer
//! that cannot address the field it names, or a jq expression that does not compile. See
//! `rules/invalid-ignore-differences.md`.

pub(crate) mod jq;

use crate::diag::Diagnostic;
use crate::load::yaml::Node;
use crate::model::Resource;

use super::{Cx, Rule, declare_rule};
use crate::model::project::{app_spec, whose};

declare_rule! {
    InvalidIgnoreDifferences, "invalid-ignore-differences", Error,
    "an ignoreDifferences entry that matches nothing, a malformed JSON pointer, or a jq expression that does not compile"
}

/// Built-in kinds outside the core group, with their group: an entry for one of them needs `group`.
const GROUPED_KINDS: &[(&str, &str)] = &[
    ("Deployment", "apps"),
    ("StatefulSet", "apps"),
    ("DaemonSet", "apps"),
    ("ReplicaSet", "apps"),
    ("ControllerRevision", "apps"),
    ("Job", "batch"),
    ("CronJob", "batch"),
    ("HorizontalPodAutoscaler", "autoscaling"),
    ("Ingress", "networking.k8s.io"),
    ("IngressClass", "networking.k8s.io"),
    ("NetworkPolicy", "networking.k8s.io"),
    ("Role", "rbac.authorization.k8s.io"),
    ("RoleBinding", "rbac.authorization.k8s.io"),
    ("ClusterRole", "rbac.authorization.k8s.io"),
    ("ClusterRoleBinding", "rbac.authorization.k8s.io"),
    (
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io",
    ),
    (
        "ValidatingWebhookConfiguration",
        "admissionregistration.k8s.io",
    ),
    ("CustomResourceDefinition", "apiextensions.k8s.io"),
    ("APIService", "apiregistration.k8s.io"),
    ("PodDisruptionBudget", "policy"),
    ("StorageClass", "storage.k8s.io"),
    ("PriorityClass", "scheduling.k8s.io"),
    ("Rollout", "argoproj.io"),
    ("Application", "argoproj.io"),
    ("ScaledObject", "keda.sh"),
];

const POINTER_NOTE: &str = "Argo CD turns each pointer into an RFC 6902 `remove` and skips, without a word, any path that does not exist in the object: the field is still compared, so the app stays OutOfSync, and a sync writes Git's value back";

/// What is wrong with a JSON pointer, and its fix.
fn pointer_problem(p: &str) -> Option<(String, String)> {
    if p.is_empty() {
        return Some((
            "is empty".into(),
            "write the path of the field, e.g. `/spec/replicas`".into(),
        ));
    }
    if let Some(dotted) = p.strip_prefix('.') {
        let fixed = format!("/{}", dotted.replace('.', "/"));
        return Some((
            "is a dotted path, not a JSON pointer".into(),
            format!("write `{fixed}`, or move the path to jqPathExpressions"),
        ));
    }
    if !p.starts_with('/') {
        let fixed = format!("/{}", p.replace('.', "/"));
        return Some(("does not start with `/`".into(), format!("write `{fixed}`")));
    }
    let segs: Vec<&str> = p[1..].split('/').collect();
    if let Some(first) = segs.first()
        && ["spec.", "metadata.", "data.", "status.", "stringData."]
            .iter()
            .any(|pre| first.starts_with(pre))
    {
        let fixed = format!("/{}", p[1..].replace('.', "/"));
        return Some((
            "separates keys with `.`".into(),
            format!("a JSON pointer separates keys with `/`: write `{fixed}`"),
        ));
    }
    // `/metadata/labels/app.kubernetes.io/name`: the key itself contains a `/`.
    if let Some(k) = segs.iter().position(|s| {
        matches!(
            *s,
            "labels" | "annotations" | "matchLabels" | "nodeSelector"
        )
    }) && segs.len() > k + 2
        && segs[k + 1].contains('.')
    {
        let key = segs[k + 1..].join("/");
        let fixed = format!("/{}/{}", segs[..=k].join("/"), segs[k + 1..].join("~1"));
        return Some((
            format!("splits the key `{key}` at its `/`"),
            format!("escape `/` inside a key as `~1`: write `{fixed}`"),
        ));
    }
    None
}

/// A short form of a long expression for messages.
fn shorten(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        format!("{}…", one_line.chars().take(57).collect::<String>())
    } else {
        one_line
    }
}

impl InvalidIgnoreDifferences {
    fn entry(
        &self,
        cx: &Cx<'_, '_>,
        r: &Resource<'_>,
        n: usize,
        item: &Node<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let text = cx.text(r.file);
        let what = format!("ignoreDifferences entry {n} of {}", whose(r));
        let head = item.entries().first().map_or(item.span, |e| e.key.span);
        let group = item.get("group").and_then(Node::str).unwrap_or("");

        match item.get("kind") {
            None if cx.schemas.is_none() => out.push(
                cx.finding(&INFO, r, head, format!("{what} has no kind: it matches nothing"))
                    .label("no `kind`")
                    .help("add the kind of the objects to ignore fields of, e.g. `kind: Deployment` with `group: apps` (`kind: \"*\"` for every kind)")
                    .note("the entry's kind is a glob matched against each object's kind; an empty one matches no object, so nothing is ignored"),
            ),
            Some(k) if k.str().unwrap_or("").is_empty() => out.push(
                cx.finding(&INFO, r, k.span, format!("{what} has an empty kind: it matches nothing"))
                    .label("empty kind")
                    .help("write the kind of the objects to ignore fields of, e.g. `kind: Deployment` with `group: apps`")
                    .note("the entry's kind is a glob matched against each object's kind; an empty one matches no object, so nothing is ignored"),
            ),
            Some(k) => {
                let kind = k.str().unwrap_or("");
                if group.is_empty()
                    && !kind.contains(['*', '?', '['])
                    && let Some(g) = needed_group(cx, kind)
                {
                    out.push(
                        cx.finding(&INFO, r, k.span, format!("{what} is for kind {kind} but has no group: it matches only the core group, never {g}/{kind}"))
                            .label(format!("{kind} is in group `{g}`"))
                            .help(format!("add `group: {g}` to the entry"))
                            .note("an omitted group is \"\", a glob that matches only core objects (ConfigMap, Service, …), so nothing is ignored"),
                    );
                }
            }
            None => {}
        }

        for p in item.get("jsonPointers").map(Node::items).unwrap_or(&[]) {
            let Some(ptr) = p.str() else { continue };
            if let Some((problem, help)) = pointer_problem(ptr) {
                out.push(
                    cx.finding(
                        &INFO,
                        r,
                        p.span,
                        format!("JSON pointer `{ptr}` in {what} {problem}: it ignores nothing"),
                    )
                    .label("not the intended field")
                    .help(help)
                    .note(POINTER_NOTE),
                );
            }
        }

        for q in item
            .get("jqPathExpressions")
            .map(Node::items)
            .unwrap_or(&[])
        {
            let Some(expr) = q.str() else { continue };
            // An ApplicationSet's template value is only known once the controller fills it.
            if r.kind == "ApplicationSet" && crate::model::project::templated(expr) {
                continue;
            }
            let Err(e) = jq::check_with_depth(expr, cx.model.settings.limits.depth) else {
                continue;
            };
            let span = q.token_span(text, e.start, e.len);
            let help = if e.message.starts_with("function not defined") && expr.contains(['/', '-'])
            {
                "jq reads `/` and `-` as operators: quote a key that contains them, e.g. `.metadata.labels[\"app.kubernetes.io/name\"]`".to_string()
            } else if e.message.starts_with("empty") {
                "remove the empty item, or write a path such as `.spec.replicas`".to_string()
            } else {
                "fix the expression; `jq 'del(EXPR)' manifest.json` reports the same error"
                    .to_string()
            };
            out.push(
                cx.finding(&INFO, r, span, format!("jq path expression `{}` in {what} does not compile: {}", shorten(expr), e.message))
                    .label("jq error")
                    .help(help)
                    .note("Argo CD compiles each expression as `del(<expr>)` when it builds the diff normalizer; a compile error stops the normalizer, the app gets a ComparisonError, and no sync runs"),
            );
        }
    }
}

/// The group a kind lives in when it is not a core kind: from the built-in table, or from objects
/// of that kind in the tree.
fn needed_group<'m>(cx: &Cx<'m, '_>, kind: &str) -> Option<&'m str> {
    let res = &cx.model.resources;
    if crate::schema::set::builtin_scope_by_kind("", kind).is_some()
        || res.iter().any(|r| r.group.is_empty() && r.kind == kind)
    {
        return None;
    }
    GROUPED_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, g)| *g)
        .or_else(|| {
            res.iter()
                .find(|r| r.kind == kind && !r.group.is_empty())
                .map(|r| r.group)
        })
}

impl Rule for InvalidIgnoreDifferences {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        let Some(list) = app_spec(r).and_then(|s| s.get("ignoreDifferences")) else {
            return;
        };
        for (i, item) in list.items().iter().enumerate() {
            if item.is_map() {
                self.entry(cx, r, i + 1, item, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pointer_problem;

    #[test]
    fn pointers() {
        for ok in [
            "/spec/replicas",
            "/metadata/annotations/argocd.argoproj.io~1sync-wave",
            "/data/config.yaml",
            "/spec/template/metadata/labels/app",
        ] {
            assert_eq!(pointer_problem(ok), None, "{ok}");
        }
        for (bad, fix) in [
            (".spec.replicas", "/spec/replicas"),
            ("spec/replicas", "/spec/replicas"),
            ("/spec.replicas", "/spec/replicas"),
            (
                "/metadata/labels/app.kubernetes.io/name",
                "/metadata/labels/app.kubernetes.io~1name",
            ),
        ] {
            let (_, help) = pointer_problem(bad).expect(bad);
            assert!(help.contains(fix), "{bad}: {help}");
        }
        assert!(pointer_problem("").is_some());
    }
}
