//! The dedup stage: the barrier of the pipeline. It sees every fingerprint, clusters exact
//! duplicates (same normalized-text hash) and near duplicates (SimHash Hamming distance at
//! most `max_distance`), and decides which document of each cluster is kept.
//!
//! Near pairs are found without comparing all pairs: the 64 bits are cut into
//! `max_distance + 1` blocks, and two fingerprints within `k` bits agree exactly on at least
//! one block (pigeonhole; Manku, Jain, Das Sarma 2007). Each block value indexes a table;
//! only documents sharing a block are compared. Clusters are the connected components of the
//! found pairs (union-find), so A~B and B~C put A, B and C together.
//!
//! Keep rule, documented and deterministic: by default the first document of the cluster in
//! input order is kept; with [`KeepRule::Longest`], the one with the longest clean text, ties
//! going to the earlier. Every other member is dropped as a duplicate of the kept one, with
//! the Hamming distance between the two. The result depends only on the fingerprints and
//! their order, never on threads.

use crate::config::{DedupMode, KeepRule};
use crate::doc::Fingerprint;
use crate::fingerprint::distance;
use std::collections::HashMap;

/// Default largest distance for a near duplicate. Manku et al. use 3 for near-identical web
/// pages; republished articles with other chrome and light edits (shingle Jaccard ≈ 0.9) sit
/// around 4–6 bits apart, while unrelated documents sit near 32, so 6 finds them with a
/// negligible chance of joining unrelated texts (P(d ≤ 6) ≈ 5·10⁻¹² for independent hashes).
pub const DEFAULT_MAX_DISTANCE: u32 = 6;
/// Largest distance the block index supports.
pub const MAX_SUPPORTED_DISTANCE: u32 = 12;

/// A document that duplicates a kept one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duplicate {
    /// Index (in the slice given to [`dedup`]) of the kept document.
    pub of: usize,
    /// SimHash distance to the kept document.
    pub distance: u32,
    /// Same normalized text as the kept document.
    pub exact: bool,
}

/// One document's entry: its fingerprint and clean length, or `None` if it takes no part.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub fp: Fingerprint,
    pub len: usize,
}

/// Disjoint sets whose root is always the smallest index of the set.
struct UnionFind(Vec<usize>);

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind((0..n).collect())
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi] = lo;
        }
    }
}

/// Bit ranges of the `k + 1` blocks.
fn blocks(k: u32) -> Vec<(u32, u64)> {
    let n = k + 1;
    let mut out = Vec::new();
    let mut off = 0;
    for b in 0..n {
        let width = 64 / n + u32::from(b < 64 % n);
        let mask = if width >= 64 {
            u64::MAX
        } else {
            (1u64 << width) - 1
        };
        out.push((off, mask));
        off += width;
    }
    out
}

/// Clusters the entries and returns, for each, `Some` when it is a dropped duplicate.
pub fn dedup(
    entries: &[Option<Entry>],
    mode: DedupMode,
    k: u32,
    keep: KeepRule,
) -> Vec<Option<Duplicate>> {
    let n = entries.len();
    let mut uf = UnionFind::new(n);
    if mode != DedupMode::Off {
        let mut exact: HashMap<u64, usize> = HashMap::new();
        let blocks = blocks(k.min(MAX_SUPPORTED_DISTANCE));
        let mut tables: Vec<HashMap<u64, Vec<usize>>> = vec![HashMap::new(); blocks.len()];
        for (i, e) in entries.iter().enumerate() {
            let Some(e) = e else { continue };
            if let Some(&j) = exact.get(&e.fp.exact) {
                uf.union(i, j);
                continue; // its twin is already in the near index
            }
            exact.insert(e.fp.exact, i);
            if mode != DedupMode::Near {
                continue;
            }
            for (b, &(off, mask)) in blocks.iter().enumerate() {
                let key = (e.fp.simhash >> off) & mask;
                let bucket = tables[b].entry(key).or_default();
                for &j in bucket.iter() {
                    if let Some(other) = &entries[j] {
                        if distance(e.fp.simhash, other.fp.simhash) <= k {
                            uf.union(i, j);
                        }
                    }
                }
                bucket.push(i);
            }
        }
    }
    // The kept member of each cluster, by root.
    let mut keeper: Vec<usize> = (0..n).collect();
    if keep == KeepRule::Longest {
        for i in 0..n {
            let r = uf.find(i);
            let len = |x: usize| entries[x].map_or(0, |e| e.len);
            if len(i) > len(keeper[r]) {
                keeper[r] = i;
            }
        }
    }
    (0..n)
        .map(|i| {
            let e = entries[i]?;
            let kept = keeper[uf.find(i)];
            if kept == i {
                return None;
            }
            let k = entries[kept]?;
            Some(Duplicate {
                of: kept,
                distance: distance(e.fp.simhash, k.fp.simhash),
                exact: e.fp.exact == k.fp.exact,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(simhash: u64, exact: u64, len: usize) -> Option<Entry> {
        Some(Entry {
            fp: Fingerprint { simhash, exact },
            len,
        })
    }

    #[test]
    fn blocks_cover_64_bits() {
        for k in 0..=MAX_SUPPORTED_DISTANCE {
            let b = blocks(k);
            assert_eq!(b.len() as u32, k + 1);
            let bits: u32 = b.iter().map(|(_, m)| m.count_ones()).sum();
            assert_eq!(bits, 64);
        }
    }

    #[test]
    fn exact_near_and_transitive_clusters() {
        let entries = vec![
            e(0b0000, 1, 10),
            e(0b0111, 2, 10),      // 3 bits from 0: near
            e(0b0000, 1, 10),      // exact twin of 0
            e(0b1111_0111, 4, 10), // 4 bits from 1 and 7 from 0: joins through 1 only at k=4
            e(u64::MAX, 5, 10),    // unrelated
            None,                  // takes no part
        ];
        let d = dedup(&entries, DedupMode::Near, 3, KeepRule::First);
        assert_eq!(d[0], None);
        assert_eq!(
            d[1],
            Some(Duplicate {
                of: 0,
                distance: 3,
                exact: false
            })
        );
        assert_eq!(
            d[2],
            Some(Duplicate {
                of: 0,
                distance: 0,
                exact: true
            })
        );
        assert_eq!(d[3], None);
        assert_eq!(d[4], None);
        let d = dedup(&entries, DedupMode::Near, 4, KeepRule::First);
        assert_eq!(
            d[3],
            Some(Duplicate {
                of: 0,
                distance: 7,
                exact: false
            })
        );
        let d = dedup(&entries, DedupMode::Exact, 3, KeepRule::First);
        assert_eq!(d.iter().filter(|x| x.is_some()).count(), 1);
        let d = dedup(&entries, DedupMode::Off, 3, KeepRule::First);
        assert!(d.iter().all(Option::is_none));
    }

    #[test]
    fn keep_longest() {
        let entries = vec![e(0, 1, 5), e(1, 2, 9), e(3, 3, 9)];
        let d = dedup(&entries, DedupMode::Near, 3, KeepRule::Longest);
        assert_eq!(
            d,
            vec![
                Some(Duplicate {
                    of: 1,
                    distance: 1,
                    exact: false
                }),
                None,
                Some(Duplicate {
                    of: 1,
                    distance: 1,
                    exact: false
                })
            ]
        );
    }
}
