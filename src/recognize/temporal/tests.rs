//! Fixture tests for date recognition and resolution: one row per pattern, with the
//! article date, the expected span, the resolved value and the granularity.

use expect_test::expect;
use jiff::civil::{Date, date};

use super::{find_dates, validate_timex};
use crate::recognize::Granularity::{self, *};

/// One expected date in a sentence.
struct Case {
    text: &'static str,
    article: Option<Date>,
    span: &'static str,
    value: Option<&'static str>,
    granularity: Granularity,
}

const fn case(
    text: &'static str,
    article: Option<Date>,
    span: &'static str,
    value: Option<&'static str>,
    granularity: Granularity,
) -> Case {
    Case {
        text,
        article,
        span,
        value,
        granularity,
    }
}

/// Wednesday 10 December 2025.
const DEC10: Option<Date> = Some(date(2025, 12, 10));
/// Thursday 26 June 2025.
const JUN26: Option<Date> = Some(date(2025, 6, 26));
/// Saturday 28 June 2025.
const JUN28: Option<Date> = Some(date(2025, 6, 28));
/// Friday 2 January 2026.
const JAN02: Option<Date> = Some(date(2026, 1, 2));
/// Wednesday 11 February 2026.
const FEB11: Option<Date> = Some(date(2026, 2, 11));

