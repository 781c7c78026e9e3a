//! Editor features as pure functions of a workspace snapshot: hover, navigation,
//! highlighting, symbols, completion, assists, rename and more.
//!
//! Everything here speaks byte offsets (`TextRange`) and `FileId`s; the protocol layer
//! converts to editor positions and URIs.

mod edit;
mod navigation;
mod symbols;
mod tokens;

use std::path::PathBuf;

pub use edit::{code_actions, completions, prepare_rename, rename};
pub use navigation::{
    DEFINITION_ARTICLES, document_highlight, goto_declaration, goto_definition, hover, references,
    references_by_file,
};
pub use symbols::{
    code_lens_title, code_lenses, document_symbols, entity_index, entity_timeline, folding_ranges,
    inlay_hints, workspace_symbols,
};
pub use tokens::semantic_tokens;

use crate::diagnostic::{Diagnostic, TextEdit};
use crate::text::TextRange;
use crate::workspace::{FileId, WorkspaceSnapshot};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FilePosition {
    pub file: FileId,
    pub offset: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileRange {
    pub file: FileId,
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NavTarget {
    pub file: FileId,
    pub full_range: TextRange,
    pub focus_range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub range: TextRange,
    pub markdown: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Article,
    Tag,
    Org,
    Person,
    Place,
    Agreement,
    Event,
    Date,
    Money,
    Percent,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolInfo {
    pub name: String,
    pub kind: SymbolKind,
    pub location: FileRange,
    pub container: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub range: TextRange,
    pub selection_range: TextRange,
    pub children: Vec<DocumentSymbol>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayConfig {
    pub date_values: bool,
    pub acronym_expansions: bool,
}

impl Default for InlayConfig {
    fn default() -> InlayConfig {
        InlayConfig {
            date_values: true,
            acronym_expansions: true,
        }
    }
}

/// One article on an entity's timeline: where the article first mentions it, and how
/// often.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineEntry {
    pub first_mention: FileRange,
    /// The article's title without tag syntax, or its number when it has none.
    pub title: String,
    pub date: Option<jiff::civil::Date>,
    pub mentions: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InlayKind {
    DateValue,
    AcronymExpansion,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
    pub kind: InlayKind,
}

/// A lens before its title is computed: where it shows, and the entity it counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    pub range: TextRange,
    pub key: String,
    /// How the entity is named in the lens: its first mention here, or the entry's name.
    pub name: String,
    /// Where references of the entity are asked from when the lens is clicked.
    pub target: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenType {
    Org,
    Person,
    Place,
    Agreement,
    Event,
    Date,
    Money,
    Percent,
    /// A mention of an entity type the workspace declares (`entity = true`).
    Entity,
    TagBracket,
    TagType,
    AttributeName,
    AttributeValue,
    Separator,
    Title,
    DateMarker,
}

impl TokenType {
    /// The legend, in the order token type indices refer to.
    pub const ALL: &'static [TokenType] = &[
        TokenType::Org,
        TokenType::Person,
        TokenType::Place,
        TokenType::Agreement,
        TokenType::Event,
        TokenType::Date,
        TokenType::Money,
        TokenType::Percent,
        TokenType::TagBracket,
        TokenType::TagType,
        TokenType::AttributeName,
        TokenType::AttributeValue,
        TokenType::Separator,
        TokenType::Title,
        TokenType::DateMarker,
        TokenType::Entity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenType::Org => "org",
            TokenType::Person => "person",
            TokenType::Place => "place",
            TokenType::Agreement => "agreement",
            TokenType::Event => "event",
            TokenType::Date => "date",
            TokenType::Money => "money",
            TokenType::Percent => "percent",
            TokenType::TagBracket => "tagBracket",
            TokenType::TagType => "tagType",
            TokenType::AttributeName => "attributeName",
            TokenType::AttributeValue => "attributeValue",
            TokenType::Separator => "separator",
            TokenType::Title => "title",
            TokenType::DateMarker => "dateMarker",
            TokenType::Entity => "entity",
        }
    }

    /// The index of this type in [`TokenType::ALL`].
    pub fn index(self) -> u32 {
        TokenType::ALL
            .iter()
            .position(|&ty| ty == self)
            .unwrap_or(0) as u32
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenModifier {
    Tagged,
    Recognized,
    Unresolved,
    /// The markup of a tag (brackets, type, attributes), which a reading mode dims or
    /// hides so that an annotated article reads as prose.
    TagSyntax,
}

impl TokenModifier {
    /// The legend: bit `i` of a token's modifiers stands for `ALL[i]`.
    pub const ALL: &'static [TokenModifier] = &[
        TokenModifier::Tagged,
        TokenModifier::Recognized,
        TokenModifier::Unresolved,
        TokenModifier::TagSyntax,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenModifier::Tagged => "tagged",
            TokenModifier::Recognized => "recognized",
            TokenModifier::Unresolved => "unresolved",
            TokenModifier::TagSyntax => "tagSyntax",
        }
    }

    pub fn bit(self) -> u32 {
        match self {
            TokenModifier::Tagged => 1,
            TokenModifier::Recognized => 2,
            TokenModifier::Unresolved => 4,
            TokenModifier::TagSyntax => 8,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SemanticToken {
    pub range: TextRange,
    pub ty: TokenType,
    /// Bit `i` stands for `TokenModifier::ALL[i]`.
    pub modifiers: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Type,
    Attribute,
    EnumValue,
    EntityKey,
    DateValue,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    pub replace: TextRange,
    pub insert: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AssistKind {
    QuickFix,
    Refactor,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceChange {
    pub edits: Vec<(FileId, Vec<TextEdit>)>,
    pub new_files: Vec<(PathBuf, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assist {
    pub title: String,
    pub kind: AssistKind,
    pub change: SourceChange,
    /// Whether the editor may apply it at one keystroke: it keeps the text's meaning.
    pub preferred: bool,
    /// The diagnostic a quick fix fixes.
    pub fixes: Option<Diagnostic>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntitySummary {
    pub key: String,
    pub ty: String,
    pub name: String,
    pub mentions: usize,
    pub articles: usize,
}

pub fn diagnostics(snap: &WorkspaceSnapshot, file: FileId) -> Vec<Diagnostic> {
    snap.file(file)
        .map(|file| file.diagnostics.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
