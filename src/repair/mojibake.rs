//! Mojibake: UTF-8 bytes that were decoded with a single-byte encoding, then stored as UTF-8
//! again (`cafÃ©` for `café`, `â€™` for `’`, `Ä°smail` for `İsmail`).
//!
//! The approach follows ftfy's two guards (Robyn Speer, ftfy, `fix_encoding`): a line is
//! touched only where it holds a sequence that (1) re-encodes in a candidate single-byte
//! encoding to a valid UTF-8 sequence, and (2) reads better decoded than as it stands. Unlike
//! ftfy, which takes the first candidate encoding that round-trips, every candidate is scored
//! and the one whose result reads best wins, and the decision is made word by word, so one
//! garbled word in a correct line is repaired without touching the rest.
//!
//! "Reads better" is [`badness`]: a count of patterns that are rare in real text and common in
//! mojibake (rare symbols glued to non-ASCII letters, a letter of one script inside a word of
//! another, a capital after a small letter, C1 controls, characters from blocks that decoding
//! noise lands in, such as IPA and NKo). A fix is taken only when it lowers the count.
//!
//! Each pass first tries the whole line at once ([`whole`]): a line garbled whole in one
//! encoding, the common case, is decoded without being cut into words. The word-by-word pass
//! ([`fix_once`]) takes the lines it leaves undecided.

use std::cell::RefCell;
use std::sync::OnceLock;

#[cfg(test)]
mod reference;
mod whole;

/// Candidate encodings, in the order that breaks ties. Latin-1 is folded into the first one:
/// "sloppy" Windows-1252 also maps the C1 code points to their own byte numbers.
const ENCODINGS: [&str; 10] = [
    "windows-1252",
    "windows-1251",
    "windows-1250",
    "windows-1253",
    "windows-1254",
    "windows-1257",
    "iso-8859-2",
    "macintosh",
    "cp437",
    "koi8-r",
];
pub(super) const N_ENC: usize = ENCODINGS.len();

/// Code points below this are looked up in tables; above, nothing is a mojibake byte.
pub(super) const TABLE_END: u32 = 0x2600;

/// Entries of [`Tables::padded`]: a power of two past [`TABLE_END`], so that the last
/// entries have no byte.
pub(super) const BY_ID: usize = 0x4000;

/// The upper half (0x80..=0xFF) of IBM code page 437, which `encoding_rs` does not carry.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

struct Tables {
    /// For each encoding, code point (minus 0x80) → byte, 0 when the character has none.
    encode: Vec<Vec<u8>>,
    /// Per code point (minus 0x80): bit e set when the char encodes to a UTF-8 lead byte in e.
    lead: Vec<u16>,
    /// Per code point (minus 0x80): bit e set when the char encodes to a continuation byte.
    cont: Vec<u16>,
    /// The tables the whole-line walk reads on every character, in one block ([`Fast`]).
    fast: Box<Fast>,
    /// Per code point (minus 0x80): the encodings that give the character the same byte as
    /// Windows-1252 does (or, like it, none).
    same: Vec<u16>,
    /// Per code point below [`TABLE_END`], ASCII included, in blocks of 256 built the first
    /// time a character of the block is looked up: what a [`Ch`] holds besides the character,
    /// so that looking one up is one load. (All blocks at once would cost ~9M instructions a
    /// process, for blocks that text seldom needs.)
    look: [OnceLock<Box<[Look; 256]>>; (TABLE_END / 256) as usize],
    /// The same for U+0000..U+07FF, built with the tables: ASCII, and the two-byte range of
    /// UTF-8 that most decoded characters are in (Latin, Greek, Cyrillic, Hebrew, Arabic),
    /// looked up without the block's `OnceLock`.
    low: Vec<Look>,
}

/// The tables the whole-line walk reads on every character, in one heap block: the walk forms
/// each table's address from one base instead of keeping four table bases in registers
/// (issue 3, session 24, where this block was a copy of four separate tables held in a
/// `static`; it is the tables themselves since session 18).
pub(super) struct Fast {
    /// [`Fast::wide`] of U+0000..U+07FF by code point (nothing below U+0080), so that the
    /// whole-line walk looks a two-byte character up by its code point as decoded, without
    /// a subtraction or a mask (issue 3).
    two: [Masks; 0x800],
    /// Per code point (minus 0x80): `lead`, `cont`, and the encodings in which the char has
    /// a byte at all, together, for [`split`]'s one load a character.
    wide: [Masks; (TABLE_END - 0x80) as usize],
    /// [`Tables::encode`] by code point (not less 0x80), each encoding's padded with zeros to
    /// [`BY_ID`] entries, so that the whole-line pass looks a kept character up with a masked
    /// index and no bounds check (issue 3).
    padded: [[u8; BY_ID]; N_ENC],
    /// Per code point below [`TABLE_END`]: [`DECODED_BAD`] when it is of class Bad and not a
    /// C1 control, else its `lead` in the low half and its `cont` in the high half (from
    /// U+0800 up, [`Masks::lead`] and [`Masks::cont`]): what the whole-line pass asks of a
    /// character it decoded, in one load (issue 3).
    decoded: [u32; TABLE_END as usize],
}

impl Fast {
    /// The block, filled in place on the heap (built by value, its 290 KB went through
    /// enough copies on the stack of an unoptimized build to overflow a 2 MiB thread).
    fn new(two: &[Masks], wide: &[Masks], padded: &[u8], decoded: &[u32]) -> Box<Fast> {
        const ZERO: Masks = Masks {
            lead: 0,
            cont: 0,
            any_same: 0,
        };
        let mut f = Box::new(Fast {
            two: [ZERO; 0x800],
            wide: [ZERO; (TABLE_END - 0x80) as usize],
            padded: [[0u8; BY_ID]; N_ENC],
            decoded: [0u32; TABLE_END as usize],
        });
        for (to, from) in f.two.iter_mut().zip(two) {
            *to = *from;
        }
        for (to, from) in f.wide.iter_mut().zip(wide) {
            *to = *from;
        }
        for (to, from) in f.padded.iter_mut().flatten().zip(padded) {
            *to = *from;
        }
        for (to, from) in f.decoded.iter_mut().zip(decoded) {
            *to = *from;
        }
        f
    }
}

/// [`Tables::decoded`] of a character a reading may not hold.
pub(super) const DECODED_BAD: u32 = 1 << 15;

/// Lead, continuation, "has a byte" and "same byte as Windows-1252" masks of one code point.
#[derive(Clone, Copy)]
struct Masks {
    lead: u16,
    cont: u16,
    /// The "has a byte" mask in the low half, [`Tables::same`]'s in the high half: the
    /// whole-line walk folds both into the line's with one `and` (issue 3). Past the
    /// encodings, [`NOT_BAD`].
    any_same: u32,
}

/// A bit of [`Masks::any_same`]'s low half, past the encodings: set unless the character is
/// of class Bad, which [`rules`] scores on its own. The whole-line walk, in
/// the same `and`, learns that its line reads badly without scoring it (issue 3).
pub(super) const NOT_BAD: u32 = 1 << 15;

/// The encodings' bits of [`Masks::any_same`].
pub(super) const ENC_BITS: u32 = (1 << N_ENC) - 1;

/// Bits of [`Masks::lead`] and [`Masks::cont`] past the encodings: a character whose `lead`
/// shares one with the next character's `cont` makes [`rules`] score the next one, whatever
/// comes after it. A walk that folds `prev_lead & cont` into its pair mask, as the
/// whole-line walk and [`split`] do, learns on the way that the line reads badly: mojibake
/// nearly always holds such a pair in its first two characters (issue 3: scoring garbled
/// lines for their first bad spot cost ≈ 30M instructions on the eval's).
pub(super) const PROOF: u16 = !(ENC_BITS as u16);

/// The [`PROOF`] bits (`lead`, `cont`) of a non-ASCII character with [`info`] `f`, one bit a
/// rule of [`rules`] that scores a non-ASCII character after another whatever follows:
/// a rare symbol after a letter, rare symbol or glue (bit 10); a letter after a letter of
/// another script, Latin then not (11) or not then Latin (12); a capital after a small
/// letter (13); a continuation letter after an accented capital (14).
fn proof_bits(f: u32) -> (u16, u16) {
    const RARE: u32 = Class::Rare as u32;
    const UPPER: u32 = Class::Upper as u32;
    const LOWER: u32 = Class::Lower as u32;
    let (k, letter, latin) = (f & CLASS, f & LETTER != 0, f >> 16 == 1);
    let bit = |b: bool, n: u32| if b { 1u16 << n } else { 0 };
    let lead = bit(f & GLUED_TO != 0, 10)
        | bit(letter && latin, 11)
        | bit(letter && !latin, 12)
        | bit(k == LOWER, 13)
        | bit(k == UPPER, 14);
    let cont = bit(k == RARE, 10)
        | bit(letter && !latin, 11)
        | bit(letter && latin, 12)
        | bit(k == UPPER, 13)
        | bit(letter && f & CONT_LETTER != 0, 14);
    (lead, cont)
}

impl Masks {
    /// The encodings in which the character has a byte.
    fn any(&self) -> u16 {
        (self.any_same & ENC_BITS) as u16
    }

    /// [`Tables::same`].
    #[cfg(test)]
    fn same(&self) -> u16 {
        (self.any_same >> 16) as u16
    }
}

/// [`info`], lead and continuation masks of one code point.
#[derive(Clone, Copy, Default)]
struct Look {
    f: u32,
    lead: u16,
    cont: u16,
}

/// The characters of bytes 0x80..=0xFF in the encoding `name`; a byte it leaves undefined
/// reads as the code point of the same number ("sloppy", as ftfy reads them).
///
/// The 128 bytes are decoded at once: every candidate is a single-byte encoding, one
/// character a byte and U+FFFD for an undefined one (issue 3: decoding them one at a time
/// cost ≈ 0.4M instructions a process, 4% of the run on the eval's clean lines).
fn upper_half(name: &str) -> Vec<char> {
    if name == "cp437" {
        return CP437_HIGH.chars().collect();
    }
    let Some(enc) = encoding_rs::Encoding::for_label(name.as_bytes()) else {
        return Vec::new();
    };
    let high: Vec<u8> = (0x80u8..=0xFF).collect();
    let chars: Vec<char> = enc.decode_without_bom_handling(&high).0.chars().collect();
    if chars.len() == high.len() {
        return chars
            .into_iter()
            .zip(high)
            .map(|(c, b)| if c == '\u{FFFD}' { char::from(b) } else { c })
            .collect();
    }
    upper_half_bytewise(enc)
}

