//! `.synclint.yaml`: rule settings, excludes, fail threshold, target versions. Read with the same
//! spanned YAML loader as manifests, so every config error has a line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::Severity;
use crate::load::yaml::{self, Node, NodeKind};
use crate::rules;

pub const FILE_NAMES: &[&str] = &[".synclint.yaml", ".synclint.yml"];

const KEYS: &[&str] = &[
    "rules",
    "exclude",
    "fail-on",
    "kubernetes-version",
    "argocd-version",
    "argocd",
    "schema-dirs",
    "strict-kinds",
    "repo-urls",
    "render",
    "storage-classes",
    "cluster-crds",
    "limits",
];

const ARGOCD_KEYS: &[&str] = &["version", "health-checks"];

const LIMIT_KEYS: &[&str] = &[
    "file-bytes",
    "run-bytes",
    "alias-nodes-per-file",
    "alias-nodes-per-run",
    "depth",
    "glob-size",
    "generated-apps",
    "findings-per-file",
];

/// A config file that cannot be used: `path:line:col: message`, control characters escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::report::escape::terminal(&self.0))
    }
}

impl std::error::Error for ConfigError {}

impl PartialEq<&str> for ConfigError {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// What the config says about one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    Severity(Severity),
}

#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file it came from.
    pub path: Option<PathBuf>,
    pub rules: BTreeMap<String, RuleSetting>,
    /// gitignore-style globs, relative to the config file's directory.
    pub exclude: Vec<String>,
    /// `error`, `warning`, `info` or `never`.
    pub fail_on: Option<String>,
    pub kubernetes_version: Option<String>,
    pub argocd_version: Option<String>,
    pub schema_dirs: Vec<PathBuf>,
    /// Kinds with no schema are errors instead of "not validated".
    pub strict_kinds: bool,
    /// URLs of this repository, besides its git remotes (Application `repoURL`s to resolve
    /// locally).
    pub repo_urls: Vec<String>,
    /// `render: false` turns Kustomize/Helm rendering off (`--no-render`).
    pub no_render: bool,
    /// `argocd.health-checks`: group/kinds the instance has a health check for.
    pub argocd_health_checks: Vec<String>,
    /// StorageClasses that bind `WaitForFirstConsumer` though not in the tree.
    pub storage_classes: Vec<String>,
    /// CRDs the cluster has before any sync (installed at bootstrap): name or group/Kind.
    pub cluster_crds: Vec<String>,
    pub limits: crate::limits::Limits,
}

impl Config {
    /// The directory relative paths in the config are resolved against.
    pub fn base_dir(&self) -> PathBuf {
        self.path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    pub fn enabled(&self, rule: &str) -> bool {
        self.rules.get(rule) != Some(&RuleSetting::Off)
    }

    pub fn severity(&self, rule: &str) -> Option<Severity> {
        match self.rules.get(rule) {
            Some(RuleSetting::Severity(s)) => Some(*s),
            _ => None,
        }
    }
}

/// `.synclint.yaml` in `start` or the nearest parent directory.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = crate::load::absolute(start);
    start
        .ancestors()
        .find_map(|d| FILE_NAMES.iter().map(|n| d.join(n)).find(|p| p.is_file()))
}

/// Load and validate a config file. Errors read `path:line:col: message`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
    parse(&text, path)
}

pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    parse_inner(text, path).map_err(ConfigError)
}

