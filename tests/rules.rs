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

#[test]
fn every_rule_has_a_page_whose_examples_hold() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in synclint::rules::RULES {
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
            continue; // input-problem rules (read-error, skipped-file) are tested in tests/cli.rs
        }
        checked += 1;
        let want = expected(&bad);
        assert!(
            want.iter().any(|(r, _, _)| r == info.id),
            "{}: the Example has no `# expect: {}` marker",
            info.id,
            info.id
        );
        let got = lint(&format!("page-{}-bad", info.id), &bad);
        if got != want {
            failures.push(format!(
                "{} Example:\n  expected {want:?}\n  got      {got:?}",
                info.id
            ));
        }
        assert!(!good.is_empty(), "{}: no Use instead example", info.id);
        let got = lint(&format!("page-{}-good", info.id), &good);
        if !got.is_empty() {
            failures.push(format!(
                "{} Use instead: expected no findings, got {got:?}",
                info.id
            ));
        }
    }
    assert!(checked >= 16, "only {checked} pages had examples");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
