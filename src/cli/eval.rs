//! `accord eval`: strips the tags of annotated files, runs the recognisers on the plain
//! text, and scores them against the tags (strict span and type), the date values, and
//! the acronym definitions of an `acronyms.json` gold file.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use rayon::prelude::*;

use crate::analysis::FileAnalysis;
use crate::files::read_article_file;
use crate::project::AnalyzerCache;
use crate::recognize::{EntityType, LearnedForm, Lexicon};
use crate::workspace;

use super::check::{EXIT_CLEAN, EXIT_ERROR};
use super::render::display_path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

/// Precision, recall and F1 of one type or of all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Score {
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Score {
    fn new(gold: usize, predicted: usize, correct: usize) -> Score {
        let precision = ratio(correct, predicted);
        let recall = ratio(correct, gold);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Score {
            gold,
            predicted,
            correct,
            precision,
            recall,
            f1,
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct DateValues {
    /// Gold dates whose span was found exactly.
    pub matched: usize,
    /// Of those, the ones whose value is right.
    pub correct: usize,
    pub accuracy: f64,
}

/// One disagreement, for finding what to improve.
#[derive(Clone, Debug, Serialize)]
pub struct Miss {
    pub file: String,
    pub article: usize,
    pub kind: &'static str,
    #[serde(rename = "type")]
    pub ty: String,
    pub text: String,
    pub detail: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Recognition from each file's plain text alone, without teaching.
    pub types: BTreeMap<String, Score>,
    pub micro: Score,
    pub date_values: DateValues,
    pub acronyms: Option<Score>,
    pub misses: Vec<Miss>,
    /// The same scores per file.
    pub files: BTreeMap<String, FileScore>,
    /// Each file recognised with what the other files teach (their tags and acronym
    /// definitions) and nothing from its own tags: how recognition fares on an article
    /// in a workspace of annotated ones.
    pub leave_one_out: Scores,
}

/// The scores of one way of recognising the files.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Scores {
    pub types: BTreeMap<String, Score>,
    pub micro: Score,
    pub date_values: DateValues,
    pub acronyms: Option<Score>,
    pub misses: Vec<Miss>,
    pub files: BTreeMap<String, FileScore>,
}

/// The scores of one file.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FileScore {
    pub types: BTreeMap<String, Score>,
    pub micro: Score,
}

#[derive(Deserialize)]
struct AcronymGold {
    acronyms: Vec<AcronymGoldEntry>,
}

#[derive(Deserialize)]
struct AcronymGoldEntry {
    file: String,
    article: usize,
    short: String,
    long: String,
}

type Key = (String, usize, usize, usize, String);

pub fn run(paths: &[PathBuf], format: Format, acronyms: Option<&Path>) -> (String, i32) {
    let analyzers = AnalyzerCache::default();
    let sources = super::list_files(&analyzers, paths);
    let mut files = Vec::new();
    for source in sources {
        if let Some(error) = source.error {
            eprintln!("error: {error}");
            return (String::new(), EXIT_ERROR);
        }
        let analyzer = analyzers.for_file(&source.path);
        match read_article_file(&source.path, analyzer.max_file_size()) {
            Ok(text) => files.push((source.path, text)),
            Err(problem) => {
                eprintln!(
                    "error: {}: {}",
                    source.path.display(),
                    problem.diagnostic.message
                );
                return (String::new(), EXIT_ERROR);
            }
        }
    }
    let acronym_path = acronyms.map(Path::to_path_buf).or_else(|| {
        paths
            .iter()
            .map(|p| {
                if p.is_dir() {
                    p.join("acronyms.json")
                } else {
                    p.with_file_name("acronyms.json")
                }
            })
            .find(|p| p.is_file())
    });
    let acronym_gold = match acronym_path {
        Some(path) => match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<AcronymGold>(&text).map_err(|e| e.to_string()))
        {
            Ok(gold) => Some(gold),
            Err(error) => {
                eprintln!("error: {}: {error}", path.display());
                return (String::new(), EXIT_ERROR);
            }
        },
        None => None,
    };
    let report = evaluate(&analyzers, &files, acronym_gold.as_ref());
    let output = match format {
        Format::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
        Format::Table => table(&report),
    };
    (output, EXIT_CLEAN)
}

