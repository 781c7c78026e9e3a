//! `accord check`: finds the files under the given paths, analyses them in parallel,
//! and reports in the chosen format.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::diagnostic::{DiagnosticCode, Severity};

use super::render::{self, FileReport, Format};
use crate::analysis::AnalyzerCache;
use crate::files::{FileSource, FileStamp, read_article_file};

pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub min_severity: Severity,
    pub color: bool,
}

/// Exit statuses of SPEC §6.
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

/// Finds the files under `paths` and analyses them in parallel, with the configuration
/// and knowledge-base files that have problems: what `check` reports and `fix` repairs.
pub fn analyse_paths(paths: &[PathBuf]) -> Vec<CheckedFile> {
    let analyzers = AnalyzerCache::default();
    let sources = super::list_files(&analyzers, paths);
    let mut files: Vec<CheckedFile> = sources
        .into_par_iter()
        .map(|source| CheckedFile {
            path: source.path.clone(),
            stamp: FileStamp::of(&source.path),
            report: check_source(&analyzers, source),
        })
        .collect();
    // Configuration and knowledge-base files with problems are reported like articles.
    for (path, text, diagnostics) in analyzers.config_problems() {
        files.push(CheckedFile {
            report: FileReport::new(render::display_path(&path), Some(text), diagnostics),
            path,
            stamp: None,
        });
    }
    files
}

/// Runs the check and returns the rendered report and the exit status.
pub fn run(options: &CheckOptions) -> (String, i32) {
    let mut io_failure = false;
    let mut reports: Vec<FileReport> = analyse_paths(&options.paths)
        .into_iter()
        .map(|file| file.report)
        .collect();
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
    let output = render::render(options.format, &reports, options.color);
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
