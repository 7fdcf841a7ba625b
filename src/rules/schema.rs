//! `schema`: a manifest that violates its JSON schema (built-in kinds of the target Kubernetes
//! version, Argo CD's CRDs, CRDs found in the tree). See `rules/schema.md`.

use crate::diag::Diagnostic;
use crate::model::Resource;

use super::{Cx, Rule, declare_rule};

declare_rule! {
    Schema, "schema", Error,
    "a manifest violates its schema: unknown field, wrong type, missing required field, bad enum"
}

impl Rule for Schema {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        let Some(set) = cx.schemas else { return };
        if !(cx.focus)(r) || cx.model.looks_like_a_patch(r) {
            return;
        }
        let compiled = match set.compiled(r) {
            Ok(c) => c,
            Err(e) => {
                out.push(
                    cx.finding(
                        &INFO,
                        r,
                        r.kind_span,
                        format!(
                            "the schema for {} {} cannot be used: {e}; this object is not validated",
                            r.api_version, r.kind
                        ),
                    )
                    .label("not validated")
                    .help("fix the CRD's openAPIV3Schema or the --schema-dir file"),
                );
                return;
            }
        };
        let Some(compiled) = compiled else {
            if cx.strict_kinds {
                out.push(
                    cx.finding(
                        &INFO,
                        r,
                        r.kind_span,
                        format!("no schema for {} {}: it is not validated", r.api_version, r.kind),
                    )
                    .label("unknown kind")
                    .help("add its CRD to the tree, or a schema with --schema-dir; without --strict-kinds such kinds are only counted")
                    .note("Argo CD cannot sync a kind the cluster does not know: the dry-run fails unless the CRD is in the same sync"),
                );
            }
            return;
        };
        // Kustomize patches (or a part of the app not in the tree) may add a missing field; only
        // a build can tell.
        // Every app that syncs the object has the option, or the object itself does.
        let option = |opt: &str| {
            let apps = &cx.model.apps_of[r.id];
            r.argo.has_option(opt)
                || (!apps.is_empty() && apps.iter().all(|&a| cx.model.apps[a].has_option(opt)))
        };
        // Server-side apply merges a partial object into the live one (Argo CD documents
        // patching an existing resource this way): a missing field may be the live object's.
        let server_side =
            option("ServerSideApply=true") && !r.argo.has_option("ServerSideApply=false");
        let partial = cx.model.possibly_patched(r)
            || !cx.model.complete(r)
            || cluster_made(r)
            || metadata_only(r)
            || server_side;
        // `Validate=false` applies with `--validate=false`: the API server drops an unknown
        // field instead of rejecting the object.
        let lenient = option("Validate=false");
        // Validation stops at the limit (40,000 bad items cost no more than the limit); one
        // more problem tells that some were not shown, and becomes a finding saying so.
        let limit = cx.limits.findings_per_file.max(1);
        let mut problems = compiled.problems(r.root, r.kind, r.kind_span, limit + 1);
        if problems.len() > limit {
            let last = problems[limit - 1].span;
            problems.truncate(limit - 1);
            out.push(
                cx.finding(
                    &INFO,
                    r,
                    last,
                    format!("more `schema` findings in this object are not shown: validation stops after {} (`limits.findings-per-file` is {limit})", limit - 1),
                )
                .label("and more"),
            );
        }
        // A required field written at the wrong depth (`template.spec` indented as `spec.spec`)
        // is one mistake: the unknown field says where it is; the missing one is its echo.
        let misplaced: Vec<(String, String)> = problems
            .iter()
            .filter_map(|p| field_and_place(&p.message, "unknown field `"))
            .collect();
        let nested = |a: &str, b: &str| a.strip_prefix(b).is_some_and(|r| r.starts_with('.'));
        let echo = |m: &str| {
            field_and_place(m, "missing required field `").is_some_and(|(field, place)| {
                misplaced
                    .iter()
                    .any(|(f, at)| *f == field && (nested(at, &place) || nested(&place, at)))
            })
        };
        let retyped = cx.model.raw_kustomized.contains(&r.file);
        for p in problems {
            if (partial && p.message.starts_with("missing required field"))
                || echo(&p.message)
                || defaulted(&p.message)
                || (retyped && kustomize_quotes(&p.message, &cx.text(r.file)[p.span.range()]))
            {
                continue;
            }
            let dropped = lenient && p.message.starts_with("unknown field");
            let mut d = cx
                .finding(&INFO, r, p.span, p.message)
                .label(p.label)
                .note(if dropped {
                    "the app syncs with `Validate=false`: the API server drops the unknown field without a word, so the sync succeeds and the field has no effect"
                } else {
                    "the API server rejects an invalid object, so Argo CD's dry-run fails and the whole sync stops before anything is applied"
                });
            if dropped {
                d.severity = crate::diag::Severity::Warning;
            }
            if let Some(h) = p.help {
                d = d.help(h);
            }
            out.push(d);
        }
    }
}

