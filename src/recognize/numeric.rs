//! Money and percentages, with normalised values.
//!
//! A scan over digit runs reads each number literal (`440,000`, `13.7`) and looks at its
//! neighbours: a currency symbol or code before it (`$`, `US$`, `USD`), a multiplier and
//! a currency word or code after it (`600 million won`, `100 billion KRW`), or a percent
//! sign or word. Approximators (`about`, `nearly`) stay outside the span. Money values
//! are `CODE amount` in whole units (`USD 13700000000`); percent values are the number.

use super::temporal::tokens::{
    Kind, Tok, adjacent_next, char_before, find_digit, next_tok, prev_tok,
};
use super::{EntityType, Mention};
use crate::text::TextRange;

/// A number literal: where it is and its digits without group separators.
#[derive(Clone, Copy, Debug)]
struct Literal<'a> {
    start: usize,
    end: usize,
    /// The text of the literal, commas included.
    text: &'a str,
}

impl Literal<'_> {
    /// The integer and fraction digits, without separators.
    fn parts(&self) -> (String, &str) {
        let (int, frac) = self.text.split_once('.').unwrap_or((self.text, ""));
        (int.chars().filter(char::is_ascii_digit).collect(), frac)
    }

    /// The number as written, without group separators (`440000`, `3.5`).
    fn plain(&self) -> String {
        let (int, frac) = self.parts();
        if frac.is_empty() {
            int
        } else {
            format!("{int}.{frac}")
        }
    }
}

/// Reads the number literal whose first digit is at `start`: digits, `,` groups of
/// three, and a decimal fraction.
fn literal_at(text: &str, start: usize) -> Literal<'_> {
    let bytes = text.as_bytes();
    let digits_from = |i: usize| bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    let mut end = start + digits_from(start);
    // Group separators: `,` followed by exactly three digits.
    while end < bytes.len() && bytes[end] == b',' && digits_from(end + 1) == 3 {
        end += 4;
    }
    if end + 1 < bytes.len() && bytes[end] == b'.' {
        let fraction = digits_from(end + 1);
        if fraction > 0 {
            end += 1 + fraction;
        }
    }
    Literal {
        start,
        end,
        text: &text[start..end],
    }
}

/// Multiplier words and their powers of ten.
const MULTIPLIERS: &[(&str, u32)] = &[
    ("thousand", 3),
    ("million", 6),
    ("billion", 9),
    ("trillion", 12),
    ("bn", 9),
    ("mn", 6),
    ("mln", 6),
    ("bln", 9),
    ("tn", 12),
    ("trn", 12),
    ("tln", 12),
];

/// Multipliers written glued to the number after a currency symbol (`$5m`, `€20k`).
const GLUED_MULTIPLIERS: &[(&str, u32)] = &[("m", 6), ("k", 3), ("b", 9)];

/// ISO codes accepted before or after an amount.
const CURRENCY_CODES: &[&str] = &[
    "USD", "KRW", "EUR", "JPY", "CNY", "GBP", "CHF", "CAD", "AUD", "HKD", "SGD", "TWD", "INR",
    "RUB", "BRL", "MXN", "VND", "THB", "IDR", "MYR", "PHP", "SAR", "AED", "SEK", "NOK", "DKK",
    "PLN", "CZK", "HUF", "TRY", "ZAR", "NZD", "ILS", "QAR", "KWD", "EGP", "NGN", "ARS", "CLP",
];

/// Currency words after an amount. `pounds` needs a multiplier or `sterling`, since it
/// is also a weight.
const CURRENCY_WORDS: &[(&str, &str)] = &[
    ("won", "KRW"),
    ("dollars", "USD"),
    ("dollar", "USD"),
    ("euros", "EUR"),
    ("euro", "EUR"),
    ("yen", "JPY"),
    ("yuan", "CNY"),
    ("renminbi", "CNY"),
    ("rupees", "INR"),
    ("rubles", "RUB"),
    ("roubles", "RUB"),
    ("baht", "THB"),
    ("ringgit", "MYR"),
    ("rupiah", "IDR"),
    ("dong", "VND"),
];

/// Qualified dollar words after an amount (`5 billion Australian dollars`).
const DOLLAR_QUALIFIERS: &[(&str, &str)] = &[
    ("US", "USD"),
    ("U.S.", "USD"),
    ("American", "USD"),
    ("Australian", "AUD"),
    ("Canadian", "CAD"),
    ("Singapore", "SGD"),
    ("Taiwan", "TWD"),
];

