// External scanner for the `article` grammar.
//
// It owns everything that depends on whole lines or on bracket nesting:
// line breaks (and whether the next line is a separator), separator lines,
// plain text runs, escapes, brackets and the article date keyword. The
// inside of a tag's `{...}` is left to the generated lexer.
//
// Brackets are decided without looking ahead: every `[` opens a group and
// the grammar settles at the group's `]` (tag when `{` follows, plain text
// otherwise) or at the end of the line (unclosed, plain text). The only
// lookahead the scanner does is one character after `]` or `\`, the rest
// of a separator-like line, the rest of the line after a possible `date`
// keyword, and the start of the next non-blank line after a line break, so
// scanning stays linear in the input size.
//
// Nesting is capped at MAX_DEPTH open brackets per line: deeper `[` (and
// the `]` that match them) are plain text, which keeps the tree and the
// parse stack small on adversarial input such as a line of `[`.

#include "tree_sitter/alloc.h"
#include "tree_sitter/parser.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum TokenType {
  NEWLINE,
  NEWLINE_BEFORE_SEPARATOR,
  SEPARATOR,
  TEXT,
  ESCAPE,
  OPEN_BRACKET,
  PLAIN_CLOSE,
  TAG_CLOSE,
  EMPTY_SPAN,
  DATE_KEYWORD,
  ERROR_SENTINEL,
};

#define MAX_DEPTH 64

enum {
  FLAG_LINE_START = 1,
  FLAG_AFTER_BLANK = 2,
  // Flipped on every empty span so that the zero-width token always
  // changes the serialized state and is never dropped as a no-op.
  FLAG_EMPTY_SPAN_PARITY = 4,
  // The text token before this position found that the `date` here does
  // not end the line as an article date; read it as text without checking
  // again, so that it stays one text node.
  FLAG_NOT_A_DATE = 8,
};

typedef struct {
  uint8_t flags;
  // Brackets this scanner opened on the current line and not yet closed.
  uint16_t depth;
  // `[` treated as text because the cap was reached, waiting for their `]`.
  uint32_t overflow;
} Scanner;

#define STATE_SIZE 7

static inline bool is_blank(int32_t c) { return c == ' ' || c == '\t' || c == '\r'; }

static inline bool is_escapable(int32_t c) {
  return c == '[' || c == ']' || c == '{' || c == '}' || c == '\\';
}

static inline bool is_digit(int32_t c) { return c >= '0' && c <= '9'; }

static inline bool at_line_end(TSLexer *lexer) {
  int32_t c = lexer->lookahead;
  return c == '\n' || (c == 0 && lexer->eof(lexer));
}

static inline void advance(TSLexer *lexer) { lexer->advance(lexer, false); }

static inline void skip(TSLexer *lexer) { lexer->advance(lexer, true); }

static inline void set_flag(Scanner *s, uint8_t flag, bool on) {
  if (on) {
    s->flags |= flag;
  } else {
    s->flags &= (uint8_t)~flag;
  }
}

static inline bool has_flag(const Scanner *s, uint8_t flag) { return (s->flags & flag) != 0; }

// Marks that a token other than a line break was produced on this line.
static inline void leave_line_start(Scanner *s, bool ends_with_blank) {
  set_flag(s, FLAG_LINE_START, false);
  set_flag(s, FLAG_AFTER_BLANK, ends_with_blank);
  set_flag(s, FLAG_NOT_A_DATE, false);
}

// Consumes a line break and every blank line after it. Decides from the
// next non-blank line whether the break leads to a separator (or the end of
// the file) or to content. Blanks that start the next content line stay
// outside the token; the next call skips them.
static bool scan_line_break(Scanner *s, TSLexer *lexer, const bool *valid_symbols) {
  advance(lexer);
  lexer->mark_end(lexer);
  bool before_separator = false;
  for (;;) {
    while (is_blank(lexer->lookahead)) advance(lexer);
    if (lexer->eof(lexer)) {
      lexer->mark_end(lexer);
      before_separator = true;
      break;
    }
    if (lexer->lookahead == '\n') {
      advance(lexer);
      lexer->mark_end(lexer);
      continue;
    }
    if (lexer->lookahead == '-') {
      advance(lexer);
      while (is_blank(lexer->lookahead)) advance(lexer);
      before_separator = at_line_end(lexer);
    }
    break;
  }
  enum TokenType kind = before_separator ? NEWLINE_BEFORE_SEPARATOR : NEWLINE;
  if (!valid_symbols[kind]) return false;
  lexer->result_symbol = kind;
  s->flags = FLAG_LINE_START | FLAG_AFTER_BLANK | (s->flags & FLAG_EMPTY_SPAN_PARITY);
  s->depth = 0;
  s->overflow = 0;
  return true;
}

