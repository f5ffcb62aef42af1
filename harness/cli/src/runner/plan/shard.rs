//! `--shard INDEX/COUNT`: one of COUNT parts of a plan, for runs in parallel (a CI matrix).
//!
//! Written tests joined by `needs` (in either direction, transitively) are one group and stay
//! in one shard, since a test runs only after the tests it needs and with their captures. The
//! groups go largest first (plan order among equals) to the shard with the fewest tests so far
//! (the lowest index among equals). Generated checks are made only when the run has read the
//! target: each goes to shard `1 + FNV-1a-64(id) mod COUNT` (the 64-bit FNV-1a hash of the
//! id's UTF-8 bytes), the same in every run of any shard; one that needs another generated
//! check (a profile check its INSTANCES check) goes by the id of the one it needs.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::suite::TestCase;

/// One of `count` parts of a plan; `index` is 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Reads `INDEX/COUNT`, e.g. `2/4`: 1 ≤ INDEX ≤ COUNT.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let parsed = text.split_once('/').and_then(|(index, count)| {
            Some((index.trim().parse().ok()?, count.trim().parse().ok()?))
        });
        match parsed {
            Some((index, count)) if index >= 1 && index <= count => Ok(Shard { index, count }),
            _ => Err(format!(
                "`{text}` is not a shard: expected INDEX/COUNT with 1 <= INDEX <= COUNT, e.g. 2/4"
            )),
        }
    }

    /// Whether the generated check `id` is this shard's.
    pub fn owns_generated(self, id: &str) -> bool {
        fnv1a(id.as_bytes()) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// 64-bit FNV-1a: stable across platforms, versions and runs (unlike the std hasher).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The ids of the written `tests` (a whole plan, in plan order) that are `shard`'s.
pub(super) fn written_share<'a>(tests: &[&'a TestCase], shard: Shard) -> HashSet<&'a str> {
    let index: HashMap<&str, usize> = tests
        .iter()
        .enumerate()
        .map(|(at, test)| (test.id.as_str(), at))
        .collect();
    let mut parent: Vec<usize> = (0..tests.len()).collect();
    for (at, test) in tests.iter().enumerate() {
        for need in &test.needs {
            if let Some(&other) = index.get(need.as_str()) {
                let (a, b) = (root(&mut parent, at), root(&mut parent, other));
                // The earlier test is the root, so a group's root is its first test.
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_root: HashMap<usize, usize> = HashMap::new();
    for at in 0..tests.len() {
        let first = root(&mut parent, at);
        let group = *group_of_root.entry(first).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[group].push(at);
    }
    groups.sort_by_key(|group| std::cmp::Reverse(group.len()));
    let mut loads = vec![0usize; shard.count as usize];
    let mut share = HashSet::new();
    for group in groups {
        let lightest = (0..loads.len()).min_by_key(|s| loads[*s]).unwrap_or(0);
        loads[lightest] += group.len();
        if lightest == shard.index as usize - 1 {
            share.extend(group.iter().map(|at| tests[*at].id.as_str()));
        }
    }
    share
}

fn root(parent: &mut [usize], mut at: usize) -> usize {
    while parent[at] != at {
        parent[at] = parent[parent[at]];
        at = parent[at];
    }
    at
}
