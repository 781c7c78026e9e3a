//! Recognition: finds entities, dates, amounts and acronym definitions in the plain
//! text of one article.
//!
//! Rules and gazetteers only. The input is an article's plain text (tags stripped) and
//! its date; the output is mentions with byte ranges into that text. Workspace-wide
//! knowledge (tags elsewhere, acronyms defined in other articles) comes in through a
//! [`Lexicon`].

pub mod acronyms;
pub mod cues;
pub mod entities;
pub mod gazetteer;
pub mod heads;
pub mod lists;
pub mod normalize;
pub mod numeric;
pub mod people;
pub mod teaching;
pub mod temporal;
pub mod tokens;

use std::sync::Arc;

use serde::Serialize;

use crate::kb::KnowledgeBase;
use crate::text::TextRange;

/// The eight types of the default schema (docs/format.md §3), and the entity types a workspace
/// declares in `accord.toml` (`entity = true`), by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityType {
    Org,
    Person,
    Place,
    Agreement,
    Event,
    Date,
    Money,
    Percent,
    /// A workspace's own entity type; see [`EntityType::custom`].
    Custom(&'static str),
}

impl Serialize for EntityType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The names of workspace entity types, each kept once for the life of the process so
/// that [`EntityType`] stays `Copy`. Configurations declare a handful.
static CUSTOM_TYPES: parking_lot::Mutex<Vec<&'static str>> = parking_lot::Mutex::new(Vec::new());

impl EntityType {
    pub const ALL: [EntityType; 8] = [
        EntityType::Org,
        EntityType::Person,
        EntityType::Place,
        EntityType::Agreement,
        EntityType::Event,
        EntityType::Date,
        EntityType::Money,
        EntityType::Percent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Org => "org",
            EntityType::Person => "person",
            EntityType::Place => "place",
            EntityType::Agreement => "agreement",
            EntityType::Event => "event",
            EntityType::Date => "date",
            EntityType::Money => "money",
            EntityType::Percent => "percent",
            EntityType::Custom(name) => name,
        }
    }

    /// One of the eight default types, by name.
    pub fn from_name(name: &str) -> Option<EntityType> {
        EntityType::ALL.into_iter().find(|ty| ty.as_str() == name)
    }

    /// The type of that name: a default type, or a workspace's entity type.
    pub fn custom(name: &str) -> EntityType {
        if let Some(ty) = EntityType::from_name(name) {
            return ty;
        }
        let mut names = CUSTOM_TYPES.lock();
        if let Some(&known) = names.iter().find(|&&known| known == name) {
            return EntityType::Custom(known);
        }
        let kept: &'static str = Box::leak(name.to_owned().into_boxed_str());
        names.push(kept);
        EntityType::Custom(kept)
    }

    /// Whether mentions of this type name a thing with a key, rather than a value.
    pub fn is_keyed(self) -> bool {
        matches!(
            self,
            EntityType::Org
                | EntityType::Person
                | EntityType::Place
                | EntityType::Agreement
                | EntityType::Event
                | EntityType::Custom(_)
        )
    }
}

/// The plain text of one article, as recognition sees it.
#[derive(Clone, Copy, Debug)]
pub struct ArticleText<'a> {
    /// The article from the first byte of its title to the end of its body, with tags
    /// stripped. The `dateYYYY-MM-DD` marker is not included.
    pub text: &'a str,
    /// The title line within `text`.
    pub title: TextRange,
    /// The article date, the reference for relative dates.
    pub date: Option<jiff::civil::Date>,
}

/// How precise a date value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Granularity {
    PartOfDay,
    Day,
    Week,
    Month,
    Season,
    Quarter,
    Half,
    Year,
    Decade,
    Century,
    Range,
    Duration,
    Present,
}

