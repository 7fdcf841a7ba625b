//! Turns the loose schemas from k8s-openapi (or a CRD-style source) into strict, validator-ready JSON Schema.
//!
//! Applied to every definition:
//!
//! * `description`, `format`, `title` and the `x-kubernetes-*` annotations are dropped (size; no validation meaning).
//! * `x-kubernetes-int-or-string` → `type: [integer, string]`.
//! * `x-kubernetes-preserve-unknown-fields` → only the declared `type` is kept (any content), or, next to
//!   `properties`, unknown fields are allowed.
//! * every object schema with `properties` and no `additionalProperties` gets `additionalProperties: false`.
//! * optional (non-`required`) properties accept `null`: inline schemas get `"null"` added to `type` (and `null` to
//!   `enum`); shared definitions get `"null"` added to their `type`, and the *required* places that reference one
//!   get a sibling `type` without `"null"`, so `template: null` is still an error.
//! * the root definition of each kind requires `apiVersion` and `kind` with `const` values, and accepts any `status`.
//!
//! Null is modelled with `type` arrays rather than `anyOf: [..., {type: null}]` on purpose: an `anyOf` hides the
//! inner error (`'replcias' was unexpected`) behind "is not valid under any of the schemas".

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

/// Kubernetes' quantity grammar (resource.Quantity), as used by the upstream CRD/OpenAPI tooling.
pub const QUANTITY_PATTERN: &str = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

/// Definitions that k8s-openapi describes too loosely (or wrongly) and that are replaced outright.
fn special_defs() -> Vec<(&'static str, Value)> {
    vec![
        (
            "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
            json!({"type": ["integer", "string"]}),
        ),
        (
            "io.k8s.apimachinery.pkg.api.resource.Quantity",
            // `pattern` applies to strings only; YAML `cpu: 1` or `cpu: 0.5` are numbers and fine.
            json!({"type": ["string", "number"], "pattern": QUANTITY_PATTERN}),
        ),
        ("io.k8s.apimachinery.pkg.apis.meta.v1.Time", json!({"type": "string"})),
        (
            "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
            json!({"type": "string"}),
        ),
        // Arbitrary embedded objects / JSON values (ControllerRevision.data, CRD default/example/enum, ...).
        ("io.k8s.apimachinery.pkg.runtime.RawExtension", json!({})),
        (
            "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
            json!({}),
        ),
    ]
}

/// An enum added by hand: (definition, property, values, applies to array items).
///
/// Only fields whose values the API server validates against a closed set. `""` is included where the API server
/// defaults an empty string (the field is a plain string, `if x == "" { x = default }`), so `""` is accepted there.
struct Enum {
    def: &'static str,
    prop: &'static str,
    values: &'static [&'static str],
    items: bool,
}

const fn e(def: &'static str, prop: &'static str, values: &'static [&'static str]) -> Enum {
    Enum {
        def,
        prop,
        values,
        items: false,
    }
}
const fn ei(def: &'static str, prop: &'static str, values: &'static [&'static str]) -> Enum {
    Enum {
        def,
        prop,
        values,
        items: true,
    }
}

