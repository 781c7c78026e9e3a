//! `accord.toml`: finding, parsing and validating the workspace configuration.
//!
//! Parsing is pure and never fails: every problem is a diagnostic at its exact range in
//! the config file, a setting with a wrong value falls back to its default, and the rest
//! still applies. Invalid TOML yields the defaults, so a caller that has a last good
//! config keeps it while the file is being edited. The format is described in
//! `docs/configuration.md`.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::diagnostic::{Diagnostic, DiagnosticCode, Severity};
use crate::kb::schema::is_valid_type_name;
use crate::kb::schema::{AttrDef, AttrKind, Schema, TypeDef};
use crate::kb::toml_fields::{Node, kind_name, parse_document, range_in, suggestion_suffix};
use crate::text::TextRange;

/// The file name a workspace's configuration has.
pub const CONFIG_FILE_NAME: &str = "accord.toml";

/// Article globs used when a config names none.
pub const DEFAULT_INCLUDE: &str = "**/*.article";
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;
pub const DEFAULT_MAX_FILES: usize = 200_000;

const SECTIONS: [&str; 6] = [
    "files",
    "knowledge-base",
    "dates",
    "diagnostics",
    "limits",
    "types",
];
const FILES_KEYS: [&str; 2] = ["include", "exclude"];
const KB_KEYS: [&str; 3] = ["paths", "builtin", "closed"];
const DATES_KEYS: [&str; 1] = ["strict-marker"];
const LIMITS_KEYS: [&str; 2] = ["max-file-size", "max-files"];
const TYPE_KEYS: [&str; 4] = ["description", "entity", "children", "attributes"];
const ATTRIBUTE_KEYS: [&str; 4] = ["kind", "values", "required", "description"];
const ATTRIBUTE_KINDS: [&str; 7] = [
    "text",
    "number",
    "bool",
    "enum",
    "entity-ref",
    "timex",
    "money",
];
const SEVERITY_NAMES: [&str; 5] = ["error", "warning", "info", "hint", "off"];

/// A knowledge-base path or glob as the config wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KbPath {
    /// The path or glob, relative to the config's folder, with `/` separators.
    pub pattern: String,
    /// Where the config wrote it, for diagnostics about the files it names.
    pub range: Option<TextRange>,
}

impl KbPath {
    /// Whether the pattern is a glob rather than one file's path.
    pub fn is_glob(&self) -> bool {
        self.pattern.contains(['*', '?', '[', '{'])
    }

    /// What the pattern matches, relative to the root: `*` stays within a folder, and
    /// `\` escapes. `None` for a pattern that is no valid glob.
    pub fn matcher(&self) -> Option<globset::GlobMatcher> {
        globset::GlobBuilder::new(&self.pattern)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .ok()
            .map(|glob| glob.compile_matcher())
    }
}

/// The workspace configuration, with every setting resolved to a value.
#[derive(Clone, Debug)]
pub struct Config {
    /// The folder holding `accord.toml`; relative paths and globs start here. Empty for
    /// the defaults without a config file, meaning the current folder.
    pub root: PathBuf,
    pub schema: Schema,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub kb_paths: Vec<KbPath>,
    /// Whether the built-in knowledge base is loaded before the workspace's files.
    pub builtin_kb: bool,
    /// Whether a `ref` missing from the knowledge base is an error rather than a hint.
    pub kb_closed: bool,
    /// Whether `date: …` and `date …` markers are reported as noncanonical.
    pub strict_date_marker: bool,
    /// Configured severities; `None` turns a code off.
    pub severities: HashMap<DiagnosticCode, Option<Severity>>,
    pub max_file_size: u64,
    pub max_files: usize,
    include_set: GlobSet,
    exclude_set: GlobSet,
}

impl Default for Config {
    fn default() -> Config {
        let include = vec![DEFAULT_INCLUDE.to_owned()];
        Config {
            root: PathBuf::new(),
            schema: Schema::default(),
            include_set: glob_set(&include),
            include,
            exclude: Vec::new(),
            exclude_set: GlobSet::empty(),
            kb_paths: Vec::new(),
            builtin_kb: true,
            kb_closed: false,
            strict_date_marker: false,
            severities: HashMap::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_files: DEFAULT_MAX_FILES,
        }
    }
}

impl Config {
    /// The defaults for a workspace rooted at `root`.
    pub fn default_at(root: &Path) -> Config {
        Config {
            root: root.to_path_buf(),
            ..Config::default()
        }
    }

    /// The severity a diagnostic with `code` is reported at, or `None` when it is off.
    pub fn severity_of(&self, code: DiagnosticCode) -> Option<Severity> {
        match self.severities.get(&code) {
            Some(configured) => *configured,
            None => Some(code.default_severity()),
        }
    }

    /// Applies the configured severities, see [`crate::diagnostic::apply_severities`].
    pub fn apply_severities(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        crate::diagnostic::apply_severities(&self.severities, diagnostics)
    }