impl Granularity {
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::PartOfDay => "part of day",
            Granularity::Day => "day",
            Granularity::Week => "week",
            Granularity::Month => "month",
            Granularity::Season => "season",
            Granularity::Quarter => "quarter",
            Granularity::Half => "half year",
            Granularity::Year => "year",
            Granularity::Decade => "decade",
            Granularity::Century => "century",
            Granularity::Range => "range",
            Granularity::Duration => "duration",
            Granularity::Present => "present",
        }
    }
}

/// What recognition knows about a date mention.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DateInfo {
    /// The TIMEX3 value resolved against the article date; `None` when the expression
    /// is relative and the article has no date.
    pub value: Option<String>,
    /// The value before resolution, with `X` for what the text leaves open
    /// (e.g. `XXXX-12-10`, `THIS_YEAR+1`).
    pub underspecified: String,
    pub granularity: Granularity,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mention {
    pub range: TextRange,
    #[serde(rename = "type")]
    pub ty: EntityType,
    /// The entity key for keyed types: a knowledge-base key, a learned key, or a slug of
    /// the canonical name.
    pub key: Option<String>,
    /// The normalised value: TIMEX3 for dates, `USD 13700000000` for money, the number
    /// for percent.
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Box<DateInfo>>,
}

/// An acronym definition such as `Carbon Border Adjustment Mechanism (CBAM)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AcronymDef {
    pub short: String,
    pub long: String,
    pub short_range: TextRange,
    pub long_range: TextRange,
    /// The type and key the long form was recognised with, which every later mention of
    /// the short form takes.
    #[serde(rename = "type")]
    pub ty: Option<EntityType>,
    pub key: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Recognized {
    /// Non-overlapping, sorted by start.
    pub mentions: Vec<Mention>,
    pub acronyms: Vec<AcronymDef>,
}

/// A surface form learned from the workspace: a tagged span or an acronym defined in
/// another article, recognised with that type and key wherever it appears.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LearnedForm {
    pub surface: String,
    pub ty: EntityType,
    pub key: Option<String>,
    /// Where the form was learned (a file's path), for saying where a key came from.
    pub origin: Option<Arc<str>>,
}

/// Forms learned from the workspace, compiled for matching.
#[derive(Clone, Default)]
pub struct Lexicon {
    pub forms: Vec<LearnedForm>,
    /// The forms as a gazetteer, built once by [`Lexicon::new`].
    compiled: Option<Arc<gazetteer::Gazetteer>>,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("forms", &self.forms)
            .finish()
    }
}

impl Lexicon {
    /// Compiles the forms once; longer forms are tried first. A surface that two forms
    /// read differently (another type or key) is left out: see [`teaching`].
    pub fn new(forms: Vec<LearnedForm>) -> Lexicon {
        let keyed = teaching::unambiguous(&forms)
            .into_iter()
            .filter(|form| form.ty.is_keyed())
            .map(|form| (form.surface.clone(), form.ty, form.key.clone()));
        let compiled = gazetteer::Gazetteer::new(keyed);
        Lexicon {
            compiled: (!compiled.is_empty()).then(|| Arc::new(compiled)),
            forms,
        }
    }

    /// The compiled forms, or `None` when there are none.
    pub fn gazetteer(&self) -> Option<&gazetteer::Gazetteer> {
        self.compiled.as_deref()
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// Whether a learned form occurs in `text`: recognition of a text where none does is
    /// the same with this lexicon as without it.
    pub fn matches_in(&self, text: &str) -> bool {
        let Some(gazetteer) = self.gazetteer() else {
            return false;
        };
        let tokens = tokens::tokenize(text);
        let normalized = normalize::NormalizedText::new(text);
        !gazetteer.find(text, &normalized, &tokens).is_empty()
    }

    /// The form that taught `surface` with `key`, if the lexicon holds one: where a
    /// recognised mention's key came from.
    pub fn teacher(&self, surface: &str, key: &str) -> Option<&LearnedForm> {
        let target = self.gazetteer()?.lookup(surface)?;
        if target.key.as_deref() != Some(key) {
            return None;
        }
        let name = normalize::normalize(surface.trim());
        self.forms.iter().find(|form| {
            form.key.as_deref() == Some(key) && normalize::normalize(form.surface.trim()) == name
        })
    }
}

/// The part of an article that defines acronyms, and the part of the title in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefinitionSpan {
    /// From the start of the sentence of a definition to the parenthesis that closes
    /// the last definition of that sentence or of sentences after it, in the article's
    /// text.
    pub range: TextRange,
    /// The part of the article's title in the span, in the span's offsets.
    pub title: TextRange,
}

