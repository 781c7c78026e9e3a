//! The knowledge base, the schema, and the workspace configuration that selects them.
//!
//! A knowledge-base entry is the definition mentions point to: a key, a type, a name,
//! aliases and free fields. Entries come from the built-in data (`builtin`) and from
//! the TOML files a workspace's `accord.toml` names (`config`, `load`).

pub mod builtin;
pub mod config;
pub mod load;
pub mod schema;
pub(crate) mod toml_fields;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::text::TextRange;

use config::Config;

pub use schema::{AttrDef, AttrKind, Schema, TypeDef};

/// Where an entry was defined, when it came from a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntrySource {
    pub path: PathBuf,
    /// The byte range of the entry's table in that file.
    pub range: TextRange,
    /// The byte range of the key's text inside its quotes (the whole `"..."` value when
    /// it holds escapes), so a rename replaces just the key.
    pub key_range: Option<TextRange>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    pub key: String,
    /// A type name of the schema, e.g. `org`.
    #[serde(rename = "type")]
    pub ty: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub description: Option<String>,
    /// Fields other than the reserved ones, kept as written.
    pub extra: toml::Table,
    /// `None` for built-in entries.
    pub source: Option<EntrySource>,
}

/// An immutable set of entries, indexed by key. Later sources override earlier ones
/// entry by entry, so a workspace can redefine a built-in key.
#[derive(Clone, Debug, Default)]
pub struct KnowledgeBase {
    entries: Vec<Arc<Entry>>,
    by_key: HashMap<String, usize>,
}

impl KnowledgeBase {
    pub fn new() -> KnowledgeBase {
        KnowledgeBase::default()
    }

    /// Adds an entry, replacing an earlier one with the same key.
    pub fn insert(&mut self, entry: Entry) {
        let entry = Arc::new(entry);
        match self.by_key.get(&entry.key) {
            Some(&idx) => self.entries[idx] = entry,
            None => {
                self.by_key.insert(entry.key.clone(), self.entries.len());
                self.entries.push(entry);
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&Arc<Entry>> {
        self.by_key.get(key).map(|&idx| &self.entries[idx])
    }

    pub fn entries(&self) -> impl ExactSizeIterator<Item = &Arc<Entry>> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
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
    /// The defaults and the built-in entries: the project of a folder without an
    /// `accord.toml`. Reads nothing.
    pub fn defaults(builtin: Vec<Entry>) -> Project {
        let config = Config::default();
        let mut kb = KnowledgeBase::new();
        if config.builtin_kb {
            for entry in builtin {
                kb.insert(entry);
            }
        }
        Project {
            config_path: None,
            config,
            kb,
            problems: Vec::new(),
        }
    }

    /// Whether any loaded file has a diagnostic at `severity` or above.
    pub fn has_problems_at(&self, severity: Severity) -> bool {
        self.problems
            .iter()
            .flat_map(|file| &file.diagnostics)
            .any(|diagnostic| diagnostic.severity >= severity)
    }
}
