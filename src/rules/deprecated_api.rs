//! `deprecated-api`: apiVersions deprecated in, or removed by, the target Kubernetes version. The
//! table is data: `schemas/deprecated-apis.json`. See `rules/deprecated-api.md`.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::diag::{Diagnostic, Severity};
use crate::model::Resource;
use crate::model::exclusions::Excluded;

use super::{Cx, Rule, declare_rule};

declare_rule! {
    DeprecatedApi, "deprecated-api", Warning,
    "an apiVersion deprecated in (warning) or removed by (error) the target Kubernetes version"
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub api_version: String,
    pub kind: String,
    pub deprecated_in: String,
    pub removed_in: Option<String>,
    pub replacement: Option<String>,
}

#[derive(Deserialize)]
struct Table {
    entries: Vec<Entry>,
}

pub fn table() -> &'static [Entry] {
    static T: OnceLock<Vec<Entry>> = OnceLock::new();
    T.get_or_init(|| {
        serde_json::from_str::<Table>(include_str!("../../schemas/deprecated-apis.json"))
            .map(|t| t.entries)
            .unwrap_or_default()
    })
}

/// `"1.25"` → 25 (the minor; every entry is Kubernetes 1.x).
pub fn minor(v: &str) -> Option<u32> {
    v.trim_start_matches('v')
        .strip_prefix("1.")?
        .split('.')
        .next()?
        .parse()
        .ok()
}

impl Rule for DeprecatedApi {
    fn check_resource(&self, cx: &Cx<'_, '_>, r: &Resource<'_>, out: &mut Vec<Diagnostic>) {
        let target = cx.kubernetes_minor;
        let Some(e) = table()
            .iter()
            .find(|e| e.api_version == r.api_version && e.kind == r.kind)
        else {
            return;
        };
        let Some(api) = r.root.get("apiVersion") else {
            return;
        };
        // Argo CD drops an excluded kind from the sync: the API server never sees it.
        let excluded = cx.model.excluded(r);
        if excluded == Excluded::Yes {
            return;
        }
        let instead = e.replacement.as_deref().map_or_else(
            || "it has no replacement; remove the object".to_string(),
            |s| format!("use {s}"),
        );
        let removed = e
            .removed_in
            .as_deref()
            .and_then(minor)
            .filter(|m| *m <= target);
        let deprecated = minor(&e.deprecated_in).is_some_and(|m| m <= target);
        let mut d = if let Some(m) = removed {
            let mut d = cx
                .finding(
                    &INFO,
                    r,
                    api.span,
                    format!("{} {} was removed in Kubernetes 1.{m}; {instead}", e.api_version, e.kind),
                )
                .label(format!("not served since 1.{m}"))
                .note(format!("the API server of Kubernetes 1.{target} rejects this object, so the dry-run fails and Argo CD syncs nothing"));
            d.severity = Severity::Error;
            d
        } else if deprecated {
            cx.finding(
                &INFO,
                r,
                api.span,
                format!(
                    "{} {} is deprecated since Kubernetes {}{}; {instead}",
                    e.api_version,
                    e.kind,
                    e.deprecated_in,
                    e.removed_in.as_deref().map_or(String::new(), |v| format!(" and removed in {v}"))
                ),
            )
            .label("deprecated")
            .note("the API server still serves it, with a warning; it will stop at the version that removes it")
        } else {
            return;
        };
        if excluded == Excluded::Probably {
            d.severity = Severity::Info;
            let why = format!(
                "Argo CD {}+ leaves {} out of every sync by default (argocd-cm `resource.exclusions`), and the tree does not show this instance's setting",
                crate::model::exclusions::DEFAULTS_SINCE,
                r.kind
            );
            d.note = Some(match d.note.take() {
                Some(n) => format!("{why}; if it syncs them: {n}"),
                None => why,
            });
        }
        if let Some(s) = &e.replacement {
            let av = s.split_whitespace().next().unwrap_or(s);
            d = d.help(format!(
                "change apiVersion to `{av}` and check the object against that version's schema"
            ));
        } else {
            d = d.help(instead);
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_well_formed() {
        let t = table();
        assert!(t.len() >= 50);
        for e in t {
            let dep = minor(&e.deprecated_in).expect(&e.deprecated_in);
            if let Some(r) = &e.removed_in {
                assert!(minor(r).unwrap() > dep, "{} {}", e.api_version, e.kind);
            }
            if let Some(s) = &e.replacement {
                assert!(s.split_whitespace().next().unwrap().contains('v'), "{s}");
            }
        }
    }
}
