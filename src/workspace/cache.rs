//! The persistent index: the summaries of a workspace's article files, saved between
//! sessions so that a server starting again reads them instead of analysing every file.
//!
//! A cache is trusted only whole: its magic, format, checksum and length must hold, it
//! must come from this version of accord and from an analyzer with the same
//! configuration and knowledge base (the fingerprint), and a file's entry applies only
//! while the file's text has the hash it was saved with. Anything else is an error the
//! caller logs before indexing from the texts. Encoding and decoding are pure; the
//! server reads and writes the file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::analysis::Analyzer;
use crate::diagnostic::{Diagnostic, DiagnosticCode, Fix, Related, Severity, TextEdit};
use crate::recognize::{EntityType, LearnedForm};
use crate::text::TextRange;

use super::{
    AcronymSummary, ArticleSummary, MentionKind, MentionSource, MentionTable, StoredMention,
};

/// The first bytes of every cache file.
const MAGIC: &[u8; 8] = b"ACCORDIX";

/// The layout of the body; a change to the types below changes it.
const FORMAT: u32 = 2;

/// Magic, format, body length and body checksum.
const HEADER_LEN: usize = 8 + 4 + 8 + 8;

/// Why a cache was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheError {
    /// Not an index cache of accord, or of another layout.
    Foreign,
    /// Shorter or longer than its header says.
    Truncated,
    /// The body does not have the checksum the header gives, or does not decode.
    Corrupt,
    /// Written by another version of accord.
    OtherVersion(String),
    /// Written with another configuration or knowledge base.
    OtherConfiguration,
}

impl std::fmt::Display for CacheError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheError::Foreign => write!(f, "not an index cache of this format"),
            CacheError::Truncated => write!(f, "truncated"),
            CacheError::Corrupt => write!(f, "corrupt (checksum or contents)"),
            CacheError::OtherVersion(version) => write!(f, "written by accord {version}"),
            CacheError::OtherConfiguration => {
                write!(f, "written with another configuration or knowledge base")
            }
        }
    }
}

