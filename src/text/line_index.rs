//! Maps byte offsets to lines and columns and back.
//!
//! Columns come in three units: UTF-8 bytes (the internal one), Unicode scalar values
//! (what the command line prints), and UTF-16 code units (the LSP default). Lines of
//! many megabytes occur in scraped text, so conversions binary-search per-line tables of
//! non-ASCII characters instead of walking the line.

use std::ops::Range;

/// A zero-based line and a zero-based column whose unit depends on the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// The units of a column other than UTF-8 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WideEncoding {
    /// Unicode scalar values: what a person counts as characters.
    Utf32,
    /// UTF-16 code units: the LSP default.
    Utf16,
}

/// A non-ASCII character on a line, with the running totals needed to convert columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WideChar {
    /// Byte offset of the character from the start of its line.
    offset: u32,
    /// UTF-8 length of the character.
    len_utf8: u8,
    /// Bytes saved by counting scalar values instead of bytes, before this character.
    utf32_saved_before: u32,
    /// Bytes saved by counting UTF-16 units instead of bytes, before this character.
    utf16_saved_before: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of every line; the first is 0.
    line_starts: Vec<u32>,
    /// For each line, the range of its characters in `wide_chars`.
    wide_ranges: Vec<Range<u32>>,
    wide_chars: Vec<WideChar>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        // Offsets are stored as u32 to halve the tables; larger files are refused
        // before they reach analysis.
        assert!(text.len() <= u32::MAX as usize, "text longer than 4 GiB");
        let mut line_starts = vec![0u32];
        let mut wide_ranges = Vec::new();
        let mut wide_chars = Vec::new();
        let bytes = text.as_bytes();
        let mut line_start = 0usize;
        let mut line_wide_start = 0u32;
        let mut utf32_saved = 0u32;
        let mut utf16_saved = 0u32;
        let mut i = 0usize;
        loop {
            // Lines are found with memchr and checked for non-ASCII characters a word at
            // a time: most lines of a press release are ASCII and need no table entry.
            let end = memchr::memchr2(b'\n', b'\r', &bytes[i..]).map_or(bytes.len(), |k| i + k);
            while let Some(at) = first_non_ascii(bytes, i, end) {
                let len = utf8_len(bytes[at]);
                wide_chars.push(WideChar {
                    offset: (at - line_start) as u32,
                    len_utf8: len as u8,
                    utf32_saved_before: utf32_saved,
                    utf16_saved_before: utf16_saved,
                });
                utf32_saved += len as u32 - 1;
                utf16_saved += len as u32 - if len == 4 { 2 } else { 1 };
                i = at + len;
            }
            if end == bytes.len() {
                break;
            }
            i = end + 1;
            // LSP ends lines at LF, CRLF and a lone CR; the CR of a CRLF is left to
            // the LF that follows it.
            if bytes[end] == b'\n' || bytes.get(end + 1) != Some(&b'\n') {
                wide_ranges.push(line_wide_start..wide_chars.len() as u32);
                line_wide_start = wide_chars.len() as u32;
                utf32_saved = 0;
                utf16_saved = 0;
                line_start = i;
                line_starts.push(i as u32);
            }
        }
        wide_ranges.push(line_wide_start..wide_chars.len() as u32);
        LineIndex {
            line_starts,
            wide_ranges,
            wide_chars,
            len: text.len() as u32,
        }
    }

    /// The index of `new_text`, which is this index's text with `edit` replaced by
    /// `inserted` bytes: only the lines the edit touches are scanned again. Tables
    /// hold columns relative to their line, so later lines just move.
    pub fn edited(
        &self,
        edit: std::ops::Range<usize>,
        inserted: usize,
        new_text: &str,
    ) -> LineIndex {
        let old_len = self.len as usize;
        let delta = new_text.len() as i64 - old_len as i64;
        let mut first = self.line_col(edit.start).line as usize;
        // An LF inserted right after a lone CR joins it into one CRLF line end: the
        // line that CR ends is scanned again too.
        if first > 0 && new_text.as_bytes()[self.line_starts[first] as usize - 1] == b'\r' {
            first -= 1;
        }
        let last = self.line_col(edit.end).line as usize;
        let region_start = self.line_starts[first] as usize;
        // The old text after the edit is unchanged: the line break that ended the
        // edit's last line ends the scanned region in the new text too.
        let reaches_end = last + 1 >= self.line_starts.len();
        let region_end = if reaches_end {
            new_text.len()
        } else {
            (self.line_starts[last + 1] as i64 + delta) as usize
        };
        // The region holds the inserted text.
        debug_assert!(region_end - region_start >= inserted);
        let region = LineIndex::new(&new_text[region_start..region_end]);
        // A region ending in a line break has an empty last line: the next line, which
        // the old tables already hold.
        let region_lines = if reaches_end {
            region.line_starts.len()
        } else {
            region.line_starts.len() - 1
        };
        let wide_before = self.wide_ranges[first].start;
        let mut line_starts = Vec::with_capacity(self.line_starts.len() + region_lines);
        let mut wide_ranges = Vec::with_capacity(self.wide_ranges.len() + region_lines);
        line_starts.extend_from_slice(&self.line_starts[..first]);
        wide_ranges.extend_from_slice(&self.wide_ranges[..first]);
        let mut wide_chars = Vec::with_capacity(self.wide_chars.len() + region.wide_chars.len());
        wide_chars.extend_from_slice(&self.wide_chars[..wide_before as usize]);
        for line in 0..region_lines {
            line_starts.push(region.line_starts[line] + region_start as u32);
            let range = &region.wide_ranges[line];
            wide_ranges.push(range.start + wide_before..range.end + wide_before);
        }
        wide_chars.extend_from_slice(
            &region.wide_chars[..region.wide_ranges[region_lines - 1].end as usize],
        );
        if !reaches_end {
            let old_after = self.wide_ranges[last + 1].start;
            let new_after = wide_chars.len() as u32;
            for line in last + 1..self.line_starts.len() {
                line_starts.push((self.line_starts[line] as i64 + delta) as u32);
                let range = &self.wide_ranges[line];
                wide_ranges
                    .push(range.start - old_after + new_after..range.end - old_after + new_after);
            }
            wide_chars.extend_from_slice(&self.wide_chars[old_after as usize..]);
        }
        LineIndex {
            line_starts,
            wide_ranges,
            wide_chars,
            len: new_text.len() as u32,
        }
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte range of a line, without its line end (an LF or a lone CR; the CR of a
    /// CRLF stays).
    pub fn line_range(&self, line: u32) -> Option<Range<usize>> {
        let start = *self.line_starts.get(line as usize)? as usize;
        let end = match self.line_starts.get(line as usize + 1) {
            Some(&next) => next as usize - 1,
            None => self.len as usize,
        };
        Some(start..end)
    }

    /// The line and UTF-8 byte column of an offset; an offset past the end is clamped.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.len as usize) as u32;
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        LineCol {
            line: line as u32,
            col: offset - self.line_starts[line],
        }
    }

    /// Converts a byte column to `encoding`. A column inside a character counts up to
    /// that character's start.
    pub fn to_wide(&self, encoding: WideEncoding, line_col: LineCol) -> LineCol {
        let chars = self.line_wide_chars(line_col.line);
        let idx = chars.partition_point(|c| c.offset < line_col.col);
        let saved = match chars.get(idx) {
            Some(c) => saved(encoding, c),
            None => match chars.last() {
                Some(last) => {
                    saved(encoding, last)
                        + match encoding {
                            WideEncoding::Utf32 => last.len_utf8 as u32 - 1,
                            WideEncoding::Utf16 => {
                                last.len_utf8 as u32 - if last.len_utf8 == 4 { 2 } else { 1 }
                            }
                        }
                }
                None => 0,
            },
        };
        LineCol {
            line: line_col.line,
            col: line_col.col - saved,
        }
    }

    /// Converts a column in `encoding` back to a byte column. A column past the end of
    /// the line clamps to the line end; one inside a surrogate pair rounds down.
    pub fn to_utf8(&self, encoding: WideEncoding, line_col: LineCol) -> LineCol {
        let chars = self.line_wide_chars(line_col.line);
        // The wide column of each table entry is its byte offset minus the saved bytes.
        let idx = chars.partition_point(|c| c.offset - saved(encoding, c) < line_col.col);
        let mut col = match idx.checked_sub(1).map(|i| &chars[i]) {
            Some(prev) => {
                let prev_wide = prev.offset - saved(encoding, prev);
                let prev_width = match encoding {
                    WideEncoding::Utf32 => 1,
                    WideEncoding::Utf16 => {
                        if prev.len_utf8 == 4 {
                            2
                        } else {
                            1
                        }
                    }
                };
                if line_col.col < prev_wide + prev_width {
                    prev.offset
                } else {
                    prev.offset + prev.len_utf8 as u32 + (line_col.col - prev_wide - prev_width)
                }
            }
            None => line_col.col,
        };
        if let Some(range) = self.line_range(line_col.line) {
            col = col.min((range.end - range.start) as u32);
        }
        LineCol {
            line: line_col.line,
            col,
        }
    }

    /// The byte offset of a line and byte column, clamped to the line's end; `None`
    /// when the line does not exist.
    pub fn offset(&self, line_col: LineCol) -> Option<usize> {
        let range = self.line_range(line_col.line)?;
        Some((range.start + line_col.col as usize).min(range.end))
    }

    /// One-based line and one-based character column, as people read them.
    pub fn human_line_col(&self, offset: usize) -> (usize, usize) {
        let lc = self.to_wide(WideEncoding::Utf32, self.line_col(offset));
        (lc.line as usize + 1, lc.col as usize + 1)
    }

    fn line_wide_chars(&self, line: u32) -> &[WideChar] {
        match self.wide_ranges.get(line as usize) {
            Some(range) => &self.wide_chars[range.start as usize..range.end as usize],
            None => &[],
        }
    }
}

