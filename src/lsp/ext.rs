//! The protocol's extensions: requests of accord's own, with their wire types.

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types as lsp;

/// `accord/entityTimeline`: the articles that mention the entity at a position, oldest
/// first.
pub enum EntityTimeline {}

impl lsp::request::Request for EntityTimeline {
    type Params = lsp::TextDocumentPositionParams;
    type Result = Vec<TimelineItem>;
    const METHOD: &'static str = "accord/entityTimeline";
}

/// One article on an entity's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineItem {
    pub uri: lsp::Uri,
    /// The article's first mention of the entity.
    pub range: lsp::Range,
    pub title: String,
    /// `YYYY-MM-DD`, or null for an article without a date.
    pub date: Option<String>,
    pub mentions: usize,
}
