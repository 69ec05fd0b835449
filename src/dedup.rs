//! The dedup stage: the barrier of the pipeline. It sees every fingerprint, clusters exact
//! duplicates (same normalized-text hash) and near duplicates, and decides which document of
//! each cluster is kept.
//!
//! Near duplicates, `--dedup near` (the default): a candidate pair has SimHash Hamming
//! distance at most `k` (`--max-distance`). With `--dedup minhash`, candidates are pairs that
//! share a MinHash LSH band instead (datatrove's scheme). Either way a candidate is a
//! duplicate only once verified ([`Check`]): by default (`--verify exact`) the exact Jaccard
//! of the two documents' word 5-shingle sets ([`crate::fingerprint::jaccard`], sets of 32-bit
//! shingle hashes, 4 bytes per shingle) must be at least `--min-jaccard` (0.8); the 64-byte
//! sketches' estimate ([`crate::fingerprint::similarity`]) first rules out pairs far below it
//! ([`PREFILTER_MARGIN`]). `--verify sketch` accepts on the estimate alone
//! (`--min-similarity`) and keeps no sets.
//!
//! All pairs within `k` bits are found without comparing all pairs (Manku, Jain, Das Sarma
//! 2007): the 64 bits are cut into `b > k` blocks; two fingerprints within `k` bits agree
//! exactly on at least `b − k` blocks (pigeonhole), so every choice of `m = b − k` blocks is a
//! table keyed by those blocks' bits, and only fingerprints with equal keys in some table are
//! compared. [`Plan::new`] picks `b` from the number of documents to balance the number of
//! tables (each a radix sort of all fingerprints) against the size of the groups of equal
//! keys (compared pair by pair). A pair agreeing on several key choices is reported once, by
//! the first table whose blocks it agrees on, so tables can run in any order or in parallel
//! ([`dedup_with`] takes the runner; [`crate::pipeline`] passes a parallel one). For up to a
//! few hundred thousand fingerprints multi-index hashing ([`Mih`]: fewer, wider tables, each
//! bucket compared with the buckets within a small radius of its key) does less work; which
//! one runs is chosen by estimated work ([`NearIndex`]). Both find exactly the pairs within
//! `k` bits, so the choice never changes a result.
//!
//! Clusters, [`cluster`] (issue 5: every dropped document must be a near duplicate of the
//! document kept for it, not of a neighbour of a neighbour): leader (star) clustering in keep
//! order. By default the keep order is input order; with [`KeepRule::Longest`] the longest
//! clean text first, ties in input order. Exact duplicates follow the first of their group in
//! that order; every other document joins the earliest kept document in keep order it was
//! verified against, or, if there is none, is kept itself. So a chain A~B~C whose A and C are
//! not alike keeps C (B is dropped for A), where connected components would drop C for A;
//! [`ClusterRule::Components`] (`--cluster components`) does that instead: union-find over
//! the verified pairs, each component keeping its first document in keep order.
//! Every dropped document names its kept copy, the Hamming distance and the exact Jaccard
//! (or the sketch estimate with `--verify sketch`) between the two. The result depends only
//! on the fingerprints, their order and the options, never on threads. [`dedup`] (connected
//! components, sketch check only) remains for strip's content clusters, which want chains.

use crate::config::{ClusterRule, DedupMode, KeepRule, Verify};
use crate::doc::Sketch;
use crate::fingerprint::{distance, jaccard, jaccard_counts, jaccard_of, similarity};

