#!/usr/bin/env python3
"""Markdown job summary for the synclint GitHub Action.

Usage: summary.py CHECK_JSON PLAN_MERMAID FAIL_ON EXIT_CODE

CHECK_JSON is the output of `synclint check --json-file` (the JSON contract in the README's
"Editor integration"), PLAN_MERMAID the output of `synclint plan --format mermaid` (may be empty).
SYNCLINT_NOT_ANNOTATED is "errors,warnings,notices" that run.sh could not annotate (GitHub's cap
is SYNCLINT_MAX_ANNOTATIONS per severity).

Prints the summary on stdout: every error (by rule, then file order), warnings and infos folded in
<details>, each rule linked to its page, then the sync plan. Everything that comes from the linted
repository (messages, paths, resource names) is escaped: it is untrusted text from a pull request.
"""

import json
import os
import re
import sys

RULE_URL = "https://github.com/synclint/synclint/blob/main/rules/{}.md"
# GitHub refuses a job summary over 1 MiB (all steps' summaries are capped at 1 MiB each), and its
# mermaid renderer gives up on big diagrams. The tables get what the plan leaves of the budget.
MAX_SUMMARY = 1_000_000
MAX_MERMAID = 45_000
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
ICON = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}


def text_cell(s):
    """Plain text for a table cell: no HTML, no table breaks, no line breaks."""
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = re.sub(r"([\\`*_\[\]|~])", r"\\\1", s)
    return s.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def code_cell(s):
    """Inline code for a table cell, whatever backticks `s` holds."""
    s = s.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s.strip() else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def message_cell(s):
    """A message keeps its `code` spans (rule messages use them); the rest is plain text."""
    parts = s.split("`")
    if len(parts) % 2 == 0:  # unbalanced backticks: all plain text
        return text_cell(s)
    return "".join(code_cell(p) if i % 2 else text_cell(p) for i, p in enumerate(parts))


def row(d):
    sev = d.get("severity", "")
    rule = d.get("rule", "")
    start = (d.get("range") or {}).get("start") or {}
    loc = f"{d.get('file', '')}:{start.get('line', '')}"
    rule_cell = f"[{code_cell(rule)}]({RULE_URL.format(rule)})"
    return (
        f"| {ICON.get(sev, '')} {text_cell(sev)} | {rule_cell} | {code_cell(loc)} "
        f"| {message_cell(d.get('message', ''))} |"
    )


def plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def main():
    check_json, plan_file, fail_on, code = sys.argv[1:5]
    code = int(code)
    with open(check_json, encoding="utf-8") as f:
        report = json.load(f)
    with open(plan_file, encoding="utf-8", errors="replace") as f:
        plan = f.read()

    s = report.get("summary", {})
    diags = report.get("diagnostics", [])
    out = []
    counts = ", ".join(
        [
            plural(s.get("errors", 0), "error"),
            plural(s.get("warnings", 0), "warning"),
            plural(s.get("infos", 0), "info"),
        ]
    )
    out.append(f"## synclint: {counts}")
    out.append("")
    level = "error" if fail_on == "default" else fail_on
    if code == 0:
        verdict = f"✅ Passed: no finding at or above `{level}`."
    else:
        verdict = f"❌ Failed: findings at or above `{level}` (exit code {code})."
    if fail_on == "default":
        verdict = verdict.replace(f"`{level}`", "the configured `fail-on` level")
    detail = (
        f"Linted {plural(s.get('files', 0), 'file')} "
        f"({plural(s.get('documents', 0), 'document')}, {plural(s.get('resources', 0), 'resource')})"
    )
    extra = []
    if s.get("suppressed"):
        extra.append(f"{s['suppressed']} suppressed")
    if s.get("baselined"):
        extra.append(f"{s['baselined']} in the baseline")
    if extra:
        detail += "; " + ", ".join(extra)
    out.append(f"{verdict} {detail}.")
    out.append("")

    not_annotated = [0, 0, 0]
    for i, n in enumerate(os.environ.get("SYNCLINT_NOT_ANNOTATED", "").split(",")[:3]):
        not_annotated[i] = int(n) if n.strip().isdigit() else 0
    max_annotations = os.environ.get("SYNCLINT_MAX_ANNOTATIONS", "10")
    if not_annotated[0] or not_annotated[1]:
        out.append(
            f"⚠️ {plural(not_annotated[0], 'error')} and {plural(not_annotated[1], 'warning')} "
            f"are not annotated on the diff: GitHub shows at most {max_annotations} annotations "
            "per severity in a step. They are all listed here and in the step log; to see them "
            "in the Security tab, upload the SARIF file (the `sarif-file` input)."
        )
        out.append("")

    # Errors by rule, then in file order; then warnings and infos the same way.
    ordered = sorted(
        enumerate(diags),
        key=lambda x: (SEVERITY_ORDER.get(x[1].get("severity"), 3), x[1].get("rule", ""), x[0]),
    )
    plan = plan.strip("\n")
    budget = MAX_SUMMARY - min(len(plan.encode()), MAX_MERMAID) - 4096
    budget -= sum(len(line.encode()) + 1 for line in out)

    def table(rows, budget):
        lines = ["| Severity | Rule | Location | Message |", "|---|---|---|---|"]
        used = sum(len(line.encode()) + 1 for line in lines)
        shown = 0
        for d in rows:
            line = row(d)
            size = len(line.encode()) + 1
            if used + size > budget:
                break
            lines.append(line)
            used += size
            shown += 1
        if shown < len(rows):
            lines.append("")
            lines.append(
                f"{len(rows) - shown} more not shown: the job summary is limited to 1 MiB. "
                "The step log lists every finding, and so does the SARIF file."
            )
        return lines, used

    errors = [d for _, d in ordered if d.get("severity") == "error"]
    others = [d for _, d in ordered if d.get("severity") != "error"]
    if errors:
        out.append("### Errors")
        out.append("")
        lines, used = table(errors, budget)
        out.extend(lines)
        out.append("")
        budget -= used
    if others:
        w = sum(1 for d in others if d.get("severity") == "warning")
        i = len(others) - w
        label = " and ".join(
            x for x in [plural(w, "warning") if w else "", plural(i, "info") if i else ""] if x
        )
        out.append(f"<details><summary>{label}</summary>")
        out.append("")
        lines, _ = table(others, max(budget, 0))
        out.extend(lines)
        out.append("")
        out.append("</details>")
        out.append("")

    if plan:
        out.append("### Sync plan")
        out.append("")
        if len(plan) > MAX_MERMAID:
            out.append(
                f"The plan is too big to draw here ({len(plan)} characters of mermaid); "
                "run `synclint plan` to see it."
            )
        else:
            longest = max((len(m) for m in re.findall(r"`{3,}", plan)), default=0)
            fence = "`" * max(3, longest + 1)
            out.append(f"{fence}mermaid")
            out.append(plan)
            out.append(fence)
        out.append("")

    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
