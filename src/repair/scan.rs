//! The one-pass test that a line needs no repair at all: the common case, so clean text,
//! ASCII or not, is passed through without building any candidate reading (issue 3).
//!
//! Every fix of [`super::fix_line_with`] leaves a line as it is when the line
//!
//! - is valid UTF-8 (`thresh fix` replaces invalid bytes with U+FFFD);
//! - holds no control character but tab (no escape sequence, no DEL, no C1 control) and none
//!   of the removable format characters (BOM, U+206A–206F, U+FFF9–FFFC);
//! - holds no `&` where character references may be unescaped;
//! - holds no character that can lead a UTF-8 sequence in a candidate encoding directly
//!   followed by one that can continue it in the same encoding: that is the test
//!   [`super::mojibake::may_have_mojibake`] makes before any mojibake fix, computed from the
//!   candidate encodings' own tables, so Cyrillic or Greek text that a 1251 or 1253 reading
//!   could have produced is still caught;
//! - when NFC is on: holds only characters whose NFC quick check is Yes, with canonical
//!   combining classes in order (the test `unicode_normalization::is_nfc_quick` makes);
//! - when a cosmetic option (quotes, full-width) is on: is ASCII.
//!
//! A line that fails any of these goes the slow way, which decides exactly; so the scan only
//! has to be right when it says "clean". Plain ASCII is checked eight bytes at a time in a
//! `u64` (long runs 32 at a time), two- and three-byte characters are decoded inline.

use super::mojibake::{lead_cont, seq_len, N_ENC, TABLE_END};
use super::{Entities, Options};
use std::sync::OnceLock;
use unicode_normalization::{char::canonical_combining_class, is_nfc_quick, IsNormalized};

/// What the scan looks for, fixed per run (or per document).
pub(super) struct Scan {
    /// `&` may start a character reference that gets unescaped.
    amp: bool,
    nfc: bool,
    /// Non-ASCII characters can pass (no cosmetic option would change them).
    non_ascii: bool,
}

impl Scan {
    pub(super) fn new(opts: &Options, entities_ok: bool) -> Scan {
        Scan {
            amp: entities_ok && opts.entities != Entities::Off,
            nfc: opts.nfc,
            non_ascii: !opts.uncurl_quotes && !opts.fold_fullwidth,
        }
    }

    /// The index of the first byte whose line may need a fix, or `None` when every line of
    /// `b` (split on `\n`) is left as it is.
    pub(super) fn first_suspect(&self, b: &[u8]) -> Option<usize> {
        if self.nfc {
            self.first_suspect_in::<true>(b)
        } else {
            self.first_suspect_in::<false>(b)
        }
    }

