/**
 * @file Annotated policy articles: articles separated by `-` lines, a title
 *       line, body paragraphs, an optional article date and inline tags
 *       `[span]{type key=value ...}`.
 * @license MIT OR Apache-2.0
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

// Line structure, plain text and the decision what a bracket means live in
// src/scanner.c: they depend on whole lines (separator lines, the date at
// the end of a line) and on bracket nesting, which a context-free lexer
// cannot see. The inside of a tag's `{...}` is ordinary tokens.

// Line breaks are visible anonymous nodes: during error recovery a skipped
// visible node costs more than a missing `}`, so a broken tag ends at its
// line instead of swallowing the line break.
const lineBreak = $ => alias($._newline, '\n');
const lineBreakBeforeSeparator = $ => alias($._newline_before_separator, '\n');

module.exports = grammar({
  name: 'article',

  externals: $ => [
    // A line break (plus any blank lines after it) whose next non-blank line
    // is content that continues the current article or starts one after a
    // separator.
    $._newline,
    // A line break (plus blank lines) whose next non-blank line is a
    // separator line, or that runs to the end of the file.
    $._newline_before_separator,
    $.separator,
    $.text,
    $.escape,
    // `[`: every bracket opens a group; what the group is becomes known at
    // its `]` (a tag when `{` follows) or at the end of the line (unclosed).
    $._open_bracket,
    // `]` not followed by `{`: closes a plain bracketed group.
    $._plain_close,
    // `]` followed by `{`: closes a tag's span.
    $._tag_close,
    // Zero-width token so that `[]{org}` still has a `span` node.
    $._empty_span,
    $.date_keyword,
    // Never valid in a grammar state; when the scanner sees it valid, the
    // parser is recovering from an error.
    $._error_sentinel,
  ],

  // Blanks matter only inside `{...}` (between type and attributes); the
  // scanner handles them everywhere else. Line ends are never extras, so a
  // tag cannot run across a line end.
  extras: _ => [/[ \t\r]/],

  conflicts: _ => [],

  rules: {
    source_file: $ => seq(
      optional(lineBreak($)),
      optional($.article),
      repeat($._separated_article),
      optional(lineBreakBeforeSeparator($)),
    ),

    _separated_article: $ => seq(
      optional(lineBreakBeforeSeparator($)),
      $.separator,
      optional(seq(lineBreak($), $.article)),
    ),

    article: $ => seq(
      $.title,
      optional(seq(lineBreak($), $.body)),
    ),

    title: $ => repeat1($._inline),

    body: $ => seq(
      $.paragraph,
      repeat(seq(lineBreak($), $.paragraph)),
    ),

    paragraph: $ => choice(
      seq(repeat1($._inline), optional($.article_date)),
      $.article_date,
    ),

    article_date: $ => seq(
      $.date_keyword,
      field('value', $.date_value),
    ),

    date_value: _ => /[0-9]{4}-[0-9]{2}-[0-9]{2}/,

    _inline: $ => choice(
      $.text,
      $.escape,
      $.tag,
      $._plain_group,
      $._unclosed_group,
    ),

    // One shared nonterminal for what lies between brackets, so that the
    // parser need not know what kind of group it is in until the group ends.
    _bracket_content: $ => repeat1($._inline),

    tag: $ => seq(
      alias($._open_bracket, '['),
      field('span', $.span),
      alias($._tag_close, ']'),
      '{',
      field('type', $.tag_type),
      repeat(field('attribute', $.attribute)),
      '}',
    ),

    span: $ => choice($._bracket_content, $._empty_span),

    // `[Photo News]`: brackets without a following `{` are plain text.
    _plain_group: $ => seq(
      alias($._open_bracket, $.text),
      optional($._bracket_content),
      alias($._plain_close, $.text),
    ),

    // A `[` whose `]` never comes on this line is plain text. The lowest
    // precedence makes every `]` close the innermost open bracket.
    _unclosed_group: $ => prec(-1, seq(
      alias($._open_bracket, $.text),
      optional($._bracket_content),
    )),

    // Lenient on purpose: the checker reports a type outside the schema or
    // not in lower case with a precise message instead of a parse error.
    tag_type: _ => /[A-Za-z0-9_][A-Za-z0-9_-]*/,

    attribute: $ => seq(
      field('name', $.attribute_name),
      token.immediate('='),
      field('value', choice($.bare_value, $.quoted_value)),
    ),

    // Distinct from `tag_type` (it may contain dots) so that each is a token
    // of its own rather than a wrapper around a shared one.
    attribute_name: _ => /[A-Za-z_][A-Za-z0-9_.-]*/,

    bare_value: _ => token.immediate(/[^\s"{}]+/),

    quoted_value: $ => seq(
      token.immediate('"'),
      repeat(choice($.string_content, $.escape_sequence)),
      token.immediate('"'),
    ),

    // A backslash before anything but `"` or `\` is kept as it is.
    string_content: _ => token.immediate(prec(1, /([^"\\\r\n]|\\[^"\\\r\n])+/)),

    escape_sequence: _ => token.immediate(/\\["\\]/),
  },
});