/// Default largest SimHash distance for a candidate pair, chosen from measurements on the
/// labelled corpus of `benches/dedup_eval` (BENCHMARKS.md, "Dedup"): word 5-shingle Jaccard
/// 0.8 puts two SimHashes about 10 bits apart on average. With exact verification at
/// [`DEFAULT_MIN_JACCARD`] and leader clustering, k=10 is the smallest k that resolves 0.95
/// of the J ≥ 0.8 pairs (leaves at most one of the two kept: k=9 0.945, k=10 0.959, k=12
/// 0.961 at 0.82). The index cost grows fast with k (715 tables at 10 million fingerprints
/// for k=9, 84 for k=6), so for tens of millions of documents `--dedup minhash` is the
/// scalable choice.
pub const DEFAULT_MAX_DISTANCE: u32 = 10;
/// Default least estimated 5-shingle Jaccard for a candidate to count as a duplicate, when
/// candidates are verified by their sketches alone (`--verify sketch`).
pub const DEFAULT_MIN_SIMILARITY: f64 = 0.7;
/// Default least exact word 5-shingle Jaccard for a candidate to count as a near duplicate
/// (`--verify exact`, the default). The usual definition of a near duplicate is 0.8 (Broder
/// 1997; datatrove), over words normalized by deleting punctuation (`don't` → `dont`,
/// `a-b.c` → `abc`); thresh's words split there instead (`don t`, `a b c`), which moves the
/// Jaccard of a few pairs by up to about 0.02 either way. 0.815 keeps 0.995 of the drops at
/// J ≥ 0.8 under the deleting normalization (0.959 at 0.8, 0.998 at 0.82) on the labelled
/// corpus, while still resolving 0.959 of its J ≥ 0.8 pairs at k=10.
pub const DEFAULT_MIN_JACCARD: f64 = 0.815;
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
    /// Word 5-shingle Jaccard similarity to the kept document: exact with [`Verify::Exact`],
    /// estimated from the sketches with [`Verify::Sketch`] (1 for exact duplicates).
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
    /// Each block's bits in place (`mask(width) << offset`).
    block_bits: Vec<u64>,
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

    /// Estimated instructions for `n` fingerprints (the unit of [`Mih::cost`]): per table, a
    /// sort of all of them (≈ 33 instructions a fingerprint and pass) and the comparisons
    /// within groups of equal keys (≈ 8 each). Calibrated as [`Mih::cost`].
    pub fn cost(&self, n: usize) -> f64 {
        let n = n as f64;
        let passes = if self.key_bits <= SMALL_KEY_BITS {
            1.0
        } else {
            f64::from(self.key_bits.div_ceil(8))
        };
        let pairs = n * n / 2.0 / 2f64.powi(self.key_bits as i32);
        self.tables.len() as f64 * (33.0 * n * passes + 8.0 * pairs)
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
        let block_bits = blocks.iter().map(|&(off, w)| mask(w) << off).collect();
        Plan {
            k,
            blocks,
            tables,
            key_bits,
            block_bits,
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

    /// The first table (in `tables` order, which is increasing) whose blocks all agree. The
    /// tables are every set of `m` blocks in increasing order as bit masks, so the first one
    /// inside `agree` is its `m` lowest set bits (any other choice of `m` of its bits has a
    /// higher top bit, or the same top bit and a higher rest).
    #[cfg(test)]
    fn first_table(&self, agree: u32) -> Option<u32> {
        let m = self.tables.first()?.count_ones();
        if agree.count_ones() < m {
            return None;
        }
        let (mut t, mut rest) = (0u32, agree);
        for _ in 0..m {
            let low = rest & rest.wrapping_neg();
            t |= low;
            rest ^= low;
        }
        Some(t)
    }

    /// Whether table `t` is the first agreeing table of two fingerprints `x` apart that agree
    /// on `t`'s blocks: `first_table(agreeing_blocks(x)) == Some(t)`, checked on the blocks
    /// that decide it alone. The first table is the `m` lowest agreeing blocks, so it is `t`
    /// exactly when every block below `t`'s highest that is not one of `t`'s disagrees.
    #[inline]
    fn is_first_table(&self, t: u32, x: u64) -> bool {
        let top = 31 - t.leading_zeros();
        let mut below = ((1u32 << top) - 1) & !t;
        while below != 0 {
            if x & self.block_bits[below.trailing_zeros() as usize] == 0 {
                return false;
            }
            below &= below - 1;
        }
        true
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
    let tk = plan.table_key(t);
    if plan.key_bits <= SMALL_KEY_BITS {
        // Keys of up to 12 bits: one counting sort, each key computed once; the counts then
        // mark where each key's bucket ends.
        let keys: Vec<u16> = simhashes.iter().map(|&h| tk.of(h) as u16).collect();
        let mut ends = vec![0u32; 1 << plan.key_bits];
        for &k in &keys {
            ends[k as usize] += 1;
        }
        let mut sum = 0;
        for c in ends.iter_mut() {
            let x = *c;
            *c = sum;
            sum += x;
        }
        let mut hs = vec![0u64; simhashes.len()];
        let mut is = vec![0u32; ids.len()];
        for ((&k, &h), &i) in keys.iter().zip(simhashes).zip(ids) {
            let at = &mut ends[k as usize];
            hs[*at as usize] = h;
            is[*at as usize] = i;
            *at += 1;
        }
        let mut start = 0;
        for &end in &ends {
            let end = end as usize;
            if end - start >= 2 {
                bucket_pairs(plan, t, &hs[start..end], &is[start..end], &mut emit);
            }
            start = end;
        }
        return;
    }
    let mut hs = simhashes.to_vec();
    let mut is = ids.to_vec();
    let key = |h: u64| tk.of(h);
    radix_sort_by(&mut hs, &mut is, plan.key_bits, key);
    let mut start = 0;
    while start < hs.len() {
        let k0 = key(hs[start]);
        let mut end = start + 1;
        while end < hs.len() && key(hs[end]) == k0 {
            end += 1;
        }
        bucket_pairs(plan, t, &hs[start..end], &is[start..end], &mut emit);
        start = end;
    }
}

/// Table keys of at most this many bits are sorted in one counting pass (4,096 counters);
/// wider ones by 8-bit radix passes.
const SMALL_KEY_BITS: u32 = 12;

/// The pairs of one bucket (fingerprints sharing table `t`'s key) within `plan.k` bits whose
/// first agreeing table is `t`.
#[inline]
fn bucket_pairs(plan: &Plan, t: u32, hs: &[u64], is: &[u32], emit: &mut impl FnMut(u32, u32, u32)) {
    // Nearly every pair in a bucket is far apart (a key is 10–12 of the 64 bits): the inner
    // loop is one xor, one popcount and one compare a pair, the near ones handled apart.
    let k = plan.k;
    for (a, &ha) in hs.iter().enumerate() {
        let rest = &hs[a + 1..];
        for (o, &hb) in rest.iter().enumerate() {
            if (ha ^ hb).count_ones() <= k {
                near_pair(plan, t, ha ^ hb, (is[a], is[a + 1 + o]), emit);
            }
        }
    }
}

/// A pair within `plan.k` bits of table `t`'s bucket: reported when `t` is the first table
/// whose blocks the two agree on (so each pair is reported by exactly one table).
#[cold]
#[inline(never)]
fn near_pair(
    plan: &Plan,
    t: u32,
    x: u64,
    (ia, ib): (u32, u32),
    emit: &mut impl FnMut(u32, u32, u32),
) {
    debug_assert_eq!(plan.agreeing_blocks(x) & t, t);
    if plan.is_first_table(t, x) {
        emit(ia.min(ib), ia.max(ib), x.count_ones());
    }
}

/// Multi-index hashing (Norouzi, Punjani, Fleet, "Fast search in Hamming space with
/// multi-index hashing", CVPR 2012), the other way to find every pair within `k` bits: the 64
/// bits are cut into `s` substrings with search radii `r_t`, `Σ (r_t + 1) ≥ k + 1`, so two
/// fingerprints within `k` bits are within `r_t` bits of each other on at least one substring
/// (pigeonhole). Each substring is one table (a counting sort by its bits); each fingerprint
/// looks up every key within `r_t` of its own substring and compares what it finds there. A
/// pair is reported by the first substring on which it is within the radius, from its later
/// fingerprint, so once. Where the blocked tables need many tables to keep their groups small,
/// this needs few tables with wider keys and pays with lookups instead ([`NearIndex::new`]
/// chooses by the estimated work).
#[derive(Debug, Clone)]
pub struct Mih {
    pub k: u32,
    subs: Vec<MihSub>,
}

/// One substring of [`Mih`]: its bits, its radius and the key differences within it.
#[derive(Debug, Clone)]
struct MihSub {
    off: u32,
    width: u32,
    radius: u32,
    /// Every `width`-bit value with at most `radius` bits set (0 first).
    flips: Vec<u32>,
}

/// Widest substring [`Mih`] uses: a table holds `2^width + 1` bucket starts.
const MIH_MAX_WIDTH: u32 = 16;

impl Mih {
    /// `s` substrings of (nearly) equal width, the `k + 1` radius units spread over them as
    /// evenly as possible (the first substrings get the larger radii). Substrings left with
    /// no unit (`s > k + 1`) are not tables. `None` when a substring would be wider than
    /// [`MIH_MAX_WIDTH`] bits.
    pub fn with_substrings(k: u32, s: u32) -> Option<Mih> {
        let k = k.min(MAX_SUPPORTED_DISTANCE);
        let s = s.clamp(1, 64);
        if 64 / s + u32::from(64 % s > 0) > MIH_MAX_WIDTH {
            return None;
        }
        let (q, rem) = ((k + 1) / s, (k + 1) % s);
        let mut subs = Vec::new();
        let mut off = 0;
        for i in 0..s {
            let width = 64 / s + u32::from(i < 64 % s);
            let units = q + u32::from(i < rem);
            if units > 0 {
                let radius = units - 1;
                let flips = flips_within(width, radius);
                subs.push(MihSub {
                    off,
                    width,
                    radius,
                    flips,
                });
            }
            off += width;
        }
        Some(Mih { k, subs })
    }

    /// Estimated instructions for `n` fingerprints: per substring, a counting sort, one
    /// lookup per key within the radius for each fingerprint (≈ 9 instructions), and the
    /// comparisons with what the lookups find (≈ 3 each; half of the `n / 2^width`
    /// fingerprints a bucket holds on average, as each pair is compared from one side).
    /// Calibrated with callgrind on the dedup corpus (19,500 fingerprints at k = 10: 4, 5
    /// and 6 substrings measured 201, 150 and 135 M instructions for the whole search, the
    /// blocked tables 216 M), when the search went query by query; bucket by bucket
    /// ([`Mih::pairs`]) it costs less (6 substrings, with the sketch prefilter: 142.8 → 94.3
    /// M), and 6 stayed the fastest in time of 5–8, so the estimate still serves to choose.
    /// The lookups jump about the tables, so once those outgrow the
    /// caches each one costs more: the estimate is scaled by `1 + n / 65,536`, fitted to
    /// `examples/dedup_scale` (at k = 6, 50,000 fingerprints take as long either way, one
    /// million 3.75× longer with these tables than with the blocked ones).
    pub fn cost(&self, n: usize) -> f64 {
        let n = n as f64;
        let cached = 1.0 + n / 65_536.0;
        self.subs
            .iter()
            .map(|s| {
                let probes = s.flips.len() as f64;
                let bucket = n / f64::from(1u32 << s.width);
                10.0 * n
                    + 2.0 * f64::from(1u32 << s.width)
                    + cached * n * probes * (9.0 + 1.5 * bucket)
            })
            .sum()
    }

    /// Number of tables.
    pub fn tables(&self) -> usize {
        self.subs.len()
    }

    #[inline]
    fn key(&self, t: usize, h: u64) -> usize {
        let s = &self.subs[t];
        ((h >> s.off) & mask(s.width)) as usize
    }

    /// Whether substring `t` is the first on which two fingerprints `x` apart are within the
    /// radius.
    #[inline]
    fn is_first(&self, t: usize, x: u64) -> bool {
        self.subs[..t]
            .iter()
            .all(|s| ((x >> s.off) & mask(s.width)).count_ones() > s.radius)
    }

    /// Table `t` over `simhashes`: fingerprints (and their positions) sorted by key, stably.
    pub fn table(&self, t: usize, simhashes: &[u64]) -> MihTable {
        let width = self.subs[t].width;
        let mut starts = vec![0u32; (1usize << width) + 1];
        for &h in simhashes {
            starts[self.key(t, h) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut at = starts.clone();
        let mut entries = vec![(0u64, 0u32); simhashes.len()];
        for (x, &h) in simhashes.iter().enumerate() {
            let slot = &mut at[self.key(t, h)];
            entries[*slot as usize] = (h, x as u32);
            *slot += 1;
        }
        MihTable { starts, entries }
    }

    /// The pairs within `k` bits that table `t` reports from its buckets `keys`:
    /// `emit(i, j, distance)` with `i < j` of `ids`.
    ///
    /// Bucket by bucket: each bucket's fingerprints are compared with those of the buckets
    /// within the radius of its key that come after it (and among themselves), so each
    /// pair of buckets is read once, while both are in cache, and each pair of fingerprints
    /// is compared once. (Query by query, each fingerprint looked up every bucket within the
    /// radius and compared the earlier fingerprints there: each pair of buckets was read twice,
    /// far apart in time, and a third of the samples waited on the loads of the bucket
    /// entries and on the branch that ended a bucket at the query's position.)
    pub fn pairs(
        &self,
        t: usize,
        table: &MihTable,
        ids: &[u32],
        keys: std::ops::Range<usize>,
        mut emit: impl FnMut(u32, u32, u32),
    ) {
        let k = self.k;
        let bucket = |b: usize| -> &[(u64, u32)] {
            match table.starts.get(b..b + 2) {
                Some(&[lo, hi]) => table.entries.get(lo as usize..hi as usize).unwrap_or(&[]),
                _ => &[],
            }
        };
        let near = |x: (u64, u32), y: (u64, u32), emit: &mut dyn FnMut(u32, u32, u32)| {
            let d = x.0 ^ y.0;
            if d.count_ones() <= k && self.is_first(t, d) {
                let (i, j) = (ids[x.1 as usize], ids[y.1 as usize]);
                emit(i.min(j), i.max(j), d.count_ones());
            }
        };
        for key in keys {
            let here = bucket(key);
            if here.is_empty() {
                continue;
            }
            for (a, &x) in here.iter().enumerate() {
                for &y in &here[..a] {
                    near(x, y, &mut emit);
                }
            }
            for &f in &self.subs[t].flips[1..] {
                let other = key ^ f as usize;
                if other < key {
                    continue;
                }
                for &y in bucket(other) {
                    for &x in here {
                        near(x, y, &mut emit);
                    }
                }
            }
        }
    }

    /// Number of bucket keys of table `t`.
    fn keys(&self, t: usize) -> usize {
        1usize << self.subs[t].width
    }
}

/// Every `width`-bit value with at most `radius` bits set, by number of bits set, then
/// rising (Gosper's hack steps through the values with the same number of bits set).
fn flips_within(width: u32, radius: u32) -> Vec<u32> {
    let mut out = vec![0u32];
    for bits in 1..=radius.min(width) {
        let mut v: u64 = (1 << bits) - 1;
        while v < 1 << width {
            out.push(v as u32);
            let c = v & v.wrapping_neg();
            let r = v + c;
            v = (((r ^ v) >> 2) / c) | r;
        }
    }
    out
}

/// One [`Mih`] table: `entries[starts[key]..starts[key + 1]]` are the fingerprints with that
/// key and their positions, positions rising.
#[derive(Debug, Clone)]
pub struct MihTable {
    starts: Vec<u32>,
    entries: Vec<(u64, u32)>,
}

/// How near pairs are found: blocked tables ([`Plan`]) or multi-index hashing ([`Mih`]),
/// whichever is estimated to do less work for `n` fingerprints at distance `k`. Both find
/// exactly the pairs within `k` bits, each once, so the choice never changes a result.
#[derive(Debug, Clone)]
pub enum NearIndex {
    Blocks(Plan),
    Mih(Mih),
}

impl NearIndex {
    pub fn new(n: usize, k: u32) -> NearIndex {
        let plan = Plan::new(n, k);
        let blocks = plan.cost(n);
        let mih = (3..=16)
            .filter_map(|s| Mih::with_substrings(k, s))
            .map(|m| (m.cost(n), m))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match mih {
            Some((c, m)) if c < blocks => NearIndex::Mih(m),
            _ => NearIndex::Blocks(plan),
        }
    }

    /// Estimated instructions for `n` fingerprints.
    pub fn cost(&self, n: usize) -> f64 {
        match self {
            NearIndex::Blocks(p) => p.cost(n),
            NearIndex::Mih(m) => m.cost(n),
        }
    }

    /// Every pair within `k` bits, `(i, j)` with `i < j` of `ids`, that `accept` takes, as
    /// the results of jobs run by `runner` (in any order).
    pub fn pairs(
        &self,
        simhashes: &[u64],
        ids: &[u32],
        accept: &(dyn Fn(u32, u32, u32) -> bool + Sync),
        runner: TableRunner<'_>,
    ) -> Vec<Vec<(u32, u32)>> {
        match self {
            NearIndex::Blocks(plan) => {
                let job = |t: usize| {
                    let mut out = Vec::new();
                    table_pairs(plan, plan.tables[t], simhashes, ids, |i, j, d| {
                        if accept(i, j, d) {
                            out.push((i, j));
                        }
                    });
                    out
                };
                runner(plan.tables.len(), &job)
            }
            NearIndex::Mih(m) => {
                // Each table is built by the first job that needs it (the others wait for it),
                // so that the tables are built in parallel, not one after the other before
                // the jobs start (a counting sort of every fingerprint each: on one core
                // while the other idled).
                let tables: Vec<std::sync::OnceLock<MihTable>> = (0..m.tables())
                    .map(|_| std::sync::OnceLock::new())
                    .collect();
                // Keys in slices, so that the jobs are many more than the threads (as many as
                // when the jobs were slices of 2,048 queries).
                let slices = simhashes.len().div_ceil(2048).max(1);
                let job = |x: usize| {
                    let (t, s) = (x % m.tables(), x / m.tables());
                    let per = m.keys(t).div_ceil(slices);
                    let keys = s * per..((s + 1) * per).min(m.keys(t));
                    let mut out = Vec::new();
                    let table = tables[t].get_or_init(|| m.table(t, simhashes));
                    m.pairs(t, table, ids, keys, |i, j, d| {
                        if accept(i, j, d) {
                            out.push((i, j));
                        }
                    });
                    out
                };
                runner(m.tables() * slices, &job)
            }
        }
    }
}

/// Every pair of `simhashes` within `k` bits, `(i, j, distance)` with `i < j`, sorted: the
/// index alone, for tests and benches.
pub fn pairs_within(simhashes: &[u64], k: u32) -> Vec<(u32, u32, u32)> {
    let ids: Vec<u32> = (0..simhashes.len() as u32).collect();
    let found = std::sync::Mutex::new(Vec::new());
    let accept = |i: u32, j: u32, d: u32| {
        if let Ok(mut f) = found.lock() {
            f.push((i, j, d));
        }
        false
    };
    NearIndex::new(simhashes.len(), k).pairs(simhashes, &ids, &accept, &sequential);
    let mut out = found.into_inner().unwrap_or_default();
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

/// Clusters the entries by connected components of accepted pairs (sketch check only) and
/// returns, for each, `Some` when it is a dropped duplicate. Chains join: A~B and B~C put A and
/// C together. Strip's content clusters (`strip::repetition`) want exactly that; the pipeline's
/// dedup uses [`cluster`] (exact verification, no chaining).
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
    let order = keep_order(entries, p.keep);
    let (reps, rep_of) = exact_groups(entries, &order, p.mode);
    let accept = |i: u32, j: u32| -> bool {
        match (&entries[i as usize], &entries[j as usize]) {
            (Some(a), Some(b)) => {
                p.min_similarity <= 0.0 || similarity(&a.sketch, &b.sketch) >= p.min_similarity
            }
            _ => false,
        }
    };
    let edges = candidate_edges(entries, bands, p, &reps, &accept, runner);
    let n = entries.len();
    let mut uf = UnionFind::new(n);
    for i in 0..n as u32 {
        uf.union(i, rep_of[i as usize]);
    }
    for &(i, j) in &edges {
        uf.union(i, j);
    }
    // The kept member of a component: the first of it in keep order.
    let mut keeper: Vec<u32> = vec![u32::MAX; n];
    for &i in &order {
        let r = uf.find(i) as usize;
        if keeper[r] == u32::MAX {
            keeper[r] = i;
        }
    }
    (0..n as u32)
        .map(|i| {
            let kept = keeper[uf.find(i) as usize];
            duplicate(entries, i, kept, None)
        })
        .collect()
}

/// How [`cluster`] verifies a candidate pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Check {
    pub verify: Verify,
    /// Least exact word 5-shingle Jaccard of an accepted pair ([`Verify::Exact`]); 0 accepts
    /// every candidate.
    pub min_jaccard: f64,
    /// How accepted pairs become clusters.
    pub cluster: ClusterRule,
}

impl Default for Check {
    fn default() -> Self {
        Check {
            verify: Verify::Exact,
            min_jaccard: DEFAULT_MIN_JACCARD,
            cluster: ClusterRule::Star,
        }
    }
}

/// Every entry's word 5-shingle keys (32-bit shingle hashes in text order,
/// [`crate::fingerprint::shingle_set`]), in entry order; what [`Verify::Exact`] compares.
#[derive(Debug, Clone, Copy)]
pub struct Sets<'a>(pub &'a [&'a [u32]]);

impl Sets<'_> {
    /// No sets ([`Verify::Sketch`]).
    pub const NONE: Sets<'static> = Sets(&[]);
    fn of(&self, i: u32) -> &[u32] {
        self.0.get(i as usize).copied().unwrap_or(&[])
    }
}

/// The estimated similarity below which [`Verify::Exact`] does not compute the exact one:
/// `min_jaccard − 0.3`. The sketch's standard error is at most 0.0625 (64 bins, at J = 0.5),
/// so a pair at the threshold falls below this with probability under 10⁻⁵; what it rejects
/// are the chance SimHash neighbours, without reading their sets.
pub const PREFILTER_MARGIN: f64 = 0.3;

/// Clusters the entries without chaining and returns, for each, `Some` when it is a dropped
/// duplicate: the dedup of the pipeline.
///
/// Candidates (SimHash index or MinHash bands, as [`dedup`]) are accepted when `check` verifies
/// them: with [`Verify::Exact`], the exact Jaccard of the two documents' word 5-shingle sets
/// (`sets`) is at least `check.min_jaccard` (the sketch estimate first rules out pairs
/// [`PREFILTER_MARGIN`] below it); with [`Verify::Sketch`], the sketch estimate is at least
/// `p.min_similarity`.
///
/// Leader (star) clustering, so that every dropped document was verified against the document
/// kept for it (no chain A~B~C drops C for an A it is not like): documents are taken in keep
/// order (input order; with [`KeepRule::Longest`], longest clean text first, ties in input
/// order). Exact duplicates follow the first of their group in that order. A document joins
/// the earliest kept document (a leader) in keep order it was accepted with; if none, it is kept
/// and becomes a leader. The result depends only on the entries, their order and the options,
/// never on threads (the accepted pairs are a set; the pass over them is sequential).
///
/// With [`Verify::Exact`], an entry without a set in `sets` (or with an empty one) is never a
/// near duplicate: give every entry its set ([`crate::pipeline`] does).
pub fn cluster(
    entries: &[Option<Entry>],
    bands: Bands<'_>,
    sets: Sets<'_>,
    p: &Params,
    check: &Check,
    runner: TableRunner<'_>,
) -> Vec<Option<Duplicate>> {
    let c = clusters(entries, bands, sets, p, check, runner);
    (0..entries.len())
        .map(|i| c.duplicate(entries, i))
        .collect()
}

/// What [`cluster`] decided, before each entry's [`Duplicate`] record is made: the kept
/// document of each entry and the exact Jaccard of the pairs already verified. The records
/// are made one entry at a time ([`Clusters::duplicate`]), so that a caller can make them in
/// parallel (they took ≈ 0.6 ms on one core for 20,000 documents, with the other idle).
pub struct Clusters<'a> {
    /// `kept[i]`: the document kept for entry `i` (`i` itself when it is kept).
    kept: Vec<u32>,
    /// The sets with [`Verify::Exact`], else `None`.
    sets: Option<Sets<'a>>,
    /// The accepted pairs' exact Jaccard, sorted by pair.
    pairs: Vec<(u32, u32, f64)>,
}

impl Clusters<'_> {
    /// Entry `i`'s record: `Some` when it is a dropped duplicate, as [`cluster`] returns it.
    pub fn duplicate(&self, entries: &[Option<Entry>], i: usize) -> Option<Duplicate> {
        let kept = *self.kept.get(i)?;
        let sets = self.sets.map(|sets| Verified {
            sets,
            pairs: &self.pairs,
        });
        duplicate(entries, i as u32, kept, sets)
    }
}

/// [`cluster`]'s decisions, the records left to make ([`Clusters::duplicate`]).
pub fn clusters<'a>(
    entries: &[Option<Entry>],
    bands: Bands<'_>,
    sets: Sets<'a>,
    p: &Params,
    check: &Check,
    runner: TableRunner<'_>,
) -> Clusters<'a> {
    let n = entries.len();
    let order = keep_order(entries, p.keep);
    let (reps, rep_of) = exact_groups(entries, &order, p.mode);
    // The accepted pairs' exact Jaccard (`Verify::Exact`), gathered from the table jobs in
    // any order and sorted below: what is reported does not depend on the thread count.
    let verified: std::sync::Mutex<Vec<(u32, u32, f64)>> = Default::default();
    // Leader clustering needs only the pairs of a document with its earliest leader: the exact
    // check is left to the leader pass (`lazy_leaders`), and the table jobs keep every
    // candidate that passes the sketch's prefilter.
    let lazy = check.verify == Verify::Exact
        && check.cluster == ClusterRule::Star
        && check.min_jaccard > 0.0;
    let accept = |i: u32, j: u32| -> bool {
        let (Some(a), Some(b)) = (&entries[i as usize], &entries[j as usize]) else {
            return false;
        };
        if lazy {
            return similarity(&a.sketch, &b.sketch) >= check.min_jaccard - PREFILTER_MARGIN
                && !(sets.of(i).is_empty() && sets.of(j).is_empty());
        }
        match check.verify {
            Verify::Sketch => {
                p.min_similarity <= 0.0 || similarity(&a.sketch, &b.sketch) >= p.min_similarity
            }
            Verify::Exact => {
                let t = check.min_jaccard;
                if t <= 0.0 {
                    return true;
                }
                if similarity(&a.sketch, &b.sketch) < t - PREFILTER_MARGIN {
                    return false;
                }
                let (x, y) = (sets.of(i), sets.of(j));
                if x.is_empty() && y.is_empty() {
                    return false;
                }
                let jac = jaccard(x, y);
                if jac < t {
                    return false;
                }
                // Kept for `dropped.jsonl`, so that a drop's similarity is not computed twice.
                if let Ok(mut v) = verified.lock() {
                    v.push((i.min(j), i.max(j), jac));
                }
                true
            }
        }
    };
    let mut edges = candidate_edges(entries, bands, p, &reps, &accept, runner);
    let mut verified = verified.into_inner().unwrap_or_default();
    verified.sort_unstable_by_key(|&(i, j, _)| (i, j));
    if check.cluster == ClusterRule::Components {
        // Union-find over the accepted pairs; each component keeps its first document in
        // keep order (always a representative: an exact group's first comes first).
        let mut uf = UnionFind::new(n);
        for &(i, j) in &edges {
            uf.union(i, j);
        }
        drop(edges);
        let mut keeper = vec![u32::MAX; n];
        for &u in &order {
            let r = uf.find(u) as usize;
            if keeper[r] == u32::MAX {
                keeper[r] = u;
            }
        }
        let kept = (0..n)
            .map(|i| keeper[uf.find(rep_of[i]) as usize])
            .collect();
        return Clusters {
            kept,
            sets: (check.verify == Verify::Exact).then_some(sets),
            pairs: verified,
        };
    }
    // rank[i]: position in keep order.
    let mut rank = vec![u32::MAX; n];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    // The leader pass, in keep order: leader[u] == u for a kept document.
    let mut leader: Vec<u32> = (0..n as u32).collect();
    if lazy {
        verified = lazy_leaders(
            &order,
            &rank,
            edges,
            sets,
            check.min_jaccard,
            runner,
            &mut leader,
        );
    } else {
        // Each accepted pair as (rank of its later document in keep order, the earlier
        // document), sorted, in place: the pass meets each document's earlier neighbours
        // together.
        for e in edges.iter_mut() {
            let (i, j) = *e;
            *e = if rank[i as usize] < rank[j as usize] {
                (rank[j as usize], i)
            } else {
                (rank[i as usize], j)
            };
        }
        edges.sort_unstable();
        let mut e = 0;
        for (r, &u) in order.iter().enumerate() {
            let mut best: Option<u32> = None;
            while let Some(&(_, v)) = edges.get(e).filter(|x| x.0 == r as u32) {
                if leader[v as usize] == v
                    && best.is_none_or(|b| rank[v as usize] < rank[b as usize])
                {
                    best = Some(v);
                }
                e += 1;
            }
            // Only representatives have pairs; the others follow theirs below.
            if let Some(v) = best {
                leader[u as usize] = v;
            }
        }
    }
    let kept = rep_of.iter().map(|&r| leader[r as usize]).collect();
    Clusters {
        kept,
        sets: (check.verify == Verify::Exact).then_some(sets),
        pairs: verified,
    }
}

