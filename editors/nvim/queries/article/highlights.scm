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

; Neovim: reading mode conceals tag markup where 'conceallevel' is 2 or more, so an
; annotated article reads as prose; the span's text stays. An attribute's concealed
; range starts one column early to take the blank before it.
(tag
  [
    "["
    "]"
    "{"
    "}"
  ] @conceal
  (#set! conceal ""))

(tag
  type: (tag_type) @conceal
  (#set! conceal ""))

(tag
  attribute: (attribute) @conceal
  (#offset! @conceal 0 -1 0 0)
  (#set! conceal ""))
