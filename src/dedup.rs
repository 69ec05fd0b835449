//! The dedup stage: the barrier of the pipeline. It sees every fingerprint, clusters exact
//! duplicates (same normalized-text hash) and near duplicates, and decides which document of
//! each cluster is kept.
//!
//! Near duplicates, `--dedup near` (the default): a candidate pair has SimHash Hamming
//! distance at most `k` (`--max-distance`) and is accepted when its sketches estimate a
//! 5-shingle Jaccard of at least `--min-similarity` ([`crate::fingerprint::similarity`]).
//! With `--dedup minhash`, candidates are pairs that share a MinHash LSH band instead
//! (datatrove's scheme), verified the same way.
//!
//! All pairs within `k` bits are found without comparing all pairs (Manku, Jain, Das Sarma
//! 2007): the 64 bits are cut into `b > k` blocks; two fingerprints within `k` bits agree
//! exactly on at least `b − k` blocks (pigeonhole), so every choice of `m = b − k` blocks is a
//! table keyed by those blocks' bits, and only fingerprints with equal keys in some table are
//! compared. [`Plan::new`] picks `b` from the number of documents to balance the number of
//! tables (each a radix sort of all fingerprints) against the size of the groups of equal
//! keys (compared pair by pair). A pair agreeing on several key choices is reported once, by
//! the first table whose blocks it agrees on, so tables can run in any order or in parallel
//! ([`dedup_with`] takes the runner; [`crate::pipeline`] passes a parallel one).
//!
//! Clusters are the connected components of accepted pairs (union-find), so A~B and B~C put
//! A, B and C together. Keep rule, documented and deterministic: by default the first
//! document of the cluster in input order is kept; with [`KeepRule::Longest`], the one with
//! the longest clean text, ties going to the earlier. Every other member is dropped as a
//! duplicate of the kept one, with the Hamming distance and estimated similarity between the
//! two. The result depends only on the fingerprints and their order, never on threads.

use crate::config::{DedupMode, KeepRule};
use crate::doc::Sketch;
use crate::fingerprint::{distance, similarity};

/// Default largest SimHash distance for a candidate pair, chosen from measurements on the
/// labelled corpus of `benches/dedup_eval` (BENCHMARKS.md, "Dedup"): word 5-shingle Jaccard
/// 0.8 puts two SimHashes about 10 bits apart on average; 9 is the smallest k that finds 0.95
/// of the J ≥ 0.8 pairs (k=8: 0.92, k=9: 0.96, k=10: 0.98). The index cost grows fast with k
/// (715 tables at 10 million fingerprints for k=9, 84 for k=6), so for tens of millions of
/// documents `--dedup minhash` is the scalable choice. The sketch check keeps the precision.
pub const DEFAULT_MAX_DISTANCE: u32 = 9;
/// Default least estimated 5-shingle Jaccard for a candidate to count as a duplicate.
pub const DEFAULT_MIN_SIMILARITY: f64 = 0.7;
/// Largest distance the index supports.
pub const MAX_SUPPORTED_DISTANCE: u32 = 16;
/// Default MinHash LSH shape of `--dedup minhash` (datatrove's: 14 bands × 8 rows).
pub const DEFAULT_BANDS: usize = 14;
pub const DEFAULT_ROWS: usize = 8;

/// A document that duplicates a kept one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Duplicate {
    /// Index (in the slice given to [`dedup`]) of the kept document.
    pub of: usize,
    /// SimHash distance to the kept document.
    pub distance: u32,
    /// Estimated 5-shingle Jaccard similarity to the kept document (1 for exact duplicates).
    pub similarity: f64,
    /// Same normalized text as the kept document.
    pub exact: bool,
}

/// One document's entry: what dedup needs of its fingerprint, and its clean length.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub simhash: u64,
    pub exact: u64,
    pub sketch: Sketch,
    pub len: u64,
}

/// What decides a duplicate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub mode: DedupMode,
    /// Largest SimHash distance of a candidate pair (`near`).
    pub max_distance: u32,
    /// Least estimated Jaccard of an accepted pair (`near`, `minhash`); 0 accepts every
    /// candidate.
    pub min_similarity: f64,
    pub keep: KeepRule,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            mode: DedupMode::Near,
            max_distance: DEFAULT_MAX_DISTANCE,
            min_similarity: DEFAULT_MIN_SIMILARITY,
            keep: KeepRule::First,
        }
    }
}

