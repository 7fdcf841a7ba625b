//! The command line: parse arguments, call the library, map the result to an exit code.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use synclint::diag::Severity;
use synclint::report::{human, json, plan};
use synclint::{analyze, load, rules};

#[derive(Parser)]
#[command(
    name = "synclint",
    version,
    about = "Find Argo CD sync failures in Kubernetes manifests before they reach the cluster",
    after_help = "Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or I/O error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum PlanFormat {
    Table,
    Json,
    Mermaid,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

/// How manifests that no Application claims are grouped into apps.
#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum ImplicitApps {
    /// One app per directory, as a Directory-type Application reads it (non-recursive)
    PerDirectory,
    /// One app per command-line path (everything under a directory syncs together)
    PerPath,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Lint files and directories (`-` reads a YAML stream from stdin)
    Check {
        /// Files or directories (default: the current directory)
        paths: Vec<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Exit 1 when a finding at or above this severity is reported
        #[arg(long, value_enum, default_value = "error")]
        fail_on: FailOn,
        /// Only print errors and warnings, and no summary line
        #[arg(long, short)]
        quiet: bool,
        #[arg(long, value_enum, default_value = "auto")]
        color: Color,
        /// Also list the files that were skipped, and why (on stderr)
        #[arg(long, short)]
        verbose: bool,
        /// Grouping of manifests that no Application in the tree claims
        #[arg(long, value_enum, default_value = "per-directory")]
        implicit_apps: ImplicitApps,
    },
    /// Print the sync plan Argo CD will execute for each app
    Plan {
        paths: Vec<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: PlanFormat,
        /// Grouping of manifests that no Application in the tree claims
        #[arg(long, value_enum, default_value = "per-directory")]
        implicit_apps: ImplicitApps,
    },
    /// List the rules
    Rules,
    /// Print a rule's documentation
    Explain {
        /// A rule id, e.g. sync-deadlock
        rule: String,
    },
}

fn read_inputs(paths: Vec<String>) -> (Vec<String>, Option<String>) {
    let paths = if paths.is_empty() {
        vec![".".to_string()]
    } else {
        paths
    };
    let stdin = paths.iter().any(|p| p == "-").then(|| {
        let mut s = String::new();
        let mut bytes = Vec::new();
        if std::io::stdin().read_to_end(&mut bytes).is_ok() {
            s = String::from_utf8_lossy(&bytes).into_owned();
        }
        s
    });
    (paths, stdin)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Rules => {
            let mut out = String::new();
            for r in rules::RULES {
                let i = r.info();
                out.push_str(&format!(
                    "{:<24} {:<8} {}\n",
                    i.id,
                    i.severity.as_str(),
                    i.summary
                ));
            }
            print(&out);
            ExitCode::SUCCESS
        }
        Command::Explain { rule } => match rules::find(&rule) {
            Some(i) => {
                print(i.doc);
                ExitCode::SUCCESS
            }
            None => {
                let ids: Vec<&str> = rules::RULES.iter().map(|r| r.info().id).collect();
                eprintln!(
                    "error: unknown rule `{rule}`{}; run `synclint rules` for the list",
                    rules::did_you_mean(&rule, &ids)
                );
                ExitCode::from(2)
            }
        },
        Command::Plan {
            paths,
            format,
            implicit_apps,
        } => {
            let (paths, stdin) = read_inputs(paths);
            let mut loaded = match load::load(&paths, stdin) {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            loaded.group_per_path = implicit_apps == ImplicitApps::PerPath;
            let parsed = load::parse_all(&loaded);
            let a = analyze(&loaded, &parsed);
            let text = match format {
                PlanFormat::Table => plan::table(&a.model, &a.plans),
                PlanFormat::Json => plan::json(&a.model, &a.plans) + "\n",
                PlanFormat::Mermaid => plan::mermaid(&a.model, &a.plans),
            };
            print(&text);
            ExitCode::SUCCESS
        }
        Command::Check {
            paths,
            format,
            fail_on,
            quiet,
            color,
            verbose,
            implicit_apps,
        } => {
            let (paths, stdin) = read_inputs(paths);
            let mut loaded = match load::load(&paths, stdin) {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            loaded.group_per_path = implicit_apps == ImplicitApps::PerPath;
            let parsed = load::parse_all(&loaded);
            let a = analyze(&loaded, &parsed);
            if verbose {
                for (i, c) in loaded.classes.iter().enumerate() {
                    if *c == load::FileClass::NotManifest {
                        eprintln!(
                            "skipped {}: no apiVersion/kind (not a Kubernetes manifest)",
                            loaded.files[i].name
                        );
                    }
                }
                for app in &a.model.apps {
                    for src in app.sources.iter().filter(|s| !s.dir.is_dir()) {
                        eprintln!(
                            "app {}: source path {} is not in this tree; its manifests are linted without it",
                            app.name,
                            src.dir.display()
                        );
                    }
                }
                for &f in &a.model.fragments {
                    eprintln!(
                        "skipped {}: a kustomize patch (a fragment, not a whole object)",
                        loaded.files[f].name
                    );
                }
            }
            let mut diags = a.diagnostics.clone();
            if quiet {
                diags.retain(|d| d.severity > Severity::Info);
            }
            let text = match format {
                Format::Json => json::render(&loaded.files, &diags, &a.summary) + "\n",
                Format::Human => {
                    let color = match color {
                        Color::Always => true,
                        Color::Never => false,
                        Color::Auto => {
                            std::io::stdout().is_terminal()
                                && std::env::var_os("NO_COLOR").is_none()
                        }
                    };
                    human::render(&loaded.files, &diags, &a.summary, color, quiet)
                }
            };
            print(&text);
            let level = match fail_on {
                FailOn::Error => Some(Severity::Error),
                FailOn::Warning => Some(Severity::Warning),
                FailOn::Info => Some(Severity::Info),
                FailOn::Never => None,
            };
            ExitCode::from(synclint::exit_code(&a.diagnostics, level) as u8)
        }
    }
}

/// Write to stdout; a closed pipe (`synclint … | head`) is not an error.
fn print(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}