#[rustfmt::skip]
const CASES: &[Case] = &[
    // Absolute days, with and without a weekday and a year.
    case("The forum opened on Tuesday, March 4, 2025, in Busan.", DEC10, "Tuesday, March 4, 2025", Some("2025-03-04"), Day),
    case("The panel convened on Monday, December 8, at the chamber.", DEC10, "Monday, December 8", Some("2025-12-08"), Day),
    case("Delegates gathered on 14 November 2024 in Geneva.", DEC10, "14 November 2024", Some("2024-11-14"), Day),
    case("The notice was posted on Nov. 28.", DEC10, "Nov. 28", Some("2025-11-28"), Day),
    case("The notice was posted on Oct 2, 2024.", DEC10, "Oct 2, 2024", Some("2024-10-02"), Day),
    case("The plan took effect on 2025-07-01 nationwide.", None, "2025-07-01", Some("2025-07-01"), Day),
    case("Ministers met on the 3rd of December.", DEC10, "the 3rd of December", Some("2025-12-03"), Day),
    // A weekday before a date in brackets takes that date; the date is a mention of its own.
    case("Talks ended on Monday (Dec 8) in Seoul.", DEC10, "Monday", Some("2025-12-08"), Day),
    case("Talks ended on Monday (Dec 8) in Seoul.", DEC10, "Dec 8", Some("2025-12-08"), Day),
    // A range whose ends both name their weekday.
    case("The visit runs from Sunday, December 14 to Monday, December 15.", DEC10, "Sunday, December 14 to Monday, December 15", Some("2025-12-14/2025-12-15"), Range),
    // A relative day that spells its date out is that date.
    case("The envoy arrives tomorrow, December 11, for talks.", DEC10, "tomorrow, December 11", Some("2025-12-11"), Day),
    case("The reply is due within today.", DEC10, "within today", Some("2025-12-10"), Day),
    // An open month-day follows the tense, else the nearest occurrence.
    case("The levy was introduced on March 12.", DEC10, "March 12", Some("2025-03-12"), Day),
    case("The levy will be introduced on March 12.", DEC10, "March 12", Some("2026-03-12"), Day),
    case("The window closes on January 15.", DEC10, "January 15", Some("2026-01-15"), Day),
    case("The exemption runs until August 1.", JUN26, "August 1", Some("2025-08-01"), Day),
    case("Duties were suspended until August 1 for talks.", JUN26, "August 1", Some("2025-08-01"), Day),
    case("Officials signed the pact on December 20.", JAN02, "December 20", Some("2025-12-20"), Day),
    // Open months.
    case("The leaders agreed in July to cut tariffs.", DEC10, "July", Some("2025-07"), Month),
    case("The rules will apply from July.", DEC10, "July", Some("2026-07"), Month),
    case("Exports had slumped in December after the strike.", JUN26, "December", Some("2024-12"), Month),
    case("The assembly is scheduled to vote in December.", JUN26, "December", Some("2025-12"), Month),
    case("The audit covered last March in full.", DEC10, "last March", Some("2025-03"), Month),
    case("The review finishes next March.", DEC10, "next March", Some("2026-03"), Month),
    case("Output recovered in early October.", DEC10, "early October", Some("2025-10"), Month),
    case("Prices eased in mid-November.", DEC10, "mid-November", Some("2025-11"), Month),
    case("The bill passed in May after a long debate.", DEC10, "May", Some("2025-05"), Month),
    case("The commission proposed in October to cut quotas.", Some(date(2026, 3, 5)), "October", Some("2025-10"), Month),
    case("The report came out in October 2023.", DEC10, "October 2023", Some("2023-10"), Month),
    case("The rules apply by the end of March.", DEC10, "the end of March", Some("2026-03"), Month),
    // Weekdays.
    case("The agency said Friday that talks stalled.", JUN28, "Friday", Some("2025-06-27"), Day),
    case("The office announced on Thursday its new envoy.", JUN26, "Thursday", Some("2025-06-26"), Day),
    case("On Tuesday, the envoy flew to Jakarta.", JUN26, "Tuesday", Some("2025-06-24"), Day),
    case("The envoy will fly to Jakarta on Tuesday.", JUN26, "Tuesday", Some("2025-07-01"), Day),
    case("The vote is on Monday.", JUN28, "Monday", Some("2025-06-30"), Day),
    case("Talks resumed last Wednesday.", JUN26, "last Wednesday", Some("2025-06-25"), Day),
    case("Talks resume next Wednesday.", JUN26, "next Wednesday", Some("2025-07-02"), Day),
    case("The minister arrived Sunday evening.", JUN28, "Sunday evening", Some("2025-06-22TEV"), PartOfDay),
    // Relative years, months and weeks.
    case("Shipments rose this year.", DEC10, "this year", Some("2025"), Year),
    case("Shipments rose last year.", JAN02, "last year", Some("2025"), Year),
    case("Budgets grow next year.", DEC10, "next year", Some("2026"), Year),
    case("The firm aims to list within the year.", DEC10, "within the year", Some("2025"), Year),
    case("Orders doubled by the end of the year.", DEC10, "the end of the year", Some("2025"), Year),
    case("Growth slowed late last year.", DEC10, "late last year", Some("2024"), Year),
    case("Envoys will meet later this month.", FEB11, "later this month", Some("2026-02"), Month),
    case("Prices eased earlier this year.", DEC10, "earlier this year", Some("2025"), Year),
    case("Payments are due by the end of next month.", FEB11, "the end of next month", Some("2026-03"), Month),
    case("A ruling is expected early next year.", FEB11, "early next year", Some("2027"), Year),
    // A month or day with a year relative to the article is one date.
    case("The plant opened in August last year.", FEB11, "August last year", Some("2025-08"), Month),
    case("Talks resume in March of next year.", DEC10, "March of next year", Some("2026-03"), Month),
    case("The levy took effect on July 1 last year.", FEB11, "July 1 last year", Some("2025-07-01"), Day),
    case("The fair opens on 3 May next year.", FEB11, "3 May next year", Some("2027-05-03"), Day),
    case("The decree lapses next month.", JUN28, "next month", Some("2025-07"), Month),
    case("The decree lapsed last month.", JAN02, "last month", Some("2025-12"), Month),
    case("Envoys met twice this week.", JUN28, "this week", Some("2025-W26"), Week),
    case("Envoys meet again next week.", DEC10, "next week", Some("2025-W51"), Week),
    case("The pact was signed two years ago.", DEC10, "two years ago", Some("2023"), Year),
    case("The tariff was set three months ago.", DEC10, "three months ago", Some("2025-09"), Month),
    // Halves, quarters, seasons.
    case("A deal is due in the first half of next year.", DEC10, "the first half of next year", Some("2026-H1"), Half),
    case("Sales fell in the second half of 2024.", DEC10, "the second half of 2024", Some("2024-H2"), Half),
    case("Profits rose in the third quarter.", DEC10, "third quarter", Some("2025-Q3"), Quarter),
    case("Profits rose in the 2nd quarter of 2024.", DEC10, "the 2nd quarter of 2024", Some("2024-Q2"), Quarter),
    case("Results for Q1 2026 come in April.", DEC10, "Q1 2026", Some("2026-Q1"), Quarter),
    case("The pilot starts this summer.", JUN26, "this summer", Some("2025-SU"), Season),
    case("The pilot ran in the spring of 2023.", DEC10, "spring of 2023", Some("2023-SP"), Season),
    case("Gas demand usually peaks this winter.", JUN26, "this winter", Some("2025-WI"), Season),
    // What a proposal or plan puts forward lies ahead; the proposing itself is past.
    case("Seoul proposed that the two governments hold the next round in the autumn.", FEB11, "autumn", Some("2026-FA"), Season),
    case("The ministers agreed to host the expo in the spring.", FEB11, "spring", Some("2026-SP"), Season),
    case("A plan to launch the fund in the summer was unveiled.", FEB11, "summer", Some("2026-SU"), Season),
    case("They agreed in the spring that quotas would rise.", FEB11, "spring", Some("2025-SP"), Season),
    case("Seoul proposed that the envoys meet in the spring, the ministry said.", FEB11, "spring", Some("2026-SP"), Season),
    case("Both sides agreed that exports in March fell short.", JUN26, "March", Some("2025-03"), Month),
    case("The envoy proposed in November to widen the quota.", FEB11, "November", Some("2025-11"), Month),
    // Years, decades, centuries and ranges.
    case("Trade reached a record in 2024.", DEC10, "2024", Some("2024"), Year),
    case("It set out its 2027 budget priorities.", DEC10, "2027", Some("2027"), Year),
    case("Officials opened the first 2025 Shipbuilding Cooperation Forum in Ulsan.", DEC10, "2025", Some("2025"), Year),
    case("In 2024 the pact lapsed for good.", DEC10, "2024", Some("2024"), Year),
    case("Korea Unveils 2026 Budget Priorities", DEC10, "2026", Some("2026"), Year),
    case("Output should recover by mid-2027.", FEB11, "mid-2027", Some("2027"), Year),
    // Fiscal years keep the calendar year's value and their prefix.
    case("Spending for fiscal 2026 grows by a tenth.", DEC10, "fiscal 2026", Some("2026"), Year),
    case("Revenue fell in fiscal year 2025 as orders slowed.", DEC10, "fiscal year 2025", Some("2025"), Year),
    case("The FY2027 budget was approved.", DEC10, "FY2027", Some("2027"), Year),
    case("Ties have deepened since the 1980s.", DEC10, "1980s", Some("198"), Decade),
    case("A new order for the 21st century emerged.", DEC10, "21st century", Some("20"), Century),
    case("Inflows from 2001 to 2019 were steady.", DEC10, "2001 to 2019", Some("2001/2019"), Range),
    case("Output between 2015 and 2020 was flat.", DEC10, "2015 and 2020", Some("2015/2020"), Range),
    case("The 1939-45 war reshaped trade.", DEC10, "1939-45", Some("1939/1945"), Range),
    case("The fair runs from March 3 to March 6.", DEC10, "March 3 to March 6", Some("2026-03-03/2026-03-06"), Range),
    case("The fair ran from November 17 to 19.", DEC10, "November 17 to 19", Some("2025-11-17/2025-11-19"), Range),
    case("The fair runs May 5-7, 2026.", DEC10, "May 5-7, 2026", Some("2026-05-05/2026-05-07"), Range),
    case("The office shuts December 29 to January 2.", DEC10, "December 29 to January 2", Some("2025-12-29/2026-01-02"), Range),
    // Parts of the day and deictic days.
    case("Markets fell this morning.", DEC10, "this morning", Some("2025-12-10TMO"), PartOfDay),
    case("The vote came late last night.", DEC10, "last night", Some("2025-12-09TNI"), PartOfDay),
    case("The envoy left yesterday.", DEC10, "yesterday", Some("2025-12-09"), Day),
    // Without an article date, relative dates stay unresolved; absolute ones resolve.
    case("Shipments rose this year.", None, "this year", None, Year),
    case("The vote is on Monday.", None, "Monday", None, Day),
    case("The leaders agreed in July to cut tariffs.", None, "July", None, Month),
    case("The forum opened on Tuesday, March 4, 2025, in Busan.", None, "Tuesday, March 4, 2025", Some("2025-03-04"), Day),
    case("Trade reached a record in 2024.", None, "2024", Some("2024"), Year),
];