/// Disjoint sets whose root is always the smallest index of the set.
pub struct UnionFind(Vec<u32>);

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind((0..n as u32).collect())
    }
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let p = self.0[x as usize];
            self.0[x as usize] = self.0[p as usize];
            x = p;
        }
        x
    }
    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi as usize] = lo;
        }
    }
}

/// The tables of a Hamming index: `b` blocks of the 64 bits, and every choice of `m` of them.
#[derive(Debug, Clone)]
pub struct Plan {
    pub k: u32,
    /// Bit offset and width of each block.
    pub blocks: Vec<(u32, u32)>,
    /// Per table: bitmask of the chosen blocks (bit i = block i).
    pub tables: Vec<u32>,
    /// Bits of a table key.
    pub key_bits: u32,
}

fn binomial(n: u64, r: u64) -> u64 {
    let r = r.min(n - r.min(n));
    (0..r).fold(1u64, |acc, i| acc.saturating_mul(n - i) / (i + 1))
}

impl Plan {
    /// A plan for `n` fingerprints and distance `k`: the number of blocks `b` (from `k + 1`)
    /// that minimizes the estimated work, tables × (sort of n + pairs sharing a key).
    pub fn new(n: usize, k: u32) -> Plan {
        let k = k.min(MAX_SUPPORTED_DISTANCE);
        let n = n.max(1) as f64;
        let mut best: Option<(f64, u32)> = None;
        for b in k + 1..=(k + 8).min(64) {
            let m = b - k;
            let tables = binomial(u64::from(b), u64::from(m)) as f64;
            if tables > 20_000.0 {
                break;
            }
            let key_bits = f64::from(64 * m) / f64::from(b);
            let passes = (key_bits / 8.0).ceil().max(1.0);
            let work = tables * (2.0 * n * passes + 2.0 * n + n * n / 2f64.powf(key_bits));
            if best.is_none_or(|(w, _)| work < w) {
                best = Some((work, b));
            }
        }
        let b = best.map_or(k + 1, |(_, b)| b);
        Plan::with_blocks(k, b)
    }

    /// How many fingerprints the plan sorts for `n` of them (tables × n): above about 10⁹ a
    /// run takes minutes on a small machine (10⁷ fingerprints at k=6: 84 tables, ≈ 1 min on
    /// 2 shared cores).
    pub fn sorted_elements(&self, n: usize) -> u64 {
        self.tables.len() as u64 * n as u64
    }

    /// A plan with exactly `b` blocks (`b > k`).
    pub fn with_blocks(k: u32, b: u32) -> Plan {
        let b = b.clamp(k + 1, 64);
        let m = b - k;
        let mut blocks = Vec::new();
        let mut off = 0;
        for i in 0..b {
            let width = 64 / b + u32::from(i < 64 % b);
            blocks.push((off, width));
            off += width;
        }
        let tables: Vec<u32> = (0u32..(1u32 << b.min(31)).max(1))
            .filter(|s| s.count_ones() == m)
            .collect();
        let tables = if b >= 31 {
            // Only reachable for k ≥ 30: not supported, keep one table of all blocks.
            vec![u32::MAX >> (32 - b.min(32))]
        } else {
            tables
        };
        let key_bits = tables.first().map_or(64, |&t| key_bits(&blocks, t));
        Plan {
            k,
            blocks,
            tables,
            key_bits,
        }
    }

    /// Bitmask of the blocks on which two fingerprints agree.
    #[inline]
    fn agreeing_blocks(&self, x: u64) -> u32 {
        let mut s = 0;
        for (i, &(off, w)) in self.blocks.iter().enumerate() {
            if (x >> off) & mask(w) == 0 {
                s |= 1 << i;
            }
        }
        s
    }

    /// The first table (in `tables` order, which is increasing) whose blocks all agree.
    #[inline]
    fn first_table(&self, agree: u32) -> Option<u32> {
        self.tables.iter().copied().find(|&t| agree & t == t)
    }

