//! Semantic tokens in the protocol's relative encoding, and the delta between two
//! results of the same document.

use tower_lsp_server::ls_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokensEdit,
    SemanticTokensLegend,
};

use crate::ide::{self, TokenModifier, TokenType};

use super::from_proto::LineMap;

/// The legend: token type and modifier names in the order their indices refer to.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TokenType::ALL
            .iter()
            .map(|ty| SemanticTokenType::new(ty.as_str()))
            .collect(),
        token_modifiers: TokenModifier::ALL
            .iter()
            .map(|modifier| SemanticTokenModifier::new(modifier.as_str()))
            .collect(),
    }
}

/// Encodes sorted, single-line tokens relative to each other. Tokens that would go
/// backwards or are empty in the client's units are dropped rather than sent malformed.
pub fn encode(tokens: &[ide::SemanticToken], map: &LineMap) -> Vec<SemanticToken> {
    let mut encoded = Vec::with_capacity(tokens.len());
    let (mut prev_line, mut prev_start) = (0u32, 0u32);
    for token in tokens {
        let start = map.position(token.range.start);
        let end = map.position(token.range.end);
        if end.line != start.line || end.character <= start.character {
            continue;
        }
        if (start.line, start.character) < (prev_line, prev_start) {
            continue;
        }
        let delta_line = start.line - prev_line;
        let delta_start = if delta_line == 0 {
            start.character - prev_start
        } else {
            start.character
        };
        encoded.push(SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: token.ty.index(),
            token_modifiers_bitset: token.modifiers,
        });
        prev_line = start.line;
        prev_start = start.character;
    }
    encoded
}

/// The edits that turn `old` into `new`: one replacement of the differing middle,
/// after the common prefix and before the common suffix (none when equal). Starts and
/// delete counts are in integers, five per token, as the protocol counts them.
pub fn delta(old: &[SemanticToken], new: &[SemanticToken]) -> Vec<SemanticTokensEdit> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let deleted = old.len() - prefix - suffix;
    let inserted = &new[prefix..new.len() - suffix];
    if deleted == 0 && inserted.is_empty() {
        return Vec::new();
    }
    vec![SemanticTokensEdit {
        start: (prefix * 5) as u32,
        delete_count: (deleted * 5) as u32,
        data: (!inserted.is_empty()).then(|| inserted.to_vec()),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(delta_line: u32, delta_start: u32, length: u32) -> SemanticToken {
        SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: 0,
            token_modifiers_bitset: 0,
        }
    }

    /// Applies edits as a client does, to check that they reproduce the new result.
    fn apply(old: &[SemanticToken], edits: &[SemanticTokensEdit]) -> Vec<SemanticToken> {
        let mut flat: Vec<u32> = old
            .iter()
            .flat_map(|t| {
                [
                    t.delta_line,
                    t.delta_start,
                    t.length,
                    t.token_type,
                    t.token_modifiers_bitset,
                ]
            })
            .collect();
        for edit in edits.iter().rev() {
            let start = edit.start as usize;
            let end = start + edit.delete_count as usize;
            let data: Vec<u32> = edit
                .data
                .iter()
                .flatten()
                .flat_map(|t| {
                    [
                        t.delta_line,
                        t.delta_start,
                        t.length,
                        t.token_type,
                        t.token_modifiers_bitset,
                    ]
                })
                .collect();
            flat.splice(start..end, data);
        }
        flat.chunks(5)
            .map(|c| SemanticToken {
                delta_line: c[0],
                delta_start: c[1],
                length: c[2],
                token_type: c[3],
                token_modifiers_bitset: c[4],
            })
            .collect()
    }

    #[test]
    fn deltas_reproduce_the_new_tokens() {
        let a = token(0, 1, 2);
        let b = token(1, 0, 3);
        let c = token(0, 5, 1);
        let d = token(2, 2, 2);
        let cases: [(Vec<SemanticToken>, Vec<SemanticToken>); 6] = [
            (vec![a, b, c], vec![a, b, c]),
            (vec![a, b, c], vec![a, d, c]),
            (vec![a, b, c], vec![a, c]),
            (vec![a, c], vec![a, b, c]),
            (vec![], vec![a, b]),
            (vec![a, a, a], vec![a, a]),
        ];
        for (old, new) in cases {
            let edits = delta(&old, &new);
            assert_eq!(apply(&old, &edits), new, "{old:?} -> {new:?}");
            assert!(edits.len() <= 1);
            if old == new {
                assert!(edits.is_empty());
            }
        }
        let edits = delta(&[a, b, c], &[a, d, c]);
        assert_eq!((edits[0].start, edits[0].delete_count), (5, 5));
    }
}
