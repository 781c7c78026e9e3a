//! The in-process stages: parsing, checking, analysis and recognition of a corpus
//! held in memory, each timed once over the whole corpus.

use std::path::PathBuf;
use std::time::Instant;

use accord::analysis::Analyzer;
use accord::project::AnalyzerCache;
use accord::recognize::{ArticleText, Lexicon, Recognizer};
use accord::syntax;
use accord::text::TextRange;
use rayon::prelude::*;
use serde::Serialize;

use crate::Stage;

/// One file of the corpus.
pub struct CorpusFile {
    pub path: PathBuf,
    pub text: String,
}

/// Which stages run, and how files find their configuration.
pub struct Options {
    pub only: Option<Stage>,
    /// Whether files are analysed with the configuration nearest to them (a folder the
    /// user gave) rather than the defaults (a generated corpus).
    pub own_configuration: bool,
}

/// What the stages measured. Throughputs are in MB/s of article file bytes.
#[derive(Debug, Serialize)]
pub struct Report {
    pub corpus: CorpusSize,
    pub threads: usize,
    pub parse_lower_mb_s: Option<f64>,
    pub check_mb_s: Option<f64>,
    pub analyze_mb_s_1_thread: Option<f64>,
    pub analyze_mb_s_threads: Option<f64>,
    pub recognize_mb_s_1_thread: Option<f64>,
    pub recognize_mb_s_threads: Option<f64>,
    pub recognize_dates_mb_s_1_thread: Option<f64>,
    pub teach_mb_s_threads: Option<f64>,
    pub recognize_taught_mb_s_threads: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct CorpusSize {
    pub source: String,
    pub mb: f64,
    pub files: usize,
    pub articles: usize,
    /// Bytes of plain article text (tags stripped) that recognition reads.
    pub plain_mb: f64,
}

/// Reads the files into memory.
pub fn read_files(paths: Vec<PathBuf>) -> std::io::Result<Vec<CorpusFile>> {
    paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path)?;
            Ok(CorpusFile {
                text: String::from_utf8_lossy(&bytes).into_owned(),
                path,
            })
        })
        .collect()
}

/// MB/s of `bytes` done in the time `work` takes, or `None` when `--only` names
/// another stage.
fn throughput(args: &Options, stage: Stage, bytes: usize, work: impl FnOnce()) -> Option<f64> {
    if args.only.is_some_and(|only| only != stage) {
        return None;
    }
    let started = Instant::now();
    work();
    Some(bytes as f64 / 1e6 / started.elapsed().as_secs_f64().max(1e-9))
}