/// The field and the place of a problem message (`<prefix>name` in Kind.path…`): `("name",
/// "Kind.path")`. The place ends at the first space (hints such as "did you mean" follow it).
fn field_and_place(message: &str, prefix: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix(prefix)?;
    let (field, rest) = rest.split_once('`')?;
    let place = rest.strip_prefix(" in ")?;
    let place = place
        .split_whitespace()
        .next()?
        .trim_end_matches([',', ':', ';']);
    Some((field.to_string(), place.to_string()))
}

/// A string expected where a raw file has another scalar that kustomize's output would quote:
/// kyaml writes every annotation value as a string, and reads YAML 1.1's `yes`/`no`/`on`/`off`
/// as the strings they are in YAML 1.2 (`kustomize build` of the file shows both).
fn kustomize_quotes(message: &str, value: &str) -> bool {
    let Some(place) = message.strip_prefix("expected string at ") else {
        return false;
    };
    let bool11 = matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "yes" | "no" | "on" | "off" | "y" | "n"
    );
    place.contains(".metadata.annotations.") || bool11
}

/// Required fields the API server fills in before it validates (the built-in types' defaulting
/// functions), so a manifest may leave them out: `roleRef.apiGroup` of a (Cluster)RoleBinding
/// defaults to `rbac.authorization.k8s.io` (`pkg/apis/rbac/v1/defaults.go`).
fn defaulted(message: &str) -> bool {
    field_and_place(message, "missing required field `").is_some_and(|(field, place)| {
        field == "apiGroup"
            && matches!(
                place.as_str(),
                "RoleBinding.roleRef" | "ClusterRoleBinding.roleRef"
            )
    })
}

/// Nothing but `metadata` (labels or annotations to set, such as flipping
/// `storageclass.kubernetes.io/is-default-class` on a StorageClass the installer made): no such
/// object could be created, so it is a patch onto a live one (kubectl's three-way merge).
fn metadata_only(r: &crate::model::Resource<'_>) -> bool {
    r.root
        .entries()
        .iter()
        .all(|e| matches!(e.key.str(), Some("apiVersion" | "kind" | "metadata")))
        && r.root
            .get("metadata")
            .is_some_and(|m| m.get("labels").is_some() || m.get("annotations").is_some())
}

/// Objects the cluster's installer creates in `kube-system` (kubeadm, k3s, EKS, GKE): a
/// manifest of them that holds only the fields to change is applied as a patch onto the live
/// object (kubectl's three-way merge), so the fields it leaves out are not missing.
fn cluster_made(r: &crate::model::Resource<'_>) -> bool {
    r.namespace == Some("kube-system")
        && matches!(
            (r.kind, r.name),
            ("Deployment" | "ConfigMap", Some("coredns" | "kube-dns"))
                | ("DaemonSet", Some("kube-proxy" | "aws-node"))
        )
}