/// Letters before `$` that name the dollar (`US$`, `HK$`).
const DOLLAR_PREFIXES: &[(&str, &str)] = &[
    ("US", "USD"),
    ("U.S.", "USD"),
    ("A", "AUD"),
    ("AU", "AUD"),
    ("C", "CAD"),
    ("CA", "CAD"),
    ("HK", "HKD"),
    ("S", "SGD"),
    ("SG", "SGD"),
    ("NT", "TWD"),
    ("NZ", "NZD"),
    ("R", "BRL"),
    ("MX", "MXN"),
];

fn symbol_code(c: char) -> Option<&'static str> {
    Some(match c {
        '$' => "USD",
        '€' => "EUR",
        '£' => "GBP",
        '¥' => "JPY",
        '₩' => "KRW",
        '₹' => "INR",
        '₽' => "RUB",
        _ => return None,
    })
}

/// The ISO code `word` is, if it is one of [`CURRENCY_CODES`].
fn currency_code(word: &str) -> Option<&'static str> {
    // Most words before and after a number are not codes; the shape rules them out
    // before the list is searched.
    if word.len() != 3 || !word.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    CURRENCY_CODES.iter().find(|c| **c == word).copied()
}

/// A currency marked before the number at `start`: the code and where the marker
/// starts.
fn currency_before(text: &str, start: usize) -> Option<(&'static str, usize)> {
    let c = char_before(text, start)?;
    if let Some(code) = symbol_code(c) {
        let symbol_start = start - c.len_utf8();
        if c == '$' {
            for (prefix, code) in DOLLAR_PREFIXES {
                if let Some(head) = text[..symbol_start].strip_suffix(prefix)
                    && !char_before(text, head.len()).is_some_and(char::is_alphanumeric)
                {
                    return Some((code, head.len()));
                }
            }
        }
        if char_before(text, symbol_start).is_some_and(char::is_alphanumeric) {
            return None;
        }
        return Some((code, symbol_start));
    }
    // `USD 13.7 billion`, `KRW100bn`.
    let word = prev_tok(text, start).filter(|t| t.kind == Kind::Word)?;
    if word.text == "RMB" {
        return Some(("CNY", word.start));
    }
    currency_code(word.text).map(|code| (code, word.start))
}

/// The wire-style won sign `W` glued before the number at `start` (`W1.2 trillion`):
/// where it starts. A capital letter before digits is also a code or a model name
/// (`W50`, `2025-W26`), so the caller asks for a multiplier or digit groups as well.
fn won_letter_before(text: &str, start: usize) -> Option<usize> {
    let letter = start.checked_sub(1)?;
    if text.as_bytes().get(letter) != Some(&b'W') {
        return None;
    }
    let free = !char_before(text, letter)
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '/'));
    free.then_some(letter)
}

/// What follows a number: its multiplier and, for money, the currency and span end.
struct Tail {
    power: u32,
    end: usize,
}

/// A multiplier word in `tok`, the token after `pos`, spaced or glued (`13.7 billion`,
/// `5bn`).
fn multiplier_after(tok: Option<Tok<'_>>, pos: usize, glued_short: bool) -> Option<Tail> {
    let tok = tok?;
    if let Some((_, power)) = MULTIPLIERS.iter().find(|(w, _)| tok.is(w)) {
        return Some(Tail {
            power: *power,
            end: tok.end,
        });
    }
    if glued_short && tok.start == pos {
        let (_, power) = GLUED_MULTIPLIERS.iter().find(|(w, _)| tok.is(w))?;
        return Some(Tail {
            power: *power,
            end: tok.end,
        });
    }
    None
}

