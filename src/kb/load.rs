//! Loading knowledge-base TOML files into entries, with diagnostics at exact positions.
//!
//! A knowledge-base file is an array of `[[entity]]` tables (docs/format.md §5). Parsing never
//! fails: every problem becomes a diagnostic on the file, bad entries are skipped and
//! good ones kept, so one typo does not hide a whole file from the analysis.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, DiagnosticCode, Fix, Related, Severity};
use crate::kb::config::{Config, parse_config};
use crate::kb::schema::Schema;
use crate::kb::toml_fields::{
    Node, extent, kind_name, next_header_start, parse_document, range_in, string_contents_range,
    suggestion_suffix, to_toml_value,
};
use crate::kb::{Entry, EntrySource, KnowledgeBase};
use crate::text::TextRange;

/// The fields of an entity table with a fixed meaning; all others go to `extra`.
const RESERVED_FIELDS: [&str; 5] = ["key", "type", "name", "aliases", "description"];

/// Parses a knowledge-base file. `path` is `None` for built-in data, whose entries then
/// carry no source. Type names are only checked for shape; [`parse_entries_for_schema`]
/// also checks them against a schema.
pub fn parse_entries(path: Option<&Path>, text: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
    parse_entries_inner(path, text, None)
}

/// Like [`parse_entries`], and also refuses entries whose type the schema lacks or
/// whose type names values (dates, money) rather than entities.
pub fn parse_entries_for_schema(
    path: Option<&Path>,
    text: &str,
    schema: &Schema,
) -> (Vec<Entry>, Vec<Diagnostic>) {
    parse_entries_inner(path, text, Some(schema))
}

fn parse_entries_inner(
    path: Option<&Path>,
    text: &str,
    schema: Option<&Schema>,
) -> (Vec<Entry>, Vec<Diagnostic>) {
    let (document, mut diagnostics) = parse_document(text);
    // Where the parser gave up, the recovered values may be incomplete, so entries whose
    // text holds a syntax error are skipped rather than loaded half-read.
    let syntax_error_offsets: Vec<usize> = diagnostics.iter().map(|d| d.range.start).collect();
    let mut reader = EntryReader {
        path,
        text,
        schema,
        syntax_error_offsets,
        first_by_key: HashMap::new(),
        entries: Vec::new(),
        diagnostics: Vec::new(),
    };
    for (name, node) in document.get_ref().iter() {
        let name_range = range_in(name, text.len());
        if name.get_ref() != "entity" {
            // After a broken header, its fields land at the top level; that is the
            // syntax error's consequence, not a second problem.
            if reader.follows_syntax_error(name_range.start) {
                continue;
            }
            reader.diagnostics.push(
                Diagnostic::new(
                    DiagnosticCode::ConfigInvalid,
                    name_range,
                    format!(
                        "unknown top-level key `{}`: a knowledge-base file holds `[[entity]]` tables{}",
                        name.get_ref(),
                        suggestion_suffix(name.get_ref(), ["entity"])
                    ),
                )
                .with_severity(Severity::Warning),
            );
            continue;
        }
        match node.get_ref() {
            DeValue::Array(items) => {
                for item in items.iter() {
                    reader.read_item(item);
                }
            }
            other => reader.diagnostics.push(Diagnostic::new(
                DiagnosticCode::ConfigInvalid,
                name_range,
                format!(
                    "`entity` must be an array of tables, written `[[entity]]`, not {}",
                    kind_name(other)
                ),
            )),
        }
    }
    diagnostics.append(&mut reader.diagnostics);
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    (reader.entries, diagnostics)
}

struct EntryReader<'a> {
    path: Option<&'a Path>,
    text: &'a str,
    schema: Option<&'a Schema>,
    syntax_error_offsets: Vec<usize>,
    /// The key-value range of the first entry with each key.
    first_by_key: HashMap<String, TextRange>,
    entries: Vec<Entry>,
    diagnostics: Vec<Diagnostic>,
}

/// A required string field: its value and the range of the value.
struct StringField<'t> {
    value: &'t str,
    range: TextRange,
}

