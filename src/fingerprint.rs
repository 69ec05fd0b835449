//! The fingerprint stage: what dedup needs to know about a clean text, computed once per
//! document (stateless, so it runs in parallel and can run on another machine, see
//! [`crate::signature`]).
//!
//! * `simhash`: 64-bit SimHash over word 3-shingles, for the Hamming index.
//! * `exact`: 64-bit hash of the normalized text, for exact duplicates.
//! * `sketch`: a 64-byte one-permutation b-bit MinHash over word 5-shingles, kept per
//!   document to estimate shingle Jaccard when a candidate pair is verified ([`similarity`]).
//! * `bands`: only with `--dedup minhash`: LSH band hashes of a `bands × rows` MinHash.
//! * `shingles`: the word 5-shingles as 32-bit hashes in text order ([`shingle_set`]): what
//!   dedup's exact verification compares ([`jaccard`], over the distinct keys). 4 bytes per
//!   shingle, about 4 bytes per word of clean text.
//!
//! Normalization: lowercase; every ASCII digit becomes `0` (as datatrove's); every run of
//! characters that are not letters or digits becomes one separator. Each normalized word is
//! hashed once (its bytes packed eight to a 64-bit chunk, a multiply per chunk, then the
//! splitmix64 finalizer, [`WordHasher`]); a shingle's hash folds the hashes of its
//! consecutive words by rotations and xors ([`fold_words`]), so no shingle string is ever
//! built or hashed byte by byte. A text shorter than a shingle is one shingle. The exact hash
//! folds the whole word sequence. Strip feeds the same [`WordHasher`] while it measures each
//! line, so in a `thresh clean` run a document's words are hashed during strip's own pass over
//! it ([`fingerprint_words`]). Every hash is a fixed function under the fixed seed [`SEED`] (and
//! constants derived from it), so a fingerprint computed today equals one computed next year;
//! `fixed_values_never_change` pins them. Version 2 (signature format 3) changed the word
//! hash from FNV-1a byte by byte to the chunked one, and the seed with it. Version 3
//! (signature format 4) keeps the word hash and the exact hash and changes the shingle
//! hashes: version 2 summed a product per word with a per-position constant and finalized
//! both widths (nine multiplies a word); version 3 folds by rotation, so neither the SimHash
//! feature nor the 5-shingle key costs a multiply (only `--dedup minhash` finalizes the key
//! for its band functions). On the dedup corpus: task-clock −5.0 to −5.2%, the same quality
//! (BENCHMARKS.md, "Session 19 (helper dedup-hash24)"). Strip's prose SimHash
//! ([`simhash_words`]) keeps version 2's shingles: it is not stored, and strip's output does
//! not move with the fingerprint version.
//!
//! SimHash (Charikar 2002; Manku, Jain, Das Sarma 2007): each shingle hash votes on each of
//! the 64 bits; a bit is set when more than half of the shingles had it set. The `simhash`
//! crate computes the same construction with SipHash-2-4 per feature
//! (`simhash::simhash_stream`); it serves as the reference our own is checked against in the
//! tests and the bench (`cargo bench --bench stages -- fingerprint`).
//!
//! The sketch (Li, Owen, Zhang 2012 one-permutation hashing; Li, König 2010 b-bit MinHash):
//! each 5-shingle hash falls in one of 64 bins by its top 6 bits and the bin keeps the
//! smallest remaining value; an empty bin borrows from the next non-empty one (rotation
//! densification, Shrivastava, Li 2014); each bin stores 8 bits of a mix of its minimum. Two
//! documents agree on a bin with probability J + (1 − J)/256, which [`similarity`] inverts.
//! 64 bins give a standard error of about 0.05 at J = 0.8, enough to tell J = 0.9 copies from
//! the J ≈ 0.5 texts a SimHash distance of 10 also lets through, at 64 bytes a document.

use crate::doc::{Fingerprint, Sketch};
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Words per SimHash shingle.
pub const SHINGLE: usize = 3;
/// Words per sketch (and MinHash) shingle: the 5-grams of datatrove and of the usual
/// "Jaccard ≥ 0.8" definition of a near duplicate.
pub const SKETCH_SHINGLE: usize = 5;
/// Bins (bytes) of the sketch.
pub const SKETCH_BINS: usize = 64;
/// Seed of every hash in this module. Never change it: fingerprints are stored.
pub const SEED: u64 = 0x7468_7265_7368_0002; // "thresh" + version 2 (of the word hash, which v3 keeps)

/// Byte classes for [`normalize`] and [`word_hashes`]: an ASCII letter maps to its lowercase
/// form, an ASCII digit to `0`, other ASCII to 0 (a separator), and bytes of multi-byte
/// characters to 0xFF.
const ASCII_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c >= 0x80 {
            0xFF
        } else if c.is_ascii_digit() {
            b'0'
        } else if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The normalized form of an ASCII byte: its lowercase form for a letter, `0` for a digit,
/// 0 (a separator) for anything else, 0xFF for a byte of a multi-byte character.
#[inline]
pub fn ascii_class(b: u8) -> u8 {
    ASCII_CLASS[b as usize]
}

/// Lowercased words separated by single spaces, every ASCII digit folded to `0` (as
/// datatrove's normalization). ASCII goes through a byte table; other characters through
/// Unicode's `is_alphanumeric` and `to_lowercase`. This is the text the word hashes are
/// taken from: `word_hashes(t) == word_hashes(&normalize(t))`.
pub fn normalize(text: &str) -> String {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut out: Vec<u8> = Vec::with_capacity(n + 1);
    // 0: at the start, 1: inside or right after a word, 2: a separator is pending.
    let mut state = 0u8;
    let mut i = 0;
    let mut buf = [0u8; 4];
    while i < n {
        let c = ASCII_CLASS[bytes[i] as usize];
        if c == 0 {
            state |= u8::from(state != 0) << 1;
            i += 1;
            continue;
        }
        if c != 0xFF {
            if state == 3 || state == 2 {
                out.push(b' ');
            }
            state = 1;
            out.push(c);
            i += 1;
            continue;
        }
        // A multi-byte character starts at i (text is valid UTF-8).
        let Some(ch) = text[i..].chars().next() else {
            break;
        };
        i += ch.len_utf8();
        if ch.is_alphanumeric() {
            if state >= 2 {
                out.push(b' ');
            }
            state = 1;
            // Only the letters of the lowercase form: 'İ' lowercases to 'i' and a combining
            // dot, which would end the word when the normal form is read again.
            for l in ch.to_lowercase().filter(|l| l.is_alphanumeric()) {
                out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
            }
        } else {
            state |= u8::from(state != 0) << 1;
        }
    }
    // Only ASCII bytes and whole encoded characters were pushed, so this cannot fail.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Multiplier of the word hash's chunk step (odd; 2⁶⁴ divided by the golden ratio).
const CHUNK_MUL: u64 = 0x9E37_79B9_7F4A_7C15;
/// Every byte's low bit (`0x01` in each byte) and high bit (`0x80` in each byte), for the
/// byte-parallel ("SWAR") tests of [`WordHasher::scan_ascii_run`].
const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `y` (whose bytes are all below 0x80) that is at least `lo`
/// (`lo` ≤ 0x80): `(y | 0x80) − lo` keeps its high bit exactly then, and never borrows from
/// the next byte.
#[inline(always)]
fn bytes_at_least(y: u64, lo: u8) -> u64 {
    ((y | HI).wrapping_sub(LO * u64::from(lo))) & HI
}

/// Hashes normalized words as their bytes stream by. Version 2 of the word hash (signature
/// format 3): the word's bytes are packed eight at a time, little-endian, into 64-bit chunks
/// (the last one zero-padded; normalized bytes are never zero, so the chunk sequence names
/// the word); each chunk is folded in with one xor and one multiply, `h = (h ^ c) · K`, and
/// the word's hash is the splitmix64 finalizer of `h ^ SEED`. A run of ASCII letters and
/// digits is read, normalized and packed eight bytes a step ([`WordHasher::scan_ascii_run`]),
/// so most words cost one multiply instead of one per byte (version 1 was FNV-1a, byte by
/// byte). Shared by [`word_hashes`] and strip's line measurement (`strip::features`), which
/// feeds it while it reads a line for its own counts, so a document is tokenized once for
/// both.
#[derive(Debug, Clone, Copy)]
pub struct WordHasher {
    h: u64,
    /// Bytes of the chunk being filled, in its low `n` bytes.
    acc: u64,
    n: u32,
    open: bool,
}

impl Default for WordHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl WordHasher {
    pub const fn new() -> Self {
        WordHasher {
            h: SEED,
            acc: 0,
            n: 0,
            open: false,
        }
    }

    /// Appends the first `len` bytes of `v` (its other bytes zero; `len` ≤ 8).
    #[inline(always)]
    fn push(&mut self, v: u64, len: u32) {
        if len == 0 {
            return;
        }
        self.open = true;
        // `n` < 8, so the shift is below 64.
        self.acc |= v << (8 * self.n);
        let n = self.n + len;
        if n >= 8 {
            self.h = (self.h ^ self.acc).wrapping_mul(CHUNK_MUL);
            let rest = n - 8;
            // The bytes of `v` that did not fit start at byte `len − rest` (1 to 8).
            self.acc = if rest > 0 { v >> (8 * (len - rest)) } else { 0 };
            self.n = rest;
        } else {
            self.n = n;
        }
    }

    /// One byte of a normalized word (a lowercase letter's UTF-8 bytes, or `0` for a digit).
    #[inline]
    pub fn byte(&mut self, b: u8) {
        self.push(u64::from(b), 1);
    }

    /// Hashes the run of ASCII letters and digits that starts at `bytes[start]` (which must
    /// be one) and returns where the run ends and how many digits it held: one pass that
    /// finds the run, normalizes, hashes and counts, eight bytes a step: the bytes are
    /// classified by byte-parallel range tests, the run's length in the step is the count of
    /// leading letter-or-digit bytes, and those are normalized and pushed as one piece (the
    /// chunks, and so the hash, are those of the byte-by-byte loop it replaced:
    /// `scan_ascii_run_equals_byte_loop`).
    #[inline]
    pub fn scan_ascii_run(&mut self, bytes: &[u8], start: usize) -> (usize, u32) {
        let mut digits = 0u32;
        let mut i = start;
        loop {
            // Past the end, `load8` reads zero bytes, which are no letter or digit.
            let x = load8(bytes, i);
            let (alnum, digit) = alnum_bytes(x);
            // Leading letter-or-digit bytes: the first byte whose high bit is clear in `alnum`.
            let n = ((!alnum & HI).trailing_zeros() / 8) as usize;
            if n == 0 {
                break;
            }
            let keep = low_mask(n);
            digits += (digit & keep).count_ones();
            self.push(normalize_alnum(x & keep), n as u32);
            i += n;
            if n < 8 {
                break;
            }
        }
        self.open |= i > start;
        (i, digits)
    }

    /// A letter or digit outside ASCII: its lowercase form's bytes.
    #[inline]
    pub fn char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        // As [`normalize`]: only the letters of the lowercase form ('İ' → 'i').
        for l in c.to_lowercase().filter(|l| l.is_alphanumeric()) {
            for &b in l.encode_utf8(&mut buf).as_bytes() {
                self.byte(b);
            }
        }
    }

    /// The hash of a word whose normalized bytes fill one chunk (1 to 8 bytes, in the low
    /// bytes of `c`, the others zero): what feeding them and ending gives.
    #[inline(always)]
    fn one_chunk(c: u64) -> u64 {
        mix((SEED ^ c).wrapping_mul(CHUNK_MUL) ^ SEED)
    }

    /// A separator: ends the open word, if any, and returns its hash.
    #[inline]
    pub fn end(&mut self) -> Option<u64> {
        if !self.open {
            return None;
        }
        let h = if self.n > 0 {
            (self.h ^ self.acc).wrapping_mul(CHUNK_MUL)
        } else {
            self.h
        };
        *self = WordHasher::new();
        Some(mix(h ^ SEED))
    }
}

