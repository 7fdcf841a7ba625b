//! The command line: parse arguments, call the library, map the result to an exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use synclint::config::{self, Config};
use synclint::diag::Severity;
use synclint::report::{github, human, json, plan, sarif};
use synclint::{analyze_with, baseline, load, rules};

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
    Sarif,
    Github,
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

/// Options shared by `check` and `plan`.
#[derive(Args)]
struct Input {
    /// Files or directories (default: the current directory); `-` reads stdin
    paths: Vec<String>,
    /// Config file (default: .synclint.yaml in the current directory or a parent)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Ignore any .synclint.yaml
    #[arg(long, conflicts_with = "config")]
    no_config: bool,
    /// Grouping of manifests that no Application in the tree claims
    #[arg(long, value_enum, default_value = "per-directory")]
    implicit_apps: ImplicitApps,
    /// Lint stdin (`-`) as if it were this file, in the tree that holds it (for editors)
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<String>,
    /// Kubernetes version to validate against (default 1.35; 1.33 to 1.37 ship)
    #[arg(long, value_name = "1.N")]
    kubernetes_version: Option<String>,
    /// Extra JSON schemas for custom resources ({kind}-{group}-{version}.json); repeatable
    #[arg(long, value_name = "DIR")]
    schema_dir: Vec<PathBuf>,
    /// Kinds with no schema anywhere are errors, not just counted as "not validated"
    #[arg(long)]
    strict_kinds: bool,
    /// Lint Kustomize sources as written instead of rendering them
    #[arg(long)]
    no_render: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Lint files and directories (`-` reads a YAML stream from stdin)
    Check {
        #[command(flatten)]
        input: Input,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Exit 1 when a finding at or above this severity is reported [default: error]
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        /// Only print findings: no summary line, no infos
        #[arg(long, short)]
        quiet: bool,
        #[arg(long, value_enum, default_value = "auto")]
        color: Color,
        /// Also list the files that were skipped, and why (on stderr)
        #[arg(long, short)]
        verbose: bool,
        /// Report only findings not recorded in this baseline file
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Record the current findings in this baseline file (and exit 0)
        #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
        write_baseline: Option<PathBuf>,
        /// Treat PATHS as the files to report on: lint the whole repository around them (git root
        /// of the current directory) and report findings in or about these files (pre-commit)
        #[arg(long)]
        report_only: bool,
    },
    /// Print the sync plan Argo CD will execute for each app
    Plan {
        #[command(flatten)]
        input: Input,
        #[arg(long, value_enum, default_value = "table")]
        format: PlanFormat,
    },
    /// List the rules
    Rules,
    /// Print a rule's documentation
    Explain {
        /// A rule id, e.g. sync-deadlock
        rule: String,
    },
}

fn usage_error(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

/// Find and validate the config, then apply the command-line overrides.
fn read_config(input: &Input) -> Result<Config, String> {
    let mut cfg = if input.no_config {
        Config::default()
    } else {
        let path = match &input.config {
            Some(p) => Some(p.clone()),
            None => config::discover(Path::new(".")),
        };
        match path {
            Some(p) => config::load(&p)?,
            None => Config::default(),
        }
    };
    if let Some(v) = &input.kubernetes_version {
        cfg.kubernetes_version = Some(v.trim_start_matches('v').to_string());
    }
    if let Some(v) = &cfg.kubernetes_version {
        let shipped = synclint::schema::set::versions();
        if !shipped.contains(&v.as_str()) {
            return Err(format!(
                "Kubernetes version `{v}` has no bundled schemas; use one of {}",
                shipped.join(", ")
            ));
        }
    }
    cfg.schema_dirs.extend(input.schema_dir.iter().cloned());
    for d in &cfg.schema_dirs {
        if !d.is_dir() {
            return Err(format!("{}: schema directory not found", d.display()));
        }
    }
    cfg.strict_kinds |= input.strict_kinds;
    Ok(cfg)
}

fn exclude_set(cfg: &Config) -> Result<Option<(PathBuf, globset::GlobSet)>, String> {
    if cfg.exclude.is_empty() {
        return Ok(None);
    }
    let mut b = globset::GlobSetBuilder::new();
    for pat in &cfg.exclude {
        let pat = pat.trim_start_matches("./").trim_end_matches('/');
        for p in [pat.to_string(), format!("{pat}/**")] {
            let g = globset::GlobBuilder::new(&p)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("config `exclude`: {e}"))?;
            b.add(g);
        }
    }
    let set = b.build().map_err(|e| e.to_string())?;
    Ok(Some((load::absolute(&cfg.base_dir()), set)))
}

