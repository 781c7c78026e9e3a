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

    /// Recognises only dates: what checking needs, at a fraction of the cost.
    pub fn recognize_dates(&self, article: &ArticleText<'_>) -> Recognized {
        Recognized {
            mentions: temporal::find_dates(article.text, article.date),
            acronyms: Vec::new(),
        }
    }
}
