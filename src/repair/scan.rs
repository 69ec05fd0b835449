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
//! has to be right when it says "clean". Plain ASCII is checked 32 bytes at a time.

use super::mojibake::{lead_cont, seq_len, TABLE_END};
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
        // State carried from one non-ASCII character to the next; any ASCII byte resets it,
        // as in `may_have_mojibake` and in the NFC quick check.
        let mut prev_lead = 0u32;
        let mut last_cc = 0u8;
        // The encoding table, fetched at the first non-ASCII character: ASCII input never
        // builds it.
        let mut pairs: Option<&[u32; PAIRS]> = None;
        let mut i = 0;
        while i < b.len() {
            if let Some(chunk) = b.get(i..i + CHUNK) {
                if self.plain_chunk(chunk) {
                    prev_lead = 0;
                    last_cc = 0;
                    i += CHUNK;
                    continue;
                }
            }
            // Character by character to the end of this chunk.
            let end = (i + CHUNK).min(b.len());
            while i < end {
                let c = b[i];
                if c < 0x80 {
                    if !self.plain(c) {
                        return Some(i);
                    }
                    prev_lead = 0;
                    last_cc = 0;
                    i += 1;
                    continue;
                }
                if !self.non_ascii {
                    return Some(i);
                }
                // Two-byte sequences (Latin, Greek, Cyrillic, Hebrew, Arabic…) inline.
                let (cp, len) = match (c, b.get(i + 1)) {
                    (0xC2..=0xDF, Some(&c1)) if c1 & 0xC0 == 0x80 => {
                        (u32::from(c & 0x1F) << 6 | u32::from(c1 & 0x3F), 2)
                    }
                    _ => match decode(b, i) {
                        Some(d) => d,
                        None => return Some(i),
                    },
                };
                if cp < 0xA0 || matches!(cp, 0x206A..=0x206F | 0xFEFF | 0xFFF9..=0xFFFC) {
                    return Some(i);
                }
                let pairs = *pairs.get_or_insert_with(pair_table);
                prev_lead = match pairs.get((cp - 0x80) as usize) {
                    Some(&p) => {
                        if prev_lead & p >> 16 != 0 {
                            return Some(i);
                        }
                        p & 0xFFFF
                    }
                    None => 0,
                };
                if self.nfc {
                    let cc = nfc_class(cp);
                    if cc == NOT_YES || (last_cc > cc && cc != 0) {
                        return Some(i);
                    }
                    last_cc = cc;
                }
                i += len;
            }
        }
        None
    }

    /// An ASCII byte that needs no fix.
    #[inline]
    fn plain(&self, c: u8) -> bool {
        (0x20..0x7F).contains(&c) && (c != b'&' || !self.amp) || c == b'\t' || c == b'\n'
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

/// Bytes checked at a time for plain ASCII.
const CHUNK: usize = 32;

const PAIRS: usize = (TABLE_END - 0x80) as usize;

/// Per code point from 0x80 to [`TABLE_END`]: the encodings where it is a UTF-8 lead byte
/// (low half) and those where it is a continuation byte (high half), in one load.
fn pair_table() -> &'static [u32; PAIRS] {
    static T: OnceLock<Box<[u32; PAIRS]>> = OnceLock::new();
    T.get_or_init(|| {
        let (lead, cont) = lead_cont();
        let mut t = Box::new([0u32; PAIRS]);
        for (k, p) in t.iter_mut().enumerate() {
            let l = lead.get(k).copied().unwrap_or(0);
            let c = cont.get(k).copied().unwrap_or(0);
            *p = u32::from(l) | u32::from(c) << 16;
        }
        t
    })
}

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
}
