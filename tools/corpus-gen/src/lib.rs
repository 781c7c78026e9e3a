//! `accord-corpus-gen`: a synthetic, deterministic corpus of policy articles in the
//! accord article format, for benchmarks, fuzzing seeds and scale tests.
//!
//! Article `i` depends only on the seed and `i`, so the same seed gives the same
//! articles however the corpus is split into files. [`generate`] writes into any
//! [`Sink`]: a folder ([`DirectorySink`]) or memory ([`MemorySink`]).

mod article;
mod calendar;
mod rng;
mod templates;
mod vocab;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

pub use crate::article::Mix;
use crate::rng::Rng;
use crate::templates::Templates;

/// Stream numbers keep the article and file generators independent of each other.
const ARTICLE_STREAM: u64 = 1;
const FILE_STREAM: u64 = 2;

/// Default split: about this many articles, or bytes, per file.
pub const ARTICLES_PER_FILE: u64 = 100;
pub const BYTES_PER_FILE: u64 = 1_000_000;

/// What to write: how many articles or bytes, in how many files.
#[derive(Clone, Debug)]
pub struct Plan {
    pub seed: u64,
    pub articles: Option<u64>,
    pub bytes: Option<u64>,
    pub files: u64,
    /// Articles of the first file when the corpus is counted in articles and has more
    /// than one file; the other files share the rest evenly. Workspaces of many small
    /// files and one large one, the file being edited, are made this way.
    pub first_file_articles: Option<u64>,
}

impl Plan {
    /// How many articles file `index` holds when the corpus is counted in articles.
    pub fn article_quota(&self, index: u64) -> Option<u64> {
        let total = self.articles?;
        let even =
            |total: u64, files: u64, index: u64| total / files + u64::from(index < total % files);
        Some(match self.first_file_articles {
            Some(first) if self.files > 1 => {
                let first = first.min(total);
                if index == 0 {
                    first
                } else {
                    even(total - first, self.files - 1, index - 1)
                }
            }
            _ => even(total, self.files, index),
        })
    }

    /// How many bytes file `index` should reach when the corpus is measured in bytes.
    pub fn byte_budget(&self, index: u64) -> Option<u64> {
        self.bytes
            .map(|total| total / self.files + u64::from(index < total % self.files))
    }
}

/// Where the generated files go.
pub trait Sink {
    fn begin_file(&mut self, index: u64) -> io::Result<()>;
    fn write(&mut self, bytes: &[u8]) -> io::Result<()>;
    fn end_file(&mut self) -> io::Result<()>;
}

pub struct DirectorySink {
    dir: PathBuf,
    current: Option<BufWriter<File>>,
}

impl DirectorySink {
    pub fn new(dir: PathBuf) -> DirectorySink {
        DirectorySink { dir, current: None }
    }
}

impl Sink for DirectorySink {
    fn begin_file(&mut self, index: u64) -> io::Result<()> {
        let path = self.dir.join(format!("{index:05}.article"));
        self.current = Some(BufWriter::with_capacity(1 << 20, File::create(path)?));
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.current {
            Some(writer) => writer.write_all(bytes),
            None => Err(io::Error::other("no file is open")),
        }
    }

