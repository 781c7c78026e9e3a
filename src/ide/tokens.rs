//! Semantic tokens: entity mentions, the pieces of tag syntax, separators, titles and
//! date markers, as sorted, non-overlapping, single-line ranges.

use std::collections::BTreeMap;

use crate::recognize::EntityType;
use crate::text::TextRange;
use crate::workspace::{FileSnapshot, MentionSource, WorkspaceSnapshot};

use super::{SemanticToken, TokenModifier, TokenType};

/// Painted ranges by start; a token painted later only fills what is still free, so the
/// order of painting is the order of priority.
#[derive(Default)]
struct Canvas {
    painted: BTreeMap<usize, SemanticToken>,
}

impl Canvas {
    fn paint(&mut self, range: TextRange, ty: TokenType, modifiers: u32) {
        if range.is_empty() {
            return;
        }
        // The painted tokens that overlap `range`, whose gaps are still free.
        let mut free_start = range.start;
        let mut pieces = Vec::new();
        let first = self
            .painted
            .range(..range.start)
            .next_back()
            .filter(|(_, t)| t.range.end > range.start)
            .map(|(&s, _)| s)
            .unwrap_or(range.start);
        for (_, token) in self.painted.range(first..range.end) {
            if token.range.start > free_start {
                pieces.push(TextRange::new(free_start, token.range.start.min(range.end)));
            }
            free_start = free_start.max(token.range.end);
        }
        if free_start < range.end {
            pieces.push(TextRange::new(free_start, range.end));
        }
        for piece in pieces {
            self.painted.insert(
                piece.start,
                SemanticToken {
                    range: piece,
                    ty,
                    modifiers,
                },
            );
        }
    }
}

/// The token of a mention's type; a workspace's own entity types share one.
fn entity_token(ty: &str, schema: &crate::kb::schema::Schema) -> Option<TokenType> {
    let Some(ty) = EntityType::from_name(ty) else {
        return schema
            .get(ty)
            .is_some_and(|def| def.is_entity)
            .then_some(TokenType::Entity);
    };
    Some(match ty {
        EntityType::Org => TokenType::Org,
        EntityType::Person => TokenType::Person,
        EntityType::Place => TokenType::Place,
        EntityType::Agreement => TokenType::Agreement,
        EntityType::Event => TokenType::Event,
        EntityType::Date => TokenType::Date,
        EntityType::Money => TokenType::Money,
        EntityType::Percent => TokenType::Percent,
        EntityType::Custom(_) => TokenType::Entity,
    })
}

/// A one-byte token when the text there is the expected character, so malformed input
/// never yields a token on the wrong character.
fn punctuation(text: &str, at: usize, expected: u8) -> Option<TextRange> {
    (text.as_bytes().get(at) == Some(&expected)).then(|| TextRange::new(at, at + 1))
}

pub fn semantic_tokens(
    snap: &WorkspaceSnapshot,
    file: crate::workspace::FileId,
    range: Option<TextRange>,
) -> Vec<SemanticToken> {
    let Some(file) = snap.file(file) else {
        return Vec::new();
    };
    let schema = &snap.analyzer.config.schema;
    let Some(analysis) = snap.analysis(file) else {
        return Vec::new();
    };
    let file = (&**file, &*analysis);
    let mut canvas = Canvas::default();
    match range {
        None => paint_items(file, schema, &|_| true, &mut |item, ty, modifiers| {
            canvas.paint(item, ty, modifiers)
        }),
        Some(range) => {
            // A token in `range` is a piece of an item that overlaps `range`, cut by the
            // items painted before it that overlap that item. All of those overlap the
            // hull of the items that overlap `range`, so painting only the items that
            // overlap that hull gives the tokens of the whole file, without painting
            // the whole file.
            let mut hull = range;
            paint_items(
                file,
                schema,
                &|item| item.intersects(range),
                &mut |item, _, _| hull = hull.cover(item),
            );
            paint_items(
                file,
                schema,
                &|item| item.intersects(hull),
                &mut |item, ty, modifiers| canvas.paint(item, ty, modifiers),
            );
        }
    }
    let text = &*file.0.text;
    let mut tokens = Vec::new();
    for token in canvas.painted.into_values() {
        crate::cancel::check();
        if let Some(range) = range
            && !token.range.intersects(range)
        {
            continue;
        }
        // Tokens are single-line: split at line ends and drop the line-end bytes.
        let mut start = token.range.start;
        let slice = text.get(token.range.start..token.range.end).unwrap_or("");
        for (i, byte) in slice.bytes().enumerate() {
            if byte == b'\n' || byte == b'\r' {
                let at = token.range.start + i;
                if at > start {
                    tokens.push(SemanticToken {
                        range: TextRange::new(start, at),
                        ..token
                    });
                }
                start = at + 1;
            }
        }
        if token.range.end > start {
            tokens.push(SemanticToken {
                range: TextRange::new(start, token.range.end),
                ..token
            });
        }
    }
    tokens
}