/// The sentences of an article that hold an acronym definition, each from its start
/// to the parenthesis that closes its last definition, in order. Recognising only these
/// types the article's acronyms almost always as recognising it whole does: a
/// definition never spans lines, its long form stops at a sentence break, and what
/// follows the parenthesis names nothing that ends where a long form ends. What a
/// workspace learns from an article before recognising it whole comes from these.
pub fn definition_spans(article: &ArticleText<'_>) -> Vec<DefinitionSpan> {
    let text = article.text;
    let mut spans: Vec<DefinitionSpan> = Vec::new();
    for definition in acronyms::find_definitions(text) {
        let first = definition.long.start.min(definition.short.start);
        let last = definition.long.end.max(definition.short.end);
        let line_end = text[last..]
            .find('\n')
            .map_or(text.len(), |newline| last + newline);
        let end = text[last..line_end]
            .find(')')
            .map_or(line_end, |close| last + close + 1);
        let start = sentence_start(text, first);
        // A later definition in the same sentence, or in one the span reaches, widens
        // the span.
        if let Some(span) = spans.last_mut().filter(|span| start <= span.range.end) {
            span.range.end = span.range.end.max(end);
            continue;
        }
        spans.push(DefinitionSpan {
            range: TextRange::new(start, end),
            title: TextRange::empty(0),
        });
    }
    for span in &mut spans {
        let title_start = article.title.start.max(span.range.start);
        let title_end = article.title.end.min(span.range.end);
        if title_start < title_end {
            span.title =
                TextRange::new(title_start - span.range.start, title_end - span.range.start);
        }
    }
    spans
}

/// Where the sentence holding byte `at` starts: after the last `.`, `!` or `?` before
/// it on its line that a space follows (closing quotes between), or at the line's
/// start. A period ends a sentence only after two lower-case letters or digits
/// (`said.`, `2024.`), not after `Mr.`, `No.` or `U.S.`, which sentences run on past.
fn sentence_start(text: &str, at: usize) -> usize {
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = &before[line_start..];
    let bytes = line.as_bytes();
    for (index, &byte) in bytes.iter().enumerate().rev() {
        if !matches!(byte, b'.' | b'!' | b'?') {
            continue;
        }
        let after = &line[index + 1..];
        let after_quotes = after.trim_start_matches(['"', '\'', '\u{201D}', '\u{2019}']);
        if !after_quotes.starts_with(' ') {
            continue;
        }
        let ends_word = |from_end: usize| {
            index
                .checked_sub(from_end)
                .and_then(|i| bytes.get(i))
                .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        };
        if byte != b'.' || (ends_word(1) && ends_word(2)) {
            let sentence = line.len() - after_quotes.len() + 1;
            return line_start + sentence;
        }
    }
    line_start
}

/// Texts of fewer than `longest` pieces, for property tests that compare two ways of
/// finding the same things.
#[cfg(test)]
pub(crate) fn texts_of_pieces(
    pieces: Vec<&'static str>,
    longest: usize,
) -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::strategy::Strategy;
    proptest::collection::vec(proptest::sample::select(pieces), 0..longest)
        .prop_map(|pieces| pieces.concat())
}

/// The recognisers, built once per knowledge base and shared across threads.
pub struct Recognizer {
    entities: entities::EntityRecognizer,
}

impl Recognizer {
    pub fn new(kb: &KnowledgeBase) -> Recognizer {
        Recognizer {
            entities: entities::EntityRecognizer::new(kb),
        }
    }

