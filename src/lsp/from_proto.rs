//! Conversions from protocol values (positions, ranges, URIs) to the core's byte offsets
//! and paths, in the position encoding negotiated with the client.

use std::path::PathBuf;

use tower_lsp_server::ls_types::{Position, Range, Uri};

use crate::text::{LineCol, LineIndex, TextRange, WideEncoding};

/// The unit of a column that the client and the server agreed on at initialisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionEncoding {
    /// Columns count UTF-8 bytes: the core's own unit, offered by some clients.
    Utf8,
    /// Columns count UTF-16 code units (the protocol's default) or scalar values.
    Wide(WideEncoding),
}

/// A file's text with what position conversion needs: its line index, the encoding,
/// and whether the editor shows the file without its byte order mark (a file read
/// from disk: editors drop the mark from the buffer, so its columns on the first line
/// count from after it).
#[derive(Clone, Copy)]
pub struct LineMap<'a> {
    pub text: &'a str,
    pub line_index: &'a LineIndex,
    pub encoding: PositionEncoding,
    pub hides_bom: bool,
}

const BOM: char = '\u{feff}';

impl LineMap<'_> {
    /// The width of a hidden byte order mark on `line`, in the encoding's units.
    pub(crate) fn bom_width(&self, line: u32) -> u32 {
        if line != 0 || !self.hides_bom || !self.text.starts_with(BOM) {
            return 0;
        }
        match self.encoding {
            PositionEncoding::Utf8 => BOM.len_utf8() as u32,
            PositionEncoding::Wide(_) => 1,
        }
    }

    /// The byte offset of a position. A column past the end of its line clamps to the
    /// line end (before a CR of a CRLF); a line past the last one clamps to the end of
    /// the text; a column inside a character rounds down to its start.
    pub fn offset(&self, position: Position) -> usize {
        let Some(range) = self.line_index.line_range(position.line) else {
            return self.text.len();
        };
        let col = position.col_with_bom(self.bom_width(position.line));
        let byte_col = match self.encoding {
            PositionEncoding::Utf8 => col as usize,
            PositionEncoding::Wide(encoding) => {
                let line_col = LineCol {
                    line: position.line,
                    col,
                };
                self.line_index.to_utf8(encoding, line_col).col as usize
            }
        };
        let mut line_end = range.end.min(self.text.len());
        if line_end > range.start && self.text.as_bytes().get(line_end - 1) == Some(&b'\r') {
            line_end -= 1;
        }
        let mut offset = range.start.saturating_add(byte_col).min(line_end);
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The byte range of a protocol range; `None` when its end precedes its start.
    pub fn text_range(&self, range: Range) -> Option<TextRange> {
        if (range.end.line, range.end.character) < (range.start.line, range.start.character) {
            return None;
        }
        let start = self.offset(range.start);
        let end = self.offset(range.end).max(start);
        Some(TextRange::new(start, end))
    }
}

trait ColWithBom {
    fn col_with_bom(&self, bom_width: u32) -> u32;
}

impl ColWithBom for Position {
    /// The column counted from the true start of the line, a hidden mark included.
    fn col_with_bom(&self, bom_width: u32) -> u32 {
        self.character.saturating_add(bom_width)
    }
}

/// The local path of a `file:` URI.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path().map(|path| path.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const UTF16: PositionEncoding = PositionEncoding::Wide(WideEncoding::Utf16);

    fn map<'a>(
        text: &'a str,
        index: &'a LineIndex,
        encoding: PositionEncoding,
        hides_bom: bool,
    ) -> LineMap<'a> {
        LineMap {
            text,
            line_index: index,
            encoding,
            hides_bom,
        }
    }

    /// Every char boundary converts to a position and back to itself, in every
    /// encoding, with and without a hidden mark.
    #[test]
    fn offsets_round_trip_through_positions() {
        let text = "\u{feff}Korea–UK \u{1F600} café\r\nsecond \u{1F30D}\r\n\nlast";
        let index = LineIndex::new(text);
        for encoding in [
            UTF16,
            PositionEncoding::Utf8,
            PositionEncoding::Wide(WideEncoding::Utf32),
        ] {
            for hides_bom in [false, true] {
                let map = map(text, &index, encoding, hides_bom);
                for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                    if hides_bom && offset == 0 {
                        // The mark itself has no position of its own in the editor.
                        continue;
                    }
                    if text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
                        // Between CR and LF: no position names it.
                        continue;
                    }
                    let position = map.position(offset);
                    assert_eq!(
                        map.offset(position),
                        offset,
                        "{encoding:?} hides_bom={hides_bom} offset {offset} at {position:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn positions_count_the_clients_units() {
        let text = "\u{feff}Korea–UK \u{1F600} café\r\nx";
        let index = LineIndex::new(text);
        let cafe = text.find("café").expect("present");
        let shown = map(text, &index, UTF16, true);
        // Korea(5) –(1) UK(2) space(1) emoji(2) space(1): the mark is hidden.
        assert_eq!(shown.position(cafe), Position::new(0, 12));
        let sent = map(text, &index, UTF16, false);
        assert_eq!(sent.position(cafe), Position::new(0, 13));
        let bytes = map(text, &index, PositionEncoding::Utf8, true);
        assert_eq!(bytes.position(cafe), Position::new(0, (cafe - 3) as u32));
        // Past the end of a CRLF line: before the CR; past the last line: the end.
        let line_end = text.find('\r').expect("CR");
        assert_eq!(sent.offset(Position::new(0, 500)), line_end);
        assert_eq!(sent.offset(Position::new(9, 0)), text.len());
        // Inside a surrogate pair: the emoji's start.
        let emoji = text.find('\u{1F600}').expect("emoji");
        assert_eq!(sent.offset(Position::new(0, 11)), emoji);
        let reversed = Range::new(Position::new(1, 0), Position::new(0, 3));
        assert_eq!(sent.text_range(reversed), None);
    }
}