fn evaluate(
    analyzers: &AnalyzerCache,
    files: &[(PathBuf, String)],
    acronym_gold: Option<&AcronymGold>,
) -> Report {
    // Recognition sees only the plain text: no lexicon learned from the gold tags.
    let alone: Vec<FileAnalysis> = files
        .par_iter()
        .map(|(path, text)| analyzers.for_file(path).analyze(text))
        .collect();
    // Each file is taught by the others: their tags and the acronyms they define.
    let taught: Vec<Vec<LearnedForm>> = files
        .iter()
        .zip(&alone)
        .map(|((path, _), analysis)| {
            let origin: Arc<str> = display_path(path).into();
            workspace::learned_forms(analysis, Some(&origin))
        })
        .collect();
    let left_out: Vec<FileAnalysis> = files
        .par_iter()
        .zip(&alone)
        .enumerate()
        .map(|(index, ((path, _), analysis))| {
            let others: Vec<LearnedForm> = taught
                .iter()
                .enumerate()
                .filter(|(other, _)| *other != index)
                .flat_map(|(_, forms)| forms.iter().cloned())
                .collect();
            analyzers
                .for_file(path)
                .teach(analysis.clone(), &Lexicon::new(others))
        })
        .collect();
    let scores = score(files, &alone, acronym_gold);
    Report {
        types: scores.types,
        micro: scores.micro,
        date_values: scores.date_values,
        acronyms: scores.acronyms,
        misses: scores.misses,
        files: scores.files,
        leave_one_out: score(files, &left_out, acronym_gold),
    }
}

/// Scores the recognition in `analyses` (one per file) against the files' tags.
fn score(
    files: &[(PathBuf, String)],
    analyses: &[FileAnalysis],
    acronym_gold: Option<&AcronymGold>,
) -> Scores {
    let mut gold: HashSet<Key> = HashSet::new();
    let mut predicted: HashSet<Key> = HashSet::new();
    let mut gold_values = BTreeMap::new();
    let mut predicted_values = BTreeMap::new();
    let mut predicted_acronyms = HashSet::new();
    let mut texts = BTreeMap::new();
    for ((path, _), analysis) in files.iter().zip(analyses) {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (index, (article_syntax, article)) in analysis
            .syntax
            .articles
            .iter()
            .zip(&analysis.articles)
            .enumerate()
        {
            for tag in &analysis.syntax.tags[article_syntax.tags.clone()] {
                let start = article.plain.to_plain(tag.span.start);
                let end = article.plain.to_plain(tag.span.end);
                let key = (file_name.clone(), index, start, end, tag.type_name.clone());
                if tag.type_name == "date" {
                    gold_values.insert(key.clone(), tag.value_of("value").unwrap_or("").to_owned());
                }
                texts.insert(key.clone(), article.plain.text[start..end].to_owned());
                gold.insert(key);
            }
            for mention in &article.recognized.mentions {
                let key = (
                    file_name.clone(),
                    index,
                    mention.range.start,
                    mention.range.end,
                    mention.ty.as_str().to_owned(),
                );
                if mention.ty == EntityType::Date {
                    predicted_values.insert(key.clone(), mention.value.clone().unwrap_or_default());
                }
                texts.insert(
                    key.clone(),
                    article.plain.text[mention.range.start..mention.range.end].to_owned(),
                );
                predicted.insert(key);
            }
            for acronym in &article.recognized.acronyms {
                predicted_acronyms.insert((
                    file_name.clone(),
                    index,
                    acronym.short.clone(),
                    acronym.long.clone(),
                ));
            }
        }
    }

    let mut report = Scores::default();
    let mut type_names: Vec<String> = gold.iter().chain(&predicted).map(|k| k.4.clone()).collect();
    type_names.sort();
    type_names.dedup();
    for ty in &type_names {
        let g = gold.iter().filter(|k| &k.4 == ty).count();
        let p = predicted.iter().filter(|k| &k.4 == ty).count();
        let c = gold
            .iter()
            .filter(|k| &k.4 == ty && predicted.contains(*k))
            .count();
        report.types.insert(ty.clone(), Score::new(g, p, c));
    }
    let correct = gold.intersection(&predicted).count();
    report.micro = Score::new(gold.len(), predicted.len(), correct);
    report.files = file_scores(&gold, &predicted);

    for (key, gold_value) in &gold_values {
        if let Some(value) = predicted_values.get(key) {
            report.date_values.matched += 1;
            if value == gold_value {
                report.date_values.correct += 1;
            } else {
                report.misses.push(miss(
                    key,
                    &texts,
                    "date-value",
                    format!("gold {gold_value}, got {value}"),
                ));
            }
        }
    }
    report.date_values.accuracy = ratio(report.date_values.correct, report.date_values.matched);

    let mut sorted_gold: Vec<&Key> = gold.difference(&predicted).collect();
    sorted_gold.sort();
    for key in sorted_gold {
        report
            .misses
            .push(miss(key, &texts, "missed", String::new()));
    }
    let mut sorted_predicted: Vec<&Key> = predicted.difference(&gold).collect();
    sorted_predicted.sort();
    for key in sorted_predicted {
        report
            .misses
            .push(miss(key, &texts, "spurious", String::new()));
    }

    if let Some(acronym_gold) = acronym_gold {
        let names: HashSet<&str> = files
            .iter()
            .filter_map(|(p, _)| p.file_name().and_then(|n| n.to_str()))
            .collect();
        let gold_acronyms: HashSet<(String, usize, String, String)> = acronym_gold
            .acronyms
            .iter()
            .filter(|a| names.contains(a.file.as_str()))
            .map(|a| (a.file.clone(), a.article, a.short.clone(), a.long.clone()))
            .collect();
        let correct = gold_acronyms.intersection(&predicted_acronyms).count();
        report.acronyms = Some(Score::new(
            gold_acronyms.len(),
            predicted_acronyms.len(),
            correct,
        ));
        let sides = [
            ("missed-acronym", &gold_acronyms, &predicted_acronyms),
            ("spurious-acronym", &predicted_acronyms, &gold_acronyms),
        ];
        for (kind, listed, against) in sides {
            // Sets iterate in a different order on every run; reports must not.
            let mut differing: Vec<_> = listed.difference(against).collect();
            differing.sort();
            for (file, article, short, long) in differing {
                report.misses.push(Miss {
                    file: file.clone(),
                    article: *article,
                    kind,
                    ty: String::new(),
                    text: short.clone(),
                    detail: long.clone(),
                });
            }
        }
    }
    report
}

