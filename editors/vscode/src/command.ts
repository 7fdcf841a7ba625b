// How the server is started, from the settings (no VS Code API here, so it is unit-tested).

export interface Settings {
  path?: string;
  args?: string[];
}

export interface ServerCommand {
  command: string;
  args: string[];
}

/** `synclint server --stdio` plus the user's extra arguments; `synclint` on PATH by default. */
export function serverCommand(settings: Settings, home?: string): ServerCommand {
  let command = (settings.path ?? "").trim() || "synclint";
  // `~/bin/synclint` as people write it in settings.
  if (home && (command === "~" || command.startsWith("~/"))) {
    command = home + command.slice(1);
  }
  const extra = (settings.args ?? []).filter((a) => typeof a === "string" && a.length > 0);
  return { command, args: ["server", "--stdio", ...extra] };
}
