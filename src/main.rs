//! The command line: parse arguments, read the inputs (the I/O edge), call the library, write the
//! outputs, map the result to an exit code.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use synclint::config::{self, Config};
use synclint::diag::Severity;
use synclint::report::escape::terminal;
use synclint::report::{github, human, json, plan, sarif};
use synclint::{baseline, load, rules};

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

#[derive(Clone, Copy, ValueEnum, PartialEq)]
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

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
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

/// Options shared by `check`, `plan` and `server`.
#[derive(Args, Clone)]
struct Input {
    /// Files or directories (default: the current directory); `-` reads stdin
    paths: Vec<String>,
    /// Config file (default: .synclint.yaml in the linted directory or a parent)
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
    /// Argo CD version the rules assume (default: found in the tree, else the newest known)
    #[arg(long, value_name = "X.Y")]
    argocd_version: Option<String>,
    /// Extra JSON schemas for custom resources ({kind}-{group}-{version}.json); repeatable
    #[arg(long, value_name = "DIR")]
    schema_dir: Vec<PathBuf>,
    /// Kinds with no schema anywhere are errors, not just counted as "not validated"
    #[arg(long)]
    strict_kinds: bool,
    /// Lint Kustomize and Helm sources as written instead of rendering them
    #[arg(long)]
    no_render: bool,
    /// Render without the render cache (and do not write to it)
    #[arg(long)]
    no_cache: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Lint files and directories (`-` reads a YAML stream from stdin)
    Check {
        #[command(flatten)]
        input: Input,
        /// Output format
        #[arg(
            long,
            visible_alias = "output-format",
            value_enum,
            default_value = "human"
        )]
        format: Format,
        /// Write the output to this file instead of stdout
        #[arg(long, short = 'o', value_name = "FILE")]
        output_file: Option<PathBuf>,
        /// Also write SARIF 2.1.0 to this file (in the same run)
        #[arg(long, value_name = "FILE")]
        sarif_file: Option<PathBuf>,
        /// Also write the JSON report to this file (in the same run)
        #[arg(long, value_name = "FILE")]
        json_file: Option<PathBuf>,
        /// Exit 1 when a finding at or above this severity is reported [default: error]
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        /// Run only these rules (ids or prefixes, comma-separated); overrides the config
        #[arg(long, value_delimiter = ',', value_name = "RULE")]
        select: Vec<String>,
        /// Also run these rules (ids or prefixes), on top of the config's selection
        #[arg(long, value_delimiter = ',', value_name = "RULE")]
        extend_select: Vec<String>,
        /// Do not run these rules (ids or prefixes)
        #[arg(long, value_delimiter = ',', value_name = "RULE")]
        ignore: Vec<String>,
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
        /// Apply the safe fixes, then report the findings that remain
        #[arg(long, conflicts_with = "write_baseline")]
        fix: bool,
        /// Print what --fix would change as a unified diff, and write nothing (exit 1 if any)
        #[arg(long, conflicts_with = "write_baseline")]
        diff: bool,
    },
    /// Print the sync plan Argo CD will execute for each app
    Plan {
        #[command(flatten)]
        input: Input,
        #[arg(
            long,
            visible_alias = "output-format",
            value_enum,
            default_value = "table"
        )]
        format: PlanFormat,
    },
    /// List the rules
    Rules {
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Print a rule's documentation
    Explain {
        /// A rule id, e.g. sync-deadlock
        rule: String,
    },
    /// Print a shell completion script (e.g. `synclint completions bash > /etc/bash_completion.d/synclint`)
    Completions {
        /// The shell to complete in
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or with --dir write one page per subcommand there
    #[command(hide = true)]
    Man {
        /// Write synclint.1, synclint-check.1, ... into this directory
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Run the language server (LSP over stdio) for editors
    Server {
        /// Talk over stdin/stdout (the only transport; accepted for editors that pass it)
        #[arg(long)]
        stdio: bool,
        #[command(flatten)]
        input: Input,
    },
    /// Walk, read and parse only (the benchmark's parse-only pass)
    #[command(hide = true)]
    DebugParse { paths: Vec<String> },
}

fn usage_error(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {}", terminal(&msg.to_string()));
    ExitCode::from(2)
}

/// The directory the config is looked up from: the first linted path's, else the current one.
fn config_start(input: &Input) -> PathBuf {
    if let Some(f) = &input.stdin_filename {
        return load::absolute(Path::new(f))
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    }
    match input.paths.iter().find(|p| *p != "-") {
        Some(p) => {
            let p = load::absolute(Path::new(p));
            if p.is_dir() {
                p
            } else {
                p.parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            }
        }
        None => PathBuf::from("."),
    }
}

/// Find and validate the config, then apply the command-line overrides.
fn read_config(input: &Input) -> Result<Config, String> {
    let mut cfg = if input.no_config {
        Config::default()
    } else {
        let path = match &input.config {
            Some(p) => Some(p.clone()),
            None => config::discover(&config_start(input)),
        };
        match path {
            Some(p) => config::load(&p).map_err(|e| e.to_string())?,
            None => Config::default(),
        }
    };
    if let Some(v) = &input.kubernetes_version {
        cfg.kubernetes_version = Some(v.trim_start_matches('v').to_string());
    }
    if let Some(v) = &cfg.kubernetes_version {
        let shipped = synclint::schema::set::versions();
        if synclint::schema::set::schemas_for(v).is_none() {
            return Err(format!(
                "Kubernetes version `{v}` is not one synclint knows: use 1.{} to {} (schemas ship for {})",
                synclint::schema::set::OLDEST_KUBERNETES,
                shipped.last().copied().unwrap_or_default(),
                shipped.join(", ")
            ));
        }
    }
    if let Some(v) = &input.argocd_version {
        cfg.argocd_version = Some(v.clone());
    }
    if let Some(v) = &cfg.argocd_version
        && synclint::model::instance::Version::parse(v).is_none()
    {
        return Err(format!(
            "Argo CD version `{v}` is not a version (write it as 2.14 or v3.1.2)"
        ));
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

/// Read the inputs and build the run's options.
fn prepare(
    input: &Input,
    cfg: &Config,
    paths: Vec<String>,
    plan: bool,
) -> Result<(synclint::Workspace, synclint::Options), String> {
    let paths = if paths.is_empty() {
        vec![".".to_string()]
    } else {
        paths
    };
    let limits = cfg.limits.clone();
    let stdin = if paths.iter().any(|p| p == "-") {
        Some(load::read_stdin(limits.file_bytes).map_err(|e| format!("stdin: {e}"))?)
    } else {
        None
    };
    let opts = load::LoadOptions {
        exclude: exclude_set(cfg)?,
        stdin_filename: input.stdin_filename.clone().filter(|_| stdin.is_some()),
        repo_urls: cfg.repo_urls.clone(),
        limits: limits.clone(),
    };
    let ws = load::load_with(&paths, stdin, &opts).map_err(|e| e.to_string())?;
    let render = (!(input.no_render || cfg.no_render)).then(|| synclint::render::RenderOptions {
        tools: synclint::render::Tools::discover(),
        cache: if input.no_cache {
            None
        } else {
            synclint::render::cache::default_dir()
        },
        timeout: synclint::render::TIMEOUT,
        limits: limits.clone(),
        // As `RenderOptions::default`: the version synclint validates against.
        kube_version: Some(
            cfg.kubernetes_version
                .clone()
                .unwrap_or_else(|| synclint::schema::set::DEFAULT_KUBERNETES.to_string()),
        ),
    });
    let options = synclint::Options {
        config: cfg.clone(),
        settings: synclint::model::Settings {
            group_per_path: input.implicit_apps == ImplicitApps::PerPath,
            argocd: synclint::model::instance::Declared {
                version: cfg
                    .argocd_version
                    .as_deref()
                    .and_then(synclint::model::instance::Version::parse),
                health_checks: cfg.argocd_health_checks.clone(),
            },
            storage_classes: cfg.storage_classes.clone(),
            cluster_crds: cfg.cluster_crds.clone(),
            limits,
        },
        schema_files: load::schema_files(&cfg.schema_dirs).map_err(|e| e.to_string())?,
        render,
        plan,
        focus: Vec::new(),
        skip_verbose: false,
    };
    Ok((ws, options))
}

/// Rule selection from `--select`, `--extend-select` and `--ignore` (ids or id prefixes),
/// applied over the config.
fn select_rules(
    cfg: &mut Config,
    select: &[String],
    extend: &[String],
    ignore: &[String],
) -> Result<(), String> {
    let ids: Vec<&str> = rules::RULES.iter().map(|r| r.info().id).collect();
    let expand = |pats: &[String]| -> Result<Vec<&str>, String> {
        let mut out = Vec::new();
        for p in pats.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            let hit: Vec<&str> = ids
                .iter()
                .copied()
                .filter(|id| *id == p || id.starts_with(p) || p == "ALL")
                .collect();
            if hit.is_empty() {
                return Err(format!(
                    "no rule matches `{p}`{}",
                    rules::did_you_mean(p, &ids)
                ));
            }
            out.extend(hit);
        }
        Ok(out)
    };
    let selected = expand(select)?;
    let extended = expand(extend)?;
    let ignored = expand(ignore)?;
    if !selected.is_empty() {
        for id in &ids {
            if !selected.contains(id) {
                cfg.rules.insert(id.to_string(), config::RuleSetting::Off);
            } else if cfg.rules.get(*id) == Some(&config::RuleSetting::Off) {
                cfg.rules.remove(*id);
            }
        }
    }
    for id in extended {
        if cfg.rules.get(id) == Some(&config::RuleSetting::Off) {
            cfg.rules.remove(id);
        }
    }
    for id in ignored {
        cfg.rules.insert(id.to_string(), config::RuleSetting::Off);
    }
    Ok(())
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
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "synclint", &mut out);
            print(&String::from_utf8_lossy(&out));
            ExitCode::SUCCESS
        }
        Command::Man { dir } => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let done = match &dir {
                Some(d) => {
                    std::fs::create_dir_all(d).and_then(|()| clap_mangen::generate_to(cmd, d))
                }
                None => {
                    let mut out = Vec::new();
                    clap_mangen::Man::new(cmd).render(&mut out).map(|()| {
                        print(&String::from_utf8_lossy(&out));
                    })
                }
            };
            match done {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => usage_error(format!("cannot write the man page: {e}")),
            }
        }
        Command::DebugParse { paths } => match load::load(&paths, None) {
            Ok(ws) => {
                let docs: usize = ws.files.iter().map(|f| f.yaml().docs.len()).sum();
                eprintln!("{} files, {docs} documents", ws.files.len());
                ExitCode::SUCCESS
            }
            Err(e) => usage_error(e),
        },
        Command::Rules { format } => {
            let text = match format {
                ListFormat::Text => {
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
                    out
                }
                ListFormat::Json => {
                    let list: Vec<serde_json::Value> = rules::RULES
                        .iter()
                        .map(|r| {
                            let i = r.info();
                            serde_json::json!({
                                "id": i.id,
                                "severity": i.severity.as_str(),
                                "summary": i.summary,
                                "url": sarif::help_uri(i.id),
                            })
                        })
                        .collect();
                    serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"
                }
            };
            print(&text);
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
        Command::Server { stdio: _, input } => {
            // The server loads the workspace root the client names, with this command line's
            // options and the config found from that root.
            let load =
                move |root: &Path| -> Result<(synclint::Workspace, synclint::Options), String> {
                    let input = Input {
                        paths: vec![root.to_string_lossy().into_owned()],
                        ..input.clone()
                    };
                    let cfg = read_config(&input)?;
                    prepare(&input, &cfg, input.paths.clone(), true)
                };
            ExitCode::from(synclint::server::run(Box::new(load)) as u8)
        }
        Command::Plan { input, format } => {
            let cfg = match read_config(&input) {
                Ok(c) => c,
                Err(e) => return usage_error(e),
            };
            let (ws, opts) = match prepare(&input, &cfg, input.paths.clone(), true) {
                Ok(x) => x,
                Err(e) => return usage_error(e),
            };
            let report = synclint::check(&ws, &opts);
            let view = report.plan.unwrap_or_default();
            let text = match format {
                PlanFormat::Table => plan::table(&report.files, &view),
                PlanFormat::Json => plan::json(&report.files, &view) + "\n",
                PlanFormat::Mermaid => plan::mermaid(&view),
            };
            print(&text);
            ExitCode::SUCCESS
        }
        Command::Check {
            input,
            format,
            output_file,
            sarif_file,
            json_file,
            fail_on,
            select,
            extend_select,
            ignore,
            quiet,
            color,
            verbose,
            baseline: baseline_file,
            write_baseline,
            report_only,
            fix,
            diff,
        } => {
            let mut cfg = match read_config(&input) {
                Ok(c) => c,
                Err(e) => return usage_error(e),
            };
            if let Err(e) = select_rules(&mut cfg, &select, &extend_select, &ignore) {
                return usage_error(e);
            }
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
            if (fix || diff) && input.paths.iter().any(|p| p == "-") {
                return usage_error("--fix and --diff edit files, not stdin");
            }
            let (mut ws, mut opts) = match prepare(&input, &cfg, paths.clone(), false) {
                Ok(x) => x,
                Err(e) => return usage_error(e),
            };
            // Only these files' findings are shown: validate only their objects.
            opts.focus = only.clone();
            opts.skip_verbose = !verbose;
            let progress = Progress::start(format == Format::Human && output_file.is_none());
            let report = if fix || diff {
                match fix_files(&mut ws, &opts, &only, diff) {
                    Fixing::Done(code) => return code,
                    Fixing::Report(r, written) => {
                        if written {
                            // Rendered output comes from disk: lint what was written.
                            match prepare(&input, &cfg, paths, false) {
                                Ok((fresh, _)) => ws = fresh,
                                Err(e) => return usage_error(e),
                            }
                            synclint::check(&ws, &opts)
                        } else {
                            *r
                        }
                    }
                }
            } else {
                synclint::check(&ws, &opts)
            };
            drop(progress);
            for n in &report.notes {
                eprintln!("note: {}", terminal(n));
            }
            if verbose {
                for l in &report.verbose {
                    eprintln!("{l}");
                }
                for (k, n) in &report.unvalidated {
                    eprintln!(
                        "not validated: {} ({n} object(s)): no schema (add its CRD or --schema-dir)",
                        terminal(k)
                    );
                }
            }
            let files = &report.files;
            let mut diags = report.diagnostics.clone();
            let mut summary = report.summary.clone();
            if !only.is_empty() {
                let wanted = |f: usize| only.contains(&files[f].path);
                diags.retain(|d| wanted(d.file) || d.related.iter().any(|r| wanted(r.file)));
            }
            if let Some(path) = &write_baseline {
                let root = load::absolute(path).parent().map(Path::to_path_buf);
                let text = baseline::write(files, &diags, root.as_deref());
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
                summary.baselined = baseline::filter(files, &mut diags, &b, root.as_deref());
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
            let root = ws.repo_root.clone();
            // The extra outputs see every finding; `--quiet` only trims the main one.
            if let Some(p) = &sarif_file {
                let text = sarif::render(files, &diags, root.as_deref()) + "\n";
                if let Err(e) = std::fs::write(p, text) {
                    return usage_error(format!("{}: {e}", p.display()));
                }
            }
            if let Some(p) = &json_file {
                let text = json::render(files, &diags, &summary) + "\n";
                if let Err(e) = std::fs::write(p, text) {
                    return usage_error(format!("{}: {e}", p.display()));
                }
            }
            if quiet {
                diags.retain(|d| d.severity > Severity::Info);
            }
            let text = match format {
                Format::Json => json::render(files, &diags, &summary) + "\n",
                Format::Sarif => sarif::render(files, &diags, root.as_deref()) + "\n",
                Format::Github => github::render(files, &diags, root.as_deref()),
                Format::Human => {
                    let to_terminal = output_file.is_none() && std::io::stdout().is_terminal();
                    let color = match color {
                        Color::Always => true,
                        Color::Never => false,
                        Color::Auto => color_auto(to_terminal),
                    };
                    human::render(files, &diags, &summary, color, quiet)
                }
            };
            match &output_file {
                Some(p) => {
                    if let Err(e) = std::fs::write(p, text) {
                        return usage_error(format!("{}: {e}", p.display()));
                    }
                }
                None => print(&text),
            }
            // The process ends here: freeing every tree one by one would only cost time.
            std::mem::forget(report);
            std::mem::forget(ws);
            ExitCode::from(code as u8)
        }
    }
}

enum Fixing {
    /// `--diff`: printed, with this exit code.
    Done(ExitCode),
    /// `--fix`: the report on the fixed files; `true` when it must be redone from disk.
    Report(Box<synclint::Report>, bool),
}

/// `--fix` and `--diff`: fix in memory, then write the changed files (each only if it is
/// unchanged on disk) or print their diff. Files outside `only` (when set) are left alone.
fn fix_files(
    ws: &mut synclint::Workspace,
    opts: &synclint::Options,
    only: &[PathBuf],
    diff: bool,
) -> Fixing {
    let wanted = |f: &load::SourceFile| only.is_empty() || only.contains(&f.path);
    let fixed = synclint::fix::run(ws, opts, &wanted);
    let n = fixed.files.len();
    if diff {
        for f in &fixed.files {
            print(&synclint::fix::unified(&f.name, &f.before, &f.after));
        }
        eprintln!(
            "{} fix(es) in {n} file(s) would be applied by --fix",
            fixed.applied
        );
        return Fixing::Done(ExitCode::from(u8::from(n > 0)));
    }
    let mut failed = 0;
    // Internal, for tests only: stop before writing until the file this names exists.
    if let Some(gate) = std::env::var_os("SYNCLINT_INTERNAL_FIX_GATE") {
        let gate = PathBuf::from(gate);
        let _ = std::fs::write(gate.with_extension("ready"), "");
        let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !gate.exists() && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    for f in &fixed.files {
        if let Err(e) = synclint::fix::write_if_unchanged(&f.path, &f.before, &f.after) {
            eprintln!("error: {}: {e}", terminal(&f.name));
            failed += 1;
        }
    }
    if failed > 0 {
        eprintln!("fixed {} of {n} file(s); run again", n - failed);
        return Fixing::Done(ExitCode::from(2));
    }
    if fixed.applied > 0 {
        eprintln!("fixed {} finding(s) in {n} file(s)", fixed.applied);
    }
    let rendered = fixed.rendered && n > 0;
    Fixing::Report(Box::new(fixed.report), rendered)
}

/// `NO_COLOR` turns colour off, `CLICOLOR_FORCE` on; otherwise colour when writing to a terminal.
fn color_auto(to_terminal: bool) -> bool {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty() && v != "0");
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    set("CLICOLOR_FORCE") || to_terminal
}

/// A spinner on stderr for runs longer than a second, only when stderr is a terminal and the
/// output is for people (never with JSON, SARIF or in CI).
struct Progress {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(human: bool) -> Progress {
        let ci = std::env::var_os("CI").is_some();
        if !human || ci || !std::io::stderr().is_terminal() {
            return Progress {
                stop: None,
                thread: None,
            };
        }
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            if rx.recv_timeout(std::time::Duration::from_secs(1)).is_ok() {
                return;
            }
            let frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
            let mut i = 0;
            loop {
                eprint!("\r{} linting…", frames[i % frames.len()]);
                i += 1;
                if rx
                    .recv_timeout(std::time::Duration::from_millis(100))
                    .is_ok()
                {
                    eprint!("\r\x1b[K");
                    return;
                }
            }
        });
        Progress {
            stop: Some(tx),
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
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

/// Write to stdout; a closed pipe (`synclint … | head`) is not an error.
fn print(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}