/// Read the inputs (and stdin when one of them is `-`).
fn load_inputs(input: &Input, cfg: &Config, paths: Vec<String>) -> Result<load::Loaded, String> {
    let paths = if paths.is_empty() {
        vec![".".to_string()]
    } else {
        paths
    };
    let stdin = paths.iter().any(|p| p == "-").then(|| {
        let mut bytes = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    });
    let opts = load::LoadOptions {
        exclude: exclude_set(cfg)?,
        stdin_filename: input.stdin_filename.clone().filter(|_| stdin.is_some()),
    };
    let mut loaded = load::load_with(&paths, stdin, &opts).map_err(|e| e.to_string())?;
    loaded.group_per_path = input.implicit_apps == ImplicitApps::PerPath;
    loaded.repo_urls = cfg.repo_urls.clone();
    if !(input.no_render || cfg.no_render) {
        loaded = synclint::render(loaded);
        for n in &loaded.render_notes {
            if n.starts_with("no ") {
                eprintln!("note: {n}");
            }
        }
    }
    Ok(loaded)
}

fn repo_root(loaded: &load::Loaded) -> Option<PathBuf> {
    loaded
        .roots
        .first()
        .and_then(|r| r.repo_roots.first().cloned())
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
                    "{:<28} {:<8} {}\n",
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
                usage_error(format!(
                    "unknown rule `{rule}`{}; run `synclint rules` for the list",
                    rules::did_you_mean(&rule, &ids)
                ))
            }
        },
        Command::Plan { input, format } => {
            let cfg = match read_config(&input) {
                Ok(c) => c,
                Err(e) => return usage_error(e),
            };
            let loaded = match load_inputs(&input, &cfg, input.paths.clone()) {
                Ok(l) => l,
                Err(e) => return usage_error(e),
            };
            let parsed = load::parse_all(&loaded);
            let a = analyze_with(&loaded, &parsed, &cfg);
            let text = match format {
                PlanFormat::Table => plan::table(&a.model, &a.plans),
                PlanFormat::Json => plan::json(&a.model, &a.plans) + "\n",
                PlanFormat::Mermaid => plan::mermaid(&a.model, &a.plans),
            };
            print(&text);
            ExitCode::SUCCESS
        }
        Command::Check {
            input,
            format,
            fail_on,
            quiet,
            color,
            verbose,
            baseline: baseline_file,
            write_baseline,
            report_only,
        } => {
            let cfg = match read_config(&input) {
                Ok(c) => c,
                Err(e) => return usage_error(e),
            };
            if input.stdin_filename.is_some() && !input.paths.iter().any(|p| p == "-") {
                return usage_error(
                    "--stdin-filename needs `-` among the paths (the buffer comes on stdin)",
                );
            }
            // --report-only: the paths name files to report on; the repository is the input.
            let (paths, only): (Vec<String>, Vec<PathBuf>) = if report_only {
                let cwd = load::absolute(Path::new("."));
                let top = cwd
                    .ancestors()
                    .find(|a| a.join(".git").exists())
                    .map_or_else(|| ".".to_string(), |_| repo_relative_top(&cwd));
                let files = input
                    .paths
                    .iter()
                    .map(|p| load::absolute(Path::new(p)))
                    .collect();
                (vec![top], files)
            } else {
                (input.paths.clone(), Vec::new())
            };
            let only: Vec<PathBuf> = match &input.stdin_filename {
                Some(name) if input.paths.iter().any(|p| p == "-") => {
                    vec![load::absolute(Path::new(name))]
                }
                _ => only,
            };
            let loaded = match load_inputs(&input, &cfg, paths) {
                Ok(l) => l,
                Err(e) => return usage_error(e),
            };
            let parsed = load::parse_all(&loaded);
            let a = analyze_with(&loaded, &parsed, &cfg);
            for n in &a.notes {
                eprintln!("warning: {n}");
            }
            if verbose {
                print_skipped(&loaded, &a);
            }
            let mut diags = a.diagnostics.clone();
            let mut summary = a.summary.clone();
            if !only.is_empty() {
                let wanted = |f: usize| only.contains(&loaded.files[f].path);
                diags.retain(|d| wanted(d.file) || d.related.iter().any(|r| wanted(r.file)));
            }
            if let Some(path) = &write_baseline {
                let root = load::absolute(path).parent().map(Path::to_path_buf);
                let text = baseline::write(&loaded.files, &diags, root.as_deref());
                if let Err(e) = std::fs::write(path, text) {
                    return usage_error(format!("{}: {e}", path.display()));
                }
                eprintln!("wrote {} finding(s) to {}", diags.len(), path.display());
                return ExitCode::SUCCESS;
            }
            if let Some(path) = &baseline_file {
                let b = match baseline::read(path) {
                    Ok(b) => b,
                    Err(e) => return usage_error(e),
                };
                let root = load::absolute(path).parent().map(Path::to_path_buf);
                summary.baselined =
                    baseline::filter(&loaded.files, &mut diags, &b, root.as_deref());
            }
            let (mut e, mut w, mut i) = (0, 0, 0);
            for d in &diags {
                match d.severity {
                    Severity::Error => e += 1,
                    Severity::Warning => w += 1,
                    Severity::Info => i += 1,
                }
            }
            (summary.errors, summary.warnings, summary.infos) = (e, w, i);
            let level = match fail_on.or_else(|| {
                cfg.fail_on
                    .as_deref()
                    .and_then(|s| FailOn::from_str(s, true).ok())
            }) {
                None | Some(FailOn::Error) => Some(Severity::Error),
                Some(FailOn::Warning) => Some(Severity::Warning),
                Some(FailOn::Info) => Some(Severity::Info),
                Some(FailOn::Never) => None,
            };
            let code = synclint::exit_code(&diags, level);
            if quiet {
                diags.retain(|d| d.severity > Severity::Info);
            }
            let root = repo_root(&loaded);
            let text = match format {
                Format::Json => json::render(&loaded.files, &diags, &summary) + "\n",
                Format::Sarif => sarif::render(&loaded.files, &diags, root.as_deref()) + "\n",
                Format::Github => github::render(&loaded.files, &diags, root.as_deref()),
                Format::Human => {
                    let color = match color {
                        Color::Always => true,
                        Color::Never => false,
                        Color::Auto => {
                            std::io::stdout().is_terminal()
                                && std::env::var_os("NO_COLOR").is_none()
                        }
                    };
                    human::render(&loaded.files, &diags, &summary, color, quiet)
                }
            };
            print(&text);
            ExitCode::from(code as u8)
        }
    }
}

