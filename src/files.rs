//! Finding article files under folders and reading them as text.
//!
//! Shared by the command line and the server's workspace indexing. A file that cannot
//! be read, is not UTF-8, or is too large becomes a diagnostic with a location; it
//! never stops the others from being read.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::text::TextRange;

/// A path to check, or the reason it could not be listed.
#[derive(Clone, Debug)]
pub struct FileSource {
    pub path: PathBuf,
    /// Why the path could not be listed (missing, a directory loop, no permission).
    pub error: Option<String>,
}

/// Expands `paths`: files are taken as they are, whatever their name; folders are
/// walked for the files `accepts` (by the configuration: `*.article` and the globs it
/// adds), respecting `.gitignore`. Symbolic links are followed and loops reported.
pub fn collect_files(
    paths: &[PathBuf],
    accepts: &(dyn Fn(&Path) -> bool + Sync),
) -> Vec<FileSource> {
    let mut sources = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(error) => sources.push(FileSource {
                path: path.clone(),
                error: Some(format!("cannot read {}: {error}", path.display())),
            }),
            Ok(meta) if meta.is_dir() => walk_folder(path, accepts, &mut sources),
            Ok(_) => sources.push(FileSource {
                path: path.clone(),
                error: None,
            }),
        }
    }
    sources
}

fn walk_folder(
    root: &Path,
    accepts: &(dyn Fn(&Path) -> bool + Sync),
    sources: &mut Vec<FileSource>,
) {
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(true)
        // `.gitignore` applies in any folder, not only inside a git checkout.
        .require_git(false)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && accepts(entry.path()) {
                    sources.push(FileSource {
                        path: entry.into_path(),
                        error: None,
                    });
                }
            }
            Err(error) => {
                let path = error_path(&error).unwrap_or_else(|| root.to_path_buf());
                sources.push(FileSource {
                    path,
                    error: Some(describe_walk_error(&error)),
                });
            }
        }
    }
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn describe_walk_error(error: &ignore::Error) -> String {
    match error {
        ignore::Error::Loop { ancestor, child } => format!(
            "directory loop: {} links back to {}",
            child.display(),
            ancestor.display()
        ),
        ignore::Error::WithDepth { err, .. } => describe_walk_error(err),
        other => other.to_string(),
    }
}

/// Why a file could not be analysed, as a diagnostic, with the text where some was
/// readable so the location can be shown.
#[derive(Debug)]
pub struct FileProblem {
    pub diagnostic: Diagnostic,
    pub text: Option<String>,
}

/// Reads a file as UTF-8 text, refusing files over `max_size` bytes.
pub fn read_article_file(path: &Path, max_size: u64) -> Result<String, Box<FileProblem>> {
    let meta = std::fs::metadata(path).map_err(|error| io_problem(path, &error))?;
    if meta.is_dir() {
        return Err(Box::new(FileProblem {
            diagnostic: Diagnostic::new(
                DiagnosticCode::IoError,
                TextRange::empty(0),
                format!("{} is a folder, not a file", path.display()),
            ),
            text: None,
        }));
    }
    if meta.len() > max_size {
        return Err(Box::new(FileProblem {
            diagnostic: Diagnostic::new(
                DiagnosticCode::FileTooLarge,
                TextRange::empty(0),
                format!(
                    "{} has {} bytes, more than the limit of {max_size}; it was not analysed",
                    path.display(),
                    meta.len()
                ),
            ),
            text: None,
        }));
    }
    let bytes = std::fs::read(path).map_err(|error| io_problem(path, &error))?;
    decode_utf8(bytes)
}

/// A NUL byte this early marks a binary file, as git decides.
const BINARY_PROBE_BYTES: usize = 8000;

/// Turns bytes into text, or an `invalid-utf8` diagnostic at the first bad byte, or at
/// an early NUL byte: NUL is valid UTF-8 but never article text, and a binary file
/// analysed as text would give only misleading diagnostics.
pub fn decode_utf8(bytes: Vec<u8>) -> Result<String, Box<FileProblem>> {
    let probe = &bytes[..bytes.len().min(BINARY_PROBE_BYTES)];
    // UTF-16 text is full of NUL bytes; it gets its own message below. So does a bad
    // byte before the NUL: it comes first, and the text shown must be the file's own
    // bytes, or the diagnostic's offset would fall inside a replacement character.
    let binary_at = memchr::memchr(0, probe)
        .filter(|&at| !looks_like_utf16(&bytes) && std::str::from_utf8(&bytes[..at]).is_ok());
    if let Some(at) = binary_at {
        return Err(Box::new(FileProblem {
            diagnostic: Diagnostic::new(
                DiagnosticCode::InvalidUtf8,
                TextRange::empty(at),
                format!("the file is binary, not text: a NUL byte at offset {at}"),
            ),
            text: Some(String::from_utf8_lossy(&bytes[..at]).into_owned()),
        }));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(error) => {
            let valid_up_to = error.utf8_error().valid_up_to();
            let bytes = error.into_bytes();
            let (message, text) = if looks_like_utf16(&bytes) {
                (
                    "the file is UTF-16, not UTF-8; convert it (e.g. `iconv -f UTF-16 -t UTF-8`)"
                        .to_owned(),
                    None,
                )
            } else {
                // The valid prefix is kept so that the location can be shown.
                let prefix = String::from_utf8_lossy(&bytes[..valid_up_to]).into_owned();
                (
                    format!(
                        "the file is not valid UTF-8: byte 0x{:02X} at offset {valid_up_to}",
                        bytes[valid_up_to]
                    ),
                    Some(prefix),
                )
            };
            let at = if text.is_some() { valid_up_to } else { 0 };
            Err(Box::new(FileProblem {
                diagnostic: Diagnostic::new(
                    DiagnosticCode::InvalidUtf8,
                    TextRange::empty(at),
                    message,
                ),
                text,
            }))
        }
    }
}

fn looks_like_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

fn io_problem(path: &Path, error: &std::io::Error) -> Box<FileProblem> {
    Box::new(FileProblem {
        diagnostic: Diagnostic::new(
            DiagnosticCode::IoError,
            TextRange::empty(0),
            format!("cannot read {}: {error}", path.display()),
        ),
        text: None,
    })
}
