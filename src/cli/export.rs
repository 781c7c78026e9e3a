//! `accord export`: writes annotated files in formats other tools read — brat standoff
//! (`.txt` + `.ann` per file and an `annotation.conf`), JSON lines, CoNLL BIO.
//!
//! The formats themselves live in `crate::interchange`; this command finds and reads
//! the files, analyses them the way `accord entities` does, and writes the results.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::analysis::FileAnalysis;
use crate::files::read_article_file;
use crate::interchange::{self, ExportOptions};
use crate::project::AnalyzerCache;
use crate::recognize::{LearnedForm, Lexicon};
use crate::workspace;

use super::check::{EXIT_CLEAN, EXIT_ERROR};
use super::import::write_new;
use super::render::display_path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// brat standoff: `.txt` + `.ann` per file under `--out DIR`, and `annotation.conf`.
    Brat,
    /// One JSON object per article (text, spans with character offsets).
    Jsonl,
    /// One token and its BIO label per line.
    Conll,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Include {
    /// Also the recognised mentions that no tag covers.
    Recognized,
}

pub struct ExportRequest<'a> {
    pub paths: &'a [PathBuf],
    pub target: Target,
    pub out: Option<&'a Path>,
    pub include: &'a [Include],
    pub force: bool,
}

/// An analysed input file and where its output goes, relative to `--out`.
struct Analysed {
    path: PathBuf,
    relative: PathBuf,
    text: String,
    analysis: FileAnalysis,
}

pub fn run(request: &ExportRequest) -> i32 {
    let options = ExportOptions {
        include_recognized: request.include.contains(&Include::Recognized),
    };
    let analyzers = AnalyzerCache::default();
    let (files, mut status) = analyse(request.paths, &analyzers);
    let written = match request.target {
        Target::Brat => match request.out {
            Some(out) => write_brat(&files, out, options, request.force, &analyzers),
            None => Err("--to brat needs --out DIR".to_owned()),
        },
        Target::Jsonl => {
            let mut output = String::new();
            for file in &files {
                for record in interchange::jsonl::records(
                    &display_path(&file.path),
                    &file.text,
                    &file.analysis,
                    options,
                ) {
                    output.push_str(&serde_json::to_string(&record).unwrap_or_default());
                    output.push('\n');
                }
            }
            emit(&output, request.out, request.force)
        }
        Target::Conll => {
            let output: String = files
                .iter()
                .map(|file| interchange::conll::export(&file.analysis, options))
                .collect();
            emit(&output, request.out, request.force)
        }
    };
    if let Err(message) = written {
        eprintln!("error: {message}");
        status = EXIT_ERROR;
    }
    status
}

/// Reads and analyses every file, in two passes as `accord entities` does: the first
/// learns what the tags and acronyms teach, the second recognises with it.
fn analyse(paths: &[PathBuf], analyzers: &AnalyzerCache) -> (Vec<Analysed>, i32) {
    let mut status = EXIT_CLEAN;
    let mut inputs: Vec<(PathBuf, PathBuf, String)> = Vec::new();
    for root in paths {
        let root_is_dir = root.is_dir();
        for source in super::list_files(analyzers, std::slice::from_ref(root)) {
            if let Some(error) = source.error {
                eprintln!("error: {error}");
                status = EXIT_ERROR;
                continue;
            }
            let analyzer = analyzers.for_file(&source.path);
            let text = match read_article_file(&source.path, analyzer.max_file_size()) {
                Ok(text) => text,
                Err(problem) => {
                    eprintln!(
                        "error: {}: {}",
                        source.path.display(),
                        problem.diagnostic.message
                    );
                    status = EXIT_ERROR;
                    continue;
                }
            };
            let relative = if root_is_dir {
                source.path.strip_prefix(root).unwrap_or(&source.path)
            } else {
                Path::new(source.path.file_name().unwrap_or(source.path.as_os_str()))
            }
            .to_path_buf();
            inputs.push((source.path, relative, text));
        }
    }
    let first: Vec<FileAnalysis> = inputs
        .par_iter()
        .map(|(path, _, text)| analyzers.for_file(path).analyze(text))
        .collect();
    let forms: Vec<LearnedForm> = inputs
        .iter()
        .zip(&first)
        .flat_map(|((path, _, _), analysis)| {
            let origin: std::sync::Arc<str> = display_path(path).into();
            workspace::learned_forms(analysis, Some(&origin))
        })
        .collect();
    let lexicon = Lexicon::new(forms);
    let mut files: Vec<Analysed> = inputs
        .into_par_iter()
        .zip(first)
        .map(|((path, relative, text), analysis)| {
            let analysis = analyzers.for_file(&path).teach(analysis, &lexicon);
            Analysed {
                path,
                relative,
                text,
                analysis,
            }
        })
        .collect();
    files.sort_by(|a, b| a.relative.cmp(&b.relative).then(a.path.cmp(&b.path)));
    (files, status)
}

fn write_brat(
    files: &[Analysed],
    out: &Path,
    options: ExportOptions,
    force: bool,
    analyzers: &AnalyzerCache,
) -> Result<(), String> {
    let mut claimed: HashMap<PathBuf, &Path> = HashMap::new();
    for file in files {
        if let Some(other) = claimed.insert(file.relative.with_extension(""), &file.path) {
            return Err(format!(
                "{} and {} would both be written as {}.txt",
                other.display(),
                file.path.display(),
                out.join(file.relative.with_extension("")).display()
            ));
        }
    }
    // The configuration's types first, so that brat offers them all; then any other
    // type a tag uses.
    let mut types: Vec<String> = Vec::new();
    let mut add = |ty: &str| {
        if !types.iter().any(|t| t == ty) {
            types.push(ty.to_owned());
        }
    };
    for file in files {
        for ty in analyzers.for_file(&file.path).config.schema.type_names() {
            add(ty);
        }
    }
    if files.is_empty() {
        for ty in analyzers.for_file(out).config.schema.type_names() {
            add(ty);
        }
    }
    let documents: Vec<_> = files
        .iter()
        .map(|file| interchange::brat::export(&file.text, &file.analysis, options))
        .collect();
    for document in &documents {
        for ty in &document.types {
            add(ty);
        }
    }
    // Refuse before writing anything, so that a refused export leaves no half of itself.
    if !force {
        let targets = files
            .iter()
            .flat_map(|file| {
                let stem = out.join(&file.relative);
                [stem.with_extension("txt"), stem.with_extension("ann")]
            })
            .chain([out.join("annotation.conf")]);
        if let Some(existing) = targets.into_iter().find(|path| path.exists()) {
            return Err(format!(
                "{} exists (use --force to replace it)",
                existing.display()
            ));
        }
    }
    for (file, document) in files.iter().zip(&documents) {
        let stem = out.join(&file.relative);
        write_new(&stem.with_extension("txt"), document.txt.as_bytes(), force)?;
        write_new(&stem.with_extension("ann"), document.ann.as_bytes(), force)?;
    }
    let conf = interchange::brat::annotation_conf(&types);
    write_new(&out.join("annotation.conf"), conf.as_bytes(), force)
}

/// Writes a stream format to `--out FILE`, or to standard output.
fn emit(output: &str, out: Option<&Path>, force: bool) -> Result<(), String> {
    match out {
        Some(path) => write_new(path, output.as_bytes(), force),
        None => {
            super::print_out(output);
            Ok(())
        }
    }
}
