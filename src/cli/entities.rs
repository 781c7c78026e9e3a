//! `accord entities`: every mention in the given files, tagged or recognised, in the
//! JSON shape of docs/format.md §6.

use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::{AnalyzerCache, FileAnalysis};
use crate::files::read_article_file;
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
            let mut out = serde_json::to_string_pretty(&serde_json::json!({ "files": files }))
                .unwrap_or_default();
            out.push('\n');
            out
        }
        Format::Jsonl => files
            .iter()
            .map(|file| serde_json::to_string(file).unwrap_or_default() + "\n")
            .collect(),
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