    /// How to compute table `t`'s keys.
    pub fn table_key(&self, t: u32) -> TableKey {
        let mut k = TableKey {
            segs: [(0, 0, 0); 16],
            n: 0,
        };
        let mut dst = 0;
        for (i, &(off, w)) in self.blocks.iter().enumerate() {
            if t >> i & 1 == 0 {
                continue;
            }
            // Adjacent chosen blocks merge into one segment.
            if k.n > 0 {
                let (po, pm, _) = k.segs[k.n - 1];
                if po + pm.count_ones() == off {
                    k.segs[k.n - 1].1 = mask(pm.count_ones() + w);
                    dst += w;
                    continue;
                }
            }
            if k.n < k.segs.len() {
                k.segs[k.n] = (off, mask(w), dst);
                k.n += 1;
            }
            dst += w;
        }
        k
    }
}

/// The key of a fingerprint in one table: its chosen blocks' bits, packed (at most 16
/// segments of adjacent blocks).
#[derive(Debug, Clone, Copy)]
pub struct TableKey {
    segs: [(u32, u64, u32); 16],
    n: usize,
}

impl TableKey {
    #[inline]
    pub fn of(&self, h: u64) -> u64 {
        let mut key = 0u64;
        for &(off, m, dst) in &self.segs[..self.n] {
            key |= ((h >> off) & m) << dst;
        }
        key
    }
}

fn key_bits(blocks: &[(u32, u32)], t: u32) -> u32 {
    blocks
        .iter()
        .enumerate()
        .filter(|(i, _)| t >> i & 1 == 1)
        .map(|(_, &(_, w))| w)
        .sum()
}

#[inline]
fn mask(w: u32) -> u64 {
    if w >= 64 {
        u64::MAX
    } else {
        (1u64 << w) - 1
    }
}

/// LSD radix sort of simhashes (and their document indices alongside) by `key(simhash)`,
/// 8 bits a pass over `bits` bits. 12 bytes a fingerprint, twice.
fn radix_sort_by(hs: &mut Vec<u64>, ids: &mut Vec<u32>, bits: u32, key: impl Fn(u64) -> u64) {
    // 8-bit digits: 256 write streams per array stay within the TLB; 11-bit digits (fewer
    // passes) measured 1.6× slower at 10 million fingerprints.
    const D: u32 = 8;
    const M: u64 = (1 << D) - 1;
    let mut th = vec![0u64; hs.len()];
    let mut ti = vec![0u32; ids.len()];
    let mut count = vec![0usize; 1 << D];
    let mut shift = 0;
    while shift < bits.max(1) {
        count.iter_mut().for_each(|c| *c = 0);
        for &h in hs.iter() {
            count[((key(h) >> shift) & M) as usize] += 1;
        }
        let mut sum = 0;
        for c in count.iter_mut() {
            let x = *c;
            *c = sum;
            sum += x;
        }
        for (&h, &i) in hs.iter().zip(ids.iter()) {
            let d = ((key(h) >> shift) & M) as usize;
            th[count[d]] = h;
            ti[count[d]] = i;
            count[d] += 1;
        }
        std::mem::swap(hs, &mut th);
        std::mem::swap(ids, &mut ti);
        shift += D;
    }
}

/// Candidate pairs `(i, j)`, `i < j`, of table `t` with their distance: every pair within
/// `plan.k` bits whose first agreeing table is `t`. `simhashes[x]` is the SimHash of document
/// `ids[x]`.
pub fn table_pairs(
    plan: &Plan,
    t: u32,
    simhashes: &[u64],
    ids: &[u32],
    mut emit: impl FnMut(u32, u32, u32),
) {
    let mut hs = simhashes.to_vec();
    let mut is = ids.to_vec();
    let tk = plan.table_key(t);
    let key = |h: u64| tk.of(h);
    radix_sort_by(&mut hs, &mut is, plan.key_bits, key);
    let mut start = 0;
    while start < hs.len() {
        let k0 = key(hs[start]);
        let mut end = start + 1;
        while end < hs.len() && key(hs[end]) == k0 {
            end += 1;
        }
        for a in start..end {
            let (ha, ia) = (hs[a], is[a]);
            for b in a + 1..end {
                let x = ha ^ hs[b];
                let d = x.count_ones();
                if d <= plan.k && plan.first_table(plan.agreeing_blocks(x)) == Some(t) {
                    let ib = is[b];
                    emit(ia.min(ib), ia.max(ib), d);
                }
            }
        }
        start = end;
    }
}