    /// Whether the include globs select `path` and no exclude glob removes it. `path` is
    /// relative to the root, or absolute under it; a path elsewhere matches nothing.
    pub fn matches_file(&self, path: &Path) -> bool {
        match self.relative_to_root(path) {
            Some(relative) => {
                self.include_set.is_match(&relative) && !self.exclude_set.is_match(&relative)
            }
            None => false,
        }
    }

    /// Whether an exclude glob removes `path` (a file or a folder), so a walker can skip
    /// a whole excluded folder.
    pub fn is_excluded(&self, path: &Path) -> bool {
        match self.relative_to_root(path) {
            Some(relative) => self.exclude_set.is_match(&relative),
            None => false,
        }
    }

    fn relative_to_root(&self, path: &Path) -> Option<PathBuf> {
        if path.is_relative() {
            return Some(normalize_lexically(path));
        }
        let root = std::path::absolute(&self.root).ok()?;
        path.strip_prefix(&root).ok().map(normalize_lexically)
    }
}

/// Parses `accord.toml` at `path`. The root is the file's folder.
pub fn parse_config(path: &Path, text: &str) -> (Config, Vec<Diagnostic>) {
    let folder = path.parent().unwrap_or(Path::new(""));
    let root = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
    let mut config = Config::default_at(&root);
    let (document, syntax) = parse_document(text);
    if !syntax.is_empty() {
        return (config, syntax);
    }
    let mut reader = ConfigReader {
        text,
        root: &root,
        diagnostics: Vec::new(),
    };
    let mut type_tables = None;
    for (name, node) in document.get_ref().iter() {
        let Some(table) = reader.table(name, node) else {
            continue;
        };
        match name.get_ref().as_ref() {
            "files" => reader.files(table, &mut config),
            "knowledge-base" => reader.knowledge_base(table, &mut config),
            "dates" => reader.dates(table, &mut config),
            "diagnostics" => reader.severities(table, &mut config),
            "limits" => reader.limits(table, &mut config),
            "types" => type_tables = Some(table),
            _ => reader.unknown_key(name, "the configuration", &SECTIONS),
        }
    }
    if let Some(types) = type_tables {
        reader.types(types, &mut config.schema);
    }
    config.include_set = glob_set(&config.include);
    config.exclude_set = glob_set(&config.exclude);
    let mut diagnostics = reader.diagnostics;
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    (config, diagnostics)
}

struct ConfigReader<'a> {
    text: &'a str,
    root: &'a Path,
    diagnostics: Vec<Diagnostic>,
}

type Key<'i> = Spanned<DeString<'i>>;

