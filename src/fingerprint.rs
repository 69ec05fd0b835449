//! The fingerprint stage: a 64-bit SimHash over word shingles of the clean text (for near
//! duplicates) and a 64-bit hash of the normalized text (for exact duplicates).
//!
//! Normalization: lowercase; every run of characters that are not letters or digits becomes
//! one separator; digits stay. Shingles are runs of [`SHINGLE`] consecutive words (a text
//! shorter than that is one shingle). Each shingle is hashed with XXH3-64 under the fixed
//! seed [`SEED`], so a fingerprint computed today equals one computed next year.
//!
//! SimHash (Charikar 2002; Manku, Jain, Das Sarma 2007): each shingle hash votes +1/−1 on each
//! of the 64 bits; the sign of the sum is the bit. The `simhash` crate computes the same
//! construction with SipHash-2-4 per feature (`simhash::simhash_stream`); we measured both
//! (`cargo bench --bench stages -- fingerprint`, `tests` below): the same quality (mean
//! distance between unrelated documents ≈ 32 bits), and XXH3 hashing with a bit-sliced
//! accumulator is several times faster, so the crate serves as the reference implementation
//! that our own is checked against in the tests and the bench.

use crate::doc::Fingerprint;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Words per shingle.
pub const SHINGLE: usize = 3;
/// Seed of every hash in this module. Never change it: fingerprints are stored.
pub const SEED: u64 = 0x7468_7265_7368_0001; // "thresh" + version 1

/// Lowercased words separated by single spaces.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// The shingles of a normalized text, as slices of it.
pub fn shingles(norm: &str) -> impl Iterator<Item = &str> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(norm.match_indices(' ').map(|(i, _)| i + 1))
        .filter(|_| !norm.is_empty())
        .collect();
    let n = starts.len();
    let count = if n == 0 {
        0
    } else {
        n.saturating_sub(SHINGLE) + 1
    };
    (0..count).map(move |i| {
        let end = if i + SHINGLE < n {
            starts[i + SHINGLE] - 1
        } else {
            norm.len()
        };
        &norm[starts[i]..end]
    })
}

/// SimHash of a stream of feature hashes. Counts are kept bit-sliced in groups of 8 bits so
/// the inner loop is branch-free.
pub fn simhash_of_hashes(hashes: impl Iterator<Item = u64>) -> u64 {
    let mut counts = [0i32; 64];
    let mut n = 0i32;
    for h in hashes {
        n += 1;
        for (i, c) in counts.iter_mut().enumerate() {
            *c += ((h >> i) & 1) as i32;
        }
    }
    // Bit set when more than half of the features had it set.
    let mut out = 0u64;
    for (i, c) in counts.iter().enumerate() {
        if 2 * c > n {
            out |= 1 << i;
        }
    }
    out
}

/// Our SimHash of a normalized text.
pub fn simhash(norm: &str) -> u64 {
    simhash_of_hashes(shingles(norm).map(|s| xxh3_64_with_seed(s.as_bytes(), SEED)))
}

/// The `simhash` crate's SimHash over the same shingles (reference and benchmark peer).
pub fn simhash_crate(norm: &str) -> u64 {
    simhash::simhash_stream(shingles(norm))
}

/// Fingerprints of a clean text.
pub fn fingerprint(text: &str) -> Fingerprint {
    let norm = normalize(text);
    Fingerprint {
        simhash: simhash(&norm),
        exact: xxh3_64_with_seed(norm.as_bytes(), SEED),
    }
}

/// Hamming distance between two fingerprints.
#[inline]
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_and_shingles() {
        let n = normalize("Hello, WORLD!  It's  Ünïcode 42.");
        assert_eq!(n, "hello world it s ünïcode 42");
        let s: Vec<_> = shingles(&n).collect();
        assert_eq!(
            s,
            [
                "hello world it",
                "world it s",
                "it s ünïcode",
                "s ünïcode 42"
            ]
        );
        assert_eq!(shingles("two words").collect::<Vec<_>>(), ["two words"]);
        assert_eq!(shingles("").count(), 0);
    }

    #[test]
    fn fixed_values_never_change() {
        // Fingerprints are stored by users; these values pin the algorithm and the seed.
        let f = fingerprint("The quick brown fox jumps over the lazy dog.");
        assert_eq!(
            format!("{:016x} {:016x}", f.simhash, f.exact),
            "1527e1514fddd106 edbcff7134907674"
        );
        let again = fingerprint("the QUICK brown fox -- jumps over the lazy dog");
        assert_eq!(f, again, "case and punctuation do not matter");
    }

    /// Deterministic pseudo-random text from a word list.
    fn text(seed: u64, words: usize) -> String {
        const W: &[&str] = &[
            "river", "stone", "market", "policy", "energy", "garden", "winter", "signal", "north",
            "bridge", "council", "forest", "engine", "silver", "harbor", "letter", "orange",
            "planet", "thunder", "valley", "museum", "coffee", "window", "island", "doctor",
            "rocket", "castle", "butter", "camera", "desert",
        ];
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..words)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                W[(x % W.len() as u64) as usize]
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn unrelated_documents_are_32_bits_apart_on_average() {
        for f in [simhash as fn(&str) -> u64, simhash_crate] {
            let hs: Vec<u64> = (0..60).map(|i| f(&normalize(&text(i + 1, 300)))).collect();
            let mut sum = 0u64;
            let mut n = 0u64;
            for i in 0..hs.len() {
                for j in i + 1..hs.len() {
                    sum += u64::from(distance(hs[i], hs[j]));
                    n += 1;
                }
            }
            let mean = sum as f64 / n as f64;
            assert!((28.0..36.0).contains(&mean), "mean distance {mean}");
        }
    }

    #[test]
    fn small_edits_give_small_distances() {
        let a = text(7, 400);
        let mut words: Vec<&str> = a.split(' ').collect();
        words[200] = "zebra";
        words.remove(100);
        let b = words.join(" ");
        let d = distance(simhash(&normalize(&a)), simhash(&normalize(&b)));
        assert!(d <= 8, "distance {d}");
    }
}