pub fn measure(
    args: &Options,
    source: String,
    files: &[CorpusFile],
    pool: &rayon::ThreadPool,
) -> Report {
    let total: usize = files.iter().map(|f| f.text.len()).sum();
    // A folder may have its own configuration; a generated corpus uses the defaults.
    let cache = AnalyzerCache::default();
    let defaults = std::sync::Arc::new(Analyzer::with_defaults());
    let analyzers: Vec<std::sync::Arc<Analyzer>> = files
        .iter()
        .map(|f| {
            if args.own_configuration {
                cache.for_file(&f.path)
            } else {
                defaults.clone()
            }
        })
        .collect();

    // The checker and the server get a file's syntax this way: well-formed windows
    // lowered directly, tree-sitter only for the others.
    let parse_lower = throughput(args, Stage::Parse, total, || {
        for file in files {
            std::hint::black_box(syntax::parse_and_lower(&file.text).articles.len());
        }
    });

    let check = throughput(args, Stage::Check, total, || {
        pool.install(|| {
            let diagnostics: usize = files
                .par_iter()
                .zip(&analyzers)
                .map(|(file, analyzer)| analyzer.check_file(&file.text).len())
                .sum();
            std::hint::black_box(diagnostics);
        })
    });

    let analyze_one = |file: &CorpusFile, analyzer: &Analyzer| {
        let analysis = analyzer.analyze(&file.text);
        analysis
            .articles
            .iter()
            .map(|a| a.recognized.mentions.len())
            .sum::<usize>()
    };
    let analyze_1 = throughput(args, Stage::Analyze, total, || {
        let mentions: usize = files
            .iter()
            .zip(&analyzers)
            .map(|(file, analyzer)| analyze_one(file, analyzer))
            .sum();
        std::hint::black_box(mentions);
    });
    let analyze_n = throughput(args, Stage::Analyze, total, || {
        pool.install(|| {
            let mentions: usize = files
                .par_iter()
                .zip(&analyzers)
                .map(|(file, analyzer)| analyze_one(file, analyzer))
                .sum();
            std::hint::black_box(mentions);
        })
    });

    // Recognition alone, over the plain text of every article prepared beforehand, in
    // MB/s of plain text.
    let lexicon = Lexicon::default();
    let prepared: Vec<(String, TextRange, Option<_>)> = files
        .iter()
        .zip(&analyzers)
        .flat_map(|(file, analyzer)| {
            let lowered = syntax::parse_and_lower(&file.text);
            lowered
                .articles
                .iter()
                .map(|article| {
                    let analysis = analyzer.analyze_article(
                        &file.text,
                        &lowered,
                        article,
                        &lexicon,
                        accord::analysis::Depth::Dates,
                    );
                    let title_end = article.title.map_or(0, |t| {
                        analysis
                            .plain
                            .to_plain(t.end)
                            .min(analysis.plain.text.len())
                    });
                    (
                        analysis.plain.text,
                        TextRange::new(0, title_end),
                        article.date(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let plain_total: usize = prepared.iter().map(|p| p.0.len()).sum();
    // Built here, outside the timed stages, from the same knowledge base.
    let recognizer = Recognizer::new(&defaults.kb);
    let articles: Vec<ArticleText> = prepared
        .iter()
        .map(|(text, title, date)| ArticleText {
            text,
            title: *title,
            date: *date,
        })
        .collect();
    let recognize_one =
        |article: &ArticleText| recognizer.recognize(article, &lexicon).mentions.len();
    let recognize_1 = throughput(args, Stage::Recognize, plain_total, || {
        let mentions: usize = articles.iter().map(recognize_one).sum();
        std::hint::black_box(mentions);
    });
    let recognize_n = throughput(args, Stage::Recognize, plain_total, || {
        pool.install(|| {
            let mentions: usize = articles.par_iter().map(recognize_one).sum();
            std::hint::black_box(mentions);
        })
    });
    let recognize_dates_1 = throughput(args, Stage::Dates, plain_total, || {
        let mentions: usize = articles
            .iter()
            .map(|article| recognizer.recognize_dates(article).mentions.len())
            .sum();
        std::hint::black_box(mentions);
    });

    // What a first index learns of every file before recognising any.
    let mut workspace = accord::workspace::Workspace::new(defaults.clone());
    let ids = workspace.intern_paths(files.iter().map(|file| file.path.as_path()));
    let teaching: Vec<_> = files
        .iter()
        .zip(ids)
        .map(|(file, id)| {
            (
                id,
                file.path.clone(),
                std::sync::Arc::from(file.text.as_str()),
            )
        })
        .collect();
    let context = workspace.context();
    let teach_n = throughput(args, Stage::Teach, total, || {
        pool.install(|| {
            let forms: usize = context
                .taught_forms(&teaching)
                .iter()
                .map(|(_, forms)| forms.len())
                .sum();
            std::hint::black_box(forms);
        })
    });

    // The server recognises each article with the lexicon all the files teach.
    let recognize_taught_n = args
        .only
        .is_none_or(|only| only == Stage::Taught)
        .then(|| {
            let forms = pool.install(|| context.taught_forms(&teaching));
            let taught = Lexicon::new(forms.into_iter().flat_map(|(_, forms)| forms).collect());
            throughput(args, Stage::Taught, plain_total, || {
                pool.install(|| {
                    let mentions: usize = articles
                        .par_iter()
                        .map(|article| recognizer.recognize(article, &taught).mentions.len())
                        .sum();
                    std::hint::black_box(mentions);
                })
            })
        })
        .flatten();

    Report {
        corpus: CorpusSize {
            source,
            mb: total as f64 / 1e6,
            files: files.len(),
            articles: prepared.len(),
            plain_mb: plain_total as f64 / 1e6,
        },
        threads: pool.current_num_threads(),
        parse_lower_mb_s: parse_lower,
        check_mb_s: check,
        analyze_mb_s_1_thread: analyze_1,
        analyze_mb_s_threads: analyze_n,
        recognize_mb_s_1_thread: recognize_1,
        recognize_mb_s_threads: recognize_n,
        recognize_dates_mb_s_1_thread: recognize_dates_1,
        teach_mb_s_threads: teach_n,
        recognize_taught_mb_s_threads: recognize_taught_n,
    }
}