    /// [`Scan::first_suspect`], compiled once with and once without the NFC test.
    fn first_suspect_in<const NFC: bool>(&self, b: &[u8]) -> Option<usize> {
        // State carried from one non-ASCII character to the next; any ASCII byte resets it,
        // as in `may_have_mojibake` and in the NFC quick check. `prev_lead` always has
        // [`SUSPECT`] set, so that a suspect character fails the pair test on its own.
        let mut prev_lead = SUSPECT;
        let mut last_cc = 0u8;
        // The encoding table, fetched at the first non-ASCII character: ASCII input never
        // builds it.
        let mut pairs: Option<&[u32; PAIRS]> = None;
        let mut i = 0;
        while let Some(&c) = b.get(i) {
            if c < 0x80 {
                prev_lead = SUSPECT;
                last_cc = 0;
                // Short runs (a space or punctuation between words) byte by byte; a run
                // that goes on a word at a time.
                let stop = i + 8;
                while let Some(&d) = b.get(i) {
                    if d >= 0x80 {
                        break;
                    }
                    if !self.plain(d) {
                        return Some(i);
                    }
                    i += 1;
                    if i == stop {
                        match self.skip_ascii(b, i) {
                            Ok(next) => i = next,
                            Err(at) => return Some(at),
                        }
                        break;
                    }
                }
                continue;
            }
            if !self.non_ascii {
                return Some(i);
            }
            let cont = |k: usize| b.get(i + k).copied().filter(|&x| x & 0xC0 == 0x80);
            let low = |x: u8| u32::from(x & 0x3F);
            let (cp, len) = match c {
                // Two-byte sequences (Latin, Greek, Cyrillic, Hebrew, Arabic…), and the run
                // of them that usually follows, in one loop.
                0xC2..=0xDF if !NFC => {
                    let pairs = *pairs.get_or_insert_with(pair_table);
                    let start = i;
                    while let Some(&[l, c1]) = b.get(i..i + 2) {
                        if !(0xC2..=0xDF).contains(&l) || c1 & 0xC0 != 0x80 {
                            break;
                        }
                        let cp = u32::from(l & 0x1F) << 6 | low(c1);
                        let p = pairs.get(cp as usize - 0x80).copied().unwrap_or(0);
                        if prev_lead & p >> 16 != 0 {
                            return Some(i);
                        }
                        prev_lead = p & 0xFFFF | SUSPECT;
                        i += 2;
                    }
                    if i == start {
                        // Not a well-formed sequence.
                        return Some(i);
                    }
                    continue;
                }
                0xC2..=0xDF => match cont(1) {
                    Some(c1) => (u32::from(c & 0x1F) << 6 | low(c1), 2),
                    None => return Some(i),
                },
                // Three-byte characters outside U+2000..U+2FFF: no encoding table has one
                // (the tables end at U+2600 and hold nothing in U+0800..U+1FFF), so only
                // validity, the BOM, U+FFF9..U+FFFC and NFC ask about them.
                0xE0 | 0xE1 | 0xE3..=0xEF if !NFC => {
                    let (Some(c1), Some(c2)) = (cont(1), cont(2)) else {
                        return Some(i);
                    };
                    let ok = match c {
                        // No overlong form, no surrogate.
                        0xE0 => c1 >= 0xA0,
                        0xED => c1 < 0xA0,
                        0xEF => {
                            !(c1 == 0xBB && c2 == 0xBF || c1 == 0xBF && (0xB9..=0xBC).contains(&c2))
                        }
                        _ => true,
                    };
                    if !ok {
                        return Some(i);
                    }
                    prev_lead = SUSPECT;
                    i += 3;
                    // The run of such characters that usually follows (a CJK or Indic
                    // sentence), without going back to the dispatch above.
                    while let Some(&[l, c1, c2]) = b.get(i..i + 3) {
                        let lead_ok =
                            matches!(l, 0xE1 | 0xE3..=0xEC | 0xEE) || l == 0xE0 && c1 >= 0xA0;
                        if !lead_ok || c1 & 0xC0 != 0x80 || c2 & 0xC0 != 0x80 {
                            break;
                        }
                        i += 3;
                    }
                    continue;
                }
                // The rest of the BMP (Indic, Thai, symbols…).
                0xE0..=0xEF => match (cont(1), cont(2)) {
                    // No overlong form (E0 needs A0..) and no surrogate (ED needs ..9F).
                    (Some(c1), Some(c2))
                        if (c != 0xE0 || c1 >= 0xA0) && (c != 0xED || c1 < 0xA0) =>
                    {
                        let cp = u32::from(c & 0x0F) << 12 | low(c1) << 6 | low(c2);
                        if matches!(cp, 0xFEFF | 0xFFF9..=0xFFFC) {
                            return Some(i);
                        }
                        (cp, 3)
                    }
                    _ => return Some(i),
                },
                _ => match decode(b, i) {
                    Some(d) => d,
                    None => return Some(i),
                },
            };
            let pairs = *pairs.get_or_insert_with(pair_table);
            prev_lead = match cp.checked_sub(0x80).and_then(|k| pairs.get(k as usize)) {
                Some(&p) => {
                    if prev_lead & p >> 16 != 0 {
                        return Some(i);
                    }
                    p & 0xFFFF | SUSPECT
                }
                None => SUSPECT,
            };
            if NFC {
                let cc = nfc_class(cp);
                if cc == NOT_YES || (last_cc > cc && cc != 0) {
                    return Some(i);
                }
                last_cc = cc;
            }
            i += len;
        }
        None
    }

