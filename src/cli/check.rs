//! `accord check`: finds the files under the given paths, analyses them in parallel,
//! and reports in the chosen format.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::diagnostic::{DiagnosticCode, Severity};

use super::render::{self, FileReport, Format};
use crate::files::{FileSource, FileStamp, read_article_file};
use crate::project::AnalyzerCache;

pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub min_severity: Severity,
    pub color: bool,
}

/// Exit statuses of docs/format.md §6.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// A file as `check` analysed it: where it is, how it looked when it was read, and
/// what was found in it.
pub struct CheckedFile {
    pub path: PathBuf,
    /// Taken just before the file was read; `None` for configuration and
    /// knowledge-base files, which the project loader read.
    pub stamp: Option<FileStamp>,
    pub report: FileReport,
}

/// What `check` and `fix` found under their paths.
pub struct Analysed {
    /// The article files selected, and configuration and knowledge-base files with
    /// problems.
    pub files: Vec<CheckedFile>,
    /// Why no article file was selected, when none was: a check that read nothing must
    /// not pass.
    pub nothing_selected: Option<String>,
}

/// Finds the files under `paths` and analyses them in parallel, with the configuration
/// and knowledge-base files that have problems: what `check` reports and `fix` repairs.
pub fn analyse_paths(paths: &[PathBuf]) -> Analysed {
    let analyzers = AnalyzerCache::default();
    let sources = super::list_files(&analyzers, paths);
    let nothing_selected = sources
        .is_empty()
        .then(|| no_files_reason(&analyzers, paths));
    let mut governed: Vec<PathBuf> = paths.to_vec();
    governed.extend(sources.iter().map(|source| source.path.clone()));
    let mut files: Vec<CheckedFile> = sources
        .into_par_iter()
        .map(|source| CheckedFile {
            path: source.path.clone(),
            stamp: FileStamp::of(&source.path),
            report: check_source(&analyzers, source),
        })
        .collect();
    // Configuration and knowledge-base files with problems are reported like articles.
    for (path, text, diagnostics) in analyzers.config_problems(&governed) {
        files.push(CheckedFile {
            report: FileReport::new(render::display_path(&path), Some(text), diagnostics),
            path,
            stamp: None,
        });
    }
    Analysed {
        files,
        nothing_selected,
    }
}

/// Why `paths` select no article file: every candidate under them is excluded by the
/// `accord.toml` that governs it or by an ignore file, or there is no candidate at all.
fn no_files_reason(analyzers: &AnalyzerCache, paths: &[PathBuf]) -> String {
    let article_files = |folder: &std::path::Path, honour_ignore_files: bool| -> usize {
        ignore::WalkBuilder::new(folder)
            .standard_filters(honour_ignore_files)
            .require_git(false)
            .follow_links(true)
            .build()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "article"))
            .count()
    };
    let reasons: Vec<String> = paths
        .iter()
        .map(|path| {
            let shown = render::display_path(path);
            let config = analyzers.for_file(&path.join(crate::kb::config::CONFIG_FILE_NAME));
            let config_file = config.config.root.join(crate::kb::config::CONFIG_FILE_NAME);
            let visible = article_files(path, true);
            if visible > 0 {
                return format!(
                    "the {visible} article file{} under {shown} {} excluded by the [files] \
                     section of {}",
                    if visible == 1 { "" } else { "s" },
                    if visible == 1 { "is" } else { "are all" },
                    render::display_path(&config_file)
                );
            }
            let hidden = article_files(path, false);
            if hidden > 0 {
                format!(
                    "the {hidden} article file{} under {shown} {} hidden or ignored by \
                     .gitignore or .ignore files",
                    if hidden == 1 { "" } else { "s" },
                    if hidden == 1 { "is" } else { "are all" },
                )
            } else {
                format!("{shown} holds no article file")
            }
        })
        .collect();
    format!("no file to check: {}", reasons.join("; "))
}

/// Runs the check and returns the rendered report and the exit status.
pub fn run(options: &CheckOptions) -> (String, i32) {
    let mut io_failure = false;
    let analysed = analyse_paths(&options.paths);
    let analysed_nothing = analysed.nothing_selected.is_some();
    if let Some(reason) = &analysed.nothing_selected {
        eprintln!("error: {reason}");
        io_failure = true;
    }
    let mut reports: Vec<FileReport> = analysed.files.into_iter().map(|file| file.report).collect();
    for report in &mut reports {
        io_failure |= report.diagnostics.iter().any(|d| {
            matches!(
                d.code,
                DiagnosticCode::IoError
                    | DiagnosticCode::InvalidUtf8
                    | DiagnosticCode::TooManyFiles
            )
        });
        report
            .diagnostics
            .retain(|d| d.severity >= options.min_severity);
        report
            .diagnostics
            .sort_by_key(|d| (d.range.start, d.range.end, d.code));
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    let findings = reports.iter().any(|r| !r.diagnostics.is_empty());
    // A human report of nothing would read as a pass beside the error; the machine
    // formats stay well formed for their readers.
    let output = if analysed_nothing && reports.is_empty() && options.format == Format::Human {
        String::new()
    } else {
        render::render(options.format, &reports, options.color)
    };
    let status = if io_failure {
        EXIT_ERROR
    } else if findings {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    (output, status)
}

fn check_source(analyzers: &AnalyzerCache, source: FileSource) -> FileReport {
    let shown = render::display_path(&source.path);
    match source.error {
        Some(error) => FileReport::new(shown, None, vec![error.to_diagnostic()]),
        None => {
            let analyzer = analyzers.for_file(&source.path);
            match read_article_file(&source.path, analyzer.max_file_size()) {
                Ok(text) => {
                    let diagnostics = analyzer.check_file(&text);
                    FileReport::new(shown, Some(text), diagnostics)
                }
                Err(problem) => FileReport::new(shown, problem.text, vec![problem.diagnostic]),
            }
        }
    }
}