    /// Recognises everything in one article. Never fails; overlapping candidates are
    /// resolved so that the result is flat.
    pub fn recognize(&self, article: &ArticleText<'_>, lexicon: &Lexicon) -> Recognized {
        let tokens = tokens::tokenize(article.text);
        let dates = temporal::find_dates_in_tokens(article.text, &tokens, article.date);
        let amounts = numeric::find_amounts(article.text);
        self.entities
            .recognize(article, &tokens, lexicon, dates, amounts)
    }

    /// The acronyms an article defines, typed as [`Recognizer::recognize`] types them,
    /// but recognising only the sentences that hold a definition ([`definition_spans`]).
    pub fn defined_acronyms(
        &self,
        article: &ArticleText<'_>,
        lexicon: &Lexicon,
    ) -> Vec<AcronymDef> {
        let mut found = Vec::new();
        for span in definition_spans(article) {
            let text = ArticleText {
                text: &article.text[span.range.start..span.range.end],
                title: span.title,
                date: article.date,
            };
            for mut acronym in self.recognize(&text, lexicon).acronyms {
                acronym.short_range = acronym.short_range.shifted(span.range.start);
                acronym.long_range = acronym.long_range.shifted(span.range.start);
                found.push(acronym);
            }
        }
        found
    }

    /// Recognises only dates: what checking needs, at a fraction of the cost.
    pub fn recognize_dates(&self, article: &ArticleText<'_>) -> Recognized {
        Recognized {
            mentions: temporal::find_dates(article.text, article.date),
            acronyms: Vec::new(),
        }
    }
}

#[cfg(test)]
mod definition_span_tests {
    use super::*;

    /// Each definition span's text, with the part of the title in it in brackets.
    fn spans(text: &str, title_end: usize) -> String {
        let article = ArticleText {
            text,
            title: TextRange::new(0, title_end),
            date: None,
        };
        definition_spans(&article)
            .iter()
            .map(|found| {
                let span = &text[found.range.start..found.range.end];
                let title = found.title;
                if title.is_empty() {
                    return span.to_owned();
                }
                format!(
                    "{}[{}]{}",
                    &span[..title.start],
                    &span[title.start..title.end],
                    &span[title.end..]
                )
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn definition_spans_run_from_the_sentence_start_to_the_last_closing_parenthesis() {
        let title = "Velmar Port Authority (VPA) Opens Office";
        let body = "Exports rose. The Velmar Trade Council (VTC, chair Ana Ruiz) met \
                    the Harbour Board (HB) today.\nNo acronym here.\n\
                    Prices fell 3 percent in 2024. Mr. Ruiz of the U.S. Freight Agency (USFA) \
                    said so. “We agree,” said the Coastal Freight Agency (CFA)! The Dock \
                    Union (DU) did not. Nor did the Pilots’ Guild (PG).";
        let text = format!("{title}\n{body}");
        expect_test::expect!["[Velmar Port Authority (VPA)] | The Velmar Trade Council (VTC, chair Ana Ruiz) met the Harbour Board (HB) | Mr. Ruiz of the U.S. Freight Agency (USFA) | “We agree,” said the Coastal Freight Agency (CFA) | The Dock Union (DU) | Nor did the Pilots’ Guild (PG)"]
        .assert_eq(&spans(&text, title.len()));
    }

    #[test]
    fn acronyms_typed_in_their_sentences_are_those_of_the_whole_article() {
        let recognizer = Recognizer::new(&KnowledgeBase::default());
        let text = "Port Deal Signed\nThe Velmar Port Authority (VPA) and the Ministry of \
                    Trade (MOT) met.\nThe VPA said the Coastal Freight Agreement (CFA) holds.";
        let article = ArticleText {
            text,
            title: TextRange::new(0, 16),
            date: None,
        };
        let lexicon = Lexicon::default();
        let whole = recognizer.recognize(&article, &lexicon).acronyms;
        assert_eq!(whole.len(), 3, "{whole:?}");
        assert_eq!(recognizer.defined_acronyms(&article, &lexicon), whole);
    }
}
