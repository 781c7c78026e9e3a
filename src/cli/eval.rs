//! `accord eval`: strips the tags of annotated files, runs the recognisers on the plain
//! text, and scores them against the tags (strict span and type), the date values, and
//! the acronym definitions of an `acronyms.json` gold file.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::analysis::{Analyzer, AnalyzerCache};
use crate::files::read_article_file;
use crate::recognize::EntityType;

use super::check::{EXIT_CLEAN, EXIT_ERROR};

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
    pub types: BTreeMap<String, Score>,
    pub micro: Score,
    pub date_values: DateValues,
    pub acronyms: Option<Score>,
    pub misses: Vec<Miss>,
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
    let mut gold: HashSet<Key> = HashSet::new();
    let mut predicted: HashSet<Key> = HashSet::new();
    let mut gold_values = BTreeMap::new();
    let mut predicted_values = BTreeMap::new();
    let mut predicted_acronyms = HashSet::new();
    let mut texts = BTreeMap::new();
    for (path, text) in files {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let analyzer: std::sync::Arc<Analyzer> = analyzers.for_file(path);
        // Recognition sees only the plain text: no lexicon learned from the gold tags.
        let analysis = analyzer.analyze(text);
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

    let mut report = Report::default();
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
    out.push_str("type        gold  pred  correct  precision  recall     f1\n");
    let row = |name: &str, s: &Score| {
        format!(
            "{name:<10} {:>5} {:>5} {:>8} {:>10.3} {:>7.3} {:>6.3}\n",
            s.gold, s.predicted, s.correct, s.precision, s.recall, s.f1
        )
    };
    for (name, score) in &report.types {
        out.push_str(&row(name, score));
    }
    out.push_str(&row("micro", &report.micro));
    out.push_str(&format!(
        "\ndate values: {:.3} accuracy ({} of {} exactly matched dates)\n",
        report.date_values.accuracy, report.date_values.correct, report.date_values.matched
    ));
    if let Some(acronyms) = &report.acronyms {
        out.push_str(&format!(
            "acronyms:    precision {:.3}, recall {:.3}, f1 {:.3} ({} gold, {} found)\n",
            acronyms.precision, acronyms.recall, acronyms.f1, acronyms.gold, acronyms.predicted
        ));
    }
    if !report.misses.is_empty() {
        out.push_str("\ndisagreements:\n");
        for miss in &report.misses {
            out.push_str(&format!(
                "  {:<16} {}#{} {:<9} {:?} {}\n",
                miss.kind, miss.file, miss.article, miss.ty, miss.text, miss.detail
            ));
        }
    }
    out
}