/// The hash a file's text is known by.
pub fn text_hash(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// What an analyzer's results depend on besides the texts: the configuration and the
/// knowledge base's workspace entries (the built-in ones come with the version).
pub fn analyzer_fingerprint(analyzer: &Analyzer) -> u64 {
    let config = &analyzer.config;
    let mut severities: Vec<_> = config
        .severities
        .iter()
        .map(|(code, severity)| (code.as_str(), severity.map(Severity::as_str)))
        .collect();
    severities.sort_unstable();
    let mut described = format!(
        "{:?}",
        (
            &config.root,
            &config.schema,
            &config.include,
            &config.exclude,
            &config.kb_paths,
            config.builtin_kb,
            config.kb_closed,
            config.strict_date_marker,
            severities,
            config.max_file_size,
            config.max_files,
        )
    );
    for entry in analyzer.kb.entries().filter(|entry| entry.source.is_some()) {
        described.push_str(&format!("{entry:?}"));
    }
    xxhash_rust::xxh3::xxh3_64(described.as_bytes())
}

/// A decoded cache: each file's summary by path, and the lexicon they were recognised
/// with.
pub struct IndexCache {
    pub(crate) lexicon: Vec<LearnedForm>,
    files: HashMap<PathBuf, CachedFile>,
}

/// A file's summary as the cache holds it.
#[derive(Serialize, Deserialize)]
pub(crate) struct CachedFile {
    path: String,
    hash: u64,
    len: u64,
    /// start, end, kind.
    mentions: Vec<(u32, u32, u32)>,
    /// The index of each article's first mention.
    article_starts: Vec<u32>,
    /// type, key, value, source (0 tag, 1 recognised).
    kinds: Vec<(u32, u32, u32, u8)>,
    names: Vec<String>,
    articles: Vec<CachedArticle>,
    acronyms: Vec<CachedAcronym>,
    diagnostics: Vec<CachedDiagnostic>,
    learned: Vec<CachedForm>,
}

#[derive(Serialize, Deserialize)]
struct CachedArticle {
    range: (u32, u32),
    title: Option<(u32, u32)>,
    date: Option<jiff::civil::Date>,
}

#[derive(Serialize, Deserialize)]
struct CachedAcronym {
    article: u32,
    short: String,
    long: String,
    short_range: (u32, u32),
    long_range: (u32, u32),
}

#[derive(Serialize, Deserialize)]
struct CachedDiagnostic {
    code: String,
    severity: String,
    message: String,
    range: (u32, u32),
    related: Vec<(Option<String>, (u32, u32), String)>,
    fix: Option<(String, Vec<CachedEdit>)>,
}

/// A fix's edit: the range it replaces and the replacement.
type CachedEdit = ((u32, u32), String);

#[derive(Serialize, Deserialize)]
struct CachedForm {
    surface: String,
    ty: String,
    key: Option<String>,
    origin: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Body {
    version: String,
    fingerprint: u64,
    lexicon: Vec<CachedForm>,
    files: Vec<CachedFile>,
}

/// What a file's summary is, to be restored from a cache.
pub(crate) struct RestoredSummary {
    pub mentions: MentionTable,
    pub articles: Arc<[ArticleSummary]>,
    pub acronyms: Arc<[AcronymSummary]>,
    pub diagnostics: Vec<Diagnostic>,
    pub learned: Vec<LearnedForm>,
}

/// A file to save: its path and text, its summary, and what it teaches.
pub(crate) struct FileToSave<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub mentions: &'a MentionTable,
    pub articles: &'a [ArticleSummary],
    pub acronyms: &'a [AcronymSummary],
    pub diagnostics: &'a [Diagnostic],
    pub learned: &'a [LearnedForm],
}

fn range_of(range: TextRange) -> (u32, u32) {
    (super::offset_u32(range.start), super::offset_u32(range.end))
}

fn text_range((start, end): (u32, u32)) -> TextRange {
    TextRange::new(start as usize, end.max(start) as usize)
}

fn form_of(form: &LearnedForm) -> CachedForm {
    CachedForm {
        surface: form.surface.clone(),
        ty: form.ty.as_str().to_owned(),
        key: form.key.clone(),
        origin: form.origin.as_deref().map(str::to_owned),
    }
}

fn learned_form(form: &CachedForm) -> LearnedForm {
    LearnedForm {
        surface: form.surface.clone(),
        ty: EntityType::from_name(&form.ty).unwrap_or_else(|| EntityType::custom(&form.ty)),
        key: form.key.clone(),
        origin: form.origin.as_deref().map(Arc::from),
    }
}

fn diagnostic_of(diagnostic: &Diagnostic) -> CachedDiagnostic {
    CachedDiagnostic {
        code: diagnostic.code.as_str().to_owned(),
        severity: diagnostic.severity.as_str().to_owned(),
        message: diagnostic.message.clone(),
        range: range_of(diagnostic.range),
        related: diagnostic
            .related
            .iter()
            .map(|related| {
                (
                    related
                        .path
                        .as_ref()
                        .map(|path| path.to_string_lossy().into_owned()),
                    range_of(related.range),
                    related.message.clone(),
                )
            })
            .collect(),
        fix: diagnostic.fix.as_ref().map(|fix| {
            (
                fix.title.clone(),
                fix.edits
                    .iter()
                    .map(|edit| (range_of(edit.range), edit.text.clone()))
                    .collect(),
            )
        }),
    }
}

fn diagnostic(cached: &CachedDiagnostic) -> Option<Diagnostic> {
    Some(Diagnostic {
        code: DiagnosticCode::from_name(&cached.code)?,
        severity: Severity::parse(&cached.severity)?,
        message: cached.message.clone(),
        range: text_range(cached.range),
        related: cached
            .related
            .iter()
            .map(|(path, range, message)| Related {
                path: path.as_ref().map(PathBuf::from),
                range: text_range(*range),
                message: message.clone(),
            })
            .collect(),
        fix: cached.fix.as_ref().map(|(title, edits)| Fix {
            title: title.clone(),
            edits: edits
                .iter()
                .map(|(range, text)| TextEdit {
                    range: text_range(*range),
                    text: text.clone(),
                })
                .collect(),
        }),
    })
}

/// Encodes the summaries of `files`, recognised with `lexicon` by an analyzer with
/// `fingerprint`.
pub(crate) fn encode<'a>(
    fingerprint: u64,
    lexicon: &[LearnedForm],
    files: impl Iterator<Item = FileToSave<'a>>,
) -> Vec<u8> {
    let files: Vec<FileToSave<'a>> = files.filter(|file| file.path.to_str().is_some()).collect();
    let texts_len = files.iter().map(|file| file.text.len()).sum();
    let body = BodyToWrite {
        version: env!("CARGO_PKG_VERSION"),
        fingerprint,
        lexicon: lexicon.iter().map(form_of).collect(),
        files: FilesToWrite(files),
    };
    framed(&body, texts_len)
}