impl<'a> EntryReader<'a> {
    fn error(&mut self, range: TextRange, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(
            DiagnosticCode::ConfigInvalid,
            range,
            message,
        ));
    }

    fn read_item(&mut self, item: &Node<'_>) {
        let len = self.text.len();
        let header = range_in(item, len);
        let DeValue::Table(table) = item.get_ref() else {
            self.error(
                header,
                format!(
                    "an `entity` item must be a table, not {}",
                    kind_name(item.get_ref())
                ),
            );
            return;
        };
        let table_range = extent(item, len);
        if self.holds_syntax_error(header.start, table_range.end) {
            return;
        }

        let key = self.required_string(table, header, "key");
        let ty = self.required_string(table, header, "type");
        let name = self.required_string(table, header, "name");
        let mut valid = true;
        if let Some(key) = &key
            && !is_valid_key(key.value)
        {
            valid = false;
            let mut diagnostic = Diagnostic::new(
                DiagnosticCode::ConfigInvalid,
                key.range,
                format!(
                    "invalid key `{}`: a key is lowercase letters and digits in words joined by hyphens, like `korea-us-fta`",
                    key.value
                ),
            );
            let suggested = normalize_key(key.value);
            if !suggested.is_empty() {
                let contents = string_contents_range(self.text, key.range, key.value);
                let replacement = if contents == key.range {
                    format!("\"{suggested}\"")
                } else {
                    suggested.clone()
                };
                diagnostic = diagnostic.with_fix(Fix::replace(
                    format!("Use `{suggested}`"),
                    contents,
                    replacement,
                ));
            }
            self.diagnostics.push(diagnostic);
        }
        if let Some(ty) = &ty
            && !self.check_type(ty)
        {
            valid = false;
        }
        if let Some(name) = &name
            && name.value.trim().is_empty()
        {
            valid = false;
            self.error(name.range, "`name` must not be empty");
        }
        let aliases = self.aliases(table);
        let description = self.optional_string(table, "description");

        let (Some(key), Some(ty), Some(name)) = (key, ty, name) else {
            return;
        };
        if !valid {
            return;
        }
        if let Some(&first) = self.first_by_key.get(key.value) {
            self.diagnostics.push(
                Diagnostic::new(
                    DiagnosticCode::DuplicateKey,
                    key.range,
                    format!(
                        "duplicate key `{}`: an earlier entry in this file defines it; this one is ignored",
                        key.value
                    ),
                )
                .with_related(Related {
                    path: None,
                    range: first,
                    message: format!("`{}` is first defined here", key.value),
                }),
            );
            return;
        }
        self.first_by_key.insert(key.value.to_owned(), key.range);

        let extra = table
            .iter()
            .filter(|(field, _)| !RESERVED_FIELDS.contains(&field.get_ref().as_ref()))
            .map(|(field, value)| (field.get_ref().to_string(), to_toml_value(value.get_ref())))
            .collect();
        let source = self.path.map(|path| EntrySource {
            path: path.to_path_buf(),
            range: table_range,
            key_range: Some(string_contents_range(self.text, key.range, key.value)),
        });
        self.entries.push(Entry {
            key: key.value.to_owned(),
            ty: ty.value.to_owned(),
            name: name.value.to_owned(),
            aliases,
            description,
            extra,
            source,
        });
    }

    /// Whether a syntax error lies in the entry's text: from its header to the next
    /// table header after its last value (a broken line may hold no parsed value).
    fn holds_syntax_error(&self, start: usize, end: usize) -> bool {
        if self.syntax_error_offsets.is_empty() {
            return false;
        }
        let region_end = next_header_start(self.text, end);
        self.syntax_error_offsets
            .iter()
            .any(|&offset| start <= offset && offset < region_end)
    }

    /// Whether `offset` lies between a syntax error and the next table header.
    fn follows_syntax_error(&self, offset: usize) -> bool {
        self.syntax_error_offsets
            .iter()
            .any(|&error| error <= offset && offset < next_header_start(self.text, error))
    }

    fn required_string<'t>(
        &mut self,
        table: &'t DeTable<'_>,
        header: TextRange,
        field: &str,
    ) -> Option<StringField<'t>> {
        let len = self.text.len();
        let Some(node) = field_node(table, field) else {
            self.error(
                header,
                format!("this entity lacks the required field `{field}`"),
            );
            return None;
        };
        let range = range_in(node, len);
        match node.get_ref() {
            DeValue::String(value) => Some(StringField {
                value: value.as_ref(),
                range,
            }),
            other => {
                self.error(
                    range,
                    format!("`{field}` must be a string, not {}", kind_name(other)),
                );
                None
            }
        }
    }

    fn optional_string(&mut self, table: &DeTable<'_>, field: &str) -> Option<String> {
        let node = field_node(table, field)?;
        match node.get_ref() {
            DeValue::String(value) => Some(value.to_string()),
            other => {
                let range = range_in(node, self.text.len());
                self.error(
                    range,
                    format!(
                        "`{field}` must be a string, not {}; it is ignored",
                        kind_name(other)
                    ),
                );
                None
            }
        }
    }

    /// The aliases; an ill-typed or empty alias is reported and dropped, the entry kept.
    fn aliases(&mut self, table: &DeTable<'_>) -> Vec<String> {
        let len = self.text.len();
        let Some(node) = field_node(table, "aliases") else {
            return Vec::new();
        };
        let DeValue::Array(items) = node.get_ref() else {
            self.error(
                range_in(node, len),
                format!(
                    "`aliases` must be an array of strings, not {}; it is ignored",
                    kind_name(node.get_ref())
                ),
            );
            return Vec::new();
        };
        let mut aliases = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(alias) if !alias.trim().is_empty() => {
                    aliases.push(alias.to_string())
                }
                DeValue::String(_) => self.error(
                    range_in(item, len),
                    "an alias must not be empty; it is ignored",
                ),
                other => self.error(
                    range_in(item, len),
                    format!(
                        "an alias must be a string, not {}; it is ignored",
                        kind_name(other)
                    ),
                ),
            }
        }
        aliases
    }

    /// Checks a type name's shape and, given a schema, that it names an entity type.
    fn check_type(&mut self, ty: &StringField<'_>) -> bool {
        if !is_valid_type_name(ty.value) {
            self.error(
                ty.range,
                format!(
                    "invalid type `{}`: a type name is lowercase, like `org`",
                    ty.value
                ),
            );
            return false;
        }
        let Some(schema) = self.schema else {
            return true;
        };
        match schema.get(ty.value) {
            Some(def) if def.is_entity => true,
            Some(_) => {
                self.error(
                    ty.range,
                    format!(
                        "type `{}` names values, not entities, so it cannot have knowledge-base entries",
                        ty.value
                    ),
                );
                false
            }
            None => {
                let entity_types = schema
                    .types
                    .iter()
                    .filter(|def| def.is_entity)
                    .map(|def| def.name.as_str());
                let suffix = suggestion_suffix(ty.value, entity_types);
                self.error(ty.range, format!("unknown type `{}`{suffix}", ty.value));
                false
            }
        }
    }
}

