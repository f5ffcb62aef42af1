//! Date search: prefixes and partial dates compared as ranges of instants.
//!
//! Every date, partial date, dateTime or Period is a half-open range of seconds: `1990` is the
//! whole year, `1990-07-21` the whole day, `1990-07-21T10:00:00Z` one second. A date without a
//! time zone is read as UTC.

use serde_json::Value;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// A search prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Sa,
    Eb,
}

/// A half-open range of Unix seconds `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    start: i64,
    end: i64,
}

/// One value of a date parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateQuery {
    prefix: Prefix,
    range: DateRange,
}

impl DateQuery {
    /// Parses `[prefix]date`, e.g. `ge1990-07`, or says why it is not a valid search date.
    pub fn parse(value: &str) -> Result<Self, String> {
        let (prefix, date) = match value.get(..2) {
            Some("eq") => (Prefix::Eq, &value[2..]),
            Some("ne") => (Prefix::Ne, &value[2..]),
            Some("lt") => (Prefix::Lt, &value[2..]),
            Some("gt") => (Prefix::Gt, &value[2..]),
            Some("le") => (Prefix::Le, &value[2..]),
            Some("ge") => (Prefix::Ge, &value[2..]),
            Some("sa") => (Prefix::Sa, &value[2..]),
            Some("eb") => (Prefix::Eb, &value[2..]),
            Some("ap") => return Err("the ap prefix is not supported".to_owned()),
            _ => (Prefix::Eq, value),
        };
        let range = parse_range(date).ok_or_else(|| {
            format!("{date:?} is not a date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime)")
        })?;
        Ok(Self { prefix, range })
    }

    /// Whether `element` (a date, dateTime, instant or Period) satisfies the query.
    pub fn matches(&self, element: &Value) -> bool {
        element_range(element).is_some_and(|target| self.matches_range(target))
    }

    fn matches_range(&self, target: DateRange) -> bool {
        let search = self.range;
        let contained = search.start <= target.start && target.end <= search.end;
        match self.prefix {
            Prefix::Eq => contained,
            Prefix::Ne => !contained,
            Prefix::Gt => target.end > search.end,
            Prefix::Lt => target.start < search.start,
            Prefix::Ge => target.end > search.end || contained,
            Prefix::Le => target.start < search.start || contained,
            Prefix::Sa => target.start >= search.end,
            Prefix::Eb => target.end <= search.start,
        }
    }
}

fn element_range(element: &Value) -> Option<DateRange> {
    match element {
        Value::String(text) => parse_range(text),
        Value::Object(period) => {
            let bound = |name| period.get(name).and_then(Value::as_str).map(parse_range);
            let start = match bound("start") {
                Some(range) => range?.start,
                None => i64::MIN,
            };
            let end = match bound("end") {
                Some(range) => range?.end,
                None => i64::MAX,
            };
            (start < end).then_some(DateRange { start, end })
        }
        _ => None,
    }
}

/// Parses a FHIR date, partial date, dateTime or instant into the range it denotes.
pub fn parse_range(text: &str) -> Option<DateRange> {
    let (date_part, time_part) = match text.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let mut fields = date_part.split('-');
    let year = number(fields.next()?, 4)?;
    let month = match fields.next() {
        Some(month) => Some(number(month, 2)?),
        None => None,
    };
    let day = match fields.next() {
        Some(day) => Some(number(day, 2)?),
        None => None,
    };
    if fields.next().is_some() {
        return None;
    }
    let year = i32::try_from(year).ok()?;
    let Some(month) = month else {
        return span(first_day(year, 1)?, first_day(year + 1, 1)?);
    };
    let month = u8::try_from(month).ok()?;
    let Some(day) = day else {
        let next = if month == 12 {
            first_day(year + 1, 1)?
        } else {
            first_day(year, month + 1)?
        };
        return span(first_day(year, month)?, next);
    };
    let date =
        Date::from_calendar_date(year, Month::try_from(month).ok()?, u8::try_from(day).ok()?)
            .ok()?;
    match time_part {
        None => span(date, date.next_day()?),
        Some(time) => parse_time_of_day(date, time),
    }
}

