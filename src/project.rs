//! The project on disk: finding `accord.toml`, reading the configuration and the
//! knowledge-base files it names, expanding their globs. This is the core's edge to the
//! file system, beside `files` (article files); only the command line and the server
//! call it. The parsing of what is read stays pure, in `kb`.
//!
//! Reading goes through [`SourceTexts`], so that a server can put the editor's unsaved
//! text of an open configuration or knowledge-base file before the disk's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::Mutex;

use crate::analysis::Analyzer;
use crate::diagnostic::{Diagnostic, DiagnosticCode, Related, Severity};
use crate::kb::config::{CONFIG_FILE_NAME, Config, parse_config};
use crate::kb::load::parse_entries_for_schema;
use crate::kb::{Entry, FileProblems, KnowledgeBase, Project};
use crate::text::TextRange;

/// Where loading a project reads files from.
pub trait SourceTexts {
    /// A file's length in bytes, if it can be told without reading it.
    fn len(&self, path: &Path) -> Option<u64>;
    /// A file's text, or a diagnostic at its start saying why it cannot be read.
    fn read(&self, path: &Path) -> Result<String, Diagnostic>;
    /// Files these sources hold that the disk may not have yet: an editor's new,
    /// unsaved documents, which knowledge-base globs match too.
    fn unsaved(&self) -> Vec<&Path> {
        Vec::new()
    }
}

/// The files on disk.
pub struct Disk;

impl SourceTexts for Disk {
    fn len(&self, path: &Path) -> Option<u64> {
        std::fs::metadata(path).ok().map(|metadata| metadata.len())
    }

    fn read(&self, path: &Path) -> Result<String, Diagnostic> {
        read_text(path)
    }
}

/// Texts that win over the disk's, by canonical path: a server's open documents and
/// the configuration and knowledge-base files it holds.
pub struct Overlay {
    pub texts: HashMap<PathBuf, Arc<str>>,
}

impl Overlay {
    fn get(&self, path: &Path) -> Option<&Arc<str>> {
        self.texts.get(path).or_else(|| {
            let canonical = std::fs::canonicalize(path).ok()?;
            self.texts.get(&canonical)
        })
    }
}

impl SourceTexts for Overlay {
    fn len(&self, path: &Path) -> Option<u64> {
        match self.get(path) {
            Some(text) => Some(text.len() as u64),
            None => Disk.len(path),
        }
    }

    fn read(&self, path: &Path) -> Result<String, Diagnostic> {
        match self.get(path) {
            Some(text) => Ok(text.to_string()),
            None => Disk.read(path),
        }
    }

    fn unsaved(&self) -> Vec<&Path> {
        self.texts
            .keys()
            .filter(|path| !path.is_file())
            .map(PathBuf::as_path)
            .collect()
    }
}