typedef enum {
  DATE_MATCH,
  // The line ended before the pattern was complete.
  DATE_FAIL_AT_LINE_END,
  // A character that does not fit the pattern; it is not consumed.
  DATE_FAIL,
} DateCheck;

// Checks for `date`, `date:` or `date ` followed by `YYYY-MM-DD` and nothing
// but blanks up to the end of the line. When `mark_keyword` is set the
// token end is marked after each keyword character, so that on a match the
// token is exactly the keyword and on an early failure the characters read
// so far form a text token. `*last_blank` tells whether the last consumed
// character was a blank.
static DateCheck check_date(TSLexer *lexer, bool mark_keyword, bool *last_blank) {
  static const char keyword[] = "date";
  *last_blank = false;
  for (int i = 0; keyword[i] != '\0'; i++) {
    if (lexer->lookahead != keyword[i]) {
      return at_line_end(lexer) ? DATE_FAIL_AT_LINE_END : DATE_FAIL;
    }
    advance(lexer);
    if (mark_keyword) lexer->mark_end(lexer);
  }
  if (lexer->lookahead == ':') {
    advance(lexer);
    if (mark_keyword) lexer->mark_end(lexer);
  }
  while (is_blank(lexer->lookahead)) {
    advance(lexer);
    *last_blank = true;
  }
  // YYYY-MM-DD: digits everywhere except the two dashes.
  for (int i = 0; i < 10; i++) {
    bool dash = i == 4 || i == 7;
    int32_t c = lexer->lookahead;
    if (dash ? c != '-' : !is_digit(c)) {
      return at_line_end(lexer) ? DATE_FAIL_AT_LINE_END : DATE_FAIL;
    }
    advance(lexer);
    *last_blank = false;
  }
  while (is_blank(lexer->lookahead)) {
    advance(lexer);
    *last_blank = true;
  }
  return at_line_end(lexer) ? DATE_MATCH : DATE_FAIL;
}

// What a text run has consumed since the token started. The token end is
// marked lazily (before blanks and stops, at the line end) rather than after
// every character.
typedef struct {
  // The token end is marked after some content: the token is not empty.
  bool marked;
  // Content after the mark, ending with a non-blank character: marking at
  // the current position takes it in exactly.
  bool content;
  // Blanks after the mark (and after any unmarked content). They join the
  // token if more content or a stop follows, not at the end of the line.
  bool blanks;
} Run;

static inline void consume_content(TSLexer *lexer, Run *run) {
  advance(lexer);
  run->content = true;
  run->blanks = false;
}

static inline void mark_pending(TSLexer *lexer, Run *run) {
  if (run->content || run->blanks) {
    lexer->mark_end(lexer);
    run->marked = true;
    run->content = false;
  }
}

// Ends the run before the current character, keeping what came before it.
static bool finish_before(Scanner *s, TSLexer *lexer, Run *run) {
  bool ends_with_blank = run->blanks;
  mark_pending(lexer, run);
  if (!run->marked) return false;
  lexer->result_symbol = TEXT;
  leave_line_start(s, ends_with_blank);
  return true;
}

