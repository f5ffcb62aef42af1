//! Date search: prefixes and partial dates compared as ranges of instants.
//!
//! Every date, partial date, dateTime, instant or Period is a half-open range of milliseconds:
//! `1990` is the whole year, `1990-07-21` the whole day, `1990-07-21T10:00:00Z` one second,
//! `…T10:00:00.250Z` one millisecond. A value without a time zone is read as UTC. A Period
//! without a start or end is open on that side.

use serde_json::Value;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::prefix::Prefix;

/// A half-open range of Unix milliseconds `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// First millisecond in the range.
    pub start: i64,
    /// First millisecond after the range.
    pub end: i64,
}

/// One value of a date parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateQuery {
    prefix: Prefix,
    range: DateRange,
    /// `gt` behaves as `ge` (a defect).
    gt_as_ge: bool,
}

impl DateQuery {
    /// Parses `[prefix]date`, e.g. `ge1990-07`, or says why it is not a valid search date.
    /// `ap` widens the range by a tenth of its distance from `now`.
    pub fn parse(value: &str, now: OffsetDateTime) -> Result<Self, String> {
        let (prefix, date) = Prefix::split(value)?;
        let mut range = parse_range(date).ok_or_else(|| {
            format!("{date:?} is not a date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime)")
        })?;
        if prefix == Prefix::Ap {
            let now = now.unix_timestamp() * 1000;
            let slack = (now - range.start).abs().max((now - range.end).abs()) / 10;
            range = DateRange {
                start: range.start.saturating_sub(slack),
                end: range.end.saturating_add(slack),
            };
        }
        Ok(Self {
            prefix,
            range,
            gt_as_ge: false,
        })
    }

    /// The same query with `gt` misread as `ge` (a defect).
    pub fn with_gt_as_ge(self) -> Self {
        Self {
            gt_as_ge: true,
            ..self
        }
    }

    /// Whether `element` (a date, dateTime, instant or Period) satisfies the query.
    pub fn matches(&self, element: &Value) -> bool {
        element_range(element).is_some_and(|target| self.matches_range(target))
    }

    fn matches_range(&self, target: DateRange) -> bool {
        let search = self.range;
        let contained = search.start <= target.start && target.end <= search.end;
        let overlaps = target.start < search.end && search.start < target.end;
        let above = target.end > search.end;
        let below = target.start < search.start;
        match self.prefix {
            Prefix::Eq => contained,
            Prefix::Ne => !contained,
            Prefix::Gt if self.gt_as_ge => above || contained,
            Prefix::Gt => above,
            Prefix::Lt => below,
            Prefix::Ge => above || contained,
            Prefix::Le => below || contained,
            Prefix::Sa => target.start >= search.end,
            Prefix::Eb => target.end <= search.start,
            Prefix::Ap => overlaps,
        }
    }
}

/// The range of a date, dateTime, instant or Period element, if it is one.
pub fn element_range(element: &Value) -> Option<DateRange> {
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
    let (second, millis, width) = match fields.next() {
        None => (0, 0, 60_000),
        Some(seconds) => match seconds.split_once('.') {
            None => (u8::try_from(number(seconds, 2)?).ok()?, 0, 1000),
            Some((whole, fraction)) => {
                if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let digits = fraction.len().min(3);
                let millis: i64 = format!("{:0<3}", &fraction[..digits]).parse().ok()?;
                let width = 10_i64.pow(3 - digits as u32);
                (u8::try_from(number(whole, 2)?).ok()?, millis, width)
            }
        },
    };
    if fields.next().is_some() {
        return None;
    }
    let time = Time::from_hms(hour, minute, second).ok()?;
    let start = PrimitiveDateTime::new(date, time)
        .assume_offset(offset)
        .unix_timestamp()
        * 1000
        + millis;
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
    let millis = |date: Date| OffsetDateTime::new_utc(date, Time::MIDNIGHT).unix_timestamp() * 1000;
    Some(DateRange {
        start: millis(start),
        end: millis(end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> OffsetDateTime {
        time::macros::datetime!(2025-01-01 00:00 UTC)
    }

    fn query(text: &str) -> Result<DateQuery, String> {
        DateQuery::parse(text, now())
    }

    fn matches(text: &str, target: &str) -> bool {
        query(text).unwrap().matches(&json!(target))
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
        assert!(query("gt2030").unwrap().matches(&period));
        assert!(!query("lt2024-03-04").unwrap().matches(&period));
    }

    #[test]
    fn a_partial_target_is_a_range_too() {
        assert!(!matches("gt1980", "1980-05"));
        assert!(matches("ge1980", "1980-05"));
        assert!(matches("gt1980-04", "1980-05"));
        assert!(!matches("eq1980-05-10", "1980-05"));
        assert!(matches("ne1980-05-10", "1980-05"));
        assert!(matches("sa1979", "1980-05"));
        assert!(matches("eb1981", "1980-05"));
    }

    #[test]
    fn gt_as_ge_includes_the_boundary() {
        let loose = query("gt2001-01-30").unwrap().with_gt_as_ge();
        assert!(loose.matches(&json!("2001-01-30")));
        assert!(!query("gt2001-01-30").unwrap().matches(&json!("2001-01-30")));
    }

    #[test]
    fn approximately_widens_by_a_tenth_of_the_distance_from_now() {
        assert!(matches("ap1984-03-10", "1984-03-12"));
        assert!(matches("ap1984-03-10", "1981-06-01"));
        assert!(!matches("ap1984-03-10", "1979-01-01"));
        assert!(matches("ap2024-12-31", "2024-12-31T12:00:00Z"));
        assert!(!matches("ap2024-12-31", "2024-12-20"));
    }

    #[test]
    fn periods_are_ranges() {
        let period = json!({"start": "2024-03-04T09:10:00Z", "end": "2024-03-04T09:25:00Z"});
        let period_matches = |text: &str| query(text).unwrap().matches(&period);
        assert!(period_matches("2024-03-04"));
        assert!(!period_matches("2024-03-04T09:15:00Z"));
        assert!(period_matches("ap2024-03-04T09:15:00Z"));
        assert!(period_matches("gt2024-03-04T09:15:00Z"));
        assert!(period_matches("lt2024-03-04T09:15:00Z"));
        assert!(!period_matches("sa2024-03-04T09:15:00Z"));
        assert!(period_matches("sa2024-03-03"));
        assert!(period_matches("ne2024-03-04T09:15:00Z"));
    }

    #[test]
    fn instants_keep_their_milliseconds() {
        assert!(matches(
            "gt2024-02-01T08:15:00Z",
            "2024-02-01T08:15:01.250Z"
        ));
        assert!(matches(
            "eq2024-02-01T08:15:00Z",
            "2024-02-01T08:15:00.250Z"
        ));
        assert!(!matches(
            "gt2024-02-01T08:15:00Z",
            "2024-02-01T08:15:00.250Z"
        ));
        assert!(matches(
            "2024-02-01T08:15:00.25Z",
            "2024-02-01T08:15:00.253Z"
        ));
        assert!(matches("2024-02-01T09:15:00+01:00", "2024-02-01T08:15:00Z"));
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
            "xx1990",
            "1990-07-21T25:00",
            "1990-07-21T10",
            "1990-07-21T10:00:00+5",
            "1990-07-21-01",
            "gt",
            "1990-07-21T10:00:00.",
            "１９９０",
        ] {
            assert!(query(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(!query("1990").unwrap().matches(&json!("not a date")));
    }
}
