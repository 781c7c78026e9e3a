//! `accord entities`: every mention in the given files, tagged or recognised, in the
//! JSON shape of docs/format.md §6.

use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::FileAnalysis;
use crate::files::read_article_file;
use crate::project::AnalyzerCache;
use crate::recognize::{LearnedForm, Lexicon};
use crate::text::LineIndex;
use crate::workspace::{self, MentionSource, WorkspaceMention};

use super::check::{EXIT_CLEAN, EXIT_ERROR};
use super::render::display_path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON document with every file.
    Json,
    /// One JSON object per file and line.
    Jsonl,
    /// A table for people: per article, one row per mention in text order.
    Table,
}

#[derive(Serialize)]
pub struct FileEntities {
    pub path: String,
    pub articles: Vec<ArticleJson>,
    pub mentions: Vec<MentionJson>,
    pub acronyms: Vec<AcronymJson>,
}

#[derive(Serialize)]
pub struct ArticleJson {
    pub index: usize,
    pub title: String,
    pub date: Option<String>,
    pub start: usize,
    pub end: usize,
}

#[derive(Serialize)]
pub struct MentionJson {
    pub article: usize,
    #[serde(rename = "type")]
    pub ty: String,
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub key: Option<String>,
    pub value: Option<String>,
    pub source: &'static str,
}

#[derive(Serialize)]
pub struct AcronymJson {
    pub article: usize,
    pub short: String,
    pub long: String,
    pub start: usize,
    pub end: usize,
}

pub fn run(paths: &[PathBuf], format: Format) -> (String, i32) {
    let analyzers = AnalyzerCache::default();
    let sources = super::list_files(&analyzers, paths);
    let mut status = EXIT_CLEAN;
    // Files that cannot be read are reported on standard error and left out.
    let texts: Vec<(PathBuf, String)> = sources
        .into_iter()
        .filter_map(|source| {
            if let Some(error) = source.error {
                eprintln!("error: {error}");
                return None;
            }
            let analyzer = analyzers.for_file(&source.path);
            match read_article_file(&source.path, analyzer.max_file_size()) {
                Ok(text) => Some((source.path, text)),
                Err(problem) => {
                    eprintln!(
                        "error: {}: {}",
                        source.path.display(),
                        problem.diagnostic.message
                    );
                    None
                }
            }
        })
        .collect();
    if texts.len() != paths.len() && texts.is_empty() {
        status = EXIT_ERROR;
    }
    // First pass: what the workspace teaches (tags, acronyms); second: recognition with it.
    let first: Vec<FileAnalysis> = texts
        .par_iter()
        .map(|(path, text)| analyzers.for_file(path).analyze(text))
        .collect();
    let forms: Vec<LearnedForm> = texts
        .iter()
        .zip(&first)
        .flat_map(|((path, _), analysis)| {
            let origin: std::sync::Arc<str> = display_path(path).into();
            workspace::learned_forms(analysis, Some(&origin))
        })
        .collect();
    let lexicon = Lexicon::new(forms);
    let files: Vec<FileEntities> = texts
        .par_iter()
        .zip(first)
        .map(|((path, text), analysis)| {
            let analysis = analyzers.for_file(path).teach(analysis, &lexicon);
            file_entities(&display_path(path), text, &analysis)
        })
        .collect();
    let mut files = files;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let output = match format {
        Format::Json => {
            let mut out = serde_json::to_string_pretty(&super::render::sorted_value(
                serde_json::json!({ "files": files }),
            ))
            .unwrap_or_default();
            out.push('\n');
            out
        }
        Format::Jsonl => files
            .iter()
            .map(|file| serde_json::to_string(file).unwrap_or_default() + "\n")
            .collect(),
        Format::Table => render_table(&files),
    };
    (output, status)
}

/// The docs/format.md §6 record of one analysed file.
pub fn file_entities(path: &str, text: &str, analysis: &FileAnalysis) -> FileEntities {
    let index = LineIndex::new(text);
    let articles = analysis
        .syntax
        .articles
        .iter()
        .enumerate()
        .map(|(i, article)| ArticleJson {
            index: i,
            title: article
                .title
                .map(|t| {
                    analysis.articles[i].plain.text[..plain_title_len(analysis, i, t.end)]
                        .to_owned()
                })
                .unwrap_or_default(),
            date: article
                .dates
                .first()
                .map(|d| text[d.value_range.start..d.value_range.end].to_owned()),
            start: article.range.start,
            end: article.range.end,
        })
        .collect();
    let mentions = workspace::file_mentions(analysis)
        .into_iter()
        .map(|m: WorkspaceMention| {
            let (line, column) = index.human_line_col(m.range.start);
            MentionJson {
                article: m.article,
                ty: m.ty.to_string(),
                text: m.text.to_string(),
                start: m.range.start,
                end: m.range.end,
                line,
                column,
                key: m.key.as_deref().map(str::to_owned),
                value: m.value.as_deref().map(str::to_owned),
                source: match m.source {
                    MentionSource::Tag => "tag",
                    MentionSource::Recognized => "recognized",
                },
            }
        })
        .collect();
    let acronyms = analysis
        .articles
        .iter()
        .enumerate()
        .flat_map(|(i, article)| {
            article.recognized.acronyms.iter().map(move |acronym| {
                let range = article.plain.to_annotated(acronym.short_range);
                AcronymJson {
                    article: i,
                    short: acronym.short.clone(),
                    long: acronym.long.clone(),
                    start: range.start,
                    end: range.end,
                }
            })
        })
        .collect();
    FileEntities {
        path: path.to_owned(),
        articles,
        mentions,
        acronyms,
    }
}