/// A currency word or code in `tok`, the token after `pos`: the code and where it ends.
fn currency_after(
    text: &str,
    pos: usize,
    tok: Option<Tok<'_>>,
    has_multiplier: bool,
) -> Option<(&'static str, usize)> {
    let tok = tok?;
    if let Some((_, code)) = CURRENCY_WORDS.iter().find(|(w, _)| tok.is(w)) {
        return Some((code, tok.end));
    }
    // The hyphenated adjective of wire copy: `26 trillion-won`, `1.9 tln-won`.
    if tok.is_dash()
        && tok.start == pos
        && let Some(word) = adjacent_next(text, tok.end)
        && let Some((_, code)) = CURRENCY_WORDS.iter().find(|(w, _)| word.is(w))
        && !adjacent_next(text, word.end).is_some_and(|t| t.kind != Kind::Punct || t.is_dash())
    {
        return Some((code, word.end));
    }
    if let Some(code) = currency_code(tok.text) {
        return Some((code, tok.end));
    }
    if tok.is_any(&["pounds", "pound"]) {
        let sterling = next_tok(text, tok.end).filter(|t| t.is("sterling"));
        return match sterling {
            Some(s) => Some(("GBP", s.end)),
            None if has_multiplier => Some(("GBP", tok.end)),
            None => None,
        };
    }
    // `5 billion US dollars`: the qualifier may be `U.S.`, several tokens long.
    for (qualifier, code) in DOLLAR_QUALIFIERS {
        if let Some(rest) = text[tok.start..].strip_prefix(qualifier) {
            let after = tok.start + qualifier.len();
            if rest.starts_with(|c: char| c.is_alphanumeric()) {
                continue;
            }
            if let Some(dollars) =
                next_tok(text, after).filter(|t| t.is_any(&["dollars", "dollar"]))
            {
                return Some((code, dollars.end));
            }
        }
    }
    None
}

/// A percent sign or word in `tok`, the token after `pos`: where it ends.
/// `percentage point` is not a percentage.
fn percent_after(text: &str, pos: usize, tok: Option<Tok<'_>>) -> Option<usize> {
    let mut tok = tok?;
    if tok.is_punct('%') {
        return Some(tok.end);
    }
    // `25-percent tariffs`.
    if tok.is_dash() && tok.start == pos {
        tok = adjacent_next(text, tok.end)?;
    }
    if tok.is_any(&["percent", "pct"]) {
        return Some(tok.end);
    }
    if tok.is("per") {
        let cent = next_tok(text, tok.end).filter(|t| t.is("cent"))?;
        return Some(cent.end);
    }
    None
}

/// What an amount turned out to be.
enum Amount {
    Money {
        code: &'static str,
        power: u32,
        start: usize,
        end: usize,
    },
    Percent {
        end: usize,
    },
}

/// Reads what the number `literal` is from its neighbours; `next` is the token after it.
fn classify(text: &str, literal: &Literal<'_>, next: Option<Tok<'_>>) -> Option<Amount> {
    let prefix = currency_before(text, literal.start);
    let multiplier = multiplier_after(next, literal.end, prefix.is_some());
    let after_number = multiplier.as_ref().map_or(literal.end, |m| m.end);
    let after_number_tok = match multiplier {
        Some(_) => next_tok(text, after_number),
        None => next,
    };
    let power = multiplier.as_ref().map_or(0, |m| m.power);
    if let Some((code, start)) = prefix {
        return Some(Amount::Money {
            code,
            power,
            start,
            end: after_number,
        });
    }
    if let Some(start) = won_letter_before(text, literal.start)
        && (multiplier.is_some() || literal.text.contains(','))
    {
        return Some(Amount::Money {
            code: "KRW",
            power,
            start,
            end: after_number,
        });
    }
    if let Some((code, end)) =
        currency_after(text, after_number, after_number_tok, multiplier.is_some())
    {
        return Some(Amount::Money {
            code,
            power,
            start: literal.start,
            end,
        });
    }
    if multiplier.is_none()
        && let Some(end) = percent_after(text, literal.end, next)
    {
        if next_tok(text, end).is_some_and(|t| t.is_any(&["point", "points"])) {
            return None;
        }
        return Some(Amount::Percent { end });
    }
    None
}

/// The first number of `3 to 5 percent` or `3 trillion to 5 trillion won` takes its
/// unit from the second: each number is its own mention.
fn classify_from_range_end(
    text: &str,
    literal: &Literal<'_>,
    next: Option<Tok<'_>>,
) -> Option<Amount> {
    let multiplier = multiplier_after(next, literal.end, false);
    let after_number = multiplier.as_ref().map_or(literal.end, |m| m.end);
    let joiner = match multiplier {
        Some(_) => next_tok(text, after_number)?,
        None => next?,
    };
    let joins = joiner.is_dash()
        || joiner.is_any(&["to", "or"])
        || (joiner.is("and") && prev_tok(text, literal.start).is_some_and(|p| p.is("between")));
    if !joins {
        return None;
    }
    let second = next_tok(text, joiner.end).filter(|t| t.kind == Kind::Num)?;
    if char_before(text, second.start).is_some_and(|c| symbol_code(c).is_some()) {
        return None;
    }
    let second = literal_at(text, second.start);
    match classify(text, &second, next_tok(text, second.end))? {
        Amount::Percent { .. } if multiplier.is_none() => {
            Some(Amount::Percent { end: literal.end })
        }
        Amount::Money { code, power, .. } => {
            // `3 to 5 trillion won`: a bare first number shares the second's multiplier.
            let power = multiplier.as_ref().map_or(power, |m| m.power);
            Some(Amount::Money {
                code,
                power,
                start: literal.start,
                end: after_number,
            })
        }
        Amount::Percent { .. } => None,
    }
}