/// The leader pass of [`cluster`] with the exact check done in it: documents in keep order,
/// each joining the earliest leader (in keep order) among its candidates whose exact Jaccard
/// is at least `t`, or staying a leader itself. The same result as checking every candidate
/// first and then taking the earliest accepted leader, with one check per dropped document
/// instead of one per candidate pair (a cluster of m copies has m(m−1)/2 pairs). Sets
/// `leader` and returns the accepted pairs `(i, j, Jaccard)` sorted by pair.
///
/// The checks run in parallel (`runner`), in rounds, before the pass that decides: first
/// each document's first candidate (nearly always the leader it joins); then, up to
/// [`LEADER_ROUNDS`] times, a dry pass over the candidates (cheap: no checks) takes the
/// counts known so far, treats every unknown check it asks as failed, and the checks it
/// asked are computed for the next round. A dry pass that asks nothing unknown was the real
/// pass. The final pass computes whatever is still unknown itself. A check is a pure
/// function of two documents' keys, so which of them are computed ahead, and where, never
/// changes the result; it only moves work off the serial pass (on the dedup corpus: 1,540
/// of its 8,889 checks were serial before the rounds, 0 after the second).
fn lazy_leaders(
    order: &[u32],
    rank: &[u32],
    edges: Vec<(u32, u32)>,
    sets: Sets<'_>,
    t: f64,
    runner: TableRunner<'_>,
    leader: &mut [u32],
) -> Vec<(u32, u32, f64)> {
    // (rank of the later document, rank of the earlier), sorted: each document's candidates
    // together, earliest first.
    let mut by_rank: Vec<(u32, u32)> = edges
        .into_iter()
        .map(|(i, j)| {
            let (a, b) = (rank[i as usize], rank[j as usize]);
            (a.max(b), a.min(b))
        })
        .collect();
    by_rank.sort_unstable();
    // The candidates as document pairs, in pass order.
    let pairs: Vec<(u32, u32)> = by_rank
        .iter()
        .map(|&(ru, rv)| (order[ru as usize], order[rv as usize]))
        .collect();
    drop(by_rank);
    // known[k]: the counts of candidate k, once computed.
    let mut known: Vec<Option<(u32, u32)>> = vec![None; pairs.len()];
    let mut want: Vec<u32> = (0..pairs.len() as u32)
        .filter(|&k| k == 0 || pairs[k as usize - 1].0 != pairs[k as usize].0)
        .collect();
    let mut scratch = leader.to_vec();
    for round in 0..=LEADER_ROUNDS {
        if want.is_empty() {
            break;
        }
        let counts = checks_ahead(&pairs, &want, sets, runner);
        for (&k, c) in want.iter().zip(counts) {
            known[k as usize] = Some(c);
        }
        if round == LEADER_ROUNDS {
            break;
        }
        // The dry pass: which unknown checks would the pass ask, if they all failed?
        scratch.copy_from_slice(leader);
        want.clear();
        leader_pass(&pairs, t, &mut scratch, |k, _, _| {
            known[k].or_else(|| {
                want.push(k as u32);
                None
            })
        });
    }
    let mut accepted = Vec::new();
    leader_pass(&pairs, t, leader, |k, u, v| {
        let c = known[k].unwrap_or_else(|| jaccard_counts(sets.of(u), sets.of(v)));
        let jac = jaccard_of(c);
        if jac >= t {
            accepted.push((u.min(v), u.max(v), jac));
        }
        Some(c)
    });
    accepted.sort_unstable_by_key(|&(i, j, _)| (i, j));
    accepted
}

