//! Date parameters (R4 search.html#date): every date, dateTime and instant stands for the
//! range its precision implies (`2024-01` is the whole of January), a Period for the range
//! from its start to its end (open where one is missing), and the prefix compares ranges
//! (search.html#prefix).
//!
//! Time zones: a value with a time carries a zone and is an exact range of instants; a value
//! without one (a date, or a parameter written without a zone) is in the server's local time
//! (search.html#date), which the harness does not know. When both sides are zoned, or both
//! are not, they compare as written. When only one is, the comparison is made in every real
//! zone offset (-12:00 to +14:00 in steps of 15 minutes) and decided only when all agree.
//!
//! `ap` (approximately): the specification recommends 10% of the gap between now and the
//! parameter value and lets servers choose. A value whose range overlaps the parameter's
//! matches under any tolerance; any other is undecided, however far.

use chrono::{Duration, Months, NaiveDate, NaiveDateTime};

use assure_fhirpath::{Item, PartialDateTime, Precision, Value, parse_date_time};

use crate::found::{Found, child_text};
use crate::judgement::Verdict;
use crate::prefix::Prefix;

/// A date parameter value.
#[derive(Debug, Clone, PartialEq)]
pub struct DateValue {
    pub prefix: Prefix,
    pub value: PartialDateTime,
}

impl DateValue {
    /// Reads `[prefix]date[Thh:mm[:ss[.fff]]][zone]`.
    pub(crate) fn parse(text: &str) -> Result<DateValue, String> {
        let (prefix, rest) = Prefix::split(text)?;
        let value = (!rest.ends_with('T'))
            .then(|| parse_date_time(rest))
            .flatten()
            .ok_or_else(|| {
                format!("'{rest}' is not a date (yyyy[-mm[-dd[Thh:mm[:ss[.fff]][zone]]]], search.html#date)")
            })?;
        Ok(DateValue { prefix, value })
    }
}

/// One end of a range: milliseconds since 1970 in UTC when `zoned`, else in unknown local
/// time.
#[derive(Debug, Clone, Copy)]
struct Bound {
    ms: i64,
    zoned: bool,
}

/// A half-open range `[start, end)`; `None` is unbounded.
#[derive(Debug, Clone, Copy)]
struct Range {
    start: Option<Bound>,
    end: Option<Bound>,
}

impl Range {
    /// The range a value's precision implies.
    fn of(value: &PartialDateTime) -> Option<Range> {
        let start = NaiveDate::from_ymd_opt(value.year, value.month, value.day)?
            .and_hms_milli_opt(value.hour, value.minute, value.second, value.millisecond)?;
        let end = match value.precision {
            Precision::Year => start.checked_add_months(Months::new(12))?,
            Precision::Month => start.checked_add_months(Months::new(1))?,
            Precision::Day => start + Duration::days(1),
            Precision::Hour => start + Duration::hours(1),
            Precision::Minute => start + Duration::minutes(1),
            Precision::Second => start + Duration::seconds(1),
            Precision::Millisecond => start + Duration::milliseconds(1),
        };
        let zone = value
            .offset_minutes
            .filter(|_| value.precision >= Precision::Hour);
        let bound = |naive: NaiveDateTime| Bound {
            ms: naive.and_utc().timestamp_millis() - i64::from(zone.unwrap_or(0)) * 60_000,
            zoned: zone.is_some(),
        };
        Some(Range {
            start: Some(bound(start)),
            end: Some(bound(end)),
        })
    }

    fn bounds(&self) -> impl Iterator<Item = Bound> {
        self.start.into_iter().chain(self.end)
    }

    /// Start and end in UTC milliseconds when unzoned bounds are at `offset` minutes.
    fn at(&self, offset: i64) -> (i64, i64) {
        let utc = |b: Bound| {
            if b.zoned {
                b.ms
            } else {
                b.ms - offset * 60_000
            }
        };
        (
            self.start.map_or(i64::MIN, utc),
            self.end.map_or(i64::MAX, utc),
        )
    }
}

/// Real zone offsets in minutes, every 15 minutes from -12:00 to +14:00.
fn zone_offsets() -> impl Iterator<Item = i64> {
    (-12 * 4..=14 * 4).map(|quarter| quarter * 15)
}