/// [`upper_half`] one byte at a time, for an encoding that is not single-byte.
fn upper_half_bytewise(enc: &'static encoding_rs::Encoding) -> Vec<char> {
    (0x80u8..=0xFF)
        .map(|b| {
            let one = [b];
            let (s, had_errors) = enc.decode_without_bom_handling(&one);
            match s.chars().next() {
                // Undefined bytes: the "sloppy" reading, same-numbered code point.
                Some(c) if !had_errors && c != '\u{FFFD}' => c,
                _ => char::from(b),
            }
        })
        .collect()
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let size = (TABLE_END - 0x80) as usize;
        // Zeroed allocations, not clones of one (a copy of each table).
        let mut encode: Vec<Vec<u8>> = (0..N_ENC).map(|_| vec![0u8; size]).collect();
        let mut padded = vec![0u8; N_ENC * BY_ID];
        let mut lead = vec![0u16; size];
        let mut cont = vec![0u16; size];
        let mut any = vec![0u16; size];
        for (e, name) in ENCODINGS.iter().enumerate() {
            let mut set = |c: char, b: u8| {
                let cp = c as u32;
                if (0x80..TABLE_END).contains(&cp) {
                    let i = (cp - 0x80) as usize;
                    if encode[e][i] == 0 {
                        encode[e][i] = b;
                        padded[e * BY_ID + cp as usize] = b;
                        any[i] |= 1 << e;
                        if (0xC2..=0xF4).contains(&b) {
                            lead[i] |= 1 << e;
                        } else if (0x80..=0xBF).contains(&b) {
                            cont[i] |= 1 << e;
                        }
                    }
                }
            };
            for (k, c) in upper_half(name).into_iter().enumerate() {
                set(c, 0x80 + k as u8);
            }
            if e == 0 {
                // Latin-1: C1 controls are their own bytes.
                for b in 0x80u8..=0x9F {
                    set(char::from(b), b);
                }
            }
        }
        let low: Vec<Look> = (0..0x800)
            .map(|cp| {
                let c = char::from_u32(cp).unwrap_or('\0');
                let (lead, cont) = idx(c).map_or((0, 0), |i| (lead[i], cont[i]));
                Look {
                    f: info(c),
                    lead,
                    cont,
                }
            })
            .collect();
        let mut decoded: Vec<u32> = low
            .iter()
            .enumerate()
            .map(|(cp, l)| {
                if cp >= 0xA0 && l.f & CLASS == Class::Bad as u32 {
                    DECODED_BAD
                } else {
                    u32::from(l.lead) | u32::from(l.cont) << 16
                }
            })
            .collect();
        // One encoding at a time, so that the comparisons run many at once.
        let mut same = vec![0u16; size];
        for (e, bytes) in encode.iter().enumerate() {
            let (bytes, b0, same) = (&bytes[..size], &encode[0][..size], &mut same[..size]);
            for i in 0..size {
                same[i] |= u16::from(bytes[i] == b0[i]) << e;
            }
        }
        // Class Bad: from the flags in the two-byte range, by block above it.
        let bad = |cp: u32| match low.get(cp as usize) {
            Some(l) => l.f & CLASS == Class::Bad as u32,
            None => is_noise(cp),
        };
        // Badness proofs, only for characters some encoding has a byte for (a line holding
        // another is given up): from the flags in the two-byte range, from the character's
        // own above it.
        let proof = |i: usize| {
            if any[i] == 0 {
                return (0, 0);
            }
            let cp = 0x80 + i as u32;
            proof_bits(match low.get(cp as usize) {
                Some(l) => l.f,
                None => char::from_u32(cp).map_or(0, info_slow),
            })
        };
        let masks: Vec<Masks> = (0..size)
            .map(|i| {
                let (proof_lead, proof_cont) = proof(i);
                Masks {
                    lead: lead[i] | proof_lead,
                    cont: cont[i] | proof_cont,
                    any_same: u32::from(any[i])
                        | u32::from(same[i]) << 16
                        | if bad(0x80 + i as u32) { 0 } else { NOT_BAD },
                }
            })
            .collect();
        // From U+0800 up, noise comes in blocks of 16 code points ([`NOISE_16`]).
        for (ms, block) in masks
            .get(0x800 - 0x80..)
            .unwrap_or_default()
            .chunks(16)
            .zip(0u32..)
        {
            let noise = is_noise(0x800 + 16 * block);
            decoded.extend(ms.iter().map(|m| match noise {
                true => DECODED_BAD,
                false => u32::from(m.lead) | u32::from(m.cont) << 16,
            }));
        }
        let none = Masks {
            lead: 0,
            cont: 0,
            any_same: 0,
        };
        let two: Vec<Masks> = std::iter::repeat_n(none, 0x80)
            .chain(masks.iter().take(0x800 - 0x80).copied())
            .collect();
        Tables {
            fast: Fast::new(&two, &masks, &padded, &decoded),
            encode,
            lead,
            cont,
            same,
            look: [const { OnceLock::new() }; (TABLE_END / 256) as usize],
            low,
        }
    })
}

#[inline]
fn idx(c: char) -> Option<usize> {
    let cp = c as u32;
    (0x80..TABLE_END)
        .contains(&cp)
        .then(|| (cp - 0x80) as usize)
}

/// Per code point from 0x80 to [`TABLE_END`]: the candidate encodings in which the
/// character is a UTF-8 lead byte, and those in which it is a continuation byte. The pair
/// test of [`may_have_mojibake`] on these is what the one-pass scan of clean lines uses.
pub(super) fn lead_cont() -> (&'static [u16], &'static [u16]) {
    let t = tables();
    (&t.lead, &t.cont)
}

/// True when the line holds a character that could start a mojibake sequence followed by one
/// that could continue it, in some candidate encoding. Cheap; lets clean lines skip the rest.
pub fn may_have_mojibake(line: &str) -> bool {
    let t = tables();
    let mut prev_lead = 0u16;
    for c in line.chars() {
        let i = match idx(c) {
            Some(i) => i,
            None => {
                prev_lead = 0;
                continue;
            }
        };
        if prev_lead & t.cont[i] != 0 {
            return true;
        }
        prev_lead = t.lead[i];
    }
    false
}

/// Length of a UTF-8 sequence from its lead byte and whether `second` may follow it.
#[inline]
pub(super) fn seq_len(lead: u8, second: u8) -> Option<usize> {
    let (n, lo, hi) = match lead {
        0xC2..=0xDF => (2, 0x80, 0xBF),
        0xE0 => (3, 0xA0, 0xBF),
        0xE1..=0xEC | 0xEE..=0xEF => (3, 0x80, 0xBF),
        0xED => (3, 0x80, 0x9F),
        0xF0 => (4, 0x90, 0xBF),
        0xF1..=0xF3 => (4, 0x80, 0xBF),
        0xF4 => (4, 0x80, 0x8F),
        _ => return None,
    };
    (lo..=hi).contains(&second).then_some(n)
}

/// Bytes Windows-1252 leaves undefined: a pipeline that decoded UTF-8 as Windows-1252
/// strictly lost them, leaving `?` or U+FFFD in their place.
const LOST: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

/// Characters a lost byte most likely stood for: letters of the common alphabets and the
/// typographic quotes. Among several fits the first in code point order is taken.
fn common(c: char) -> bool {
    matches!(c as u32,
        0xC0..=0xFF | 0x391..=0x3C9 | 0x410..=0x44F | 0x5D0..=0x5EA | 0x621..=0x64A
        | 0x2013 | 0x2014 | 0x2018..=0x201E | 0x2022 | 0x2026 | 0x20AC)
}

/// What decoding a word in one encoding gave: how many sequences were decoded, and whether
/// every non-ASCII character of the input was part of one (the whole word was mojibake). The
/// characters themselves go onto the end of the caller's buffer.
struct Decoded {
    n: u32,
    full: bool,
    /// Every non-ASCII character, letter or not, was part of a sequence.
    all: bool,
}

/// Decodes every mojibake sequence of encoding `e` in `word` onto the end of `out`, or
/// returns `None`, leaving `out` as it was, when there is none.
///
/// Characters outside a sequence are copied with what was already looked up about them;
/// only decoded characters are looked up anew. The word is copied whole once and then
/// compacted in place (a reading is never longer than its word), so a run of kept
/// characters costs no call of its own.
fn decode_into(
    t: &Tables,
    word: &[Ch],
    e: usize,
    wild: bool,
    out: &mut Vec<Ch>,
) -> Option<Decoded> {
    let bit = 1u16 << e;
    let enc: &[u8] = &t.encode[e];
    // Flags of the characters kept as they were, or-ed, and their negations or-ed.
    let mut kept = 0u32;
    let mut kept_not = 0u32;
    let mut i = 0;
    // Up to the first sequence nothing is written.
    let first = loop {
        let ch = word.get(i)?;
        // `lead` has the bit for bytes 0xC2..=0xF4 only: a character on 0xF5..=0xFF can
        // never start a well-formed sequence, so skipping it here changes nothing.
        if ch.lead & bit != 0 {
            if let Some(found) = decode_seq(enc, word, i, bit, e == 0 && wild) {
                break found;
            }
        }
        kept |= ch.f;
        kept_not |= !ch.f;
        i += 1;
    };
    let start = out.len();
    out.extend_from_slice(word);
    // The reading so far is `dst[..w]`; `w <= i` throughout.
    let dst = &mut out[start..];
    let mut w = i;
    let (d, len) = first;
    dst[w] = Ch::new(t, d);
    w += 1;
    i += len;
    let mut n_fixed = 1;
    let lossy = e == 0 && wild;
    while let Some(ch) = word.get(i) {
        if ch.lead & bit != 0 {
            if let Some((d, len)) = decode_seq(enc, word, i, bit, lossy) {
                dst[w] = Ch::new(t, d);
                w += 1;
                i += len;
                n_fixed += 1;
                continue;
            }
        }
        kept |= ch.f;
        kept_not |= !ch.f;
        dst[w] = *ch;
        w += 1;
        i += 1;
    }
    out.truncate(start + w);
    Some(Decoded {
        n: n_fixed,
        full: kept & NON_ASCII_LETTER == 0,
        all: kept_not & ASCII == 0,
    })
}