/// Speculative rounds of [`lazy_leaders`] after the first candidates' (on the dedup corpus
/// the first asks 2,023 checks, the second 1, the third none). One under test, so that the
/// property tests also see checks left to the final pass.
const LEADER_ROUNDS: usize = if cfg!(test) { 1 } else { 3 };

/// One leader pass over the candidates `pairs` (document pairs, later document first, in
/// pass order): a document joins the first candidate whose check passes (`check(k, u, v)`:
/// the counts of candidate `k`, `None` counting as failed) while both are leaders.
fn leader_pass(
    pairs: &[(u32, u32)],
    t: f64,
    leader: &mut [u32],
    mut check: impl FnMut(usize, u32, u32) -> Option<(u32, u32)>,
) {
    for (k, &(u, v)) in pairs.iter().enumerate() {
        if leader[u as usize] != u || leader[v as usize] != v {
            // u has its leader already, or v joined one.
            continue;
        }
        if check(k, u, v).is_some_and(|c| jaccard_of(c) >= t) {
            leader[u as usize] = v;
        }
    }
}

/// The counts of the candidates `want` (positions in `pairs`), in that order, computed in
/// parallel jobs (`runner`).
fn checks_ahead(
    pairs: &[(u32, u32)],
    want: &[u32],
    sets: Sets<'_>,
    runner: TableRunner<'_>,
) -> Vec<(u32, u32)> {
    // Small jobs under test, so that the property tests see several, in any order.
    const PER_JOB: usize = if cfg!(test) { 3 } else { 128 };
    // Each job's counts after a header naming the job (results may come in any order).
    let mut jobs = runner(want.len().div_ceil(PER_JOB), &|job: usize| {
        let mine = &want[job * PER_JOB..((job + 1) * PER_JOB).min(want.len())];
        std::iter::once((job as u32, u32::MAX))
            .chain(mine.iter().enumerate().map(|(x, &k)| {
                // The next check's two key arrays are fetched while this one runs: they are
                // cold (all documents' keys are ≈ 26 MB on the dedup corpus, beyond L3), and a
                // third of `jaccard_counts`' samples waited on their loads.
                if let Some(&next) = mine.get(x + 1) {
                    let (u, v) = pairs[next as usize];
                    crate::prefetch(sets.of(u));
                    crate::prefetch(sets.of(v));
                }
                let (u, v) = pairs[k as usize];
                jaccard_counts(sets.of(u), sets.of(v))
            }))
            .collect()
    });
    jobs.sort_unstable_by_key(|j| j.first().map_or(0, |h| h.0));
    jobs.into_iter()
        .flat_map(|j| j.into_iter().skip(1))
        .collect()
}