    /// From `b[i]` to the next non-ASCII byte (or the end): its index, or
    /// `Err` with the index of an ASCII byte that needs a fix. Eight bytes at a time as one
    /// `u64` (SWAR), long runs [`CHUNK`] at a time.
    #[inline]
    fn skip_ascii(&self, b: &[u8], mut i: usize) -> Result<usize, usize> {
        loop {
            let Some(w) = word8(b, i) else {
                // The last few bytes of the input.
                while let Some(&c) = b.get(i) {
                    if c >= 0x80 {
                        break;
                    }
                    if !self.plain(c) {
                        return Err(i);
                    }
                    i += 1;
                }
                return Ok(i);
            };
            // The ASCII bytes at the start of the word, the others replaced by a plain letter
            // before the test.
            let n = ((w & HI).trailing_zeros() / 8) as usize;
            if n == 0 {
                return Ok(i);
            }
            let keep = u64::MAX.checked_shr(64 - 8 * n as u32).unwrap_or(u64::MAX);
            let w = w & keep | LETTERS & !keep;
            if !self.plain_word(w) {
                // A suspect among them: find it.
                for _ in 0..n {
                    if !self.plain(b[i]) {
                        return Err(i);
                    }
                    i += 1;
                }
            } else {
                i += n;
            }
            if n < 8 {
                return Ok(i);
            }
            while let Some(chunk) = b.get(i..i + CHUNK) {
                if !self.plain_chunk(chunk) {
                    break;
                }
                i += CHUNK;
            }
        }
    }

    /// Every byte of `w` is [`Scan::plain`].
    #[inline]
    fn plain_word(&self, w: u64) -> bool {
        // Per-byte tests without carries between bytes, after Sean Eron Anderson's Bit
        // Twiddling Hacks ("Determine if a word has a zero byte", the exact form): 0x80 in
        // each byte that is zero, resp. (bytes below 0x80 only) less than `n`.
        const M7: u64 = LO * 0x7F;
        let zero = |v: u64| !((v & M7).wrapping_add(M7) | v | M7);
        let below = |n: u8| !((w & M7).wrapping_add(LO * u64::from(0x80 - n))) & HI;
        let control = below(0x20) & !zero(w ^ (LO * 0x09)) & !zero(w ^ (LO * 0x0A));
        let del = zero(w ^ (LO * 0x7F));
        let amp = if self.amp {
            zero(w ^ (LO * u64::from(b'&')))
        } else {
            0
        };
        (w & HI) | control | del | amp == 0
    }

    /// An ASCII byte that needs no fix.
    #[inline]
    fn plain(&self, c: u8) -> bool {
        PLAIN[usize::from(self.amp)][usize::from(c)]
    }

    /// Every byte of the chunk is [`Scan::plain`]. Written without early exit so that the
    /// compiler checks the bytes side by side (SIMD).
    #[inline]
    fn plain_chunk(&self, chunk: &[u8]) -> bool {
        let mut bad = 0u8;
        for &c in chunk {
            let printable = c.wrapping_sub(0x20) < 0x5F;
            let ok = printable & !(self.amp & (c == b'&')) | (c == b'\t') | (c == b'\n');
            bad |= u8::from(!ok);
        }
        bad == 0
    }
}

/// [`Scan::plain`] per byte, without and with `&` as a suspect.
static PLAIN: [[bool; 256]; 2] = [plain_table(false), plain_table(true)];

const fn plain_table(amp: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = (b >= 0x20 && b < 0x7F && (b != b'&' || !amp)) || b == b'\t' || b == b'\n';
        c += 1;
    }
    t
}

/// Bytes checked at a time for plain ASCII in a long run.
const CHUNK: usize = 32;

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;
/// Eight `a`s.
const LETTERS: u64 = LO * 0x61;

/// The eight bytes at `b[i..]` as one little-endian word, when there are eight.
#[inline]
fn word8(b: &[u8], i: usize) -> Option<u64> {
    let w: [u8; 8] = b.get(i..i + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(w))
}

const PAIRS: usize = (TABLE_END - 0x80) as usize;

/// Per code point from 0x80 to [`TABLE_END`]: the encodings where it is a UTF-8 lead byte
/// (low half) and those where it is a continuation byte (high half), in one load. A
/// character that is a suspect on its own (a C1 control, U+0080..U+009F, or one of the
/// deprecated format characters U+206A..U+206F) has [`SUSPECT`] in its high half, so the
/// pair test catches it too.
fn pair_table() -> &'static [u32; PAIRS] {
    static T: OnceLock<Box<[u32; PAIRS]>> = OnceLock::new();
    T.get_or_init(|| {
        let (lead, cont) = lead_cont();
        let mut t = Box::new([0u32; PAIRS]);
        for (k, p) in t.iter_mut().enumerate() {
            let l = lead.get(k).copied().unwrap_or(0);
            let c = cont.get(k).copied().unwrap_or(0);
            *p = u32::from(l) | u32::from(c) << 16;
            let cp = k as u32 + 0x80;
            if cp < 0xA0 || (0x206A..=0x206F).contains(&cp) {
                *p |= SUSPECT << 16;
            }
        }
        t
    })
}

