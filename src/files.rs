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
    /// Why the path could not be listed (missing, a directory loop, no permission, a
    /// link out of the folder, too many files).
    pub error: Option<WalkError>,
}

/// Why a path of a folder walk was not taken, as a diagnostic code and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkError {
    pub code: DiagnosticCode,
    pub message: String,
}

impl WalkError {
    fn new(code: DiagnosticCode, message: String) -> WalkError {
        WalkError { code, message }
    }

    /// The error as a diagnostic at the start of its path.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::new(self.code, TextRange::empty(0), self.message.clone())
    }
}

impl std::fmt::Display for WalkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// How far a folder walk may go.
#[derive(Clone, Copy)]
pub struct WalkLimits<'a> {
    /// The most files taken from one walked folder (`max-files` of the configuration
    /// that applies there); the walk of that folder stops there and says so.
    pub max_files: &'a (dyn Fn(&Path) -> usize + Sync),
    /// Folders whose files may be read. `None`: any, as the command line does for the
    /// folders it is given. `Some`: a symbolic link that leads outside all of them is
    /// not followed, as the server does for its workspace folders.
    pub inside: Option<&'a [PathBuf]>,
}

impl WalkLimits<'_> {
    /// No limit on the count and links followed anywhere.
    pub const UNLIMITED: WalkLimits<'static> = WalkLimits {
        max_files: &|_| usize::MAX,
        inside: None,
    };
}

/// Expands `paths`: files are taken as they are, whatever their name; folders are
/// walked for the files `accepts` (by the configuration: `*.article` and the globs it
/// adds), respecting `.gitignore`, within `limits`. Symbolic links are followed (unless
/// they leave the allowed folders) and loops reported.
pub fn collect_files(
    paths: &[PathBuf],
    accepts: &(dyn Fn(&Path, &Path) -> bool + Sync),
    limits: WalkLimits<'_>,
) -> Vec<FileSource> {
    let mut sources = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(error) => sources.push(FileSource {
                path: path.clone(),
                error: Some(WalkError::new(
                    DiagnosticCode::IoError,
                    format!("cannot read {}: {error}", path.display()),
                )),
            }),
            Ok(meta) if meta.is_dir() => walk_folder(path, accepts, limits, &mut sources),
            Ok(_) => sources.push(FileSource {
                path: path.clone(),
                error: None,
            }),
        }
    }
    sources
}

/// Whether `path`, resolved, lies inside one of `folders` (resolved already).
pub fn resolves_inside(path: &Path, folders: &[PathBuf]) -> bool {
    match std::fs::canonicalize(path) {
        Ok(resolved) => folders.iter().any(|folder| resolved.starts_with(folder)),
        // What cannot be resolved cannot be read either; the read reports it.
        Err(_) => true,
    }
}

fn walk_folder(
    root: &Path,
    accepts: &(dyn Fn(&Path, &Path) -> bool + Sync),
    limits: WalkLimits<'_>,
    sources: &mut Vec<FileSource>,
) {
    use parking_lot::Mutex;
    use std::sync::Arc;

    let max_files = (limits.max_files)(root);
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .follow_links(true)
        // `.gitignore` applies in any folder, not only inside a git checkout.
        .require_git(false)
        // In name order, so that which files a `max-files` limit leaves out, and the
        // order of what is reported, is the same on every machine.
        .sort_by_file_name(|a, b| a.cmp(b));
    // Links are judged before they are entered, so nothing outside is even listed.
    let refused: Arc<Mutex<Vec<PathBuf>>> = Arc::default();
    if let Some(inside) = limits.inside {
        let inside: Vec<PathBuf> = inside
            .iter()
            .map(|folder| std::fs::canonicalize(folder).unwrap_or_else(|_| folder.clone()))
            .collect();
        let refused = refused.clone();
        builder.filter_entry(move |entry| {
            if entry.path_is_symlink() && !resolves_inside(entry.path(), &inside) {
                refused.lock().push(entry.path().to_path_buf());
                return false;
            }
            true
        });
    }
    let mut taken = 0;
    for entry in builder.build() {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && accepts(root, entry.path()) {
                    if taken == max_files {
                        sources.push(FileSource {
                            path: root.to_path_buf(),
                            error: Some(WalkError::new(
                                DiagnosticCode::TooManyFiles,
                                format!(
                                    "{} holds more than {max_files} files to read, the limit \
                                     (`max-files` in accord.toml); the rest were not read",
                                    root.display()
                                ),
                            )),
                        });
                        break;
                    }
                    taken += 1;
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
                    error: Some(WalkError::new(
                        DiagnosticCode::IoError,
                        describe_walk_error(&error),
                    )),
                });
            }
        }
    }
    let refused = std::mem::take(&mut *refused.lock());
    for path in refused {
        let target = std::fs::canonicalize(&path)
            .map(|target| target.display().to_string())
            .unwrap_or_default();
        sources.push(FileSource {
            error: Some(WalkError::new(
                DiagnosticCode::PathOutsideWorkspace,
                format!(
                    "{} links to {target}, outside the workspace folders; it was not read",
                    path.display()
                ),
            )),
            path,
        });
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
        ignore::Error::WithPath { path, err } => match std::fs::read_link(path) {
            // The walk follows links, so a link to nothing is the usual cause.
            Ok(target) if !path.exists() => format!(
                "{} is a symbolic link to {}, which does not exist",
                path.display(),
                target.display()
            ),
            _ => format!(
                "cannot read {}: {}",
                path.display(),
                describe_walk_error(err)
            ),
        },
        ignore::Error::Io(error) => error.to_string(),
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

/// What a file looked like when it was read: enough to notice that someone changed it
/// before a command writes over it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl FileStamp {
    /// The stamp of a file as it is now; `None` when it does not exist.
    pub fn of(path: &Path) -> Option<FileStamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

/// Writes `bytes` to `path` without ever leaving it half-written: a temporary file in
/// the same folder (same file system, so the rename is atomic), synced, then renamed
/// over the target. A file being replaced keeps its permissions. `expected` is the
/// stamp of the file when its content was read (`None`: it must not exist); if the
/// file changed since, nothing is written and the error says so.
pub fn write_atomically(
    path: &Path,
    bytes: &[u8],
    expected: Option<&FileStamp>,
) -> Result<(), String> {
    write_through_temporary(path, bytes, Some(expected))
}

/// Writes `bytes` to `path` as [`write_atomically`] does, over whatever is there: for
/// files only accord writes, such as its index cache, where the last writer may win
/// but no reader may see half a file.
pub fn replace_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_through_temporary(path, bytes, None)
}