/// Every pair of `simhashes` within `k` bits, `(i, j, distance)` with `i < j`, sorted: the
/// index alone, for tests and benches.
pub fn pairs_within(simhashes: &[u64], k: u32) -> Vec<(u32, u32, u32)> {
    let plan = Plan::new(simhashes.len(), k);
    let ids: Vec<u32> = (0..simhashes.len() as u32).collect();
    let mut out = Vec::new();
    for &t in &plan.tables {
        table_pairs(&plan, t, simhashes, &ids, |i, j, d| out.push((i, j, d)));
    }
    out.sort_unstable();
    out
}

/// Runs one job per table (the argument is the table's position) and returns their results,
/// in any order: sequentially by default, in parallel in [`crate::pipeline`].
pub type TableRunner<'a> =
    &'a (dyn Fn(usize, &(dyn Fn(usize) -> Vec<(u32, u32)> + Sync)) -> Vec<Vec<(u32, u32)>> + Sync);

/// Runs the table jobs one after the other.
pub fn sequential(
    n: usize,
    job: &(dyn Fn(usize) -> Vec<(u32, u32)> + Sync),
) -> Vec<Vec<(u32, u32)>> {
    (0..n).map(job).collect()
}

/// MinHash LSH band hashes of every entry, flat: entry i's are
/// `hashes[i * per_doc..(i + 1) * per_doc]`. Only [`DedupMode::Minhash`] reads them.
#[derive(Debug, Clone, Copy)]
pub struct Bands<'a> {
    pub per_doc: usize,
    pub hashes: &'a [u32],
}

impl Bands<'_> {
    /// No bands (every mode but `minhash`).
    pub const NONE: Bands<'static> = Bands {
        per_doc: 0,
        hashes: &[],
    };
    fn of(&self, i: u32) -> &[u32] {
        let s = i as usize * self.per_doc;
        self.hashes.get(s..s + self.per_doc).unwrap_or(&[])
    }
}

/// Clusters the entries and returns, for each, `Some` when it is a dropped duplicate.
pub fn dedup(entries: &[Option<Entry>], bands: Bands<'_>, p: &Params) -> Vec<Option<Duplicate>> {
    dedup_with(entries, bands, p, &sequential)
}

/// [`dedup`] with the table jobs run by `runner`.
pub fn dedup_with(
    entries: &[Option<Entry>],
    bands: Bands<'_>,
    p: &Params,
    runner: TableRunner<'_>,
) -> Vec<Option<Duplicate>> {
    let n = entries.len();
    let mut uf = UnionFind::new(n);
    if p.mode != DedupMode::Off {
        // Exact duplicates: equal normalized-text hashes. Only the first of each exact group
        // goes on to the near index.
        let mut by_exact: Vec<(u64, u32)> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.map(|e| (e.exact, i as u32)))
            .collect();
        by_exact.sort_unstable();
        let mut reps: Vec<u32> = Vec::new();
        for (a, &(h, i)) in by_exact.iter().enumerate() {
            match a.checked_sub(1).map(|b| by_exact[b]) {
                Some((hp, ip)) if hp == h => uf.union(i, ip),
                _ => reps.push(i),
            }
        }
        reps.sort_unstable();
        let accept = |i: u32, j: u32| -> bool {
            match (&entries[i as usize], &entries[j as usize]) {
                (Some(a), Some(b)) => {
                    p.min_similarity <= 0.0 || similarity(&a.sketch, &b.sketch) >= p.min_similarity
                }
                _ => false,
            }
        };
        let results = match p.mode {
            DedupMode::Near => {
                let plan = Plan::new(reps.len(), p.max_distance);
                let hs: Vec<u64> = reps
                    .iter()
                    .map(|&i| entries[i as usize].map_or(0, |e| e.simhash))
                    .collect();
                let job = |t: usize| {
                    let mut out = Vec::new();
                    table_pairs(&plan, plan.tables[t], &hs, &reps, |i, j, _| {
                        if accept(i, j) {
                            out.push((i, j));
                        }
                    });
                    out
                };
                runner(plan.tables.len(), &job)
            }
            DedupMode::Minhash => {
                let job = |band: usize| {
                    // (band hash, document) packed in a u64: sorting groups equal hashes.
                    let mut v: Vec<u64> = reps
                        .iter()
                        .filter_map(|&i| {
                            let h = *bands.of(i).get(band)?;
                            Some(u64::from(h) << 32 | u64::from(i))
                        })
                        .collect();
                    v.sort_unstable();
                    let mut out = Vec::new();
                    let mut s = 0;
                    while s < v.len() {
                        let mut e = s + 1;
                        while e < v.len() && v[e] >> 32 == v[s] >> 32 {
                            e += 1;
                        }
                        for a in s..e {
                            for b in a + 1..e {
                                let (i, j) = (v[a] as u32, v[b] as u32);
                                let (bi, bj) = (bands.of(i), bands.of(j));
                                // Reported by the first band the pair shares.
                                let first = (0..band).all(|x| bi.get(x) != bj.get(x));
                                if first && accept(i, j) {
                                    out.push((i, j));
                                }
                            }
                        }
                        s = e;
                    }
                    out
                };
                runner(bands.per_doc, &job)
            }
            DedupMode::Exact | DedupMode::Off => Vec::new(),
        };
        for edges in results {
            for (i, j) in edges {
                uf.union(i, j);
            }
        }
    }
    assign(entries, &mut uf, p.keep)
}

