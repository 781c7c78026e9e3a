//! Diagnostics: what every check in the core reports, with a stable code.
//!
//! Codes are part of the contract (editors, CI and configs refer to them by name), so
//! a code is never renamed; new ones are added at the end of their group.

use std::path::PathBuf;

use serde::Serialize;

use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    pub fn parse(name: &str) -> Option<Severity> {
        Some(match name {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            "hint" => Severity::Hint,
            _ => return None,
        })
    }
}

macro_rules! diagnostic_codes {
    ($($variant:ident = $name:literal, $severity:ident, $description:literal;)*) => {
        /// Every diagnostic the core can report.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum DiagnosticCode {
            $($variant,)*
        }

        impl DiagnosticCode {
            pub const ALL: &'static [DiagnosticCode] = &[$(DiagnosticCode::$variant,)*];

            /// The stable name used in output, configs and documentation.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(DiagnosticCode::$variant => $name,)*
                }
            }

            pub fn default_severity(self) -> Severity {
                match self {
                    $(DiagnosticCode::$variant => Severity::$severity,)*
                }
            }

            /// One sentence saying what the code means, for rule lists such as SARIF's.
            pub fn description(self) -> &'static str {
                match self {
                    $(DiagnosticCode::$variant => $description,)*
                }
            }

            pub fn from_name(name: &str) -> Option<DiagnosticCode> {
                match name {
                    $($name => Some(DiagnosticCode::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

diagnostic_codes! {
    // Files.
    InvalidUtf8 = "invalid-utf8", Error, "The file is not valid UTF-8 text.";
    IoError = "io-error", Error, "The file or folder could not be read.";
    FileTooLarge = "file-too-large", Error, "The file is larger than the configured limit and was not analysed.";
    TooManyFiles = "too-many-files", Error, "A folder holds more files than the configured limit; the rest were not read.";
    // Article structure.
    MissingTitle = "missing-title", Error, "An article has no title line.";
    MissingDate = "missing-date", Warning, "An article has no `dateYYYY-MM-DD` marker, so relative dates cannot be resolved.";
    InvalidDate = "invalid-date", Error, "An article date marker names a day that does not exist.";
    DuplicateDate = "duplicate-date", Error, "An article has more than one date marker.";
    MisplacedDate = "misplaced-date", Warning, "An article date marker is followed by more body text; it must end the article.";
    NoncanonicalDate = "noncanonical-date", Hint, "An article date marker is not spelled `dateYYYY-MM-DD`.";
    // Tag syntax.
    MalformedTag = "malformed-tag", Error, "A tag is not of the form `[span]{type key=value ...}`.";
    EmptySpan = "empty-span", Error, "A tag annotates no text.";
    DuplicateAttribute = "duplicate-attribute", Error, "A tag names the same attribute twice.";
    // Schema.
    UnknownType = "unknown-type", Error, "A tag's type is not in the schema.";
    UnknownAttribute = "unknown-attribute", Warning, "A tag has an attribute its type does not declare.";
    MissingAttribute = "missing-attribute", Error, "A tag lacks an attribute its type requires.";
    InvalidAttributeValue = "invalid-attribute-value", Error, "An attribute's value does not fit its kind (enum, number, bool, timex).";
    ForbiddenNesting = "forbidden-nesting", Error, "A tag is nested inside a tag whose type does not allow it.";
    // Knowledge base and recognition.
    UnknownRef = "unknown-ref", Hint, "A tag's `ref` names no knowledge-base entry; the key is defined by its tags.";
    TypeMismatch = "type-mismatch", Warning, "A tag's type differs from the type of the entity its `ref` or span names.";
    InvalidTimex = "invalid-timex", Error, "A date tag's `value` is not a valid TIMEX3 value.";
    DateValueMismatch = "date-value-mismatch", Warning, "A date tag's `value` differs from the value resolved against the article date.";
    UnresolvedDate = "unresolved-date", Info, "A relative date cannot be resolved because the article has no date.";
    // Configuration and knowledge-base files.
    ConfigSyntax = "config-syntax", Error, "The configuration or knowledge-base file is not valid TOML.";
    ConfigInvalid = "config-invalid", Error, "A configuration or knowledge-base setting has the wrong shape or value.";
    DuplicateKey = "duplicate-key", Error, "Two knowledge-base entries share a key.";
    PathOutsideWorkspace = "path-outside-workspace", Error, "A configured path or a symbolic link points outside the workspace and was refused.";
}

impl DiagnosticCode {
    /// Whether this code's fix keeps what the text means, so an editor may apply it at a
    /// keystroke (LSP `isPreferred`): a misspelt type, attribute or enum value, a repeated
    /// attribute, a marker's spelling, a date value the resolver computed. A fix that
    /// re-links a tag to another entity (a near key, another type) or rewrites a
    /// knowledge-base key is offered, never preferred: an edit or two apart,
    /// `korea-eu-dta` and `korea-eu-fta` are different agreements.
    pub fn fix_keeps_meaning(self) -> bool {
        use DiagnosticCode::*;
        matches!(
            self,
            UnknownType
                | UnknownAttribute
                | InvalidAttributeValue
                | DuplicateAttribute
                | NoncanonicalDate
                | DateValueMismatch
        )
    }
}

impl Serialize for DiagnosticCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A text edit: replace `range` with `text`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TextEdit {
    pub range: TextRange,
    #[serde(rename = "replacement")]
    pub text: String,
}

/// A suggested fix: a title and the edits that carry it out, all in the same file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
}

impl Fix {
    pub fn replace(title: impl Into<String>, range: TextRange, text: impl Into<String>) -> Fix {
        Fix {
            title: title.into(),
            edits: vec![TextEdit {
                range,
                text: text.into(),
            }],
        }
    }
}

/// Another place that explains a diagnostic, possibly in another file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    /// `None` means the file of the diagnostic itself.
    pub path: Option<PathBuf>,
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: DiagnosticCode,
    pub severity: Severity,
    pub message: String,
    pub range: TextRange,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(code: DiagnosticCode, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            range,
            related: Vec::new(),
            fix: None,
        }
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fix = Some(fix);
        self
    }

    pub fn with_related(mut self, related: Related) -> Diagnostic {
        self.related.push(related);
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }
}

/// Severities chosen per code, by the configuration or an editor; `None` turns a code off.
pub type SeverityOverrides = std::collections::HashMap<DiagnosticCode, Option<Severity>>;

/// Applies chosen severities: drops diagnostics whose code is off and sets the severity
/// of the others. A check may raise its own severity (an unknown ref in a closed
/// knowledge base is an error); only a chosen severity overrides it.
pub fn apply_severities(
    overrides: &SeverityOverrides,
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if overrides.is_empty() {
        return diagnostics;
    }
    diagnostics
        .into_iter()
        .filter_map(|diagnostic| match overrides.get(&diagnostic.code) {
            Some(chosen) => Some(diagnostic.with_severity((*chosen)?)),
            None => Some(diagnostic),
        })
        .collect()
}
