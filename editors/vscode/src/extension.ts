// Starts `synclint server` for YAML files and hands it to VS Code's language client.

import * as os from "os";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

import { serverCommand } from "./command";

let client: LanguageClient | undefined;

function start(): Promise<void> {
  const cfg = vscode.workspace.getConfiguration("synclint");
  const cmd = serverCommand(
    { path: cfg.get<string>("path"), args: cfg.get<string[]>("args") },
    os.homedir(),
  );
  const run = { command: cmd.command, args: cmd.args, transport: TransportKind.stdio };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "yaml" }],
    synchronize: {
      // Files that change on disk (git checkout, another editor) are re-read by the server.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.yaml,*.yml,.synclint.yaml}"),
    },
  };
  client = new LanguageClient("synclint", "synclint", serverOptions, clientOptions);
  return client.start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("synclint.path") || e.affectsConfiguration("synclint.args")) {
        await client?.stop();
        await start();
      }
    }),
  );
  await start();
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