/// The nearest `accord.toml` in `start`'s folder (or `start` itself, when it is a
/// folder) and its ancestors.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    let folder = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    folder
        .ancestors()
        .map(|ancestor| ancestor.join(CONFIG_FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads the config at `config_path` (or takes the defaults without one), then builds
/// the knowledge base: the entries of `builtin` first when the config enables them,
/// then every knowledge-base file in the order the config names them. Problems with a
/// knowledge-base path (unreadable, outside the workspace, too large) are reported on
/// the config at that path's string; problems inside a file, on that file.
pub fn load_project(
    config_path: Option<&Path>,
    sources: &dyn SourceTexts,
    builtin: impl FnOnce() -> Vec<Entry>,
) -> Project {
    let mut problems = Vec::new();
    let config = match config_path {
        None => Config::default(),
        Some(path) => {
            let folder = path.parent().unwrap_or(Path::new(""));
            let (config, file) = match sources.read(path) {
                Ok(text) => {
                    let (config, diagnostics) = parse_config(path, &text);
                    (
                        config,
                        FileProblems {
                            path: path.to_path_buf(),
                            text,
                            diagnostics,
                        },
                    )
                }
                Err(diagnostic) => (
                    Config::default_at(&std::path::absolute(folder).unwrap_or_default()),
                    FileProblems {
                        path: path.to_path_buf(),
                        text: String::new(),
                        diagnostics: vec![diagnostic],
                    },
                ),
            };
            problems.push(file);
            config
        }
    };

    let mut kb = KnowledgeBase::new();
    if config.builtin_kb {
        for entry in builtin() {
            kb.insert(entry);
        }
    }
    let mut config_diagnostics = Vec::new();
    // The first file entry for each key, so a key defined in two files is reported.
    let mut file_keys: HashMap<String, (PathBuf, TextRange)> = HashMap::new();
    let mut seen_files = std::collections::HashSet::new();
    let canonical_root = std::fs::canonicalize(&config.root).ok();
    for kb_path in &config.kb_paths {
        let at = kb_path.range.unwrap_or_default();
        let files = if kb_path.is_glob() {
            let mut files = expand_glob(&config.root, kb_path, config.max_files);
            let unsaved = unsaved_matches(&config.root, kb_path, sources.unsaved());
            if !unsaved.is_empty() {
                files.extend(unsaved);
                files.sort();
                files.dedup();
            }
            if files.is_empty() {
                config_diagnostics.push(
                    Diagnostic::new(
                        DiagnosticCode::ConfigInvalid,
                        at,
                        format!("`{}` matches no file", kb_path.pattern),
                    )
                    .with_severity(Severity::Warning),
                );
            }
            files
        } else {
            vec![config.root.join(&kb_path.pattern)]
        };
        for file in files {
            if let Some(root) = &canonical_root
                && let Ok(real) = std::fs::canonicalize(&file)
            {
                if !real.starts_with(root) {
                    config_diagnostics.push(Diagnostic::new(
                        DiagnosticCode::PathOutsideWorkspace,
                        at,
                        format!(
                            "`{}` leads outside the workspace (through a link), so it is not loaded",
                            display_relative(&config.root, &file)
                        ),
                    ));
                    continue;
                }
                if !seen_files.insert(real) {
                    continue;
                }
            }
            match sources.len(&file) {
                Some(len) if len > config.max_file_size => {
                    config_diagnostics.push(Diagnostic::new(
                        DiagnosticCode::FileTooLarge,
                        at,
                        format!(
                            "`{}` is {} bytes, more than the limit of {} (`max-file-size`), so it is not loaded",
                            display_relative(&config.root, &file),
                            len,
                            config.max_file_size
                        ),
                    ));
                    continue;
                }
                _ => {}
            }
            let text = match sources.read(&file) {
                Ok(text) => text,
                Err(mut diagnostic) => {
                    diagnostic.range = at;
                    diagnostic.message = format!(
                        "`{}`: {}",
                        display_relative(&config.root, &file),
                        diagnostic.message
                    );
                    config_diagnostics.push(diagnostic);
                    continue;
                }
            };
            let (entries, mut diagnostics) =
                parse_entries_for_schema(Some(&file), &text, &config.schema);
            for entry in entries {
                let key_range = entry
                    .source
                    .as_ref()
                    .and_then(|source| source.key_range)
                    .unwrap_or_default();
                if let Some((first_path, first_range)) = file_keys.get(&entry.key) {
                    diagnostics.push(
                        Diagnostic::new(
                            DiagnosticCode::DuplicateKey,
                            key_range,
                            format!(
                                "duplicate key `{}`: `{}` defines it already; this entry is ignored",
                                entry.key,
                                display_relative(&config.root, first_path)
                            ),
                        )
                        .with_related(Related {
                            path: Some(first_path.clone()),
                            range: *first_range,
                            message: format!("`{}` is first defined here", entry.key),
                        }),
                    );
                    continue;
                }
                file_keys.insert(entry.key.clone(), (file.clone(), key_range));
                kb.insert(entry);
            }
            diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
            problems.push(FileProblems {
                path: file,
                text,
                diagnostics,
            });
        }
    }
    if let Some(config_file) = problems.first_mut().filter(|_| config_path.is_some()) {
        config_file.diagnostics.append(&mut config_diagnostics);
        config_file
            .diagnostics
            .sort_by_key(|d| (d.range.start, d.range.end));
    }
    for file in &mut problems {
        file.diagnostics = config.apply_severities(std::mem::take(&mut file.diagnostics));
    }
    Project {
        config_path: config_path.map(Path::to_path_buf),
        config,
        kb,
        problems,
    }
}

/// Reads a file as UTF-8, or says why it cannot be read, at the start of the file.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|error| {
        Diagnostic::new(
            DiagnosticCode::IoError,
            TextRange::empty(0),
            format!("cannot read the file: {error}"),
        )
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        Diagnostic::new(
            DiagnosticCode::InvalidUtf8,
            TextRange::empty(0),
            format!("the file is not valid UTF-8 (byte {at})"),
        )
    })
}

