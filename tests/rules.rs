//! Every rule page is also its test: the `## Example` section must produce exactly the findings
//! its `# expect: <rule>` markers name, on those lines, and `## Use instead` must be clean.

mod common;

use std::collections::BTreeSet;

struct Block {
    file: String,
    text: String,
}

/// The yaml blocks of one `## Section` of a page.
fn blocks(page: &str, section: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut in_section = false;
    let mut current: Option<Block> = None;
    for line in page.lines() {
        if let Some(b) = current.as_mut() {
            if line.trim_start().starts_with("```") {
                out.push(current.take().unwrap());
            } else {
                b.text.push_str(line);
                b.text.push('\n');
            }
            continue;
        }
        if let Some(h) = line.strip_prefix("## ") {
            in_section = h.trim() == section;
            continue;
        }
        let fence = line.trim_start().strip_prefix("```");
        let named = fence.and_then(|f| f.split_whitespace().find_map(|w| w.strip_prefix("file=")));
        // yaml blocks, and blocks of any language that name their file (e.g. `.git/config`).
        if in_section && fence.is_some_and(|f| f.starts_with("yaml") || named.is_some()) {
            current = Some(Block {
                file: named.unwrap_or("example.yaml").to_string(),
                text: String::new(),
            });
        }
    }
    out
}

fn expected(blocks: &[Block]) -> BTreeSet<(String, String, usize)> {
    let mut out = BTreeSet::new();
    for b in blocks {
        for (i, line) in b.text.lines().enumerate() {
            if let Some(idx) = line.find("# expect:") {
                for rule in line[idx + 9..].split(',') {
                    out.insert((rule.trim().to_string(), b.file.clone(), i + 1));
                }
            }
        }
    }
    out
}

fn lint(name: &str, blocks: &[Block]) -> BTreeSet<(String, String, usize)> {
    let files: Vec<(&str, &str)> = blocks
        .iter()
        .map(|b| (b.file.as_str(), b.text.as_str()))
        .collect();
    let dir = common::tree(name, &files);
    common::findings(&dir).into_iter().collect()
}

/// One rule's page: its sections, and its examples linted as written.
fn check_page(id: &str) {
    let rule = synclint::rules::RULES
        .iter()
        .find(|r| r.info().id == id)
        .unwrap_or_else(|| panic!("{id}: no such rule"));
    let info = rule.info();
    let page = info.doc;
    assert!(
        page.starts_with(&format!("# `{}`", info.id)),
        "{}: page title",
        info.id
    );
    for section in [
        "What it does",
        "Why Argo CD fails",
        "Example",
        "Use instead",
        "Fix",
    ] {
        assert!(
            page.contains(&format!("## {section}")),
            "{}: missing section {section}",
            info.id
        );
    }
    if info.id == "render-failed" {
        common::require_kustomize();
    }
    let bad = blocks(page, "Example");
    let good = blocks(page, "Use instead");
    if bad.is_empty() {
        // Input-problem rules (read-error, skipped-file, internal-error) are tested in tests/cli.rs.
        assert!(
            ["read-error", "skipped-file", "internal-error"].contains(&id),
            "{id}: the page has no Example"
        );
        return;
    }
    let want = expected(&bad);
    assert!(
        want.iter().any(|(r, _, _)| r == info.id),
        "{}: the Example has no `# expect: {}` marker",
        info.id,
        info.id
    );
    let got = lint(&format!("page-{}-bad", info.id), &bad);
    assert_eq!(
        got, want,
        "{} Example: expected (right), got (left)",
        info.id
    );
    assert!(!good.is_empty(), "{}: no Use instead example", info.id);
    let got = lint(&format!("page-{}-good", info.id), &good);
    assert!(
        got.is_empty(),
        "{} Use instead: expected no findings, got {got:?}",
        info.id
    );
}

/// One test per page, so a failure names its rule.
macro_rules! pages {
    ($($name:ident => $id:literal,)*) => {
        $(
            #[test]
            fn $name() {
                check_page($id);
            }
        )*
        const PAGES: &[&str] = &[$($id),*];
    };
}

pages! {
    dependency_never_synced => "dependency-never-synced",
    hook_recreates_stateful => "hook-recreates-stateful",
    pvc_waits_for_consumer => "pvc-waits-for-consumer",
    syncfail_hook_dependency => "syncfail-hook-dependency",
    app_wave_no_health => "app-wave-no-health",
    crd_order => "crd-order",
    deprecated_api => "deprecated-api",
    duplicate_resource => "duplicate-resource",
    excluded_resource => "excluded-resource",
    hook_backoff_limit => "hook-backoff-limit",
    hook_deadline => "hook-deadline",
    hook_delete_policy => "hook-delete-policy",
    hook_ttl => "hook-ttl",
    hpa_replicas_fight => "hpa-replicas-fight",
    ineffective_sync_option => "ineffective-sync-option",
    internal_error => "internal-error",
    invalid_ignore_differences => "invalid-ignore-differences",
    invalid_retry => "invalid-retry",
    invalid_sync_wave => "invalid-sync-wave",
    invalid_sync_window => "invalid-sync-window",
    missing_namespace => "missing-namespace",
    missing_project => "missing-project",
    multiple_source_types => "multiple-source-types",
    orphan_manifest => "orphan-manifest",
    project_denies_resource => "project-denies-resource",
    read_error => "read-error",
    render_failed => "render-failed",
    schema => "schema",
    skipped_file => "skipped-file",
    stuck_wave => "stuck-wave",
    sync_deadlock => "sync-deadlock",
    unknown_delete_policy => "unknown-delete-policy",
    unknown_hook => "unknown-hook",
    unknown_path => "unknown-path",
    unknown_sync_option => "unknown-sync-option",
    unresolved_generator => "unresolved-generator",
    unused_suppression => "unused-suppression",
    yaml_syntax => "yaml-syntax",
}

#[test]
fn every_rule_has_a_page_test() {
    let ids: Vec<&str> = synclint::rules::RULES.iter().map(|r| r.info().id).collect();
    let missing: Vec<_> = ids.iter().filter(|id| !PAGES.contains(id)).collect();
    let extra: Vec<_> = PAGES.iter().filter(|id| !ids.contains(id)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "add a `pages!` line for {missing:?}; remove {extra:?}"
    );
}