impl ConfigReader<'_> {
    fn range<T>(&self, spanned: &Spanned<T>) -> TextRange {
        range_in(spanned, self.text.len())
    }

    fn error(&mut self, range: TextRange, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(
            DiagnosticCode::ConfigInvalid,
            range,
            message,
        ));
    }

    fn unknown_key(&mut self, key: &Key<'_>, context: &str, known: &[&str]) {
        let name = key.get_ref();
        let suffix = suggestion_suffix(name, known.iter().copied());
        let range = self.range(key);
        self.diagnostics.push(
            Diagnostic::new(
                DiagnosticCode::ConfigInvalid,
                range,
                format!("unknown key `{name}` in {context}; it is ignored{suffix}"),
            )
            .with_severity(Severity::Warning),
        );
    }

    fn wrong_kind(&mut self, key: &Key<'_>, node: &Node<'_>, expected: &str) {
        let range = self.range(node);
        self.error(
            range,
            format!(
                "`{}` must be {expected}, not {}; the default applies",
                key.get_ref(),
                kind_name(node.get_ref())
            ),
        );
    }

    /// The table a section holds, or a diagnostic when it holds something else.
    fn table<'t, 'i>(&mut self, key: &Key<'i>, node: &'t Node<'i>) -> Option<&'t DeTable<'i>> {
        match node.get_ref() {
            DeValue::Table(table) => Some(table),
            _ if !SECTIONS.contains(&key.get_ref().as_ref()) => {
                self.unknown_key(key, "the configuration", &SECTIONS);
                None
            }
            _ => {
                self.wrong_kind(key, node, "a table");
                None
            }
        }
    }

    fn bool(&mut self, key: &Key<'_>, node: &Node<'_>) -> Option<bool> {
        match node.get_ref() {
            DeValue::Boolean(flag) => Some(*flag),
            _ => {
                self.wrong_kind(key, node, "`true` or `false`");
                None
            }
        }
    }

    fn string(&mut self, key: &Key<'_>, node: &Node<'_>) -> Option<String> {
        match node.get_ref() {
            DeValue::String(text) => Some(text.to_string()),
            _ => {
                self.wrong_kind(key, node, "a string");
                None
            }
        }
    }

    /// An array of strings with their ranges; an item of another kind is reported and
    /// dropped, the other items kept.
    fn strings(&mut self, key: &Key<'_>, node: &Node<'_>) -> Option<Vec<(String, TextRange)>> {
        let DeValue::Array(items) = node.get_ref() else {
            self.wrong_kind(key, node, "an array of strings");
            return None;
        };
        let mut strings = Vec::with_capacity(items.len());
        for item in items.iter() {
            let range = self.range(item);
            match item.get_ref() {
                DeValue::String(text) => strings.push((text.to_string(), range)),
                other => self.error(
                    range,
                    format!(
                        "`{}` holds strings, not {}; this item is ignored",
                        key.get_ref(),
                        kind_name(other)
                    ),
                ),
            }
        }
        Some(strings)
    }

    fn positive_integer(&mut self, key: &Key<'_>, node: &Node<'_>) -> Option<u64> {
        let parsed = match node.get_ref() {
            DeValue::Integer(integer) => {
                u64::from_str_radix(integer.as_str(), integer.radix()).ok()
            }
            _ => None,
        };
        match parsed {
            Some(number) if number > 0 => Some(number),
            _ => {
                self.wrong_kind(key, node, "a positive integer");
                None
            }
        }
    }

    /// Checks a file glob; reports it and returns `false` when it cannot be used.
    fn check_glob(&mut self, pattern: &str, range: TextRange) -> bool {
        if let Err(error) = build_glob(pattern) {
            let kind = error.kind().to_string();
            self.error(range, format!("invalid glob `{pattern}`: {kind}"));
            return false;
        }
        if escapes_root(Path::new(pattern)) {
            self.error(
                range,
                format!(
                    "glob `{pattern}` reaches outside the workspace; globs are relative to the folder of accord.toml"
                ),
            );
            return false;
        }
        true
    }

    fn files(&mut self, table: &DeTable<'_>, config: &mut Config) {
        for (key, node) in table.iter() {
            let target = match key.get_ref().as_ref() {
                "include" => &mut config.include,
                "exclude" => &mut config.exclude,
                _ => {
                    self.unknown_key(key, "[files]", &FILES_KEYS);
                    continue;
                }
            };
            if let Some(globs) = self.strings(key, node) {
                let mut valid = Vec::with_capacity(globs.len());
                for (pattern, range) in globs {
                    if self.check_glob(&pattern, range) {
                        valid.push(pattern);
                    }
                }
                *target = valid;
            }
        }
    }

    fn knowledge_base(&mut self, table: &DeTable<'_>, config: &mut Config) {
        for (key, node) in table.iter() {
            match key.get_ref().as_ref() {
                "paths" => {
                    if let Some(paths) = self.strings(key, node) {
                        config.kb_paths = paths
                            .into_iter()
                            .filter_map(|(pattern, range)| self.kb_path(pattern, range))
                            .collect();
                    }
                }
                "builtin" => {
                    if let Some(flag) = self.bool(key, node) {
                        config.builtin_kb = flag;
                    }
                }
                "closed" => {
                    if let Some(flag) = self.bool(key, node) {
                        config.kb_closed = flag;
                    }
                }
                _ => self.unknown_key(key, "[knowledge-base]", &KB_KEYS),
            }
        }
    }

    /// A knowledge-base path, made relative to the root; one that leaves the workspace
    /// is refused, since a shared config must not read files elsewhere on a machine.
    fn kb_path(&mut self, pattern: String, range: TextRange) -> Option<KbPath> {
        let path = Path::new(&pattern);
        let relative = if path.is_absolute() {
            match normalize_lexically(path).strip_prefix(self.root) {
                Ok(inside) => inside.to_path_buf(),
                Err(_) => {
                    self.refuse_path(&pattern, range);
                    return None;
                }
            }
        } else if escapes_root(path) {
            self.refuse_path(&pattern, range);
            return None;
        } else {
            normalize_lexically(path)
        };
        let relative: Vec<String> = relative
            .components()
            .map(|component| component.as_os_str().to_string_lossy().into_owned())
            .collect();
        let kb_path = KbPath {
            pattern: relative.join("/"),
            range: Some(range),
        };
        if kb_path.pattern.is_empty() {
            self.error(range, "a knowledge-base path must name a file or a glob");
            return None;
        }
        if kb_path.is_glob()
            && let Err(error) = build_glob(&kb_path.pattern)
        {
            let kind = error.kind().to_string();
            self.error(range, format!("invalid glob `{pattern}`: {kind}"));
            return None;
        }
        Some(kb_path)
    }

    fn refuse_path(&mut self, pattern: &str, range: TextRange) {
        self.diagnostics.push(Diagnostic::new(
            DiagnosticCode::PathOutsideWorkspace,
            range,
            format!(
                "`{pattern}` is outside the workspace (the folder of accord.toml), so it is not loaded"
            ),
        ));
    }

    fn dates(&mut self, table: &DeTable<'_>, config: &mut Config) {
        for (key, node) in table.iter() {
            match key.get_ref().as_ref() {
                "strict-marker" => {
                    if let Some(flag) = self.bool(key, node) {
                        config.strict_date_marker = flag;
                    }
                }
                _ => self.unknown_key(key, "[dates]", &DATES_KEYS),
            }
        }
    }

    fn severities(&mut self, table: &DeTable<'_>, config: &mut Config) {
        for (key, node) in table.iter() {
            let Some(code) = DiagnosticCode::from_name(key.get_ref()) else {
                let names = DiagnosticCode::ALL.iter().map(|code| code.as_str());
                let suffix = suggestion_suffix(key.get_ref(), names);
                let range = self.range(key);
                self.diagnostics.push(
                    Diagnostic::new(
                        DiagnosticCode::ConfigInvalid,
                        range,
                        format!(
                            "unknown diagnostic code `{}`; it is ignored{suffix}",
                            key.get_ref()
                        ),
                    )
                    .with_severity(Severity::Warning),
                );
                continue;
            };
            let range = self.range(node);
            let DeValue::String(name) = node.get_ref() else {
                self.wrong_kind(key, node, "a severity string");
                continue;
            };
            match name.as_ref() {
                "off" => {
                    config.severities.insert(code, None);
                }
                name => match Severity::parse(name) {
                    Some(severity) => {
                        config.severities.insert(code, Some(severity));
                    }
                    None => {
                        let suffix = suggestion_suffix(name, SEVERITY_NAMES);
                        self.error(
                            range,
                            format!(
                                "unknown severity `{name}`: use error, warning, info, hint or off{suffix}"
                            ),
                        );
                    }
                },
            }
        }
    }

    fn limits(&mut self, table: &DeTable<'_>, config: &mut Config) {
        for (key, node) in table.iter() {
            match key.get_ref().as_ref() {
                "max-file-size" => {
                    if let Some(size) = self.positive_integer(key, node) {
                        config.max_file_size = size;
                    }
                }
                "max-files" => {
                    if let Some(count) = self.positive_integer(key, node) {
                        config.max_files = usize::try_from(count).unwrap_or(usize::MAX);
                    }
                }
                _ => self.unknown_key(key, "[limits]", &LIMITS_KEYS),
            }
        }
    }

    /// Adds or redefines types. A redefined type keeps what the config does not say;
    /// `children` lists are checked once every type is known.
    fn types(&mut self, table: &DeTable<'_>, schema: &mut Schema) {
        let mut children_to_check = Vec::new();
        for (key, node) in table.iter() {
            let name = key.get_ref().as_ref();
            let DeValue::Table(fields) = node.get_ref() else {
                self.wrong_kind(key, node, "a table");
                continue;
            };
            if !is_valid_type_name(name) {
                let range = self.range(key);
                self.error(
                    range,
                    format!(
                        "invalid type name `{name}`: a type name is lowercase letters, digits, `_` and `-`, starting with a letter"
                    ),
                );
                continue;
            }
            let index = match schema.types.iter().position(|ty| ty.name == name) {
                Some(index) => index,
                None => {
                    schema.types.push(new_type(name, fields));
                    schema.types.len() - 1
                }
            };
            let mut def = schema.types[index].clone();
            self.type_fields(&mut def, fields, &mut children_to_check);
            schema.types[index] = def;
        }
        for (type_name, children) in children_to_check {
            let checked: Vec<String> = children
                .into_iter()
                .filter(|(child, range)| {
                    if schema.get(child).is_some() {
                        return true;
                    }
                    let suffix = suggestion_suffix(child, schema.type_names());
                    self.error(
                        *range,
                        format!("unknown type `{child}` in `children`; it is ignored{suffix}"),
                    );
                    false
                })
                .map(|(child, _)| child)
                .collect();
            if let Some(def) = schema.types.iter_mut().find(|ty| ty.name == type_name) {
                def.allowed_children = Some(checked);
            }
        }
    }

    fn type_fields(
        &mut self,
        def: &mut TypeDef,
        fields: &DeTable<'_>,
        children_to_check: &mut Vec<(String, Vec<(String, TextRange)>)>,
    ) {
        for (key, node) in fields.iter() {
            match key.get_ref().as_ref() {
                "description" => {
                    if let Some(description) = self.string(key, node) {
                        def.description = description;
                    }
                }
                "entity" => {
                    if let Some(flag) = self.bool(key, node) {
                        def.is_entity = flag;
                    }
                }
                "children" => {
                    if let Some(children) = self.strings(key, node) {
                        children_to_check.push((def.name.clone(), children));
                    }
                }
                "attributes" => {
                    let DeValue::Table(attributes) = node.get_ref() else {
                        self.wrong_kind(key, node, "a table of attributes");
                        continue;
                    };
                    for (attr_key, attr_node) in attributes.iter() {
                        if let Some(attr) = self.attribute(attr_key, attr_node) {
                            match def.attributes.iter_mut().find(|a| a.name == attr.name) {
                                Some(existing) => *existing = attr,
                                None => def.attributes.push(attr),
                            }
                        }
                    }
                }
                _ => self.unknown_key(key, &format!("type `{}`", def.name), &TYPE_KEYS),
            }
        }
    }

    fn attribute(&mut self, key: &Key<'_>, node: &Node<'_>) -> Option<AttrDef> {
        let name = key.get_ref().as_ref();
        let DeValue::Table(fields) = node.get_ref() else {
            self.wrong_kind(key, node, "a table");
            return None;
        };
        if !is_valid_type_name(name) {
            let range = self.range(key);
            self.error(
                range,
                format!(
                    "invalid attribute name `{name}`: an attribute name is lowercase letters, digits, `_` and `-`, starting with a letter"
                ),
            );
            return None;
        }
        let mut kind_name = None;
        let mut values = None;
        let mut required = false;
        let mut description = None;
        for (field, value) in fields.iter() {
            match field.get_ref().as_ref() {
                "kind" => {
                    if let Some(kind) = self.string(field, value) {
                        if ATTRIBUTE_KINDS.contains(&kind.as_str()) {
                            kind_name = Some((kind, self.range(value)));
                        } else {
                            let suffix = suggestion_suffix(&kind, ATTRIBUTE_KINDS);
                            let range = self.range(value);
                            self.error(
                                range,
                                format!(
                                    "unknown attribute kind `{kind}`: use one of {}{suffix}",
                                    ATTRIBUTE_KINDS.join(", ")
                                ),
                            );
                            return None;
                        }
                    } else {
                        return None;
                    }
                }
                "values" => {
                    values = self
                        .strings(field, value)
                        .map(|items| (items, self.range(value)));
                }
                "required" => {
                    if let Some(flag) = self.bool(field, value) {
                        required = flag;
                    }
                }
                "description" => description = self.string(field, value),
                _ => self.unknown_key(field, &format!("attribute `{name}`"), &ATTRIBUTE_KEYS),
            }
        }
        let Some((kind_name, kind_range)) = kind_name else {
            let range = self.range(node);
            self.error(
                range,
                format!(
                    "attribute `{name}` lacks `kind` (one of {})",
                    ATTRIBUTE_KINDS.join(", ")
                ),
            );
            return None;
        };
        let kind = match kind_name.as_str() {
            "enum" => {
                let Some((items, _)) = values.filter(|(items, _)| !items.is_empty()) else {
                    self.error(
                        kind_range,
                        format!("enum attribute `{name}` needs a non-empty `values` list"),
                    );
                    return None;
                };
                AttrKind::Enum {
                    values: items.into_iter().map(|(value, _)| value).collect(),
                }
            }
            other => {
                if let Some((_, values_range)) = values {
                    self.diagnostics.push(
                        Diagnostic::new(
                            DiagnosticCode::ConfigInvalid,
                            values_range,
                            format!("`values` only applies to enum attributes; `{name}` is {other}, so it is ignored"),
                        )
                        .with_severity(Severity::Warning),
                    );
                }
                match other {
                    "text" => AttrKind::Text,
                    "number" => AttrKind::Number,
                    "bool" => AttrKind::Bool,
                    "entity-ref" => AttrKind::EntityRef,
                    "timex" => AttrKind::Timex,
                    _ => AttrKind::Money,
                }
            }
        };
        Some(AttrDef {
            name: name.to_owned(),
            kind,
            required,
            description,
        })
    }
}