fn saved(encoding: WideEncoding, c: &WideChar) -> u32 {
    match encoding {
        WideEncoding::Utf32 => c.utf32_saved_before,
        WideEncoding::Utf16 => c.utf16_saved_before,
    }
}

/// The first byte of `bytes[from..to]` that is not ASCII, eight bytes at a time.
fn first_non_ascii(bytes: &[u8], mut from: usize, to: usize) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes[from..to].first_chunk::<8>() {
        let high = u64::from_le_bytes(*chunk) & HIGH;
        if high != 0 {
            return Some(from + (high.trailing_zeros() / 8) as usize);
        }
        from += 8;
    }
    bytes[from..to]
        .iter()
        .position(|&b| b >= 0x80)
        .map(|k| from + k)
}

fn utf8_len(first_byte: u8) -> usize {
    match first_byte {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edited_index_equals_a_new_one() {
        let pieces = [
            "", "a", "\n", "é\n", "😀", "\n\n한", "\r\n", "xy\nz", "\r", "\r\r",
        ];
        let texts = [
            "",
            "a",
            "one\ntwo\n",
            "é😀\nb\n\nc",
            "\n\n\n",
            "ab\r\ncé\n",
            "a\rb\r\rc\r\n",
            "\r\n\r",
        ];
        for text in texts {
            let index = LineIndex::new(text);
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for (i, &start) in boundaries.iter().enumerate() {
                for &end in &boundaries[i..] {
                    for piece in pieces {
                        let new_text = format!("{}{piece}{}", &text[..start], &text[end..]);
                        assert_eq!(
                            index.edited(start..end, piece.len(), &new_text),
                            LineIndex::new(&new_text),
                            "{text:?}: {start}..{end} replaced by {piece:?}"
                        );
                    }
                }
            }
        }
    }

    /// Checks every byte boundary of `text` against a naive computation.
    fn check_against_naive(text: &str) {
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let before = &text[..offset];
            // A CR ends a line unless an LF follows it, in the whole text.
            let breaks: Vec<usize> = before
                .char_indices()
                .filter(|&(i, c)| c == '\n' || (c == '\r' && !text[i + 1..].starts_with('\n')))
                .map(|(i, _)| i)
                .collect();
            let line = breaks.len() as u32;
            let line_start = breaks.last().map_or(0, |i| i + 1);
            let in_line = &text[line_start..offset];
            let lc = index.line_col(offset);
            assert_eq!(
                lc,
                LineCol {
                    line,
                    col: in_line.len() as u32
                }
            );
            let utf16 = index.to_wide(WideEncoding::Utf16, lc);
            assert_eq!(
                utf16.col as usize,
                in_line.encode_utf16().count(),
                "{text:?} at {offset}"
            );
            let utf32 = index.to_wide(WideEncoding::Utf32, lc);
            assert_eq!(utf32.col as usize, in_line.chars().count());
            assert_eq!(index.to_utf8(WideEncoding::Utf16, utf16), lc);
            assert_eq!(index.to_utf8(WideEncoding::Utf32, utf32), lc);
            assert_eq!(index.offset(lc), Some(offset));
        }
    }

    #[test]
    fn ascii_and_wide_characters() {
        check_against_naive("");
        check_against_naive("plain\nlines\n");
        check_against_naive("Korea–U.S. FTA’s é\n😀 emoji then text\r\nlast");
        check_against_naive("\u{feff}BOM line\n\n\nMaroš Šefčovič 🇰🇷 flag");
        check_against_naive("old Mac\rline ends é\r\rthen CRLF\r\nand LF\n\r");
    }

    #[test]
    fn clamps_past_line_end_and_inside_surrogates() {
        let index = LineIndex::new("a😀b\nxy");
        // Column 2 is between the two halves of the emoji's surrogate pair.
        assert_eq!(
            index
                .to_utf8(WideEncoding::Utf16, LineCol { line: 0, col: 2 })
                .col,
            1
        );
        assert_eq!(
            index
                .to_utf8(WideEncoding::Utf16, LineCol { line: 0, col: 99 })
                .col,
            6
        );
        assert_eq!(
            index
                .to_utf8(WideEncoding::Utf16, LineCol { line: 1, col: 99 })
                .col,
            2
        );
        assert_eq!(index.offset(LineCol { line: 5, col: 0 }), None);
        assert_eq!(index.line_col(1000), LineCol { line: 1, col: 2 });
    }
}
