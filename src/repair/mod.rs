//! The repair stage: mojibake, HTML character references, terminal escapes, control
//! characters, C1 controls and Unicode NFC, line by line. Clean text comes out unchanged, and
//! every fix is counted on the document's [`Repairs`].
//!
//! Order within a line: terminal escape sequences are removed; character references are
//! unescaped (only when the document has no markup); mojibake is decoded, repeatedly, so
//! that several layers come undone; C1 controls left over are read as Windows-1252 (that is
//! what a C1 control in text almost always is); other control characters are dropped; NFC.
//!
//! ```
//! assert_eq!(thresh::repair::fix_line("Ä°smail said â€œhiâ€\u{9d}"), "İsmail said “hi”");
//! assert_eq!(thresh::repair::fix_line("already “clean” text"), "already “clean” text");
//! ```

mod entities;
pub mod mojibake;
mod quiet;
mod scan;

use crate::doc::{Doc, Repairs};
use scan::Scan;
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

pub use entities::has_markup;
pub use quiet::untouched;

/// When HTML character references are unescaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Entities {
    /// Only in text that holds no markup.
    #[default]
    Auto,
    On,
    Off,
}

/// Which fixes run. The defaults fix only what is broken; cosmetic changes are opt-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    pub mojibake: bool,
    pub entities: Entities,
    pub nfc: bool,
    /// Curly quotes to straight ones (cosmetic; off by default).
    pub uncurl_quotes: bool,
    /// Full-width ASCII forms to ASCII (cosmetic; off by default).
    pub fold_fullwidth: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mojibake: true,
            entities: Entities::Auto,
            nfc: true,
            uncurl_quotes: false,
            fold_fullwidth: false,
        }
    }
}

/// Repairs one line with the default options.
pub fn fix_line(line: &str) -> String {
    let mut r = Repairs::default();
    fix_line_with(line, &Options::default(), true, &mut r).into_owned()
}

/// True when a byte needs none of the fixes: printable ASCII other than `&`, or a tab.
#[inline]
fn plain_byte(b: u8) -> bool {
    (0x20..0x7F).contains(&b) && b != b'&' || b == b'\t'
}

/// Repairs one line. `entities_ok` says whether character references may be unescaped here
/// (the caller decides per document, see [`Entities::Auto`]).
pub fn fix_line_with<'a>(
    line: &'a str,
    opts: &Options,
    entities_ok: bool,
    stats: &mut Repairs,
) -> Cow<'a, str> {
    if Scan::new(opts, entities_ok)
        .first_suspect(line.as_bytes())
        .is_none()
    {
        return Cow::Borrowed(line);
    }
    let esc = memchr::memchr(0x1B, line.as_bytes()).is_some();
    fix_suspect(line, opts, entities_ok, esc, stats)
}

/// [`fix_line_with`] for a line that the scan did not clear. `esc`: the line holds an ESC
/// (the caller finds it with a search it makes anyway: `memchr`, not `str::contains`, whose
/// search cost ~170 instructions a repaired line; issue 3).
fn fix_suspect<'a>(
    line: &'a str,
    opts: &Options,
    entities_ok: bool,
    esc: bool,
    stats: &mut Repairs,
) -> Cow<'a, str> {
    // A flag left by an earlier line must not decide this one's `settle`.
    mojibake::took_word_pass();
    let first = fix_suspect_once(line, opts, entities_ok, esc, stats);
    settle(first, opts, entities_ok, stats)
}

/// Fixes a line [`fix_suspect_once`] changed again, until nothing changes (three more times
/// at most), so that fixing a fixed line changes nothing. One pass can leave work for the
/// next: the word-by-word mojibake pass reads a line in the encoding its clearest word
/// decides, and once that word is fixed a fresh pass decides another ("aÄ?A\u{a0}ª": the lost
/// byte after `Ä` makes the line Windows-1252's, then the NBSP and `ª` read as MacRoman's
/// "ʻ"); a C1 control or a removed control character can join a sequence likewise (found by
/// the fuzz target's check, `tests/fuzz_check.rs`). Only a line the word-by-word pass
/// changed is looked at again (a line decoded whole is left without a pair), and only while it
/// holds what a pass acts on, a pair of some encoding or a control character: ≈ +1.4% time on
/// the garbled lines under `--no-nfc --entities off`, none measurable with default options
/// (issue 3, session 19).
fn settle<'a>(
    mut cur: Cow<'a, str>,
    opts: &Options,
    entities_ok: bool,
    stats: &mut Repairs,
) -> Cow<'a, str> {
    // Only a line the word-by-word pass changed: a line decoded whole is left with no pair
    // ([`mojibake::fix_changed`]'s layers go on while one is left).
    if !mojibake::took_word_pass() {
        return cur;
    }
    if let Cow::Borrowed(_) = cur {
        return cur;
    }
    for _ in 0..3 {
        // What a second pass can act on: a pair of some encoding, a control character.
        let pending = has_removable_or_c1(cur.as_bytes())
            || (opts.mojibake && mojibake::may_have_mojibake(&cur));
        if !pending {
            break;
        }
        let esc = memchr::memchr(0x1B, cur.as_bytes()).is_some();
        // The counts of a pass that changes nothing are not kept.
        let mut again = stats.clone();
        let next = match fix_suspect_once(&cur, opts, entities_ok, esc, &mut again) {
            Cow::Owned(s) if s != *cur => s,
            _ => break,
        };
        *stats = again;
        cur = Cow::Owned(next);
    }
    cur
}

/// One pass of [`fix_suspect`]'s fixes.
fn fix_suspect_once<'a>(
    line: &'a str,
    opts: &Options,
    entities_ok: bool,
    esc: bool,
    stats: &mut Repairs,
) -> Cow<'a, str> {
    let mut cur: Cow<'a, str> = Cow::Borrowed(line);

    if esc {
        let (s, n) = strip_escapes(&cur);
        stats.control_chars += n;
        cur = Cow::Owned(s);
    }
    if entities_ok && opts.entities != Entities::Off {
        if let Some((s, n)) = entities::unescape(&cur) {
            stats.html_entities += n;
            cur = Cow::Owned(s);
        }
    }
    if opts.mojibake && !cur.is_ascii() {
        mojibake_pass(&mut cur, stats);
    }
    fix_rest(cur, opts, stats)
}