/// The high bit of each byte of `x` that is an ASCII letter or digit, and of each that is an
/// ASCII digit (byte-parallel range tests, see [`bytes_at_least`]).
#[inline(always)]
fn alnum_bytes(x: u64) -> (u64, u64) {
    // Bytes of 0x80 and above never borrow here (see `bytes_at_least`), and `ascii` clears
    // them.
    let ascii = !x & HI;
    let lower = x | (LO * 0x20);
    let letter = bytes_at_least(lower, b'a') & !bytes_at_least(lower, b'z' + 1);
    let digit = bytes_at_least(x, b'0') & !bytes_at_least(x, b'9' + 1) & ascii;
    ((letter & ascii) | digit, digit)
}

/// A word of one to sixteen ASCII letters and digits at `bytes[at..]` that the next byte (if
/// any) ends: its length, its digits, and its hash ([`WordHasher`] fed its normalized bytes
/// and ended). `None` when `bytes[at]` is not an ASCII letter or digit. The caller checks
/// that the byte after the word ends it (a seventeenth letter or digit would not).
///
/// A word of nine to sixteen (11% of the tokens of wcxb-dev; issue 4, session
/// strip-speed16) is read from a second load: its first eight bytes are one full chunk, the
/// rest a second one, hashed as the hasher would (`short_ascii_word_equals_hasher`).
#[inline(always)]
pub fn short_ascii_word(bytes: &[u8], at: usize) -> Option<(usize, u32, u64)> {
    let x = load8(bytes, at);
    let (alnum, digit) = alnum_bytes(x);
    let n = ((!alnum & HI).trailing_zeros() / 8) as usize;
    if n == 0 {
        return None;
    }
    let keep = low_mask(n);
    let c = normalize_alnum(x & keep);
    let digits = (digit & keep).count_ones();
    if n < 8 {
        return Some((n, digits, WordHasher::one_chunk(c)));
    }
    let y = load8(bytes, at + 8);
    let (alnum2, digit2) = alnum_bytes(y);
    let m = ((!alnum2 & HI).trailing_zeros() / 8) as usize;
    if m == 0 {
        return Some((8, digits, WordHasher::one_chunk(c)));
    }
    let keep2 = low_mask(m);
    let c2 = normalize_alnum(y & keep2);
    let h = ((SEED ^ c).wrapping_mul(CHUNK_MUL) ^ c2).wrapping_mul(CHUNK_MUL);
    Some((8 + m, digits + (digit2 & keep2).count_ones(), mix(h ^ SEED)))
}

/// Appends the hash of every normalized word of `text` to `out`, in order (the words of
/// [`normalize`]).
pub fn word_hashes(text: &str, out: &mut Vec<u64>) {
    let at = out.len();
    out.resize(at + max_words(text.len()), 0);
    let end = at + word_hashes_into(text, &mut out[at..]);
    out.truncate(end);
}

/// The most words a text of `len` bytes can hold (a word is a byte or more, and words are
/// apart), which is the room [`word_hashes_into`] needs.
#[inline]
pub fn max_words(len: usize) -> usize {
    len / 2 + 1
}

/// Where [`word_hashes_into`] writes: a slice with room for every word, and how many are in.
/// The index is checked on every write, a compare that never fails (`max_words`): cheaper
/// than `Vec::push`, which also keeps the length in memory.
struct Sink<'a> {
    buf: &'a mut [u64],
    n: usize,
}

impl Sink<'_> {
    #[inline(always)]
    fn push(&mut self, h: u64) {
        if let Some(slot) = self.buf.get_mut(self.n) {
            *slot = h;
        }
        self.n += 1;
    }
}

/// Writes the hash of every normalized word of `text` to `out` from its start, in order, and
/// returns how many there are; `out` must have room for [`max_words`]`(text.len())` (a
/// shorter one gets the words that fit, and the count of all).
///
/// The text is read 64 bytes a block. A block is classified (`block_masks`: AVX2 32 bytes a
/// step on x86-64-v3, SSE2 16 on other x86-64, byte-parallel range tests eight bytes a step
/// elsewhere) into a 64-bit mask of its ASCII letters and digits and a normalized copy. The
/// words inside the block are read off two masks, the first and the last byte of each run
/// (`trailing_zeros` and clearing the lowest bit on each, two chains the CPU runs side by
/// side): a word's normalized bytes are read from the copy, eight a chunk, and hashed at once
/// ([`hash_norm`]). A word that runs past the block's end is fed to the [`WordHasher`] and
/// stays open into the next block. A block whose other bytes are all common separator
/// characters (no-break space, curly quotes, dashes: [`separator_chars`]) stays on this
/// path; any other block goes character by character ([`word_hashes_scalar`]). Every path
/// gives a word the hash of its bytes fed to the hasher one by one, so the hashes do not
/// depend on where blocks fall (property tests compare them on random text).
pub fn word_hashes_into(text: &str, out: &mut [u64]) -> usize {
    let bytes = text.as_bytes();
    let mut out = Sink { buf: out, n: 0 };
    let mut w = WordHasher::new();
    let mut i = 0;
    // Bytes at the start of the block that belong to a separator character checked in the
    // block before (it ran past the block's end).
    let mut skip = 0usize;
    let mut norm = [0u8; NORM_BUF];
    while let Some(block) = bytes.get(i..i + 64) {
        let block: &[u8; 64] = block.try_into().unwrap_or(&[0; 64]);
        let (alnum, high) = block_masks(block, &mut norm);
        let high = high & (!0u64 << skip);
        if high != 0 {
            match separator_chars(bytes, i, high) {
                Some(past) => skip = past,
                None => {
                    // Letters outside ASCII (or other characters): character by character to
                    // the first character boundary past the block.
                    i = word_hashes_scalar(text, i + skip, i + 64, &mut w, &mut out);
                    skip = 0;
                    continue;
                }
            }
        } else {
            skip = 0;
        }
        // The first and the last byte of each run of letters and digits.
        let mut starts = alnum & !(alnum << 1);
        let mut ends = alnum & !(alnum >> 1);
        if w.open {
            if alnum & 1 == 0 {
                if let Some(h) = w.end() {
                    out.push(h);
                }
            } else {
                // The block's first run goes on with the open word.
                let e = ends.trailing_zeros() as usize;
                feed_norm(&mut w, &norm, 0, e + 1);
                if e == 63 {
                    i += 64;
                    continue;
                }
                if let Some(h) = w.end() {
                    out.push(h);
                }
                starts &= starts - 1;
                ends &= ends - 1;
            }
        }
        if ends >> 63 != 0 {
            // The last run reaches the block's end: it may go on in the next block.
            let s = 63 - starts.leading_zeros() as usize;
            feed_norm(&mut w, &norm, s, 64 - s);
            starts &= !(1u64 << s);
            ends &= !(1u64 << 63);
        }
        // Every other run is a whole word.
        while starts != 0 {
            let s = starts.trailing_zeros() as usize;
            let e = ends.trailing_zeros() as usize;
            out.push(hash_norm(&norm, s, e + 1 - s));
            starts &= starts - 1;
            ends &= ends - 1;
        }
        i += 64;
    }
    word_hashes_scalar(text, i + skip, bytes.len(), &mut w, &mut out);
    if let Some(h) = w.end() {
        out.push(h);
    }
    out.n
}

/// Eight bytes of a block's normalized copy from `at` (below 64), little-endian.
#[inline(always)]
fn norm8(norm: &[u8; NORM_BUF], at: usize) -> u64 {
    let at = at & 63;
    let b: [u8; 8] = norm[at..at + 8].try_into().unwrap_or([0; 8]);
    u64::from_le_bytes(b)
}