fn plain_title_len(analysis: &FileAnalysis, article: usize, title_end: usize) -> usize {
    let plain = &analysis.articles[article].plain;
    plain.to_plain(title_end).min(plain.text.len())
}

/// The widest a cell of the text and key columns may be, in terminal columns.
const TEXT_WIDTH: usize = 40;
const KEY_WIDTH: usize = 28;

/// Renders the mentions as tables to read: per file and article, one row per mention
/// with its position, type, text, key or value, and whether a tag or the recognisers
/// gave it; then the acronyms and a count by type.
pub fn render_table(files: &[FileEntities]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let (mut articles, mut tagged, mut recognized) = (0, 0, 0);
    let mut by_type: std::collections::BTreeMap<&str, usize> = Default::default();
    for file in files {
        let _ = writeln!(out, "{}", file.path);
        let rows: Vec<[String; 4]> = file
            .mentions
            .iter()
            .map(|m| {
                [
                    format!("{}:{}", m.line, m.column),
                    m.ty.clone(),
                    clip(
                        &m.text.split_whitespace().collect::<Vec<_>>().join(" "),
                        TEXT_WIDTH,
                    ),
                    clip(
                        m.value.as_deref().or(m.key.as_deref()).unwrap_or("-"),
                        KEY_WIDTH,
                    ),
                ]
            })
            .collect();
        let widths: [usize; 4] = std::array::from_fn(|column| {
            rows.iter()
                .map(|row| display_width(&row[column]))
                .max()
                .unwrap_or(0)
        });
        for article in &file.articles {
            articles += 1;
            let title = if article.title.is_empty() {
                "(no title)"
            } else {
                &article.title
            };
            let date = article.date.as_deref().unwrap_or("no date");
            let _ = writeln!(out, "  [{}] {} · {date}", article.index + 1, title.trim());
            let mut any = false;
            for (mention, row) in file.mentions.iter().zip(&rows) {
                if mention.article != article.index {
                    continue;
                }
                any = true;
                let source = match mention.source {
                    "tag" => {
                        tagged += 1;
                        "tagged"
                    }
                    _ => {
                        recognized += 1;
                        "found"
                    }
                };
                *by_type.entry(mention.ty.as_str()).or_default() += 1;
                let _ = write!(out, "      ");
                for (cell, width) in row.iter().zip(widths) {
                    let _ = write!(out, "{cell}{}  ", " ".repeat(width - display_width(cell)));
                }
                let _ = writeln!(out, "{source}");
            }
            if !any {
                let _ = writeln!(out, "      (no mentions)");
            }
            let acronyms: Vec<String> = file
                .acronyms
                .iter()
                .filter(|a| a.article == article.index)
                .map(|a| format!("{} = {}", a.short, a.long))
                .collect();
            if !acronyms.is_empty() {
                let _ = writeln!(out, "      acronyms: {}", acronyms.join("; "));
            }
        }
        out.push('\n');
    }
    let mentions = tagged + recognized;
    let types: Vec<String> = {
        let mut counts: Vec<(&str, usize)> = by_type.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        counts
            .into_iter()
            .map(|(ty, n)| format!("{n} {ty}"))
            .collect()
    };
    let _ = writeln!(
        out,
        "{} file{}, {articles} article{}, {mentions} mention{} ({tagged} tagged, {recognized} found){}{}",
        files.len(),
        plural(files.len()),
        plural(articles),
        plural(mentions),
        if types.is_empty() { "" } else { ": " },
        types.join(", ")
    );
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn display_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` cut to `width` terminal columns, with an ellipsis where it was cut.
fn clip(text: &str, width: usize) -> String {
    if display_width(text) <= width {
        return text.to_owned();
    }
    let mut clipped = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        clipped.push(c);
        used += w;
    }
    clipped.push('…');
    clipped
}