/// The fixes of [`fix_suspect`] after the first mojibake pass, on its result `cur`.
fn fix_rest<'a>(mut cur: Cow<'a, str>, opts: &Options, stats: &mut Repairs) -> Cow<'a, str> {
    // Removing a control character can join a mojibake sequence the mojibake pass saw split
    // ("Í\u{7}¹": Windows-1252 for U+0379 once the BEL goes), and so can a C1 control read as
    // Windows-1252: after such a change the mojibake pass runs again, a few times at most, so
    // that fixing a fixed line changes nothing (found by the fuzz target's check).
    for _ in 0..3 {
        if !has_removable_or_c1(cur.as_bytes()) {
            break;
        }
        let mut n = 0;
        let s: String = cur
            .chars()
            .filter_map(|c| {
                if is_removable(c) {
                    n += 1;
                    None
                } else if ('\u{80}'..='\u{9f}').contains(&c) {
                    n += 1;
                    c1_as_windows_1252(c as u32)
                } else {
                    Some(c)
                }
            })
            .collect();
        stats.control_chars += n;
        cur = Cow::Owned(s);
        if !opts.mojibake || cur.is_ascii() || !mojibake_pass(&mut cur, stats) {
            break;
        }
    }
    if opts.uncurl_quotes {
        if let Some(s) = uncurl(&cur) {
            cur = Cow::Owned(s);
        }
    }
    if opts.fold_fullwidth {
        if let Some(s) = fold_fullwidth(&cur) {
            cur = Cow::Owned(s);
        }
    }
    // NFC can compose a mojibake sequence the mojibake pass did not see ("\u{1FBE}££" becomes
    // "ι££", Windows-1253 for "飣"): after a change, the mojibake pass runs again, a few
    // times at most, so that fixing a fixed line changes nothing.
    for _ in 0..3 {
        if !(opts.nfc && !cur.is_ascii() && !scan::nfc_quick_yes(&cur)) {
            break;
        }
        let s: String = cur.nfc().collect();
        if s == *cur {
            break;
        }
        stats.nfc += 1;
        cur = Cow::Owned(s);
        if !opts.mojibake || !mojibake_pass(&mut cur, stats) {
            break;
        }
    }
    cur
}

/// The mojibake pass over `cur`, in place; true when it changed the line.
fn mojibake_pass(cur: &mut Cow<'_, str>, stats: &mut Repairs) -> bool {
    match mojibake::fix_changed(cur) {
        Some((s, n)) => {
            stats.mojibake += n;
            *cur = Cow::Owned(s);
            true
        }
        None => false,
    }
}

/// Control characters that carry nothing in text: C0 except tab and newline, DEL, the BOM in
/// mid-text, deprecated format characters, interlinear annotation and object replacement.
fn is_removable(c: char) -> bool {
    matches!(c,
        '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'
        | '\u{206a}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffc}')
}

#[cfg(test)]
fn is_removable_or_c1(c: char) -> bool {
    is_removable(c) || ('\u{80}'..='\u{9f}').contains(&c)
}

/// True when `s` holds a character of [`is_removable_or_c1`] (the test after the mojibake pass,
/// on every line that reached it). With AVX2, one pass over the bytes, 32 positions a step,
/// each with the two bytes after it: a control byte or DEL, or the whole UTF-8 sequence of a
/// C1 control (C2 80..9F), of U+206A..U+206F (E2 81 AA..AF), of U+FEFF (EF BB BF) or of
/// U+FFF9..U+FFFC (EF BF B9..BC). (Issue 3, session 18: the scalar fold found only the first
/// bytes, so repaired text, full of E2 and C2, needed a `memchr3` search after it.)
/// [`has_removable_or_c1_scalar`] elsewhere; proptest `removable_simd_equals_scalar`.
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
fn has_removable_or_c1(b: &[u8]) -> bool {
    use safe_arch::{
        bitand_m256i, bitandnot_m256i, bitor_m256i, cmp_eq_mask_i8_m256i, cmp_gt_mask_i8_m256i,
        m256i, min_u8_m256i, move_mask_i8_m256i, set_splat_i8_m256i,
    };
    let splat = |x: u8| set_splat_i8_m256i(x as i8);
    let load = |w: &[u8]| m256i::from(<[u8; 32]>::try_from(w).unwrap_or([b' '; 32]));
    // Bytes as `i8`: 0x80..=0xBF are -128..=-65, so a range of continuation bytes is two
    // signed comparisons.
    let within = |x: m256i, lo: u8, hi: u8| {
        let below = cmp_gt_mask_i8_m256i(splat(hi + 1), x);
        match lo {
            // Every byte from 0x80 up is -128 or more.
            0x80 => below,
            _ => bitand_m256i(cmp_gt_mask_i8_m256i(x, splat(lo - 1)), below),
        }
    };
    let eq = |x: m256i, b: u8| cmp_eq_mask_i8_m256i(x, splat(b));
    // 34 bytes: the 32 positions `w[..32]` and the two bytes after the last.
    let hit = |w: &[u8]| {
        let (x0, x1, x2) = (load(&w[..32]), load(&w[1..33]), load(&w[2..34]));
        // Unsigned `x0 < 0x20`.
        let below_space = cmp_eq_mask_i8_m256i(min_u8_m256i(x0, splat(0x1F)), x0);
        let control = bitor_m256i(
            bitandnot_m256i(bitor_m256i(eq(x0, b'\t'), eq(x0, b'\n')), below_space),
            eq(x0, 0x7F),
        );
        let c1 = bitand_m256i(eq(x0, 0xC2), within(x1, 0x80, 0x9F));
        let e2 = bitand_m256i(
            bitand_m256i(eq(x0, 0xE2), eq(x1, 0x81)),
            within(x2, 0xAA, 0xAF),
        );
        let ef = bitand_m256i(
            eq(x0, 0xEF),
            bitor_m256i(
                bitand_m256i(eq(x1, 0xBB), eq(x2, 0xBF)),
                bitand_m256i(eq(x1, 0xBF), within(x2, 0xB9, 0xBC)),
            ),
        );
        let any = bitor_m256i(bitor_m256i(control, c1), bitor_m256i(e2, ef));
        move_mask_i8_m256i(any) != 0
    };
    // A short line: the scalar fold's test, read straight from the line ([`short_seen`]).
    let Some(end) = b.len().checked_sub(34) else {
        return match short_seen(b) {
            Some(seen) => seen & 1 != 0 || seen & 2 != 0 && leads_confirmed(b),
            None => has_removable_or_c1_scalar(b),
        };
    };
    let mut i = 0;
    while let Some(w) = b.get(i..i + 34) {
        if hit(w) {
            return true;
        }
        i += 32;
    }
    // The positions left: the last 34 bytes again (positions read twice change nothing), and
    // the last two positions, where in well-formed UTF-8 only a control byte or a C1 control
    // (C2 and its one continuation byte) can start: a sequence of three bytes would not fit.
    let control = |x: u8| (x < 0x20 && x != b'\t' && x != b'\n') || x == 0x7F;
    hit(&b[end..])
        || match b[end..] {
            [.., y, z] => control(y) || control(z) || y == 0xC2 && (0x80..=0x9F).contains(&z),
            _ => false,
        }
}