/// The low `n` bytes of `x` (`n` from 1 to 8).
#[inline(always)]
fn keep_bytes(x: u64, n: usize) -> u64 {
    #[cfg(all(target_arch = "x86_64", target_feature = "bmi2"))]
    {
        // `bzhi`: one instruction, and 64 keeps all.
        safe_arch::bit_zero_high_index_u64(x, 8 * n as u32)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "bmi2")))]
    {
        x & low_mask(n)
    }
}

/// The hash of the whole word of `len` bytes (1 to 64) at `s` in a block's normalized copy
/// (`s + len` ≤ 64): what feeding its bytes to a fresh [`WordHasher`] and ending gives.
#[inline(always)]
fn hash_norm(norm: &[u8; NORM_BUF], s: usize, len: usize) -> u64 {
    let x = norm8(norm, s);
    if len <= 8 {
        return WordHasher::one_chunk(keep_bytes(x, len));
    }
    let mut h = (SEED ^ x).wrapping_mul(CHUNK_MUL);
    let mut at = s + 8;
    let mut rest = len - 8;
    while rest > 8 {
        h = (h ^ norm8(norm, at)).wrapping_mul(CHUNK_MUL);
        at += 8;
        rest -= 8;
    }
    h = (h ^ keep_bytes(norm8(norm, at), rest)).wrapping_mul(CHUNK_MUL);
    mix(h ^ SEED)
}

/// Feeds the `len` normalized bytes at `s` of a block's copy (`s + len` ≤ 64) to `w`.
#[inline(always)]
fn feed_norm(w: &mut WordHasher, norm: &[u8; NORM_BUF], mut s: usize, mut len: usize) {
    while len > 0 {
        let n = len.min(8);
        w.push(keep_bytes(norm8(norm, s), n), n as u32);
        s += n;
        len -= n;
    }
}
/// Whether the bytes at `high` (a mask of the non-ASCII bytes of the 64-byte block at
/// `start`) are all characters that separate words and are common in running text: the
/// Latin-1 punctuation, symbols and no-break space (U+0080–U+00BF but for ª, º, µ and the
/// superscript digits and fractions, which are letters or digits), and General Punctuation
/// (U+2000–U+206F: spaces, dashes, curly quotes, ellipsis, bullets, none a letter or
/// digit). Then the block's words are its ASCII runs and it stays on the fast path.
/// Returns how many bytes of the last character lie past the block (0–2); `None` for
/// anything else.
#[inline]
fn separator_chars(bytes: &[u8], start: usize, mut high: u64) -> Option<usize> {
    let mut past = 0;
    while high != 0 {
        let p = high.trailing_zeros() as usize;
        let at = |k: usize| bytes.get(start + p + k).copied().unwrap_or(0);
        let len = match (at(0), at(1), at(2)) {
            (0xC2, b @ 0x80..=0xBF, _)
                if !matches!(b, 0xAA | 0xB2 | 0xB3 | 0xB5 | 0xB9 | 0xBA | 0xBC..=0xBE) =>
            {
                2
            }
            (0xE2, 0x80, 0x80..=0xBF) | (0xE2, 0x81, 0x80..=0xAF) => 3,
            _ => return None,
        };
        let end = p + len;
        if end >= 64 {
            past = end - 64;
            break;
        }
        high &= !0u64 << end;
    }
    Some(past)
}

/// The bytes `start..end` of `text` (rounded up to a character boundary) character by
/// character, into `w` and `out`; returns where it stopped.
fn word_hashes_scalar(
    text: &str,
    start: usize,
    end: usize,
    w: &mut WordHasher,
    out: &mut Sink,
) -> usize {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut i = start;
    while i < end {
        let c = ASCII_CLASS[bytes[i] as usize];
        if c == 0 {
            if let Some(h) = w.end() {
                out.push(h);
            }
            i += 1;
        } else if c != 0xFF {
            // A run of ASCII letters and digits in one pass.
            i = w.scan_ascii_run(bytes, i).0;
        } else {
            let Some(ch) = text.get(i..).and_then(|t| t.chars().next()) else {
                break;
            };
            i += ch.len_utf8();
            if ch.is_alphanumeric() {
                w.char(ch);
            } else {
                if let Some(h) = w.end() {
                    out.push(h);
                }
            }
        }
    }
    i
}

/// Eight bytes of `bytes` from `at`, little-endian, zero-padded past the end.
#[inline(always)]
fn load8(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(b) => u64::from_le_bytes(b.try_into().unwrap_or([0; 8])),
        None => {
            let mut b = [0u8; 8];
            let rest = bytes.get(at..).unwrap_or(&[]);
            b[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(b)
        }
    }
}

/// Bytes of the normalized copy of a block that [`block_masks`] fills: the block's 64 and 8
/// more, so that eight bytes can be read from any position in it.
const NORM_BUF: usize = 72;

/// Two masks of a 64-byte block: bit k set when byte k is an ASCII letter or digit, and bit
/// k set when byte k is not ASCII. Also writes the block's normalized bytes (letters
/// lowercased, digits `0`; other bytes undefined) to `norm[..64]`, for the words to be read
/// from there already normalized. On x86-64-v3, AVX2 32 bytes a step: a byte-range test is
/// one add and one signed compare (the range moved to the bottom of the signed bytes); the
/// same masks as the eight-byte steps of [`block_masks_swar`] (`block_masks_equal_swar`).
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
#[inline(always)]
fn block_masks(block: &[u8; 64], norm: &mut [u8; NORM_BUF]) -> (u64, u64) {
    use safe_arch::{
        add_i8_m256i, bitand_m256i, bitandnot_m256i, bitor_m256i, cmp_gt_mask_i8_m256i, m256i,
        move_mask_i8_m256i, set_splat_i8_m256i,
    };
    let splat = |b: u8| set_splat_i8_m256i(b as i8);
    // `lower + 31` is -128..=-103 (signed) exactly for `a`..=`z`; `x + 80` is -128..=-119
    // exactly for `0`..=`9`.
    let (case, low4) = (splat(0x20), splat(0x0F));
    let (to_a, past_z) = (splat(0x80 - b'a'), splat(0x80 + 26));
    let (to_0, past_9) = (splat(0x80 - b'0'), splat(0x80 + 10));
    let mut alnum = 0u64;
    let mut high = 0u64;
    for (c, chunk) in block.chunks_exact(32).enumerate() {
        let x = m256i::from(<[u8; 32]>::try_from(chunk).unwrap_or([0; 32]));
        let lower = bitor_m256i(x, case);
        let letter = cmp_gt_mask_i8_m256i(past_z, add_i8_m256i(lower, to_a));
        let digit = cmp_gt_mask_i8_m256i(past_9, add_i8_m256i(x, to_0));
        // Letters lowercased (`lower`); a digit (0x30–0x39, 0x20 already set) loses its low
        // four bits: `0`.
        let n = bitandnot_m256i(bitand_m256i(digit, low4), lower);
        norm[32 * c..32 * c + 32].copy_from_slice(&<[u8; 32]>::from(n));
        let m = move_mask_i8_m256i(bitor_m256i(letter, digit)) as u32 as u64;
        alnum |= m << (32 * c);
        high |= (move_mask_i8_m256i(x) as u32 as u64) << (32 * c);
    }
    (alnum, high)
}

/// [`block_masks`] on x86-64 without AVX2: SSE2 sixteen bytes a step (about a third of the
/// instructions of the eight-byte steps of [`block_masks_swar`], the same masks).
#[cfg(all(
    target_arch = "x86_64",
    target_feature = "sse2",
    not(target_feature = "avx2")
))]
#[inline(always)]
fn block_masks(block: &[u8; 64], norm: &mut [u8; NORM_BUF]) -> (u64, u64) {
    block_masks_sse2(block, norm)
}

#[cfg(all(
    target_arch = "x86_64",
    target_feature = "sse2",
    any(test, not(target_feature = "avx2"))
))]
#[inline(always)]
fn block_masks_sse2(block: &[u8; 64], norm: &mut [u8; NORM_BUF]) -> (u64, u64) {
    use safe_arch::{
        bitand_m128i, bitandnot_m128i, bitor_m128i, cmp_gt_mask_i8_m128i, cmp_lt_mask_i8_m128i,
        m128i, move_mask_i8_m128i, set_splat_i8_m128i,
    };
    // Signed byte compares: bytes of 0x80 and above are negative, below every bound here.
    let splat = |b: u8| set_splat_i8_m128i(b as i8);
    let (case, low4, a, z, d0, d9) = (
        splat(0x20),
        splat(0x0F),
        splat(b'a' - 1),
        splat(b'z' + 1),
        splat(b'0' - 1),
        splat(b'9' + 1),
    );
    let mut alnum = 0u64;
    let mut high = 0u64;
    for (c, chunk) in block.chunks_exact(16).enumerate() {
        let x = m128i::from(<[u8; 16]>::try_from(chunk).unwrap_or([0; 16]));
        let lower = bitor_m128i(x, case);
        let letter = bitand_m128i(
            cmp_gt_mask_i8_m128i(lower, a),
            cmp_lt_mask_i8_m128i(lower, z),
        );
        let digit = bitand_m128i(cmp_gt_mask_i8_m128i(x, d0), cmp_lt_mask_i8_m128i(x, d9));
        let n = bitandnot_m128i(bitand_m128i(digit, low4), lower);
        norm[16 * c..16 * c + 16].copy_from_slice(&<[u8; 16]>::from(n));
        let m = move_mask_i8_m128i(bitor_m128i(letter, digit)) as u32 as u64;
        alnum |= (m & 0xFFFF) << (16 * c);
        high |= (move_mask_i8_m128i(x) as u32 as u64 & 0xFFFF) << (16 * c);
    }
    (alnum, high)
}