/// The character that the sequence starting at `word[i]` (a lead character in the encoding
/// whose byte table is `enc` and whose mask bit is `bit`) stands for, and its length in
/// characters; `None` when it is not a well-formed sequence. With `lossy` (Windows-1252 on the
/// first layer) a space stands for a no-break space and `?` or U+FFFD for a lost byte, which
/// is filled in with the first of [`LOST`] that gives a [`common`] character, else U+FFFD
/// when any fits at all.
#[inline(always)]
fn decode_seq(enc: &[u8], word: &[Ch], i: usize, bit: u16, lossy: bool) -> Option<(char, usize)> {
    let byte = |c: char| enc.get((c as u32).wrapping_sub(0x80) as usize).copied();
    let b0 = byte(word[i].c)?;
    // Two-byte sequences, the most common, without the general loop: every lead byte in
    // 0xC2..=0xDF takes any continuation byte.
    if b0 < 0xE0 {
        if let Some(ch) = word.get(i + 1).filter(|ch| ch.cont & bit != 0) {
            let b1 = byte(ch.c)?;
            let cp = u32::from(b0 & 0x1F) << 6 | u32::from(b1 & 0x3F);
            return Some((char::from_u32(cp)?, 2));
        }
    }
    let len = match b0 {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    };
    let rest = word.get(i + 1..i + len)?;
    let mut bytes = [b0, 0, 0, 0];
    let mut lost_at = 0;
    for (k, ch) in rest.iter().enumerate() {
        bytes[k + 1] = if ch.cont & bit != 0 {
            byte(ch.c)?
        } else if lossy && ch.c == ' ' {
            0xA0
        } else if lossy && matches!(ch.c, '?' | '\u{FFFD}') && lost_at == 0 {
            lost_at = k + 1;
            0
        } else {
            return None;
        };
    }
    if lost_at == 0 {
        return Some((utf8_char(&bytes[..len])?, len));
    }
    let mut any = false;
    for &b in &LOST {
        bytes[lost_at] = b;
        if let Some(d) = utf8_char(&bytes[..len]) {
            if common(d) {
                return Some((d, len));
            }
            any = true;
        }
    }
    any.then_some(('\u{FFFD}', len))
}

/// The character of one UTF-8 sequence whose bytes after the first are all in 0x80..=0xBF
/// and whose length is the one its first byte announces, or `None` when it is ill-formed
/// (an overlong form, a surrogate, beyond U+10FFFF): the same answer as `str::from_utf8`,
/// without its general loop.
#[inline]
fn utf8_char(bytes: &[u8]) -> Option<char> {
    let (&b0, rest) = bytes.split_first()?;
    if seq_len(b0, *rest.first()?)? != bytes.len() {
        return None;
    }
    let mut cp = u32::from(b0) & (0x7F >> bytes.len());
    for &b in rest {
        cp = cp << 6 | u32::from(b & 0x3F);
    }
    char::from_u32(cp)
}

/// What scoring asks about a character, packed: its [`Class`] in the low bits, the flags
/// below, and its script in the high half.
///
/// These are asked for every character of every candidate reading, and the standard
/// library's Unicode property lookups are a binary search each, so the answers for the BMP
/// are kept in tables of 256 code points, each built the first time a character of its block
/// is asked about. A whole BMP table at once cost ~35M instructions per process, most of it
/// for blocks a run never sees (issue 3).
#[inline]
fn info(c: char) -> u32 {
    static BLOCKS: [OnceLock<[u32; 256]>; 256] = [const { OnceLock::new() }; 256];
    let cp = c as u32;
    match BLOCKS.get((cp >> 8) as usize) {
        Some(block) => block.get_or_init(|| {
            let base = cp & !0xFF;
            if uniform_block(base >> 8) {
                return [char::from_u32(base).map_or(0, info_slow); 256];
            }
            std::array::from_fn(|k| char::from_u32(base + k as u32).map_or(0, info_slow))
        })[(cp & 0xFF) as usize],
        None => info_slow(c),
    }
}

/// Blocks of 256 code points (by their number, `cp >> 8`) whose characters all have the same
/// [`info`]: CJK ideographs (extension A and the unified block) and Hangul syllables, a
/// letter of one script each. Their tables are filled from one character (issue 3: building
/// the ~120 blocks that CJK and Korean mojibake decodes into cost ~30M instructions a process,
/// most of the one-off cost on garbled lines). `uniform_blocks_are_uniform` checks it.
fn uniform_block(block: u32) -> bool {
    matches!(block, 0x34..=0x4C | 0x4E..=0x9F | 0xAC..=0xD6)
}

/// The [`Class`] bits of [`info`].
const CLASS: u32 = 0x7;
/// Upper, lower or other letter.
const LETTER: u32 = 1 << 3;
const ASCII: u32 = 1 << 4;
/// [`is_glue_punct`].
const GLUE: u32 = 1 << 5;
/// [`is_cont_letter`].
const CONT_LETTER: u32 = 1 << 6;
/// A combining mark, U+0300..=U+036F.
const MARK: u32 = 1 << 7;
/// [`is_common_mark`].
const COMMON_MARK: u32 = 1 << 8;
/// Non-ASCII, and a letter, a rare symbol or glue punctuation: a rare symbol next to it is
/// "glued".
const GLUED_TO: u32 = 1 << 9;
/// The space character (also what [`badness_of`] puts beyond both ends of a word).
const SPACE: u32 = 1 << 10;
const QMARK: u32 = 1 << 11;
const REPLACEMENT: u32 = 1 << 12;
/// Script 7 or 8 (CJK, Hangul).
const CJK: u32 = 1 << 13;
/// A letter that is not ASCII.
const NON_ASCII_LETTER: u32 = 1 << 14;
/// A character some rule of [`badness_of`] scores on its own account, not only as a letter
/// after a letter: class Bad or Rare, glue punctuation, `?`, U+FFFD, a combining mark.
const SCORED: u32 = 1 << 15;

fn info_slow(c: char) -> u32 {
    let k = class_slow(c);
    let letter = matches!(k, Class::Upper | Class::Lower | Class::Letter);
    let script = script_slow(c);
    let flag = |b: bool, f: u32| if b { f } else { 0 };
    k as u32
        | flag(letter, LETTER)
        | flag(c.is_ascii(), ASCII)
        | flag(is_glue_punct(c), GLUE)
        | flag(is_cont_letter(c), CONT_LETTER)
        | flag((0x300..=0x36F).contains(&(c as u32)), MARK)
        | flag(is_common_mark(c), COMMON_MARK)
        | flag(
            !c.is_ascii() && (is_glue_punct(c) || letter || k == Class::Rare),
            GLUED_TO,
        )
        | flag(c == ' ', SPACE)
        | flag(c == '?', QMARK)
        | flag(c == '\u{FFFD}', REPLACEMENT)
        | flag(matches!(script, 7 | 8), CJK)
        | flag(letter && !c.is_ascii(), NON_ASCII_LETTER)
        | flag(
            matches!(k, Class::Bad | Class::Rare)
                || is_glue_punct(c)
                || matches!(c, '?' | '\u{FFFD}')
                || (0x300..=0x36F).contains(&(c as u32)),
            SCORED,
        )
        | script << 16
}