/// The unsaved files under `root` that `kb_path` matches, as [`expand_glob`] matches
/// files on disk.
fn unsaved_matches(
    root: &Path,
    kb_path: &crate::kb::config::KbPath,
    unsaved: Vec<&Path>,
) -> Vec<PathBuf> {
    if unsaved.is_empty() {
        return Vec::new();
    }
    let Some(matcher) = kb_path.matcher() else {
        return Vec::new();
    };
    unsaved
        .into_iter()
        .filter(|path| {
            path.strip_prefix(root)
                .is_ok_and(|relative| matcher.is_match(relative))
        })
        .map(Path::to_path_buf)
        .collect()
}

/// The files under `root` whose relative path matches `kb_path`, sorted. Only the
/// folder named by the pattern's literal prefix is walked, linked folders are not
/// entered, and the walk stops after `limit` matches.
fn expand_glob(root: &Path, kb_path: &crate::kb::config::KbPath, limit: usize) -> Vec<PathBuf> {
    let Some(matcher) = kb_path.matcher() else {
        return Vec::new();
    };
    let pattern = kb_path.pattern.as_str();
    let literal_prefix: Vec<&str> = pattern
        .split('/')
        .take_while(|part| !part.contains(['*', '?', '[', '{']))
        .collect();
    let mut start = root.to_path_buf();
    let mut relative_start = PathBuf::new();
    // The last literal part may be a file name, so only folders before it are entered.
    for part in literal_prefix
        .iter()
        .take(pattern.split('/').count().saturating_sub(1))
    {
        start.push(part);
        relative_start.push(part);
    }
    let mut matches = Vec::new();
    let mut pending = vec![(start, relative_start)];
    while let Some((folder, relative)) = pending.pop() {
        let Ok(read) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in read.flatten() {
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let relative_path = relative.join(entry.file_name());
            if file_type.is_dir() {
                pending.push((entry.path(), relative_path));
            } else if matcher.is_match(&relative_path) && entry.path().is_file() {
                matches.push(entry.path());
                if matches.len() >= limit {
                    pending.clear();
                    break;
                }
            }
        }
    }
    matches.sort();
    matches
}

/// A path relative to the root when it lies under it, for messages.
fn display_relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Finds and loads the project of each file once: files share the analyzer of their
/// nearest `accord.toml`, or the defaults.
#[derive(Default)]
pub struct AnalyzerCache {
    by_config: Mutex<HashMap<Option<PathBuf>, Arc<Analyzer>>>,
    config_of_folder: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// The problems of each loaded configuration's files, by the configuration.
    problems: Mutex<Vec<(PathBuf, ConfigProblem)>>,
}

/// A configuration or knowledge-base file with problems: its path, text and diagnostics.
pub type ConfigProblem = (PathBuf, String, Vec<Diagnostic>);

impl AnalyzerCache {
    fn config_for_folder(&self, folder: &Path) -> Option<PathBuf> {
        let mut cache = self.config_of_folder.lock();
        cache
            .entry(folder.to_path_buf())
            .or_insert_with(|| find_config(folder))
            .clone()
    }

    /// The analyzer for a file, by the configuration nearest to it.
    pub fn for_file(&self, path: &Path) -> Arc<Analyzer> {
        let folder = path.parent().unwrap_or(Path::new("."));
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        let config_path = self.config_for_folder(&folder);
        self.for_config(config_path)
    }

    fn for_config(&self, config_path: Option<PathBuf>) -> Arc<Analyzer> {
        let mut by_config = self.by_config.lock();
        if let Some(analyzer) = by_config.get(&config_path) {
            return analyzer.clone();
        }
        let project = load_project(
            config_path.as_deref(),
            &Disk,
            crate::kb::builtin::builtin_entries,
        );
        let mut problems = self.problems.lock();
        if let Some(config) = &config_path {
            for file in &project.problems {
                if !file.diagnostics.is_empty() {
                    problems.push((
                        config.clone(),
                        (
                            file.path.clone(),
                            file.text.clone(),
                            file.diagnostics.clone(),
                        ),
                    ));
                }
            }
        }
        let analyzer = Arc::new(Analyzer::for_project(&project));
        by_config.insert(config_path, analyzer.clone());
        analyzer
    }

    /// The problems found in the configuration and knowledge-base files of the
    /// configurations that govern `paths` (files, or folders a walk started from). A
    /// walk also loads the configurations of folders it then leaves out, and their
    /// problems are not the command's business.
    pub fn config_problems(&self, paths: &[PathBuf]) -> Vec<ConfigProblem> {
        let governing: std::collections::HashSet<PathBuf> = paths
            .iter()
            .filter_map(|path| {
                let folder = if path.is_dir() {
                    path.as_path()
                } else {
                    path.parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .unwrap_or(Path::new("."))
                };
                let folder = std::fs::canonicalize(folder).ok()?;
                self.config_for_folder(&folder)
            })
            .collect();
        let mut problems = self.problems.lock();
        let (wanted, others) = std::mem::take(&mut *problems)
            .into_iter()
            .partition(|(config, _)| governing.contains(config));
        *problems = others;
        wanted.into_iter().map(|(_, problem)| problem).collect()
    }