#[rustfmt::skip]
fn enums() -> Vec<Enum> {
    const PROTOCOL: &[&str] = &["TCP", "UDP", "SCTP", ""];
    const ACCESS_MODES: &[&str] = &["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"];
    const VOLUME_MODE: &[&str] = &["Filesystem", "Block"];
    const TAINT_EFFECT: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];
    const LABEL_OP: &[&str] = &["In", "NotIn", "Exists", "DoesNotExist"];
    const TRAFFIC_POLICY: &[&str] = &["Cluster", "Local"];
    const POLICY_TYPES: &[&str] = &["Ingress", "Egress"];
    vec![
        // Pods and containers.
        e("io.k8s.api.core.v1.Container", "imagePullPolicy", &["Always", "IfNotPresent", "Never", ""]),
        e("io.k8s.api.core.v1.EphemeralContainer", "imagePullPolicy", &["Always", "IfNotPresent", "Never", ""]),
        e("io.k8s.api.core.v1.Container", "terminationMessagePolicy", &["File", "FallbackToLogsOnError", ""]),
        e("io.k8s.api.core.v1.PodSpec", "restartPolicy", &["Always", "OnFailure", "Never", ""]),
        e("io.k8s.api.core.v1.PodSpec", "dnsPolicy", &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None", ""]),
        e("io.k8s.api.core.v1.PodSpec", "preemptionPolicy", &["PreemptLowerPriority", "Never"]),
        e("io.k8s.api.core.v1.ContainerPort", "protocol", PROTOCOL),
        e("io.k8s.api.core.v1.HTTPGetAction", "scheme", &["HTTP", "HTTPS", ""]),
        e("io.k8s.api.core.v1.Toleration", "operator", &["Exists", "Equal", ""]), // + Lt, Gt from 1.35 (see apply_enums)
        e("io.k8s.api.core.v1.Toleration", "effect", &["NoSchedule", "PreferNoSchedule", "NoExecute", ""]),
        e("io.k8s.api.core.v1.Taint", "effect", TAINT_EFFECT),
        e("io.k8s.api.core.v1.NodeSelectorRequirement", "operator", &["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]),
        e("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement", "operator", LABEL_OP),
        e("io.k8s.api.core.v1.TopologySpreadConstraint", "whenUnsatisfiable", &["DoNotSchedule", "ScheduleAnyway"]),
        e("io.k8s.api.core.v1.TopologySpreadConstraint", "nodeAffinityPolicy", &["Honor", "Ignore"]),
        e("io.k8s.api.core.v1.TopologySpreadConstraint", "nodeTaintsPolicy", &["Honor", "Ignore"]),
        e("io.k8s.api.core.v1.SeccompProfile", "type", &["RuntimeDefault", "Unconfined", "Localhost"]),
        e("io.k8s.api.core.v1.AppArmorProfile", "type", &["RuntimeDefault", "Unconfined", "Localhost"]),
        e("io.k8s.api.core.v1.PodSecurityContext", "fsGroupChangePolicy", &["OnRootMismatch", "Always"]),
        e("io.k8s.api.core.v1.HostPathVolumeSource", "type", &["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"]),
        // Services.
        e("io.k8s.api.core.v1.ServicePort", "protocol", PROTOCOL),
        e("io.k8s.api.core.v1.ServiceSpec", "type", &["ClusterIP", "NodePort", "LoadBalancer", "ExternalName", ""]),
        e("io.k8s.api.core.v1.ServiceSpec", "externalTrafficPolicy", &["Cluster", "Local", ""]),
        e("io.k8s.api.core.v1.ServiceSpec", "internalTrafficPolicy", TRAFFIC_POLICY),
        e("io.k8s.api.core.v1.ServiceSpec", "sessionAffinity", &["ClientIP", "None", ""]),
        e("io.k8s.api.core.v1.ServiceSpec", "ipFamilyPolicy", &["SingleStack", "PreferDualStack", "RequireDualStack"]),
        ei("io.k8s.api.core.v1.ServiceSpec", "ipFamilies", &["IPv4", "IPv6"]),
        // Storage.
        ei("io.k8s.api.core.v1.PersistentVolumeClaimSpec", "accessModes", ACCESS_MODES),
        ei("io.k8s.api.core.v1.PersistentVolumeSpec", "accessModes", ACCESS_MODES),
        e("io.k8s.api.core.v1.PersistentVolumeClaimSpec", "volumeMode", VOLUME_MODE),
        e("io.k8s.api.core.v1.PersistentVolumeSpec", "volumeMode", VOLUME_MODE),
        e("io.k8s.api.core.v1.PersistentVolumeSpec", "persistentVolumeReclaimPolicy", &["Retain", "Delete", "Recycle", ""]),
        e("io.k8s.api.storage.v1.StorageClass", "reclaimPolicy", &["Delete", "Retain"]),
        e("io.k8s.api.storage.v1.StorageClass", "volumeBindingMode", &["Immediate", "WaitForFirstConsumer"]),
        // Workloads.
        e("io.k8s.api.apps.v1.DeploymentStrategy", "type", &["Recreate", "RollingUpdate", ""]),
        e("io.k8s.api.apps.v1.StatefulSetSpec", "podManagementPolicy", &["OrderedReady", "Parallel", ""]),
        e("io.k8s.api.apps.v1.StatefulSetUpdateStrategy", "type", &["RollingUpdate", "OnDelete", ""]),
        e("io.k8s.api.apps.v1.DaemonSetUpdateStrategy", "type", &["RollingUpdate", "OnDelete", ""]),
        e("io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy", "whenDeleted", &["Retain", "Delete", ""]),
        e("io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy", "whenScaled", &["Retain", "Delete", ""]),
        e("io.k8s.api.batch.v1.JobSpec", "completionMode", &["NonIndexed", "Indexed"]),
        e("io.k8s.api.batch.v1.JobSpec", "podReplacementPolicy", &["TerminatingOrFailed", "Failed"]),
        e("io.k8s.api.batch.v1.PodFailurePolicyRule", "action", &["FailJob", "FailIndex", "Ignore", "Count"]),
        e("io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement", "operator", &["In", "NotIn"]),
        e("io.k8s.api.batch.v1.CronJobSpec", "concurrencyPolicy", &["Allow", "Forbid", "Replace", ""]),
        e("io.k8s.api.policy.v1.PodDisruptionBudgetSpec", "unhealthyPodEvictionPolicy", &["IfHealthyBudget", "AlwaysAllow"]),
        // Networking.
        e("io.k8s.api.networking.v1.HTTPIngressPath", "pathType", &["Exact", "Prefix", "ImplementationSpecific"]),
        ei("io.k8s.api.networking.v1.NetworkPolicySpec", "policyTypes", POLICY_TYPES),
        e("io.k8s.api.networking.v1.NetworkPolicyPort", "protocol", &["TCP", "UDP", "SCTP"]),
        e("io.k8s.api.networking.v1.IngressClassParametersReference", "scope", &["Cluster", "Namespace"]),
        // Autoscaling.
        e("io.k8s.api.autoscaling.v2.MetricSpec", "type", &["ContainerResource", "External", "Object", "Pods", "Resource"]),
        e("io.k8s.api.autoscaling.v2.MetricTarget", "type", &["Utilization", "Value", "AverageValue"]),
        e("io.k8s.api.autoscaling.v2.HPAScalingRules", "selectPolicy", &["Max", "Min", "Disabled"]),
        e("io.k8s.api.autoscaling.v2.HPAScalingPolicy", "type", &["Pods", "Percent"]),
        // RBAC.
        e("io.k8s.api.rbac.v1.Subject", "kind", &["User", "Group", "ServiceAccount"]),
        e("io.k8s.api.rbac.v1.RoleRef", "kind", &["Role", "ClusterRole"]),
        // Admission webhooks (admissionregistration.k8s.io/v1).
        e("io.k8s.api.admissionregistration.v1.MutatingWebhook", "failurePolicy", &["Ignore", "Fail"]),
        e("io.k8s.api.admissionregistration.v1.ValidatingWebhook", "failurePolicy", &["Ignore", "Fail"]),
        e("io.k8s.api.admissionregistration.v1.MutatingWebhook", "sideEffects", &["None", "NoneOnDryRun"]),
        e("io.k8s.api.admissionregistration.v1.ValidatingWebhook", "sideEffects", &["None", "NoneOnDryRun"]),
        e("io.k8s.api.admissionregistration.v1.MutatingWebhook", "matchPolicy", &["Exact", "Equivalent"]),
        e("io.k8s.api.admissionregistration.v1.ValidatingWebhook", "matchPolicy", &["Exact", "Equivalent"]),
        e("io.k8s.api.admissionregistration.v1.MutatingWebhook", "reinvocationPolicy", &["Never", "IfNeeded"]),
        ei("io.k8s.api.admissionregistration.v1.RuleWithOperations", "operations", &["*", "CREATE", "UPDATE", "DELETE", "CONNECT"]),
        e("io.k8s.api.admissionregistration.v1.RuleWithOperations", "scope", &["*", "Cluster", "Namespaced"]),
        // CRDs.
        e("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec", "scope", &["Cluster", "Namespaced"]),
        e("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceConversion", "strategy", &["None", "Webhook"]),
    ]
}

/// Adds the hand-written enums (`SCHEMA_GEN_SHOW_ENUMS=1` prints each with the upstream description).
fn apply_enums(defs: &mut Map<String, Value>) {
    let mut missing = Vec::new();
    for en in enums() {
        let Some(prop) = defs
            .get_mut(en.def)
            .and_then(|d| d.get_mut("properties"))
            .and_then(|p| p.get_mut(en.prop))
        else {
            missing.push(format!("{}.{}", en.def, en.prop));
            continue;
        };
        if std::env::var_os("SCHEMA_GEN_SHOW_ENUMS").is_some() {
            // For reviewing the hand-written sets against the upstream field descriptions.
            let doc = prop.get("description").and_then(Value::as_str).unwrap_or("");
            eprintln!("{}.{} {:?}\n    {doc}", en.def, en.prop, en.values);
        }
        let mut values: Vec<&str> = en.values.to_vec();
        let description = prop.get("description").and_then(Value::as_str).unwrap_or("");
        if en.def == "io.k8s.api.core.v1.Toleration"
            && en.prop == "operator"
            && description.contains("Lt and Gt perform")
        {
            // TaintTolerationComparisonOperators (alpha in 1.35): "Valid operators are Exists, Equal, Lt, and Gt".
            values.extend(["Lt", "Gt"]);
        }
        let target = if en.items {
            prop.get_mut("items").expect("items")
        } else {
            prop
        };
        assert_eq!(
            target.get("type").and_then(Value::as_str),
            Some("string"),
            "{}.{} is not a string",
            en.def,
            en.prop
        );
        target.as_object_mut().unwrap().insert("enum".into(), json!(values));
    }
    // Definitions only present in some versions (none today) are fine; anything else is a typo.
    for m in &missing {
        let def = m.rsplit_once('.').map(|x| x.0).unwrap_or(m);
        if defs.contains_key(def) {
            panic!("enum target {m}: property not found");
        }
        eprintln!("note: enum target {m} not in this version");
    }
}

const SUBSCHEMA_MAPS: &[&str] = &["properties", "patternProperties", "$defs"];
const SUBSCHEMA_ONE: &[&str] = &["additionalProperties", "items", "not", "contains", "if", "then", "else"];
const SUBSCHEMA_LISTS: &[&str] = &["anyOf", "oneOf", "allOf", "prefixItems"];

fn for_each_subschema(obj: &mut Map<String, Value>, f: &mut dyn FnMut(&mut Value)) {
    for key in SUBSCHEMA_MAPS {
        if let Some(Value::Object(m)) = obj.get_mut(*key) {
            m.values_mut().for_each(&mut *f);
        }
    }
    for key in SUBSCHEMA_ONE {
        match obj.get_mut(*key) {
            Some(Value::Array(a)) => a.iter_mut().for_each(&mut *f), // draft-4 style tuple items
            Some(v) => f(v),
            None => {}
        }
    }
    for key in SUBSCHEMA_LISTS {
        if let Some(Value::Array(a)) = obj.get_mut(*key) {
            a.iter_mut().for_each(&mut *f);
        }
    }
}

fn is_true(v: Option<&Value>) -> bool {
    v.and_then(Value::as_bool) == Some(true)
}

/// Adds `null` to an inline schema (see the module docs); `$ref`s are handled through the definitions.
fn make_nullable(schema: &mut Value) {
    let Value::Object(obj) = schema else { return };
    if let Some(Value::Array(values)) = obj.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    if let Some(c) = obj.remove("const") {
        obj.insert("enum".into(), json!([c, null]));
    }
    match obj.get_mut("type") {
        Some(Value::String(t)) => {
            if t != "null" {
                let t = std::mem::take(t);
                obj.insert("type".into(), json!([t, "null"]));
            }
        }
        Some(Value::Array(types)) => {
            if !types.contains(&json!("null")) {
                types.push(json!("null"));
            }
        }
        Some(_) => {}
        None => {
            if let Some(Value::Array(branches)) = obj.get_mut("anyOf")
                && !branches.contains(&json!({"type": "null"}))
            {
                branches.push(json!({"type": "null"}));
            }
        }
    }
}

/// The per-node rewrite (see the module docs), applied bottom-up.
fn transform(schema: &mut Value) {
    let Value::Object(obj) = schema else { return };
    for key in [
        "description",
        "format",
        "title",
        "example",
        "examples",
        "default",
        "$schema",
    ] {
        obj.remove(key);
    }
    if is_true(obj.get("x-kubernetes-int-or-string")) {
        obj.remove("anyOf");
        obj.remove("oneOf");
        obj.insert("type".into(), json!(["integer", "string"]));
    }
    if is_true(obj.get("x-kubernetes-preserve-unknown-fields")) {
        if obj.contains_key("properties") {
            obj.insert("additionalProperties".into(), Value::Bool(true));
        } else {
            // Any content; keep only the declared type.
            obj.retain(|k, _| k == "type");
        }
    }
    obj.retain(|k, _| !k.starts_with("x-kubernetes-"));
    // k8s-openapi's only `oneOf`s (JSONSchemaPropsOr{Array,Bool,StringArray}) have branches of different types,
    // so `anyOf` means the same, and stays right once the branches accept null.
    if let Some(branches) = obj.remove("oneOf") {
        obj.insert("anyOf".into(), branches);
    }
    for_each_subschema(obj, &mut transform);
    if obj.contains_key("properties") && !obj.contains_key("additionalProperties") {
        obj.insert("additionalProperties".into(), Value::Bool(false));
    }
    let required: Vec<String> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default();
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        for (name, prop) in props.iter_mut() {
            if !required.contains(name) {
                make_nullable(prop);
            }
        }
    }
}

/// Definition name → its `type` without `"null"` (used to keep required references non-null).
fn def_base_types(defs: &Map<String, Value>) -> BTreeMap<String, Value> {
    defs.iter()
        .filter_map(|(name, def)| {
            let t = match def.get("type")? {
                Value::Array(types) => {
                    let mut types: Vec<Value> = types.iter().filter(|t| t.as_str() != Some("null")).cloned().collect();
                    if types.len() == 1 {
                        types.pop().unwrap()
                    } else {
                        Value::Array(types)
                    }
                }
                t => t.clone(),
            };
            Some((name.clone(), t))
        })
        .collect()
}

/// Required properties that `$ref` a (now nullable) definition get a sibling `type` without `null`.
fn pin_required_refs(schema: &mut Value, base: &BTreeMap<String, Value>) {
    let Value::Object(obj) = schema else { return };
    for_each_subschema(obj, &mut |s| pin_required_refs(s, base));
    let required: Vec<String> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default();
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        for name in &required {
            let Some(Value::Object(prop)) = props.get_mut(name) else {
                continue;
            };
            let Some(target) = prop.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            let Some(t) = target.strip_prefix("#/$defs/").and_then(|n| base.get(n)) else {
                continue;
            };
            if !prop.contains_key("type") {
                prop.insert("type".into(), t.clone());
            }
        }
    }
}

