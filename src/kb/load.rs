//! Loading knowledge-base TOML files into entries, with diagnostics at exact positions.
//!
//! A knowledge-base file is an array of `[[entity]]` tables (docs/format.md §5). Parsing never
//! fails: every problem becomes a diagnostic on the file, bad entries are skipped and
//! good ones kept, so one typo does not hide a whole file from the analysis.

use std::collections::HashMap;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, DiagnosticCode, Fix, Related, Severity};
use crate::kb::schema::{Schema, is_valid_type_name};
use crate::kb::toml_fields::{
    Node, extent, kind_name, next_header_start, parse_document, range_in, string_contents_range,
    suggestion_suffix, to_toml_value,
};
use crate::kb::{Entry, EntrySource};
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
        let path = std::path::PathBuf::from("kb/trade.toml");
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
}