    /// Whether a file that a walk from `walk_root` found is an article: its own
    /// configuration accepts it, and no configuration of an enclosing folder inside the
    /// walk excludes it (see [`AnalyzerCache::excluded_in_walk`]).
    pub fn accepts_in_walk(&self, walk_root: &Path, path: &Path) -> bool {
        self.accepts(path) && !self.excluded_in_walk(walk_root, path)
    }

    /// Whether a configuration of an enclosing folder inside a walk from `walk_root`
    /// excludes `path`. A folder with an `accord.toml` of its own is a workspace of its
    /// own when named, but a walk from a workspace that excludes it does not enter it.
    pub fn excluded_in_walk(&self, walk_root: &Path, path: &Path) -> bool {
        let Ok(walk_root) = std::fs::canonicalize(walk_root) else {
            return false;
        };
        // A link to nothing cannot be resolved; its folder can.
        let file = std::fs::canonicalize(path).ok().or_else(|| {
            let folder = path.parent().filter(|p| !p.as_os_str().is_empty())?;
            Some(std::fs::canonicalize(folder).ok()?.join(path.file_name()?))
        });
        let Some(file) = file else {
            return false;
        };
        let mut governing = self.for_file(&file).config.root.clone();
        while !governing.as_os_str().is_empty()
            && let Some(parent) = governing.parent()
            && parent.starts_with(&walk_root)
        {
            let enclosing = self.for_file(&parent.join(crate::kb::config::CONFIG_FILE_NAME));
            if enclosing.config.root.as_os_str().is_empty() {
                break;
            }
            if enclosing.config.is_excluded(&file) {
                return true;
            }
            governing = enclosing.config.root.clone();
        }
        false
    }