/// A type the default schema lacks, with the reserved attributes its kind implies:
/// `ref` for entity types, `value` (text) for value types, and `note` for both. Fields
/// the config sets are applied afterwards.
fn new_type(name: &str, fields: &DeTable<'_>) -> TypeDef {
    let is_entity = fields
        .iter()
        .find(|(key, _)| key.get_ref() == "entity")
        .and_then(|(_, node)| node.get_ref().as_bool())
        .unwrap_or(true);
    let reserved = |name: &str, kind: AttrKind, doc: &str| AttrDef {
        name: name.to_owned(),
        kind,
        required: false,
        description: Some(doc.to_owned()),
    };
    let mut attributes = Vec::new();
    if is_entity {
        attributes.push(reserved(
            "ref",
            AttrKind::EntityRef,
            "Key of the entity in the knowledge base.",
        ));
    } else {
        attributes.push(reserved("value", AttrKind::Text, "Normalised value."));
    }
    attributes.push(reserved("note", AttrKind::Text, "Free text."));
    TypeDef {
        name: name.to_owned(),
        description: String::new(),
        attributes,
        allowed_children: None,
        is_entity,
    }
}

fn build_glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
}

/// Compiles checked globs; any that fail (none should, they were checked) are left out.
fn glob_set(patterns: &[String]) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        if let Ok(glob) = build_glob(pattern) {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Resolves `.` and `..` without touching the file system; a `..` at the start stays.
pub(crate) fn normalize_lexically(path: &Path) -> PathBuf {
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let can_pop = matches!(
                    normalized.components().next_back(),
                    Some(Component::Normal(_))
                );
                if can_pop {
                    normalized.pop();
                } else {
                    normalized.push("..");
                }
            }
            other => normalized.push(other),
        }
    }
    normalized
}