    fn end_file(&mut self) -> io::Result<()> {
        match self.current.take() {
            Some(mut writer) => writer.flush(),
            None => Ok(()),
        }
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: u64,
    pub articles: u64,
    pub bytes: u64,
}

/// Writes the corpus of `plan` into `sink`.
pub fn generate(plan: &Plan, mix: &Mix, sink: &mut dyn Sink) -> io::Result<Summary> {
    let templates = Templates::new();
    let mut summary = Summary::default();
    let mut text = String::with_capacity(64 * 1024);
    let total_reached = |summary: &Summary| {
        plan.articles.is_some_and(|limit| summary.articles >= limit)
            || plan.bytes.is_some_and(|limit| summary.bytes >= limit)
    };
    for file_index in 0..plan.files {
        if total_reached(&summary) {
            break;
        }
        let mut file_rng = Rng::derive(plan.seed, FILE_STREAM, file_index);
        sink.begin_file(file_index)?;
        summary.files += 1;
        let mut file_articles = 0u64;
        let mut file_bytes = 0u64;
        let emit =
            |sink: &mut dyn Sink, bytes: &[u8], file_bytes: &mut u64, summary: &mut Summary| {
                *file_bytes += bytes.len() as u64;
                summary.bytes += bytes.len() as u64;
                sink.write(bytes)
            };
        // A third of the files open with a separator line, as some exports do.
        if file_rng.chance(300) {
            emit(sink, b"-\n", &mut file_bytes, &mut summary)?;
        }
        loop {
            let quota_met = plan
                .article_quota(file_index)
                .is_some_and(|quota| file_articles >= quota);
            let budget_met = plan
                .byte_budget(file_index)
                .is_some_and(|budget| file_bytes >= budget);
            if quota_met || budget_met || total_reached(&summary) {
                break;
            }
            if file_articles > 0 {
                let separator: &[u8] = match file_rng.below(100) {
                    0..=2 => b"\n-\n",
                    3..=5 => b"-\n\n",
                    6 => b"  -  \n",
                    _ => b"-\n",
                };
                emit(sink, separator, &mut file_bytes, &mut summary)?;
            }
            text.clear();
            let mut article_rng = Rng::derive(plan.seed, ARTICLE_STREAM, summary.articles);
            article::write_article(&templates, mix, &mut article_rng, &mut text);
            emit(sink, text.as_bytes(), &mut file_bytes, &mut summary)?;
            file_articles += 1;
            summary.articles += 1;
        }
        sink.end_file()?;
    }
    Ok(summary)
}

/// Collects files in memory, one byte vector per file.
#[derive(Debug, Default)]
pub struct MemorySink {
    pub files: Vec<Vec<u8>>,
}

impl Sink for MemorySink {
    fn begin_file(&mut self, _index: u64) -> io::Result<()> {
        self.files.push(Vec::new());
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self.files.last_mut() {
            Some(file) => {
                file.extend_from_slice(bytes);
                Ok(())
            }
            None => Err(io::Error::other("no file is open")),
        }
    }