/// The target range of a value found, or why it has none.
fn target_range(found: &Found) -> Result<(Range, String), String> {
    let label = found.label();
    let point = |text: &str| {
        parse_date_time(text)
            .and_then(|v| Range::of(&v))
            .ok_or_else(|| format!("{label} '{text}' is not a valid date"))
    };
    if let Item::Value(Value::Date(v) | Value::DateTime(v)) = &found.item {
        let range = Range::of(v).ok_or_else(|| format!("{label} {v} is out of range"))?;
        return Ok((range, format!("{label} {v}")));
    }
    let element = found.element();
    match (found.type_name(), element) {
        (Some("date" | "dateTime" | "instant"), Some(e)) => {
            let text = e.text().unwrap_or_default();
            Ok((point(text)?, format!("{label} {text}")))
        }
        (Some("Period"), Some(e)) => {
            let start = child_text(e, "start").map(point).transpose()?;
            let end = child_text(e, "end").map(point).transpose()?;
            let shown = format!(
                "{label} {}..{}",
                child_text(e, "start").unwrap_or(""),
                child_text(e, "end").unwrap_or("")
            );
            Ok((
                Range {
                    start: start.and_then(|r| r.start),
                    end: end.and_then(|r| r.end),
                },
                shown,
            ))
        }
        (Some("Timing"), _) => Err(format!(
            "{label}: the range of a Timing (its events and repeats) is not judged"
        )),
        (other, _) => Err(format!(
            "{label}: date search on {} is not judged",
            other.unwrap_or("a value of unknown type")
        )),
    }
}

/// One date parameter value against one value found.
pub(crate) fn verdict(value: &DateValue, found: &Found) -> Verdict {
    let (target, shown) = match target_range(found) {
        Ok(range) => range,
        Err(why) => return Verdict::Unknown(why),
    };
    let Some(search) = Range::of(&value.value) else {
        return Verdict::Unknown(format!("{} is out of range", value.value));
    };
    let written = format!("{}{}", value.prefix, value.value);
    let zoned: Vec<bool> = search
        .bounds()
        .chain(target.bounds())
        .map(|b| b.zoned)
        .collect();
    let mixed = zoned.iter().any(|z| *z) && zoned.iter().any(|z| !*z);
    let offsets: Vec<i64> = if mixed {
        zone_offsets().collect()
    } else {
        vec![0]
    };
    let answers: Vec<Answer> = offsets
        .iter()
        .map(|&offset| answer(value.prefix, search.at(offset), target.at(offset)))
        .collect();
    let first = answers[0];
    if answers.iter().any(|a| *a != first) {
        return Verdict::Unknown(format!(
            "whether {shown} satisfies {written} depends on the server's time zone: one of them has no zone and is read in the server's local time (search.html#date)"
        ));
    }
    match first {
        Answer::Yes => Verdict::Yes,
        Answer::No => Verdict::No(format!(
            "{shown} does not satisfy {written} (prefix {}: {}, search.html#prefix)",
            value.prefix,
            value.prefix.rule()
        )),
        Answer::Close => Verdict::Unknown(format!(
            "{shown} is outside the range of {written}; how far ap reaches is the server's choice (search.html#prefix recommends 10% of the gap between now and the value, \"but systems may choose other values where appropriate\")"
        )),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Yes,
    No,
    /// `ap` only: outside the value's range, where the server's tolerance decides.
    Close,
}

/// The prefix rule on ranges in UTC milliseconds (`end` exclusive).
fn answer(prefix: Prefix, (s0, s1): (i64, i64), (t0, t1): (i64, i64)) -> Answer {
    let contains = s0 <= t0 && t1 <= s1;
    let holds = match prefix {
        Prefix::Eq => contains,
        Prefix::Ne => !contains,
        Prefix::Gt => t1 > s1,
        Prefix::Lt => t0 < s0,
        Prefix::Ge => t1 > s1 || contains,
        Prefix::Le => t0 < s0 || contains,
        Prefix::Sa => t0 >= s1,
        Prefix::Eb => t1 <= s0,
        // R4 only recommends a tolerance for ap, so a value outside the range is never denied.
        Prefix::Ap => {
            return if t0 < s1 && s0 < t1 {
                Answer::Yes
            } else {
                Answer::Close
            };
        }
    };
    if holds { Answer::Yes } else { Answer::No }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_the_precision() {
        let range = |t: &str| Range::of(&parse_date_time(t).unwrap()).unwrap().at(0);
        let day = 86_400_000;
        let (s, e) = range("2024-02");
        assert_eq!((e - s) / day, 29);
        let (s, e) = range("2024");
        assert_eq!((e - s) / day, 366);
        let (s, e) = range("2024-01-31T23:00:00-02:00");
        assert_eq!(e - s, 1000);
        assert_eq!(s, range("2024-02-01T01:00:00Z").0);
    }

    #[test]
    fn malformed_dates_are_refused() {
        for bad in [
            "2024-13",
            "2024-02-30",
            "24",
            "2024T",
            "ge",
            "2024-01-01T25:00",
        ] {
            assert!(DateValue::parse(bad).is_err(), "{bad}");
        }
        assert!(DateValue::parse("xx2024").unwrap_err().contains("prefix"));
    }
}