fn parse_inner(text: &str, path: &Path) -> Result<Config, String> {
    let file = crate::load::SourceFile::new(
        path.display().to_string(),
        path.to_path_buf(),
        text.to_string(),
        crate::load::FileClass::Yaml,
        &yaml::ParseLimits::default(),
    );
    let at = |n: &Node<'_>, msg: String| {
        let lc = file.line_col(n.span.start);
        format!("{}:{}:{}: {msg}", path.display(), lc.line, lc.column)
    };
    let parsed = file.yaml();
    if let Some(i) = parsed.issues.first() {
        let lc = file.line_col(i.span.start);
        return Err(format!(
            "{}:{}:{}: {}",
            path.display(),
            lc.line,
            lc.column,
            i.message
        ));
    }
    let mut cfg = Config {
        path: Some(crate::load::absolute(path)),
        ..Config::default()
    };
    let Some(doc) = parsed.docs.first() else {
        return Ok(cfg);
    };
    let root = &doc.root;
    if !root.is_map() {
        // An empty file (or `~`) is an empty config; anything else is a mistake.
        if root.scalar().is_some() && root.str().is_none() {
            return Ok(cfg);
        }
        return Err(at(root, "the config must be a mapping of settings".into()));
    }
    let string = |n: &Node<'_>, what: &str| -> Result<String, String> {
        match n.scalar() {
            Some(s) if !s.value.is_empty() => Ok(s.value.to_string()),
            _ => Err(at(n, format!("`{what}` must be a non-empty string"))),
        }
    };
    let list = |n: &Node<'_>, what: &str| -> Result<Vec<String>, String> {
        match &n.kind {
            NodeKind::Seq(items) => items.iter().map(|i| string(i, what)).collect(),
            _ => Err(at(n, format!("`{what}` must be a list of strings"))),
        }
    };
    for e in root.entries() {
        let key = e.key.str().unwrap_or("");
        match key {
            "rules" => {
                if !e.value.is_map() && e.value.str().is_some() {
                    return Err(at(
                        &e.value,
                        "`rules` must map rule ids to off|error|warning|info".into(),
                    ));
                }
                for r in e.value.entries() {
                    let id = r.key.str().unwrap_or("");
                    let ids: Vec<&str> = rules::RULES.iter().map(|x| x.info().id).collect();
                    if !ids.contains(&id) {
                        return Err(at(
                            &r.key,
                            format!("unknown rule `{id}`{}", rules::did_you_mean(id, &ids)),
                        ));
                    }
                    let v = r.value.str().map(str::to_string).or_else(|| {
                        r.value
                            .as_bool()
                            .map(|b| if b { "on".into() } else { "off".into() })
                    });
                    let setting = match v.as_deref() {
                        Some("off") => RuleSetting::Off,
                        Some("on") => continue,
                        Some(s) if Severity::parse(s).is_some() => {
                            RuleSetting::Severity(Severity::parse(s).unwrap_or(Severity::Error))
                        }
                        _ => {
                            return Err(at(
                                &r.value,
                                format!(
                                    "rule `{id}` must be set to off, error, warning or info (or on/off)"
                                ),
                            ));
                        }
                    };
                    cfg.rules.insert(id.to_string(), setting);
                }
            }
            "exclude" => cfg.exclude = list(&e.value, key)?,
            "fail-on" => {
                let v = string(&e.value, key)?;
                if !["error", "warning", "info", "never"].contains(&v.as_str()) {
                    return Err(at(
                        &e.value,
                        format!("`fail-on` must be error, warning, info or never, not `{v}`"),
                    ));
                }
                cfg.fail_on = Some(v);
            }
            "kubernetes-version" => cfg.kubernetes_version = Some(string(&e.value, key)?),
            "argocd-version" => cfg.argocd_version = Some(string(&e.value, key)?),
            "schema-dirs" => {
                let base = cfg.base_dir();
                cfg.schema_dirs = list(&e.value, key)?
                    .into_iter()
                    .map(|d| base.join(d))
                    .collect();
            }
            "repo-urls" => cfg.repo_urls = list(&e.value, key)?,
            "storage-classes" => cfg.storage_classes = list(&e.value, key)?,
            "cluster-crds" => cfg.cluster_crds = list(&e.value, key)?,
            "argocd" => {
                if !e.value.is_map() {
                    return Err(at(
                        &e.value,
                        "`argocd` must be a mapping (version, health-checks)".into(),
                    ));
                }
                for a in e.value.entries() {
                    let k = a.key.str().unwrap_or("");
                    match k {
                        "version" => cfg.argocd_version = Some(string(&a.value, "argocd.version")?),
                        "health-checks" => {
                            cfg.argocd_health_checks = list(&a.value, "argocd.health-checks")?
                        }
                        other => {
                            return Err(at(
                                &a.key,
                                format!(
                                    "unknown setting `argocd.{other}`{}",
                                    rules::did_you_mean(other, ARGOCD_KEYS)
                                ),
                            ));
                        }
                    }
                }
            }
            "limits" => {
                if !e.value.is_map() {
                    return Err(at(&e.value, "`limits` must be a mapping of budgets".into()));
                }
                for a in e.value.entries() {
                    let k = a.key.str().unwrap_or("");
                    let n = a.value.as_i64().filter(|n| *n > 0).ok_or_else(|| {
                        at(&a.value, format!("`limits.{k}` must be a positive integer"))
                    })?;
                    let l = &mut cfg.limits;
                    match k {
                        "file-bytes" => l.file_bytes = n as u64,
                        "run-bytes" => l.run_bytes = n as u64,
                        "alias-nodes-per-file" => l.alias_nodes_per_file = n as u64,
                        "alias-nodes-per-run" => l.alias_nodes_per_run = n as u64,
                        "depth" => l.depth = n as usize,
                        "glob-size" => l.glob_size = n as usize,
                        "generated-apps" => l.generated_apps = n as usize,
                        "findings-per-file" => l.findings_per_file = n as usize,
                        other => {
                            return Err(at(
                                &a.key,
                                format!(
                                    "unknown setting `limits.{other}`{}",
                                    rules::did_you_mean(other, LIMIT_KEYS)
                                ),
                            ));
                        }
                    }
                }
            }
            "render" => {
                cfg.no_render = !e
                    .value
                    .as_bool()
                    .ok_or_else(|| at(&e.value, "`render` must be true or false".into()))?;
            }
            "strict-kinds" => {
                cfg.strict_kinds = e
                    .value
                    .as_bool()
                    .ok_or_else(|| at(&e.value, "`strict-kinds` must be true or false".into()))?;
            }
            other => {
                return Err(at(
                    &e.key,
                    format!(
                        "unknown setting `{other}`{}",
                        rules::did_you_mean(other, KEYS)
                    ),
                ));
            }
        }
    }
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_setting() {
        let c = parse(
            "rules:\n  hook-ttl: off\n  hook-deadline: error\nexclude: [vendor/**]\nfail-on: warning\nkubernetes-version: \"1.34\"\n",
            Path::new("/repo/.synclint.yaml"),
        )
        .unwrap();
        assert!(!c.enabled("hook-ttl"));
        assert_eq!(c.severity("hook-deadline"), Some(Severity::Error));
        assert_eq!(c.exclude, vec!["vendor/**"]);
        assert_eq!(c.fail_on.as_deref(), Some("warning"));
        assert_eq!(c.kubernetes_version.as_deref(), Some("1.34"));
    }

    #[test]
    fn errors_have_positions_and_suggestions() {
        let e = parse("rules:\n  hook-tll: off\n", Path::new("c.yaml")).unwrap_err();
        assert_eq!(
            e,
            "c.yaml:2:3: unknown rule `hook-tll` (did you mean `hook-ttl`?)"
        );
        let e = parse("fail_on: error\n", Path::new("c.yaml")).unwrap_err();
        assert!(
            e.0.starts_with("c.yaml:1:1: unknown setting `fail_on` (did you mean `fail-on`?)"),
            "{e}"
        );
        let e = parse("rules:\n  hook-ttl: loud\n", Path::new("c.yaml")).unwrap_err();
        assert!(e.0.contains("2:13"), "{e}");
    }
}