/// `digits × 10^power` as a decimal string without needless zeros.
fn scaled(literal: &Literal<'_>, power: u32) -> String {
    let (int, frac) = literal.parts();
    let mut digits = int;
    digits.push_str(frac);
    let point = digits.len() - frac.len() + power as usize;
    while digits.len() < point {
        digits.push('0');
    }
    let (whole, fraction) = digits.split_at(point);
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{fraction}")
    }
}

/// Finds every amount of money and every percentage in `text`.
///
/// The mentions are sorted and do not overlap. In `600 million won ($440,000)` the two
/// amounts are separate mentions.
pub fn find_amounts(text: &str) -> Vec<Mention> {
    let bytes = text.as_bytes();
    let mut out: Vec<Mention> = Vec::new();
    let mut pos = 0;
    while let Some(start) = find_digit(bytes, pos) {
        let literal = literal_at(text, start);
        pos = literal.end;
        // A number glued to letters or continuing another number is no amount.
        if let Some(c) = char_before(text, start)
            && ((c.is_alphanumeric()
                && currency_before(text, start).is_none()
                && won_letter_before(text, start).is_none())
                || (matches!(c, '.' | ',')
                    && char_before(text, start - 1).is_some_and(|d| d.is_ascii_digit())))
        {
            continue;
        }
        // Every rule below looks at the token after the number; it is read once.
        let next = next_tok(text, literal.end);
        if next.is_some_and(|t| t.start == literal.end && t.kind == Kind::Num) {
            continue;
        }
        let Some(amount) = classify(text, &literal, next)
            .or_else(|| classify_from_range_end(text, &literal, next))
        else {
            continue;
        };
        let mention = match amount {
            Amount::Money {
                code,
                power,
                start,
                end,
            } => Mention {
                range: TextRange::new(start, end),
                ty: EntityType::Money,
                key: None,
                value: Some(format!("{code} {}", scaled(&literal, power))),
                date: None,
            },
            Amount::Percent { end } => Mention {
                range: TextRange::new(literal.start, end),
                ty: EntityType::Percent,
                key: None,
                value: Some(literal.plain()),
                date: None,
            },
        };
        if out
            .last()
            .is_some_and(|last| last.range.end > mention.range.start)
        {
            continue;
        }
        pos = pos.max(mention.range.end);
        out.push(mention);
    }
    out
}

