import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

import { serverCommand } from "../src/command";

test("synclint on PATH by default", () => {
  assert.deepEqual(serverCommand({}), { command: "synclint", args: ["server", "--stdio"] });
  assert.deepEqual(serverCommand({ path: "  " }).command, "synclint");
});

test("the configured binary and extra arguments", () => {
  const cmd = serverCommand({ path: "~/bin/synclint", args: ["--no-render", ""] }, "/home/me");
  assert.deepEqual(cmd, {
    command: "/home/me/bin/synclint",
    args: ["server", "--stdio", "--no-render"],
  });
});

test("package.json launches the compiled entry point and contributes the config schema", () => {
  const root = path.join(__dirname, "..", "..");
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  assert.ok(fs.existsSync(path.join(root, pkg.main)), pkg.main);
  const v = pkg.contributes.yamlValidation[0];
  assert.deepEqual(v.fileMatch, [".synclint.yaml", ".synclint.yml"]);
  const shipped = fs.readFileSync(path.join(root, v.url), "utf8");
  const source = fs.readFileSync(path.join(root, "..", "..", "schemas", "config.schema.json"), "utf8");
  assert.equal(shipped, source);
  assert.equal(JSON.parse(shipped).title, "synclint configuration (.synclint.yaml)");
});