/// [`block_masks`] elsewhere.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
fn block_masks(block: &[u8; 64], norm: &mut [u8; NORM_BUF]) -> (u64, u64) {
    block_masks_swar(block, norm)
}

/// [`block_masks`] eight bytes a step, by byte-parallel range tests in 64-bit words.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
#[inline(always)]
fn block_masks_swar(block: &[u8; 64], norm: &mut [u8; NORM_BUF]) -> (u64, u64) {
    // The high bit of each byte, gathered into 8 bits (byte k → bit k).
    let gather = |v: u64| ((v >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56;
    let mut alnum = 0u64;
    let mut high = 0u64;
    for (c, chunk) in block.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        // Right for the letters and digits (each byte on its own), whatever the others hold.
        norm[8 * c..8 * c + 8].copy_from_slice(&normalize_alnum(x).to_le_bytes());
        alnum |= gather(alnum_bytes(x).0) << (8 * c);
        high |= gather(x & HI) << (8 * c);
    }
    (alnum, high)
}

/// The mask of the low `n` bytes, `n` from 1 to 8, without a branch or a table (the
/// line reader's whole-word path and [`WordHasher::scan_ascii_run`] took three such branches
/// a word; issue 4, session strip-speed16).
#[inline(always)]
fn low_mask(n: usize) -> u64 {
    debug_assert!((1..=8).contains(&n));
    // `2 << 63` is 0, so eight bytes give all ones.
    (2u64 << (8 * n - 1)).wrapping_sub(1)
}

/// The normalized form of ASCII letters and digits packed in the low bytes of `x`, the
/// other bytes zero (they stay zero): letters lowercased, digits to `0`.
#[inline(always)]
fn normalize_alnum(x: u64) -> u64 {
    // A letter has bit 6 (0x40) set; a digit (0x30–0x39) has it clear and already has bit 5
    // (0x20). So bit 6 moved down to bit 5 lowercases the letters and leaves digits and the
    // zero bytes alone, and the bytes with bit 6 clear lose their low four bits: a digit
    // becomes `0` (0x30), a zero byte stays zero. `d` has one bit a byte, so `d · 0x0F`
    // carries into no other byte.
    let d = (!x >> 6) & LO;
    (x | ((x >> 1) & (LO * 0x20))) & !(d * 0x0F)
}

/// Odd multipliers, one per position in a version-2 shingle ([`shingle_hash`]).
const POS: [u64; 8] = [
    0x9E37_79B9_7F4A_7C15,
    0xC2B2_AE3D_27D4_EB4F,
    0x1656_67B1_9E37_79F9,
    0xD6E8_FEB8_6659_FD93,
    0xA076_1D64_78BD_642F,
    0xE703_7ED1_A0B4_28DB,
    0x8EBC_6AF0_9C88_C6E3,
    0x5899_65CC_7537_4CC3,
];

/// The version-2 hash of one shingle (1 to 8 word hashes) under `seed`: strip's prose SimHash
/// ([`simhash_words`]); fingerprints use version 3's ([`for_each_feature`], [`for_each_key`]).
#[inline]
fn shingle_hash(words: &[u64], seed: u64) -> u64 {
    let mut h = seed ^ words.len() as u64;
    for (w, k) in words.iter().zip(POS) {
        h = h.wrapping_add(w.wrapping_mul(k));
    }
    mix(h)
}

/// Calls `f` with the hash of every `width`-word shingle of a word-hash sequence, in order
/// (fewer words than `width` make one shingle; no words, none).
#[inline]
pub fn for_each_shingle_hash(words: &[u64], width: usize, seed: u64, mut f: impl FnMut(u64)) {
    let width = width.clamp(1, POS.len());
    if words.is_empty() {
        return;
    }
    if words.len() < width {
        f(shingle_hash(words, seed));
        return;
    }
    for win in words.windows(width) {
        f(shingle_hash(win, seed));
    }
}

/// Calls `f` with every `width`-word shingle of a normalized text, in order, as slices of
/// it (a text of fewer words is one shingle; an empty text has none). For tests and the
/// `simhash` crate comparison; fingerprints hash words, see [`for_each_feature`].
pub fn for_each_shingle<'a>(norm: &'a str, width: usize, mut f: impl FnMut(&'a str)) {
    if norm.is_empty() || width == 0 {
        return;
    }
    // Start offsets of the last `width` words, in a ring.
    let mut starts = [0usize; 8];
    let width = width.min(starts.len());
    let mut words = 0usize;
    let bytes = norm.as_bytes();
    let mut start = 0usize;
    for end in memchr_spaces(bytes).chain(std::iter::once(bytes.len())) {
        starts[words % width] = start;
        words += 1;
        if words >= width {
            f(&norm[starts[words % width]..end]);
        }
        start = end + 1;
    }
    if words < width {
        f(norm);
    }
}

/// Positions of the spaces of a normalized text.
fn memchr_spaces(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter_map(|(i, &b)| (b == b' ').then_some(i))
}

/// The SimHash shingles of a normalized text, as slices of it.
pub fn shingles(norm: &str) -> impl Iterator<Item = &str> {
    let mut v = Vec::new();
    for_each_shingle(norm, SHINGLE, |s| v.push(s));
    v.into_iter()
}

/// For each byte value, its 8 bits spread into the 8 bytes of a u64 (bit j → byte j).
const SPREAD: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut v = 0;
    while v < 256 {
        let mut j = 0;
        while j < 8 {
            if v >> j & 1 == 1 {
                t[v] |= 1 << (8 * j);
            }
            j += 1;
        }
        v += 1;
    }
    t
};

/// Bit counts of a stream of feature hashes. Features are taken sixteen at a time through
/// a carry-save adder tree (Harley and Seal's population count, applied bit-parallel to the 64
/// positions, as in Muła, Kurz and Lemire, "Faster Population Counts Using AVX2
/// Instructions", 2018): the tree keeps the running counts' low four bits as bit planes
/// (ones, twos, fours, eights) and yields one word of sixteens per block, which [`SPREAD`]
/// adds into 8 packed byte counters at once; those are flushed into wide counters every 255
/// blocks, before a byte can overflow. About 6 operations a feature instead of 24 for 8
/// table lookups each. Exact: `finish` equals the textbook count (a property test).
#[derive(Clone)]
struct BitCounts {
    wide: [u32; 64],
    /// Byte counters of the sixteens words (each unit is 16 features).
    packed: [u64; 8],
    blocks: u32,
    /// Carry-save residue of the counts: ones, twos, fours, eights.
    planes: [u64; 4],
    buf: [u64; 16],
    nbuf: usize,
    n: u32,
}

/// Carry-save adder: the (carry, sum) bit planes of a + b + c.
#[inline(always)]
fn csa(a: u64, b: u64, c: u64) -> (u64, u64) {
    let u = a ^ b;
    ((a & b) | (u & c), u ^ c)
}

impl BitCounts {
    fn new() -> Self {
        BitCounts {
            wide: [0; 64],
            packed: [0; 8],
            blocks: 0,
            planes: [0; 4],
            buf: [0; 16],
            nbuf: 0,
            n: 0,
        }
    }
    #[inline]
    fn add(&mut self, h: u64) {
        self.buf[self.nbuf] = h;
        self.nbuf += 1;
        self.n += 1;
        if self.nbuf == 16 {
            let buf = self.buf;
            self.block(&buf);
            self.nbuf = 0;
        }
    }
    /// Adds sixteen features at once (none may be buffered: blocks are whole).
    #[inline]
    fn add_block(&mut self, x: &[u64; 16]) {
        debug_assert_eq!(self.nbuf, 0);
        self.n += 16;
        self.block(x);
    }
    /// Adds sixteen features to the counts.
    #[inline]
    fn block(&mut self, x: &[u64; 16]) {
        let [ones, twos, fours, eights] = self.planes;
        let (twos_a, o) = csa(ones, x[0], x[1]);
        let (twos_b, o) = csa(o, x[2], x[3]);
        let (fours_a, t) = csa(twos, twos_a, twos_b);
        let (twos_a, o) = csa(o, x[4], x[5]);
        let (twos_b, o) = csa(o, x[6], x[7]);
        let (fours_b, t) = csa(t, twos_a, twos_b);
        let (eights_a, f) = csa(fours, fours_a, fours_b);
        let (twos_a, o) = csa(o, x[8], x[9]);
        let (twos_b, o) = csa(o, x[10], x[11]);
        let (fours_a, t) = csa(t, twos_a, twos_b);
        let (twos_a, o) = csa(o, x[12], x[13]);
        let (twos_b, o) = csa(o, x[14], x[15]);
        let (fours_b, t) = csa(t, twos_a, twos_b);
        let (eights_b, f) = csa(f, fours_a, fours_b);
        let (sixteens, e) = csa(eights, eights_a, eights_b);
        self.planes = [o, t, f, e];
        for (p, acc) in self.packed.iter_mut().enumerate() {
            *acc += SPREAD[(sixteens >> (8 * p)) as usize & 0xff];
        }
        self.blocks += 1;
        if self.blocks == 255 {
            self.flush();
        }
    }
    fn flush(&mut self) {
        for (p, acc) in self.packed.iter_mut().enumerate() {
            for j in 0..8 {
                self.wide[8 * p + j] += 16 * ((*acc >> (8 * j)) & 0xff) as u32;
            }
            *acc = 0;
        }
        self.blocks = 0;
    }
    /// Bit i set when more than half of the features had it set.
    fn finish(mut self) -> u64 {
        // The buffered features as one more block, padded with zeros: a zero feature sets
        // no bit, and the majority is taken of `n`, the real features.
        if self.nbuf > 0 {
            self.buf[self.nbuf..].fill(0);
            let buf = self.buf;
            self.block(&buf);
            self.nbuf = 0;
        }
        self.flush();
        // The carry-save residue: plane k holds bit k of each position's count below 16.
        // Spread into packed byte counters (each at most 1 + 2 + 4 + 8 = 15), then added.
        let mut residue = [0u64; 8];
        for (k, plane) in self.planes.iter().enumerate() {
            for (p, r) in residue.iter_mut().enumerate() {
                *r += SPREAD[(plane >> (8 * p)) as usize & 0xff] << k;
            }
        }
        for (p, r) in residue.iter().enumerate() {
            for j in 0..8 {
                self.wide[8 * p + j] += ((r >> (8 * j)) & 0xff) as u32;
            }
        }
        let mut out = 0u64;
        for (i, &c) in self.wide.iter().enumerate() {
            if 2 * u64::from(c) > u64::from(self.n) {
                out |= 1 << i;
            }
        }
        out
    }
}

