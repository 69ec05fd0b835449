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

use std::sync::OnceLock;

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
const N_ENC: usize = ENCODINGS.len();

/// Code points below this are looked up in tables; above, nothing is a mojibake byte.
pub(super) const TABLE_END: u32 = 0x2600;

/// The upper half (0x80..=0xFF) of IBM code page 437, which `encoding_rs` does not carry.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

struct Tables {
    /// For each encoding, code point (minus 0x80) → byte, 0 when the character has none.
    encode: Vec<Vec<u8>>,
    /// Per code point (minus 0x80): bit e set when the char encodes to a UTF-8 lead byte in e.
    lead: Vec<u16>,
    /// Per code point (minus 0x80): bit e set when the char encodes to a continuation byte.
    cont: Vec<u16>,
    /// Per code point (minus 0x80): bit e set when the char has a byte in e at all.
    any: Vec<u16>,
}

fn upper_half(name: &str) -> Vec<char> {
    if name == "cp437" {
        return CP437_HIGH.chars().collect();
    }
    let Some(enc) = encoding_rs::Encoding::for_label(name.as_bytes()) else {
        return Vec::new();
    };
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
        let mut encode = vec![vec![0u8; size]; N_ENC];
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
        Tables {
            encode,
            lead,
            cont,
            any,
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

#[inline]
fn encode(t: &Tables, e: usize, c: char) -> Option<u8> {
    if c.is_ascii() {
        return Some(c as u8);
    }
    let b = t.encode[e][idx(c)?];
    (b != 0).then_some(b)
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

/// Byte of `c` in encoding `e` when it can continue a UTF-8 sequence, including the two
/// stand-ins of damaged pipelines: an ASCII space for a no-break space (0xA0), and `?` or
/// U+FFFD for a lost byte (`None` inside means "one of [`LOST`]").
#[inline]
fn cont_byte(t: &Tables, e: usize, c: char, wild: bool) -> Option<Option<u8>> {
    match c {
        ' ' if e == 0 && wild => Some(Some(0xA0)),
        '?' | '\u{FFFD}' if e == 0 && wild => Some(None),
        _ => encode(t, e, c)
            .filter(|b| (0x80..=0xBF).contains(b))
            .map(Some),
    }
}

/// Characters a lost byte most likely stood for: letters of the common alphabets and the
/// typographic quotes. Among several fits the first in code point order is taken.
fn common(c: char) -> bool {
    matches!(c as u32,
        0xC0..=0xFF | 0x391..=0x3C9 | 0x410..=0x44F | 0x5D0..=0x5EA | 0x621..=0x64A
        | 0x2013 | 0x2014 | 0x2018..=0x201E | 0x2022 | 0x2026 | 0x20AC)
}

/// A decoded word: the characters, how many sequences were decoded, and whether every
/// non-ASCII character of the input was part of one (the whole word was mojibake).
struct Decoded {
    chars: Vec<char>,
    n: u32,
    full: bool,
    /// Every non-ASCII character, letter or not, was part of a sequence.
    all: bool,
}

/// Decodes every mojibake sequence of encoding `e` in `word`, or `None` when there is none.
fn decode_word(t: &Tables, word: &[char], e: usize, wild: bool) -> Option<Decoded> {
    let mut out = Vec::with_capacity(word.len());
    let mut n_fixed = 0;
    let mut full = true;
    let mut all = true;
    let mut i = 0;
    'outer: while i < word.len() {
        let c = word[i];
        if let Some(b0) = encode(t, e, c).filter(|b| *b >= 0xC2) {
            let len = match b0 {
                0xC2..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            if i + len <= word.len() {
                let mut bytes = [b0, 0, 0, 0];
                let mut lost_at = None;
                for k in 1..len {
                    match cont_byte(t, e, word[i + k], wild) {
                        Some(Some(b)) => bytes[k] = b,
                        Some(None) if lost_at.is_none() => lost_at = Some(k),
                        _ => {
                            out.push(c);
                            full &= c.is_ascii() || !is_letter(c);
                            all &= c.is_ascii();
                            i += 1;
                            continue 'outer;
                        }
                    }
                }
                let decoded = match lost_at {
                    None => std::str::from_utf8(&bytes[..len])
                        .ok()
                        .and_then(|s| s.chars().next()),
                    Some(k) => {
                        // The first fit that is a common character, else U+FFFD when
                        // anything fits at all.
                        let mut fits = LOST.iter().filter_map(|&b| {
                            bytes[k] = b;
                            std::str::from_utf8(&bytes[..len])
                                .ok()
                                .and_then(|s| s.chars().next())
                        });
                        fits.next().map(|first| {
                            std::iter::once(first)
                                .chain(fits)
                                .find(|&d| common(d))
                                .unwrap_or('\u{FFFD}')
                        })
                    }
                };
                if let Some(d) = decoded {
                    if seq_len(bytes[0], bytes[1]).is_some() || lost_at == Some(1) {
                        out.push(d);
                        n_fixed += 1;
                        i += len;
                        continue;
                    }
                }
            }
        }
        out.push(c);
        full &= c.is_ascii() || !is_letter(c);
        all &= c.is_ascii();
        i += 1;
    }
    (n_fixed > 0).then_some(Decoded {
        chars: out,
        n: n_fixed,
        full,
        all,
    })
}

/// Class and script of a character, packed: class in the low byte, script above.
///
/// `class` and `script` are asked for every character of every candidate reading, and the
/// standard library's Unicode property lookups are a binary search each, so the answers for
/// the BMP are kept in tables of 256 code points, each built the first time a character of
/// its block is asked about. A whole BMP table at once cost ~35M instructions per process,
/// most of it for blocks a run never sees (issue 3).
#[inline]
fn info(c: char) -> u32 {
    static BLOCKS: [OnceLock<[u32; 256]>; 256] = [const { OnceLock::new() }; 256];
    let cp = c as u32;
    match BLOCKS.get((cp >> 8) as usize) {
        Some(block) => block.get_or_init(|| {
            let base = cp & !0xFF;
            std::array::from_fn(|k| {
                char::from_u32(base + k as u32)
                    .map_or(0, |c| class_slow(c) as u32 | script_slow(c) << 8)
            })
        })[(cp & 0xFF) as usize],
        None => class_slow(c) as u32 | script_slow(c) << 8,
    }
}

#[inline]
fn is_letter(c: char) -> bool {
    matches!(class(c), Class::Upper | Class::Lower | Class::Letter)
}

#[inline]
fn class(c: char) -> Class {
    Class::from_u8(info(c) as u8)
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

impl Class {
    fn from_u8(v: u8) -> Class {
        match v {
            0 => Class::Upper,
            1 => Class::Lower,
            2 => Class::Letter,
            3 => Class::Rare,
            4 => Class::Bad,
            _ => Class::Other,
        }
    }
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
        0x250..=0x2AF
        | 0x700..=0x77F
        | 0x7C0..=0x89F
        | 0xE000..=0xF8FF
        | 0xFFF0..=0xFFFC
        | 0xFFFE
        | 0xFFFF => Class::Bad,
        // Blocks of scripts and signs that decoding noise lands in far more often than text
        // is written in them (Ogham, Runic, Philippine scripts, Mongolian, Tai Tham, Balinese,
        // Glagolitic, Coptic, Lisu, Vai, Bamum, and others).
        0x1680..=0x177F
        | 0x1800..=0x1C7F
        | 0x1CC0..=0x1CFF
        | 0x2C00..=0x2C5F
        | 0x2C80..=0x2D7F
        | 0xA4D0..=0xA6FF
        | 0xA800..=0xABFF => Class::Bad,
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
    badness_of(word.iter().copied())
}

/// A character with its class and script, looked up once.
#[derive(Clone, Copy)]
struct Ch {
    c: char,
    k: Class,
    script: u32,
}

impl Ch {
    #[inline]
    fn new(c: char) -> Ch {
        let v = info(c);
        Ch {
            c,
            k: Class::from_u8(v as u8),
            script: v >> 8,
        }
    }

    #[inline]
    fn letter(self) -> bool {
        matches!(self.k, Class::Upper | Class::Lower | Class::Letter)
    }
}

/// [`badness`] over any sequence of characters; each character's class and script is looked
/// up once (the window below holds the previous, current and next one).
fn badness_of(mut chars: impl Iterator<Item = char>) -> u32 {
    let mut score = 0;
    let mut upper_run = 0u32;
    let mut upper_non_ascii = false;
    let mut prev: Option<Ch> = None;
    let mut cur = chars.next().map(Ch::new);
    while let Some(ch) = cur {
        let next = chars.next().map(Ch::new);
        let (c, k) = (ch.c, ch.k);
        match k {
            Class::Bad => score += 2,
            Class::Rare => {
                // A rare symbol touching a non-ASCII letter or another rare symbol.
                // (Typographic dashes and quotes count as glue too: MacRoman turns every
                // Cyrillic lead byte into `–` or `—`.)
                let glued = |j: Option<Ch>| {
                    j.is_some_and(|n| {
                        !n.c.is_ascii()
                            && (is_glue_punct(n.c)
                                || matches!(
                                    n.k,
                                    Class::Upper | Class::Lower | Class::Letter | Class::Rare
                                ))
                    })
                };
                if glued(prev) || glued(next) {
                    score += 1;
                }
            }
            _ => {}
        }
        let is_letter = |x: Option<Ch>| x.is_some_and(Ch::letter);
        let between_letters = is_letter(prev) && is_letter(next);
        let touching_letter = is_letter(prev) || is_letter(next);
        if (between_letters && (is_glue_punct(c) || c == '?'))
            || (c == '\u{FFFD}' && touching_letter)
        {
            score += 1;
        }
        if c == ' ' {
            upper_run = 0;
            upper_non_ascii = false;
            prev = cur;
            cur = next;
            continue;
        }
        if let Some(pch) = prev.filter(|p| p.c != ' ') {
            let (p, pk) = (pch.c, pch.k);
            if ch.letter() && pch.letter() {
                // Latin acronyms glued to CJK or Hangul (`XML을`, `PDFファイル`) are normal.
                let cjk_after_ascii = |a: Ch, b: Ch| a.c.is_ascii() && matches!(b.script, 7 | 8);
                if pch.script != ch.script && !cjk_after_ascii(pch, ch) && !cjk_after_ascii(ch, pch)
                {
                    score += 1;
                }
                if pk == Class::Lower && k == Class::Upper && !c.is_ascii() {
                    score += 1;
                }
                // An accented capital glued to a letter that single-byte encodings keep among
                // their UTF-8 continuation bytes: `Ãº`, `ÃŠ`, `Åœ`, `ĂĽ`, `Ĺź`.
                if pk == Class::Upper && !p.is_ascii() && is_cont_letter(c) {
                    score += 1;
                }
                if k == Class::Lower && !c.is_ascii() && upper_run >= 2 && upper_non_ascii {
                    score += 1;
                }
            }
            if (0x300..=0x36F).contains(&(c as u32)) && (!pch.letter() || !is_common_mark(c)) {
                score += if pch.letter() { 1 } else { 2 };
            }
        } else if (0x300..=0x36F).contains(&(c as u32)) {
            score += 2;
        }
        if k == Class::Upper {
            upper_run += 1;
            upper_non_ascii |= !c.is_ascii();
        } else {
            upper_run = 0;
            upper_non_ascii = false;
        }
        prev = cur;
        cur = next;
    }
    score
}

/// Repairs mojibake in one line, undoing up to four layers. Returns the number of sequences
/// decoded (0 leaves `line` as it was).
pub fn fix(line: &str) -> (String, u32) {
    fix_changed(line).unwrap_or_else(|| (line.to_string(), 0))
}

/// [`fix`], or `None` when the line stays as it is (no allocation then).
pub fn fix_changed(line: &str) -> Option<(String, u32)> {
    let mut cur: Option<String> = None;
    let mut total = 0;
    for _ in 0..4 {
        let text = cur.as_deref().unwrap_or(line);
        if !may_have_mojibake(text) {
            break;
        }
        let Some((next, n)) = fix_once(text) else {
            break;
        };
        total += n;
        cur = Some(next);
    }
    cur.map(|c| (c, total))
}

/// The best decoding of one piece of a line.
struct Choice {
    enc: usize,
    badness: u32,
    chars: Vec<char>,
    n: u32,
    full: bool,
    all: bool,
}

/// One pass over a line. Each word (run of non-whitespace; a single space after a possible
/// lead character stays inside, since it may stand for a no-break space) is decoded in every
/// candidate encoding, and one layer deeper; the reading with the lowest badness wins if it
/// is lower than the word's own. Then the encoding that won most often in the line is applied
/// to the words it decodes whole, as long as they do not read worse: a line garbled one way
/// is garbled that way throughout, even where a word alone would look plausible both ways.
fn fix_once(line: &str) -> Option<(String, u32)> {
    let t = tables();
    let pieces = pieces(line);
    // Per piece: its own badness and the readings that do not read worse, best first.
    let mut readings: Vec<(u32, Vec<Choice>)> = Vec::with_capacity(pieces.len());
    let mut wins = [0u32; N_ENC];
    // Encodings that made some word read strictly better: only those can lead a line.
    let mut strict = [false; N_ENC];
    // First the pieces that could be mojibake at all, with their own badness. When none reads
    // badly, no reading can be strictly better and the line stays as it is: the common case
    // for clean non-ASCII text, decided without decoding anything.
    let mut words: Vec<Option<(Vec<char>, u16, u32)>> = Vec::with_capacity(pieces.len());
    // Encodings that can hold every non-ASCII character of the line: a line garbled in one
    // encoding is made only of that encoding's characters, so the others need no trying.
    let line_mask = line
        .chars()
        .filter(|c| !c.is_ascii() && *c != '\u{FFFD}')
        .fold(u16::MAX, |m, c| m & idx(c).map_or(0, |i| t.any[i]));
    let mut any_bad = false;
    for piece in &pieces {
        if piece.is_ascii() || !may_have_mojibake_or_loss(piece) {
            words.push(None);
            continue;
        }
        let word: Vec<char> = piece.chars().collect();
        // Encodings in which some character can lead a sequence and the next continue it.
        let mut encs = 0u16;
        let mut prev_lead = 0u16;
        for c in &word {
            let i = idx(*c);
            encs |= prev_lead & i.map_or(0, |i| t.cont[i]);
            if matches!(c, ' ' | '?' | '\u{FFFD}') {
                encs |= prev_lead & 1;
            }
            prev_lead = i.map_or(0, |i| t.lead[i]);
        }
        if encs & line_mask != 0 {
            encs &= line_mask;
        }
        if encs == 0 {
            words.push(None);
            continue;
        }
        let base = badness(&word);
        any_bad |= base > 0;
        words.push(Some((word, encs, base)));
    }
    if !any_bad {
        return None;
    }
    for w in &words {
        let Some((word, encs, base)) = w else {
            readings.push((0, Vec::new()));
            continue;
        };
        let (word, encs, base) = (word, *encs, *base);
        let mut cands = Vec::new();
        for e in 0..N_ENC {
            if encs & (1 << e) == 0 {
                continue;
            }
            let Some(d1) = decode_word(t, word, e, true) else {
                continue;
            };
            let mut cand = Choice {
                enc: e,
                badness: badness(&d1.chars),
                chars: d1.chars,
                n: d1.n,
                full: d1.full,
                all: d1.all,
            };
            // One layer deeper: in Windows-1252 when it reads no worse and decodes every
            // non-ASCII character, in the same encoding only when it reads better.
            for e2 in [0, e] {
                let has_lead = cand
                    .chars
                    .iter()
                    .any(|&c| idx(c).is_some_and(|i| t.lead[i] & (1 << e2) != 0));
                if let Some(d2) = has_lead
                    .then(|| decode_word(t, &cand.chars, e2, false))
                    .flatten()
                {
                    let b2 = badness(&d2.chars);
                    if b2 < cand.badness || (b2 == cand.badness && e2 == 0 && d2.all) {
                        cand = Choice {
                            badness: b2,
                            chars: d2.chars,
                            n: cand.n + d2.n,
                            ..cand
                        };
                    }
                }
                if e == 0 {
                    break;
                }
            }
            if cand.badness < base || (cand.full && cand.badness <= base) {
                cands.push(cand);
            }
        }
        // Best first: lowest badness, then whole-word readings, then more sequences decoded.
        cands.sort_by_key(|c| (c.badness, !c.all, !c.full, std::cmp::Reverse(c.n), c.enc));
        // Every encoding that reads this word best gets the credit (twice its sequences);
        // every encoding that decodes the whole word without reading worse gets one more.
        if let Some(b) = cands.first().filter(|b| b.badness < base) {
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
        readings.push((base, cands));
    }
    let top = (0..N_ENC)
        .filter(|&e| strict[e])
        .max_by_key(|&e| (wins[e], std::cmp::Reverse(e)));
    let mut out = String::with_capacity(line.len());
    let mut total = 0;
    for (piece, (base, cands)) in pieces.iter().zip(&readings) {
        let best = cands.first().filter(|b| b.badness < *base);
        // The line's encoding, when it reads about as well as the word's own best.
        let line_enc = top.and_then(|e| {
            cands.iter().find(|c| {
                c.enc == e
                    && ((c.badness < *base && c.all)
                        || ((c.badness < *base || c.full)
                            && best.is_none_or(|b| c.badness <= b.badness + 1)))
            })
        });
        match line_enc.or(best) {
            Some(c) => {
                out.extend(c.chars.iter());
                total += c.n;
            }
            None => out.push_str(piece),
        }
    }
    (total > 0).then_some((out, total))
}

/// [`may_have_mojibake`], or a possible lead character followed by a space, `?` or U+FFFD.
fn may_have_mojibake_or_loss(piece: &str) -> bool {
    may_have_mojibake(piece) || {
        let t = tables();
        let mut prev_lead = false;
        piece.chars().any(|c| {
            let hit = prev_lead && matches!(c, ' ' | '?' | '\u{FFFD}');
            prev_lead = idx(c).is_some_and(|i| t.lead[i] & 1 != 0);
            hit
        })
    }
}

/// Splits a line into pieces that are decided on their own: runs of whitespace, and words.
/// A single space after a character that may lead a sequence in Windows-1252 is kept inside
/// the word, together with the word after it.
fn pieces(line: &str) -> Vec<&str> {
    let t = tables();
    let lead = |c: Option<char>| c.and_then(idx).is_some_and(|i| t.lead[i] & 1 != 0);
    let ends_with_lead = |w: &str| {
        let mut cs = w.chars().rev();
        lead(cs.next()) || lead(cs.next())
    };
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let mut j = i;
        if b[i].is_ascii_whitespace() {
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
        } else {
            loop {
                while j < b.len() && !b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < b.len() && b[j] == b' ' && ends_with_lead(&line[i..j]) {
                    j += 1;
                    if j < b.len() && !b[j].is_ascii_whitespace() {
                        continue;
                    }
                }
                break;
            }
        }
        // Whitespace is ASCII, so i and j are char boundaries.
        out.push(&line[i..j]);
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn garble(s: &str, enc: &str) -> String {
        let e = encoding_rs::Encoding::for_label(enc.as_bytes()).expect("label");
        e.decode_without_bom_handling(s.as_bytes()).0.into_owned()
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
}