fn field_node<'t, 'i>(table: &'t DeTable<'i>, field: &str) -> Option<&'t Node<'i>> {
    table
        .iter()
        .find(|(name, _)| name.get_ref() == field)
        .map(|(_, node)| node)
}

/// A key is lowercase ASCII letters and digits, in words joined by single hyphens.
pub fn is_valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The valid key closest to `text`: lowercased, with every other run of characters
/// turned into one hyphen. Empty when `text` has no ASCII letter or digit.
pub fn normalize_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.is_empty() && !key.ends_with('-') {
            key.push('-');
        }
    }
    while key.ends_with('-') {
        key.pop();
    }
    key
}

/// A type name as docs/format.md §2 writes it: `[a-z][a-z0-9_-]*`.
pub fn is_valid_type_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// A file that was read while loading a project, with the problems found in it.
#[derive(Clone, Debug)]
pub struct FileProblems {
    pub path: PathBuf,
    /// The text the diagnostics' ranges point into; empty when the file was unreadable.
    pub text: String,
    /// May be empty, so that an editor can clear the file's earlier diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

/// A workspace's configuration and knowledge base, ready for analysis.
#[derive(Clone, Debug)]
pub struct Project {
    pub config_path: Option<PathBuf>,
    pub config: Config,
    pub kb: KnowledgeBase,
    /// The config file first (when there is one), then every knowledge-base file read,
    /// in load order.
    pub problems: Vec<FileProblems>,
}

impl Project {
    /// Whether any loaded file has a diagnostic at `severity` or above.
    pub fn has_problems_at(&self, severity: Severity) -> bool {
        self.problems
            .iter()
            .flat_map(|file| &file.diagnostics)
            .any(|diagnostic| diagnostic.severity >= severity)
    }
}

/// Reads the config at `config_path` (or takes the defaults without one), then builds
/// the knowledge base: the entries of `builtin` first when the config enables them,
/// then every knowledge-base file in the order the config names them. Problems with a
/// knowledge-base path (unreadable, outside the workspace, too large) are reported on
/// the config at that path's string; problems inside a file, on that file.
pub fn load_project(config_path: Option<&Path>, builtin: impl FnOnce() -> Vec<Entry>) -> Project {
    let mut problems = Vec::new();
    let config = match config_path {
        None => Config::default(),
        Some(path) => {
            let folder = path.parent().unwrap_or(Path::new(""));
            let (config, file) = match read_text(path) {
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
            let files = expand_glob(&config.root, &kb_path.pattern, config.max_files);
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
            match std::fs::metadata(&file) {
                Ok(metadata) if metadata.len() > config.max_file_size => {
                    config_diagnostics.push(Diagnostic::new(
                        DiagnosticCode::FileTooLarge,
                        at,
                        format!(
                            "`{}` is {} bytes, more than the limit of {} (`max-file-size`), so it is not loaded",
                            display_relative(&config.root, &file),
                            metadata.len(),
                            config.max_file_size
                        ),
                    ));
                    continue;
                }
                _ => {}
            }
            let text = match read_text(&file) {
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
fn read_text(path: &Path) -> Result<String, Diagnostic> {
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

/// The files under `root` whose relative path matches `pattern`, sorted. Only the
/// folder named by the pattern's literal prefix is walked, linked folders are not
/// entered, and the walk stops after `limit` matches.
fn expand_glob(root: &Path, pattern: &str, limit: usize) -> Vec<PathBuf> {
    let Ok(glob) = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
    else {
        return Vec::new();
    };
    let matcher = glob.compile_matcher();
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

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use super::*;
    use crate::kb::toml_fields::render_diagnostics;

    /// Parses `text` as a file and renders the loaded keys, then the diagnostics.
    fn check(text: &str, expected: Expect) {
        let (entries, diagnostics) =
            parse_entries_for_schema(Some(Path::new("kb/test.toml")), text, &Schema::default());
        let mut out = String::new();
        let keys: Vec<&str> = entries.iter().map(|entry| entry.key.as_str()).collect();
        let _ = writeln!(out, "entries: {}", keys.join(", "));
        out.push_str(&render_diagnostics(text, &diagnostics));
        expected.assert_eq(&out);
    }

    #[test]
    fn reads_all_fields_with_source_ranges() {
        let text = "# Trade bodies.\n[[entity]]\nkey = \"motir\"\ntype = \"org\"\nname = \"Ministry of Trade\"\naliases = [\"MOTIR\", 'MOTIE']\ndescription = \"A ministry.\"\nfounded = 2025\nhomepage.url = \"https://example.org\"\n\n[[entity]]\nkey = \"korus\"\ntype = \"agreement\"\nname = \"KORUS FTA\"\n";
        let path = PathBuf::from("kb/trade.toml");
        let (entries, diagnostics) = parse_entries(Some(&path), text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let first = &entries[0];
        assert_eq!(first.aliases, ["MOTIR", "MOTIE"]);
        assert_eq!(first.description.as_deref(), Some("A ministry."));
        let source = first
            .source
            .as_ref()
            .expect("entries from a file have a source");
        assert_eq!(source.path, path);
        assert_eq!(
            &text[source.key_range.expect("key range").start..][..5],
            "motir"
        );
        let table = &text[source.range.start..source.range.end];
        assert!(table.starts_with("[[entity]]") && table.ends_with("\"https://example.org\""));
        expect![[r#"
            {
              "founded": 2025,
              "homepage": {
                "url": "https://example.org"
              }
            }"#]]
        .assert_eq(&serde_json::to_string_pretty(&first.extra).unwrap_or_default());
        assert_eq!(entries[1].key, "korus");
        assert!(entries[1].aliases.is_empty() && entries[1].description.is_none());
        // Built-in data has no file to point to.
        let (builtin, _) = parse_entries(None, text);
        assert!(builtin.iter().all(|entry| entry.source.is_none()));
    }

    #[test]
    fn invalid_toml_keeps_the_entries_it_does_not_touch() {
        check(
            "[[entity]]\nkey = \"wto\"\ntype = \"org\"\nname = \"World Trade Organization\"\n\n[[entity]]\nkey = \"g7\"\ntype = \"event\"\nname = \"G7 Summit\naliases = []\n",
            expect![[r#"
                entries: wto
                error config-syntax 9:18-9:18 invalid TOML: invalid basic string, expected `"`
            "#]],
        );
        check(
            "[[entity]\nkey = 1\n",
            expect![[r#"
                entries: 
                error config-syntax 1:10-1:10 invalid TOML: unclosed array table, expected `]`
            "#]],
        );
    }

    #[test]
    fn wrong_and_missing_fields_skip_the_entry() {
        check(
            r#"[[entity]]
key = "motir"
type = "org"

[[entity]]
key = 7
type = ["org"]
name = "Seven"

[[entity]]
key = "Korea US FTA"
type = "agreement"
name = ""

[[entity]]
key = "kita"
type = "org"
name = "Korea International Trade Association"
aliases = ["KITA", 3, ""]
description = false
"#,
            expect![[r#"
                entries: kita
                error config-invalid 1:1-1:11 this entity lacks the required field `name`
                error config-invalid 6:7-6:8 `key` must be a string, not an integer
                error config-invalid 7:8-7:15 `type` must be a string, not an array
                error config-invalid 11:7-11:21 invalid key `Korea US FTA`: a key is lowercase letters and digits in words joined by hyphens, like `korea-us-fta`
                    fix 11:8-11:20 "korea-us-fta"
                error config-invalid 13:8-13:10 `name` must not be empty
                error config-invalid 19:20-19:21 an alias must be a string, not an integer; it is ignored
                error config-invalid 19:23-19:25 an alias must not be empty; it is ignored
                error config-invalid 20:15-20:20 `description` must be a string, not a boolean; it is ignored
            "#]],
        );
    }

    #[test]
    fn types_are_checked_against_the_schema() {
        check(
            "[[entity]]\nkey = \"x\"\ntype = \"orgg\"\nname = \"X\"\n\n[[entity]]\nkey = \"y\"\ntype = \"date\"\nname = \"Y\"\n\n[[entity]]\nkey = \"z\"\ntype = \"Org\"\nname = \"Z\"\n",
            expect![[r#"
                entries: 
                error config-invalid 3:8-3:14 unknown type `orgg` (did you mean `org`?)
                error config-invalid 8:8-8:14 type `date` names values, not entities, so it cannot have knowledge-base entries
                error config-invalid 13:8-13:13 invalid type `Org`: a type name is lowercase, like `org`
            "#]],
        );
    }

    #[test]
    fn duplicate_keys_keep_the_first_entry() {
        check(
            "[[entity]]\nkey = \"korus\"\ntype = \"agreement\"\nname = \"KORUS FTA\"\n\n[[entity]]\nkey = \"korus\"\ntype = \"agreement\"\nname = \"Korea-US FTA\"\n",
            expect![[r#"
                entries: korus
                error duplicate-key 7:7-7:14 duplicate key `korus`: an earlier entry in this file defines it; this one is ignored
                    related 2:7-2:14 `korus` is first defined here
            "#]],
        );
    }

    #[test]
    fn unexpected_shapes_are_reported() {
        check(
            "entities = 1\n[entity]\nkey = \"a\"\n",
            expect![[r#"
                entries: 
                warning config-invalid 1:1-1:9 unknown top-level key `entities`: a knowledge-base file holds `[[entity]]` tables (did you mean `entity`?)
                error config-invalid 2:2-2:8 `entity` must be an array of tables, written `[[entity]]`, not a table
            "#]],
        );
        check(
            "entity = [1, { key = \"wto\", type = \"org\", name = \"WTO\" }]\n",
            expect![[r#"
                entries: wto
                error config-invalid 1:11-1:12 an `entity` item must be a table, not an integer
            "#]],
        );
    }

    #[test]
    fn keys_normalize_to_the_hyphenated_form() {
        assert!(is_valid_key("korea-us-fta") && is_valid_key("g7"));
        assert!(!is_valid_key("Korea") && !is_valid_key("a--b") && !is_valid_key("-a"));
        assert!(!is_valid_key(""));
        assert_eq!(normalize_key("  Korea–U.S. FTA "), "korea-u-s-fta");
        assert_eq!(normalize_key("한국"), "");
    }

    #[test]
    fn any_input_loads_without_panicking() {
        let samples = [
            "",
            "\u{feff}[[entity]]\nkey=\"a\"\ntype=\"org\"\nname=\"A\"\n",
            "[[entity]]\r\nkey = \"a\"\r\ntype = \"org\"\r\nname = \"Ä\"\r\n",
            "[[entity]]\nkey = \"é",
            "[[",
            "entity = \"x\"\n[[entity]]\n",
            "[[entity]]\nkey = \"a\"\nkey = \"b\"\n",
        ];
        let example = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kb/people.toml"),
        )
        .unwrap_or_default();
        let prefixes = example.char_indices().map(|(end, _)| &example[..end]);
        for text in samples.into_iter().chain(prefixes) {
            let (_, diagnostics) = parse_entries(Some(Path::new("x.toml")), text);
            for diagnostic in diagnostics {
                assert!(diagnostic.range.end <= text.len());
                assert!(text.is_char_boundary(diagnostic.range.start));
                assert!(text.is_char_boundary(diagnostic.range.end));
            }
        }
    }

    #[test]
    fn a_hundred_thousand_entries_load() {
        let mut text = String::with_capacity(100_000 * 80);
        for i in 0..100_000 {
            let _ = write!(
                text,
                "[[entity]]\nkey = \"entity-{i}\"\ntype = \"org\"\nname = \"Entity {i}\"\naliases = [\"E{i}\"]\n\n"
            );
        }
        let (entries, diagnostics) = parse_entries(Some(Path::new("big.toml")), &text);
        assert_eq!(entries.len(), 100_000);
        assert!(diagnostics.is_empty());
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
        let project = load_project(Some(&root.join("accord.toml")), builtin);
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
        let project = load_project(Some(&root.join("accord.toml")), || {
            panic!("the built-in knowledge base is disabled")
        });
        assert!(project.kb.is_empty());
        Ok(())
    }

    #[test]
    fn an_unreadable_config_is_reported_and_the_defaults_apply() {
        let missing = Path::new("/nonexistent/accord.toml");
        let project = load_project(Some(missing), Vec::new);
        assert_eq!(project.problems.len(), 1);
        assert_eq!(
            project.problems[0].diagnostics[0].code,
            DiagnosticCode::IoError
        );
        assert!(project.config.builtin_kb);
        let project = load_project(None, Vec::new);
        assert!(project.problems.is_empty() && project.kb.is_empty());
    }
}
