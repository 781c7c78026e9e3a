//! TIMEX3 values: calendar arithmetic shared by the resolver, and validation of the
//! value forms that tags may carry (docs/format.md §4).

use crate::recognize::Granularity;

/// Days since 1970-01-01 of a proleptic Gregorian date (month and day unchecked).
pub(crate) fn day_number(year: i32, month: u32, day: u32) -> i64 {
    // Howard Hinnant's days_from_civil: a year starting in March puts the leap day last.
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let m = i64::from(month);
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The civil date of a day number, the inverse of [`day_number`].
pub(crate) fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year as i32, month, day)
}

/// Monday = 0 … Sunday = 6.
pub(crate) fn weekday_of(days: i64) -> u32 {
    // 1970-01-01 was a Thursday.
    (days + 3).rem_euclid(7) as u32
}

pub(crate) fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

pub(crate) fn is_valid_day(year: i32, month: u32, day: u32) -> bool {
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

/// The ISO week-numbering year and week of a day.
pub(crate) fn iso_week(days: i64) -> (i32, u32) {
    // The Thursday of the same ISO week decides the week-numbering year.
    let thursday = days - i64::from(weekday_of(days)) + 3;
    let (year, _, _) = civil_from_days(thursday);
    let week = (thursday - day_number(year, 1, 1)) / 7 + 1;
    (year, week as u32)
}

/// How many ISO weeks `year` has (52 or 53).
pub(crate) fn iso_weeks_in_year(year: i32) -> u32 {
    iso_week(day_number(year, 12, 28)).1
}

/// The first day of a valid single value (not a range), or `None` for values with no
/// calendar position (`PRESENT_REF`, `XXXX-…`, durations).
struct Point {
    granularity: Granularity,
    first_day: Option<i64>,
}

fn digits(s: &str, len: usize) -> Option<u32> {
    if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn is_duration(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('P') else {
        return false;
    };
    let (date_part, time_part) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let units_ok = |part: &str, units: &[u8], allow_fraction: bool| -> Option<usize> {
        // Each component is a number followed by a unit letter, units in order.
        let mut count = 0;
        let mut next_unit = 0;
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || (allow_fraction && c == '.' && !number.is_empty()) {
                number.push(c);
                continue;
            }
            let position = units[next_unit..]
                .iter()
                .position(|&u| char::from(u) == c)?;
            if number.is_empty() || number.ends_with('.') {
                return None;
            }
            next_unit += position + 1;
            number.clear();
            count += 1;
        }
        number.is_empty().then_some(count)
    };
    let Some(date_count) = units_ok(date_part, b"YMWD", true) else {
        return false;
    };
    match time_part {
        Some(t) => units_ok(t, b"HMS", false).is_some_and(|n| n > 0),
        None => date_count > 0,
    }
}

fn parse_point(value: &str) -> Result<Point, String> {
    let invalid = || format!("`{value}` is not a TIMEX3 value");
    if matches!(value, "PRESENT_REF" | "PAST_REF" | "FUTURE_REF") {
        return Ok(Point {
            granularity: Granularity::Present,
            first_day: None,
        });
    }
    if value.starts_with('P') {
        return if is_duration(value) {
            Ok(Point {
                granularity: Granularity::Duration,
                first_day: None,
            })
        } else {
            Err(invalid())
        };
    }
    if let Some(rest) = value.strip_prefix("XXXX-") {
        // A recurring date such as `XXXX-06-28` names no particular year.
        let (month, day) = match rest.split_once('-') {
            Some((m, d)) => (digits(m, 2), Some(digits(d, 2))),
            None => (digits(rest, 2), None),
        };
        let month = month.ok_or_else(invalid)?;
        let granularity = match day {
            Some(Some(d)) if is_valid_day(2000, month, d) => Granularity::Day,
            None if (1..=12).contains(&month) => Granularity::Month,
            _ => return Err(format!("`{value}` is not a real calendar date")),
        };
        return Ok(Point {
            granularity,
            first_day: None,
        });
    }
    let (head, tail) = match value.split_once('-') {
        Some((h, t)) => (h, Some(t)),
        None => (value, None),
    };
    let Some(tail) = tail else {
        let point = |granularity, year: i32| Point {
            granularity,
            first_day: Some(day_number(year, 1, 1)),
        };
        return match head.len() {
            4 => digits(head, 4).map(|y| point(Granularity::Year, y as i32)),
            3 => digits(head, 3).map(|d| point(Granularity::Decade, d as i32 * 10)),
            2 => digits(head, 2).map(|c| point(Granularity::Century, c as i32 * 100)),
            _ => None,
        }
        .ok_or_else(invalid);
    };
    let year = digits(head, 4).ok_or_else(invalid)? as i32;
    let at = |granularity, month: u32, day: u32| {
        Ok(Point {
            granularity,
            first_day: Some(day_number(year, month, day)),
        })
    };
    // Named periods first: the winter code `WI` also starts with `W`.
    match tail {
        "H1" => return at(Granularity::Half, 1, 1),
        "H2" => return at(Granularity::Half, 7, 1),
        "Q1" => return at(Granularity::Quarter, 1, 1),
        "Q2" => return at(Granularity::Quarter, 4, 1),
        "Q3" => return at(Granularity::Quarter, 7, 1),
        "Q4" => return at(Granularity::Quarter, 10, 1),
        "SP" => return at(Granularity::Season, 3, 1),
        "SU" => return at(Granularity::Season, 6, 1),
        "FA" => return at(Granularity::Season, 9, 1),
        "WI" => return at(Granularity::Season, 12, 1),
        _ => {}
    }
    if let Some(week) = tail.strip_prefix('W') {
        let week = digits(week, 2).ok_or_else(invalid)?;
        if week == 0 || week > iso_weeks_in_year(year) {
            return Err(format!("{year} has no ISO week {week}"));
        }
        // Monday of ISO week 1 is the Monday on or before January 4.
        let jan4 = day_number(year, 1, 4);
        let monday = jan4 - i64::from(weekday_of(jan4)) + 7 * (i64::from(week) - 1);
        return Ok(Point {
            granularity: Granularity::Week,
            first_day: Some(monday),
        });
    }
    let (month, rest) = match tail.split_once('-') {
        Some((m, r)) => (m, Some(r)),
        None => (tail, None),
    };
    let month = digits(month, 2).ok_or_else(invalid)?;
    if !(1..=12).contains(&month) {
        return Err(format!("`{value}` has no month {month}"));
    }
    let Some(rest) = rest else {
        return at(Granularity::Month, month, 1);
    };
    let (day, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let day = digits(day, 2).ok_or_else(invalid)?;
    if !is_valid_day(year, month, day) {
        return Err(format!("`{value}` is not a real calendar date"));
    }
    let granularity = match time {
        None => Granularity::Day,
        Some("MO" | "AF" | "EV" | "NI") => Granularity::PartOfDay,
        Some(t) if is_clock_time(t) => Granularity::PartOfDay,
        Some(_) => return Err(invalid()),
    };
    at(granularity, month, day)
}

/// `HH:MM` or `HH:MM:SS`.
fn is_clock_time(t: &str) -> bool {
    let mut parts = t.split(':');
    let ok = |p: Option<&str>, max: u32| p.and_then(|p| digits(p, 2)).is_some_and(|n| n <= max);
    let hours = parts.next();
    let minutes = parts.next();
    let seconds = parts.next();
    ok(hours, 24)
        && ok(minutes, 59)
        && (seconds.is_none() || ok(seconds, 60))
        && parts.next().is_none()
}

/// Checks that `value` is a TIMEX3 value of the forms in docs/format.md §4, naming real calendar
/// dates, with ranges that run forwards; returns its granularity.
pub fn validate_timex(value: &str) -> Result<Granularity, String> {
    if value.is_empty() {
        return Err("empty TIMEX3 value".to_string());
    }
    let Some((from, to)) = value.split_once('/') else {
        return parse_point(value).map(|p| p.granularity);
    };
    let from = parse_point(from)?;
    let to = parse_point(to)?;
    if let (Some(a), Some(b)) = (from.first_day, to.first_day)
        && a > b
    {
        return Err(format!("the range `{value}` runs backwards"));
    }
    Ok(Granularity::Range)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_and_know_weekdays() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2025, 12, 10), (1950, 6, 25)] {
            assert_eq!(civil_from_days(day_number(y, m, d)), (y, m, d));
        }
        // 2025-12-10 was a Wednesday, 2025-06-28 a Saturday.
        assert_eq!(weekday_of(day_number(2025, 12, 10)), 2);
        assert_eq!(weekday_of(day_number(2025, 6, 28)), 5);
        assert_eq!(iso_week(day_number(2025, 6, 28)), (2025, 26));
        assert_eq!(iso_week(day_number(2024, 12, 30)), (2025, 1));
        assert_eq!(iso_week(day_number(2021, 1, 3)), (2020, 53));
        assert_eq!(iso_weeks_in_year(2020), 53);
        assert_eq!(iso_weeks_in_year(2025), 52);
    }

    #[test]
    fn validates_timex_values() {
        let cases = [
            ("2025-12-10", Ok(Granularity::Day)),
            ("2025-12", Ok(Granularity::Month)),
            ("2025", Ok(Granularity::Year)),
            ("199", Ok(Granularity::Decade)),
            ("20", Ok(Granularity::Century)),
            ("2026-H1", Ok(Granularity::Half)),
            ("2026-Q1", Ok(Granularity::Quarter)),
            ("2025-W50", Ok(Granularity::Week)),
            ("2020-W53", Ok(Granularity::Week)),
            ("2025-SU", Ok(Granularity::Season)),
            ("2026-WI", Ok(Granularity::Season)),
            ("2026-SP", Ok(Granularity::Season)),
            ("2026-FA", Ok(Granularity::Season)),
            ("2026-WX", Err(())),
            ("2025-12-10TMO", Ok(Granularity::PartOfDay)),
            ("2025-12-10T14:30", Ok(Granularity::PartOfDay)),
            ("PRESENT_REF", Ok(Granularity::Present)),
            ("P5Y", Ok(Granularity::Duration)),
            ("P1Y6M", Ok(Granularity::Duration)),
            ("PT3H", Ok(Granularity::Duration)),
            ("XXXX-06-28", Ok(Granularity::Day)),
            ("2025-12-01/2025-12-03", Ok(Granularity::Range)),
            ("1998/2024", Ok(Granularity::Range)),
            ("2025-12-03/2025-12-03", Ok(Granularity::Range)),
            ("2025-13", Err(())),
            ("2025-00", Err(())),
            ("2025-02-29", Err(())),
            ("2025-02-30", Err(())),
            ("2025-04-31", Err(())),
            ("2025-12-03/2025-12-01", Err(())),
            ("2025/1998", Err(())),
            ("2025-W53", Err(())),
            ("2025-W00", Err(())),
            ("2025-H3", Err(())),
            ("2025-Q5", Err(())),
            ("2025-12-10TXX", Err(())),
            ("XXXX-02-30", Err(())),
            ("P", Err(())),
            ("P5", Err(())),
            ("PY", Err(())),
            ("P5D3Y", Err(())),
            ("twenty", Err(())),
            ("", Err(())),
            ("2025-1-1", Err(())),
            ("2025-12-10/2025-12-11/2025-12-12", Err(())),
        ];
        for (value, expected) in cases {
            let got = validate_timex(value).map_err(|_| ());
            assert_eq!(got, expected, "{value}");
        }
        assert_eq!(
            validate_timex("2024-02-29").map_err(|_| ()),
            Ok(Granularity::Day),
            "a leap day in a leap year"
        );
    }
}
