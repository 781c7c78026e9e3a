//! The parsed, still underspecified form of a temporal expression, as the rules emit
//! it and before the resolver anchors it to the article date.

use crate::recognize::Granularity;

/// How a point with an open year or weekday is to be anchored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hint {
    /// By the tense of the sentence, else the nearest occurrence.
    Tense,
    /// `last June`, `last Friday`: the occurrence before the article date.
    Last,
    /// `next June`, `next Friday`: the occurrence after the article date.
    Next,
    /// `this June`, `this Friday`: the article's year or week.
    This,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum YearRef {
    /// A year the text names.
    Abs(i32),
    /// The article year plus an offset (`next year`).
    Rel(i32),
    /// A year the text leaves open (`June`, `July 8`).
    Open(Hint),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PartOfDay {
    Morning,
    Afternoon,
    Evening,
    Night,
}

impl PartOfDay {
    pub fn code(self) -> &'static str {
        match self {
            PartOfDay::Morning => "TMO",
            PartOfDay::Afternoon => "TAF",
            PartOfDay::Evening => "TEV",
            PartOfDay::Night => "TNI",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Season {
    Spring,
    Summer,
    Fall,
    Winter,
}

impl Season {
    pub fn code(self) -> &'static str {
        match self {
            Season::Spring => "SP",
            Season::Summer => "SU",
            Season::Fall => "FA",
            Season::Winter => "WI",
        }
    }

    /// The first month of the season (meteorological seasons; winter starts in
    /// December of its year).
    pub fn first_month(self) -> u32 {
        match self {
            Season::Spring => 3,
            Season::Summer => 6,
            Season::Fall => 9,
            Season::Winter => 12,
        }
    }
}

/// One calendar point or period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Point {
    Year(YearRef),
    /// The first three digits of the decade's years (`199` for the 1990s).
    Decade(i32),
    /// The first two digits of the century's years (`20` for the 21st century).
    Century(i32),
    Month(YearRef, u32),
    Day {
        year: YearRef,
        month: u32,
        day: u32,
        /// A weekday named with the date (Monday = 0), which helps pick the year.
        weekday: Option<u32>,
    },
    Half(YearRef, u32),
    Quarter(YearRef, u32),
    Season(YearRef, Season),
    /// The article's ISO week plus an offset.
    Week(i32),
    /// The article's month plus an offset.
    RelMonth(i32),
    /// The article date plus an offset in days.
    RelDay(i32),
    /// A weekday (Monday = 0) anchored near the article date.
    Weekday(u32, Hint),
}

impl Point {
    pub fn granularity(self) -> Granularity {
        match self {
            Point::Year(_) => Granularity::Year,
            Point::Decade(_) => Granularity::Decade,
            Point::Century(_) => Granularity::Century,
            Point::Month(..) | Point::RelMonth(_) => Granularity::Month,
            Point::Day { .. } | Point::RelDay(_) | Point::Weekday(..) => Granularity::Day,
            Point::Half(..) => Granularity::Half,
            Point::Quarter(..) => Granularity::Quarter,
            Point::Season(..) => Granularity::Season,
            Point::Week(_) => Granularity::Week,
        }
    }

    /// Whether resolving the point needs the sentence's tense.
    pub fn needs_tense(self) -> bool {
        let open = |y: YearRef| y == YearRef::Open(Hint::Tense);
        match self {
            Point::Month(y, _)
            | Point::Day { year: y, .. }
            | Point::Half(y, _)
            | Point::Quarter(y, _)
            | Point::Season(y, _) => open(y),
            Point::Weekday(_, hint) => hint == Hint::Tense,
            _ => false,
        }
    }

    fn write_underspecified(self, out: &mut String) {
        fn offset(out: &mut String, base: &str, n: i32) {
            out.push_str(base);
            if n != 0 {
                if n > 0 {
                    out.push('+');
                }
                push_padded(out, n, 1);
            }
        }
        fn year(out: &mut String, y: YearRef) {
            match y {
                YearRef::Abs(y) => {
                    push_padded(out, y, 4);
                }
                YearRef::Rel(n) => offset(out, "THIS_YEAR", n),
                YearRef::Open(_) => out.push_str("XXXX"),
            }
        }
        match self {
            Point::Year(y) => year(out, y),
            Point::Decade(d) => {
                push_padded(out, d, 3);
            }
            Point::Century(c) => {
                push_padded(out, c, 2);
            }
            Point::Month(y, m) => {
                year(out, y);
                out.push('-');
                push_padded(out, m, 2);
            }
            Point::Day {
                year: y,
                month,
                day,
                ..
            } => {
                year(out, y);
                out.push('-');
                push_padded(out, month, 2);
                out.push('-');
                push_padded(out, day, 2);
            }
            Point::Half(y, h) => {
                year(out, y);
                out.push_str("-H");
                push_padded(out, h, 1);
            }
            Point::Quarter(y, q) => {
                year(out, y);
                out.push_str("-Q");
                push_padded(out, q, 1);
            }
            Point::Season(y, s) => {
                year(out, y);
                out.push('-');
                out.push_str(s.code());
            }
            Point::Week(n) => offset(out, "THIS_WEEK", n),
            Point::RelMonth(n) => offset(out, "THIS_MONTH", n),
            Point::RelDay(n) => offset(out, "TODAY", n),
            Point::Weekday(w, hint) => {
                out.push_str(match hint {
                    Hint::Tense => "",
                    Hint::Last => "LAST_",
                    Hint::Next => "NEXT_",
                    Hint::This => "THIS_",
                });
                out.push_str("WEEKDAY-");
                push_padded(out, w + 1, 1);
            }
        }
    }
}

/// A whole temporal expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expr {
    Single(Point, Option<PartOfDay>),
    Range(Point, Point),
}