/// SimHash of a stream of feature hashes: table-driven, 8 lookups a feature into packed byte
/// counters flushed every 255 features.
pub fn simhash_of_hashes(hashes: impl Iterator<Item = u64>) -> u64 {
    let mut c = BitCounts::new();
    for h in hashes {
        c.add(h);
    }
    c.finish()
}

/// SimHash by the textbook loop: 64 adds per feature. The reference for the tests.
pub fn simhash_of_hashes_naive(hashes: impl Iterator<Item = u64>) -> u64 {
    let mut counts = [0u64; 64];
    let mut n = 0u64;
    for h in hashes {
        n += 1;
        for (i, c) in counts.iter_mut().enumerate() {
            *c += (h >> i) & 1;
        }
    }
    let mut out = 0u64;
    for (i, c) in counts.iter().enumerate() {
        if 2 * c > n {
            out |= 1 << i;
        }
    }
    out
}

/// Our SimHash of a text (3-shingles of its normalized words): the fingerprint's.
pub fn simhash(text: &str) -> u64 {
    let mut words = Vec::new();
    word_hashes(text, &mut words);
    let mut c = BitCounts::new();
    for_each_feature(&words, |h| c.add(h));
    c.finish()
}

/// Strip's prose SimHash of a word-hash sequence: version 2's 3-shingle hashes
/// ([`for_each_shingle_hash`]) voting on each bit. Not stored: kept as it was so that strip's
/// decisions do not change with the fingerprint version ([`simhash`] is the fingerprint's).
pub fn simhash_words(words: &[u64]) -> u64 {
    let mut c = BitCounts::new();
    for_each_shingle_hash(words, SHINGLE, SEED, |h| c.add(h));
    c.finish()
}

/// The `simhash` crate's SimHash over the same shingles (reference and benchmark peer).
pub fn simhash_crate(norm: &str) -> u64 {
    simhash::simhash_stream(shingles(norm))
}

/// A fixed 64-bit mixer (the splitmix64 finalizer).
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Bins of the one-permutation sketch: the smallest low-58-bit value per top-6-bit bin.
struct SketchBins([u64; SKETCH_BINS]);

const EMPTY: u64 = u64::MAX;
const LOW58: u64 = (1 << 58) - 1;

impl SketchBins {
    fn new() -> Self {
        SketchBins([EMPTY; SKETCH_BINS])
    }
    #[inline]
    fn add(&mut self, h: u64) {
        let bin = (h >> 58) as usize;
        let v = h & LOW58;
        if v < self.0[bin] {
            self.0[bin] = v;
        }
    }
    fn finish(&self) -> Sketch {
        let mut out = [0u8; SKETCH_BINS];
        if self.0.iter().all(|&v| v == EMPTY) {
            return Sketch(out);
        }
        for (i, o) in out.iter_mut().enumerate() {
            // Rotation densification: an empty bin takes the next non-empty bin's value,
            // marked with how far it had to look.
            let mut t = 0;
            while self.0[(i + t) % SKETCH_BINS] == EMPTY {
                t += 1;
            }
            let v = self.0[(i + t) % SKETCH_BINS];
            *o = (mix(v ^ ((t as u64) << 58)) >> 56) as u8;
        }
        Sketch(out)
    }
}

/// Estimated Jaccard similarity of the 5-shingle sets of two documents, from their sketches:
/// the fraction of agreeing bins, corrected for the 1/256 chance that two 8-bit values agree.
pub fn similarity(a: &Sketch, b: &Sketch) -> f64 {
    let m = agreeing_bins(a, b);
    let p = f64::from(m) / SKETCH_BINS as f64;
    ((p - 1.0 / 256.0) / (1.0 - 1.0 / 256.0)).clamp(0.0, 1.0)
}

/// Bins on which two sketches agree (0–64).
#[inline]
pub fn agreeing_bins(a: &Sketch, b: &Sketch) -> u32 {
    a.0.iter().zip(&b.0).map(|(x, y)| u32::from(x == y)).sum()
}

/// MinHash LSH parameters for `--dedup minhash`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinHashParams {
    pub bands: usize,
    pub rows: usize,
}