/// A bit no encoding uses in the lead and continuation masks (there are 10 encodings).
const SUSPECT: u32 = 1 << 15;
const _: () = assert!(N_ENC < 15);

/// The code point and length of the well-formed UTF-8 sequence at `b[i]` (a non-ASCII byte),
/// or `None` when it is not one.
#[inline]
fn decode(b: &[u8], i: usize) -> Option<(u32, usize)> {
    let b0 = b[i];
    let b1 = *b.get(i + 1)?;
    let cont = |k: usize| b.get(i + k).copied().filter(|&x| x & 0xC0 == 0x80);
    let low = |x: u8| u32::from(x & 0x3F);
    match seq_len(b0, b1)? {
        2 => Some((u32::from(b0 & 0x1F) << 6 | low(b1), 2)),
        3 => {
            let b2 = cont(2)?;
            Some((u32::from(b0 & 0x0F) << 12 | low(b1) << 6 | low(b2), 3))
        }
        _ => {
            let (b2, b3) = (cont(2)?, cont(3)?);
            let cp = u32::from(b0 & 0x07) << 18 | low(b1) << 12 | low(b2) << 6 | low(b3);
            Some((cp, 4))
        }
    }
}

/// Whether `unicode_normalization::is_nfc_quick(s.chars())` answers `Yes`: every character's
/// NFC quick check is Yes and no non-zero combining class follows a higher one (an ASCII
/// character resets the order), read from the same per-block tables as the scan instead of
/// the crate's two hash lookups a character.
pub(super) fn nfc_quick_yes(s: &str) -> bool {
    let mut last_cc = 0u8;
    for c in s.chars() {
        let cp = c as u32;
        if cp < 0x80 {
            last_cc = 0;
            continue;
        }
        let cc = nfc_class(cp);
        if cc == NOT_YES || (last_cc > cc && cc != 0) {
            return false;
        }
        last_cc = cc;
    }
    true
}

/// [`nfc_class`] of a character whose NFC quick check is not Yes.
const NOT_YES: u8 = 0xFF;

