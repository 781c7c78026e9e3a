//! The parsed, still underspecified form of a temporal expression, as the rules emit
//! it and before the resolver anchors it to the article date.

use std::fmt::Write as _;

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
                let _ = write!(out, "{n:+}");
            }
        }
        fn year(out: &mut String, y: YearRef) {
            match y {
                YearRef::Abs(y) => {
                    let _ = write!(out, "{y:04}");
                }
                YearRef::Rel(n) => offset(out, "THIS_YEAR", n),
                YearRef::Open(_) => out.push_str("XXXX"),
            }
        }
        match self {
            Point::Year(y) => year(out, y),
            Point::Decade(d) => {
                let _ = write!(out, "{d:03}");
            }
            Point::Century(c) => {
                let _ = write!(out, "{c:02}");
            }
            Point::Month(y, m) => {
                year(out, y);
                let _ = write!(out, "-{m:02}");
            }
            Point::Day {
                year: y,
                month,
                day,
                ..
            } => {
                year(out, y);
                let _ = write!(out, "-{month:02}-{day:02}");
            }
            Point::Half(y, h) => {
                year(out, y);
                let _ = write!(out, "-H{h}");
            }
            Point::Quarter(y, q) => {
                year(out, y);
                let _ = write!(out, "-Q{q}");
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
                let _ = write!(out, "WEEKDAY-{}", w + 1);
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
        let mut out = String::new();
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