/// Documents that take part, in keep order: input order, or longest first (ties in input
/// order) with [`KeepRule::Longest`].
fn keep_order(entries: &[Option<Entry>], keep: KeepRule) -> Vec<u32> {
    let mut order: Vec<u32> = (0..entries.len() as u32)
        .filter(|&i| entries[i as usize].is_some())
        .collect();
    if keep == KeepRule::Longest {
        let len = |x: u32| entries[x as usize].map_or(0, |e| e.len);
        order.sort_by_key(|&i| (std::cmp::Reverse(len(i)), i));
    }
    order
}

/// Exact duplicates (equal normalized-text hashes): each group's first member in keep order
/// represents it. Returns the representatives in input order (the only ones the near index
/// sees) and each document's representative (itself when it takes no part, or with
/// [`DedupMode::Off`]).
fn exact_groups(entries: &[Option<Entry>], order: &[u32], mode: DedupMode) -> (Vec<u32>, Vec<u32>) {
    let n = entries.len();
    let mut rep_of: Vec<u32> = (0..n as u32).collect();
    if mode == DedupMode::Off {
        return (Vec::new(), rep_of);
    }
    // (exact hash, rank) sorted: the first of each run of equal hashes is the earliest in
    // keep order.
    let mut by_exact: Vec<(u64, u32, u32)> = order
        .iter()
        .enumerate()
        .filter_map(|(r, &i)| entries[i as usize].map(|e| (e.exact, r as u32, i)))
        .collect();
    by_exact.sort_unstable();
    let mut reps = Vec::new();
    let mut cur: Option<(u64, u32)> = None;
    for &(h, _, i) in &by_exact {
        match cur {
            Some((hc, rep)) if hc == h => rep_of[i as usize] = rep,
            _ => {
                cur = Some((h, i));
                reps.push(i);
            }
        }
    }
    reps.sort_unstable();
    (reps, rep_of)
}