/// The canonical combining class of a character whose NFC quick check is Yes, else
/// [`NOT_YES`] (no character has class 255). Kept in tables of 256 code points, each built
/// the first time a character of its block is seen.
#[inline]
fn nfc_class(cp: u32) -> u8 {
    fn slow(cp: u32) -> u8 {
        match char::from_u32(cp) {
            Some(c) if is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes => {
                canonical_combining_class(c)
            }
            _ => NOT_YES,
        }
    }
    static BLOCKS: [OnceLock<[u8; 256]>; 256] = [const { OnceLock::new() }; 256];
    match BLOCKS.get((cp >> 8) as usize) {
        Some(block) => block.get_or_init(|| {
            let base = cp & !0xFF;
            std::array::from_fn(|k| slow(base + k as u32))
        })[(cp & 0xFF) as usize],
        None => slow(cp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_agrees_with_std() {
        let check = |bytes: &[u8]| {
            let ours = decode(bytes, 0);
            let std = std::str::from_utf8(bytes)
                .ok()
                .and_then(|s| s.chars().next())
                .map(|c| (c as u32, c.len_utf8()))
                .filter(|&(_, n)| n == bytes.len());
            let ours = ours.filter(|&(_, n)| n == bytes.len());
            assert_eq!(ours, std, "{bytes:02x?}");
        };
        for b0 in 0x80..=0xFFu8 {
            for b1 in 0..=0xFFu8 {
                check(&[b0, b1]);
                for b2 in [0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF] {
                    check(&[b0, b1, b2]);
                    for b3 in [0x41, 0x80, 0xBF, 0xC0] {
                        check(&[b0, b1, b2, b3]);
                    }
                }
            }
        }
    }

    #[test]
    fn suspects() {
        let s = Scan::new(&Options::default(), true);
        assert_eq!(s.first_suspect(b"plain text\tand more\nlines"), None);
        assert_eq!(
            s.first_suspect("Привет, мир. 日本語 Ελληνικά".as_bytes()),
            None
        );
        assert_eq!(s.first_suspect(b"a &amp; b"), Some(2));
        assert_eq!(s.first_suspect(b"ok\nx\x1b[31m"), Some(4));
        assert_eq!(s.first_suspect("cafÃ©".as_bytes()), Some(5));
        assert_eq!(s.first_suspect(b"ab\xffcd"), Some(2));
        assert_eq!(s.first_suspect("e\u{301}".as_bytes()), Some(1));
        let off = Options {
            entities: Entities::Off,
            nfc: false,
            ..Options::default()
        };
        let s = Scan::new(&off, true);
        assert_eq!(s.first_suspect(b"a &amp; b"), None);
        assert_eq!(s.first_suspect("e\u{301}".as_bytes()), None);
    }

    #[test]
    fn plain_word_agrees_with_plain() {
        for amp in [true, false] {
            let opts = Options {
                entities: if amp { Entities::On } else { Entities::Off },
                ..Options::default()
            };
            let s = Scan::new(&opts, true);
            for b in 0..=255u8 {
                for at in 0..8 {
                    let mut w = *b"abcdefgh";
                    w[at] = b;
                    let word = u64::from_le_bytes(w);
                    assert_eq!(s.plain_word(word), s.plain(b) && b < 0x80, "{b:#x} at {at}");
                }
            }
        }
    }

    /// The three-byte shortcut of the scan skips the table for everything but U+2000..U+2FFF.
    #[test]
    fn tables_hold_nothing_in_u0800_to_u1fff() {
        const { assert!(TABLE_END <= 0x3000) };
        let t = pair_table();
        for cp in 0x800..0x2000u32 {
            assert_eq!(t[(cp - 0x80) as usize], 0, "U+{cp:04X}");
        }
    }

    /// The scan as its module docs state it, one character at a time.
    fn first_suspect_ref(opts: &Options, text: &str) -> Option<usize> {
        let scan = Scan::new(opts, true);
        let (lead, cont) = lead_cont();
        let at = |cp: u32, t: &[u16]| {
            cp.checked_sub(0x80)
                .and_then(|k| t.get(k as usize))
                .copied()
                .unwrap_or(0)
        };
        let mut prev_lead = 0u16;
        let mut last_cc = 0u8;
        for (i, c) in text.char_indices() {
            let cp = c as u32;
            if c.is_ascii() {
                if !scan.plain(c as u8) {
                    return Some(i);
                }
                prev_lead = 0;
                last_cc = 0;
                continue;
            }
            if !scan.non_ascii
                || cp < 0xA0
                || matches!(cp, 0x206A..=0x206F | 0xFEFF | 0xFFF9..=0xFFFC)
                || prev_lead & at(cp, cont) != 0
            {
                return Some(i);
            }
            prev_lead = at(cp, lead);
            if opts.nfc {
                let cc = nfc_class(cp);
                if cc == NOT_YES || (last_cc > cc && cc != 0) {
                    return Some(i);
                }
                last_cc = cc;
            }
        }
        None
    }

    proptest::proptest! {
        // Failing seeds are kept under tests/ (the crate root holds only the layout's folders).
        #![proptest_config(proptest::test_runner::Config {
            cases: 4000,
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::Direct(
                    "tests/regressions/repair_scan.txt",
                ),
            )),
            ..proptest::test_runner::Config::default()
        })]

        #[test]
        fn same_as_reference_scan(
            s in "[ -~\t\n\u{80}-\u{24f}\u{300}-\u{45f}\u{900}-\u{97f}\u{1e00}-\u{1eff}\u{2000}-\u{2130}\u{2500}-\u{25ff}\u{3000}-\u{30ff}\u{ac00}-\u{ac20}\u{d7f0}-\u{d7ff}\u{e000}-\u{e010}\u{feff}\u{fff0}-\u{fffd}\u{1f600}]{0,60}",
            nfc: bool,
            amp: bool,
        ) {
            let opts = Options {
                nfc,
                entities: if amp { Entities::On } else { Entities::Off },
                ..Options::default()
            };
            proptest::prop_assert_eq!(
                Scan::new(&opts, true).first_suspect(s.as_bytes()),
                first_suspect_ref(&opts, &s)
            );
        }

        #[test]
        fn nfc_quick_yes_same_as_crate(
            s in "[ -~\u{80}-\u{24f}\u{300}-\u{36f}\u{370}-\u{3ff}\u{591}-\u{5c7}\u{900}-\u{97f}\u{e30}-\u{e4f}\u{1e00}-\u{1fff}\u{2000}-\u{2130}\u{3099}\u{309a}\u{ac00}-\u{ac20}\u{f900}-\u{f910}\u{1d15e}-\u{1d164}\u{1f600}]{0,30}",
        ) {
            proptest::prop_assert_eq!(
                nfc_quick_yes(&s),
                is_nfc_quick(s.chars()) == IsNormalized::Yes
            );
        }
    }
}