/// Whether a relative path leaves its starting folder, or is absolute.
pub(crate) fn escapes_root(path: &Path) -> bool {
    if path.has_root() || path.is_absolute() {
        return true;
    }
    matches!(
        normalize_lexically(path).components().next(),
        Some(Component::ParentDir | Component::Prefix(_))
    )
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use super::*;
    use crate::kb::toml_fields::render_diagnostics;

    fn config_path() -> PathBuf {
        std::path::absolute("workspace/accord.toml").unwrap_or_default()
    }

    /// Parses `text` and renders the diagnostics.
    fn check_diagnostics(text: &str, expected: Expect) -> Config {
        let (config, diagnostics) = parse_config(&config_path(), text);
        expected.assert_eq(&render_diagnostics(text, &diagnostics));
        config
    }

    /// The settings other than the schema, in a stable order.
    fn render_settings(config: &Config) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "include: {:?}", config.include);
        let _ = writeln!(out, "exclude: {:?}", config.exclude);
        let kb: Vec<&str> = config.kb_paths.iter().map(|p| p.pattern.as_str()).collect();
        let _ = writeln!(out, "kb paths: {kb:?}");
        let _ = writeln!(
            out,
            "builtin: {}, closed: {}, strict marker: {}",
            config.builtin_kb, config.kb_closed, config.strict_date_marker
        );
        let mut severities: Vec<String> = config
            .severities
            .iter()
            .map(|(code, severity)| {
                format!(
                    "{}={}",
                    code.as_str(),
                    severity.map_or("off", Severity::as_str)
                )
            })
            .collect();
        severities.sort();
        let _ = writeln!(out, "severities: {}", severities.join(" "));
        let _ = writeln!(
            out,
            "limits: {} bytes, {} files",
            config.max_file_size, config.max_files
        );
        out
    }

    fn render_type(def: &TypeDef) -> String {
        let mut out = format!(
            "{} entity={} children={:?} {:?}\n",
            def.name, def.is_entity, def.allowed_children, def.description
        );
        for attr in &def.attributes {
            let _ = writeln!(
                out,
                "  {} {:?} required={}",
                attr.name, attr.kind, attr.required
            );
        }
        out
    }

    #[test]
    fn a_full_config_applies_every_setting() {
        let text = r#"
[files]
include = ["**/*.article", "**/*.txt"]
exclude = ["drafts/**"]

[knowledge-base]
paths = ["kb/*.toml", "./extra/../people.toml"]
builtin = false
closed = true

[dates]
strict-marker = true

[diagnostics]
missing-date = "error"
unknown-ref = "off"

[limits]
max-file-size = 1_048_576
max-files = 0x10

[types.sector]
description = "Industrial sectors"
children = ["place"]
[types.sector.attributes.level]
kind = "enum"
values = ["low", "high"]
required = true

[types.org.attributes.country]
kind = "entity-ref"
description = "Where the organisation is based."

[types.quantity]
entity = false
"#;
        let config = check_diagnostics(text, expect![""]);
        expect![[r#"
            include: ["**/*.article", "**/*.txt"]
            exclude: ["drafts/**"]
            kb paths: ["kb/*.toml", "people.toml"]
            builtin: false, closed: true, strict marker: true
            severities: missing-date=error unknown-ref=off
            limits: 1048576 bytes, 16 files
        "#]]
        .assert_eq(&render_settings(&config));
        let types: String = ["sector", "org", "quantity"]
            .iter()
            .filter_map(|name| config.schema.get(name))
            .map(render_type)
            .collect();
        expect![[r#"
            sector entity=true children=Some(["place"]) "Industrial sectors"
              ref EntityRef required=false
              note Text required=false
              level Enum { values: ["low", "high"] } required=true
            org entity=true children=None "Ministries, agencies, companies, international organisations, standing committees."
              ref EntityRef required=false
              note Text required=false
              country EntityRef required=false
            quantity entity=false children=None ""
              value Text required=false
              note Text required=false
        "#]]
        .assert_eq(&types);
        assert_eq!(
            config.severity_of(DiagnosticCode::MissingDate),
            Some(Severity::Error)
        );
        assert_eq!(config.severity_of(DiagnosticCode::UnknownRef), None);
        assert_eq!(
            config.severity_of(DiagnosticCode::MisplacedDate),
            Some(Severity::Warning)
        );
        let kept = config.apply_severities(vec![
            Diagnostic::new(DiagnosticCode::UnknownRef, TextRange::empty(0), "off"),
            Diagnostic::new(DiagnosticCode::MissingDate, TextRange::empty(0), "raised"),
        ]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].severity, Severity::Error);
    }

    #[test]
    fn an_empty_config_is_the_defaults() {
        let config = check_diagnostics("", expect![""]);
        expect![[r#"
            include: ["**/*.article"]
            exclude: []
            kb paths: []
            builtin: true, closed: false, strict marker: false
            severities: 
            limits: 67108864 bytes, 200000 files
        "#]]
        .assert_eq(&render_settings(&config));
        assert_eq!(config.schema, Schema::default());
        assert_eq!(config.root, config_path().parent().unwrap_or(Path::new("")));
    }

    #[test]
    fn invalid_toml_yields_the_defaults() {
        let config = check_diagnostics(
            "[files]\ninclude = [\"**/*.txt\"\n\n[dates]\nstrict-marker = true\n",
            expect![[r#"
                error config-syntax 4:1-4:1 invalid TOML: missing comma between array elements, expected `,`
            "#]],
        );
        assert_eq!(config.include, [DEFAULT_INCLUDE]);
        assert!(!config.strict_date_marker);
    }

    #[test]
    fn wrong_types_fall_back_to_defaults() {
        let config = check_diagnostics(
            r#"files = "**/*.article"
[knowledge-base]
paths = "kb/*.toml"
builtin = "yes"
closed = true
[dates]
strict-marker = 1
[limits]
max-file-size = -5
max-files = 2.5
[types]
org = "company"
[types.sector.attributes]
level = { kind = "enum" }
tier = { kind = "rank" }
weight = { values = ["a"] }
size = { kind = "number", values = ["a"] }
"#,
            expect![[r#"
                error config-invalid 1:9-1:23 `files` must be a table, not a string; the default applies
                error config-invalid 3:9-3:20 `paths` must be an array of strings, not a string; the default applies
                error config-invalid 4:11-4:16 `builtin` must be `true` or `false`, not a string; the default applies
                error config-invalid 7:17-7:18 `strict-marker` must be `true` or `false`, not an integer; the default applies
                error config-invalid 9:17-9:19 `max-file-size` must be a positive integer, not an integer; the default applies
                error config-invalid 10:13-10:16 `max-files` must be a positive integer, not a float; the default applies
                error config-invalid 12:7-12:16 `org` must be a table, not a string; the default applies
                error config-invalid 14:18-14:24 enum attribute `level` needs a non-empty `values` list
                error config-invalid 15:17-15:23 unknown attribute kind `rank`: use one of text, number, bool, enum, entity-ref, timex, money
                error config-invalid 16:10-16:28 attribute `weight` lacks `kind` (one of text, number, bool, enum, entity-ref, timex, money)
                warning config-invalid 17:36-17:41 `values` only applies to enum attributes; `size` is number, so it is ignored
            "#]],
        );
        assert!(config.kb_closed, "settings without problems still apply");
        assert!(config.builtin_kb);
        let sector = config.schema.get("sector").map(render_type);
        expect![[r#"
            Some(
                "sector entity=true children=None \"\"\n  ref EntityRef required=false\n  note Text required=false\n  size Number required=false\n",
            )
        "#]]
        .assert_debug_eq(&sector);
    }

    #[test]
    fn unknown_keys_are_warnings_with_suggestions() {
        let config = check_diagnostics(
            r#"[file]
include = ["*.txt"]
[files]
inclde = ["*.txt"]
[knowledge-base]
path = ["kb.toml"]
[types.sector]
chidlren = ["org"]
children = ["plaec", "org"]
[types.sector.attributes.level]
kind = "text"
requird = true
"#,
            expect![[r#"
                warning config-invalid 1:2-1:6 unknown key `file` in the configuration; it is ignored (did you mean `files`?)
                warning config-invalid 4:1-4:7 unknown key `inclde` in [files]; it is ignored (did you mean `include`?)
                warning config-invalid 6:1-6:5 unknown key `path` in [knowledge-base]; it is ignored (did you mean `paths`?)
                warning config-invalid 8:1-8:9 unknown key `chidlren` in type `sector`; it is ignored (did you mean `children`?)
                error config-invalid 9:13-9:20 unknown type `plaec` in `children`; it is ignored (did you mean `place`?)
                warning config-invalid 12:1-12:8 unknown key `requird` in attribute `level`; it is ignored (did you mean `required`?)
            "#]],
        );
        assert_eq!(
            config
                .schema
                .get("sector")
                .and_then(|def| def.allowed_children.clone()),
            Some(vec!["org".to_owned()])
        );
    }

    #[test]
    fn diagnostic_codes_and_severities_are_checked() {
        let config = check_diagnostics(
            r#"[diagnostics]
missing-dat = "error"
no-such-rule = "warning"
misplaced-date = "warn"
duplicate-date = "fatal"
unknown-ref = false
noncanonical-date = "off"
"#,
            expect![[r#"
                warning config-invalid 2:1-2:12 unknown diagnostic code `missing-dat`; it is ignored (did you mean `missing-date`?)
                warning config-invalid 3:1-3:13 unknown diagnostic code `no-such-rule`; it is ignored
                error config-invalid 4:18-4:24 unknown severity `warn`: use error, warning, info, hint or off (did you mean `warning`?)
                error config-invalid 5:18-5:25 unknown severity `fatal`: use error, warning, info, hint or off
                error config-invalid 6:15-6:20 `unknown-ref` must be a severity string, not a boolean; the default applies
            "#]],
        );
        assert_eq!(config.severities.len(), 1);
        assert_eq!(config.severity_of(DiagnosticCode::NoncanonicalDate), None);
    }

    #[test]
    fn paths_leaving_the_workspace_are_refused() {
        // Absolute on Unix; rooted but drive-relative on Windows, which is refused too.
        let outside = Path::new("/elsewhere/kb.toml");
        let inside = config_path()
            .parent()
            .map(|root| root.join("kb").join("inside.toml"))
            .unwrap_or_default();
        let text = format!(
            "[knowledge-base]\npaths = [\n  \"../shared/kb.toml\",\n  \"kb/../../x.toml\",\n  {:?},\n  {:?},\n  \"kb/[.toml\",\n  \"ok/./a.toml\",\n  \".\",\n]\n[files]\ninclude = [\"../**/*.article\", \"{{a,b\"]\n",
            outside.display().to_string(),
            inside.display().to_string()
        );
        let (config, diagnostics) = parse_config(&config_path(), &text);
        let rendered = render_diagnostics(&text, &diagnostics);
        expect![[r#"
            error path-outside-workspace 3:3-3:22 `../shared/kb.toml` is outside the workspace (the folder of accord.toml), so it is not loaded
            error path-outside-workspace 4:3-4:20 `kb/../../x.toml` is outside the workspace (the folder of accord.toml), so it is not loaded
            error path-outside-workspace 5:3-5:23 `/elsewhere/kb.toml` is outside the workspace (the folder of accord.toml), so it is not loaded
            error config-invalid 7:3-7:14 invalid glob `kb/[.toml`: unclosed character class; missing ']'
            error config-invalid 9:3-9:6 a knowledge-base path must name a file or a glob
            error config-invalid 12:12-12:29 glob `../**/*.article` reaches outside the workspace; globs are relative to the folder of accord.toml
            error config-invalid 12:31-12:37 invalid glob `{a,b`: unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)
        "#]]
        .assert_eq(&rendered);
        let kb: Vec<&str> = config.kb_paths.iter().map(|p| p.pattern.as_str()).collect();
        assert_eq!(kb, ["kb/inside.toml", "ok/a.toml"]);
        assert!(config.include.is_empty());
    }

    #[test]
    fn include_and_exclude_globs_select_files() {
        let (config, diagnostics) = parse_config(
            &config_path(),
            "[files]\ninclude = [\"**/*.article\", \"news/*.txt\"]\nexclude = [\"drafts/**\"]\n",
        );
        assert!(diagnostics.is_empty());
        let root = config.root.clone();
        let cases = [
            ("a.article", true),
            ("deep/er/b.article", true),
            ("news/c.txt", true),
            ("news/old/c.txt", false),
            ("c.txt", false),
            ("drafts/d.article", false),
            ("./e.article", true),
        ];
        for (path, expected) in cases {
            assert_eq!(config.matches_file(Path::new(path)), expected, "{path}");
            assert_eq!(config.matches_file(&root.join(path)), expected, "{path}");
        }
        assert!(config.is_excluded(Path::new("drafts/sub")));
        let elsewhere = std::path::absolute("other/a.article").unwrap_or_default();
        assert!(!config.matches_file(&elsewhere));
    }

    #[test]
    fn relative_paths_normalize_lexically() {
        assert_eq!(
            normalize_lexically(Path::new("a/./b/../c")),
            Path::new("a/c")
        );
        assert_eq!(normalize_lexically(Path::new("../a")), Path::new("../a"));
        assert!(escapes_root(Path::new("a/../../b")));
        assert!(!escapes_root(Path::new("a/../b")));
        assert!(escapes_root(Path::new("/etc/passwd")));
    }

    #[test]
    fn a_bom_and_crlf_line_ends_are_accepted() {
        let config = check_diagnostics(
            "\u{feff}[dates]\r\nstrict-marker = true\r\n[limits]\r\nmax-files = 3\r\n",
            expect![""],
        );
        assert!(config.strict_date_marker);
        assert_eq!(config.max_files, 3);
    }

    #[test]
    fn every_prefix_of_a_config_parses_without_panicking() {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/accord.toml"),
        )
        .unwrap_or_default();
        let text = format!(
            "{text}\n[types.s]\nchildren = [\"org\"]\n[types.s.attributes.l]\nkind = \"enum\"\nvalues = [\"é\"]\n"
        );
        for (end, _) in text.char_indices() {
            let prefix = &text[..end];
            let (_, diagnostics) = parse_config(&config_path(), prefix);
            for diagnostic in diagnostics {
                assert!(diagnostic.range.end <= prefix.len(), "{prefix:?}");
                assert!(prefix.is_char_boundary(diagnostic.range.start));
                assert!(prefix.is_char_boundary(diagnostic.range.end));
            }
        }
    }
}
