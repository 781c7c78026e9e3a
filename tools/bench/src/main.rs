//! `accord-bench`: measures how fast accord checks and recognises a corpus, and how
//! much memory it takes.
//!
//! The corpus is generated in memory by `accord-corpus-gen` (deterministic, so runs
//! compare) or read from a folder. Every stage runs once over the whole corpus; the
//! numbers are printed, never asserted, since they depend on the machine.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use accord::analysis::{Analyzer, AnalyzerCache};
use accord::recognize::{ArticleText, Lexicon, Recognizer};
use accord::syntax;
use accord::text::TextRange;
use accord_corpus_gen::{BYTES_PER_FILE, MemorySink, Mix, Plan, generate};
use clap::Parser;
use rayon::prelude::*;
use serde::Serialize;

/// Size of the corpus `--smoke` generates: small enough for CI.
const SMOKE_BYTES: u64 = 5_000_000;

#[derive(Parser, Debug)]
#[command(version, about = "Measure accord's throughput and peak memory")]
struct Args {
    /// Generate a corpus of about this many bytes.
    #[arg(long, default_value_t = 20_000_000, conflicts_with_all = ["corpus", "smoke"])]
    bytes: u64,
    /// A small corpus (about 5 MB) that finishes quickly, for CI.
    #[arg(long)]
    smoke: bool,
    /// Measure the `*.article` files of this folder instead of a generated corpus.
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Seed of the generated corpus.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Threads of the parallel stages.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Print the figures as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Run only this stage, e.g. under a profiler.
    #[arg(long, value_enum)]
    only: Option<Stage>,
}

/// The stages that can be run alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Stage {
    Parse,
    Check,
    Analyze,
    Recognize,
    Dates,
}

/// One file of the corpus.
struct CorpusFile {
    path: PathBuf,
    text: String,
}

/// What one run measured. Throughputs are in MB/s of article file bytes.
#[derive(Debug, Serialize)]
struct Report {
    corpus: CorpusSize,
    threads: usize,
    parse_lower_mb_s: Option<f64>,
    check_mb_s: Option<f64>,
    analyze_mb_s_1_thread: Option<f64>,
    analyze_mb_s_threads: Option<f64>,
    recognize_mb_s_1_thread: Option<f64>,
    recognize_mb_s_threads: Option<f64>,
    recognize_dates_mb_s_1_thread: Option<f64>,
    peak_rss_mb: Option<f64>,
}

#[derive(Debug, Serialize)]
struct CorpusSize {
    source: String,
    mb: f64,
    files: usize,
    articles: usize,
    /// Bytes of plain article text (tags stripped) that recognition reads.
    plain_mb: f64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let (source, files) = match &args.corpus {
        Some(dir) => match read_corpus(dir) {
            Ok(files) => (dir.display().to_string(), files),
            Err(error) => {
                eprintln!("error: cannot read {}: {error}", dir.display());
                return ExitCode::from(2);
            }
        },
        None => {
            let bytes = if args.smoke { SMOKE_BYTES } else { args.bytes };
            match generate_corpus(args.seed, bytes) {
                Ok(files) => (format!("generated, seed {}", args.seed), files),
                Err(error) => {
                    eprintln!("error: cannot generate the corpus: {error}");
                    return ExitCode::from(2);
                }
            }
        }
    };
    if files.is_empty() {
        eprintln!("error: the corpus has no article files");
        return ExitCode::from(2);
    }
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.max(1))
        .build()
    {
        Ok(pool) => pool,
        Err(error) => {
            eprintln!("error: cannot start {} threads: {error}", args.threads);
            return ExitCode::from(2);
        }
    };
    let report = measure(&args, source, &files, &pool);
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::from(2);
            }
        }
    } else {
        print_table(&report);
    }
    ExitCode::SUCCESS
}

/// Generates the corpus in memory, split into files of about 1 MB as on disk.
fn generate_corpus(seed: u64, bytes: u64) -> std::io::Result<Vec<CorpusFile>> {
    let plan = Plan {
        seed,
        articles: None,
        bytes: Some(bytes),
        files: bytes.div_ceil(BYTES_PER_FILE).max(1),
    };
    let mut sink = MemorySink::default();
    generate(&plan, &Mix::default(), &mut sink)?;
    Ok(sink
        .files
        .into_iter()
        .enumerate()
        .map(|(index, bytes)| CorpusFile {
            path: PathBuf::from(format!("{index:05}.article")),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        })
        .collect())
}