/// A kind's root definition also used inside other definitions (StatefulSet.volumeClaimTemplates embeds
/// PersistentVolumeClaim) is split: the embedded uses point at a copy named `<name>.embedded`, which stays a plain,
/// nullable definition, while `<name>` becomes the strict root.
fn split_embedded_roots(defs: &mut Map<String, Value>, roots: &[(String, &str, &str)]) {
    fn rename(v: &mut Value, from: &str, to: &str) {
        match v {
            Value::Object(m) => {
                for (k, v) in m.iter_mut() {
                    if k == "$ref" && v.as_str() == Some(from) {
                        *v = json!(to);
                    } else {
                        rename(v, from, to);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|v| rename(v, from, to)),
            _ => {}
        }
    }
    for (name, _, _) in roots {
        let from = format!("#/$defs/{name}");
        let used = defs
            .iter()
            .any(|(n, d)| n != name && serde_json::to_string(d).unwrap().contains(&format!("\"{from}\"")));
        if used {
            let copy = format!("{name}.embedded");
            let to = format!("#/$defs/{copy}");
            for def in defs.values_mut() {
                rename(def, &from, &to);
            }
            let def = defs[name].clone();
            defs.insert(copy, def);
        }
    }
}

/// `process`: the definitions to rewrite (all of them, or only the hand-written ones next to already processed
/// Kubernetes definitions).
fn finish(defs: &mut Map<String, Value>, roots: &[(String, &str, &str)], process: &dyn Fn(&str) -> bool) {
    split_embedded_roots(defs, roots);
    for (name, def) in defs.iter_mut() {
        if process(name) {
            transform(def);
        }
    }
    let base = def_base_types(defs);
    let root_names: Vec<&str> = roots.iter().map(|r| r.0.as_str()).collect();
    for (name, def) in defs.iter_mut() {
        if process(name) && !root_names.contains(&name.as_str()) {
            make_nullable(def);
        }
    }
    for (name, def) in defs.iter_mut() {
        if process(name) {
            pin_required_refs(def, &base);
        }
    }
    for (name, api_version, kind) in roots {
        let root = defs
            .get_mut(name)
            .unwrap_or_else(|| panic!("missing root {name}"))
            .as_object_mut()
            .unwrap();
        root.insert("type".into(), json!("object"));
        let props = root
            .entry("properties")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .unwrap();
        props.insert("apiVersion".into(), json!({"const": api_version}));
        props.insert("kind".into(), json!({"const": kind}));
        if props.contains_key("status") {
            // Manifests sometimes carry a (stale) status; the API server ignores it on create/apply.
            props.insert("status".into(), json!({}));
        }
        let required = root
            .entry("required")
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .unwrap();
        for key in ["kind", "apiVersion"] {
            if !required.contains(&json!(key)) {
                required.insert(0, json!(key));
            }
        }
    }
    // A root must not double as a shared definition: it is not nullable and pins apiVersion/kind.
    let text = serde_json::to_string(&*defs).unwrap();
    for name in &root_names {
        let r = format!("\"#/$defs/{name}\"");
        assert!(
            !text.contains(&r),
            "root definition {name} is referenced by another definition"
        );
    }
}

/// Post-processes the k8s-openapi definitions. `roots` = (definition, apiVersion, kind) of each kind.
pub fn kubernetes_defs(defs: &mut Map<String, Value>, roots: &[(String, &str, &str)]) {
    apply_enums(defs);
    for (name, replacement) in special_defs() {
        if let Some(def) = defs.get_mut(name) {
            *def = replacement;
        }
    }
    // `data: {key: }` (an empty YAML value) is null; the API server stores it as "" (encoding/json leaves the
    // string at its zero value). Argo CD's own docs ship such placeholders, so these maps accept null values.
    // Labels and annotations do not: Argo CD reads them as string maps and fails on null.
    for (def, prop) in [
        ("io.k8s.api.core.v1.ConfigMap", "data"),
        ("io.k8s.api.core.v1.ConfigMap", "binaryData"),
        ("io.k8s.api.core.v1.Secret", "data"),
        ("io.k8s.api.core.v1.Secret", "stringData"),
    ] {
        let values = defs
            .get_mut(def)
            .and_then(|d| d.pointer_mut(&format!("/properties/{prop}/additionalProperties")))
            .unwrap_or_else(|| panic!("{def}.{prop} is not a map"));
        assert_eq!(values.get("type").and_then(Value::as_str), Some("string"));
        values["type"] = json!(["string", "null"]);
    }
    finish(defs, roots, &|_| true);
}

/// Post-processes hand-written CRD definitions (same rules) next to already processed Kubernetes definitions.
/// A `$ref` that does not start with `#` is shorthand for `#/$defs/<name>`.
pub fn crd_defs(
    own: Map<String, Value>,
    kubernetes: Map<String, Value>,
    roots: &[(String, &str, &str)],
) -> Map<String, Value> {
    fn expand_refs(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, v) in m.iter_mut() {
                    match v {
                        Value::String(s) if k == "$ref" && !s.starts_with('#') => *s = format!("#/$defs/{s}"),
                        _ => expand_refs(v),
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(expand_refs),
            _ => {}
        }
    }
    let names: Vec<String> = own.keys().cloned().collect();
    let mut defs = kubernetes;
    for (name, mut def) in own {
        assert!(!defs.contains_key(&name), "{name} is also a Kubernetes definition");
        expand_refs(&mut def);
        defs.insert(name, def);
    }
    finish(&mut defs, roots, &|n| names.iter().any(|m| m == n));
    defs
}