// Continues a text token. Stops before an escape, a bracket that opens or
// closes a group, an article date, or the end of the line (trailing blanks
// stay outside the token).
static bool scan_text_run(Scanner *s, TSLexer *lexer, const bool *valid_symbols, Run run) {
  bool in_group = valid_symbols[PLAIN_CLOSE] || valid_symbols[TAG_CLOSE];
  bool date_allowed = valid_symbols[DATE_KEYWORD];
  for (;;) {
    int32_t c = lexer->lookahead;
    if (is_blank(c)) {
      if (run.content) {
        lexer->mark_end(lexer);
        run.marked = true;
        run.content = false;
      }
      advance(lexer);
      run.blanks = true;
      continue;
    }
    if (at_line_end(lexer)) {
      if (run.content) {
        lexer->mark_end(lexer);
        run.marked = true;
      }
      if (run.marked) {
        lexer->result_symbol = TEXT;
        leave_line_start(s, false);
        return true;
      }
      // Only blanks: they belong to the line break that follows.
      if (!lexer->eof(lexer)) return scan_line_break(s, lexer, valid_symbols);
      return false;
    }
    switch (c) {
      case '[':
        if (s->overflow > 0 || s->depth >= MAX_DEPTH) {
          s->overflow++;
          consume_content(lexer, &run);
          continue;
        }
        return finish_before(s, lexer, &run);
      case ']':
        if (s->overflow > 0) {
          s->overflow--;
          consume_content(lexer, &run);
          continue;
        }
        if (in_group) return finish_before(s, lexer, &run);
        consume_content(lexer, &run);
        continue;
      case '\\': {
        bool ends_with_blank = run.blanks;
        mark_pending(lexer, &run);
        advance(lexer);
        if (is_escapable(lexer->lookahead)) {
          // The mark is before the backslash.
          if (!run.marked) return false;
          lexer->result_symbol = TEXT;
          leave_line_start(s, ends_with_blank);
          return true;
        }
        run.content = true;
        run.blanks = false;
        continue;
      }
      case 'd':
        if (date_allowed && run.blanks) {
          // Mark before `d`: on a match the text ends with the blanks.
          mark_pending(lexer, &run);
          bool last_blank = false;
          DateCheck check = check_date(lexer, false, &last_blank);
          if (check == DATE_MATCH || check == DATE_FAIL_AT_LINE_END) {
            lexer->result_symbol = TEXT;
            leave_line_start(s, true);
            set_flag(s, FLAG_NOT_A_DATE, check == DATE_FAIL_AT_LINE_END);
            return true;
          }
          // The characters read are text. If they end with blanks, the
          // character that broke the pattern is not a blank and not the
          // line end, so the next mark takes them all in.
          run.content = !last_blank;
          run.blanks = last_blank;
          continue;
        }
        consume_content(lexer, &run);
        continue;
      default:
        consume_content(lexer, &run);
        continue;
    }
  }
}

// Inline content at the start of a token: brackets, escapes, the date
// keyword, or the start of a text run.
static bool scan_inline(Scanner *s, TSLexer *lexer, const bool *valid_symbols) {
  bool in_group = valid_symbols[PLAIN_CLOSE] || valid_symbols[TAG_CLOSE];
  bool after_blank = has_flag(s, FLAG_LINE_START) || has_flag(s, FLAG_AFTER_BLANK);
  Run run = {false, false, false};
  int32_t c = lexer->lookahead;

  if (c == '[' && s->overflow == 0 && s->depth < MAX_DEPTH && valid_symbols[OPEN_BRACKET]) {
    advance(lexer);
    lexer->mark_end(lexer);
    lexer->result_symbol = OPEN_BRACKET;
    s->depth++;
    leave_line_start(s, false);
    return true;
  }

  if (c == ']' && s->overflow == 0 && in_group) {
    if (valid_symbols[EMPTY_SPAN]) {
      lexer->mark_end(lexer);
      advance(lexer);
      if (lexer->lookahead == '{') {
        lexer->result_symbol = EMPTY_SPAN;
        s->flags ^= FLAG_EMPTY_SPAN_PARITY;
        return true;
      }
    } else {
      advance(lexer);
    }
    lexer->mark_end(lexer);
    lexer->result_symbol =
      lexer->lookahead == '{' && valid_symbols[TAG_CLOSE] ? TAG_CLOSE : PLAIN_CLOSE;
    if (s->depth > 0) s->depth--;
    leave_line_start(s, false);
    return true;
  }

  if (c == '\\') {
    advance(lexer);
    if (is_escapable(lexer->lookahead) && valid_symbols[ESCAPE]) {
      advance(lexer);
      lexer->mark_end(lexer);
      lexer->result_symbol = ESCAPE;
      leave_line_start(s, false);
      return true;
    }
    run.content = true;
    return scan_text_run(s, lexer, valid_symbols, run);
  }

  if (c == 'd' && after_blank && !has_flag(s, FLAG_NOT_A_DATE) && valid_symbols[DATE_KEYWORD]) {
    bool last_blank = false;
    DateCheck check = check_date(lexer, true, &last_blank);
    if (check == DATE_MATCH) {
      lexer->result_symbol = DATE_KEYWORD;
      leave_line_start(s, false);
      return true;
    }
    // The keyword characters read so far are marked text.
    run.marked = true;
    if (check == DATE_FAIL_AT_LINE_END) {
      lexer->result_symbol = TEXT;
      leave_line_start(s, false);
      return true;
    }
    run.content = !last_blank;
    run.blanks = last_blank;
    return scan_text_run(s, lexer, valid_symbols, run);
  }

  return scan_text_run(s, lexer, valid_symbols, run);
}