/// Checks that `value` is a money value: an ISO 4217-style code of three capital
/// letters, a space, and a non-negative amount (`USD 13700000000`, `USD 4.99`).
pub fn validate_money(value: &str) -> Result<(), String> {
    let Some((code, amount)) = value.split_once(' ') else {
        return Err(format!("`{value}` is not like `USD 13700000000`"));
    };
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!("`{code}` is not a three-letter currency code"));
    }
    let (int, frac) = match amount.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (amount, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return Err(format!(
            "`{amount}` is not a plain amount in units (no separators or words)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each case: text, then the expected mentions as `span => value`.
    fn render(text: &str) -> String {
        find_amounts(text)
            .iter()
            .map(|m| {
                let ty = m.ty.as_str();
                let span = &text[m.range.start..m.range.end];
                format!("{ty} {span:?} => {}", m.value.as_deref().unwrap_or("-"))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    #[test]
    fn money_shapes_and_values() {
        let cases = [
            (
                "Exports hit USD 13.7 billion last year.",
                r#"money "USD 13.7 billion" => USD 13700000000"#,
            ),
            (
                "It will spend approximately KRW 100 billion.",
                r#"money "KRW 100 billion" => KRW 100000000000"#,
            ),
            (
                "a loan cap of 600 million won ($440,000) for flats",
                r#"money "600 million won" => KRW 600000000; money "$440,000" => USD 440000"#,
            ),
            (
                "a fund of €2 billion",
                r#"money "€2 billion" => EUR 2000000000"#,
            ),
            (
                "grants of EUR 5 million",
                r#"money "EUR 5 million" => EUR 5000000"#,
            ),
            (
                "debt of US$1.2 trillion",
                r#"money "US$1.2 trillion" => USD 1200000000000"#,
            ),
            (
                "a 1.5 trillion won package",
                r#"money "1.5 trillion won" => KRW 1500000000000"#,
            ),
            (
                "about £300 million",
                r#"money "£300 million" => GBP 300000000"#,
            ),
            ("a KRW100bn fund", r#"money "KRW100bn" => KRW 100000000000"#),
            (
                "RMB 7 billion",
                r#"money "RMB 7 billion" => CNY 7000000000"#,
            ),
            (
                "¥50 billion in aid",
                r#"money "¥50 billion" => JPY 50000000000"#,
            ),
            ("a HK$3bn bond", r#"money "HK$3bn" => HKD 3000000000"#),
            ("raised $5m from investors", r#"money "$5m" => USD 5000000"#),
            (
                "some 20 billion US dollars",
                r#"money "20 billion US dollars" => USD 20000000000"#,
            ),
            (
                "500 million pounds sterling",
                r#"money "500 million pounds sterling" => GBP 500000000"#,
            ),
            ("it costs $4.99 per unit", r#"money "$4.99" => USD 4.99"#),
            (
                "between 3 trillion and 5 trillion won",
                r#"money "3 trillion" => KRW 3000000000000; money "5 trillion won" => KRW 5000000000000"#,
            ),
            // Wire-service shorthand: short multipliers, the hyphenated `-won`, the `W`
            // sign and glued multipliers after a code or symbol.
            (
                "a 1.9 tln-won deal for the yard",
                r#"money "1.9 tln-won" => KRW 1900000000000"#,
            ),
            (
                "the 26 trillion-won reactor order",
                r#"money "26 trillion-won" => KRW 26000000000000"#,
            ),
            (
                "a smelter worth US$7.4 bln in Ohio",
                r#"money "US$7.4 bln" => USD 7400000000"#,
            ),
            (
                "bonds of 3.5 bln won",
                r#"money "3.5 bln won" => KRW 3500000000"#,
            ),
            (
                "a W1.2 trillion stimulus",
                r#"money "W1.2 trillion" => KRW 1200000000000"#,
            ),
            ("fares rose to W1,500.", r#"money "W1,500" => KRW 1500"#),
            (
                "a ₩500 billion fund",
                r#"money "₩500 billion" => KRW 500000000000"#,
            ),
            (
                "loans of USD 1.2bn",
                r#"money "USD 1.2bn" => USD 1200000000"#,
            ),
            ("a €3bn grid", r#"money "€3bn" => EUR 3000000000"#),
            ("a £2.5m grant", r#"money "£2.5m" => GBP 2500000"#),
            ("the W50 engine and week 2025-W26 and W3 exit", ""),
            ("a 5 million-strong workforce", ""),
            ("a crate of 40 pounds", ""),
            ("100 billion in funding", ""),
            ("Team G20 won 3 games", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(render(text), expected, "{text}");
        }
    }

    #[test]
    fn percent_shapes_and_values() {
        let cases = [
            (
                "Approximately 75 percent of it",
                r#"percent "75 percent" => 75"#,
            ),
            ("a 25% levy", r#"percent "25%" => 25"#),
            ("growth of 3.5 per cent", r#"percent "3.5 per cent" => 3.5"#),
            ("25 percent duties on cars", r#"percent "25 percent" => 25"#),
            ("a 10-percent cut", r#"percent "10-percent" => 10"#),
            (
                "rose 3 to 5 percent",
                r#"percent "3" => 3; percent "5 percent" => 5"#,
            ),
            (
                "between 2 and 4% a year",
                r#"percent "2" => 2; percent "4%" => 4"#,
            ),
            ("up 0.5 percentage point", ""),
            ("rates fell 25 basis points", ""),
            ("held 60 meetings since 2019", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(render(text), expected, "{text}");
        }
    }

    #[test]
    fn validates_money_values() {
        for ok in ["USD 13700000000", "KRW 600000000", "USD 4.99", "EUR 0"] {
            assert_eq!(validate_money(ok), Ok(()), "{ok}");
        }
        for bad in [
            "USD13700000000",
            "usd 5",
            "US 5",
            "USD 13.7 billion",
            "USD 1,000",
            "USD ",
            "USD 5.",
            "",
        ] {
            assert!(validate_money(bad).is_err(), "{bad}");
        }
    }
}