/// The scalar fold of [`has_removable_or_c1_scalar`] (bit 0: a control byte or DEL; bit 1: a
/// byte 0xC2, 0xE2 or 0xEF) for a line of 8 to 33 bytes, read straight from the line in
/// overlapping 16-byte (or two 8-byte) loads, which the fold (an OR) allows; `None` for a
/// shorter or longer line. (Issue 3, session 25: the scalar fold copied the last bytes into a
/// padded block and read it at once in a 32-byte load, which waited for the copy's narrow
/// stores to retire: `perf annotate` put ≈ 10% of `fix_suspect`'s samples on that load; a
/// quarter of the garbled lines are this short.) Proptest `removable_simd_equals_scalar`.
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
fn short_seen(b: &[u8]) -> Option<u8> {
    use safe_arch::{
        bitandnot_m128i, bitor_m128i, cmp_eq_mask_i8_m128i, m128i, min_u8_m128i,
        move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let splat = |x: u8| set_splat_i8_m128i(x as i8);
    let eq = |x: m128i, v: u8| cmp_eq_mask_i8_m128i(x, splat(v));
    let fold = |x: m128i| {
        // Unsigned `x < 0x20`.
        let below_space = cmp_eq_mask_i8_m128i(min_u8_m128i(x, splat(0x1F)), x);
        let control = bitor_m128i(
            bitandnot_m128i(bitor_m128i(eq(x, b'\t'), eq(x, b'\n')), below_space),
            eq(x, 0x7F),
        );
        let lead = bitor_m128i(bitor_m128i(eq(x, 0xC2), eq(x, 0xE2)), eq(x, 0xEF));
        u8::from(move_mask_i8_m128i(control) != 0) | u8::from(move_mask_i8_m128i(lead) != 0) << 1
    };
    let at16 = |i: usize| b.get(i..i + 16).and_then(|w| <[u8; 16]>::try_from(w).ok());
    let at8 = |i: usize| {
        b.get(i..i + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map(u64::from_le_bytes)
    };
    match b.len() {
        16..=33 => {
            let last = at16(b.len() - 16)?;
            let mut seen = fold(m128i::from(at16(0)?)) | fold(m128i::from(last));
            if b.len() > 32 {
                seen |= fold(m128i::from(at16(16)?));
            }
            Some(seen)
        }
        8..=15 => {
            let (x, y) = (at8(0)?, at8(b.len() - 8)?);
            Some(fold(m128i::from(u128::from(x) | u128::from(y) << 64)))
        }
        _ => None,
    }
}

/// Whether one of the bytes 0xC2, 0xE2, 0xEF in `b` starts a C1 control, U+206A..U+206F,
/// U+FEFF or U+FFF9..U+FFFC.
fn leads_confirmed(b: &[u8]) -> bool {
    memchr::memchr3_iter(0xC2, 0xE2, 0xEF, b).any(|i| {
        let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
        match b[i] {
            0xC2 => (0x80..=0x9F).contains(&at(1)),
            0xE2 => at(1) == 0x81 && (0xAA..=0xAF).contains(&at(2)),
            _ => matches!((at(1), at(2)), (0xBB, 0xBF) | (0xBF, 0xB9..=0xBC)),
        }
    })
}

/// [`has_removable_or_c1_scalar`], without AVX2.
#[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
fn has_removable_or_c1(b: &[u8]) -> bool {
    has_removable_or_c1_scalar(b)
}

/// [`has_removable_or_c1`] without AVX2 (and the tests' reference): read from the bytes (issue 3:
/// a walk over the characters of every repaired line cost ~4% of the garbled-line time).
/// Only a control byte, DEL, or the first byte of a C1 control (0xC2), of U+206A..U+206F
/// (0xE2) or of U+FEFF and U+FFF9..U+FFFC (0xEF) can start one.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "avx2"), allow(dead_code))]
fn has_removable_or_c1_scalar(b: &[u8]) -> bool {
    // One pass without a short cut, so that it runs many bytes at a time: bit 0 for a control
    // byte or DEL, bit 1 for a byte that may start one of the others. Most repaired lines
    // hold none of the latter, and then need no search for them (issue 3: the search cost
    // ≈ 90 instructions a line even when it found nothing).
    // The last bytes (fewer than a block) are looked at as a block of their own, padded with
    // spaces, so that they too are read many at a time: repaired lines are short.
    const BLOCK: usize = 32;
    let fold = |bytes: &[u8]| {
        bytes.iter().fold(0u8, |seen, &x| {
            let control = (x < 0x20 && x != b'\t' && x != b'\n') | (x == 0x7F);
            let lead = (x == 0xC2) | (x == 0xE2) | (x == 0xEF);
            seen | u8::from(control) | u8::from(lead) << 1
        })
    };
    let (body, tail) = b.split_at(b.len() - b.len() % BLOCK);
    let mut last = [b' '; BLOCK];
    if let Some(to) = last.get_mut(..tail.len()) {
        to.copy_from_slice(tail);
    }
    let seen = fold(body) | fold(&last);
    seen & 1 != 0 || seen & 2 != 0 && leads_confirmed(b)
}

/// A C1 control (U+0080–U+009F) read as the Windows-1252 byte of the same number; `None` for
/// the five bytes Windows-1252 leaves undefined.
pub(crate) fn c1_as_windows_1252(cp: u32) -> Option<char> {
    let b = u8::try_from(cp).ok()?;
    let one = [b];
    let (s, bad) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&one);
    let c = s.chars().next()?;
    (!bad && !('\u{80}'..='\u{9f}').contains(&c)).then_some(c)
}

/// Removes ANSI/VT100 escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL/ST`, and
/// two-character escapes). Returns the text and how many were removed.
fn strip_escapes(s: &str) -> (String, u32) {
    let mut out = String::with_capacity(s.len());
    let mut n = 0;
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        n += 1;
        match it.peek() {
            Some('[') => {
                it.next();
                // Parameters and intermediates, then one final byte in @..~.
                for d in it.by_ref() {
                    if ('@'..='~').contains(&d) {
                        break;
                    }
                }
            }
            Some(']') => {
                it.next();
                while let Some(d) = it.next() {
                    if d == '\u{7}' {
                        break;
                    }
                    if d == '\u{1b}' && it.peek() == Some(&'\\') {
                        it.next();
                        break;
                    }
                }
            }
            Some(_) => {
                it.next();
            }
            None => {}
        }
    }
    (out, n)
}

fn uncurl(s: &str) -> Option<String> {
    if !s
        .chars()
        .any(|c| matches!(c, '‘' | '’' | '‚' | '‛' | '“' | '”' | '„' | '‟'))
    {
        return None;
    }
    Some(
        s.chars()
            .map(|c| match c {
                '‘' | '’' | '‚' | '‛' => '\'',
                '“' | '”' | '„' | '‟' => '"',
                c => c,
            })
            .collect(),
    )
}

