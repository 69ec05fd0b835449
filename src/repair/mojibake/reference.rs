//! The mojibake pass as it was before the per-word scratch buffers and pruning (issue 3):
//! kept only for tests, which check that the fast implementation gives the same output on
//! generated lines. Nothing here is compiled outside `cargo test`.

use super::*;

#[inline]
fn encode(t: &Tables, e: usize, c: char) -> Option<u8> {
    if c.is_ascii() {
        return Some(c as u8);
    }
    let b = t.encode[e][idx(c)?];
    (b != 0).then_some(b)
}

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

#[inline]
fn is_letter(c: char) -> bool {
    info(c) & LETTER != 0
}

/// A character with its class and script, looked up once.
#[derive(Clone, Copy)]
struct Ch {
    c: char,
    k: Class,
    script: u32,
}

impl Ch {
    fn new(c: char) -> Ch {
        let v = info(c);
        Ch {
            c,
            k: class_from(v & CLASS),
            script: v >> 16,
        }
    }

    fn letter(self) -> bool {
        matches!(self.k, Class::Upper | Class::Lower | Class::Letter)
    }
}

/// [`super::fix_changed`], the straightforward way.
pub(super) fn fix_changed_ref(line: &str) -> Option<(String, u32)> {
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

fn badness(word: &[char]) -> u32 {
    badness_of(word.iter().copied())
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
        .fold(u16::MAX, |m, c| {
            m & idx(c).map_or(0, |i| t.fast.wide[i].any())
        });
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

fn class_from(v: u32) -> Class {
    match v {
        0 => Class::Upper,
        1 => Class::Lower,
        2 => Class::Letter,
        3 => Class::Rare,
        4 => Class::Bad,
        _ => Class::Other,
    }
}