/// The body as [`encode`] writes it and [`Body`] reads it back. Each file's summary is
/// converted as it is written, so that one is held at a time, not the workspace's.
#[derive(Serialize)]
struct BodyToWrite<'a> {
    version: &'a str,
    fingerprint: u64,
    lexicon: Vec<CachedForm>,
    files: FilesToWrite<'a>,
}

/// Files whose paths are UTF-8, to write as a sequence of [`CachedFile`]s.
struct FilesToWrite<'a>(Vec<FileToSave<'a>>);

impl Serialize for FilesToWrite<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut files = serializer.serialize_seq(Some(self.0.len()))?;
        for file in &self.0 {
            files.serialize_element(&cached_file(file))?;
        }
        files.end()
    }
}

/// A file's summary as the cache holds it.
fn cached_file(file: &FileToSave<'_>) -> CachedFile {
    let path = file.path.to_str().unwrap_or_default().to_owned();
    let table = file.mentions;
    CachedFile {
        path,
        hash: text_hash(file.text),
        len: file.text.len() as u64,
        mentions: table
            .items
            .iter()
            .map(|m| (m.start, m.end, m.kind))
            .collect(),
        article_starts: table.article_starts.clone(),
        kinds: table
            .kinds
            .iter()
            .map(|kind| {
                let source = match kind.source {
                    MentionSource::Tag => 0,
                    MentionSource::Recognized => 1,
                };
                (kind.ty, kind.key, kind.value, source)
            })
            .collect(),
        names: table.names.iter().map(|name| name.to_string()).collect(),
        articles: file
            .articles
            .iter()
            .map(|article| CachedArticle {
                range: range_of(article.range),
                title: article.title.map(range_of),
                date: article.date,
            })
            .collect(),
        acronyms: file
            .acronyms
            .iter()
            .map(|def| CachedAcronym {
                article: def.article as u32,
                short: def.short.clone(),
                long: def.long.clone(),
                short_range: range_of(def.short_range),
                long_range: range_of(def.long_range),
            })
            .collect(),
        diagnostics: file.diagnostics.iter().map(diagnostic_of).collect(),
        learned: file.learned.iter().map(form_of).collect(),
    }
}

/// A cache of no files as another version of accord would write it, for tests.
#[cfg(test)]
pub(crate) fn encode_as_version(
    version: &str,
    fingerprint: u64,
    lexicon: &[LearnedForm],
) -> Vec<u8> {
    let body = Body {
        version: version.to_owned(),
        fingerprint,
        lexicon: lexicon.iter().map(form_of).collect(),
        files: Vec::new(),
    };
    framed(&body, 0)
}

/// `body` serialised after its header, in one buffer. `size_hint` (the texts' length,
/// which a cache stays well under) is reserved up front: the pages of a reservation
/// are not resident until written, and a buffer that grew by doubling held two copies
/// of most of the cache at once, and copied it once more behind the header.
fn framed(body: &impl Serialize, size_hint: usize) -> Vec<u8> {
    let mut header = Vec::with_capacity(HEADER_LEN + size_hint);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&FORMAT.to_le_bytes());
    // The payload's length and checksum, written once it is there.
    header.extend_from_slice(&[0; 16]);
    let mut bytes = match postcard::to_extend(body, header) {
        Ok(bytes) => bytes,
        // An empty file, which decoding discards as foreign and the next start rebuilds.
        Err(_) => return Vec::new(),
    };
    let payload = &bytes[HEADER_LEN..];
    let len = (payload.len() as u64).to_le_bytes();
    let checksum = xxhash_rust::xxh3::xxh3_64(payload).to_le_bytes();
    bytes[12..20].copy_from_slice(&len);
    bytes[20..28].copy_from_slice(&checksum);
    bytes
}

