//! Dates, date-times and times with partial precision and optional time-zone offsets.

use chrono::{Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use std::cmp::Ordering;
use std::fmt;

/// How much of a date/time value is known, coarsest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Millisecond,
}

impl Precision {
    /// Seconds and milliseconds count as one precision when comparing.
    fn comparison_rank(self) -> Precision {
        if self == Precision::Millisecond {
            Precision::Second
        } else {
            self
        }
    }
}

/// A FHIRPath Date or DateTime: components beyond `precision` are zero/one and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDateTime {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millisecond: u32,
    pub precision: Precision,
    /// Offset from UTC in minutes, when the value carries a zone.
    pub offset_minutes: Option<i32>,
}

/// A FHIRPath Time (hour precision at least).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialTime {
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millisecond: u32,
    pub precision: Precision,
}

/// Parses a FHIR `date`, `dateTime` or `instant` lexical form (`2012`, `2012-04-15T10:00:00Z`).
/// A trailing `T` with no time (`2015T`) is accepted as in FHIRPath literals.
pub fn parse_date_time(text: &str) -> Option<PartialDateTime> {
    let (date_part, time_part) = match text.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut fields = date_part.split('-');
    let year_text = fields.next()?;
    if year_text.len() != 4 {
        return None;
    }
    let mut value = PartialDateTime {
        year: digits(year_text, 4)? as i32,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        millisecond: 0,
        precision: Precision::Year,
        offset_minutes: None,
    };
    if let Some(month) = fields.next() {
        value.month = digits(month, 2).filter(|m| (1..=12).contains(m))?;
        value.precision = Precision::Month;
    }
    if let Some(day) = fields.next() {
        value.day = digits(day, 2)?;
        NaiveDate::from_ymd_opt(value.year, value.month, value.day)?;
        value.precision = Precision::Day;
    }
    if fields.next().is_some() {
        return None;
    }
    let Some(time_text) = time_part.filter(|t| !t.is_empty()) else {
        return Some(value);
    };
    if value.precision != Precision::Day {
        return None;
    }
    let (clock, offset) = split_zone(time_text)?;
    let time = parse_time(clock)?;
    value.hour = time.hour;
    value.minute = time.minute;
    value.second = time.second;
    value.millisecond = time.millisecond;
    value.precision = time.precision;
    value.offset_minutes = offset;
    Some(value)
}

/// Parses `hh[:mm[:ss[.fff]]]`.
pub fn parse_time(text: &str) -> Option<PartialTime> {
    let (clock, fraction) = match text.split_once('.') {
        Some((c, f)) => (c, Some(f)),
        None => (text, None),
    };
    let mut fields = clock.split(':');
    let mut time = PartialTime {
        hour: digits(fields.next()?, 2).filter(|h| *h < 24)?,
        minute: 0,
        second: 0,
        millisecond: 0,
        precision: Precision::Hour,
    };
    if let Some(minute) = fields.next() {
        time.minute = digits(minute, 2).filter(|m| *m < 60)?;
        time.precision = Precision::Minute;
    }
    if let Some(second) = fields.next() {
        time.second = digits(second, 2).filter(|s| *s < 60)?;
        time.precision = Precision::Second;
    }
    if fields.next().is_some() {
        return None;
    }
    if let Some(fraction) = fraction {
        if time.precision != Precision::Second
            || fraction.is_empty()
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let padded: String = fraction.chars().chain("000".chars()).take(3).collect();
        time.millisecond = padded.parse().ok()?;
        time.precision = Precision::Millisecond;
    }
    Some(time)
}