/// The scores of each file, from the gold and predicted mentions of all.
fn file_scores(gold: &HashSet<Key>, predicted: &HashSet<Key>) -> BTreeMap<String, FileScore> {
    let mut counts: BTreeMap<String, BTreeMap<String, (usize, usize, usize)>> = BTreeMap::new();
    for key in gold {
        let entry = counts.entry(key.0.clone()).or_default();
        let count = entry.entry(key.4.clone()).or_default();
        count.0 += 1;
        if predicted.contains(key) {
            count.2 += 1;
        }
    }
    for key in predicted {
        let entry = counts.entry(key.0.clone()).or_default();
        entry.entry(key.4.clone()).or_default().1 += 1;
    }
    counts
        .into_iter()
        .map(|(file, types)| {
            let (g, p, c) = types
                .values()
                .fold((0, 0, 0), |a, t| (a.0 + t.0, a.1 + t.1, a.2 + t.2));
            let types = types
                .into_iter()
                .map(|(ty, (g, p, c))| (ty, Score::new(g, p, c)))
                .collect();
            (
                file,
                FileScore {
                    types,
                    micro: Score::new(g, p, c),
                },
            )
        })
        .collect()
}

fn miss(key: &Key, texts: &BTreeMap<Key, String>, kind: &'static str, detail: String) -> Miss {
    Miss {
        file: key.0.clone(),
        article: key.1,
        kind,
        ty: key.4.clone(),
        text: texts.get(key).cloned().unwrap_or_default(),
        detail,
    }
}

fn table(report: &Report) -> String {
    let mut out = String::new();
    out.push_str("each file alone:\n");
    scores_table(
        &mut out,
        &report.types,
        &report.micro,
        &report.date_values,
        report.acronyms.as_ref(),
    );
    let loo = &report.leave_one_out;
    out.push_str("\neach file taught by the others (leave one file out):\n");
    scores_table(
        &mut out,
        &loo.types,
        &loo.micro,
        &loo.date_values,
        loo.acronyms.as_ref(),
    );
    if report.files.len() > 1 {
        out.push_str("\nmicro F1 per file      alone  taught\n");
        for (file, alone) in &report.files {
            let taught = loo.files.get(file).map_or(0.0, |f| f.micro.f1);
            out.push_str(&format!(
                "  {file:<20} {:>6.3}  {taught:>6.3}\n",
                alone.micro.f1
            ));
        }
    }
    if !loo.misses.is_empty() {
        out.push_str("\ndisagreements (leave one file out):\n");
        for miss in &loo.misses {
            out.push_str(&format!(
                "  {:<16} {}#{} {:<9} {:?} {}\n",
                miss.kind, miss.file, miss.article, miss.ty, miss.text, miss.detail
            ));
        }
    }
    out
}

fn scores_table(
    out: &mut String,
    types: &BTreeMap<String, Score>,
    micro: &Score,
    date_values: &DateValues,
    acronyms: Option<&Score>,
) {
    out.push_str("type        gold  pred  correct  precision  recall     f1\n");
    let row = |name: &str, s: &Score| {
        format!(
            "{name:<10} {:>5} {:>5} {:>8} {:>10.3} {:>7.3} {:>6.3}\n",
            s.gold, s.predicted, s.correct, s.precision, s.recall, s.f1
        )
    };
    for (name, score) in types {
        out.push_str(&row(name, score));
    }
    out.push_str(&row("micro", micro));
    out.push_str(&format!(
        "\ndate values: {:.3} accuracy ({} of {} exactly matched dates)\n",
        date_values.accuracy, date_values.correct, date_values.matched
    ));
    if let Some(acronyms) = acronyms {
        out.push_str(&format!(
            "acronyms:    precision {:.3}, recall {:.3}, f1 {:.3} ({} gold, {} found)\n",
            acronyms.precision, acronyms.recall, acronyms.f1, acronyms.gold, acronyms.predicted
        ));
    }
}