/// The git work tree root as a path relative to the current directory.
fn repo_relative_top(cwd: &Path) -> String {
    let mut up = PathBuf::new();
    for a in cwd.ancestors() {
        if a.join(".git").exists() {
            break;
        }
        up.push("..");
    }
    if up.as_os_str().is_empty() {
        ".".into()
    } else {
        up.to_string_lossy().into_owned()
    }
}

fn print_skipped(loaded: &load::Loaded, a: &synclint::Analysis<'_>) {
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
    let mut kinds: Vec<String> = a
        .unvalidated
        .iter()
        .map(|&r| {
            let r = &a.model.resources[r];
            format!("{} {}", r.api_version, r.kind)
        })
        .collect();
    kinds.sort();
    let mut counted: Vec<(String, usize)> = Vec::new();
    for k in kinds {
        match counted.last_mut() {
            Some((last, n)) if *last == k => *n += 1,
            _ => counted.push((k, 1)),
        }
    }
    for (k, n) in counted {
        eprintln!("not validated: {k} ({n} object(s)): no schema (add its CRD or --schema-dir)");
    }
    for n in loaded.render_notes.iter().filter(|n| !n.starts_with("no ")) {
        eprintln!("{n}");
    }
    for &f in &a.model.fragments {
        eprintln!(
            "skipped {}: a kustomize patch (a fragment, not a whole object)",
            loaded.files[f].name
        );
    }
}

/// Write to stdout; a closed pipe (`synclint … | head`) is not an error.
fn print(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}
