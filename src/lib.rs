//! accord: analysis of annotated policy articles.
//!
//! The library is the pure core shared by the command line and the language server:
//! syntax (`syntax`), recognition (`recognize`), the knowledge base and configuration
//! (`kb`), and validation (`analysis`). It speaks byte offsets and plain data; only the
//! protocol layer converts to editor positions. The file system is reached through two
//! edge modules, `files` (articles) and `project` (configuration and knowledge base),
//! which only the command line and the server call.

pub mod analysis;
pub mod cancel;
pub mod cli;
pub mod diagnostic;
pub mod files;
pub mod ide;
pub mod interchange;
pub mod kb;
pub mod lsp;
pub mod project;
pub mod recognize;
pub mod reference;
pub mod syntax;
pub mod text;
pub mod workspace;

pub use diagnostic::{Diagnostic, DiagnosticCode, Fix, Severity};
pub use text::{LineIndex, TextRange};