fn fold_fullwidth(s: &str) -> Option<String> {
    if !s
        .chars()
        .any(|c| ('\u{ff01}'..='\u{ff5e}').contains(&c) || c == '\u{3000}')
    {
        return None;
    }
    Some(
        s.chars()
            .map(|c| match c {
                '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                '\u{3000}' => ' ',
                c => c,
            })
            .collect(),
    )
}

/// Runs repair over a whole document, line by line, recording what it fixed.
pub fn apply(doc: &mut Doc, opts: &Options) {
    if plain_ascii_doc(&doc.text) {
        return;
    }
    // Whether entities may be unescaped matters only where there is one to unescape.
    let entities_ok = match opts.entities {
        Entities::On => true,
        Entities::Off => false,
        Entities::Auto => {
            memchr::memchr(b'&', doc.text.as_bytes()).is_none() || !has_markup(&doc.text)
        }
    };
    let mut stats = Repairs::default();
    let scan = Scan::new(opts, entities_ok);
    let text = doc.text.as_bytes();
    // Only the lines the scan flags are repaired (the others would come out unchanged); the
    // clean text between them is copied as it is, as `thresh fix` does (`Stream`).
    let mut out: Option<String> = None;
    let (mut run, mut pos) = (0, 0);
    while let Some(k) = scan.first_suspect(&text[pos..]) {
        let at = pos + k;
        let start = memchr::memrchr(b'\n', &text[pos..at]).map_or(pos, |p| pos + p + 1);
        let end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |p| at + p);
        let line = &doc.text[start..end];
        let fixed = fix_line_with(line, opts, entities_ok, &mut stats);
        if matches!(fixed, Cow::Owned(_)) && fixed != line {
            let o = out.get_or_insert_with(|| String::with_capacity(doc.text.len()));
            o.push_str(&doc.text[run..start]);
            o.push_str(&fixed);
            run = end;
        }
        pos = (end + 1).min(text.len());
        if end == text.len() {
            break;
        }
    }
    if let Some(mut o) = out {
        o.push_str(&doc.text[run..]);
        doc.text = o;
    }
    doc.changes.repairs = stats;
}

fn plain_ascii_doc(text: &str) -> bool {
    let plain = |b: u8| plain_byte(b) || b == b'\n';
    // Blocks of 64 bytes without an early exit inside (the compiler vectorizes the fold),
    // then the rest byte by byte.
    let mut blocks = text.as_bytes().chunks_exact(64);
    for block in &mut blocks {
        if !block.iter().fold(true, |acc, &b| acc & plain(b)) {
            return false;
        }
    }
    blocks.remainder().iter().all(|&b| plain(b))
}

/// Repairs a stream line by line: one output line per input line (split on `\n` only), in
/// order; a last line without `\n` stays without one. Invalid UTF-8 becomes U+FFFD.
///
/// The input is taken a buffer at a time. One scan ([`Scan`]) finds the next line that may
/// need a fix; every line before it is copied through as it came, in one write. Only that
/// line is decoded and repaired (issue 3: per-line reads and writes cost more than the
/// repair of clean text).
pub fn fix_stream(
    input: impl std::io::BufRead,
    out: &mut impl std::io::Write,
    opts: &Options,
) -> std::io::Result<()> {
    fix_stream_in(input, out, opts, 1 << 12).map(|_| ())
}

/// [`fix_stream`], with UTF-8 checked `window` bytes at a time ([`Stream::lines`]); what was
/// fixed.
fn fix_stream_in(
    mut input: impl std::io::BufRead,
    out: &mut impl std::io::Write,
    opts: &Options,
    window: usize,
) -> std::io::Result<Repairs> {
    let mut stream = Stream {
        // `&` is a suspect whenever references may be unescaped; `Auto` decides per line.
        scan: Scan::new(opts, true),
        opts,
        stats: Repairs::default(),
        window,
        map: Vec::new(),
        map_esc: false,
        direct: opts.mojibake
            && opts.entities == Entities::Off
            && !opts.nfc
            && !opts.uncurl_quotes
            && !opts.fold_fullwidth,
    };
    // A line that started in an earlier buffer and has not ended yet.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let chunk = input.fill_buf()?;
        let n = chunk.len();
        if n == 0 {
            // The last line, without `\n`.
            stream.lines(&carry, out)?;
            return Ok(stream.stats);
        }
        let mut rest = chunk;
        if !carry.is_empty() {
            match rest.iter().position(|&b| b == b'\n') {
                Some(p) => {
                    carry.extend_from_slice(&rest[..=p]);
                    stream.lines(&carry, out)?;
                    carry.clear();
                    rest = &rest[p + 1..];
                }
                None => {
                    carry.extend_from_slice(rest);
                    rest = &[];
                }
            }
        }
        if !rest.is_empty() {
            match rest.iter().rposition(|&b| b == b'\n') {
                Some(p) => {
                    stream.lines(&rest[..=p], out)?;
                    carry.extend_from_slice(&rest[p + 1..]);
                }
                None => carry.extend_from_slice(rest),
            }
        }
        input.consume(n);
    }
}

/// Where the last `\n` of `b` is. In garbled text the suspect is a few bytes into the line
/// that follows the last one repaired, and `memrchr`'s set-up costs more than a byte loop
/// there (issue 3).
#[inline]
fn last_newline(b: &[u8]) -> Option<usize> {
    if b.len() <= 16 {
        b.iter().rposition(|&c| c == b'\n')
    } else {
        memchr::memrchr(b'\n', b)
    }
}

/// The state of [`fix_stream`] between buffers.
struct Stream<'o> {
    scan: Scan,
    opts: &'o Options,
    stats: Repairs,
    /// How many bytes of lines [`Stream::lines`] checks for UTF-8 at once, at least.
    window: usize,
    /// The `\n` of the lines checked last, one bit a byte ([`newline_map`]).
    map: Vec<u64>,
    /// Those lines hold an ESC (then `map` is not read).
    map_esc: bool,
    /// The options are those under which a line garbled whole in one encoding needs no fix
    /// but the mojibake pass and the control-character check ([`Stream::lines`]).
    direct: bool,
}

