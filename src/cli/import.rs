//! `accord import --from brat`: rebuilds article files with inline tags from brat's
//! `.txt` + `.ann` pairs.
//!
//! The conversion is `crate::interchange::brat::import`; this command finds the pairs,
//! reports problems with their `.ann` line, and writes each article file atomically,
//! never over an existing file unless asked to.

use std::path::{Path, PathBuf};

use crate::files::{FileStamp, write_atomically};
use crate::interchange::brat;
use crate::project::AnalyzerCache;

use super::check::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use super::render::display_path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// brat standoff: `.ann` files with a `.txt` of the same name beside them.
    Brat,
}

pub struct ImportRequest<'a> {
    pub paths: &'a [PathBuf],
    pub from: Source,
    pub out: &'a Path,
    pub force: bool,
}

pub fn run(request: &ImportRequest) -> i32 {
    let Source::Brat = request.from;
    let mut status = EXIT_CLEAN;
    let mut pairs: Vec<(PathBuf, PathBuf)> = Vec::new();
    for root in request.paths {
        if root.is_dir() {
            let mut found = Vec::new();
            find_ann_files(root, &mut found);
            found.sort();
            for ann in found {
                let relative = ann.strip_prefix(root).unwrap_or(&ann).to_path_buf();
                pairs.push((ann, relative));
            }
        } else if root.extension().is_some_and(|ext| ext == "ann") {
            let name = root.file_name().map(PathBuf::from).unwrap_or_default();
            pairs.push((root.clone(), name));
        } else {
            eprintln!(
                "error: {}: expected a folder or an .ann file",
                root.display()
            );
            status = EXIT_ERROR;
        }
    }
    let analyzers = AnalyzerCache::default();
    for (ann_path, relative) in pairs {
        let target = request.out.join(relative.with_extension("article"));
        let txt_path = ann_path.with_extension("txt");
        let (ann, txt) = match (read(&ann_path), read(&txt_path)) {
            (Ok(ann), Ok(txt)) => (ann, txt),
            (Err(error), _) | (_, Err(error)) => {
                eprintln!("error: {error}");
                status = EXIT_ERROR;
                continue;
            }
        };
        let analyzer = analyzers.for_file(&target);
        let schema = &analyzer.config.schema;
        let known = |ty: &str| schema.get(ty).is_some();
        let shown = display_path(&ann_path);
        match brat::import(&txt, &ann, &known) {
            Ok(imported) => {
                for warning in &imported.warnings {
                    eprintln!("warning: {}", locate(&shown, warning));
                }
                match write_new(&target, imported.text.as_bytes(), request.force) {
                    Ok(()) => eprintln!("imported {} -> {}", shown, display_path(&target)),
                    Err(error) => {
                        eprintln!("error: {error}");
                        status = EXIT_ERROR;
                    }
                }
            }
            Err(rejected) => {
                for error in &rejected.errors {
                    eprintln!("error: {}", locate(&shown, error));
                }
                for warning in &rejected.warnings {
                    eprintln!("warning: {}", locate(&shown, warning));
                }
                eprintln!("error: {shown} was not imported");
                status = status.max(EXIT_FINDINGS);
            }
        }
    }
    status
}

fn locate(path: &str, message: &brat::ImportMessage) -> String {
    if message.line == 0 {
        format!("{path}: {}", message.message)
    } else {
        format!("{path}:{}: {}", message.line, message.message)
    }
}

fn read(path: &Path) -> Result<String, String> {
    let bytes =
        std::fs::read(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", path.display()))
}

/// Every `.ann` file under a folder, its subfolders included.
fn find_ann_files(folder: &Path, found: &mut Vec<PathBuf>) {
    let walker = ignore::WalkBuilder::new(folder)
        .standard_filters(false)
        .follow_links(true)
        .build();
    for entry in walker.flatten() {
        let is_file = entry.file_type().is_some_and(|t| t.is_file());
        if is_file && entry.path().extension().is_some_and(|ext| ext == "ann") {
            found.push(entry.into_path());
        }
    }
}

/// Writes a file atomically (see [`write_atomically`]). An existing file is an error
/// unless `force` is set; a forced write still refuses a file that changes meanwhile.
pub fn write_new(path: &Path, bytes: &[u8], force: bool) -> Result<(), String> {
    let existing = FileStamp::of(path);
    if existing.is_some() && !force {
        return Err(format!(
            "{} exists (use --force to replace it)",
            path.display()
        ));
    }
    write_atomically(path, bytes, existing.as_ref())
}