/// The k-th MinHash function: an odd multiplier and an addend derived from [`SEED`].
fn minhash_coeffs(k: usize) -> (u64, u64) {
    let a = mix(SEED ^ (2 * k as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1;
    let b = mix(SEED ^ (2 * k as u64 + 2).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    (a, b)
}

/// LSH band hashes of a MinHash of `bands × rows` functions over the 5-shingle hashes, 32
/// bits a band (a chance collision only adds a candidate, which the sketch check rejects).
fn band_hashes(shingle_hashes: &[u64], p: MinHashParams) -> Vec<u32> {
    let n = p.bands * p.rows;
    let coeffs: Vec<(u64, u64)> = (0..n).map(minhash_coeffs).collect();
    let mut mins = vec![u64::MAX; n];
    for &h in shingle_hashes {
        for (m, &(a, b)) in mins.iter_mut().zip(&coeffs) {
            let v = h.wrapping_mul(a).wrapping_add(b);
            if v < *m {
                *m = v;
            }
        }
    }
    mins.chunks(p.rows)
        .enumerate()
        .map(|(band, rows)| {
            let mut bytes = Vec::with_capacity(8 * rows.len());
            for r in rows {
                bytes.extend_from_slice(&r.to_le_bytes());
            }
            xxh3_64_with_seed(&bytes, SEED ^ band as u64) as u32
        })
        .collect()
}

/// Fingerprints of a clean text (no MinHash bands).
pub fn fingerprint(text: &str) -> Fingerprint {
    fingerprint_with(text, None)
}

/// Fingerprints of a clean text, with MinHash LSH band hashes when `minhash` is given.
pub fn fingerprint_with(text: &str, minhash: Option<MinHashParams>) -> Fingerprint {
    thread_local! {
        // The word hashes of the text being fingerprinted, kept between documents so that
        // the vector is not grown again for each one.
        static WORDS: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    WORDS.with(|w| {
        let words = &mut *w.borrow_mut();
        // Room for the most words the text can hold. The buffer keeps its length between
        // documents, so only its growth is zeroed, not every document's room.
        let room = max_words(text.len());
        if words.len() < room {
            words.resize(room, 0);
        }
        let n = word_hashes_into(text, words);
        let f = fingerprint_words(&words[..n.min(room)], text.len() as u64, minhash);
        if words.len() > 1 << 20 {
            // A huge document: do not hold its buffer for the rest of the run.
            *words = Vec::new();
        }
        f
    })
}

/// Fingerprints from a text's normalized word hashes ([`word_hashes`]); `len` is the text's
/// length in bytes. Strip measures each line once and hands its words over, so a document's
/// text is not read again here.
pub fn fingerprint_words(words: &[u64], len: u64, minhash: Option<MinHashParams>) -> Fingerprint {
    let mut bins = SketchBins::new();
    let mut hashes5 = Vec::new();
    let mut set = Vec::with_capacity(words.len());
    // The exact hash folds every word in order (`exact_step`); folded here sixteen words a
    // step beside the shingle hashes, its chain of multiplies (five cycles a word) overlaps
    // their work instead of running alone after it.
    let mut exact = SEED;
    let mut folded = 0;
    let mut counts;
    if words.len() >= SKETCH_SHINGLE {
        // One pass for both shingle widths, sixteen windows a step ([`shingle_block`]: the
        // SimHash features go to the counts a block at once, every index is known in range).
        let b5 = SEED5 ^ SKETCH_SHINGLE as u64;
        let windows = words.len() - SKETCH_SHINGLE + 1;
        counts = BitCounts::new();
        let mut at = 0;
        while at + 16 <= windows {
            let w: &[u64; 16 + SKETCH_SHINGLE - 1] = words[at..at + 16 + SKETCH_SHINGLE - 1]
                .try_into()
                .unwrap_or(&[0; 16 + SKETCH_SHINGLE - 1]);
            let g5 = shingle_block(w, &mut counts);
            for &x in &w[..16] {
                exact = exact_step(exact, x);
            }
            for &h in &g5 {
                bins.add(h);
            }
            set.extend(g5.iter().map(|&h| set_key(h)));
            if minhash.is_some() {
                hashes5.extend(g5.iter().map(|&h| mix(h)));
            }
            at += 16;
        }
        folded = at;
        let b3 = SEED3 ^ SHINGLE as u64;
        for w in words[at..].windows(SKETCH_SHINGLE) {
            let g3 = w[0].rotate_left(2 * ROT) ^ w[1].rotate_left(ROT) ^ w[2];
            counts.add(g3 ^ b3);
            let g5 = g3.rotate_left(2 * ROT) ^ w[3].rotate_left(ROT) ^ w[4];
            let h = g5 ^ b5;
            bins.add(h);
            set.push(set_key(h));
            if minhash.is_some() {
                hashes5.push(mix(h));
            }
        }
        // The last two 3-shingles.
        for_each_feature(&words[words.len() - SKETCH_SHINGLE + 1..], |h| {
            counts.add(h)
        });
    } else {
        counts = BitCounts::new();
        for_each_feature(words, |h| counts.add(h));
        for_each_key(words, |h| {
            bins.add(h);
            set.push(set_key(h));
            if minhash.is_some() {
                hashes5.push(mix(h));
            }
        });
    }
    for &x in &words[folded..] {
        exact = exact_step(exact, x);
    }
    Fingerprint {
        simhash: counts.finish(),
        exact: mix(exact ^ words.len() as u64),
        sketch: bins.finish(),
        bands: minhash.map_or_else(Vec::new, |p| band_hashes(&hashes5, p)),
        shingles: set,
        len,
    }
}

/// Rotation between consecutive words of a version-3 shingle fold ([`fold_words`]): odd, so
/// the five positions of a 5-shingle sit 0, 23, 46, 5 and 28 bits apart.
const ROT: u32 = 23;
/// Seeds of the version-3 SimHash features and 5-shingle keys.
const SEED3: u64 = 0x7468_7265_7368_0303;
const SEED5: u64 = 0x7468_7265_7368_0305;

/// The version-3 fold of a shingle's word hashes: `h = rotl(h, ROT) ^ w` from 0, so word k of
/// an n-word shingle is rotated by `(n − 1 − k) · ROT` bits. No multiply: the word hashes are
/// already finalized (splitmix64), so the fold of distinct shingles differs in a uniform
/// random way and each bit of it is the xor of one bit of each word.
#[inline]
fn fold_words(ws: &[u64]) -> u64 {
    ws.iter().fold(0, |h, &w| h.rotate_left(ROT) ^ w)
}

/// Calls `f` with the SimHash feature of every 3-shingle (fewer words: one shingle).
#[inline]
pub fn for_each_feature(words: &[u64], mut f: impl FnMut(u64)) {
    for_each_window(words, SHINGLE, |ws| {
        f(fold_words(ws) ^ SEED3 ^ ws.len() as u64)
    });
}

/// Calls `f` with the key of every 5-shingle (fewer words: one shingle): the seeded fold,
/// not finalized. The set keeps its high half and the sketch bins it by its top bits; both
/// need only that distinct shingles differ at random, which the fold of finalized word hashes
/// gives (a difference of folds is a sum of rotated word-hash differences, uniform on all or
/// nearly all of the 64 bits). Measured against keys through splitmix64 (`run.py`, dedup
/// corpus): the same drops by default; decision precision with `--verify sketch` 0.693 here,
/// 0.695 finalized, 0.688 with version 2. MinHash's band functions (`h·a + b`) take the key finalized ([`band_hashes`]' input
/// is `mix` of it), which kept `--dedup minhash`'s recall.
#[inline]
pub fn for_each_key(words: &[u64], mut f: impl FnMut(u64)) {
    for_each_window(words, SKETCH_SHINGLE, |ws| {
        f(fold_words(ws) ^ SEED5 ^ ws.len() as u64)
    });
}

/// Every `width`-word window of `words` in order; fewer words than `width` make one; none,
/// none.
#[inline]
fn for_each_window(words: &[u64], width: usize, mut f: impl FnMut(&[u64])) {
    if words.is_empty() {
        return;
    }
    if words.len() < width {
        f(words);
        return;
    }
    for win in words.windows(width) {
        f(win);
    }
}

/// The sixteen windows that start at `w[0..16]`: adds their 3-shingle SimHash features to
/// `counts` and returns their 5-shingle keys (seeded folds). The 5-shingle fold at a word is
/// its 3-shingle fold rotated on by two words, then the next two words: the values of
/// [`for_each_feature`] and [`for_each_key`]. Written word by word; the compiler runs the
/// folds four windows a step in AVX2 lanes (explicit AVX2, with the SimHash counts four
/// features a register, was slower: BENCHMARKS.md, session 19).
#[inline(always)]
fn shingle_block(w: &[u64; 16 + SKETCH_SHINGLE - 1], counts: &mut BitCounts) -> [u64; 16] {
    let (b3, b5) = (SEED3 ^ SHINGLE as u64, SEED5 ^ SKETCH_SHINGLE as u64);
    let (mut f3, mut g5) = ([0u64; 16], [0u64; 16]);
    for j in 0..16 {
        let g3 = w[j].rotate_left(2 * ROT) ^ w[j + 1].rotate_left(ROT) ^ w[j + 2];
        f3[j] = g3 ^ b3;
        g5[j] = (g3.rotate_left(2 * ROT) ^ w[j + 3].rotate_left(ROT) ^ w[j + 4]) ^ b5;
    }
    counts.add_block(&f3);
    g5
}

/// The 32 bits of a 5-shingle hash that its set keeps (the high half: the sketch's bin comes
/// from the top 6 bits too, which does not matter for a set).
///
/// Why 32 bits are enough: two different shingles share a key with probability 2⁻³². Between
/// two documents of n shingles each, the expected number of chance agreements is at most
/// n²/2³² (2.3·10⁻⁴ for n = 1000), and each one moves their Jaccard by at most 1/|A ∪ B|; the
/// same holds for two shingles of one document merging (n²/2³³). So the exact check decides
/// differently from one on the shingle strings only for a pair that is within 1/n of the
/// threshold *and* has a chance agreement: about one decision in 10⁶ verified pairs. Half the
/// memory of 64-bit keys, which is what the sets cost (4 bytes per shingle).
#[inline]
fn set_key(h: u64) -> u32 {
    (h >> 32) as u32
}

/// A text's word 5-shingles as [`Fingerprint::shingles`] holds them: one 32-bit key per
/// shingle, in text order (a shingle that repeats appears again: [`jaccard`] compares the
/// distinct keys, so nothing is sorted or deduplicated per document).
pub fn shingle_set(text: &str) -> Vec<u32> {
    let mut words = Vec::new();
    word_hashes(text, &mut words);
    let mut set = Vec::with_capacity(words.len());
    for_each_key(&words, |h| set.push(set_key(h)));
    set
}

/// Scratch space of [`jaccard`]: an open-addressing table of keys with, per slot, the call
/// that last used it (so it is never cleared between calls) and whether the key was seen in
/// the first list, the second, or both.
struct JaccardTable {
    keys: Vec<u32>,
    /// `call << 2 | seen`: seen bit 0 for the first list, bit 1 for the second.
    tags: Vec<u32>,
    call: u32,
}

thread_local! {
    static JACCARD_TABLE: std::cell::RefCell<JaccardTable> = const {
        std::cell::RefCell::new(JaccardTable { keys: Vec::new(), tags: Vec::new(), call: 0 })
    };
}

/// Exact Jaccard |A ∩ B| / |A ∪ B| of the distinct keys of two shingle-key lists (0 when
/// both are empty: no words, nothing to compare). One pass over each list through a hash
/// table (the keys are hashes already: their low bits index it), about a dozen instructions
/// a key, instead of sorting every document's set when it is fingerprinted: most documents
/// are never verified against anything.
pub fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    jaccard_of(jaccard_counts(a, b))
}

/// [`jaccard`] from its counts `(|A ∩ B|, |A ∪ B|)`.
pub fn jaccard_of((inter, union): (u32, u32)) -> f64 {
    if union == 0 {
        0.0
    } else {
        f64::from(inter) / f64::from(union)
    }
}

/// The counts `(|A ∩ B|, |A ∪ B|)` of the distinct keys of two shingle-key lists, whose ratio
/// is [`jaccard`].
pub fn jaccard_counts(a: &[u32], b: &[u32]) -> (u32, u32) {
    JACCARD_TABLE.with(|t| {
        let t = &mut *t.borrow_mut();
        let need = (2 * (a.len() + b.len())).next_power_of_two().max(64);
        t.call += 1;
        if t.keys.len() < need || t.call >= 1 << 30 {
            t.keys = vec![0; need.max(t.keys.len())];
            t.tags = vec![0; t.keys.len()];
            t.call = 1;
        }
        // Only the first `need` slots are used: a small pair does not walk a big table.
        let mask = need - 1;
        let stamp = t.call << 2;
        let (keys, tags) = (&mut t.keys[..need], &mut t.tags[..need]);
        let mut union = 0u32;
        let mut inter = 0u32;
        for &x in a {
            let mut s = x as usize & mask;
            loop {
                if tags[s] & !3 != stamp {
                    keys[s] = x;
                    tags[s] = stamp | 1;
                    union += 1;
                    break;
                }
                if keys[s] == x {
                    break;
                }
                s = (s + 1) & mask;
            }
        }
        for &x in b {
            let mut s = x as usize & mask;
            loop {
                let tag = tags[s];
                if tag & !3 != stamp {
                    keys[s] = x;
                    tags[s] = stamp | 2;
                    union += 1;
                    break;
                }
                if keys[s] == x {
                    // First time in B: shared when it was in A.
                    inter += tag & 1 & !(tag >> 1);
                    tags[s] = tag | 2;
                    break;
                }
                s = (s + 1) & mask;
            }
        }
        (inter, union)
    })
}

/// `jaccard(a, b) >= t` (an empty pair is never alike).
pub fn jaccard_at_least(a: &[u32], b: &[u32], t: f64) -> bool {
    if a.is_empty() && b.is_empty() {
        return false;
    }
    jaccard(a, b) >= t
}

/// Hash of the whole word sequence: equal for texts with the same normalized words. The
/// reference for [`fingerprint_words`], which folds the words as it goes.
#[cfg(test)]
fn exact_hash(words: &[u64]) -> u64 {
    let mut h = SEED;
    for &w in words {
        h = exact_step(h, w);
    }
    mix(h ^ words.len() as u64)
}

/// One word of [`exact_hash`].
#[inline(always)]
fn exact_step(h: u64, w: u64) -> u64 {
    (h.rotate_left(23) ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Hamming distance between two fingerprints.
#[inline]
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalization_and_shingles() {
        let n = normalize("Hello, WORLD!  It's  Ünïcode 42.");
        assert_eq!(n, "hello world it s ünïcode 00");
        let s: Vec<_> = shingles(&n).collect();
        assert_eq!(
            s,
            [
                "hello world it",
                "world it s",
                "it s ünïcode",
                "s ünïcode 00"
            ]
        );
        assert_eq!(shingles("two words").collect::<Vec<_>>(), ["two words"]);
        assert_eq!(shingles("").count(), 0);
        let mut five = Vec::new();
        for_each_shingle("a b c d e f", 5, |s| five.push(s));
        assert_eq!(five, ["a b c d e", "b c d e f"]);
    }

    /// The char-by-char normalization: the ASCII fast path must agree with it. Only the
    /// letters of a lowercase form are kept ('İ' lowercases to 'i' and a combining dot).
    fn normalize_reference(text: &str) -> String {
        let mut out = String::new();
        let mut pending_space = false;
        for c in text.chars() {
            if c.is_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                if c.is_ascii_digit() {
                    out.push('0');
                } else {
                    out.extend(c.to_lowercase().filter(|l| l.is_alphanumeric()));
                }
            } else {
                pending_space = true;
            }
        }
        out
    }

    /// 'İ' lowercases to 'i' and a combining dot; the word must hash the same read from
    /// the text and from its normal form (found by the property test below).
    #[test]
    fn dotted_capital_i_hashes_as_its_normal_form() {
        for t in ["İ", "İsmail", "DİYARBAKIR İL"] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            word_hashes(t, &mut a);
            word_hashes(&normalize(t), &mut b);
            assert_eq!(a, b, "{t}");
        }
        assert_eq!(normalize("İsmail"), "ismail");
        assert_eq!(normalize_reference("İsmail"), "ismail");
    }

    /// The byte-by-byte form of [`WordHasher::scan_ascii_run`] (before it read eight bytes a
    /// step): the reference it is checked against.
    fn scan_ascii_run_bytewise(w: &mut WordHasher, bytes: &[u8], start: usize) -> (usize, u32) {
        let mut digits = 0u32;
        let mut i = start;
        while let Some(&b) = bytes.get(i) {
            let c = ASCII_CLASS[b as usize];
            if c.wrapping_sub(1) >= 0xFE {
                break;
            }
            digits += u32::from(c == b'0');
            w.byte(c);
            i += 1;
        }
        (i, digits)
    }

    #[test]
    fn low_mask_and_keep_bytes_keep_n_bytes() {
        for n in 1..=8 {
            let want = if n == 8 {
                u64::MAX
            } else {
                (1u64 << (8 * n)) - 1
            };
            assert_eq!(low_mask(n), want, "{n}");
            assert_eq!(keep_bytes(u64::MAX, n), want, "{n}");
            assert_eq!(
                keep_bytes(0x0123_4567_89AB_CDEF, n),
                0x0123_4567_89AB_CDEF & want
            );
        }
    }

    proptest! {
        /// The whole-word read gives the length (the leading letters and digits, at most
        /// sixteen), the digits and the hash that the hasher fed those bytes one by one
        /// gives, for words of one to eight bytes and of nine to sixteen (two chunks).
        #[test]
        fn short_ascii_word_equals_hasher(
            s in "[a-zA-Z0-9]{0,20}([ .:'\\-\n@\\[`{/]|é|\u{0}|\u{7f})?[a-zA-Z0-9]{0,9}",
        ) {
            let b = s.as_bytes();
            let mut w = WordHasher::new();
            let run = b.iter().take_while(|c| c.is_ascii_alphanumeric()).count().min(16);
            let (n, digits) = scan_ascii_run_bytewise(&mut w, &b[..run], 0);
            let want = (n > 0).then(|| (n, digits, w.end().unwrap_or(0)));
            prop_assert_eq!(short_ascii_word(b, 0), want);
        }
    }

    /// Every ASCII letter and digit at every byte position of every length, beside every
    /// other one: normalized as `ASCII_CLASS` says, and the bytes past the word stay zero.
    #[test]
    fn normalize_alnum_is_ascii_class_bytewise() {
        let alnum: Vec<u8> = (0u8..128).filter(u8::is_ascii_alphanumeric).collect();
        for n in 1..=8usize {
            for (k, &a) in alnum.iter().enumerate() {
                for p in 0..n {
                    // The other bytes: the alphabet shifted, so every pair of neighbours shows up.
                    let bytes: Vec<u8> = (0..n)
                        .map(|q| {
                            if q == p {
                                a
                            } else {
                                alnum[(k + 7 * q + 1) % alnum.len()]
                            }
                        })
                        .collect();
                    let mut x = [0u8; 8];
                    x[..n].copy_from_slice(&bytes);
                    let want: Vec<u8> = (0..8)
                        .map(|q| if q < n { ASCII_CLASS[x[q] as usize] } else { 0 })
                        .collect();
                    let got = normalize_alnum(u64::from_le_bytes(x)).to_le_bytes();
                    assert_eq!(got.to_vec(), want, "{:?}", String::from_utf8_lossy(&bytes));
                }
            }
        }
        for n in 1..=8 {
            assert_eq!(low_mask(n).count_ones(), 8 * n as u32);
        }
    }

    proptest! {
        /// The block classifier in use (AVX2 on x86-64-v3) and the SSE2 one give the masks of the
        /// eight-byte one,
        /// on blocks of any bytes and of text-like ones.
        #[test]
        fn block_masks_equal_swar(
            any_bytes in proptest::collection::vec(any::<u8>(), 64),
            texty in "[a-zA-Z0-9 .,@`\\[{/:\x7f\u{80}-\u{7ff}]{64}",
        ) {
            let a: [u8; 64] = any_bytes.try_into().unwrap_or([0; 64]);
            let b: [u8; 64] = texty.as_bytes()[..64].try_into().unwrap_or([0; 64]);
            for block in [a, b] {
                let (mut n1, mut n2) = ([0u8; NORM_BUF], [0u8; NORM_BUF]);
                let (alnum, high) = block_masks(&block, &mut n1);
                prop_assert_eq!((alnum, high), block_masks_swar(&block, &mut n2));
                #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
                {
                    let mut n3 = [0u8; NORM_BUF];
                    prop_assert_eq!((alnum, high), block_masks_sse2(&block, &mut n3));
                    for k in (0..64).filter(|k| alnum >> k & 1 == 1) {
                        prop_assert_eq!(n3[k], ASCII_CLASS[block[k] as usize]);
                    }
                }
                // The normalized bytes where the words are: ASCII_CLASS's.
                for k in (0..64).filter(|k| alnum >> k & 1 == 1) {
                    prop_assert_eq!(n1[k], ASCII_CLASS[block[k] as usize]);
                    prop_assert_eq!(n2[k], ASCII_CLASS[block[k] as usize]);
                }
            }
        }

        /// Runs of every length across chunk ends, from every fill of the chunk (a word
        /// already partly fed), ended by every kind of byte or by the end of the text.
        #[test]
        fn scan_ascii_run_equals_byte_loop(
            pre in "[a-z0-9]{0,11}",
            s in "[a-zA-Z0-9]{1,30}([ .:'\\-\\n@\\[`{/]|é|\u{0}|\u{7f})?[a-zA-Z0-9]{0,9}",
        ) {
            let (mut fast, mut slow) = (WordHasher::new(), WordHasher::new());
            pre.bytes().for_each(|b| { fast.byte(b); slow.byte(b); });
            let got = fast.scan_ascii_run(s.as_bytes(), 0);
            let want = scan_ascii_run_bytewise(&mut slow, s.as_bytes(), 0);
            prop_assert_eq!(got, want);
            prop_assert_eq!(fast.end(), slow.end());
        }

        #[test]
        fn fast_normalize_equals_reference(s in "(?s).{0,200}") {
            prop_assert_eq!(normalize(&s), normalize_reference(&s));
        }

        #[test]
        fn words_of_a_text_are_the_words_of_its_normal_form(s in "(?s).{0,200}") {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            word_hashes(&s, &mut a);
            word_hashes(&normalize(&s), &mut b);
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(a.len(), normalize(&s).split(' ').filter(|w| !w.is_empty()).count());
        }

        /// The block path (ASCII blocks, eight bytes a step), the scalar path and words that
        /// cross blocks all give each normalized word the hash of its bytes fed one by one.
        #[test]
        fn block_word_hashes_equal_byte_by_byte(
            parts in proptest::collection::vec(
                prop_oneof![
                    30 => "[a-zA-Z0-9 .,:'\n-]{1,12}",
                    4 => "[a-z]{9,20}|[0-9]{8,17}",
                    1 => "[a-zA-Z0-9]{21,70}",
                    1 => "é|İ|ß|中|ª|µ|²|½|\u{2071}",
                    3 => "\u{a0}|’|“|…|—|©|»|\u{200b}",
                ],
                0..60,
            )
        ) {
            let s = parts.concat();
            let mut fast = Vec::new();
            word_hashes(&s, &mut fast);
            let slow: Vec<u64> = normalize(&s)
                .split(' ')
                .filter(|w| !w.is_empty())
                .filter_map(|w| {
                    let mut h = WordHasher::new();
                    w.bytes().for_each(|b| h.byte(b));
                    h.end()
                })
                .collect();
            prop_assert_eq!(fast, slow);
        }

        /// The sixteen-window blocks, the word-by-word windows after them and the short-text
        /// path give the values of the general folds (`for_each_feature`, `for_each_key`),
        /// whatever the length (words repeat, so shingles repeat too).
        #[test]
        fn block_shingles_equal_general_folds(
            ws in proptest::collection::vec(0u64..12, 0..120),
            salt in any::<u64>(),
        ) {
            let ws: Vec<u64> = ws.iter().map(|&w| mix(w ^ salt)).collect();
            let f = fingerprint_words(&ws, 0, Some(MinHashParams { bands: 2, rows: 2 }));
            let mut feats = Vec::new();
            for_each_feature(&ws, |h| feats.push(h));
            prop_assert_eq!(f.simhash, simhash_of_hashes_naive(feats.iter().copied()));
            let mut keys = Vec::new();
            for_each_key(&ws, |h| keys.push(h));
            let set: Vec<u32> = keys.iter().map(|&h| set_key(h)).collect();
            prop_assert_eq!(&f.shingles, &set);
            let mut bins = SketchBins::new();
            keys.iter().for_each(|&h| bins.add(h));
            prop_assert_eq!(f.sketch, bins.finish());
            let mixed: Vec<u64> = keys.iter().map(|&h| mix(h)).collect();
            prop_assert_eq!(f.bands, band_hashes(&mixed, MinHashParams { bands: 2, rows: 2 }));
        }

        /// The exact hash folded beside the shingles is the fold of the whole sequence.
        #[test]
        fn folded_exact_hash_equals_fold(ws in proptest::collection::vec(any::<u64>(), 0..90)) {
            prop_assert_eq!(fingerprint_words(&ws, 0, None).exact, exact_hash(&ws));
        }

        #[test]
        fn table_simhash_equals_naive(hs in proptest::collection::vec(any::<u64>(), 0..1200)) {
            prop_assert_eq!(
                simhash_of_hashes(hs.iter().copied()),
                simhash_of_hashes_naive(hs.iter().copied())
            );
        }
    }

    /// Past the 255-block flush of the packed counters, with biased bits (so that counts sit
    /// near half for some bits and far from it for others).
    #[test]
    fn long_streams_equal_naive() {
        let mut x = 0x1234_5678_9ABC_DEF0u64;
        for n in [4079, 4080, 4081, 9000, 20_017] {
            let hs: Vec<u64> = (0..n)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    if i % 3 == 0 {
                        x | 0xFF00
                    } else {
                        x & !0xF0
                    }
                })
                .collect();
            assert_eq!(
                simhash_of_hashes(hs.iter().copied()),
                simhash_of_hashes_naive(hs.iter().copied()),
                "{n}"
            );
        }
    }

    #[test]
    fn fixed_values_never_change() {
        // Fingerprints are stored by users; these values pin the algorithm and the seed.
        let f = fingerprint("The quick brown fox jumps over the lazy dog.");
        assert_eq!(
            format!("{:016x} {:016x}", f.simhash, f.exact),
            "39eec79d7cb17cc1 9b5adcb212789da3"
        );
        let sketch: String = f.sketch.0.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(sketch, PINNED_SKETCH);
        let again = fingerprint("the QUICK brown fox -- jumps over the lazy dog");
        assert_eq!(
            (f.simhash, f.exact, f.sketch),
            (again.simhash, again.exact, again.sketch),
            "case and punctuation do not matter"
        );
        let m = fingerprint_with(
            "The quick brown fox jumps over the lazy dog.",
            Some(MinHashParams { bands: 2, rows: 3 }),
        );
        let bands: Vec<String> = m.bands.iter().map(|b| format!("{b:08x}")).collect();
        assert_eq!(bands.join(" "), PINNED_BANDS);
        let set: Vec<String> = f.shingles.iter().map(|x| format!("{x:08x}")).collect();
        assert_eq!(set.join(" "), PINNED_SET);
    }

    const PINNED_SKETCH: &str = "2816d071462b3dab9038ad20e805b6484440a72d6768273ea562d11f371e2084549b2ec9a55bac4fbac55f62fc2d163e9042a16af7bb00de78c1b11a35450c52";
    const PINNED_BANDS: &str = "4ec20713 0da38b10";
    // Fingerprint version 3 (rotation folds; version 2 gave simhash 4b52a0cada34d93d and keys
    // bfa58e0f ad4159de 91ea4c0b e2c47a50 a2b4e44c, version 1 (FNV-1a words) keys 838dfefa
    // d01b1c57 c766b366 804fb339 ba31453a; the exact hash is version 2's), keys in text order.
    const PINNED_SET: &str = "d27fcc83 81629e3a 33421165 0bb72de5 b05e8e24";

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

    /// Exact Jaccard of the 5-shingle sets.
    fn jaccard(a: &str, b: &str) -> f64 {
        let set = |t: &str| {
            let n = normalize(t);
            let mut s = std::collections::BTreeSet::new();
            for_each_shingle(&n, SKETCH_SHINGLE, |x| {
                s.insert(x.to_string());
            });
            s
        };
        let (x, y) = (set(a), set(b));
        x.intersection(&y).count() as f64 / x.union(&y).count() as f64
    }

    #[test]
    fn sketch_estimates_jaccard() {
        // Copies with a growing share of words replaced: the estimate tracks exact Jaccard
        // within a few standard errors (0.06 at 64 bins), on average much closer.
        let mut total_err = 0.0;
        let mut n = 0.0;
        for seed in 0..40u64 {
            let a = text(seed + 100, 400);
            let mut words: Vec<String> = a.split(' ').map(str::to_string).collect();
            let edits = (seed as usize % 8) * 4;
            for e in 0..edits {
                let i = (e * 37 + seed as usize * 11) % words.len();
                words[i] = format!("edit{e}");
            }
            let b = words.join(" ");
            let (fa, fb) = (fingerprint(&a), fingerprint(&b));
            let est = similarity(&fa.sketch, &fb.sketch);
            let exact = jaccard(&a, &b);
            assert!((est - exact).abs() < 0.2, "seed {seed}: {est} vs {exact}");
            total_err += (est - exact).abs();
            n += 1.0;
        }
        assert!(total_err / n < 0.06, "mean error {}", total_err / n);
        // Unrelated texts: near 0.
        let (x, y) = (fingerprint(&text(1, 300)), fingerprint(&text(2, 300)));
        assert!(similarity(&x.sketch, &y.sketch) < 0.1);
        // Identical texts: 1.
        assert_eq!(similarity(&x.sketch, &x.sketch), 1.0);
    }

    /// Exact Jaccard by `BTreeSet`s.
    fn jaccard_reference(a: &[u32], b: &[u32]) -> f64 {
        let (x, y): (
            std::collections::BTreeSet<u32>,
            std::collections::BTreeSet<u32>,
        ) = (a.iter().copied().collect(), b.iter().copied().collect());
        let u = x.union(&y).count();
        if u == 0 {
            0.0
        } else {
            x.intersection(&y).count() as f64 / u as f64
        }
    }

    fn sorted_set(mut v: Vec<u32>) -> Vec<u32> {
        v.sort_unstable();
        v.dedup();
        v
    }

    proptest! {
        #[test]
        fn table_jaccard_equals_reference(
            a in proptest::collection::vec(0u32..300, 0..200),
            b in proptest::collection::vec(0u32..300, 0..200),
            big in proptest::collection::vec(any::<u32>(), 0..3000),
            t in 0.0f64..1.0,
        ) {
            // Lists in any order, with repeats; keys that collide in the table's low bits
            // (multiples of 64); a large list between two small ones, so the table is reused
            // at another size.
            let j = super::jaccard(&a, &b);
            prop_assert_eq!(j, jaccard_reference(&a, &b));
            prop_assert_eq!(jaccard_at_least(&a, &b, t), j >= t && !(a.is_empty() && b.is_empty()));
            let (sa, sb) = (sorted_set(a.clone()), sorted_set(b.clone()));
            prop_assert_eq!(super::jaccard(&sa, &sb), j);
            let wide: Vec<u32> = a.iter().map(|x| x << 6).collect();
            let wide_b: Vec<u32> = b.iter().map(|x| x << 6).collect();
            prop_assert_eq!(super::jaccard(&wide, &wide_b), j);
            let mut with_big = big.clone();
            with_big.extend(&a);
            prop_assert_eq!(super::jaccard(&big, &with_big), jaccard_reference(&big, &with_big));
            prop_assert_eq!(super::jaccard(&b, &a), j);
        }
    }

    #[test]
    fn shingle_sets_are_the_sketch_shingles() {
        // The set holds one key per distinct 5-shingle of the normalized words; case and
        // punctuation do not matter; exact Jaccard of two texts is that of their shingles.
        let a = "The quick brown fox jumps over the lazy dog and the quick brown fox jumps";
        let f = fingerprint(a);
        assert_eq!(f.shingles, shingle_set(a));
        assert_eq!(f.shingles.len(), 11, "11 shingles in text order");
        assert_eq!(
            f.shingles[0], f.shingles[10],
            "the repeated one appears twice"
        );
        assert_eq!(super::jaccard(&f.shingles, &f.shingles[..10]), 1.0);
        assert_eq!(
            shingle_set(&a.to_uppercase().replace(' ', " -- ")),
            f.shingles
        );
        for (x, y) in [
            (text(3, 300), text(4, 300)),
            (text(5, 200), {
                let t = text(5, 200);
                let mut w: Vec<&str> = t.split(' ').collect();
                w[50] = "zebra";
                w.remove(120);
                w.join(" ")
            }),
        ] {
            let exact = super::jaccard(&shingle_set(&x), &shingle_set(&y));
            let by_strings = jaccard(&x, &y);
            assert!(
                (exact - by_strings).abs() < 1e-12,
                "{exact} vs {by_strings}"
            );
        }
        assert!(shingle_set("").is_empty());
        assert_eq!(shingle_set("two words").len(), 1);
    }

    #[test]
    fn short_texts_have_sketches() {
        let a = fingerprint("just three words");
        let b = fingerprint("just three words");
        assert_eq!(similarity(&a.sketch, &b.sketch), 1.0);
        let c = fingerprint("other short text");
        assert!(similarity(&a.sketch, &c.sketch) < 0.2);
        assert_eq!(fingerprint("").sketch, Sketch::default());
    }
}