/// Sets `map` to one bit a byte of `b`, set for each `\n` (bit `i % 64` of word `i / 64`;
/// the bits past `b`'s end clear), and returns whether `b` holds an ESC. With AVX2, 64 bytes
/// a step; [`newline_map_scalar`] elsewhere (and for the last bytes); proptest
/// `newline_map_simd_equals_scalar`.
fn newline_map(b: &[u8], map: &mut Vec<u64>) -> bool {
    map.clear();
    map.resize(b.len().div_ceil(64), 0);
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    {
        use safe_arch::{
            bitor_m256i, cmp_eq_mask_i8_m256i, m256i, move_mask_i8_m256i, set_splat_i8_m256i,
        };
        let nl = set_splat_i8_m256i(b'\n' as i8);
        let esc = set_splat_i8_m256i(0x1B);
        let mut seen = set_splat_i8_m256i(0);
        let blocks = b.chunks_exact(64);
        let rest = blocks.remainder();
        for (slot, w) in map.iter_mut().zip(blocks) {
            let load =
                |k: usize| m256i::from(<[u8; 32]>::try_from(&w[k..k + 32]).unwrap_or([0; 32]));
            let (x0, x1) = (load(0), load(32));
            let lo = move_mask_i8_m256i(cmp_eq_mask_i8_m256i(x0, nl)) as u32;
            let hi = move_mask_i8_m256i(cmp_eq_mask_i8_m256i(x1, nl)) as u32;
            *slot = u64::from(lo) | u64::from(hi) << 32;
            seen = bitor_m256i(
                seen,
                bitor_m256i(cmp_eq_mask_i8_m256i(x0, esc), cmp_eq_mask_i8_m256i(x1, esc)),
            );
        }
        let last = map.len() - usize::from(!rest.is_empty());
        newline_map_scalar(rest, &mut map[last..]) || move_mask_i8_m256i(seen) != 0
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
    {
        newline_map_scalar(b, map)
    }
}

/// [`newline_map`] a byte at a time, into `map` (one word for every 64 bytes of `b`).
fn newline_map_scalar(b: &[u8], map: &mut [u64]) -> bool {
    let mut esc = false;
    for (slot, w) in map.iter_mut().zip(b.chunks(64)) {
        let mut bits = 0u64;
        for (k, &x) in w.iter().enumerate() {
            bits |= u64::from(x == b'\n') << k;
            esc |= x == 0x1B;
        }
        *slot = bits;
    }
    esc
}

/// Writes a line the fix changed (`Cow::Owned`) after `gap`, the run of input before it, and
/// hands its memory back, so that the next fixed line is written into it; false, writing
/// nothing, for a line left as it is (it stays in the run). A lone `\n` goes out without a call
/// of `memcpy` (issue 3, session 20).
#[inline(always)]
fn put_changed(
    out: &mut impl std::io::Write,
    gap: &[u8],
    fixed: Cow<'_, str>,
) -> std::io::Result<bool> {
    let Cow::Owned(fixed) = fixed else {
        return Ok(false);
    };
    match gap {
        b"\n" => out.write_all(b"\n")?,
        gap => out.write_all(gap)?,
    }
    out.write_all(fixed.as_bytes())?;
    mojibake::give_back(fixed);
    Ok(true)
}

/// The first set bit of `map` at or after bit `i`.
#[inline]
fn next_set(map: &[u64], i: usize) -> Option<usize> {
    let mut w = i / 64;
    let bits = map.get(w)? >> (i % 64);
    if bits != 0 {
        return Some(i + bits.trailing_zeros() as usize);
    }
    loop {
        w += 1;
        let bits = *map.get(w)?;
        if bits != 0 {
            return Some(w * 64 + bits.trailing_zeros() as usize);
        }
    }
}

impl Stream<'_> {
    /// Repairs whole lines (`block` ends with `\n`, or is the input's last line) to `out`.
    fn lines(&mut self, block: &[u8], out: &mut impl std::io::Write) -> std::io::Result<()> {
        // `pos` is always at the start of a line; what lies from `run` to the suspect's line
        // (the `\n` after the last changed line, then lines clean or left as they were) goes
        // out as it is, in one write.
        let mut run = 0;
        let mut pos = 0;
        // UTF-8 is checked with `simdutf8`, many bytes at a time (`std::str::from_utf8` of
        // each flagged line was 6% of the time on garbled lines, where most bytes are not
        // ASCII; issue 3). A flagged line that follows right after another (garbled text:
        // most lines are) has the next few KB of whole lines checked at once, and the lines
        // in them are slices of that (line ends are `\n`, always a character boundary); a
        // lone flagged line in clean text is checked by itself, so the clean lines around it
        // cost nothing.
        let mut tail: Option<(usize, &str)> = None;
        // The line before `pos` was changed by the fix.
        let mut changed = false;
        loop {
            // The line right after a line the fix changed goes to the fix without the scan:
            // in garbled text most lines are changed, and the scan up to the first suspect
            // is work the fix does again (issue 3: ≈ 3.5% of the instructions on the eval's
            // garbled lines). The fix leaves a line that the scan clears as it is (the
            // scan's module docs), so the output is the same; a clean line after a changed
            // one only costs more.
            let at = if changed && pos < block.len() {
                pos
            } else {
                match self.scan.first_suspect(&block[pos..]) {
                    Some(k) => pos + k,
                    None => break,
                }
            };
            let start = last_newline(&block[pos..at]).map_or(pos, |p| pos + p + 1);
            // The line's end, and whether it holds an ESC: within the window checked last,
            // from its map of `\n` when it holds no ESC (issue 3, session 20: a `memchr2` a
            // line cost ≈ 60 instructions and 2.7% of the time on garbled lines, most of it
            // set-up for a search of ≈ 100 bytes); else in one search (a second search per
            // line cost ≈ 70 instructions). The scan found no ESC before `at`.
            let mapped = tail.filter(|_| !self.map_esc).and_then(|(from, t)| {
                let rel = at.checked_sub(from).filter(|&r| r <= t.len())?;
                Some(from + next_set(&self.map, rel).unwrap_or(t.len()))
            });
            let (end, esc) = match mapped {
                Some(end) => (end, false),
                None => match memchr::memchr2(b'\n', 0x1B, &block[at..]) {
                    Some(p) if block[at + p] == b'\n' => (at + p, false),
                    Some(p) => (
                        memchr::memchr(b'\n', &block[at + p..]).map_or(block.len(), |q| at + p + q),
                        true,
                    ),
                    None => (block.len(), false),
                },
            };
            let next = (end + 1).min(block.len());
            let covered = tail.is_some_and(|(from, t)| from <= start && end <= from + t.len());
            if !covered && start == pos && pos > 0 {
                let from = end.max(start + self.window);
                let stop = match block.get(from..) {
                    Some(rest) => memchr::memchr(b'\n', rest).map_or(block.len(), |p| from + p),
                    None => block.len(),
                };
                tail = simdutf8::basic::from_utf8(&block[start..stop])
                    .ok()
                    .map(|t| (start, t));
                if let Some((_, t)) = tail {
                    self.map_esc = newline_map(t.as_bytes(), &mut self.map);
                }
            }
            let checked = tail.and_then(|(from, t)| t.get(start.checked_sub(from)?..end - from));
            let valid = checked.or_else(|| simdutf8::basic::from_utf8(&block[start..end]).ok());
            // A line the fix leaves as it is stays in the run of input that goes out in one
            // write, and so does the `\n` after a changed line: one write a changed line, not
            // three (issue 3: ≈ 2 `memcpy` calls a line of the eval's garbled lines were of
            // nothing or of the `\n`).
            changed = match valid {
                // A line of non-ASCII text, without ESC, under options that leave only the
                // mojibake pass and the control-character check ([`fix_suspect`]): a line
                // garbled whole in one encoding goes out straight from the walk's buffer,
                // with no UTF-8 check of its reading, no `String` and no copy
                // ([`mojibake::fix_changed_into`]).
                Some(line) if self.direct && !esc && !line.is_ascii() => {
                    let mut wrote = Ok(());
                    let gap = &block[run..start];
                    let emit = |fixed: &[u8]| {
                        if has_removable_or_c1(fixed) {
                            return false;
                        }
                        wrote = match gap {
                            b"\n" => out.write_all(b"\n"),
                            gap => out.write_all(gap),
                        }
                        .and_then(|()| out.write_all(fixed));
                        true
                    };
                    mojibake::took_word_pass();
                    let cur = match mojibake::fix_changed_into(line, emit) {
                        mojibake::Direct::Written(n) => {
                            wrote?;
                            self.stats.mojibake += n;
                            run = end;
                            pos = next;
                            changed = true;
                            continue;
                        }
                        mojibake::Direct::Changed(Some((s, n))) => {
                            self.stats.mojibake += n;
                            Cow::Owned(s)
                        }
                        mojibake::Direct::Changed(None) => Cow::Borrowed(line),
                    };
                    let fixed = fix_rest(cur, self.opts, &mut self.stats);
                    let fixed = settle(fixed, self.opts, true, &mut self.stats);
                    let wrote = put_changed(out, &block[run..start], fixed)?;
                    if wrote {
                        run = end;
                    }
                    wrote
                }
                Some(line) => {
                    let fixed = self.line(line, esc);
                    let wrote = put_changed(out, &block[run..start], fixed)?;
                    if wrote {
                        run = end;
                    }
                    wrote
                }
                None => {
                    // Not UTF-8: what goes out is the line as read, repaired or not.
                    let text = String::from_utf8_lossy(&block[start..end]);
                    let fixed = self.line(&text, esc);
                    out.write_all(&block[run..start])?;
                    out.write_all(fixed.as_bytes())?;
                    run = end;
                    matches!(fixed, Cow::Owned(_))
                }
            };
            pos = next;
        }
        out.write_all(&block[run..])
    }

    /// Repairs one line (without its `\n`) that the scan did not clear: the line itself when
    /// the fix leaves it as it is.
    fn line<'a>(&mut self, text: &'a str, esc: bool) -> Cow<'a, str> {
        match self.opts.entities {
            // The scan treated `&` as a suspect; whether the line has markup decides now.
            Entities::Auto if has_markup(text) => {
                fix_line_with(text, self.opts, false, &mut self.stats)
            }
            _ => fix_suspect(text, self.opts, true, esc, &mut self.stats),
        }
    }
}

