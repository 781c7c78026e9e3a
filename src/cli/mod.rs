//! The command line: `accord check`, `fix`, `entities`, `strip`, `eval`, `export`,
//! `import`.
//!
//! Each command is a thin client of the core: it reads files, calls the analysis, and
//! renders what comes back.

pub mod check;
pub mod entities;
pub mod eval;
pub mod export;
pub mod fix;
pub mod import;
pub mod render;
pub mod strip;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::Severity;

#[derive(Parser, Debug)]
#[command(
    name = "accord",
    version,
    about = "Checks, recognises and serves annotated policy articles",
    long_about = "accord checks article files and their inline annotation tags, recognises \
                  entities and dates, and serves both to editors as a language server."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate article files and folders (respects .gitignore).
    Check {
        /// Files and folders to check; a folder is searched for `*.article` files and
        /// the globs its `accord.toml` adds.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = render::Format::Human)]
        format: render::Format,
        /// Report only diagnostics at or above this severity; the exit status is 1 when
        /// any is reported.
        #[arg(long, value_enum, default_value_t = SeverityArg::Warning)]
        min_severity: SeverityArg,
        /// When to colour human output.
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        color: ColorArg,
        /// Explain a diagnostic code (what it means, how to fix it, an example) instead
        /// of checking.
        #[arg(long, value_name = "CODE", value_parser = fix::parse_code)]
        explain: Option<crate::diagnostic::DiagnosticCode>,
    },
    /// Apply the fixes `check` offers: print them as a diff, or write them with --write.
    Fix {
        /// Files and folders, found as `check` finds them.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Write the fixes into the files (atomically, keeping permissions, BOM and
        /// line endings) instead of printing a diff.
        #[arg(long)]
        write: bool,
        /// Apply only fixes of diagnostics with this code; repeatable.
        #[arg(long = "code", value_name = "CODE", value_parser = fix::parse_code)]
        codes: Vec<crate::diagnostic::DiagnosticCode>,
        /// Fix only diagnostics at or above this severity: `warning` by default, as
        /// `check` reports; every severity when --code names codes.
        #[arg(long, value_enum)]
        min_severity: Option<SeverityArg>,
    },
    /// List every mention, recognised or tagged, with its key and value.
    Entities {
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = entities::Format::Json)]
        format: entities::Format,
    },
    /// Remove the tags and print the plain text, byte for byte as it was annotated.
    Strip {
        /// The file to strip.
        path: PathBuf,
        /// Write the plain text here instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Score the recognisers against the tags of annotated files.
    Eval {
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = eval::Format::Table)]
        format: eval::Format,
        /// The acronym gold file (`acronyms.json`); by default the one beside the files.
        #[arg(long)]
        acronyms: Option<PathBuf>,
    },
    /// Write files for other annotation tools: brat standoff, JSON lines, CoNLL.
    Export {
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// The format to write.
        #[arg(long, value_enum)]
        to: export::Target,
        /// Where to write: a folder for brat (mirroring the input paths), a file for
        /// jsonl and conll (standard output when not given).
        #[arg(long)]
        out: Option<PathBuf>,
        /// What to add to the tags.
        #[arg(long, value_enum)]
        include: Vec<export::Include>,
        /// Replace files that exist.
        #[arg(long)]
        force: bool,
    },
    /// Rebuild article files with inline tags from another tool's annotations.
    Import {
        /// `.ann` files, or folders searched for them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The format to read.
        #[arg(long, value_enum)]
        from: import::Source,
        /// The folder to write the article files to, mirroring the input paths.
        #[arg(long)]
        out: PathBuf,
        /// Replace article files that exist.
        #[arg(long)]
        force: bool,
    },
    /// Serve the language server protocol on standard input and output.
    Lsp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Error,
    Warning,
    Info,
    Hint,
}

