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
const TABLE_END: u32 = 0x2600;

/// The upper half (0x80..=0xFF) of IBM code page 437, which `encoding_rs` does not carry.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

struct Tables {
    /// For each encoding, code point (minus 0x80) → byte, 0 when the character has none.
    encode: Vec<Vec<u8>>,
    /// Per code point (minus 0x80): bit e set when the char encodes to a UTF-8 lead byte in e.
    lead: Vec<u16>,
    /// Per code point (minus 0x80): bit e set when the char encodes to a continuation byte.
    cont: Vec<u16>,
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
        for (e, name) in ENCODINGS.iter().enumerate() {
            let mut set = |c: char, b: u8| {
                let cp = c as u32;
                if (0x80..TABLE_END).contains(&cp) {
                    let i = (cp - 0x80) as usize;
                    if encode[e][i] == 0 {
                        encode[e][i] = b;
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
        Tables { encode, lead, cont }
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
fn encode(e: usize, c: char) -> Option<u8> {
    if c.is_ascii() {
        return Some(c as u8);
    }
    let b = tables().encode[e][idx(c)?];
    (b != 0).then_some(b)
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
fn seq_len(lead: u8, second: u8) -> Option<usize> {
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

/// Decodes every mojibake sequence of encoding `e` in `word`. Returns the new word and the
/// number of sequences, or `None` when there are none.
fn decode_word(word: &[char], e: usize) -> Option<(Vec<char>, u32)> {
    let mut out = Vec::with_capacity(word.len());
    let mut n_fixed = 0;
    let mut i = 0;
    while i < word.len() {
        let c = word[i];
        if let (Some(b0), Some(&c1)) = (encode(e, c).filter(|b| *b >= 0xC2), word.get(i + 1)) {
            if let Some(b1) = encode(e, c1) {
                if let Some(n) = seq_len(b0, b1) {
                    if i + n <= word.len() {
                        let mut bytes = [b0, b1, 0, 0];
                        let mut ok = true;
                        for k in 2..n {
                            match encode(e, word[i + k]) {
                                Some(b) if (0x80..=0xBF).contains(&b) => bytes[k] = b,
                                _ => {
                                    ok = false;
                                    break;
                                }
                            }
                        }
                        if ok {
                            if let Some(d) = std::str::from_utf8(&bytes[..n])
                                .ok()
                                .and_then(|s| s.chars().next())
                            {
                                out.push(d);
                                n_fixed += 1;
                                i += n;
                                continue;
                            }
                        }
                    }
                }
            }
        }
        out.push(c);
        i += 1;
    }
    (n_fixed > 0).then_some((out, n_fixed))
}

/// Rough script of a letter, by Unicode block. Only equality between two scripts matters.
fn script(c: char) -> u32 {
    let cp = c as u32;
    match cp {
        0..=0x24F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF => 1, // Latin
        0x370..=0x3FF | 0x1F00..=0x1FFF => 2,                                 // Greek
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => 3, // Cyrillic
        0x530..=0x58F => 4,                                                   // Armenian
        0x590..=0x5FF | 0xFB1D..=0xFB4F => 5,                                 // Hebrew
        0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => 6,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x31F0..=0x31FF => {
            7
        }
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => 8, // Hangul
        _ => 0x100 + (cp >> 7),                                   // one per 128-block
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
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

fn class(c: char) -> Class {
    let cp = c as u32;
    match cp {
        0x80..=0x9F => Class::Bad,
        0x250..=0x2AF | 0x700..=0x89F | 0xE000..=0xF8FF | 0xFFF0..=0xFFFF => Class::Bad,
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
    matches!(cp, 0x18F | 0x192 | 0x1A0 | 0x1A1 | 0x1AF | 0x1B0 | 0x1B7 | 0x1CD..=0x1DC | 0x1E6..=0x1EF
        | 0x1F4 | 0x1F5 | 0x1F8..=0x1FF | 0x218..=0x21B)
}

/// How mojibake-like a word looks; higher is worse. See the module docs.
pub fn badness(word: &[char]) -> u32 {
    let mut score = 0;
    let mut upper_run = 0u32;
    for (i, &c) in word.iter().enumerate() {
        let k = class(c);
        match k {
            Class::Bad => score += 2,
            Class::Rare => {
                // A rare symbol touching a non-ASCII letter or another rare symbol.
                let glued = |j: Option<&char>| {
                    j.is_some_and(|&n| {
                        !n.is_ascii()
                            && matches!(
                                class(n),
                                Class::Upper | Class::Lower | Class::Letter | Class::Rare
                            )
                    })
                };
                if glued(i.checked_sub(1).and_then(|j| word.get(j))) || glued(word.get(i + 1)) {
                    score += 1;
                }
            }
            _ => {}
        }
        if i > 0 {
            let p = word[i - 1];
            let pk = class(p);
            let letter = |k| matches!(k, Class::Upper | Class::Lower | Class::Letter);
            if letter(k) && letter(pk) {
                if script(p) != script(c) {
                    score += 1;
                }
                if pk == Class::Lower && k == Class::Upper && !c.is_ascii() {
                    score += 1;
                }
                if k == Class::Lower && !c.is_ascii() && upper_run >= 2 {
                    score += 1;
                }
            }
            if (0x300..=0x36F).contains(&(c as u32)) && !letter(pk) {
                score += 2;
            }
        } else if (0x300..=0x36F).contains(&(c as u32)) {
            score += 2;
        }
        upper_run = if k == Class::Upper { upper_run + 1 } else { 0 };
    }
    score
}

/// Repairs mojibake in one line, undoing up to four layers. Returns the number of sequences
/// decoded (0 leaves `line` as it was).
pub fn fix(line: &str) -> (String, u32) {
    let mut cur: Option<String> = None;
    let mut total = 0;
    for _ in 0..4 {
        let text = cur.as_deref().unwrap_or(line);
        if !may_have_mojibake(text) {
            break;
        }
        let (next, n) = fix_once(text);
        if n == 0 {
            break;
        }
        total += n;
        cur = Some(next);
    }
    (cur.unwrap_or_else(|| line.to_string()), total)
}

/// One pass: each word (run of non-ASCII-whitespace) is decoded in the encoding that lowers
/// its badness most, if any does.
fn fix_once(line: &str) -> (String, u32) {
    let t = tables();
    let mut out = String::with_capacity(line.len());
    let mut total = 0;
    for piece in split_keep(line) {
        if piece.is_ascii() || !may_have_mojibake(piece) {
            out.push_str(piece);
            continue;
        }
        let word: Vec<char> = piece.chars().collect();
        let mut encs = 0u16;
        for c in &word {
            if let Some(i) = idx(*c) {
                encs |= t.lead[i] | t.cont[i];
            }
        }
        let base = badness(&word);
        let mut best: Option<(u32, Vec<char>, u32)> = None;
        for e in 0..N_ENC {
            if encs & (1 << e) == 0 {
                continue;
            }
            if let Some((fixed, n)) = decode_word(&word, e) {
                let b = badness(&fixed);
                if b < base && best.as_ref().is_none_or(|(bb, _, _)| b < *bb) {
                    best = Some((b, fixed, n));
                }
            }
        }
        match best {
            Some((_, fixed, n)) => {
                out.extend(fixed);
                total += n;
            }
            None => out.push_str(piece),
        }
    }
    (out, total)
}

/// Splits into alternating runs of ASCII whitespace and everything else, keeping both.
fn split_keep(line: &str) -> impl Iterator<Item = &str> {
    let b = line.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= b.len() {
            return None;
        }
        let ws = b[start].is_ascii_whitespace();
        let mut end = start + 1;
        while end < b.len() && b[end].is_ascii_whitespace() == ws {
            end += 1;
        }
        // Whitespace is ASCII, so both ends are char boundaries.
        let s = &line[start..end];
        start = end;
        Some(s)
    })
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