#[cfg(test)]
mod tests {
    /// Lines whose first fix left work for a second pass, from the fuzz target's check and a
    /// run of 300,000 random byte strings (session 19): fixing the fixed line changes nothing.
    #[test]
    fn fixing_a_fixed_line_changes_nothing() {
        for line in [
            " aÄ?A\u{a0}ª",
            "Ã%€ñÔ?\u{8d}A",
            "AAÃÑ…\u{1}a",
            "\u{8d}|€âÅ?™ÃaÂ\u{1}»Å",
        ] {
            let once = fix_line(line);
            assert_eq!(fix_line(&once), once, "{line:?}");
        }
    }

    use super::*;

    /// A control character inside a mojibake sequence hides it from the mojibake pass; once
    /// the control is removed, the pass runs again, so one fix does what two would (found by
    /// the fuzz target's idempotence check on random bytes).
    #[test]
    fn a_control_inside_mojibake_is_removed_then_the_line_fixed() {
        for (garbled, want) in [
            ("caf\u{c3}\u{83}\u{7}\u{c2}\u{a9} au lait", "café au lait"),
            ("cafÃ\u{7}© au lait, crÃ¨me", "café au lait, crème"),
            ("ÐŸÑ€Ð¸\u{1}Ð²ÐµÑ‚, Ð¼Ð¸Ñ€", "Привет, мир"),
            ("Ä\u{0}°smail", "İsmail"),
        ] {
            let once = fix_line(garbled);
            assert_eq!(once, want, "{garbled:?}");
            assert_eq!(fix_line(&once), once);
        }
    }