impl Expr {
    pub fn point(point: Point) -> Expr {
        Expr::Single(point, None)
    }

    pub fn granularity(self) -> Granularity {
        match self {
            Expr::Single(_, Some(_)) => Granularity::PartOfDay,
            Expr::Single(point, None) => point.granularity(),
            Expr::Range(..) => Granularity::Range,
        }
    }

    pub fn needs_tense(self) -> bool {
        match self {
            Expr::Single(point, _) => point.needs_tense(),
            Expr::Range(from, _) => from.needs_tense(),
        }
    }

    /// The value before resolution, with `X` and `THIS_…` for what the text leaves
    /// open (HeidelTime style).
    pub fn underspecified(self) -> String {
        // Room for the longest value, a range of two days, so that it seldom regrows.
        let mut out = String::with_capacity(24);
        match self {
            Expr::Single(point, pod) => {
                point.write_underspecified(&mut out);
                if let Some(pod) = pod {
                    out.push_str(pod.code());
                }
            }
            Expr::Range(from, to) => {
                from.write_underspecified(&mut out);
                out.push('/');
                to.write_underspecified(&mut out);
            }
        }
        out
    }
}

/// Appends `n` as `format!("{n:0width$}")` would, without the formatting machinery,
/// which dominated the cost of writing values.
pub(crate) fn push_padded(out: &mut String, n: impl Into<i64>, width: usize) {
    let n: i64 = n.into();
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut rest = n.unsigned_abs();
    loop {
        digits[len] = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    // As with `{:0width$}`, a minus sign counts towards the width.
    let mut shown = len;
    if n < 0 {
        out.push('-');
        shown += 1;
    }
    for _ in shown..width {
        out.push('0');
    }
    for &digit in digits[..len].iter().rev() {
        out.push(char::from(digit));
    }
}

#[cfg(test)]
mod tests {
    use super::push_padded;

    #[test]
    fn padded_numbers_read_as_the_formatter_writes_them() {
        for n in [
            0i64, 1, 7, 9, 10, 99, 100, 999, 2025, 12345, -1, -5, -42, -999, -2025,
        ] {
            for width in 0..6 {
                let mut out = String::from("x");
                push_padded(&mut out, n, width);
                assert_eq!(out, format!("x{n:0width$}"), "{n} in {width}");
            }
        }
    }
}
