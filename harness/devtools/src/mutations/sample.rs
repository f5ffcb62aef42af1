//! Seeded, dependency-free sampling: the same seed always picks the same mutations.

use std::collections::BTreeMap;

use super::edit::{Kind, Mutation};

/// SplitMix64: a small, well-mixed generator, fully determined by its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..bound` (`bound > 0`).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }
}

/// Up to `per_kind` mutations of each kind, grouped by kind in [`Kind::ALL`] order. Within
/// a kind the draw is spread over the mutations' variants: each variant's candidates are
/// shuffled (seeded Fisher-Yates), then the variants, in a shuffled order, give one each in
/// turn until enough are drawn.
pub fn per_kind(candidates: Vec<Mutation>, per_kind: usize, seed: u64) -> Vec<Mutation> {
    let mut groups: BTreeMap<(Kind, String), Vec<Mutation>> = BTreeMap::new();
    for mutation in candidates {
        groups
            .entry((mutation.kind, mutation.variant.clone()))
            .or_default()
            .push(mutation);
    }
    let mut rng = Rng::new(seed);
    let mut chosen = Vec::new();
    for kind in Kind::ALL {
        let mut variants: Vec<std::vec::IntoIter<Mutation>> = Vec::new();
        for ((_, _), mut group) in groups.extract_if(.., |(k, _), _| *k == kind) {
            shuffle(&mut group, &mut rng);
            variants.push(group.into_iter());
        }
        shuffle(&mut variants, &mut rng);
        let mut taken = 0;
        while taken < per_kind && !variants.is_empty() {
            variants.retain_mut(|group| match group.next() {
                Some(mutation) if taken < per_kind => {
                    chosen.push(mutation);
                    taken += 1;
                    true
                }
                _ => false,
            });
        }
    }
    chosen
}

fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mutation(kind: Kind, n: usize) -> Mutation {
        Mutation {
            kind,
            base: n,
            variant: (n % 3).to_string(),
            site: String::new(),
            description: String::new(),
            edits: Vec::new(),
        }
    }

    #[test]
    fn sampling_is_seeded_and_capped_per_kind() {
        let candidates: Vec<Mutation> = (0..50).map(|n| mutation(Kind::ALL[n % 2], n)).collect();
        let first = per_kind(candidates.clone(), 10, 7);
        let again = per_kind(candidates.clone(), 10, 7);
        let other = per_kind(candidates, 10, 8);
        let bases = |m: &[Mutation]| m.iter().map(|m| m.base).collect::<Vec<_>>();
        assert_eq!(first.len(), 20);
        assert_eq!(bases(&first), bases(&again));
        assert_ne!(bases(&first), bases(&other));
        assert!(first[..10].iter().all(|m| m.kind == Kind::ALL[0]));
        assert!(first[10..].iter().all(|m| m.kind == Kind::ALL[1]));
        let variants = |m: &[Mutation], v: &str| m.iter().filter(|m| m.variant == v).count();
        for v in ["0", "1", "2"] {
            assert!(variants(&first[..10], v) >= 3, "variant {v} under-drawn");
        }
    }
}
