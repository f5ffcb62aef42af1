//! The server's clock against the harness's, from the `Date` header of each response.
//!
//! A token's `exp`/`nbf`, `_lastUpdated` searches and `If-Modified-Since` are judged in the
//! server's time; a report that says how far the server's clock is off lets an assessor tell a
//! time-related failure from a skewed clock.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::results::ClockOffset;

/// At most this many responses are sampled; the median of a few hundred is as good as more.
const MAX_SAMPLES: usize = 512;

/// Offsets seen so far, in milliseconds (server minus harness).
#[derive(Debug, Default)]
pub struct ClockSamples {
    offsets: Mutex<Vec<i64>>,
}

impl ClockSamples {
    /// Notes the `Date` header of a response that arrived at `received`. The header has whole
    /// seconds, so the server's time is taken as the middle of that second. Headers that do not
    /// parse as an HTTP date are ignored.
    pub fn observe(&self, date: &str, received: SystemTime) {
        let Ok(server) = httpdate::parse_http_date(date.trim()) else {
            return;
        };
        let millis = |time: SystemTime| match time.duration_since(UNIX_EPOCH) {
            Ok(since) => since.as_millis() as i64,
            Err(before) => -(before.duration().as_millis() as i64),
        };
        let offset = millis(server) + 500 - millis(received);
        let mut offsets = self.offsets.lock().unwrap_or_else(|p| p.into_inner());
        if offsets.len() < MAX_SAMPLES {
            offsets.push(offset);
        }
    }

    /// The median offset, when any response had a `Date`.
    pub fn estimate(&self) -> Option<ClockOffset> {
        let mut offsets = self
            .offsets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if offsets.is_empty() {
            return None;
        }
        offsets.sort_unstable();
        Some(ClockOffset {
            offset_ms: offsets[offsets.len() / 2],
            samples: offsets.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(seconds: u64, millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds) + Duration::from_millis(millis)
    }

    #[test]
    fn the_median_offset_of_the_date_headers() {
        let samples = ClockSamples::default();
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example).
        samples.observe("Sun, 06 Nov 1994 08:49:37 GMT", at(784111777 - 90, 500));
        samples.observe("Sun, 06 Nov 1994 08:49:37 GMT", at(784111777 - 90, 300));
        samples.observe("Sun, 06 Nov 1994 08:49:37 GMT", at(784111777 - 30, 500));
        samples.observe("yesterday", at(0, 0));
        let estimate = samples.estimate().unwrap();
        assert_eq!(estimate.samples, 3);
        assert_eq!(estimate.offset_ms, 90_000, "the server is 90 s ahead");
    }

    #[test]
    fn no_date_no_estimate() {
        assert_eq!(ClockSamples::default().estimate(), None);
    }
}