/// The accepted candidate pairs `(i, j)`, `i < j`, among `reps`, in the order the jobs
/// returned them (not sorted: every caller either sorts them its own way or only unions them,
/// and a sort here took 0.3 ms on one core): SimHash index pairs within `p.max_distance`
/// ([`DedupMode::Near`]) or pairs sharing a MinHash band ([`DedupMode::Minhash`]); each
/// reported once.
fn candidate_edges(
    entries: &[Option<Entry>],
    bands: Bands<'_>,
    p: &Params,
    reps: &[u32],
    accept: &(dyn Fn(u32, u32) -> bool + Sync),
    runner: TableRunner<'_>,
) -> Vec<(u32, u32)> {
    let results = match p.mode {
        DedupMode::Near => {
            let hs: Vec<u64> = reps
                .iter()
                .map(|&i| entries[i as usize].map_or(0, |e| e.simhash))
                .collect();
            NearIndex::new(reps.len(), p.max_distance).pairs(
                &hs,
                reps,
                &|i, j, _| accept(i, j),
                runner,
            )
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
                                out.push((i.min(j), i.max(j)));
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
    results.into_iter().flatten().collect()
}

/// Entry `i`'s fate when `kept` is the document kept for it: `None` when it is kept itself
/// (or takes no part). The similarity reported is the exact Jaccard when `sets` are given,
/// else the sketch estimate (1 for exact duplicates).
/// The sets, and the exact Jaccard of the pairs already verified (sorted by pair).
#[derive(Clone, Copy)]
struct Verified<'a> {
    sets: Sets<'a>,
    pairs: &'a [(u32, u32, f64)],
}

impl Verified<'_> {
    fn jaccard(&self, i: u32, j: u32) -> f64 {
        let key = (i.min(j), i.max(j));
        match self.pairs.binary_search_by_key(&key, |&(a, b, _)| (a, b)) {
            Ok(k) => self.pairs[k].2,
            Err(_) => jaccard(self.sets.of(i), self.sets.of(j)),
        }
    }
}

