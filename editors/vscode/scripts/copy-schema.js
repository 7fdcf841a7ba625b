// The extension ships the config schema of the repository it is built in (one source of truth).
const fs = require("fs");
const path = require("path");
const from = path.join(__dirname, "..", "..", "..", "schemas", "config.schema.json");
const to = path.join(__dirname, "..", "schemas", "config.schema.json");
fs.mkdirSync(path.dirname(to), { recursive: true });
fs.copyFileSync(from, to);