/// Rough script of a letter, by Unicode block. Only equality between two scripts matters.
fn script_slow(c: char) -> u32 {
    let cp = c as u32;
    match cp {
        0..=0x2FF | 0x1D00..=0x1DBF | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF => 1, // Latin
        0x370..=0x3FF | 0x1F00..=0x1FFF => 2, // Greek
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => 3, // Cyrillic
        0x530..=0x58F => 4,                   // Armenian
        0x590..=0x5FF | 0xFB1D..=0xFB4F => 5, // Hebrew
        0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => 6,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x31F0..=0x31FF => {
            7
        }
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => 8, // Hangul
        0x1200..=0x139F | 0x2D80..=0x2DDF => 9,                   // Ethiopic
        0x0F00..=0x0FFF => 10,                                    // Tibetan
        0x1000..=0x109F => 11,                                    // Myanmar
        0x1400..=0x167F => 12,                                    // Canadian syllabics
        0x10A0..=0x10FF | 0x1C90..=0x1CBF => 13,                  // Georgian
        _ => 0x100 + (cp >> 7),                                   // one per 128-block
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Class {
    Upper,
    Lower,
    Letter,
    /// Symbols and punctuation that mojibake is made of: noise when glued to letters.
    Rare,
    /// Characters decoding noise lands on and real text almost never holds.
    Bad,
    Other,
}

fn class_slow(c: char) -> Class {
    let cp = c as u32;
    match cp {
        0x80..=0x9F => Class::Bad,
        // IPA letters that living orthographies use (Azerbaijani ə, African ɛ ɔ ŋ-family).
        0x254 | 0x256 | 0x257 | 0x259 | 0x25B | 0x263 | 0x268 | 0x269 | 0x272 | 0x28A | 0x28B
        | 0x292 | 0x294 => {
            if c.is_uppercase() {
                Class::Upper
            } else {
                Class::Lower
            }
        }
        0x250..=0x2AF => Class::Bad,
        _ if noise_block(cp) => Class::Bad,
        // Latin Extended-B beyond the letters living languages use (Romanian, Vietnamese,
        // Pinyin, Azerbaijani, Sami): rare in text, common in decoding noise.
        0x180..=0x24F if !is_common_ext_b(cp) => Class::Bad,
        0xA0..=0xBF | 0xD7 | 0xF7 => match c {
            'ª' | 'º' => Class::Lower,
            _ => Class::Rare,
        },
        0x2020..=0x2022 | 0x2030 | 0x2039 | 0x203A | 0x20AC | 0x2122 | 0x192 | 0x2C6 | 0x2DC => {
            Class::Rare
        }
        0x2500..=0x25FF | 0x2200..=0x22FF | 0x2320..=0x2321 | 0x2310 | 0x20A7 | 0x207F => {
            Class::Rare
        }
        _ if c.is_uppercase() => Class::Upper,
        _ if c.is_lowercase() => Class::Lower,
        _ if c.is_alphabetic() => Class::Letter,
        _ => Class::Other,
    }
}

/// Code points of class Bad from U+0700 up, by block alone: Syriac, NKo and the blocks
/// around them, private use, noncharacters, and blocks of scripts and signs that decoding
/// noise lands in far more often than text is written in them (Ogham, Runic, Philippine
/// scripts, Mongolian, Tai Tham, Balinese, Glagolitic, Coptic, Lisu, Vai, Bamum, and others).
/// From U+0800 up these are all of class Bad, so the whole-line pass asks this and not
/// [`info`] of a decoded character of three or four bytes.
#[inline]
const fn noise_block(cp: u32) -> bool {
    matches!(cp,
        0x700..=0x77F
        | 0x7C0..=0x89F
        | 0x1680..=0x177F
        | 0x1800..=0x1C7F
        | 0x1CC0..=0x1CFF
        | 0x2C00..=0x2C5F
        | 0x2C80..=0x2D7F
        | 0xA4D0..=0xA6FF
        | 0xA800..=0xABFF
        | 0xE000..=0xF8FF
        | 0xFFF0..=0xFFFC
        | 0xFFFE
        | 0xFFFF)
}

/// [`noise_block`] of the BMP below U+FFF0 by 16 code points (every block it names starts
/// and ends on a multiple of 16 there), one bit each, built at compile time.
const NOISE_16: [u64; 64] = {
    let mut bits = [0u64; 64];
    let mut k = 0;
    while k < 4096 {
        if noise_block(k << 4) {
            bits[(k >> 6) as usize] |= 1 << (k & 63);
        }
        k += 1;
    }
    bits
};

/// [`noise_block`] in one load and a shift for most code points (issue 3: the whole-line pass
/// asks it of every decoded character of three bytes, and its ranges cost some 30
/// instructions).
#[inline(always)]
fn is_noise(cp: u32) -> bool {
    match NOISE_16.get((cp >> 10) as usize) {
        Some(&bits) if cp < 0xFFF0 => bits >> (cp >> 4 & 63) & 1 != 0,
        _ => noise_block(cp),
    }
}

fn is_common_ext_b(cp: u32) -> bool {
    matches!(cp, 0x18F | 0x192 | 0x1A0 | 0x1A1 | 0x1AF | 0x1B0 | 0x1B7 | 0x1CD..=0x1DD | 0x1E6..=0x1EF
        | 0x1F4 | 0x1F5 | 0x1F8..=0x1FF | 0x218..=0x21B)
}

/// Letters that Windows-1252, -1250 and -1257 put at UTF-8 continuation byte values.
fn is_cont_letter(c: char) -> bool {
    matches!(
        c,
        'Š' | 'š'
            | 'Œ'
            | 'œ'
            | 'Ž'
            | 'ž'
            | 'Ÿ'
            | 'ª'
            | 'º'
            | 'Ś'
            | 'Ť'
            | 'Ź'
            | 'ś'
            | 'ť'
            | 'ź'
            | 'Ł'
            | 'Ą'
            | 'Ş'
            | 'Ż'
            | 'ł'
            | 'ą'
            | 'ş'
            | 'Ľ'
            | 'ľ'
            | 'ż'
            | 'Ŗ'
            | 'ŗ'
            | 'Ø'
            | 'ø'
            | 'Æ'
            | 'æ'
    )
}

/// Combining marks that decomposed text in living orthographies uses (acute, grave,
/// circumflex, tilde, macron, breve, dot, diaeresis, ring, caron, dot and comma below,
/// cedilla, ogonek, macron below).
fn is_common_mark(c: char) -> bool {
    matches!(c as u32, 0x300..=0x304 | 0x306..=0x308 | 0x30A | 0x30C | 0x323 | 0x331)
}

/// Punctuation that mojibake puts between letters and real text rarely does (apostrophes,
/// hyphens and the middle dot are left out: they join words in real text).
fn is_glue_punct(c: char) -> bool {
    matches!(c as u32, 0x2012..=0x2017 | 0x201A..=0x205E) && c != '\u{2027}'
}

/// How mojibake-like a word looks; higher is worse. See the module docs.
pub fn badness(word: &[char]) -> u32 {
    let t = tables();
    let chs: Vec<Ch> = word.iter().map(|&c| Ch::new(t, c)).collect();
    badness_of(&chs)
}

/// A character of a word or of a reading with what scoring and decoding ask about it, looked
/// up once: its [`info`], and the candidate encodings in which it is a UTF-8 lead or
/// continuation byte.
#[derive(Clone, Copy)]
struct Ch {
    c: char,
    f: u32,
    lead: u16,
    cont: u16,
}

/// [`Tables::look`] for the block of 256 code points from `base`.
fn look_block(t: &Tables, base: u32) -> Box<[Look; 256]> {
    Box::new(std::array::from_fn(|k| {
        let c = char::from_u32(base + k as u32).unwrap_or('\0');
        let (lead, cont) = idx(c).map_or((0, 0), |i| (t.lead[i], t.cont[i]));
        Look {
            f: info(c),
            lead,
            cont,
        }
    }))
}

impl Ch {
    #[inline]
    fn new(t: &Tables, c: char) -> Ch {
        let cp = c as u32;
        if let Some(l) = t.low.get(cp as usize) {
            return Ch {
                c,
                f: l.f,
                lead: l.lead,
                cont: l.cont,
            };
        }
        match t.look.get((cp >> 8) as usize) {
            Some(block) => {
                let l = block.get_or_init(|| look_block(t, cp & !0xFF))[(cp & 0xFF) as usize];
                Ch {
                    c,
                    f: l.f,
                    lead: l.lead,
                    cont: l.cont,
                }
            }
            None => {
                let (lead, cont) = idx(c).map_or((0, 0), |i| (t.lead[i], t.cont[i]));
                Ch {
                    c,
                    f: info(c),
                    lead,
                    cont,
                }
            }
        }
    }
}

/// [`badness`] of characters already looked up. Each rule reads the flags of the previous,
/// current and next character (a missing neighbour counts as a space).
///
/// Most characters are letters, which only the rules for a letter after a letter can score;
/// the other rules are read only for characters flagged [`SCORED`]. (A space needs no rule of
/// its own: it is no letter, so the rules for a letter after a letter skip the character after
/// it, and it ends a run of capitals.)
fn badness_of(w: &[Ch]) -> u32 {
    score::<false>(w).0
}

/// [`badness_of`] and, with `PAIRS`, [`pair_mask`] of a reading, in one walk (issue 3: a
/// second walk over every reading for its pairs cost ~30M instructions on garbled lines).
/// Not inlined (see [`split`]).
#[inline(never)]
fn score<const PAIRS: bool>(w: &[Ch]) -> (u32, u16) {
    let mut score = 0;
    let mut caps = Caps::default();
    let mut pf = NOTHING;
    let (mut pairs, mut prev_lead) = (0u16, 0u16);
    for (i, ch) in w.iter().enumerate() {
        if PAIRS {
            pairs |= prev_lead & ch.cont;
            prev_lead = ch.lead;
        }
        score += rules(
            pf,
            ch.f,
            || w.get(i + 1).map_or(NOTHING, |n| n.f),
            &mut caps,
        );
        pf = ch.f;
    }
    (score, pairs)
}

/// What [`rules`] puts beyond both ends of a word: a space.
const NOTHING: u32 = SPACE | Class::Other as u32;

/// The run of capitals that ends at a character, for [`rules`].
#[derive(Default)]
struct Caps {
    run: u32,
    non_ascii: bool,
}

/// What one character (flags `f`, after `pf`, before `nf`, asked only when needed) adds to
/// [`badness_of`]; `caps` carries the run of capitals from character to character.
#[inline(always)]
fn rules(pf: u32, f: u32, nf: impl FnOnce() -> u32, caps: &mut Caps) -> u32 {
    const BAD: u32 = Class::Bad as u32;
    const RARE: u32 = Class::Rare as u32;
    const UPPER: u32 = Class::Upper as u32;
    const LOWER: u32 = Class::Lower as u32;
    let mut score = 0;
    let k = f & CLASS;
    if f & SCORED != 0 {
        let nf = nf();
        if k == BAD {
            score += 2;
        } else if k == RARE && (pf | nf) & GLUED_TO != 0 {
            // A rare symbol touching a non-ASCII letter or another rare symbol.
            // (Typographic dashes and quotes count as glue too: MacRoman turns every
            // Cyrillic lead byte into `–` or `—`.)
            score += 1;
        }
        if pf & nf & LETTER != 0 && f & (GLUE | QMARK) != 0
            || f & REPLACEMENT != 0 && (pf | nf) & LETTER != 0
        {
            score += 1;
        }
        // A combining mark after no letter (a space is none), or an uncommon one.
        if f & MARK != 0 {
            if pf & LETTER == 0 {
                score += 2;
            } else if f & COMMON_MARK == 0 {
                score += 1;
            }
        }
    }
    // A letter after a letter; two ASCII letters score nothing. The four tests are summed
    // without a branch each (`&` on `bool`s, not `&&`): they hold for few characters but in
    // no pattern a predictor learns (issue 3, session 20).
    if pf & f & LETTER != 0 && (pf & f & ASCII) == 0 {
        // Latin acronyms glued to CJK or Hangul (`XML을`, `PDFファイル`) are normal.
        let cjk_after_ascii = |a: u32, b: u32| (a & ASCII != 0) & (b & CJK != 0);
        let pk = pf & CLASS;
        let non_ascii = f & ASCII == 0;
        score += u32::from(
            (pf >> 16 != f >> 16) & !cjk_after_ascii(pf, f) & !cjk_after_ascii(f, pf),
        ) + u32::from((pk == LOWER) & (k == UPPER) & non_ascii)
            // An accented capital glued to a letter that single-byte encodings keep among
            // their UTF-8 continuation bytes: `Ãº`, `ÃŠ`, `Åœ`, `ĂĽ`, `Ĺź`.
            + u32::from((pk == UPPER) & (pf & ASCII == 0) & (f & CONT_LETTER != 0))
            + u32::from((k == LOWER) & non_ascii & (caps.run >= 2) & caps.non_ascii);
    }
    let upper = k == UPPER;
    caps.run = if upper { caps.run + 1 } else { 0 };
    caps.non_ascii = upper & (caps.non_ascii | (f & ASCII == 0));
    score
}

/// Repairs mojibake in one line, undoing up to four layers. Returns the number of sequences
/// decoded (0 leaves `line` as it was).
pub fn fix(line: &str) -> (String, u32) {
    fix_changed(line).unwrap_or_else(|| (line.to_string(), 0))
}

/// [`fix`], or `None` when the line stays as it is (no allocation then).
pub fn fix_changed(line: &str) -> Option<(String, u32)> {
    fix_layers(line, true)
}

thread_local! {
    /// Set when the word-by-word pass ([`fix_once`]) changed a line on this thread, until
    /// [`took_word_pass`] reads it: its line may hold work for a second pass (the caller's
    /// `settle`), a line decoded whole does not.
    static WORD_PASS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the word-by-word pass changed a line on this thread since the last call.
pub(super) fn took_word_pass() -> bool {
    WORD_PASS.with(|w| w.replace(false))
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Hands a string that is no longer needed (a line [`fix_changed`] returned, once written
/// out) back to this thread's buffers, so that the next line fixed whole is copied into it
/// instead of a new allocation. Any string will do; a long one is dropped.
pub fn give_back(s: String) {
    if s.capacity() <= whole::WholeScratch::KEEP {
        SCRATCH.with(|cell| {
            if let Ok(mut scratch) = cell.try_borrow_mut() {
                // Straight into the place the next line fixed whole is written, when that is
                // free (see [`whole::Whole`]).
                if scratch.whole.text.capacity() == 0 {
                    scratch.whole.text = s;
                } else {
                    scratch.whole.spare = s;
                }
            }
        });
    }
}

/// [`fix_changed`]; without `whole`, every pass is the word-by-word one ([`fix_once`]), which
/// the tests compare with the reference implementation.
fn fix_layers(line: &str, whole: bool) -> Option<(String, u32)> {
    // One call of the layers' loop, inlined, so that its answer is built in place (issue 3,
    // session 18: as a closure called from two arms it was a function of its own, whose
    // answer was copied out of its frame right after being written, loads wider than the
    // stores: `perf` put the copy among the dearest instructions of `fix_changed`; −0.8%
    // task-clock on garbled lines).
    SCRATCH.with(|cell| {
        let (mut guard, mut own);
        let s: &mut Scratch = match cell.try_borrow_mut() {
            Ok(g) => {
                guard = g;
                &mut guard
            }
            Err(_) => {
                own = Scratch::default();
                &mut own
            }
        };
        match layers(line, whole, s, None, false) {
            Layers::Done(fixed) => fixed,
            // Only when asked to stop there.
            Layers::Unowned(_) => None,
        }
    })
}

/// What [`fix_changed_into`] did with a line.
pub(super) enum Direct {
    /// The line's last layer was decoded whole in one encoding: its reading went to the
    /// caller's `emit`; the number of sequences decoded in all layers.
    Written(u32),
    /// Anything else, or `emit` declined: what [`fix_changed`] says.
    Changed(Option<(String, u32)>),
}

/// [`fix_changed`], except that a line whose last layer the whole-line walk decodes in one
/// encoding, with no further layer to try (most garbled lines), is handed to `emit` as bytes,
/// straight from the walk's buffer: no second UTF-8 check and no copy into a `String` (the
/// walk writes only sequences it checked; proptest `unowned_readings_are_utf8`). When `emit`
/// declines (`false`), the reading is owned and the answer is [`fix_changed`]'s.
pub(super) fn fix_changed_into(line: &str, emit: impl FnOnce(&[u8]) -> bool) -> Direct {
    SCRATCH.with(|cell| {
        let Ok(mut guard) = cell.try_borrow_mut() else {
            return Direct::Changed(fix_changed(line));
        };
        let s: &mut Scratch = &mut guard;
        // The first layer before the loop: most lines have one.
        let n = match whole::fix_whole_unowned(line, false, &mut s.whole) {
            whole::Whole::Fixed(n, false) => n,
            first => match layers_after(line, s, first) {
                Layers::Unowned(n) => n,
                Layers::Done(fixed) => return Direct::Changed(fixed),
            },
        };
        // One call of `emit`, so that it is inlined (issue 3, session 26: called from the
        // loop as well, it was a function of its own, ≈ 60 instructions a line more).
        if emit(s.whole.reading()) {
            s.release();
            return Direct::Written(n);
        }
        // Declined: owned, as the loop owns a reading.
        match s.whole.own(whole::Whole::Fixed(n, false)) {
            whole::Whole::Fixed(..) => {
                let text = std::mem::take(&mut s.whole.text);
                s.release();
                Direct::Changed(Some((text, n)))
            }
            // Not UTF-8 (never: [`whole::WholeScratch::reading`]): the long way, with buffers
            // of its own.
            _ => Direct::Changed(fix_changed(line)),
        }
    })
}

/// What [`layers`] did.
enum Layers {
    /// Asked to stop there, it left the last layer, decoded whole, unowned
    /// ([`whole::WholeScratch::reading`]): the number of sequences decoded in all layers.
    Unowned(u32),
    /// What [`fix_changed`] says.
    Done(Option<(String, u32)>),
}

/// [`layers`] after a first layer that is not the last, out of line (inlined, the loop made
/// [`fix_changed_into`]'s one-layer path dearer).
#[inline(never)]
fn layers_after(line: &str, s: &mut Scratch, first: whole::Whole) -> Layers {
    layers(line, true, s, Some(first), true)
}

/// [`fix_layers`] with this thread's buffers. `first`: the first layer's
/// [`whole::fix_whole_unowned`], when the caller made it. With `stop`, a last layer decoded
/// whole is left unowned ([`Layers::Unowned`], for [`fix_changed_into`]).
#[inline(always)]
fn layers(
    line: &str,
    whole: bool,
    s: &mut Scratch,
    mut first: Option<whole::Whole>,
    stop: bool,
) -> Layers {
    let mut cur: Option<String> = None;
    let mut total = 0;
    for _ in 0..4 {
        let text = cur.as_deref().unwrap_or(line);
        // A line garbled whole in one encoding is decoded whole ([`whole`]); the rest
        // goes word by word.
        let deeper = cur.is_some();
        let said = match first.take() {
            Some(w) => Some(w),
            None => whole.then(|| whole::fix_whole_unowned(text, deeper, &mut s.whole)),
        };
        if let (true, Some(whole::Whole::Fixed(n, false))) = (stop, &said) {
            if let Some(old) = cur {
                s.whole.spare = old;
            }
            return Layers::Unowned(total + n);
        }
        let said = said.map(|w| s.whole.own(w));
        let fixed = match said {
            Some(whole::Whole::Fixed(n, has_pair)) => Some(Fixed {
                text: std::mem::take(&mut s.whole.text),
                n,
                has_pair,
            }),
            Some(whole::Whole::NoPair) => None,
            Some(whole::Whole::Undecided) | None => {
                let fixed = fix_once(text, s);
                if fixed.is_some() {
                    WORD_PASS.with(|w| w.set(true));
                }
                fixed
            }
        };
        let Some(fixed) = fixed else {
            break;
        };
        total += fixed.n;
        // The layer above is spare now.
        if let Some(old) = cur.replace(fixed.text) {
            s.whole.spare = old;
        }
        // What `may_have_mojibake` would say of the new text, found while writing it:
        // without a pair no further layer can decode anything.
        if !fixed.has_pair {
            break;
        }
    }
    s.release();
    Layers::Done(cur.map(|c| (c, total)))
}

/// Buffers reused from line to line, so that a line allocates only its output (issue 3:
/// a `Vec<char>` per reading was ~15% of the time on garbled lines).
#[derive(Default)]
struct Scratch {
    /// The characters of the line's words, looked up.
    chs: Vec<Ch>,
    /// The line's pieces that may be mojibake ([`split`]).
    spans: Vec<Span>,
    words: Vec<Word>,
    /// The characters of every kept reading, one after the other.
    readings: Vec<Ch>,
    /// A reading one layer deeper, until it is kept.
    deeper: Vec<Ch>,
    /// The word's Windows-1252 reading, for the encodings that read it alike.
    same: Vec<Ch>,
    /// The kept readings of every word, each word's best first.
    cands: Vec<Choice>,
    /// The whole-line test's buffers.
    whole: whole::WholeScratch,
}

impl Scratch {
    fn clear(&mut self) {
        self.chs.clear();
        self.spans.clear();
        self.words.clear();
        self.readings.clear();
        self.deeper.clear();
        self.same.clear();
        self.cands.clear();
    }

    /// Gives back the memory of an exceptionally long line.
    fn release(&mut self) {
        const KEEP: usize = 1 << 16;
        if self.chs.capacity() > KEEP || self.readings.capacity() > KEEP {
            *self = Scratch::default();
        }
        self.whole.release();
    }
}

#[cfg(test)]
/// A piece of a line ([`pieces`]): its characters in `chs` and its bytes in the
/// line.
#[derive(Clone, Copy)]
struct Piece {
    chs: (usize, usize),
    bytes: (usize, usize),
}

/// A piece of the line that may be mojibake.
struct Word {
    /// Its bytes in the line.
    bytes: (usize, usize),
    /// Its characters in [`Scratch::chs`].
    chs: (usize, usize),
    /// Encodings to try.
    encs: u16,
    /// Its own badness when `exact`, else a lower bound (1: [`PROOF`]).
    base: u32,
    exact: bool,
    /// It holds a lead/continuation pair.
    pair: bool,
    /// Its kept readings in [`Scratch::cands`].
    cands: (usize, usize),
}

impl Word {
    /// Whether a reading of badness `b` reads better than the word, which is scored
    /// (`chs`: [`Scratch::chs`]) only when its lower bound does not tell.
    fn better(&mut self, b: u32, chs: &[Ch]) -> bool {
        if b < self.base {
            return true;
        }
        if !self.exact {
            self.base = badness_of(&chs[self.chs.0..self.chs.1]);
            self.exact = true;
        }
        b < self.base
    }
}

/// A reading of one word that does not read worse than the word.
#[derive(Clone, Copy)]
struct Choice {
    enc: usize,
    badness: u32,
    /// Its characters in [`Scratch::readings`].
    chars: (usize, usize),
    n: u32,
    full: bool,
    all: bool,
    /// It holds a lead/continuation pair ([`pair_mask`]), so a further pass may find more.
    pair: bool,
}

/// A line that one pass changed.
struct Fixed {
    text: String,
    /// Sequences decoded.
    n: u32,
    /// [`may_have_mojibake`] of `text`.
    has_pair: bool,
}

/// The encodings in which some character of `w` can lead a sequence and the next one
/// continue it: what a non-"wild" decoding needs to find anything. One pass for every
/// encoding, without a branch a character. ([`score`] finds it while scoring.)
#[cfg(test)]
fn pair_mask(w: &[Ch]) -> u16 {
    w.windows(2).fold(0, |m, p| m | p[0].lead & p[1].cont)
}

/// Of the encodings `want`, those that give every character of `word` the byte that
/// Windows-1252 gives it (or, like it, none), so that decoding it in them reads as in
/// Windows-1252; none when the word holds a stand-in (`?`, U+FFFD, a space), which only
/// Windows-1252 reads as a lost byte. A character that leads or continues a sequence in no
/// encoding (ASCII among them) has no byte in any, so only the others are looked up; the
/// walk stops once no encoding is left.
#[inline(never)]
fn same_as_windows_1252(t: &Tables, word: &[Ch], want: u16) -> u16 {
    let mut m = want;
    for ch in word {
        if ch.f & (SPACE | QMARK | REPLACEMENT) != 0 {
            return 0;
        }
        if ch.lead | ch.cont != 0 {
            m &= idx(ch.c).map_or(u16::MAX, |i| t.same[i]);
            if m == 0 {
                break;
            }
        }
    }
    m
}

/// Of the encodings `want`, those in which every non-ASCII character of `word` may lead or
/// continue a sequence: the others leave one of them as it is, so their reading cannot be
/// `all` ([`decode_into`]; not being Windows-1252, they read no stand-in for a lost byte).
/// The walk stops once no encoding is left.
fn covered(word: &[Ch], want: u16) -> u16 {
    let mut m = want;
    for ch in word {
        if !ch.c.is_ascii() {
            m &= ch.lead | ch.cont;
            if m == 0 {
                break;
            }
        }
    }
    m
}

/// One pass over a line. Each word (run of non-whitespace; a single space after a possible
/// lead character stays inside, since it may stand for a no-break space) is decoded in every
/// candidate encoding, and one layer deeper; the reading with the lowest badness wins if it
/// is lower than the word's own. Then the encoding that won most often in the line is applied
/// to the words it decodes whole, as long as they do not read worse: a line garbled one way
/// is garbled that way throughout, even where a word alone would look plausible both ways.
///
/// Not inlined: most lines are fixed whole and never come here, and inlined into
/// [`fix_layers`] its large frame was set up and torn down for every line (issue 3: ≈ 6M
/// instructions on the eval's garbled lines).
#[inline(never)]
fn fix_once(line: &str, s: &mut Scratch) -> Option<Fixed> {
    let t = tables();
    s.clear();
    // One walk over the line's bytes finds the pieces that could be mojibake at all and the
    // encodings that can hold every non-ASCII character of the line (a line garbled in one
    // encoding is made only of that encoding's characters, so the others need no trying).
    // Only those pieces' characters are looked up.
    let (line_mask, any_pair) = split(t, line, &mut s.spans);
    // Some piece holds a lead/continuation pair ([`may_have_mojibake`]; pieces split only
    // on ASCII, which no pair spans, so this is the test for the whole line).
    if !any_pair {
        return None;
    }
    // First the pieces with their own badness. When none reads badly, no reading can be
    // strictly better and the line stays as it is: the common case for clean non-ASCII
    // text, decided without decoding anything.
    let mut any_bad = false;
    for span in &s.spans {
        let c0 = s.chs.len();
        let text = &line[span.bytes.0..span.bytes.1];
        s.chs.extend(text.chars().map(|c| Ch::new(t, c)));
        // A pair of [`PROOF`] bits proves the piece reads badly without scoring it; its
        // badness is scored only when a reading needs it ([`Word::better`]; issue 3, session
        // 27: most garbled words hold such a pair and their best reading is of badness 0).
        let (base, exact) = if span.proof {
            (1, false)
        } else {
            (badness_of(&s.chs[c0..]), true)
        };
        any_bad |= base > 0;
        s.words.push(Word {
            bytes: span.bytes,
            chs: (c0, s.chs.len()),
            encs: span.encs,
            base,
            exact,
            pair: span.pair,
            cands: (0, 0),
        });
    }
    if !any_bad {
        return None;
    }
    for w in s.words.iter_mut() {
        if w.encs & line_mask != 0 {
            w.encs &= line_mask;
        }
    }
    // Encodings whose reading of some word was skipped ([`covered`]), and whether skipping
    // is allowed: when the line's encoding turns out to be one of them, the readings are made
    // again without skipping.
    let mut skipped = 0u16;
    let mut may_skip = true;
    let top = loop {
        let mut wins = [0u32; N_ENC];
        // Encodings that made some word read strictly better: only those can lead a line.
        let mut strict = [false; N_ENC];
        for w in s.words.iter_mut() {
            let encs = w.encs;
            let word = &s.chs[w.chs.0..w.chs.1];
            let c0 = s.cands.len();
            // Once a kept reading of this word reads with badness 0 and decodes every non-ASCII
            // character (`all`), it sorts before every reading that leaves a non-ASCII character
            // as it is, and such a reading is never tied with the best nor counted in `wins`: it
            // can only matter as the line's encoding's reading, which the check after the loop
            // rules out. An encoding in which some non-ASCII character of the word neither leads
            // nor continues a sequence leaves that character as it is, so it is not decoded at
            // all (issue 3, session 27: the garbled word of a correct line, decoded right in
            // Windows-1252, was decoded and scored in two or three more encodings, and one layer
            // deeper). The encodings that may still decode every non-ASCII character, once found
            // (`same_as_reference_on_mixed_lines`).
            let mut cover: Option<u16> = None;
            // Encodings that give every character of the word the byte Windows-1252 gives decode
            // it alike and score it alike, down to the deeper layer in Windows-1252: they take
            // the Windows-1252 reading as it stood after that layer (`windows`) and try only
            // their own deeper layer (issue 3: Latin mojibake is often Windows-1252 and -1254
            // alike). `same_as_reference` checks it against decoding every encoding.
            let reuse = if encs & 1 != 0 && encs & !1 != 0 {
                same_as_windows_1252(t, word, encs & !1)
            } else {
                0
            };
            let mut windows: Option<(Choice, u16)> = None;
            for e in 0..N_ENC {
                if encs & (1 << e) == 0 {
                    continue;
                }
                if cover.is_some_and(|m| m & (1 << e) == 0) {
                    skipped |= 1 << e;
                    continue;
                }
                let r0 = s.readings.len();
                let (mut cand, mut pairs, first_e2) = match windows {
                    Some((c, pairs)) if reuse & (1 << e) != 0 => {
                        s.readings.extend_from_slice(&s.same);
                        let cand = Choice {
                            enc: e,
                            chars: (r0, s.readings.len()),
                            ..c
                        };
                        (cand, pairs, 1)
                    }
                    _ => {
                        let Some(d1) = decode_into(t, word, e, true, &mut s.readings) else {
                            continue;
                        };
                        let (badness, pairs) = score::<true>(&s.readings[r0..]);
                        let cand = Choice {
                            enc: e,
                            badness,
                            chars: (r0, s.readings.len()),
                            n: d1.n,
                            full: d1.full,
                            all: d1.all,
                            pair: false,
                        };
                        (cand, pairs, 0)
                    }
                };
                // One layer deeper: in Windows-1252 when it reads no worse and decodes every
                // non-ASCII character, in the same encoding only when it reads better.
                for e2 in [0, e].into_iter().skip(first_e2) {
                    if pairs & (1 << e2) != 0 {
                        let chars = &s.readings[cand.chars.0..cand.chars.1];
                        s.deeper.clear();
                        if let Some(d2) = decode_into(t, chars, e2, false, &mut s.deeper) {
                            let (b2, pairs2) = score::<true>(&s.deeper);
                            if b2 < cand.badness || (b2 == cand.badness && e2 == 0 && d2.all) {
                                s.readings.truncate(cand.chars.0);
                                s.readings.extend_from_slice(&s.deeper);
                                cand.chars.1 = s.readings.len();
                                cand.badness = b2;
                                cand.n += d2.n;
                                pairs = pairs2;
                            }
                        }
                    }
                    if e == 0 {
                        if reuse != 0 {
                            s.same.clear();
                            s.same
                                .extend_from_slice(&s.readings[cand.chars.0..cand.chars.1]);
                            windows = Some((cand, pairs));
                        }
                        break;
                    }
                }
                let b = cand.badness;
                if w.better(b, &s.chs) || (cand.full && (b == 0 || w.better(b - 1, &s.chs))) {
                    if may_skip && cand.badness == 0 && cand.all && cover.is_none() {
                        // Only the encodings after this one are still to read.
                        cover = Some(covered(word, encs & !((2 << e) - 1)));
                    }
                    cand.pair = pairs != 0;
                    s.cands.push(cand);
                } else {
                    s.readings.truncate(r0);
                }
            }
            let cands = &mut s.cands[c0..];
            // Best first: lowest badness, then whole-word readings, then more sequences decoded.
            cands.sort_by_key(|c| (c.badness, !c.all, !c.full, std::cmp::Reverse(c.n), c.enc));
            // Every encoding that reads this word best gets the credit (twice its sequences);
            // every encoding that decodes the whole word without reading worse gets one more.
            if let Some(b) = cands.first().filter(|b| w.better(b.badness, &s.chs)) {
                let key = (b.badness, b.all, b.full);
                for c in cands
                    .iter()
                    .take_while(|c| (c.badness, c.all, c.full) == key)
                {
                    wins[c.enc] += 2 * c.n;
                    strict[c.enc] = true;
                }
            }
            for c in cands.iter().filter(|c| c.all) {
                wins[c.enc] += 1;
            }
            w.cands = (c0, s.cands.len());
        }
        let top = (0..N_ENC)
            .filter(|&e| strict[e])
            .max_by_key(|&e| (wins[e], std::cmp::Reverse(e)));
        // A skipped reading could have been this encoding's for its word: all again, in full.
        if top.is_some_and(|e| skipped & (1 << e) != 0) {
            may_skip = false;
            skipped = 0;
            s.readings.clear();
            s.cands.clear();
            continue;
        }
        break top;
    };
    // Written into the string given back last ([`give_back`]), as a line fixed whole is, not
    // into a new allocation.
    let mut out = std::mem::take(&mut s.whole.spare);
    out.clear();
    out.reserve(line.len());
    let mut total = 0;
    // The line up to here is in `out`.
    let mut copied = 0;
    // Pieces are separated by ASCII whitespace, which no pair spans, so the output holds a
    // pair when one of its pieces does.
    let mut has_pair = false;
    for w in s.words.iter_mut() {
        let cands = &s.cands[w.cands.0..w.cands.1];
        let best = cands.first().filter(|b| w.better(b.badness, &s.chs));
        // The line's encoding, when it reads about as well as the word's own best.
        let line_enc = top.and_then(|e| {
            cands.iter().find(|c| {
                c.enc == e
                    && ((w.better(c.badness, &s.chs) && c.all)
                        || ((w.better(c.badness, &s.chs) || c.full)
                            && best.is_none_or(|b| c.badness <= b.badness + 1)))
            })
        });
        match line_enc.or(best) {
            Some(c) => {
                let reading = &s.readings[c.chars.0..c.chars.1];
                out.push_str(&line[copied..w.bytes.0]);
                out.extend(reading.iter().map(|ch| ch.c));
                copied = w.bytes.1;
                has_pair |= c.pair;
                total += c.n;
            }
            None => has_pair |= w.pair,
        }
    }
    if total == 0 {
        s.whole.spare = out;
        return None;
    }
    out.push_str(&line[copied..]);
    Some(Fixed {
        text: out,
        n: total,
        has_pair,
    })
}

/// A piece of a line that may be mojibake, as [`split`] finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    /// Its bytes in the line.
    bytes: (usize, usize),
    /// Encodings in which some character can lead a sequence and the next continue it, or
    /// (Windows-1252) a lead is followed by a stand-in for a lost byte or a no-break space.
    encs: u16,
    /// It holds a lead/continuation pair.
    pair: bool,
    /// It holds a pair of [`PROOF`] bits, so it reads badly.
    proof: bool,
}

/// Cuts a line into pieces that are decided on their own, and keeps those that may be
/// mojibake (`encs` not empty). Pieces are runs of whitespace, and words; a single space
/// after a character that may lead a sequence in Windows-1252 (the word's last or one before
/// last) is kept inside the word, together with the word after it. Whitespace pieces are
/// never kept.
///
/// Returns the encodings that hold every non-ASCII character of the line but U+FFFD, and
/// whether some piece holds a lead/continuation pair. Reads the bytes once, with the masks
/// of [`Tables`], instead of looking every character up into a [`Ch`] (issue 3: most
/// characters of a garbled line are not in a piece worth decoding). `pieces` in the tests is
/// the straightforward version.
///
/// Not inlined, nor are [`score`] and [`same_as_windows_1252`]: in [`fix_once`] their loop
/// state competed for registers with the pass's own (issue 3, session 20: −0.9% task-clock
/// on garbled lines, 8 of 8 interleaved rounds, for −0.1% of the instructions).
#[inline(never)]
fn split(t: &Tables, line: &str, out: &mut Vec<Span>) -> (u16, bool) {
    const NONE: Masks = Masks {
        lead: 0,
        cont: 0,
        any_same: 0,
    };
    let b = line.as_bytes();
    let masks = &t.fast.wide[..];
    let Ok(two) = <&[Masks; 0x800]>::try_from(t.fast.two.as_slice()) else {
        return (0, false);
    };
    let mut line_mask = u16::MAX;
    let mut any_pair = false;
    // The piece being read: its start (`usize::MAX` between pieces), `encs` and pair mask so
    // far, the lead mask of its last character, whether its last (bit 0) and one-before-last
    // (bit 1) characters lead in Windows-1252, and whether its last character is a space
    // taken in after such a lead. All are zero between pieces.
    let mut start = usize::MAX;
    let (mut encs, mut pair, mut prev_lead) = (0u16, 0u16, 0u16);
    let mut last2 = 0u16;
    let mut took_space = false;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let (m, len) = match c {
            b' ' | b'\t' | b'\n' | 0x0C | b'\r' => {
                i += 1;
                if start == usize::MAX {
                    continue;
                }
                if c == b' ' && !took_space && last2 != 0 {
                    encs |= prev_lead & 1;
                    prev_lead = 0;
                    last2 = last2 << 1 & 3;
                    took_space = true;
                    continue;
                }
                // The encodings' pairs (not the [`PROOF`] bits): masked here, once a piece.
                let enc_pair = pair & !PROOF;
                if encs | enc_pair != 0 {
                    out.push(Span {
                        bytes: (start, i - 1),
                        encs: encs | enc_pair,
                        pair: enc_pair != 0,
                        proof: pair & PROOF != 0,
                    });
                    any_pair |= enc_pair != 0;
                }
                start = usize::MAX;
                (encs, pair, prev_lead, last2, took_space) = (0, 0, 0, 0, false);
                continue;
            }
            0..=0x7F => {
                if c == b'?' {
                    encs |= prev_lead & 1;
                }
                (NONE, 1)
            }
            // `line` is a `str`: every sequence is well formed and complete.
            0xC0..=0xDF => {
                // By code point in [`Tables::two`], without a subtraction or a bounds check.
                let cp =
                    usize::from(c & 0x1F) << 6 | usize::from(b.get(i + 1).map_or(0, |x| x & 0x3F));
                let m = two[cp];
                line_mask &= m.any();
                (m, 2)
            }
            0xE0..=0xEF => {
                let low = |k: usize| u32::from(b.get(i + k).map_or(0, |x| x & 0x3F));
                let cp = u32::from(c & 0x0F) << 12 | low(1) << 6 | low(2);
                let m = match masks.get((cp as usize).wrapping_sub(0x80)) {
                    Some(&m) => {
                        line_mask &= m.any();
                        m
                    }
                    None => {
                        if cp == 0xFFFD {
                            encs |= prev_lead & 1;
                        } else {
                            line_mask = 0;
                        }
                        NONE
                    }
                };
                (m, 3)
            }
            _ => {
                line_mask = 0;
                (NONE, 4)
            }
        };
        if start == usize::MAX {
            start = i;
        }
        took_space = false;
        pair |= prev_lead & m.cont;
        prev_lead = m.lead;
        last2 = (last2 << 1 | m.lead & 1) & 3;
        i += len;
    }
    let proof = pair & PROOF != 0;
    let pair = pair & !PROOF;
    if start != usize::MAX && encs | pair != 0 {
        out.push(Span {
            bytes: (start, b.len()),
            encs: encs | pair,
            pair: pair != 0,
            proof,
        });
        any_pair |= pair != 0;
    }
    (line_mask, any_pair)
}

#[cfg(test)]
/// Splits a line into pieces that are decided on their own: runs of whitespace, and words.
/// A single space after a character that may lead a sequence in Windows-1252 is kept inside
/// the word, together with the word after it. `chs` are the line's characters.
fn pieces(line: &str, chs: &[Ch], out: &mut Vec<Piece>) {
    // ASCII whitespace, as `u8::is_ascii_whitespace`.
    let ws = |ch: &Ch| matches!(ch.c, ' ' | '\t' | '\n' | '\x0C' | '\r');
    let lead = |ch: &Ch| ch.lead & 1 != 0;
    let (mut i, mut bi) = (0, 0);
    while i < chs.len() {
        let (mut j, mut bj) = (i, bi);
        if ws(&chs[i]) {
            // Whitespace is ASCII: one byte a character.
            while j < chs.len() && ws(&chs[j]) {
                j += 1;
            }
            bj += j - i;
        } else {
            loop {
                while j < chs.len() && !ws(&chs[j]) {
                    bj += chs[j].c.len_utf8();
                    j += 1;
                }
                // The word so far ends with a lead character, or one before the last.
                let ends_with_lead = lead(&chs[j - 1]) || (j - 1 > i && lead(&chs[j - 2]));
                if j < chs.len() && chs[j].c == ' ' && ends_with_lead {
                    j += 1;
                    bj += 1;
                    if j < chs.len() && !ws(&chs[j]) {
                        continue;
                    }
                }
                break;
            }
        }
        out.push(Piece {
            chs: (i, j),
            bytes: (bi, bj),
        });
        i = j;
        bi = bj;
    }
    debug_assert_eq!(bi, line.len());
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn garble(s: &str, enc: &str) -> String {
        let e = encoding_rs::Encoding::for_label(enc.as_bytes()).expect("label");
        e.decode_without_bom_handling(s.as_bytes()).0.into_owned()
    }

    /// A string handed back with [`give_back`] holds the next line fixed whole, and nothing
    /// of what it held before; so does the layer above, spare once the next is undone.
    #[test]
    fn given_back_strings_are_reused_clean() {
        // The last two go word by word (one garbled word among clean ones; a lost byte).
        let lines = [
            "cafÃ© crÃ¨me",
            "donÃ¢â‚¬â„¢t",
            "ÐŸÑ€Ð¸Ð²ÐµÑ‚, Ð¼Ð¸Ñ€",
            "Größe cafÃ©",
            "Ã? la carte",
        ];
        let want: Vec<_> = lines.iter().map(|l| fix_changed(l)).collect();
        assert_eq!(want[1].as_ref().map(|f| f.0.as_str()), Some("don’t"));
        assert_eq!(want[3].as_ref().map(|f| f.0.as_str()), Some("Größe café"));
        for stale in [
            "",
            "x",
            "a stale line, longer than any of the lines fixed here",
        ] {
            for (line, want) in lines.iter().zip(&want) {
                let mut s = String::with_capacity(stale.len() * 3);
                s.push_str(&stale.repeat(3));
                give_back(s);
                assert_eq!(&fix_changed(line), want, "{line:?} after {stale:?}");
            }
        }
    }

    /// The upper halves decoded at once are those decoded a byte at a time, for every
    /// candidate encoding (and undefined bytes are there: Windows-1252 has five).
    #[test]
    fn upper_halves_read_at_once() {
        let mut sloppy = 0;
        for name in ENCODINGS.into_iter().filter(|&n| n != "cp437") {
            let enc = encoding_rs::Encoding::for_label(name.as_bytes()).expect("label");
            let half = upper_half(name);
            assert_eq!(half, upper_half_bytewise(enc), "{name}");
            sloppy += half
                .iter()
                .zip(0x80u32..)
                .filter(|&(&c, b)| c as u32 == b)
                .count();
        }
        assert!(sloppy >= 5);
    }

    #[test]
    fn fixes_common_windows_1252_mojibake() {
        assert_eq!(fix("cafÃ©").0, "café");
        assert_eq!(fix("Turkeyâ€™s").0, "Turkey’s");
        assert_eq!(fix("Ä°smail Kahraman").0, "İsmail Kahraman");
        assert_eq!(fix("“Ä°smail” said").0, "“İsmail” said");
    }

    #[test]
    fn fixes_other_encodings_and_layers() {
        for (text, enc) in [
            ("Привет, мир", "windows-1251"),
            ("Zażółć gęślą jaźń", "windows-1250"),
            ("Καλημέρα κόσμε", "windows-1253"),
            ("Ağaç işleri güzel", "windows-1254"),
        ] {
            assert_eq!(fix(&garble(text, enc)).0, text, "{enc}");
        }
        let two = garble(&garble("don’t stop", "windows-1252"), "windows-1252");
        assert_eq!(fix(&two).0, "don’t stop");
    }

    #[test]
    fn macroman_cyrillic_and_acronyms_before_hangul() {
        for (text, enc) in [
            ("Сеть недоступна через ПРОКСИв4 сервер.", "macintosh"),
            ("PDF파일을 여는 중에 오류", "windows-1250"),
            ("HTMLファイルを開けません", "windows-1252"),
        ] {
            assert_eq!(fix(&garble(text, enc)).0, text, "{enc}");
        }
        for s in ["XML을 해석하는 중", "USBメモリ", "от –5 °C до 10 °C"] {
            assert_eq!(fix(s), (s.to_string(), 0), "{s}");
        }
    }

    #[test]
    fn leaves_real_text_alone() {
        for s in [
            "ВІКІ та інші",
            "«CAFÉ» et «ÉTÉ»",
            "ESPAÑA»",
            "Größe: 30°C, 5 m², 10 €",
            "naïve façade — “quoted” … ‘single’",
            "Ελληνικά κείμενα",
            "日本語のテキスト",
            "Erdogan\u{a0}on Wednesday",
        ] {
            assert_eq!(fix(s), (s.to_string(), 0), "{s}");
        }
    }

    /// Words of many scripts, and the characters mojibake and damaged pipelines leave.
    const WORDS: &[&str] = &[
        "the",
        "café",
        "Größe",
        "ŠKODA",
        "İstanbul",
        "ağaç",
        "Łódź",
        "żółć",
        "Čech",
        "ВІКІ",
        "Привет",
        "мир",
        "Ελληνικά",
        "ΑΘΗΝΑ",
        "עברית",
        "العربية",
        "日本語",
        "한국어",
        "ไทย",
        "it’s",
        "“quoted”",
        "—",
        "…",
        "€5",
        "30°C",
        "½",
        "©",
        "Tək",
        "əlavə",
        "Việt",
        "ɛ",
        "Ŋ",
        "e\u{301}",
        "XML",
        "PDF",
        "?",
        " ",
        "\u{FFFD}",
        "\u{a0}",
        "\u{9d}",
        "Ã",
        "Â",
        "æ",
        "ø",
        "Ä°",
        "Ã©",
        "â€™",
        "Ð¿",
        "Å¾",
    ];

    fn mangle(s: &str, enc: usize) -> String {
        match ENCODINGS.get(enc) {
            Some(&"cp437") => {
                let high: Vec<char> = CP437_HIGH.chars().collect();
                s.bytes()
                    .map(|b| match b {
                        0x80.. => high[usize::from(b - 0x80)],
                        _ => char::from(b),
                    })
                    .collect()
            }
            Some(name) => garble(s, name),
            None => s.to_string(),
        }
    }

    fn line() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(prop::sample::select(WORDS), 1..12),
            0..ENCODINGS.len() + 1,
            0..ENCODINGS.len() + 3,
            prop::collection::vec(
                (
                    0..64usize,
                    prop::sample::select(&[" ", "?", "\u{FFFD}", ""][..]),
                ),
                0..3,
            ),
        )
            .prop_map(|(words, e1, e2, damage)| {
                let mut s = mangle(&words.join(" "), e1);
                if e2 < ENCODINGS.len() {
                    s = mangle(&s, e2);
                }
                let mut chars: Vec<char> = s.chars().collect();
                for (at, with) in damage {
                    if let Some(c) = chars.get_mut(at) {
                        if !c.is_ascii() {
                            *c = with.chars().next().unwrap_or(' ');
                        }
                    }
                }
                chars.into_iter().collect()
            })
    }

    /// Correct words with some garbled among them, each in an encoding of its own (or left
    /// as it is), some glued to the word before: the word pass decides word by word, and
    /// which reading wins one word can depend on the others ([`covered`]).
    fn mixed_line() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (
                prop::sample::select(WORDS),
                0..ENCODINGS.len() + 4,
                prop::sample::select(&[" ", " ", "", "\u{a0}"][..]),
            ),
            1..8,
        )
        .prop_map(|words| {
            let mut s = String::new();
            for (word, e, gap) in words {
                s.push_str(&mangle(word, e));
                s.push_str(gap);
            }
            s
        })
    }

    /// [`split`] as it was first written: every character looked up into a [`Ch`], the line
    /// cut by [`pieces`], then each piece's masks from its characters.
    fn split_ref(line: &str) -> (Vec<Span>, u16, bool) {
        let t = tables();
        let mut line_mask = u16::MAX;
        let chs: Vec<Ch> = line
            .chars()
            .map(|c| {
                if !c.is_ascii() && c != '\u{FFFD}' {
                    line_mask &= idx(c).map_or(0, |i| t.fast.wide[i].any());
                }
                Ch::new(t, c)
            })
            .collect();
        let mut ps = Vec::new();
        pieces(line, &chs, &mut ps);
        let (mut spans, mut any_pair) = (Vec::new(), false);
        for piece in ps {
            let (mut encs, mut pair, mut prev_lead) = (0u16, 0u16, 0u16);
            let (mut proof, mut prev_proof) = (false, 0u16);
            for ch in &chs[piece.chs.0..piece.chs.1] {
                // Proofs only for characters some encoding has a byte for, as in [`Tables`].
                let (lead, cont) = match idx(ch.c) {
                    Some(i) if !ch.c.is_ascii() && t.fast.wide[i].any() != 0 => proof_bits(ch.f),
                    _ => (0, 0),
                };
                proof |= prev_proof & cont != 0;
                prev_proof = lead;
                pair |= prev_lead & ch.cont;
                if ch.f & (SPACE | QMARK | REPLACEMENT) != 0 {
                    encs |= prev_lead & 1;
                }
                prev_lead = ch.lead;
            }
            encs |= pair;
            any_pair |= pair != 0;
            if encs != 0 {
                spans.push(Span {
                    bytes: piece.bytes,
                    encs,
                    pair: pair != 0,
                    proof,
                });
            }
        }
        (spans, line_mask, any_pair)
    }

    fn split_new(line: &str) -> (Vec<Span>, u16, bool) {
        let mut spans = Vec::new();
        let (mask, pair) = split(tables(), line, &mut spans);
        (spans, mask, pair)
    }

    /// Two characters whose [`PROOF`] bits meet make [`rules`] score the second, whatever
    /// follows it; the proof bits leave the encodings' bits alone.
    #[test]
    fn proof_pairs_score() {
        let t = tables();
        let with_byte: Vec<(char, Masks)> = t
            .fast
            .wide
            .iter()
            .enumerate()
            .filter(|(_, m)| m.any() != 0)
            .filter_map(|(i, &m)| Some((char::from_u32(0x80 + i as u32)?, m)))
            .collect();
        for (i, m) in t.fast.wide.iter().enumerate() {
            assert_eq!(m.lead & !PROOF, t.lead[i]);
            assert_eq!(m.cont & !PROOF, t.cont[i]);
        }
        for &(a, ma) in &with_byte {
            for &(b, mb) in &with_byte {
                if ma.lead & mb.cont & PROOF != 0 {
                    let score = rules(info(a), info(b), || NOTHING, &mut Caps::default());
                    assert!(score > 0, "{a} {b}");
                }
            }
        }
    }

    #[test]
    fn not_bad_is_not_class_bad() {
        let t = tables();
        for (i, m) in t.fast.wide.iter().enumerate() {
            let cp = 0x80 + i as u32;
            let c = char::from_u32(cp).unwrap_or('\0');
            let bad = class_slow(c) == Class::Bad;
            assert_eq!(m.any_same & NOT_BAD == 0, bad, "U+{cp:04X}");
            // A character of class Bad scores on its own (`rules`).
            assert!(!bad || info(c) & SCORED != 0, "U+{cp:04X}");
            // Nothing else past the encodings.
            assert_eq!(m.any_same & (0xFFFF & !ENC_BITS & !NOT_BAD), 0);
        }
    }

    #[test]
    fn uniform_blocks_are_uniform() {
        for block in (0..0x100).filter(|&b| uniform_block(b)) {
            let first = char::from_u32(block << 8).map(info_slow);
            for cp in block << 8..(block + 1) << 8 {
                assert_eq!(char::from_u32(cp).map(info_slow), first, "U+{cp:04X}");
            }
        }
    }

    fn chs(s: &str) -> Vec<Ch> {
        s.chars().map(|c| Ch::new(tables(), c)).collect()
    }

    #[test]
    fn score_finds_the_pairs() {
        for s in ["", "a", "Ã©", "Ã", "xÃ©yâ€™", "Ð¿Ñ€", "é", "╪¿┘ä"] {
            let w = chs(s);
            assert_eq!(score::<true>(&w), (badness_of(&w), pair_mask(&w)), "{s:?}");
        }
    }

    #[test]
    fn split_cuts_words() {
        for s in [
            "",
            " ",
            "a b",
            "Ã Ã ",
            "Ã  x",
            "xÃ y z",
            "Ã©\tÃ©\n",
            "Ã?Ã\u{FFFD}",
            "\u{1F600}Ã©",
        ] {
            assert_eq!(split_new(s), split_ref(s), "{s:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(3000))]

        /// The scratch buffers, pruning and table-driven decoding give what the straightforward
        /// implementation gives.
        #[test]
        fn same_as_reference(s in line()) {
            proptest::prop_assert_eq!(fix_layers(&s, false), reference::fix_changed_ref(&s));
        }

        /// Scoring with the pairs gives the badness and [`pair_mask`] of separate walks.
        #[test]
        fn score_same_as_separate_walks(s in "[ a-zA-Z?\\u{80}-\\u{17f}\\u{2013}-\\u{2122}\\u{400}-\\u{45f}\\u{2500}-\\u{25a0}\\u{fffd}]{0,40}") {
            let w = chs(&s);
            proptest::prop_assert_eq!(score::<true>(&w), (badness_of(&w), pair_mask(&w)));
        }

        /// The one-walk split gives the pieces, masks and pairs of the per-character one.
        #[test]
        fn split_same_as_pieces(s in line()) {
            proptest::prop_assert_eq!(split_new(&s), split_ref(&s));
        }

        #[test]
        fn split_same_as_pieces_on_any_chars(s in "[ \t\r\n\x0C?a-z\u{80}-\u{17f}\u{2013}-\u{2122}\u{400}-\u{45f}\u{2500}-\u{25a0}\u{2600}-\u{2610}\u{fffd}\u{1F600}]{0,40}") {
            proptest::prop_assert_eq!(split_new(&s), split_ref(&s));
        }

        /// Readings skipped once a word is read right ([`covered`]) change nothing, on lines
        /// of correct and garbled words.
        #[test]
        fn same_as_reference_on_mixed_lines(s in mixed_line()) {
            proptest::prop_assert_eq!(fix_layers(&s, false), reference::fix_changed_ref(&s));
        }

        #[test]
        fn same_as_reference_on_any_chars(s in "[ a-zA-Z?\\u{80}-\\u{17f}\\u{2013}-\\u{2122}\\u{400}-\\u{45f}\\u{370}-\\u{3ff}\\u{2500}-\\u{25a0}\\u{fffd}]{0,40}") {
            proptest::prop_assert_eq!(fix_layers(&s, false), reference::fix_changed_ref(&s));
        }
    }
}