/// Gives `paint` the file's items (tag syntax, date markers, mentions, separators,
/// titles) in the order of their priority, leaving out those whose range `keep`
/// refuses; the order of the others does not depend on which are left out.
fn paint_items(
    (file, analysis): (&FileSnapshot, &crate::analysis::FileAnalysis),
    schema: &crate::kb::schema::Schema,
    keep: &dyn Fn(TextRange) -> bool,
    paint: &mut dyn FnMut(TextRange, TokenType, u32),
) {
    let text = &*file.text;
    let syntax = &analysis.syntax;
    // Tag syntax first: it cuts the spans of the tags around it.
    for tag in syntax
        .tags
        .iter()
        .filter(|t| t.type_range.is_some() && keep(t.range))
    {
        let brackets = [
            punctuation(text, tag.range.start, b'['),
            punctuation(text, tag.span.end, b']'),
            punctuation(text, tag.span.end + 1, b'{'),
            tag.range
                .end
                .checked_sub(1)
                .and_then(|at| punctuation(text, at, b'}')),
        ];
        let markup = TokenModifier::TagSyntax.bit();
        for bracket in brackets.into_iter().flatten() {
            paint(bracket, TokenType::TagBracket, markup);
        }
        if let Some(type_range) = tag.type_range {
            paint(type_range, TokenType::TagType, markup);
        }
        for attr in &tag.attributes {
            paint(attr.name_range, TokenType::AttributeName, markup);
            if let Some(value) = attr.value_range {
                paint(value, TokenType::AttributeValue, markup);
            }
        }
        // The rest of `{…}` (spaces, `=`) too, so that a reading mode dims the whole
        // block and not only its words.
        if tag.span.end < tag.range.end {
            paint(
                TextRange::new(tag.span.end, tag.range.end),
                TokenType::TagBracket,
                markup,
            );
        }
    }
    for marker in syntax.articles.iter().flat_map(|a| &a.dates) {
        if keep(marker.range) {
            paint(marker.range, TokenType::DateMarker, 0);
        }
    }
    // Innermost mentions first, so a nested tag keeps its own type. The sort is
    // stable, so leaving mentions out keeps the order of the others.
    let mut mentions: Vec<_> = file.mentions().filter(|m| keep(m.range)).collect();
    mentions.sort_by_key(|m| m.range.len());
    for mention in mentions {
        let Some(ty) = entity_token(mention.ty(), schema) else {
            continue;
        };
        let mut modifiers = match mention.source {
            MentionSource::Tag => TokenModifier::Tagged.bit(),
            MentionSource::Recognized => TokenModifier::Recognized.bit(),
        };
        if ty == TokenType::Date && mention.value().is_none() {
            modifiers |= TokenModifier::Unresolved.bit();
        }
        paint(mention.range, ty, modifiers);
    }
    for separator in syntax.separators.iter().filter(|r| keep(**r)) {
        paint(*separator, TokenType::Separator, 0);
    }
    for title in syntax
        .articles
        .iter()
        .filter_map(|a| a.title)
        .filter(|r| keep(*r))
    {
        paint(title, TokenType::Title, 0);
    }
}