    /// Which files of a folder walk are articles, by the configuration nearest to them:
    /// `*.article` without one, its include and exclude globs with one.
    pub fn accepts(&self, path: &Path) -> bool {
        let analyzer = self.for_file(path);
        if analyzer.config.root.as_os_str().is_empty() {
            return path.extension().is_some_and(|ext| ext == "article");
        }
        match std::path::absolute(path) {
            Ok(absolute) => analyzer.config.matches_file(&absolute),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::expect;

    use super::*;
    use crate::kb::load::parse_entries;
    use crate::kb::toml_fields::render_diagnostics;

    #[test]
    fn the_nearest_config_is_found() -> std::io::Result<()> {
        let workspace = tempfile::tempdir()?;
        let nested = workspace.path().join("a").join("b");
        std::fs::create_dir_all(&nested)?;
        let article = nested.join("x.article");
        std::fs::write(&article, "Title\n")?;
        assert_eq!(
            find_config(&article),
            None.or(find_config(workspace.path()))
        );
        std::fs::write(workspace.path().join(CONFIG_FILE_NAME), "")?;
        std::fs::write(workspace.path().join("a").join(CONFIG_FILE_NAME), "")?;
        let nearest = workspace.path().join("a").join(CONFIG_FILE_NAME);
        assert_eq!(find_config(&article), Some(nearest.clone()));
        assert_eq!(find_config(&nested), Some(nearest));
        assert_eq!(
            find_config(workspace.path()),
            Some(workspace.path().join(CONFIG_FILE_NAME))
        );
        Ok(())
    }

    /// Renders every file's diagnostics, with paths relative to `root`.
    fn render_problems(project: &Project, root: &Path) -> String {
        let mut out = String::new();
        for file in &project.problems {
            let _ = writeln!(out, "{}:", display_relative(root, &file.path));
            out.push_str(&render_diagnostics(&file.text, &file.diagnostics));
        }
        out
    }

    #[test]
    fn the_examples_load_cleanly() {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let project = load_project(
            Some(&examples.join("accord.toml")),
            &Disk,
            crate::kb::builtin::builtin_entries,
        );
        expect![[r#"
            accord.toml:
            kb/people.toml:
            kb/trade.toml:
        "#]]
        .assert_eq(&render_problems(&project, &examples));
        let korus = project
            .kb
            .get("korus-fta")
            .expect("the workspace defines korus-fta");
        assert!(
            korus.source.is_some(),
            "the workspace entry replaces the built-in one"
        );
        assert!(
            korus
                .aliases
                .iter()
                .any(|alias| alias == "Korea-US free trade agreement")
        );
        assert!(project.kb.get("wto").is_some(), "built-in entries stay");
        // Every key the example articles refer to is defined.
        for name in ["annotated.article", "wire-news.article", "crlf-bom.article"] {
            let text = std::fs::read_to_string(examples.join(name)).unwrap_or_default();
            for reference in text.split("ref=").skip(1) {
                let key: String = reference
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                assert!(
                    project.kb.get(&key).is_some(),
                    "{name}: no entry for `{key}`"
                );
            }
        }
    }

    #[test]
    fn a_project_reports_problems_where_they_are() -> std::io::Result<()> {
        let workspace = tempfile::tempdir()?;
        let root = workspace.path().join("ws");
        std::fs::create_dir_all(root.join("kb"))?;
        std::fs::write(
            root.join("accord.toml"),
            "[knowledge-base]\npaths = [\"kb/*.toml\", \"missing.toml\", \"link.toml\", \"none/*.toml\", \"kb/a.toml\"]\n[diagnostics]\nconfig-invalid = \"warning\"\n",
        )?;
        std::fs::write(
            root.join("kb/a.toml"),
            "[[entity]]\nkey = \"wto\"\ntype = \"org\"\nname = \"Workspace WTO\"\n\n[[entity]]\nkey = \"motir\"\ntype = \"org\"\nname = \"MOTIR\"\n",
        )?;
        std::fs::write(
            root.join("kb/b.toml"),
            "[[entity]]\nkey = \"motir\"\ntype = \"org\"\nname = \"Again\"\n\n[[entity]]\nkey = \"kita\"\ntype = \"company\"\nname = \"KITA\"\n",
        )?;
        std::fs::write(workspace.path().join("outside.toml"), "")?;
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            workspace.path().join("outside.toml"),
            root.join("link.toml"),
        )?;
        #[cfg(not(unix))]
        std::fs::write(root.join("link.toml"), "")?;

        let builtin = || {
            let (entries, _) = parse_entries(
                None,
                "[[entity]]\nkey = \"wto\"\ntype = \"org\"\nname = \"World Trade Organization\"\n",
            );
            entries
        };
        let project = load_project(Some(&root.join("accord.toml")), &Disk, builtin);
        let rendered = render_problems(&project, &root);
        #[cfg(unix)]
        expect![[r#"
            accord.toml:
            error io-error 2:23-2:37 `missing.toml`: cannot read the file: No such file or directory (os error 2)
            error path-outside-workspace 2:39-2:50 `link.toml` leads outside the workspace (through a link), so it is not loaded
            warning config-invalid 2:52-2:65 `none/*.toml` matches no file
            kb/a.toml:
            kb/b.toml:
            error duplicate-key 2:8-2:13 duplicate key `motir`: `kb/a.toml` defines it already; this entry is ignored
                related a.toml bytes 78..83 `motir` is first defined here
            warning config-invalid 8:8-8:17 unknown type `company`
        "#]]
        .assert_eq(&rendered);
        assert!(!rendered.is_empty());
        assert_eq!(
            project.kb.get("wto").map(|entry| entry.name.as_str()),
            Some("Workspace WTO"),
            "a workspace file replaces a built-in entry"
        );
        assert_eq!(
            project.kb.get("motir").map(|entry| entry.name.as_str()),
            Some("MOTIR"),
            "the first file's entry wins"
        );
        assert!(project.kb.get("kita").is_none());
        assert!(project.has_problems_at(Severity::Error));

        // Without the built-in knowledge base, the closure is not even called.
        std::fs::write(
            root.join("accord.toml"),
            "[knowledge-base]\nbuiltin = false\n",
        )?;
        let project = load_project(Some(&root.join("accord.toml")), &Disk, || {
            panic!("the built-in knowledge base is disabled")
        });
        assert!(project.kb.is_empty());
        Ok(())
    }

    #[test]
    fn an_unreadable_config_is_reported_and_the_defaults_apply() {
        let missing = Path::new("/nonexistent/accord.toml");
        let project = load_project(Some(missing), &Disk, Vec::new);
        assert_eq!(project.problems.len(), 1);
        assert_eq!(
            project.problems[0].diagnostics[0].code,
            DiagnosticCode::IoError
        );
        assert!(project.config.builtin_kb);
        let project = load_project(None, &Disk, Vec::new);
        assert!(project.problems.is_empty() && project.kb.is_empty());
    }
}