/// A temporary file, synced, renamed over `path`; with `expected`, only while the
/// file's stamp is still that one.
fn write_through_temporary(
    path: &Path,
    bytes: &[u8],
    expected: Option<Option<&FileStamp>>,
) -> Result<(), String> {
    use std::io::Write;
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);

    let changed = |now: Option<FileStamp>| match (expected?, now) {
        (None, Some(_)) => Some(format!(
            "{} appeared while it was being written",
            path.display()
        )),
        (Some(_), None) => Some(format!("{} was deleted since it was read", path.display())),
        (Some(then), Some(now)) if *then != now => Some(format!(
            "{} changed since it was read; it was left as it is",
            path.display()
        )),
        _ => None,
    };
    if let Some(problem) = changed(FileStamp::of(path)) {
        return Err(problem);
    }
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(folder)
        .map_err(|error| format!("cannot create {}: {error}", folder.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = folder.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
    let written = std::fs::File::create_new(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        if let Some(permissions) = permissions {
            file.set_permissions(permissions)?;
        }
        file.sync_all()
    });
    let result = written
        .map_err(|error| format!("cannot write {}: {error}", path.display()))
        .and_then(|()| {
            // The last moment to notice a change by someone else.
            match changed(FileStamp::of(path)) {
                Some(problem) => Err(problem),
                None => std::fs::rename(&temporary, path)
                    .map_err(|error| format!("cannot write {}: {error}", path.display())),
            }
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn atomic_writes_replace_keep_permissions_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.article");
        write_atomically(&path, b"first\r\n", None).expect("a new file");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        let stamp = FileStamp::of(&path);
        write_atomically(&path, b"second\r\n", stamp.as_ref()).expect("replaced");
        assert_eq!(std::fs::read(&path).expect("read"), b"second\r\n");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        assert_eq!(entries(dir.path()), ["a.article"]);
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_overwritten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.article");
        std::fs::write(&path, "as read\n").expect("write");
        let stamp = FileStamp::of(&path);
        // Someone else saves the file: a different length, so even a coarse clock
        // cannot hide the change.
        std::fs::write(&path, "changed by the editor\n").expect("write");
        let error = write_atomically(&path, b"ours\n", stamp.as_ref()).expect_err("refused");
        assert!(error.contains("changed since it was read"), "{error}");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "changed by the editor\n"
        );
        // A file that must be new is not written over one that appeared.
        let error = write_atomically(&path, b"ours\n", None).expect_err("refused");
        assert!(error.contains("appeared"), "{error}");
        std::fs::remove_file(&path).expect("delete");
        let error = write_atomically(&path, b"ours\n", stamp.as_ref()).expect_err("refused");
        assert!(error.contains("deleted"), "{error}");
        assert_eq!(entries(dir.path()), Vec::<String>::new());
    }
}