/// Decodes a cache written by [`encode`], for an analyzer with `fingerprint`.
pub fn decode(bytes: &[u8], fingerprint: u64) -> Result<IndexCache, CacheError> {
    if bytes.len() < MAGIC.len() + 4 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(CacheError::Foreign);
    }
    let word = |at: usize, len: usize| -> Option<&[u8]> { bytes.get(at..at + len) };
    let format = word(8, 4).and_then(|b| Some(u32::from_le_bytes(b.try_into().ok()?)));
    if format != Some(FORMAT) {
        return Err(CacheError::Foreign);
    }
    let (Some(len), Some(checksum)) = (
        word(12, 8).and_then(|b| Some(u64::from_le_bytes(b.try_into().ok()?))),
        word(20, 8).and_then(|b| Some(u64::from_le_bytes(b.try_into().ok()?))),
    ) else {
        return Err(CacheError::Truncated);
    };
    let payload = &bytes[HEADER_LEN.min(bytes.len())..];
    if payload.len() as u64 != len {
        return Err(CacheError::Truncated);
    }
    if xxhash_rust::xxh3::xxh3_64(payload) != checksum {
        return Err(CacheError::Corrupt);
    }
    let body: Body = postcard::from_bytes(payload).map_err(|_| CacheError::Corrupt)?;
    if body.version != env!("CARGO_PKG_VERSION") {
        return Err(CacheError::OtherVersion(body.version));
    }
    if body.fingerprint != fingerprint {
        return Err(CacheError::OtherConfiguration);
    }
    Ok(IndexCache {
        lexicon: body.lexicon.iter().map(learned_form).collect(),
        files: body
            .files
            .into_iter()
            .map(|file| (PathBuf::from(&file.path), file))
            .collect(),
    })
}

impl IndexCache {
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The summary saved for `path`, if it was saved for exactly this text.
    pub(crate) fn restore(&self, path: &Path, text: &str) -> Option<RestoredSummary> {
        let file = self.files.get(path)?;
        if file.len != text.len() as u64 || file.hash != text_hash(text) {
            return None;
        }
        let names: Vec<Arc<str>> = file.names.iter().map(|name| Arc::from(&**name)).collect();
        let within = |index: u32| index == super::NO_NAME || (index as usize) < names.len();
        let mut kinds = Vec::with_capacity(file.kinds.len());
        for &(ty, key, value, source) in &file.kinds {
            // A cache is checked whole, but an index out of its table would panic later.
            if !(within(ty) && within(key) && within(value)) {
                return None;
            }
            kinds.push(MentionKind {
                ty,
                key,
                value,
                source: if source == 0 {
                    MentionSource::Tag
                } else {
                    MentionSource::Recognized
                },
            });
        }
        let mut items = Vec::with_capacity(file.mentions.len());
        for &(start, end, kind) in &file.mentions {
            if (kind as usize) >= kinds.len() || end < start {
                return None;
            }
            items.push(StoredMention { start, end, kind });
        }
        let article_starts = file.article_starts.clone();
        let ordered = article_starts.windows(2).all(|pair| pair[0] <= pair[1]);
        if !ordered
            || article_starts.len() != file.articles.len()
            || article_starts
                .last()
                .is_some_and(|&last| last as usize > items.len())
        {
            return None;
        }
        let diagnostics: Option<Vec<Diagnostic>> =
            file.diagnostics.iter().map(diagnostic).collect();
        Some(RestoredSummary {
            mentions: MentionTable {
                items,
                article_starts,
                kinds,
                names,
            },
            articles: file
                .articles
                .iter()
                .map(|article| ArticleSummary {
                    range: text_range(article.range),
                    title: article.title.map(text_range),
                    date: article.date,
                })
                .collect(),
            acronyms: file
                .acronyms
                .iter()
                .map(|def| AcronymSummary {
                    article: def.article as usize,
                    short: def.short.clone(),
                    long: def.long.clone(),
                    short_range: text_range(def.short_range),
                    long_range: text_range(def.long_range),
                })
                .collect(),
            diagnostics: diagnostics?,
            learned: file.learned.iter().map(learned_form).collect(),
        })
    }
}
