; Article structure.
(separator) @punctuation.delimiter

(title) @markup.heading

(article_date
  (date_keyword) @keyword
  value: (date_value) @string.special)

; Tags: `[span]{type key=value}`.
(tag
  [
    "["
    "]"
    "{"
    "}"
  ] @punctuation.bracket)

(tag_type) @type

(attribute_name) @property

(attribute
  "=" @operator)

(bare_value) @string

(quoted_value) @string

; Escapes win over the string and heading captures around them.
(escape) @string.escape

(escape_sequence) @string.escape
