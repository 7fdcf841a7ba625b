//! One test per entry of `schemas/deprecated-apis.json`: an object of that apiVersion/kind gets
//! exactly one `deprecated-api` finding on its apiVersion line, at the right severity for the
//! target version.

mod common;

use synclint::diag::Severity;

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    api_version: String,
    kind: String,
    deprecated_in: String,
    removed_in: Option<String>,
}

fn minor(v: &str) -> u32 {
    v.strip_prefix("1.").unwrap().parse().unwrap()
}

#[test]
fn every_entry_fires_at_the_right_severity() {
    let table: serde_json::Value =
        serde_json::from_str(include_str!("../schemas/deprecated-apis.json")).unwrap();
    let entries: Vec<Entry> = serde_json::from_value(table["entries"].clone()).unwrap();
    assert!(entries.len() >= 50);
    for target in ["1.33", "1.35", "1.21"] {
        for (i, e) in entries.iter().enumerate() {
            let doc = format!(
                "# entry {i}\napiVersion: {}\nkind: {}\nmetadata:\n  name: x{i}\n",
                e.api_version, e.kind
            );
            let cfg = format!("kubernetes-version: \"{target}\"\n");
            let dir = common::tree(
                &format!("deprecated-{target}-{i}"),
                &[("obj.yaml", &doc), (".synclint.yaml", &cfg)],
            );
            let config = synclint::config::load(&dir.join(".synclint.yaml")).unwrap();
            let a = common::run(&[&dir], &common::options(&config));
            let loaded = &a;
            let found: Vec<_> = a
                .diagnostics
                .iter()
                .filter(|d| d.rule == "deprecated-api")
                .collect();
            let t = minor(target);
            let removed = e.removed_in.as_deref().is_some_and(|r| minor(r) <= t);
            let deprecated = minor(&e.deprecated_in) <= t;
            let label = format!("{} {} at {target}", e.api_version, e.kind);
            let group = e.api_version.rsplit_once('/').map_or("", |(g, _)| g);
            // Argo CD never applies a kind it excludes: only `excluded-resource` speaks of it.
            let excluded = synclint::model::exclusions::core_excluded(group, &e.kind);
            if excluded || (!removed && !deprecated) {
                assert!(found.is_empty(), "{label}: {found:?}");
                continue;
            }
            assert_eq!(found.len(), 1, "{label}: {:?}", a.diagnostics);
            let d = found[0];
            assert_eq!(
                loaded.files[d.file].line_col(d.span.start).line,
                2,
                "{label}"
            );
            // Excluded by the install's default argocd-cm (3.0+): probably never applied.
            let defaulted = matches!(
                (group, e.kind.as_str()),
                ("" | "discovery.k8s.io", "Endpoints" | "EndpointSlice")
                    | ("certificates.k8s.io", "CertificateSigningRequest")
                    | ("authentication.k8s.io" | "authorization.k8s.io", _)
            );
            let want = if defaulted {
                Severity::Info
            } else if removed {
                Severity::Error
            } else {
                Severity::Warning
            };
            assert_eq!(d.severity, want, "{label}: {}", d.message);
            if removed {
                assert!(
                    d.message.contains(&format!(
                        "removed in Kubernetes {}",
                        e.removed_in.as_deref().unwrap()
                    )),
                    "{}",
                    d.message
                );
            }
        }
    }
}