    fn end_file(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(plan: &Plan, mix: &Mix) -> (Summary, Vec<String>) {
        let mut sink = MemorySink::default();
        let summary = generate(plan, mix, &mut sink).expect("memory sinks do not fail");
        let files = sink
            .files
            .into_iter()
            .map(|bytes| String::from_utf8(bytes).expect("the generator writes UTF-8"))
            .collect();
        (summary, files)
    }

    fn plan(seed: u64, articles: Option<u64>, bytes: Option<u64>, files: u64) -> Plan {
        Plan {
            seed,
            articles,
            bytes,
            files,
            first_file_articles: None,
        }
    }

    /// Splits a file into articles at separator lines (docs/format.md §1).
    fn articles_of(file: &str) -> Vec<String> {
        let mut articles: Vec<String> = vec![String::new()];
        for line in file.lines() {
            if line.trim() == "-" {
                articles.push(String::new());
            } else if let Some(current) = articles.last_mut() {
                current.push_str(line);
                current.push('\n');
            }
        }
        // Blank lines around separators vary with the file, not with the article.
        articles
            .iter()
            .map(|article| article.trim_matches('\n').to_owned())
            .filter(|article| !article.trim().is_empty())
            .collect()
    }

    #[test]
    fn same_seed_gives_same_bytes_and_other_seeds_differ() {
        let mix = Mix::default();
        let (first_summary, first) = run(&plan(42, Some(300), None, 3), &mix);
        let (second_summary, second) = run(&plan(42, Some(300), None, 3), &mix);
        assert_eq!(first_summary, second_summary);
        assert_eq!(first, second);
        let (_, other) = run(&plan(43, Some(300), None, 3), &mix);
        assert_ne!(first, other);
    }

    #[test]
    fn splitting_into_files_keeps_the_articles() {
        let mix = Mix::default();
        let (_, single) = run(&plan(7, Some(120), None, 1), &mix);
        let (summary, split) = run(&plan(7, Some(120), None, 7), &mix);
        assert_eq!(summary.files, 7);
        assert_eq!(summary.articles, 120);
        let counts: Vec<usize> = split.iter().map(|file| articles_of(file).len()).collect();
        assert_eq!(counts, vec![18, 17, 17, 17, 17, 17, 17]);
        let joined: Vec<String> = split.iter().flat_map(|file| articles_of(file)).collect();
        assert_eq!(joined, articles_of(&single[0]));
    }

    #[test]
    fn a_larger_first_file_keeps_the_articles_and_spreads_the_rest() {
        let mix = Mix::default();
        let (_, single) = run(&plan(7, Some(120), None, 1), &mix);
        let uneven = Plan {
            first_file_articles: Some(50),
            ..plan(7, Some(120), None, 4)
        };
        let quotas: Vec<Option<u64>> = (0..4).map(|i| uneven.article_quota(i)).collect();
        assert_eq!(quotas, [Some(50), Some(24), Some(23), Some(23)]);
        let (summary, split) = run(&uneven, &mix);
        assert_eq!((summary.files, summary.articles), (4, 120));
        let counts: Vec<usize> = split.iter().map(|file| articles_of(file).len()).collect();
        assert_eq!(counts, vec![50, 24, 23, 23]);
        let joined: Vec<String> = split.iter().flat_map(|file| articles_of(file)).collect();
        assert_eq!(joined, articles_of(&single[0]));
        // A first file asked for more than there is takes everything, and a single
        // file holds every article whatever the first file is asked to hold.
        let short = Plan {
            first_file_articles: Some(500),
            ..plan(7, Some(120), None, 4)
        };
        assert_eq!(short.article_quota(0), Some(120));
        assert_eq!(short.article_quota(3), Some(0));
        let one = Plan {
            first_file_articles: Some(50),
            ..plan(7, Some(120), None, 1)
        };
        assert_eq!(one.article_quota(0), Some(120));
    }

    #[test]
    fn byte_budget_stops_after_the_article_that_crosses_it() {
        let mix = Mix::default();
        let (summary, files) = run(&plan(42, None, Some(200_000), 2), &mix);
        let written: usize = files.iter().map(String::len).sum();
        assert_eq!(summary.bytes as usize, written);
        assert!(summary.bytes >= 200_000, "{}", summary.bytes);
        // No article is anywhere near 50 kB, so each file overshoots its budget by little.
        assert!(summary.bytes < 200_000 + 2 * 50_000, "{}", summary.bytes);
        assert_eq!(summary.files, 2);
    }

    /// Byte offsets of date markers (`date2025-12-10`, `date: …`, `date …`) that start a
    /// line or follow a blank.
    fn marker_offsets(article: &str) -> Vec<usize> {
        article
            .match_indices("date")
            .map(|(offset, _)| offset)
            .filter(|&offset| offset == 0 || matches!(article.as_bytes()[offset - 1], b' ' | b'\n'))
            .filter(|&offset| {
                let rest = article[offset + 4..].trim_start_matches([':', ' ']);
                rest.len() >= 10
                    && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                    && rest.as_bytes()[4] == b'-'
            })
            .collect()
    }

    #[test]
    fn every_article_has_a_title_and_at_most_one_marker_at_its_end() {
        let mix = Mix {
            malformed: 0,
            ..Mix::default()
        };
        let (_, files) = run(&plan(11, Some(2000), None, 4), &mix);
        let mut undated = 0;
        for file in &files {
            for article in articles_of(file) {
                let lines: Vec<&str> = article
                    .lines()
                    .filter(|line| !line.trim().is_empty())
                    .collect();
                assert!(lines.len() >= 2, "title and body expected:\n{article}");
                assert!(marker_offsets(lines[0]).is_empty(), "{article}");
                match marker_offsets(&article)[..] {
                    [] => undated += 1,
                    [offset] => {
                        let tail = article[offset..].trim_end();
                        assert!(
                            tail.len() <= "date: 2025-12-10".len(),
                            "the marker must end the article:\n{article}"
                        );
                    }
                    _ => panic!("several markers:\n{article}"),
                }
            }
        }
        // About 3% of articles carry no date.
        assert!((20..=120).contains(&undated), "{undated} undated articles");
    }

    #[test]
    fn tags_are_well_formed_and_date_values_agree_with_their_spans() {
        let mix = Mix {
            malformed: 0,
            tagged: 1000,
            ..Mix::default()
        };
        let (_, files) = run(&plan(5, Some(400), None, 1), &mix);
        let mut tags = 0;
        let mut dates = 0;
        for line in files[0].lines() {
            let mut rest = line;
            while let Some(open) = rest.find("]{") {
                let close = rest[open..].find('}').map(|offset| open + offset);
                let Some(close) = close else {
                    panic!("unclosed tag in {line}");
                };
                let body = &rest[open + 2..close];
                let span_start = rest[..open]
                    .rfind('[')
                    .expect("a tag has an opening bracket");
                let span = &rest[span_start + 1..open];
                let tag_type = body.split(' ').next().unwrap_or("");
                assert!(
                    [
                        "org",
                        "person",
                        "place",
                        "agreement",
                        "event",
                        "date",
                        "money",
                        "percent"
                    ]
                    .contains(&tag_type),
                    "type {tag_type:?} in {line}"
                );
                // Only dates of the shape "the X of Y" keep their article (GUIDELINES §2).
                let keeps_article = tag_type == "date" && span.contains(" of ");
                assert!(!span.is_empty() && !span.ends_with("’s"), "span {span:?}");
                assert!(keeps_article || !span.starts_with("the "), "span {span:?}");
                if tag_type == "date" {
                    dates += 1;
                    let value = body
                        .strip_prefix("date value=")
                        .expect("date tags carry a value");
                    check_weekday(span, value);
                }
                tags += 1;
                rest = &rest[close + 1..];
            }
        }
        assert!(tags > 5000 && dates > 500, "{tags} tags, {dates} dates");
    }

    /// A span naming a weekday and a day must carry the value of that weekday.
    fn check_weekday(span: &str, value: &str) {
        let Some(weekday) = calendar::WEEKDAY_NAMES
            .iter()
            .position(|name| span.starts_with(name))
        else {
            return;
        };
        let parts: Vec<i64> = value
            .split('-')
            .filter_map(|part| part.parse().ok())
            .collect();
        assert_eq!(parts.len(), 3, "{span:?} has value {value:?}");
        let day = calendar::Date {
            year: parts[0] as i32,
            month: parts[1] as u32,
            day: parts[2] as u32,
        };
        assert_eq!(day.weekday(), weekday, "{span:?} = {value}");
        if let Some(month) = calendar::MONTH_NAMES
            .iter()
            .position(|name| span.contains(name))
        {
            assert_eq!(month + 1, day.month as usize, "{span:?} = {value}");
        }
    }

    #[test]
    fn planted_errors_appear_at_about_the_configured_rate() {
        let mix = Mix {
            malformed: 100,
            ..Mix::default()
        };
        let (_, files) = run(&plan(3, Some(1000), None, 1), &mix);
        let text = &files[0];
        let typos = [
            "{ogr",
            "{persno",
            "{plcae",
            "{agreemnt",
            "{evnet",
            "{dat ",
            "{mony",
            "{precent",
        ];
        let unknown_types: usize = typos.iter().map(|typo| text.matches(typo).count()).sum();
        let impossible_dates = text.matches("-13-").count()
            + text.matches("-02-30").count()
            + text.matches("-32").count();
        assert!(unknown_types >= 10, "{unknown_types}");
        assert!(impossible_dates >= 5, "{impossible_dates}");
    }
}
