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