    #[test]
    fn has_removable_or_c1_agrees_with_the_chars() {
        for cp in (0..0x3_0000).chain(0xE_0000..0x11_0000) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            // Short lines (the padded last block alone), and the character in a first block
            // of 32 bytes, or after one.
            let long = "x".repeat(31);
            for s in [
                format!("{c}"),
                format!("a{c}"),
                format!("é{c}\u{80}x"),
                format!("{c}{long}"),
                format!("{long}a{c}"),
            ] {
                assert_eq!(
                    has_removable_or_c1(s.as_bytes()),
                    s.chars().any(is_removable_or_c1),
                    "U+{cp:04X} in {s:?}"
                );
            }
        }
    }

    /// `apply` as it was written first: every line through `fix_line_with`.
    fn apply_line_by_line(text: &str, opts: &Options) -> (String, Repairs) {
        let entities_ok = match opts.entities {
            Entities::On => true,
            Entities::Off => false,
            Entities::Auto => !has_markup(text),
        };
        let mut stats = Repairs::default();
        let lines: Vec<String> = text
            .split('\n')
            .map(|l| fix_line_with(l, opts, entities_ok, &mut stats).into_owned())
            .collect();
        (lines.join("\n"), stats)
    }

    fn doc(text: String) -> Doc {
        Doc {
            id: String::new(),
            source: String::new(),
            text,
            extra: Default::default(),
            bytes_in: 0,
            changes: Default::default(),
            fingerprint: Default::default(),
        }
    }

    use proptest::prelude::Strategy as _;

    /// Characters around what [`has_removable_or_c1`] looks for: each removable or C1
    /// character, its neighbours by code point, and others that share its first bytes.
    fn near_removable() -> impl proptest::prelude::Strategy<Value = char> {
        proptest::prop_oneof![
            proptest::char::range('\u{0}', '\u{ff}'),
            proptest::char::range('\u{2060}', '\u{2075}'),
            proptest::char::range('\u{feee}', '\u{ff02}'),
            proptest::char::range('\u{fff0}', '\u{ffff}'),
            proptest::sample::select(vec!['é', '€', '’', 'Ã', 'Â', 'ï', '»', '¿', ' ', 'x']),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// The AVX2 test (on x86-64-v3 builds) says what the scalar one says, wherever the
        /// characters sit relative to its 32-byte steps and the padded end.
        #[test]
        fn removable_simd_equals_scalar(
            chars in proptest::collection::vec(near_removable(), 0..90),
            pad in 0usize..40,
        ) {
            let s: String = "a".repeat(pad) + &chars.into_iter().collect::<String>();
            proptest::prop_assert_eq!(has_removable_or_c1(s.as_bytes()), has_removable_or_c1_scalar(s.as_bytes()));
            proptest::prop_assert_eq!(
                has_removable_or_c1(s.as_bytes()),
                s.chars().any(is_removable_or_c1)
            );
        }
    }

    proptest::proptest! {
        /// The blockwise plain-ASCII check equals the byte-by-byte one, wherever the one
        /// byte that is not plain sits (inside a 64-byte block or in the remainder).
        #[test]
        fn plain_ascii_doc_equals_bytewise(
            len in 0usize..300,
            at in 0usize..300,
            b in proptest::prelude::any::<u8>(),
        ) {
            let mut bytes: Vec<u8> = (0..len).map(|i| b"ab c\n.Z9~"[i % 9]).collect();
            if at < len && b.is_ascii() {
                bytes[at] = b;
            }
            let text = String::from_utf8(bytes).expect("ASCII");
            let bytewise = text.bytes().all(|b| plain_byte(b) || b == b'\n');
            proptest::prop_assert_eq!(plain_ascii_doc(&text), bytewise);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(1000))]

        /// Repairing only the lines the scan flags, copying the rest, gives what repairing
        /// every line gives, counts included.
        #[test]
        fn apply_equals_line_by_line(
            lines in proptest::collection::vec(
                proptest::prop_oneof![
                    "[a-z ,.]{0,30}",
                    "[a-zé€’“” ]{0,30}",
                    "[a-zé€’“” ]{1,30}".prop_map(|s| encoding_rs::WINDOWS_1252
                        .decode_without_bom_handling(s.as_bytes()).0.into_owned()),
                    proptest::prelude::Just("Tom &amp; Jerry".to_string()),
                    proptest::prelude::Just("<b>bold</b> &lt;".to_string()),
                    proptest::prelude::Just("\u{1b}[31mred\u{1b}[0m".to_string()),
                    proptest::prelude::Just("e\u{301}cole".to_string()),
                    "\\PC{0,12}",
                ],
                0..12,
            ),
            entities in 0..3u8,
        ) {
            let text = lines.join("\n");
            let opts = Options {
                entities: [Entities::On, Entities::Off, Entities::Auto][entities as usize],
                ..Options::default()
            };
            let (want, want_stats) = apply_line_by_line(&text, &opts);
            let mut d = doc(text);
            apply(&mut d, &opts);
            proptest::prop_assert_eq!(&d.text, &want);
            proptest::prop_assert_eq!(d.changes.repairs, want_stats);
        }
    }

    /// `fix_stream` as it reads: each line on its own, invalid UTF-8 replaced.
    fn stream_line_by_line(input: &[u8], opts: &Options) -> Vec<u8> {
        stream_line_by_line_counted(input, opts).0
    }

    /// [`stream_line_by_line`], and what was fixed.
    fn stream_line_by_line_counted(input: &[u8], opts: &Options) -> (Vec<u8>, Repairs) {
        let mut stats = Repairs::default();
        let lines: Vec<String> = input
            .split(|&b| b == b'\n')
            .map(|l| {
                let l = String::from_utf8_lossy(l);
                match opts.entities {
                    Entities::Auto if has_markup(&l) => {
                        fix_line_with(&l, opts, false, &mut stats).into_owned()
                    }
                    _ => fix_line_with(&l, opts, true, &mut stats).into_owned(),
                }
            })
            .collect();
        (lines.join("\n").into_bytes(), stats)
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(1000))]

        /// The stream's UTF-8 check (a line alone, or a window of lines checked at once) and
        /// its buffering give what each line on its own gives, invalid bytes included.
        #[test]
        fn stream_equals_line_by_line(
            lines in proptest::collection::vec(
                proptest::prop_oneof![
                    "[a-z ,.]{0,30}".prop_map(String::into_bytes),
                    "[a-zé€’“” ]{1,30}".prop_map(|s| encoding_rs::WINDOWS_1252
                        .decode_without_bom_handling(s.as_bytes()).0.into_owned().into_bytes()),
                    "[a-zé€’“” ]{1,30}".prop_map(|s| {
                        let mut b = encoding_rs::WINDOWS_1252
                            .decode_without_bom_handling(s.as_bytes()).0.into_owned().into_bytes();
                        b.insert(b.len() / 2, 0xC3);
                        b
                    }),
                    proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12),
                ],
                0..40,
            ),
            capacity in 1..200usize,
            window in 0..100usize,
        ) {
            let input = lines.join(&b'\n');
            let opts = Options::default();
            let mut got = Vec::new();
            let reader = std::io::BufReader::with_capacity(capacity, &input[..]);
            fix_stream_in(reader, &mut got, &opts, window).map_err(|e| {
                proptest::test_runner::TestCaseError::fail(e.to_string())
            })?;
            proptest::prop_assert_eq!(got, stream_line_by_line(&input, &opts));
        }
    }

    /// `s` garbled as UTF-8 read in `enc` (then as Windows-1252 again if `twice`); only its
    /// second word when `word`.
    fn garbled(s: &str, enc: &str, twice: bool, word: bool) -> String {
        let garble = |s: &str, enc: &'static encoding_rs::Encoding| {
            enc.decode_without_bom_handling(s.as_bytes()).0.into_owned()
        };
        let enc = encoding_rs::Encoding::for_label(enc.as_bytes()).unwrap_or(encoding_rs::UTF_8);
        let whole = |s: &str| {
            let g = garble(s, enc);
            if twice {
                garble(&g, encoding_rs::WINDOWS_1252)
            } else {
                g
            }
        };
        if !word {
            return whole(s);
        }
        let mut words: Vec<String> = s.split(' ').map(str::to_string).collect();
        if let Some(w) = words.get_mut(1) {
            *w = whole(w);
        }
        words.join(" ")
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2000))]

        /// Under the options where `Stream::lines` writes a line decoded whole straight from
        /// the walk's buffer (`Stream::direct`), the stream gives what each line on its own
        /// gives: lines garbled whole in several encodings, in two layers, in one word only,
        /// with a byte lost (`?`, U+FFFD), a no-break space turned into a space, and control
        /// and C1 characters that come out of the decoding (which the control-character
        /// check then removes or maps), between clean and ASCII lines.
        #[test]
        fn direct_stream_equals_line_by_line(
            lines in proptest::collection::vec(
                (
                    proptest::collection::vec(
                        proptest::sample::select(vec![
                            "café", "naïve", "Ångström", "добрий", "день", "Ελλάδα", "İsmail",
                            "Žluťoučký", "kůň", "Łódź", "ąčęėįšųūž", "ō", "über", "don’t",
                            "“quoted”", "—", "€5", "a\u{85}b", "x\u{7}y", "\u{a0}à",
                            "plain", "text", "?", "\u{fffd}", "日本", "€\u{9d}",
                        ]),
                        1..6,
                    ),
                    proptest::sample::select(vec![
                        "windows-1252", "windows-1250", "windows-1251", "windows-1253",
                        "windows-1254", "windows-1257", "iso-8859-2", "macintosh", "utf-8",
                    ]),
                    proptest::prelude::any::<bool>(),
                    proptest::prelude::any::<bool>(),
                    0..4u8,
                ),
                0..12,
            ),
            window in 0..200usize,
        ) {
            let text: Vec<String> = lines
                .into_iter()
                .map(|(words, enc, twice, word, lose)| {
                    let g = garbled(&words.join(" "), enc, twice, word);
                    match lose {
                        // A lost byte, and a no-break space turned into a space.
                        1 => g.replacen('\u{9d}', "?", 1).replacen('\u{a0}', " ", 1),
                        2 => g.replacen('\u{9d}', "\u{fffd}", 1),
                        _ => g,
                    }
                })
                .collect();
            let input = text.join("\n").into_bytes();
            let opts = Options {
                entities: Entities::Off,
                nfc: false,
                ..Options::default()
            };
            let mut got = Vec::new();
            let counted = fix_stream_in(&input[..], &mut got, &opts, window).map_err(|e| {
                proptest::test_runner::TestCaseError::fail(e.to_string())
            })?;
            let (want, want_counted) = stream_line_by_line_counted(&input, &opts);
            proptest::prop_assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want));
            proptest::prop_assert_eq!(counted, want_counted);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(4000))]

        /// What `Stream::lines` relies on when it hands the line after a changed one to the
        /// fix without the scan: a line the scan clears comes out of the fix as it went in,
        /// with nothing counted, under every option set. Lines of many scripts, typographic
        /// punctuation, entities, controls and combining marks, some garbled.
        #[test]
        fn fix_leaves_what_the_scan_clears(
            line in proptest::prop_oneof![
                "[a-zA-Z0-9 ,.;?&#<>]{0,20}",
                "[a-z <>]{0,8}&(amp|lt|eacute|#233|#x41|nbsp);[a-z ]{0,8}",
                "[a-z éèÀÃ©«»€’“”\u{a0}\u{301}]{0,20}",
                "[ a-zВІКІдляБЖЯ αβγΩάЁёÐ°]{0,20}",
                "[ a-ząčęėįšųūžĄČŁłőŐşŞğİı]{0,20}",
                "[ 日本語한국어ไทยहिन्दी\u{fffd}\u{feff}\u{206a}\u{1b}\u{7f}\u{85}]{0,20}",
                "[ aÂ¢â€™Ã©ÅŸÄ±ÐµÑÎ±Îº?]{0,20}",
            ],
            nfc in proptest::prelude::any::<bool>(),
            entities in 0..3usize,
            cosmetic in proptest::prelude::any::<bool>(),
        ) {
            let opts = Options {
                nfc,
                entities: [Entities::Auto, Entities::On, Entities::Off][entities],
                uncurl_quotes: cosmetic,
                fold_fullwidth: cosmetic,
                ..Options::default()
            };
            if Scan::new(&opts, true).first_suspect(line.as_bytes()).is_none() {
                let mut stats = Repairs::default();
                let esc = line.contains('\u{1b}');
                let fixed = fix_suspect(&line, &opts, true, esc, &mut stats);
                proptest::prop_assert_eq!(&*fixed, &line);
                proptest::prop_assert_eq!(stats, Repairs::default());
            }
        }
    }

    proptest::proptest! {
        /// The map of `\n` (AVX2 on x86-64-v3 builds) has the bits a byte-by-byte walk sets,
        /// says whether an ESC is there, and [`next_set`] finds the next `\n` as `memchr`
        /// does, wherever the bytes sit relative to the 64-byte steps.
        #[test]
        fn newline_map_simd_equals_scalar(
            b in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'\n', 0x1B, 0xC3, 0x0A ^ 0x80]),
                0..300,
            ),
            at in 0usize..310,
        ) {
            let mut map = Vec::new();
            let esc = newline_map(&b, &mut map);
            let mut want = vec![0u64; b.len().div_ceil(64)];
            for (i, &x) in b.iter().enumerate() {
                want[i / 64] |= u64::from(x == b'\n') << (i % 64);
            }
            proptest::prop_assert_eq!(&map, &want);
            proptest::prop_assert_eq!(esc, b.contains(&0x1B));
            let next = b.get(at..).and_then(|r| memchr::memchr(b'\n', r)).map(|p| at + p);
            proptest::prop_assert_eq!(next_set(&map, at), next);
        }
    }

    proptest::proptest! {
        /// The byte loop for short stretches finds the `\n` that `memrchr` finds.
        #[test]
        fn last_newline_is_memrchr(
            b in proptest::collection::vec(proptest::sample::select(vec![b'a', b'\n', 0xC3]), 0..40),
        ) {
            proptest::prop_assert_eq!(last_newline(&b), memchr::memrchr(b'\n', &b));
        }
    }

    #[test]
    fn controls_escapes_and_c1() {
        assert_eq!(fix_line("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(fix_line("x\u{0}y\u{7f}z\u{feff}"), "xyz");
        assert_eq!(fix_line("\u{93}quoted\u{94}"), "“quoted”");
    }

    #[test]
    fn nfc_composes() {
        assert_eq!(fix_line("e\u{301}te\u{301}"), "été");
    }

    #[test]
    fn entities_only_without_markup() {
        let mut r = Repairs::default();
        let o = Options::default();
        assert_eq!(fix_line_with("a &amp; b", &o, true, &mut r), "a & b");
        assert_eq!(fix_line_with("a &amp; b", &o, false, &mut r), "a &amp; b");
        assert_eq!(r.html_entities, 1);
    }

    #[test]
    fn cosmetic_options() {
        let mut r = Repairs::default();
        let o = Options {
            uncurl_quotes: true,
            fold_fullwidth: true,
            ..Options::default()
        };
        assert_eq!(
            fix_line_with("“Ｈｉ” it’s", &o, true, &mut r),
            "\"Hi\" it's"
        );
    }
}