fn digits(text: &str, len: usize) -> Option<u32> {
    if text.len() != len || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Splits a trailing `Z` or `±hh:mm` zone from the clock part.
fn split_zone(text: &str) -> Option<(&str, Option<i32>)> {
    if let Some(clock) = text.strip_suffix('Z') {
        return Some((clock, Some(0)));
    }
    let Some(sign_at) = text.rfind(['+', '-']) else {
        return Some((text, None));
    };
    let (clock, zone) = text.split_at(sign_at);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let (hours, minutes) = zone[1..].split_once(':')?;
    let offset = digits(hours, 2)? as i32 * 60 + digits(minutes, 2)? as i32;
    Some((clock, Some(sign * offset)))
}

impl PartialDateTime {
    /// The value as a naive date-time; components below the precision are at their minimum.
    fn naive(&self) -> Option<NaiveDateTime> {
        NaiveDate::from_ymd_opt(self.year, self.month, self.day)?.and_hms_milli_opt(
            self.hour,
            self.minute,
            self.second,
            self.millisecond,
        )
    }

    fn with_naive(&self, naive: NaiveDateTime) -> PartialDateTime {
        use chrono::Datelike;
        PartialDateTime {
            year: naive.year(),
            month: naive.month(),
            day: naive.day(),
            hour: naive.hour(),
            minute: naive.minute(),
            second: naive.second(),
            millisecond: naive.nanosecond() / 1_000_000,
            ..*self
        }
    }

    /// The same instant expressed in UTC (unchanged when no zone or no time part).
    fn to_utc(self) -> PartialDateTime {
        match (self.offset_minutes, self.naive()) {
            (Some(offset), Some(naive)) if offset != 0 && self.precision >= Precision::Hour => {
                let mut utc = self.with_naive(naive - Duration::minutes(offset.into()));
                utc.offset_minutes = Some(0);
                utc
            }
            _ => self,
        }
    }

    /// Orders two values; `None` when they are equal as far as the coarser one goes but
    /// differ in precision (the answer is unknown).
    pub fn compare(&self, other: &PartialDateTime) -> Option<Ordering> {
        let timed = self.precision >= Precision::Hour && other.precision >= Precision::Hour;
        if timed && self.offset_minutes.is_some() != other.offset_minutes.is_some() {
            return None;
        }
        let (a, b) = if self.offset_minutes.is_some() && other.offset_minutes.is_some() {
            (self.to_utc(), other.to_utc())
        } else {
            (*self, *other)
        };
        let common = a
            .precision
            .comparison_rank()
            .min(b.precision.comparison_rank());
        let steps: [(Precision, i64, i64); 6] = [
            (Precision::Year, a.year.into(), b.year.into()),
            (Precision::Month, a.month.into(), b.month.into()),
            (Precision::Day, a.day.into(), b.day.into()),
            (Precision::Hour, a.hour.into(), b.hour.into()),
            (Precision::Minute, a.minute.into(), b.minute.into()),
            (
                Precision::Second,
                i64::from(a.second) * 1000 + i64::from(a.millisecond),
                i64::from(b.second) * 1000 + i64::from(b.millisecond),
            ),
        ];
        for (precision, x, y) in steps {
            if precision > common {
                break;
            }
            match x.cmp(&y) {
                Ordering::Equal => {}
                unequal => return Some(unequal),
            }
        }
        if a.precision.comparison_rank() == b.precision.comparison_rank() {
            Some(Ordering::Equal)
        } else {
            None
        }
    }

    /// Adds a calendar amount (`unit` is a normalised calendar unit); `None` on overflow.
    pub fn add(&self, amount: i64, unit: CalendarUnit) -> Option<PartialDateTime> {
        let naive = self.naive()?;
        let shifted = match unit {
            CalendarUnit::Year => shift_months(naive, amount.checked_mul(12)?)?,
            CalendarUnit::Month => shift_months(naive, amount)?,
            CalendarUnit::Week => naive.checked_add_signed(Duration::try_weeks(amount)?)?,
            CalendarUnit::Day => naive.checked_add_signed(Duration::try_days(amount)?)?,
            CalendarUnit::Hour => naive.checked_add_signed(Duration::try_hours(amount)?)?,
            CalendarUnit::Minute => naive.checked_add_signed(Duration::try_minutes(amount)?)?,
            CalendarUnit::Second => naive.checked_add_signed(Duration::try_seconds(amount)?)?,
            CalendarUnit::Millisecond => {
                naive.checked_add_signed(Duration::try_milliseconds(amount)?)?
            }
        };
        let result = self.with_naive(shifted);
        (1..=9999).contains(&result.year).then_some(result)
    }
}

fn shift_months(naive: NaiveDateTime, months: i64) -> Option<NaiveDateTime> {
    let magnitude = Months::new(u32::try_from(months.unsigned_abs()).ok()?);
    if months >= 0 {
        naive.checked_add_months(magnitude)
    } else {
        naive.checked_sub_months(magnitude)
    }
}

/// A calendar duration unit usable in date/time arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarUnit {
    Year,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    Millisecond,
}

impl CalendarUnit {
    /// Recognises calendar keywords (`year`, `days`) and the UCUM codes of definite
    /// durations (`wk`, `d`, `h`, `min`, `s`, `ms`); UCUM `a` and `mo` are not calendar
    /// units.
    pub fn from_unit(unit: &str) -> Option<CalendarUnit> {
        Some(match unit {
            "year" | "years" => CalendarUnit::Year,
            "month" | "months" => CalendarUnit::Month,
            "week" | "weeks" | "wk" => CalendarUnit::Week,
            "day" | "days" | "d" => CalendarUnit::Day,
            "hour" | "hours" | "h" => CalendarUnit::Hour,
            "minute" | "minutes" | "min" => CalendarUnit::Minute,
            "second" | "seconds" | "s" => CalendarUnit::Second,
            "millisecond" | "milliseconds" | "ms" => CalendarUnit::Millisecond,
            _ => return None,
        })
    }

    /// The precision a value needs for this unit to change it.
    pub fn precision(self) -> Precision {
        match self {
            CalendarUnit::Year => Precision::Year,
            CalendarUnit::Month => Precision::Month,
            CalendarUnit::Week | CalendarUnit::Day => Precision::Day,
            CalendarUnit::Hour => Precision::Hour,
            CalendarUnit::Minute => Precision::Minute,
            CalendarUnit::Second => Precision::Second,
            CalendarUnit::Millisecond => Precision::Millisecond,
        }
    }
}