fn parse_time_of_day(date: Date, text: &str) -> Option<DateRange> {
    let (clock, offset) = split_offset(text)?;
    let mut fields = clock.split(':');
    let hour = u8::try_from(number(fields.next()?, 2)?).ok()?;
    let minute = u8::try_from(number(fields.next()?, 2)?).ok()?;
    let (second, width) = match fields.next() {
        None => (0, 60),
        Some(seconds) => {
            let whole = seconds
                .split_once('.')
                .map_or(seconds, |(whole, fraction)| {
                    if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
                        ""
                    } else {
                        whole
                    }
                });
            (u8::try_from(number(whole, 2)?).ok()?, 1)
        }
    };
    if fields.next().is_some() {
        return None;
    }
    let time = Time::from_hms(hour, minute, second).ok()?;
    let start = PrimitiveDateTime::new(date, time)
        .assume_offset(offset)
        .unix_timestamp();
    Some(DateRange {
        start,
        end: start + width,
    })
}

fn split_offset(text: &str) -> Option<(&str, UtcOffset)> {
    if let Some(clock) = text.strip_suffix('Z') {
        return Some((clock, UtcOffset::UTC));
    }
    let Some(sign_at) = text.rfind(['+', '-']) else {
        return Some((text, UtcOffset::UTC));
    };
    let (clock, zone) = text.split_at(sign_at);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let (hours, minutes) = zone[1..].split_once(':')?;
    let hours = i8::try_from(number(hours, 2)?).ok()?;
    let minutes = i8::try_from(number(minutes, 2)?).ok()?;
    let offset = UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()?;
    Some((clock, offset))
}

fn number(text: &str, width: usize) -> Option<u32> {
    if text.len() == width && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

fn first_day(year: i32, month: u8) -> Option<Date> {
    Date::from_calendar_date(year, Month::try_from(month).ok()?, 1).ok()
}

fn span(start: Date, end: Date) -> Option<DateRange> {
    let seconds = |date: Date| OffsetDateTime::new_utc(date, Time::MIDNIGHT).unix_timestamp();
    Some(DateRange {
        start: seconds(start),
        end: seconds(end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn matches(query: &str, target: &str) -> bool {
        DateQuery::parse(query).unwrap().matches(&json!(target))
    }

    #[test]
    fn equality_means_the_search_range_contains_the_target() {
        assert!(matches("1990-07-21", "1990-07-21"));
        assert!(matches("1990-07", "1990-07-21"));
        assert!(matches("eq1990", "1990-07-21"));
        assert!(!matches("1990-07-21", "1990-07"));
        assert!(!matches("1990-07-22", "1990-07-21"));
        assert!(matches("ne1990-07-22", "1990-07-21"));
        assert!(!matches("ne1990", "1990-07-21"));
    }

    #[test]
    fn ordering_prefixes() {
        assert!(matches("gt1990-07-20", "1990-07-21"));
        assert!(!matches("gt1990-07-21", "1990-07-21"));
        assert!(matches("ge1990-07-21", "1990-07-21"));
        assert!(matches("lt1990-07-22", "1990-07-21"));
        assert!(!matches("lt1990-07-21", "1990-07-21"));
        assert!(matches("le1990-07-21", "1990-07-21"));
        assert!(matches("le1990", "1984-03-12"));
        assert!(!matches("ge1990", "1984-03-12"));
        assert!(matches("sa1989", "1990-01-01"));
        assert!(!matches("sa1990", "1990-12-31"));
        assert!(matches("eb2000", "1999-12-31"));
    }

    #[test]
    fn date_times_with_zones_compare_as_instants() {
        assert!(matches("2024-04-02", "2024-04-02T11:05:00+01:00"));
        assert!(matches("2024-04-02T10:05:00Z", "2024-04-02T11:05:00+01:00"));
        assert!(matches(
            "gt2024-04-02T10:00Z",
            "2024-04-02T11:05:00.250+01:00"
        ));
        assert!(matches("2024-04-02T10:05", "2024-04-02T10:05:30Z"));
    }

    #[test]
    fn periods_with_open_ends() {
        let period = json!({"start": "2024-03-04T09:10:00Z"});
        assert!(DateQuery::parse("gt2030").unwrap().matches(&period));
        assert!(!DateQuery::parse("lt2024-03-04").unwrap().matches(&period));
    }

    #[test]
    fn rejects_malformed_dates() {
        for bad in [
            "",
            "19",
            "1990-7",
            "1990-13",
            "1990-02-30",
            "abc",
            "ap1990",
            "1990-07-21T25:00",
            "1990-07-21T10",
            "1990-07-21T10:00:00+5",
            "1990-07-21-01",
            "gt",
            "1990-07-21T10:00:00.",
            "１９９０",
        ] {
            assert!(DateQuery::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(
            !DateQuery::parse("1990")
                .unwrap()
                .matches(&json!("not a date"))
        );
    }
}