fn duplicate(
    entries: &[Option<Entry>],
    i: u32,
    kept: u32,
    sets: Option<Verified<'_>>,
) -> Option<Duplicate> {
    let e = entries[i as usize]?;
    if kept == i {
        return None;
    }
    let k = entries[kept as usize]?;
    let exact = e.exact == k.exact;
    let similarity = if exact {
        1.0
    } else if let Some(s) = sets {
        rounded(s.jaccard(i, kept))
    } else {
        rounded(similarity(&e.sketch, &k.sketch))
    };
    Some(Duplicate {
        of: kept as usize,
        distance: distance(e.simhash, k.simhash),
        similarity,
        exact,
    })
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

        #[test]
        fn every_substring_count_finds_the_same_pairs(
            seeds in proptest::collection::vec((any::<u64>(), any::<u8>(), any::<u8>()), 0..200),
            k in 0u32..=MAX_SUPPORTED_DISTANCE,
            s in 4u32..=20,
        ) {
            let hs = planted(&seeds, k);
            let Some(m) = Mih::with_substrings(k, s) else {
                return Ok(());
            };
            // Ids in another order than positions: pairs are reported as ids, smaller first.
            let ids: Vec<u32> = (0..hs.len() as u32).rev().collect();
            let mut got = Vec::new();
            for t in 0..m.tables() {
                let table = m.table(t, &hs);
                // Keys in two slices, as the jobs split them.
                let mid = m.keys(t) / 3;
                for q in [0..mid, mid..m.keys(t)] {
                    m.pairs(t, &table, &ids, q, |i, j, d| got.push((i, j, d)));
                }
            }
            let n = (hs.len() as u32).wrapping_sub(1);
            let mut want: Vec<(u32, u32, u32)> =
                brute(&hs, k).into_iter().map(|(i, j, d)| (n - j, n - i, d)).collect();
            got.sort_unstable();
            want.sort_unstable();
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn flips_within_are_every_value_with_few_bits() {
        for width in [1, 5, 11, 16] {
            for radius in 0..=3 {
                let mut got = flips_within(width, radius);
                got.sort_unstable();
                let want: Vec<u32> = (0u32..1 << width)
                    .filter(|f| f.count_ones() <= radius)
                    .collect();
                assert_eq!(got, want, "width {width} radius {radius}");
            }
        }
    }

    #[test]
    fn mih_radii_cover_the_distance() {
        for k in 0..=MAX_SUPPORTED_DISTANCE {
            for s in 4..=20 {
                let Some(m) = Mih::with_substrings(k, s) else {
                    continue;
                };
                let units: u32 = m.subs.iter().map(|x| x.radius + 1).sum();
                assert!(units > k, "k={k} s={s}: {units} units");
                let bits: u32 = m.subs.iter().map(|x| x.width).sum();
                assert!(bits <= 64);
            }
        }
    }

    #[test]
    fn first_table_is_the_first_in_table_order() {
        for (k, b) in [(10, 12), (3, 7), (4, 5), (0, 1), (6, 9)] {
            let plan = Plan::with_blocks(k, b);
            for agree in 0u32..(1 << b) {
                let scan = plan.tables.iter().copied().find(|&t| agree & t == t);
                assert_eq!(plan.first_table(agree), scan, "k={k} b={b} agree={agree:b}");
            }
        }
    }

    #[test]
    fn is_first_table_agrees_with_first_table() {
        for (k, b) in [(10, 12), (3, 7), (4, 5), (0, 1), (6, 9), (10, 13)] {
            let plan = Plan::with_blocks(k, b);
            for agree in 0u32..(1 << b) {
                // A difference whose zero blocks are exactly `agree`: one bit set in every other
                // block, at a position that moves with the block and the pattern.
                let x = plan
                    .blocks
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| agree >> i & 1 == 0)
                    .fold(0u64, |x, (i, &(off, w))| {
                        x | 1 << (off + (agree + i as u32) % w)
                    });
                assert_eq!(plan.agreeing_blocks(x), agree);
                for &t in plan.tables.iter().filter(|&&t| agree & t == t) {
                    assert_eq!(
                        plan.is_first_table(t, x),
                        plan.first_table(agree) == Some(t),
                        "k={k} b={b} agree={agree:b} t={t:b}"
                    );
                }
            }
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

    /// Entries at SimHash distance ≤ 1 of each other with equal sketches (so only the sets
    /// decide), the sets `lo..hi` given.
    fn with_sets(ranges: &[(u32, u32)], lens: &[u64]) -> (Vec<Option<Entry>>, Vec<Vec<u32>>) {
        let entries = (0..ranges.len())
            .map(|i| e(1 << (i % 2), 100 + i as u64, lens[i]))
            .collect();
        let sets = ranges.iter().map(|&(lo, hi)| (lo..hi).collect()).collect();
        (entries, sets)
    }

    fn exact_check(t: f64) -> Check {
        Check {
            verify: Verify::Exact,
            min_jaccard: t,
            cluster: ClusterRule::Star,
        }
    }

    fn run_cluster(
        entries: &[Option<Entry>],
        sets: &[Vec<u32>],
        keep: KeepRule,
        t: f64,
    ) -> Vec<Option<(usize, f64)>> {
        run_cluster_with(entries, sets, keep, &exact_check(t))
    }

    fn run_cluster_with(
        entries: &[Option<Entry>],
        sets: &[Vec<u32>],
        keep: KeepRule,
        check: &Check,
    ) -> Vec<Option<(usize, f64)>> {
        let views: Vec<&[u32]> = sets.iter().map(|s| &s[..]).collect();
        cluster(
            entries,
            Bands::NONE,
            Sets(&views),
            &params(DedupMode::Near, 3, keep),
            check,
            &sequential,
        )
        .iter()
        .map(|d| d.map(|d| (d.of, d.similarity)))
        .collect()
    }

    /// A ~ B and B ~ C at J ≥ 0.8 but A and C only 0.786 alike: C must not be dropped for A
    /// (components would chain it there), and, B being dropped, C is kept.
    #[test]
    fn a_chain_does_not_drop_c_for_a() {
        let (entries, sets) = with_sets(&[(0, 100), (5, 105), (12, 112)], &[10, 10, 10]);
        let j = |a: usize, b: usize| jaccard(&sets[a], &sets[b]);
        assert!(j(0, 1) >= 0.8 && j(1, 2) >= 0.8 && j(0, 2) < 0.8);
        let got = run_cluster(&entries, &sets, KeepRule::First, 0.8);
        assert_eq!(got, vec![None, Some((0, 0.9)), None]);
        // `--cluster components` chains: C goes with A, reporting their real similarity.
        let components = Check {
            cluster: ClusterRule::Components,
            ..exact_check(0.8)
        };
        let got = run_cluster_with(&entries, &sets, KeepRule::First, &components);
        assert_eq!(got, vec![None, Some((0, 0.9)), Some((0, 0.79))]);
        // Keep the longest: B (length 30) keeps both, A and C via B.
        let (long, _) = with_sets(&[(0, 100), (5, 105), (12, 112)], &[10, 30, 10]);
        let by_len = run_cluster_with(&long, &sets, KeepRule::Longest, &components);
        assert_eq!(
            by_len.iter().map(|d| d.map(|d| d.0)).collect::<Vec<_>>(),
            vec![Some(1), None, Some(1)]
        );
        // Connected components (strip's content clusters) do chain.
        assert_eq!(
            dedup(
                &entries,
                Bands::NONE,
                &params(DedupMode::Near, 3, KeepRule::First)
            )[2]
            .map(|d| d.of),
            Some(0)
        );
    }

    /// C verifies against two kept documents A and B (which do not verify against each
    /// other): it joins the earlier in keep order: A in input order, B when B is longer.
    #[test]
    fn joins_the_earliest_leader_in_keep_order() {
        let (entries, sets) = with_sets(&[(0, 100), (15, 115), (7, 107)], &[20, 30, 10]);
        let j = |a: usize, b: usize| jaccard(&sets[a], &sets[b]);
        assert!(j(0, 1) < 0.8 && j(0, 2) >= 0.8 && j(1, 2) >= 0.8);
        let first = run_cluster(&entries, &sets, KeepRule::First, 0.8);
        assert_eq!(first, vec![None, None, Some((0, 0.87))]);
        let longest = run_cluster(&entries, &sets, KeepRule::Longest, 0.8);
        assert_eq!(longest, vec![None, None, Some((1, 0.85))]);
    }

    /// An exact twin of a dropped document is dropped for the same kept one (not for its
    /// twin), and counts as a near duplicate of it.
    #[test]
    fn exact_twin_of_a_follower_follows_the_leader() {
        let (mut entries, mut sets) = with_sets(&[(0, 100), (5, 105)], &[10, 10]);
        entries.push(entries[1]);
        sets.push(sets[1].clone());
        let d = {
            let views: Vec<&[u32]> = sets.iter().map(|s| &s[..]).collect();
            cluster(
                &entries,
                Bands::NONE,
                Sets(&views),
                &params(DedupMode::Near, 3, KeepRule::First),
                &exact_check(0.8),
                &sequential,
            )
        };
        assert_eq!(d[1].map(|d| (d.of, d.exact)), Some((0, false)));
        assert_eq!(d[2].map(|d| (d.of, d.exact)), Some((0, false)));
    }

    #[test]
    fn exact_verification_decides_not_the_sketch() {
        // Equal sketches, sets 0.739 alike: kept apart at 0.8, joined at 0.7.
        let (entries, sets) = with_sets(&[(0, 100), (15, 115)], &[10, 10]);
        assert_eq!(run_cluster(&entries, &sets, KeepRule::First, 0.8)[1], None);
        assert_eq!(
            run_cluster(&entries, &sets, KeepRule::First, 0.7)[1],
            Some((0, 0.74))
        );
        // Equal sets but unrelated sketches: the pre-filter rejects without reading the sets.
        let (mut entries, sets) = with_sets(&[(0, 100), (0, 100)], &[10, 10]);
        for (x, v) in entries.iter_mut().flatten().zip([7u8, 9]) {
            x.sketch = Sketch([v; SKETCH_BINS]);
        }
        assert_eq!(run_cluster(&entries, &sets, KeepRule::First, 0.8)[1], None);
        // No sets (or empty ones): nothing is a near duplicate.
        let none = vec![Vec::new(), Vec::new()];
        assert_eq!(run_cluster(&entries, &none, KeepRule::First, 0.8)[1], None);
    }

    /// Tables run in reverse order (as a parallel runner may finish them).
    fn reversed(n: usize, job: &(dyn Fn(usize) -> Vec<(u32, u32)> + Sync)) -> Vec<Vec<(u32, u32)>> {
        (0..n).rev().map(job).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Every drop is verified against the document kept for it; no two kept documents
        /// verify against each other (among the candidates); the runner's order does not
        /// matter.
        #[test]
        fn leaders_are_verified_and_final(
            docs in proptest::collection::vec((0u32..40, 60u32..100, any::<u8>(), 1u64..50), 1..40),
            t in 0.5f64..0.95,
            longest in any::<bool>(),
        ) {
            let entries: Vec<Option<Entry>> = docs
                .iter()
                .map(|&(lo, _, flip, len)| e(u64::from(flip % 4), u64::from(lo) << 8 | u64::from(flip % 3), len))
                .collect();
            let sets: Vec<Vec<u32>> = docs
                .iter()
                .map(|&(lo, w, flip, _)| (lo..lo + w).filter(|x| x % 7 != u32::from(flip % 7)).collect())
                .collect();
            // Exact twins must have equal sets: give each exact hash the set of its first.
            let mut sets = sets;
            for i in 0..entries.len() {
                if let Some(f) = (0..i).find(|&f| entries[f].map(|x| x.exact) == entries[i].map(|x| x.exact)) {
                    sets[i] = sets[f].clone();
                }
            }
            let views: Vec<&[u32]> = sets.iter().map(|s| &s[..]).collect();
            let keep = if longest { KeepRule::Longest } else { KeepRule::First };
            let p = params(DedupMode::Near, 3, keep);
            let c = exact_check(t);
            let a = cluster(&entries, Bands::NONE, Sets(&views), &p, &c, &sequential);
            let b = cluster(&entries, Bands::NONE, Sets(&views), &p, &c, &reversed);
            prop_assert_eq!(&a, &b);
            let order = keep_order(&entries, keep);
            let rank = |x: usize| order.iter().position(|&o| o as usize == x);
            for (i, d) in a.iter().enumerate() {
                if let Some(d) = d {
                    prop_assert!(a[d.of].is_none(), "kept for {} is itself dropped", i);
                    prop_assert!(d.exact || jaccard(&sets[i], &sets[d.of]) >= t);
                    // The earliest leader: no kept document before the one kept for it (in
                    // keep order) verifies with it.
                    if !d.exact {
                        for (v, x) in a.iter().enumerate() {
                            if x.is_none() && v != i && rank(v) < rank(d.of) {
                                prop_assert!(jaccard(&sets[i], &sets[v]) < t, "{} joins {}, not the earlier {}", i, d.of, v);
                            }
                        }
                    }
                }
            }
            for i in 0..a.len() {
                for j in i + 1..a.len() {
                    if a[i].is_none() && a[j].is_none() {
                        prop_assert!(jaccard(&sets[i], &sets[j]) < t, "kept {} and {} verify", i, j);
                    }
                }
            }
        }
    }

    /// The leader pass as specified: every candidate checked, then documents in keep order
    /// join the earliest leader they verify with.
    fn reference_leaders(
        entries: &[Option<Entry>],
        sets: &[Vec<u32>],
        k: u32,
        t: f64,
    ) -> Vec<Option<usize>> {
        let n = entries.len();
        let mut leader: Vec<usize> = (0..n).collect();
        for u in 0..n {
            for v in 0..u {
                let (Some(a), Some(b)) = (entries[u], entries[v]) else {
                    continue;
                };
                if leader[v] == v
                    && distance(a.simhash, b.simhash) <= k
                    && jaccard(&sets[u], &sets[v]) >= t
                {
                    leader[u] = v;
                    break;
                }
            }
        }
        (0..n)
            .map(|u| (leader[u] != u).then_some(leader[u]))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        /// Many near-duplicate candidates (equal sketches, so only the exact check decides): the rounds of checks ahead and the final pass give
        /// the clusters and similarities of the plain serial pass, whatever the runner's order.
        #[test]
        fn checks_ahead_give_the_serial_clusters(
            docs in proptest::collection::vec((0u32..60, 30u32..60, any::<u8>()), 2..60),
            t in 0.4f64..0.9,
            rev in any::<bool>(),
        ) {
            // Six bits of SimHash each: some pairs are candidates, some are not.
            let entries: Vec<Option<Entry>> = docs
                .iter()
                .enumerate()
                .map(|(i, &(_, _, f))| e(u64::from(f >> 2), 1000 + i as u64, 10))
                .collect();
            let sets: Vec<Vec<u32>> = docs
                .iter()
                .map(|&(lo, w, f)| (lo..lo + w).filter(|x| x % 5 != u32::from(f % 6)).collect())
                .collect();
            let views: Vec<&[u32]> = sets.iter().map(|s| &s[..]).collect();
            let runner: TableRunner<'_> = if rev { &reversed } else { &sequential };
            let got = cluster(
                &entries,
                Bands::NONE,
                Sets(&views),
                &params(DedupMode::Near, 3, KeepRule::First),
                &exact_check(t),
                runner,
            );
            let want = reference_leaders(&entries, &sets, 3, t);
            for (u, (g, w)) in got.iter().zip(&want).enumerate() {
                prop_assert_eq!(g.map(|d| d.of), *w, "document {}", u);
                if let (Some(d), Some(v)) = (g, w) {
                    prop_assert_eq!(d.similarity, rounded(jaccard(&sets[u], &sets[*v])));
                }
            }
        }
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
