//! `accord-corpus-gen`: writes a synthetic, deterministic corpus of policy articles in
//! the accord article format, for benchmarks, fuzzing seeds and scale tests.
//!
//! Article `i` depends only on the seed and `i`, so the same seed gives the same
//! articles however the corpus is split into files.

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{ArgGroup, Parser};

use accord_corpus_gen::{ARTICLES_PER_FILE, BYTES_PER_FILE, DirectorySink, Mix, Plan, generate};

#[derive(Parser, Debug)]
#[command(
    version,
    about = "Write a deterministic synthetic corpus of policy articles"
)]
#[command(group(ArgGroup::new("size").required(true).multiple(true).args(["articles", "bytes"])))]
struct Args {
    /// Seed of the generator; the same seed always gives the same bytes.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of articles in total.
    #[arg(long)]
    articles: Option<u64>,
    /// Stop once about this many bytes are written (the last article is kept whole).
    #[arg(long)]
    bytes: Option<u64>,
    /// Number of files (default: one per 100 articles or per 1 MB).
    #[arg(long, conflicts_with = "single_file")]
    files: Option<u64>,
    /// Write everything into one file.
    #[arg(long)]
    single_file: bool,
    /// Articles of the first file; the other files share the rest evenly (default
    /// files: one per 100 of the rest).
    #[arg(long, requires = "articles", conflicts_with = "single_file")]
    first_file_articles: Option<u64>,
    /// Output folder; files are named 00000.article, 00001.article, …
    #[arg(long)]
    out: PathBuf,
}

/// The plan the command line asks for.
fn plan_from_args(args: &Args) -> Plan {
    let default_files = match (args.articles, args.bytes) {
        (Some(articles), _) => match args.first_file_articles {
            Some(first) => 1 + articles.saturating_sub(first).div_ceil(ARTICLES_PER_FILE),
            None => articles.div_ceil(ARTICLES_PER_FILE),
        },
        (None, Some(bytes)) => bytes.div_ceil(BYTES_PER_FILE),
        (None, None) => 1,
    };
    let files = if args.single_file {
        1
    } else {
        args.files.unwrap_or(default_files)
    };
    Plan {
        seed: args.seed,
        articles: args.articles,
        bytes: args.bytes,
        files: files.max(1),
        first_file_articles: args.first_file_articles,
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let plan = plan_from_args(&args);
    if let Err(error) = fs::create_dir_all(&args.out) {
        eprintln!("error: cannot create {}: {error}", args.out.display());
        return ExitCode::from(2);
    }
    let started = Instant::now();
    let mut sink = DirectorySink::new(args.out.clone());
    match generate(&plan, &Mix::default(), &mut sink) {
        Ok(summary) => {
            let seconds = started.elapsed().as_secs_f64();
            eprintln!(
                "wrote {} articles, {} bytes in {} files to {} ({seconds:.2} s, {:.1} MB/s)",
                summary.articles,
                summary.bytes,
                summary.files,
                args.out.display(),
                summary.bytes as f64 / 1e6 / seconds.max(1e-9),
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_count_defaults_follow_the_stopping_rule() {
        let args = |articles, bytes, files, single_file| Args {
            seed: 1,
            articles,
            bytes,
            files,
            single_file,
            first_file_articles: None,
            out: PathBuf::from("out"),
        };
        assert_eq!(
            plan_from_args(&args(Some(100_000), None, None, false)).files,
            1000
        );
        assert_eq!(
            plan_from_args(&args(None, Some(100_000_000), None, false)).files,
            100
        );
        assert_eq!(
            plan_from_args(&args(None, Some(1_000_000), None, true)).files,
            1
        );
        assert_eq!(
            plan_from_args(&args(Some(10), None, Some(3), false)).files,
            3
        );
        assert_eq!(plan_from_args(&args(Some(0), None, None, false)).files, 1);
        let first = |articles, first| Args {
            first_file_articles: Some(first),
            ..args(Some(articles), None, None, false)
        };
        // The first file's articles, then one file per 100 of the rest.
        assert_eq!(plan_from_args(&first(1_025, 525)).files, 6);
        assert_eq!(plan_from_args(&first(300, 525)).files, 1);
    }
}