#[test]
fn date_patterns_resolve_to_value_and_granularity() {
    let mut failures = Vec::new();
    for c in CASES {
        let found = find_dates(c.text, c.article);
        let hit = found
            .iter()
            .find(|m| &c.text[m.range.start..m.range.end] == c.span);
        let Some(hit) = hit else {
            let spans: Vec<_> = found
                .iter()
                .map(|m| &c.text[m.range.start..m.range.end])
                .collect();
            failures.push(format!(
                "{:?}: no span {:?}, found {spans:?}",
                c.text, c.span
            ));
            continue;
        };
        if let Some(value) = c.value
            && validate_timex(value).ok() != Some(c.granularity)
        {
            failures.push(format!(
                "{value:?} is not a valid {:?} value",
                c.granularity
            ));
        }
        let info = hit.date.as_ref().expect("a date mention carries DateInfo");
        let got = (hit.value.as_deref(), info.granularity);
        if got != (c.value, c.granularity) || info.value != hit.value {
            failures.push(format!(
                "{:?} @ {:?}: {:?} gave {got:?}, want {:?}",
                c.text,
                c.article,
                c.span,
                (c.value, c.granularity)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn non_dates_are_not_tagged() {
    let texts = [
        "It has grown over the past five years.",
        "A five-year plan and a two-day visit, less than two weeks away.",
        "Mid- to long-term goals are set annually in a semiannual review.",
        "The 52nd session of the third-largest economy.",
        "Earlier in the day, officials met in the future of recent talks.",
        "More than 60 experts and nearly 100,000 people came.",
        "Trade reached USD 13.7 billion with 1,500 firms.",
        "Call 02-2025-1234 or fax 2025 4411; see ISO 9001 and No. 2024.",
        "About 2000 workers joined; prices rose 2025 percent.",
        "Sales hit 2040 bln won and 2050 tln-won.",
        "The body published report date2025-12-10",
        "The body published report date: 2025-12-10",
        "The body published report date 2025-12-10",
        "They may agree; the march was long; the leaves fall.",
        "The first half of the match was dull.",
        "Every year and each month and per week.",
        // A year after a capitalised name belongs to the name.
        "Investment under Saudi Vision 2030 grew.",
        "Chipmakers gathered at SEMICON Korea 2026, held in Seoul.",
        "SEMICON Korea 2026 Opens With Record Exhibitors",
        "Busan lost its bid to host Expo 2030 to Riyadh.",
        "The treaty went before lawmakers under the Constitutional Reform and Governance Act 2010 rules.",
        "Delegates flew to COP30 in Belem.",
        "A year earlier the plan was shelved.",
    ];
    for text in texts {
        let found: Vec<_> = find_dates(text, DEC10)
            .iter()
            .map(|m| text[m.range.start..m.range.end].to_string())
            .collect();
        assert!(found.is_empty(), "{text:?} gave {found:?}");
    }
}

#[test]
fn underspecified_values_keep_what_the_text_leaves_open() {
    let text = "On Wednesday, the envoy said talks held on June 5 and in July had set \
                goals for next year, the second half of 2026 and this week.";
    let rendered: Vec<String> = find_dates(text, DEC10)
        .into_iter()
        .map(|m| {
            let info = m.date.expect("date info");
            format!(
                "{} {} -> {}",
                &text[m.range.start..m.range.end],
                info.underspecified,
                info.value.as_deref().unwrap_or("unresolved")
            )
        })
        .collect();
    expect![[r#"
        [
            "Wednesday WEEKDAY-3 -> 2025-12-10",
            "June 5 XXXX-06-05 -> 2025-06-05",
            "July XXXX-07 -> 2025-07",
            "next year THIS_YEAR+1 -> 2026",
            "the second half of 2026 2026-H2 -> 2026-H2",
            "this week THIS_WEEK -> 2025-W50",
        ]
    "#]]
    .assert_debug_eq(&rendered);
}

#[test]
fn mentions_are_sorted_flat_and_valid() {
    let text = "From December 1 to December 3 and on Wednesday, December 10, 2025, \
                the first half of next year, 1998 to 2024, this week, mid-2026, \
                the 1990s and Q4 were all discussed; 10 December 2025 too.";
    for article in [DEC10, JUN26, None] {
        let found = find_dates(text, article);
        assert_eq!(found.len(), 9, "{found:?}");
        for pair in found.windows(2) {
            assert!(pair[0].range.end <= pair[1].range.start, "{pair:?}");
        }
        for m in &found {
            assert_eq!(m.ty, crate::recognize::EntityType::Date);
            assert!(m.key.is_none());
            if let Some(value) = &m.value {
                let granularity = validate_timex(value);
                assert_eq!(
                    granularity.as_ref().ok(),
                    m.date.as_ref().map(|d| &d.granularity),
                    "{value}"
                );
            }
        }
    }
}

#[test]
fn never_panics_on_odd_input() {
    let text = "Dec.\u{a0}1–3 ,2025’s 1990s\r\nMay\u{2009}5 — Q4 20 25 日本 2025年 $2025 \
                Friday, ( Sept. 31 – 2099-02-29 1950-5 3rd of 1st half of the";
    let mut boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    boundaries.push(text.len());
    for &start in &boundaries {
        for &end in boundaries.iter().filter(|&&e| e >= start).step_by(7) {
            let slice = &text[start..end];
            for m in find_dates(slice, DEC10) {
                assert!(
                    slice.is_char_boundary(m.range.start) && slice.is_char_boundary(m.range.end)
                );
            }
        }
    }
}