impl From<SeverityArg> for Severity {
    fn from(arg: SeverityArg) -> Severity {
        match arg {
            SeverityArg::Error => Severity::Error,
            SeverityArg::Warning => Severity::Warning,
            SeverityArg::Info => Severity::Info,
            SeverityArg::Hint => Severity::Hint,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Runs the command line and returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // Help and version requests are not usage errors.
            return if error.use_stderr() {
                check::EXIT_ERROR
            } else {
                0
            };
        }
    };
    match cli.command {
        Command::Check {
            explain: Some(code),
            ..
        } => {
            print_out(&crate::reference::explain(code));
            0
        }
        Command::Check {
            paths,
            format,
            min_severity,
            color,
            explain: None,
        } => {
            let color = match color {
                ColorArg::Always => true,
                ColorArg::Never => false,
                ColorArg::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let (output, status) = check::run(&check::CheckOptions {
                paths,
                format,
                min_severity: min_severity.into(),
                color,
            });
            print_out(&output);
            status
        }
        Command::Fix {
            paths,
            write,
            codes,
            min_severity,
        } => {
            let min_severity = min_severity.map_or_else(
                || fix::FixOptions::default_min_severity(&codes),
                Severity::from,
            );
            let outcome = fix::run(&fix::FixOptions {
                paths,
                write,
                codes,
                min_severity,
            });
            print_out(&outcome.stdout);
            eprint!("{}", outcome.stderr);
            outcome.status
        }
        Command::Entities { paths, format } => {
            let (output, status) = entities::run(&paths, format);
            print_out(&output);
            status
        }
        Command::Strip { path, output } => strip::run(&path, output.as_deref()),
        Command::Eval {
            paths,
            format,
            acronyms,
        } => {
            let (output, status) = eval::run(&paths, format, acronyms.as_deref());
            print_out(&output);
            status
        }
        Command::Export {
            paths,
            to,
            out,
            include,
            force,
        } => export::run(&export::ExportRequest {
            paths: &paths,
            target: to,
            out: out.as_deref(),
            include: &include,
            force,
        }),
        Command::Import {
            paths,
            from,
            out,
            force,
        } => import::run(&import::ImportRequest {
            paths: &paths,
            from,
            out: &out,
            force,
        }),
        Command::Lsp => run_lsp(),
    }
}

/// Runs the language server on a multi-threaded runtime until the client exits.
fn run_lsp() -> i32 {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .on_thread_park(crate::lsp::release_memory_when_idle)
        .thread_keep_alive(std::time::Duration::from_secs(1))
        .on_thread_stop(crate::lsp::release_memory_of_this_thread)
        .build()
    {
        Ok(runtime) => {
            let shut_down = runtime.block_on(crate::lsp::run_stdio());
            // Reading standard input blocks a thread that only closing the input ends;
            // waiting for it would keep the process alive after `exit`.
            runtime.shutdown_background();
            // The protocol: exit status 1 when the client exits without shutting down.
            if shut_down { 0 } else { 1 }
        }
        Err(error) => {
            eprintln!("accord lsp: cannot start the runtime: {error}");
            check::EXIT_ERROR
        }
    }
}

/// Writes to standard output, ignoring a closed pipe (`accord check | head`).
fn print_out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// The files a command reads for `paths`: files as named, folders walked for the
/// article files their configuration accepts, at most its `max-files` per folder.
pub(crate) fn list_files(
    analyzers: &crate::project::AnalyzerCache,
    paths: &[PathBuf],
) -> Vec<crate::files::FileSource> {
    let max_files = |folder: &std::path::Path| {
        // The configuration of a folder is the one its files would find.
        analyzers
            .for_file(&folder.join(crate::kb::config::CONFIG_FILE_NAME))
            .config
            .max_files
    };
    crate::files::collect_files(
        paths,
        &|walk_root, path| analyzers.accepts_in_walk(walk_root, path),
        crate::files::WalkLimits {
            max_files: &max_files,
            inside: None,
        },
    )
}