/// The kept member of each cluster and what every other member duplicates.
fn assign(entries: &[Option<Entry>], uf: &mut UnionFind, keep: KeepRule) -> Vec<Option<Duplicate>> {
    let n = entries.len();
    let mut keeper: Vec<u32> = (0..n as u32).collect();
    if keep == KeepRule::Longest {
        let len = |x: u32| entries[x as usize].map_or(0, |e| e.len);
        for i in 0..n as u32 {
            let r = uf.find(i) as usize;
            if len(i) > len(keeper[r]) {
                keeper[r] = i;
            }
        }
    }
    (0..n as u32)
        .map(|i| {
            let e = entries[i as usize]?;
            let kept = keeper[uf.find(i) as usize];
            if kept == i {
                return None;
            }
            let k = entries[kept as usize]?;
            let exact = e.exact == k.exact;
            Some(Duplicate {
                of: kept as usize,
                distance: distance(e.simhash, k.simhash),
                similarity: if exact {
                    1.0
                } else {
                    rounded(similarity(&e.sketch, &k.sketch))
                },
                exact,
            })
        })
        .collect()
}

/// Similarity as written to `dropped.jsonl`: two decimals.
fn rounded(s: f64) -> f64 {
    (s * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::SKETCH_BINS;
    use proptest::prelude::*;

    fn e(simhash: u64, exact: u64, len: u64) -> Option<Entry> {
        Some(Entry {
            simhash,
            exact,
            sketch: Sketch::default(),
            len,
        })
    }

    fn params(mode: DedupMode, k: u32, keep: KeepRule) -> Params {
        Params {
            mode,
            max_distance: k,
            min_similarity: 0.0,
            keep,
        }
    }

    #[test]
    fn blocks_cover_64_bits() {
        for k in 0..=MAX_SUPPORTED_DISTANCE {
            for n in [10, 100_000, 10_000_000] {
                let p = Plan::new(n, k);
                assert!(p.blocks.len() as u32 > k);
                let bits: u32 = p.blocks.iter().map(|&(_, w)| w).sum();
                assert_eq!(bits, 64);
                let m = p.blocks.len() as u32 - k;
                assert!(p.tables.iter().all(|t| t.count_ones() == m));
            }
        }
    }

    fn brute(hs: &[u64], k: u32) -> Vec<(u32, u32, u32)> {
        let mut out = Vec::new();
        for i in 0..hs.len() {
            for j in i + 1..hs.len() {
                let d = distance(hs[i], hs[j]);
                if d <= k {
                    out.push((i as u32, j as u32, d));
                }
            }
        }
        out
    }

    /// Random fingerprints with planted near copies (random flips of up to 2k bits).
    fn planted(seeds: &[(u64, u8, u8)], k: u32) -> Vec<u64> {
        let mut hs: Vec<u64> = Vec::new();
        for &(x, copy_of, flips) in seeds {
            let mut h = x;
            if !hs.is_empty() && copy_of % 2 == 0 {
                h = hs[copy_of as usize % hs.len()];
                let mut r = x;
                for _ in 0..(u32::from(flips) % (2 * k + 2)) {
                    h ^= 1 << (r % 64);
                    r = r.rotate_left(7).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                }
            }
            hs.push(h);
        }
        hs
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn index_finds_exactly_the_brute_force_pairs(
            seeds in proptest::collection::vec((any::<u64>(), any::<u8>(), any::<u8>()), 0..300),
            k in 0u32..=MAX_SUPPORTED_DISTANCE,
        ) {
            let hs = planted(&seeds, k);
            prop_assert_eq!(pairs_within(&hs, k), brute(&hs, k));
        }

        #[test]
        fn every_block_count_finds_the_same_pairs(
            seeds in proptest::collection::vec((any::<u64>(), any::<u8>(), any::<u8>()), 0..120),
            k in 0u32..=10,
            extra in 1u32..=5,
        ) {
            let hs = planted(&seeds, k);
            let plan = Plan::with_blocks(k, k + extra);
            let ids: Vec<u32> = (0..hs.len() as u32).collect();
            let mut got = Vec::new();
            for &t in &plan.tables {
                table_pairs(&plan, t, &hs, &ids, |i, j, d| got.push((i, j, d)));
            }
            got.sort_unstable();
            prop_assert_eq!(got, brute(&hs, k));
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
        let d = dedup(
            &entries,
            Bands::NONE,
            &params(DedupMode::Near, 3, KeepRule::First),
        );
        assert_eq!(d[0], None);
        assert_eq!(
            d[1],
            Some(Duplicate {
                of: 0,
                distance: 3,
                similarity: 1.0,
                exact: false
            })
        );
        assert_eq!(
            d[2],
            Some(Duplicate {
                of: 0,
                distance: 0,
                similarity: 1.0,
                exact: true
            })
        );
        assert_eq!(d[3], None);
        assert_eq!(d[4], None);
        let d = dedup(
            &entries,
            Bands::NONE,
            &params(DedupMode::Near, 4, KeepRule::First),
        );
        assert_eq!(d[3].map(|x| (x.of, x.distance)), Some((0, 7)));
        let d = dedup(
            &entries,
            Bands::NONE,
            &params(DedupMode::Exact, 3, KeepRule::First),
        );
        assert_eq!(d.iter().filter(|x| x.is_some()).count(), 1);
        let d = dedup(
            &entries,
            Bands::NONE,
            &params(DedupMode::Off, 3, KeepRule::First),
        );
        assert!(d.iter().all(Option::is_none));
    }

    #[test]
    fn verification_rejects_dissimilar_sketches() {
        let mut a = e(0, 1, 10).unwrap();
        let mut b = e(1, 2, 10).unwrap();
        a.sketch = Sketch([7; SKETCH_BINS]);
        b.sketch = Sketch([9; SKETCH_BINS]);
        let p = Params {
            min_similarity: 0.5,
            ..params(DedupMode::Near, 3, KeepRule::First)
        };
        assert!(dedup(&[Some(a), Some(b)], Bands::NONE, &p)
            .iter()
            .all(Option::is_none));
        b.sketch = a.sketch;
        assert!(dedup(&[Some(a), Some(b)], Bands::NONE, &p)[1].is_some());
    }

    #[test]
    fn minhash_bands() {
        let entries = vec![e(0, 1, 1), e(u64::MAX, 2, 1), e(0xF0F0, 3, 1)];
        let hashes = [1, 2, 3, 9, 2, 8, 5, 6, 7];
        let bands = Bands {
            per_doc: 3,
            hashes: &hashes,
        };
        let d = dedup(
            &entries,
            bands,
            &params(DedupMode::Minhash, 0, KeepRule::First),
        );
        assert_eq!(d[1].map(|x| x.of), Some(0));
        assert_eq!(d[2], None);
    }

    #[test]
    fn keep_longest() {
        let entries = vec![e(0, 1, 5), e(1, 2, 9), e(3, 3, 9)];
        let d = dedup(
            &entries,
            Bands::NONE,
            &params(DedupMode::Near, 3, KeepRule::Longest),
        );
        let got: Vec<Option<(usize, u32)>> =
            d.iter().map(|x| x.map(|x| (x.of, x.distance))).collect();
        assert_eq!(got, vec![Some((1, 1)), None, Some((1, 1))]);
    }
}