impl PartialTime {
    /// Orders two times like [`PartialDateTime::compare`].
    pub fn compare(&self, other: &PartialTime) -> Option<Ordering> {
        let as_date_time = |t: &PartialTime| PartialDateTime {
            year: 2000,
            month: 1,
            day: 1,
            hour: t.hour,
            minute: t.minute,
            second: t.second,
            millisecond: t.millisecond,
            precision: t.precision,
            offset_minutes: None,
        };
        as_date_time(self).compare(&as_date_time(other))
    }

    /// Adds an amount of hours, minutes, seconds or milliseconds, wrapping at midnight.
    pub fn add(&self, amount: i64, unit: CalendarUnit) -> Option<PartialTime> {
        let start =
            NaiveTime::from_hms_milli_opt(self.hour, self.minute, self.second, self.millisecond)?;
        let delta = match unit {
            CalendarUnit::Hour => Duration::try_hours(amount)?,
            CalendarUnit::Minute => Duration::try_minutes(amount)?,
            CalendarUnit::Second => Duration::try_seconds(amount)?,
            CalendarUnit::Millisecond => Duration::try_milliseconds(amount)?,
            _ => return None,
        };
        let (shifted, _) = start.overflowing_add_signed(delta);
        Some(PartialTime {
            hour: shifted.hour(),
            minute: shifted.minute(),
            second: shifted.second(),
            millisecond: shifted.nanosecond() / 1_000_000,
            precision: self.precision,
        })
    }
}

impl fmt::Display for PartialDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if self.precision >= Precision::Month {
            write!(f, "-{:02}", self.month)?;
        }
        if self.precision >= Precision::Day {
            write!(f, "-{:02}", self.day)?;
        }
        if self.precision >= Precision::Hour {
            f.write_str("T")?;
            write_clock(
                f,
                self.hour,
                self.minute,
                self.second,
                self.millisecond,
                self.precision,
            )?;
            if let Some(offset) = self.offset_minutes {
                if offset == 0 {
                    f.write_str("Z")?;
                } else {
                    let sign = if offset < 0 { '-' } else { '+' };
                    write!(f, "{sign}{:02}:{:02}", offset.abs() / 60, offset.abs() % 60)?;
                }
            }
        }
        Ok(())
    }
}

impl fmt::Display for PartialTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_clock(
            f,
            self.hour,
            self.minute,
            self.second,
            self.millisecond,
            self.precision,
        )
    }
}

fn write_clock(
    f: &mut fmt::Formatter<'_>,
    hour: u32,
    minute: u32,
    second: u32,
    millisecond: u32,
    precision: Precision,
) -> fmt::Result {
    write!(f, "{hour:02}")?;
    if precision >= Precision::Minute {
        write!(f, ":{minute:02}")?;
    }
    if precision >= Precision::Second {
        write!(f, ":{second:02}")?;
    }
    if precision >= Precision::Millisecond {
        write!(f, ".{millisecond:03}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(text: &str) -> PartialDateTime {
        parse_date_time(text).unwrap()
    }

    #[test]
    fn parses_and_prints_every_precision() {
        for text in [
            "2012",
            "2012-04",
            "2012-04-15",
            "2012-04-15T10",
            "2012-04-15T10:30:31.5+10:00",
        ] {
            assert!(parse_date_time(text).is_some(), "{text}");
        }
        assert_eq!(
            dt("2012-04-15T10:30:31.5+10:00").to_string(),
            "2012-04-15T10:30:31.500+10:00"
        );
        assert!(parse_date_time("2012-13").is_none());
        assert!(parse_date_time("2012-02-30").is_none());
        assert!(parse_time("24:00").is_none());
    }

    #[test]
    fn compares_with_zones_and_precision() {
        assert_eq!(
            dt("2017-11-05T01:30:00.0-04:00").compare(&dt("2017-11-05T05:30:00Z")),
            Some(Ordering::Equal)
        );
        assert_eq!(dt("2012").compare(&dt("2012-04")), None);
        assert_eq!(dt("2011").compare(&dt("2012-04")), Some(Ordering::Less));
        assert_eq!(
            dt("2012-04-15T10:00:00").compare(&dt("2012-04-15T10:00:00.000")),
            Some(Ordering::Equal)
        );
    }

    #[test]
    fn adds_calendar_units() {
        assert_eq!(
            dt("2012-01-31")
                .add(1, CalendarUnit::Month)
                .unwrap()
                .to_string(),
            "2012-02-29"
        );
        assert_eq!(
            dt("2012").add(-2, CalendarUnit::Year).unwrap().to_string(),
            "2010"
        );
        assert!(dt("9999").add(1, CalendarUnit::Year).is_none());
    }
}
// one-line change