// During error recovery every token is valid. Only line structure is
// produced here, so that an error stays on its line; everything else is
// left to the generated lexer.
static bool scan_in_recovery(Scanner *s, TSLexer *lexer, const bool *valid_symbols) {
  while (is_blank(lexer->lookahead)) skip(lexer);
  if (lexer->eof(lexer)) return false;
  if (lexer->lookahead == '\n') return scan_line_break(s, lexer, valid_symbols);
  if (has_flag(s, FLAG_LINE_START) && lexer->lookahead == '-') {
    advance(lexer);
    lexer->mark_end(lexer);
    while (is_blank(lexer->lookahead)) advance(lexer);
    if (at_line_end(lexer)) {
      lexer->result_symbol = SEPARATOR;
      leave_line_start(s, false);
      return true;
    }
  }
  return false;
}

void *tree_sitter_article_external_scanner_create(void) {
  Scanner *s = (Scanner *)ts_calloc(1, sizeof(Scanner));
  if (s != NULL) s->flags = FLAG_LINE_START | FLAG_AFTER_BLANK;
  return s;
}

void tree_sitter_article_external_scanner_destroy(void *payload) { ts_free(payload); }

unsigned tree_sitter_article_external_scanner_serialize(void *payload, char *buffer) {
  Scanner *s = (Scanner *)payload;
  buffer[0] = (char)s->flags;
  memcpy(buffer + 1, &s->depth, sizeof(s->depth));
  memcpy(buffer + 3, &s->overflow, sizeof(s->overflow));
  return STATE_SIZE;
}

void tree_sitter_article_external_scanner_deserialize(void *payload, const char *buffer,
                                                      unsigned length) {
  Scanner *s = (Scanner *)payload;
  // No state means the start of the file: the first line begins here.
  s->flags = FLAG_LINE_START | FLAG_AFTER_BLANK;
  s->depth = 0;
  s->overflow = 0;
  if (length == STATE_SIZE) {
    s->flags = (uint8_t)buffer[0];
    memcpy(&s->depth, buffer + 1, sizeof(s->depth));
    memcpy(&s->overflow, buffer + 3, sizeof(s->overflow));
  }
}

bool tree_sitter_article_external_scanner_scan(void *payload, TSLexer *lexer,
                                               const bool *valid_symbols) {
  Scanner *s = (Scanner *)payload;
  if (valid_symbols[ERROR_SENTINEL]) return scan_in_recovery(s, lexer, valid_symbols);

  bool line_start = has_flag(s, FLAG_LINE_START);
  if (line_start) {
    // Leading blanks are outside the title or paragraph.
    while (is_blank(lexer->lookahead)) skip(lexer);
  }
  if (lexer->eof(lexer)) return false;
  if (lexer->lookahead == '\n') return scan_line_break(s, lexer, valid_symbols);

  if (line_start && lexer->lookahead == '-' && valid_symbols[SEPARATOR]) {
    advance(lexer);
    lexer->mark_end(lexer);
    bool blanks = false;
    while (is_blank(lexer->lookahead)) {
      advance(lexer);
      blanks = true;
    }
    if (at_line_end(lexer)) {
      lexer->result_symbol = SEPARATOR;
      leave_line_start(s, false);
      return true;
    }
    // `- Korea Herald` is content: the dash starts a text run.
    if (!valid_symbols[TEXT]) return false;
    Run run = {true, false, blanks};
    return scan_text_run(s, lexer, valid_symbols, run);
  }

  if (valid_symbols[TEXT] || valid_symbols[TAG_CLOSE] || valid_symbols[PLAIN_CLOSE]) {
    return scan_inline(s, lexer, valid_symbols);
  }

  // After a separator or a date only the line break may follow.
  while (is_blank(lexer->lookahead)) skip(lexer);
  if (!lexer->eof(lexer) && lexer->lookahead == '\n') {
    return scan_line_break(s, lexer, valid_symbols);
  }
  return false;
}
