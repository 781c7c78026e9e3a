//! Analysis: everything known about one file — its syntax, the plain text and
//! recognised mentions of each article, and the diagnostics of every check — computed
//! from the file's text and a project (configuration, schema, knowledge base).
//!
//! The article is the unit of work: recognition and validation run per article, so an
//! edit needs to redo only the articles it touches.

mod validate;

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::diagnostic::Diagnostic;
use crate::kb::KnowledgeBase;
use crate::kb::Project;
use crate::kb::config::Config;
use crate::recognize::{ArticleText, Lexicon, Recognized, Recognizer};
use crate::syntax::{self, ArticleSyntax, FileSyntax, PlainText};
use crate::text::TextRange;

/// The analysis of one article.
#[derive(Clone, Debug)]
pub struct ArticleAnalysis {
    /// The article's text from its title to its date marker, tags stripped.
    pub plain: PlainText,
    /// What the recognisers found, in plain offsets (map with `plain`). Shared: an
    /// edit elsewhere in the file moves the article but keeps what was found in it.
    pub recognized: Arc<Recognized>,
}

/// The analysis of one file.
#[derive(Clone, Debug)]
pub struct FileAnalysis {
    pub syntax: FileSyntax,
    pub articles: Vec<ArticleAnalysis>,
    /// Every diagnostic, with the configured severities, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// What validation found, before the configured severities, sorted by position:
    /// an edit validates only its articles again and keeps the rest of this.
    pub checks: Vec<Diagnostic>,
}

/// How much recognition an analysis runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// Dates only: enough for every diagnostic, which is what checking needs.
    Dates,
    /// Every recogniser: what listing entities and editors need.
    Full,
    /// Only what the diagnostics read, which is what `accord check` needs: the dates of
    /// the articles whose tags carry a date value to compare with them. Other articles
    /// are left with nothing recognised.
    Diagnostics,
}

/// Everything needed to analyse files of one project: configuration, knowledge base and
/// the recognisers built from it. Cheap to share between threads.
pub struct Analyzer {
    pub config: Config,
    pub kb: Arc<KnowledgeBase>,
    /// Built on first use: checking needs only the date rules, which need no automata.
    recognizer: std::sync::OnceLock<Arc<Recognizer>>,
    /// Did-you-mean answers for unknown refs, which repeat across a corpus and cost an
    /// edit-distance scan of the knowledge base each.
    ref_suggestions: Mutex<HashMap<String, Option<String>>>,
    /// The knowledge base's keys as did-you-mean candidates, indexed on first use.
    ref_candidates: std::sync::OnceLock<validate::Suggestions>,
}

impl Analyzer {
    pub fn new(config: Config, kb: KnowledgeBase) -> Analyzer {
        Analyzer {
            config,
            kb: Arc::new(kb),
            recognizer: std::sync::OnceLock::new(),
            ref_suggestions: Mutex::new(HashMap::new()),
            ref_candidates: std::sync::OnceLock::new(),
        }
    }

    /// The recognisers of this project's knowledge base.
    pub fn recognizer(&self) -> &Arc<Recognizer> {
        self.recognizer
            .get_or_init(|| Arc::new(Recognizer::new(&self.kb)))
    }

    /// The closest knowledge-base key to an unknown one, remembered per key.
    pub(crate) fn suggest_ref(&self, key: &str) -> Option<String> {
        let mut cache = self.ref_suggestions.lock();
        if let Some(answer) = cache.get(key) {
            return answer.clone();
        }
        // Typos rarely hit the first letter; comparing only keys that share it keeps a
        // corpus of many unknown keys from scanning the whole knowledge base for each.
        let candidates = self
            .ref_candidates
            .get_or_init(|| validate::Suggestions::new(self.kb.entries().map(|e| e.key.as_str())));
        let answer = candidates.closest(key).map(str::to_owned);
        cache.insert(key.to_owned(), answer.clone());
        answer
    }

    /// The analyzer of a project, from its loaded configuration.
    pub fn for_project(project: &Project) -> Analyzer {
        Analyzer::new(project.config.clone(), project.kb.clone())
    }

    /// Defaults and the built-in knowledge base: what applies with no `accord.toml`.
    pub fn with_defaults() -> Analyzer {
        Analyzer::for_project(&Project::defaults(crate::kb::builtin::builtin_entries()))
    }

