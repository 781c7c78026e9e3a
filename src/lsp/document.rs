//! Open documents: the editor's text in a rope, and incremental changes applied to it.
//!
//! A change arrives as a protocol range over the text as it was before the change;
//! the rope converts it to a byte range in time logarithmic in the document size, so
//! typing in a file of many megabytes stays cheap.

use std::path::PathBuf;

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range};

use crate::text::{TextRange, WideEncoding};
use crate::workspace::FileId;

use super::from_proto::PositionEncoding;

/// A document the editor has open.
pub struct Document {
    pub rope: Rope,
    pub version: i32,
    pub path: PathBuf,
    pub file: FileId,
}

impl Document {
    /// The byte offset of a position in the current text. Columns past the end of a line
    /// clamp to the line end (before a CR of a CRLF); lines past the last clamp to the
    /// end of the text; a column inside a character rounds down to its start.
    pub fn offset(&self, encoding: PositionEncoding, position: Position) -> usize {
        rope_offset(&self.rope, encoding, position)
    }

    /// The byte range of a protocol range; `None` when its end precedes its start.
    pub fn text_range(&self, encoding: PositionEncoding, range: Range) -> Option<TextRange> {
        if (range.end.line, range.end.character) < (range.start.line, range.start.character) {
            return None;
        }
        let start = self.offset(encoding, range.start);
        let end = self.offset(encoding, range.end).max(start);
        Some(TextRange::new(start, end))
    }

    /// Replaces a byte range (on char boundaries, as `text_range` gives) with `text`.
    pub fn replace(&mut self, range: TextRange, text: &str) {
        let len = self.rope.len_bytes();
        let start = self.rope.byte_to_char(range.start.min(len));
        let end = self.rope.byte_to_char(range.end.min(len)).max(start);
        self.rope.remove(start..end);
        self.rope.insert(start, text);
    }
}

/// See [`Document::offset`]. The rope counts only LF as a line end, like `LineIndex`.
pub fn rope_offset(rope: &Rope, encoding: PositionEncoding, position: Position) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start = rope.line_to_char(line);
    let mut line_end = if line + 1 < rope.len_lines() {
        rope.line_to_char(line + 1).saturating_sub(1)
    } else {
        rope.len_chars()
    };
    if line_end > line_start && rope.char(line_end - 1) == '\r' {
        line_end -= 1;
    }
    let col = position.character as usize;
    let char_idx = match encoding {
        PositionEncoding::Utf8 => {
            let byte = rope
                .char_to_byte(line_start)
                .saturating_add(col)
                .min(rope.len_bytes());
            rope.byte_to_char(byte)
        }
        PositionEncoding::Wide(WideEncoding::Utf16) => {
            let unit = rope
                .char_to_utf16_cu(line_start)
                .saturating_add(col)
                .min(rope.len_utf16_cu());
            rope.utf16_cu_to_char(unit)
        }
        PositionEncoding::Wide(WideEncoding::Utf32) => line_start.saturating_add(col),
    };
    rope.char_to_byte(char_idx.clamp(line_start, line_end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    const UTF16: PositionEncoding = PositionEncoding::Wide(WideEncoding::Utf16);

    #[test]
    fn utf16_columns_count_surrogate_pairs_and_round_down_inside_them() {
        let rope = Rope::from_str("a\u{1F600}b\r\nx–é\n");
        assert_eq!(rope_offset(&rope, UTF16, pos(0, 1)), 1);
        // Inside the emoji's surrogate pair: the emoji's start.
        assert_eq!(rope_offset(&rope, UTF16, pos(0, 2)), 1);
        assert_eq!(rope_offset(&rope, UTF16, pos(0, 3)), 5);
        // Past the end of a CRLF line: before the CR.
        assert_eq!(rope_offset(&rope, UTF16, pos(0, 99)), 6);
        assert_eq!(rope_offset(&rope, UTF16, pos(1, 2)), 8 + 1 + 3);
        assert_eq!(rope_offset(&rope, PositionEncoding::Utf8, pos(1, 4)), 8 + 4);
        // Inside the en dash's bytes: its start.
        assert_eq!(rope_offset(&rope, PositionEncoding::Utf8, pos(1, 2)), 8 + 1);
        assert_eq!(rope_offset(&rope, UTF16, pos(7, 0)), rope.len_bytes());
    }

    #[test]
    fn replacing_ranges_keeps_the_rope_in_step_with_a_string() {
        let mut doc = Document {
            rope: Rope::from_str("Tariffs – é\u{1F600}\nend"),
            version: 0,
            path: PathBuf::new(),
            file: FileId(0),
        };
        let mut expected = doc.rope.to_string();
        let edits = [
            (Range::new(pos(0, 10), pos(0, 12)), "X"),
            (Range::new(pos(0, 0), pos(0, 0)), "\u{1F30D} "),
            (Range::new(pos(0, 11), pos(1, 1)), ""),
        ];
        for (range, text) in edits {
            let bytes = doc.text_range(UTF16, range).expect("ordered range");
            expected.replace_range(bytes.start..bytes.end, text);
            doc.replace(bytes, text);
            assert_eq!(doc.rope.to_string(), expected);
        }
        assert_eq!(expected, "\u{1F30D} Tariffs nd");
        let reversed = Range::new(pos(0, 3), pos(0, 1));
        assert_eq!(doc.text_range(UTF16, reversed), None);
    }
}
