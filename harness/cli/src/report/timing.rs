//! The response-time section of the HTML report: how long the server took to answer, as a
//! histogram with its median, 95th percentile and slowest response.

use serde::Serialize;

use crate::results::TestResult;

/// Upper bounds (exclusive, ms) of the histogram's buckets; the last bucket is open.
const BUCKETS_MS: [u64; 8] = [10, 50, 100, 250, 500, 1000, 2500, 5000];
const BAR_WIDTH_STEP: usize = 48;
const PLOT_HEIGHT: usize = 100;

/// What the template draws.
#[derive(Debug, Default, Serialize)]
pub struct Timing {
    pub count: usize,
    pub median_ms: u64,
    pub p95_ms: u64,
    pub max_ms: u64,
    /// The test of the slowest response and its element id.
    pub slowest: Option<(String, String)>,
    pub bars: Vec<Bar>,
    /// Width of the plot in pixels.
    pub width: usize,
}

/// One bucket of the histogram, placed.
#[derive(Debug, Serialize)]
pub struct Bar {
    pub label: &'static str,
    pub count: usize,
    pub x: usize,
    pub y: usize,
    pub height: usize,
}

const LABELS: [&str; 9] = [
    "<10 ms", "<50 ms", "<100 ms", "<250 ms", "<0.5 s", "<1 s", "<2.5 s", "<5 s", "≥5 s",
];

impl Timing {
    /// The response times of every exchange that got a response, from `tests` paired with
    /// their element ids.
    pub fn of<'a>(tests: impl IntoIterator<Item = (&'a TestResult, &'a str)>) -> Timing {
        let mut times: Vec<(u64, &TestResult, &str)> = Vec::new();
        for (test, anchor) in tests {
            for exchange in test.steps.iter().flat_map(|s| &s.exchanges) {
                if exchange.response.is_some() {
                    times.push((exchange.duration_ms, test, anchor));
                }
            }
        }
        if times.is_empty() {
            return Timing::default();
        }
        times.sort_by_key(|(ms, _, _)| *ms);
        let at = |fraction: f64| {
            let index = ((times.len() - 1) as f64 * fraction).round() as usize;
            times[index].0
        };
        let mut counts = [0usize; 9];
        for (ms, _, _) in &times {
            let bucket = BUCKETS_MS.iter().position(|bound| ms < bound).unwrap_or(8);
            counts[bucket] += 1;
        }
        let highest = counts.iter().copied().max().unwrap_or(1).max(1);
        let bars = counts
            .iter()
            .zip(LABELS)
            .enumerate()
            .map(|(index, (&count, label))| {
                let height = count * PLOT_HEIGHT / highest;
                Bar {
                    label,
                    count,
                    x: 10 + index * BAR_WIDTH_STEP,
                    y: 12 + PLOT_HEIGHT - height,
                    height,
                }
            })
            .collect();
        let (max_ms, slowest_test, slowest_anchor) = times[times.len() - 1];
        Timing {
            count: times.len(),
            median_ms: at(0.5),
            p95_ms: at(0.95),
            max_ms,
            slowest: Some((slowest_test.id.clone(), slowest_anchor.to_owned())),
            bars,
            width: 20 + 9 * BAR_WIDTH_STEP,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{Exchange, RecordedRequest, RecordedResponse, Status, StepResult};
    use crate::suite::Level;

    fn test_with(id: &str, durations: &[u64]) -> TestResult {
        let exchange = |ms: u64| Exchange {
            request: RecordedRequest {
                method: "GET".into(),
                url: "http://x.test/metadata".into(),
                headers: Vec::new(),
                body: None,
                body_file: None,
                body_truncated: false,
            },
            response: Some(RecordedResponse {
                status: 200,
                headers: Vec::new(),
                body: None,
                body_file: None,
                body_truncated: false,
            }),
            error: None,
            duration_ms: ms,
            attempt: 1,
        };
        TestResult {
            id: id.into(),
            title: String::new(),
            level: Level::Shall,
            tags: Vec::new(),
            requirement: None,
            status: Status::Pass,
            message: None,
            duration_ms: 0,
            steps: vec![StepResult {
                name: "read".into(),
                exchanges: durations.iter().map(|&ms| exchange(ms)).collect(),
                assertions: Vec::new(),
                error: None,
            }],
        }
    }

    #[test]
    fn times_are_summarised_and_bucketed() {
        let fast = test_with("FAST", &[1, 2, 3, 4, 60]);
        let slow = test_with("SLOW", &[7000]);
        let timing = Timing::of([(&fast, "test-1"), (&slow, "test-2")]);
        assert_eq!(timing.count, 6);
        assert_eq!(timing.median_ms, 4);
        assert_eq!(timing.max_ms, 7000);
        assert_eq!(timing.slowest, Some(("SLOW".into(), "test-2".into())));
        let counts: Vec<usize> = timing.bars.iter().map(|b| b.count).collect();
        assert_eq!(counts, [4, 0, 1, 0, 0, 0, 0, 0, 1]);
        assert_eq!(timing.bars[0].height, PLOT_HEIGHT);
        assert_eq!(timing.bars[2].height, PLOT_HEIGHT / 4);
    }

    #[test]
    fn no_response_no_section() {
        assert_eq!(Timing::of([]).count, 0);
    }
}