    pub fn max_file_size(&self) -> u64 {
        self.config.max_file_size
    }

    /// Parses and analyses a file with no workspace knowledge beyond the knowledge base.
    pub fn analyze(&self, text: &str) -> FileAnalysis {
        self.analyze_with(text, &Lexicon::default(), Depth::Full)
    }

    /// Parses and analyses a file, recognising what the workspace taught in `lexicon`.
    pub fn analyze_with(&self, text: &str, lexicon: &Lexicon, depth: Depth) -> FileAnalysis {
        let file_syntax = syntax::parse_and_lower(text);
        self.analyze_syntax(text, file_syntax, lexicon, depth)
    }

    /// A file analysed without teaching, recognised again with what the workspace taught:
    /// only the articles where a learned form occurs, reusing the syntax and plain texts.
    /// Gives what [`Analyzer::analyze_with`] gives with the same lexicon.
    pub fn teach(&self, analysis: FileAnalysis, lexicon: &Lexicon) -> FileAnalysis {
        if lexicon.is_empty() {
            return analysis;
        }
        let FileAnalysis {
            syntax,
            articles,
            diagnostics,
            checks,
        } = analysis;
        let mut changed = false;
        let articles: Vec<ArticleAnalysis> = syntax
            .articles
            .iter()
            .zip(articles)
            .map(|(article_syntax, article)| {
                if !lexicon.matches_in(&article.plain.text) {
                    return article;
                }
                changed = true;
                let title_end = article_syntax.title.map_or(0, |t| {
                    article.plain.to_plain(t.end).min(article.plain.text.len())
                });
                let recognized = self.recognizer().recognize(
                    &ArticleText {
                        text: &article.plain.text,
                        title: TextRange::new(0, title_end),
                        date: article_syntax.date(),
                    },
                    lexicon,
                );
                ArticleAnalysis {
                    plain: article.plain,
                    recognized: Arc::new(recognized),
                }
            })
            .collect();
        if changed {
            self.assemble(syntax, articles)
        } else {
            FileAnalysis {
                syntax,
                articles,
                diagnostics,
                checks,
            }
        }
    }

    /// Analyses an already parsed file.
    pub fn analyze_syntax(
        &self,
        text: &str,
        file_syntax: FileSyntax,
        lexicon: &Lexicon,
        depth: Depth,
    ) -> FileAnalysis {
        let articles: Vec<ArticleAnalysis> = file_syntax
            .articles
            .iter()
            .map(|article| self.analyze_article(text, &file_syntax, article, lexicon, depth))
            .collect();
        self.assemble(file_syntax, articles)
    }

    /// Validates a file whose articles are already analysed (some perhaps reused from an
    /// earlier version of the file) and applies the configured severities.
    pub fn assemble(
        &self,
        file_syntax: FileSyntax,
        articles: Vec<ArticleAnalysis>,
    ) -> FileAnalysis {
        let mut checks = Vec::new();
        validate::validate(
            &validate::Input {
                syntax: &file_syntax,
                articles: &articles,
                analyzer: self,
            },
            &mut checks,
        );
        sort_diagnostics(&mut checks);
        self.assemble_checked(file_syntax, articles, checks)
    }

    /// Validates the articles `articles` of a file (and their tags) and no others.
    /// The diagnostics come sorted by position.
    pub fn validate_articles(
        &self,
        file_syntax: &FileSyntax,
        analyses: &[ArticleAnalysis],
        articles: std::ops::Range<usize>,
    ) -> Vec<Diagnostic> {
        let tags = match (
            file_syntax.articles.get(articles.start),
            articles
                .end
                .checked_sub(1)
                .and_then(|i| file_syntax.articles.get(i)),
        ) {
            (Some(first), Some(last)) if !articles.is_empty() => first.tags.start..last.tags.end,
            _ => 0..0,
        };
        let mut checks = Vec::new();
        validate::validate_part(
            &validate::Input {
                syntax: file_syntax,
                articles: analyses,
                analyzer: self,
            },
            tags,
            articles,
            &mut checks,
        );
        sort_diagnostics(&mut checks);
        checks
    }