/// Every `*.article` file under `dir`, sorted by path.
fn read_corpus(dir: &Path) -> std::io::Result<Vec<CorpusFile>> {
    let mut paths = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "article") {
                paths.push(path);
            }
        }
    }
    paths.sort();
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
fn throughput(args: &Args, stage: Stage, bytes: usize, work: impl FnOnce()) -> Option<f64> {
    if args.only.is_some_and(|only| only != stage) {
        return None;
    }
    let started = Instant::now();
    work();
    Some(bytes as f64 / 1e6 / started.elapsed().as_secs_f64().max(1e-9))
}

fn measure(args: &Args, source: String, files: &[CorpusFile], pool: &rayon::ThreadPool) -> Report {
    let total: usize = files.iter().map(|f| f.text.len()).sum();
    // A folder may have its own configuration; a generated corpus uses the defaults.
    let cache = AnalyzerCache::default();
    let defaults = std::sync::Arc::new(Analyzer::with_defaults());
    let analyzers: Vec<std::sync::Arc<Analyzer>> = files
        .iter()
        .map(|f| {
            if args.corpus.is_some() {
                cache.for_file(&f.path)
            } else {
                defaults.clone()
            }
        })
        .collect();

    let parse_lower = throughput(args, Stage::Parse, total, || {
        for file in files {
            let tree = syntax::parse(&file.text);
            std::hint::black_box(syntax::lower(&file.text, &tree).articles.len());
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
    let prepared: Vec<(String, TextRange, Option<_>)> = files
        .iter()
        .zip(&analyzers)
        .flat_map(|(file, analyzer)| {
            let tree = syntax::parse(&file.text);
            let lowered = syntax::lower(&file.text, &tree);
            lowered
                .articles
                .iter()
                .map(|article| {
                    let analysis = analyzer.analyze_article(
                        &file.text,
                        &lowered,
                        article,
                        &Lexicon::default(),
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
    let lexicon = Lexicon::default();
    // Built here, outside the timed stages, from the same knowledge base.
    let recognizer = Recognizer::new(&defaults.kb);
    let recognize_one = |(text, title, date): &(String, TextRange, Option<_>)| {
        let article = ArticleText {
            text,
            title: *title,
            date: *date,
        };
        recognizer.recognize(&article, &lexicon).mentions.len()
    };
    let recognize_1 = throughput(args, Stage::Recognize, plain_total, || {
        let mentions: usize = prepared.iter().map(recognize_one).sum();
        std::hint::black_box(mentions);
    });
    let recognize_n = throughput(args, Stage::Recognize, plain_total, || {
        pool.install(|| {
            let mentions: usize = prepared.par_iter().map(recognize_one).sum();
            std::hint::black_box(mentions);
        })
    });
    let recognize_dates_1 = throughput(args, Stage::Dates, plain_total, || {
        let mentions: usize = prepared
            .iter()
            .map(|(text, title, date)| {
                let article = ArticleText {
                    text,
                    title: *title,
                    date: *date,
                };
                recognizer.recognize_dates(&article).mentions.len()
            })
            .sum();
        std::hint::black_box(mentions);
    });

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
        peak_rss_mb: peak_rss_mb(),
    }
}

/// Peak resident memory of this process (`VmHWM`), where `/proc` tells it.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn print_table(report: &Report) {
    let c = &report.corpus;
    let threads = report.threads;
    println!("corpus: {}", c.source);
    println!(
        "  {:.1} MB in {} files, {} articles ({:.1} MB plain text)",
        c.mb, c.files, c.articles, c.plain_mb
    );
    println!();
    println!("{:<46} {:>10}", "stage", "MB/s");
    let rows = [
        (
            "parse + lower, 1 thread".to_owned(),
            report.parse_lower_mb_s,
        ),
        (
            format!("check (dates only), {threads} threads"),
            report.check_mb_s,
        ),
        (
            "analyze (all recognisers), 1 thread".to_owned(),
            report.analyze_mb_s_1_thread,
        ),
        (
            format!("analyze (all recognisers), {threads} threads"),
            report.analyze_mb_s_threads,
        ),
        (
            "recognize only, plain text, 1 thread".to_owned(),
            report.recognize_mb_s_1_thread,
        ),
        (
            format!("recognize only, plain text, {threads} threads"),
            report.recognize_mb_s_threads,
        ),
        (
            "dates only, plain text, 1 thread".to_owned(),
            report.recognize_dates_mb_s_1_thread,
        ),
    ];
    for (stage, rate) in rows {
        if let Some(rate) = rate {
            println!("{stage:<46} {rate:>10.1}");
        }
    }
    println!();
    match report.peak_rss_mb {
        Some(mb) => println!("peak resident memory: {mb:.0} MB (the corpus is held in memory)"),
        None => println!("peak resident memory: unknown"),
    }
}