    /// A file's analysis from its syntax, its articles and what validation found.
    pub fn assemble_checked(
        &self,
        file_syntax: FileSyntax,
        articles: Vec<ArticleAnalysis>,
        checks: Vec<Diagnostic>,
    ) -> FileAnalysis {
        let mut diagnostics: Vec<Diagnostic> = self
            .config
            .apply_severities(
                file_syntax
                    .diagnostics
                    .iter()
                    .chain(&checks)
                    .cloned()
                    .collect(),
            )
            .into_iter()
            .filter(|d| {
                d.code != crate::DiagnosticCode::NoncanonicalDate || self.config.strict_date_marker
            })
            .collect();
        sort_diagnostics(&mut diagnostics);
        FileAnalysis {
            syntax: file_syntax,
            articles,
            diagnostics,
            checks,
        }
    }

    /// Strips and recognises one article.
    pub fn analyze_article(
        &self,
        text: &str,
        file_syntax: &FileSyntax,
        article: &ArticleSyntax,
        lexicon: &Lexicon,
        depth: Depth,
    ) -> ArticleAnalysis {
        let start = article.title.map_or(article.range.start, |t| t.start);
        let end = article.content_end().max(start);
        let plain = syntax::strip_range(text, file_syntax, TextRange::new(start, end));
        let title_end = article
            .title
            .map_or(0, |t| plain.to_plain(t.end).min(plain.text.len()));
        let article_text = ArticleText {
            text: &plain.text,
            title: TextRange::new(0, title_end),
            date: article.date(),
        };
        let recognized = match depth {
            Depth::Diagnostics if !self.validation_reads_dates(file_syntax, article) => {
                crate::recognize::Recognized::default()
            }
            Depth::Dates | Depth::Diagnostics => crate::recognize::Recognized {
                mentions: crate::recognize::temporal::find_dates(&plain.text, article.date()),
                acronyms: Vec::new(),
            },
            Depth::Full => self.recognizer().recognize(&article_text, lexicon),
        };
        ArticleAnalysis {
            plain,
            recognized: Arc::new(recognized),
        }
    }

    /// Whether validating the article's tags reads what was recognised in it: only a
    /// date value (an attribute of kind timex) is compared with the resolved dates.
    fn validation_reads_dates(&self, file_syntax: &FileSyntax, article: &ArticleSyntax) -> bool {
        let tags = file_syntax
            .tags
            .get(article.tags.clone())
            .unwrap_or_default();
        tags.iter().any(|tag| {
            let Some(def) = self.config.schema.get(&tag.type_name) else {
                return false;
            };
            tag.attributes.iter().any(|attr| {
                def.attribute(&attr.name)
                    .is_some_and(|a| matches!(a.kind, crate::kb::AttrKind::Timex))
            })
        })
    }

    /// The diagnostics of a file, as `accord check` reports them.
    pub fn check_file(&self, text: &str) -> Vec<Diagnostic> {
        self.analyze_with(text, &Lexicon::default(), Depth::Diagnostics)
            .diagnostics
    }
}

/// Orders diagnostics by position; the sort is stable, so ties keep their order.
fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.code));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::{EntityType, LearnedForm};

    /// Teaching an analysis gives what analysing with the lexicon gives, article by
    /// article, also where no learned form occurs.
    #[test]
    fn teaching_an_analysis_equals_analysing_with_the_lexicon() {
        let analyzer = Analyzer::with_defaults();
        let text = "-\nHarbour Plan\nThe Velmar Port Authority met in Busan on Monday. date2025-03-04\n\
                    -\nOther News\nNothing of the sort happened on Tuesday. date2025-03-05\n";
        let lexicon = Lexicon::new(vec![LearnedForm {
            surface: "Velmar Port Authority".to_owned(),
            ty: EntityType::Org,
            key: Some("vpa".to_owned()),
            origin: None,
        }]);
        let taught = analyzer.teach(analyzer.analyze(text), &lexicon);
        let direct = analyzer.analyze_with(text, &lexicon, Depth::Full);
        let mentions = |analysis: &FileAnalysis| -> Vec<crate::recognize::Recognized> {
            analysis
                .articles
                .iter()
                .map(|a| (*a.recognized).clone())
                .collect()
        };
        assert_eq!(mentions(&taught), mentions(&direct));
        assert_eq!(taught.diagnostics, direct.diagnostics);
        assert!(
            taught.articles[0]
                .recognized
                .mentions
                .iter()
                .any(|m| m.key.as_deref() == Some("vpa")),
            "the learned form is recognised"
        );
    }
}
