//! One pass over a line computes everything the rules and the model ask about it: counts of
//! words, capitals, stopwords, digits, symbols and separators, whether it ends a sentence, the
//! lexicon flags of its words and the hash of its normalized form. Rules then read numbers
//! instead of re-tokenizing the line (issue 4: strip spent its time splitting lines again
//! for each rule, hashing with SipHash and lowercasing into fresh strings).

use super::lexicon::{self, STOPWORD_LANGS};
use crate::fingerprint::WordHasher;

/// `str::trim` with a shortcut: a line that starts and ends with a visible ASCII character
/// (most lines) has nothing to trim, which is answered without decoding a character.
#[inline]
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// `str::trim_start` with the same shortcut as [`trim`].
#[inline]
pub fn trim_start(s: &str) -> &str {
    match s.as_bytes().first() {
        Some(f) if f.is_ascii_graphic() => s,
        _ => s.trim_start(),
    }
}

/// `str::trim_end` with the same shortcut as [`trim`].
#[inline]
pub fn trim_end(s: &str) -> &str {
    match s.as_bytes().last() {
        Some(l) if l.is_ascii_graphic() => s,
        _ => s.trim_end(),
    }
}

/// One non-blank line of a document and its shape.
#[derive(Debug, Clone, Default)]
pub struct Line<'a> {
    /// 1-based line number in the document.
    pub no: u32,
    /// The line, trimmed.
    pub text: &'a str,
    /// Characters (not bytes).
    pub chars: u32,
    /// Whitespace-separated tokens holding a letter or digit; a run of CJK or Thai characters
    /// counts one word per two characters.
    pub words: u32,
    /// Words that start with an uppercase letter.
    pub caps: u32,
    /// Words in the document language's stopword list.
    pub stop: u32,
    pub letters: u32,
    pub digits: u32,
    /// Characters that are neither letters, digits nor spaces.
    pub symbols: u32,
    /// Tokens that are only a separator (`|`, `»`, `›`, `/`, `•`, `·`, `-`, …).
    pub seps: u32,
    /// Tokens made only of letters (no digit, no punctuation) that are in none of the
    /// date word lists (months, weekdays, relative time, date fillers): a line with one is
    /// not a timestamp.
    pub undated: u32,
    /// Ends like a sentence.
    pub sentence: bool,
    /// Lexicon flags of the first word.
    pub first_flags: u16,
    /// Union of the lexicon flags of all words.
    pub any_flags: u16,
    /// Words in each of the site-voice word classes, in [`VOICE_CLASSES`] order: promotion,
    /// policy, the reader (second person), the site (first person plural).
    pub voice: [u16; 4],
    /// Hash of the line's normalized words (the fingerprint's: lowercase, digits folded to
    /// `0`, punctuation dropped): equal for lines that differ in case, spacing, punctuation
    /// or numbers.
    pub hash: u64,
    /// The line's normalized word hashes ([`crate::fingerprint::WordHasher`]) are
    /// `words[first_word..end_word]` of the vector [`Line::measure`] appended them to.
    pub first_word: u32,
    pub end_word: u32,
    /// Several physical lines of a hard-wrapped paragraph ([`super::reflow`]): `text`
    /// holds their line breaks.
    pub wrapped: bool,
    /// Holds a colon (`:` or the full-width `：`): the `Label: value` shape is possible.
    pub colon: bool,
    /// Holds the copyright sign `©` (a legal notice is possible).
    pub copyright: bool,
}

/// The lexicon word classes [`Line::voice`] counts.
pub const VOICE_CLASSES: [u16; 4] = [
    lexicon::PROMO,
    lexicon::POLICY,
    lexicon::READER,
    lexicon::WE,
];
const VOICE_ANY: u16 = lexicon::PROMO | lexicon::POLICY | lexicon::READER | lexicon::WE;

/// Byte classes, one table lookup per byte: ASCII letters, digits, capitals and whitespace;
/// bytes of 0x80 and above (parts of multi-byte characters) have none, so that the tests for
/// a space need no test for ASCII first.
const ALPHA: u8 = 1;
const DIGIT: u8 = 2;
const UPPER: u8 = 4;
const SPACE: u8 = 8;

const fn ascii_classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_lowercase() {
            ALPHA
        } else if c.is_ascii_uppercase() {
            ALPHA | UPPER
        } else if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_whitespace() {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    t
}

static CLASS: [u8; 256] = ascii_classes();

/// Characters that may close a sentence after its terminal mark (quotes, brackets).
pub fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '）' | '」' | '』' | '】' | '*'
    )
}

/// True when the text ends a sentence: `.`, `!`, `?`, `…` and their CJK, Devanagari, Arabic
/// forms, possibly followed by closing quotes or brackets. (C4's rule, widened to Unicode.)
pub fn ends_sentence(text: &str) -> bool {
    // Most lines that are not sentences end in an ASCII letter or digit: no closer, no mark.
    if text
        .as_bytes()
        .last()
        .is_some_and(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let t = trim_end(text).trim_end_matches(is_closer);
    t.ends_with([
        '.', '!', '?', '…', '。', '！', '？', '।', '؟', '۔', '｡', '።',
    ])
}

fn is_sep_token(t: &str) -> bool {
    matches!(
        t,
        "<<" | ">>"
            | "<"
            | ">"
            | "»"
            | "«"
            | "›"
            | "‹"
            | "/"
            | "|"
            | "→"
            | "•"
            | "·"
            | "::"
            | "\\"
            | "–"
            | "-"
            | "—"
    )
}

/// Hash of a line's letters alone, lowercased, whitespace-separated token by token (digits
/// and punctuation dropped): equal for "Comments (12)", "comments:" and "2Comments", and for
/// "Editors' Picks" and "Editor's Picks". Widget headers are matched with it; computed only
/// for the few short lines that are candidates.
pub fn letters_key(text: &str) -> u64 {
    let mut h: u64 = 0;
    for (tok, ascii) in ascii_tokens(text) {
        let before = h;
        if ascii {
            for &c in tok.as_bytes() {
                if c.is_ascii_alphabetic() {
                    h = fold(h, u64::from(c.to_ascii_lowercase()));
                }
            }
        } else {
            for c in tok.chars() {
                if c.is_ascii_alphabetic() {
                    h = fold(h, u64::from(c.to_ascii_lowercase() as u8));
                } else if !c.is_ascii() && is_alphanumeric(c) {
                    for l in c.to_lowercase() {
                        h = fold(h, u64::from(l as u32));
                    }
                }
            }
        }
        if h != before {
            h = fold(h, u64::from(b' '));
        }
    }
    h
}

/// The tokens of a text split at ASCII whitespace (those of `split_ascii_whitespace`), each
/// with whether it is all ASCII; a byte loop, cheaper than the standard iterator on the short
/// lines strip asks about.
pub fn ascii_tokens(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == b.len() {
            return None;
        }
        let start = i;
        let mut ascii = true;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            ascii &= b[i] < 0x80;
            i += 1;
        }
        // `start..i` lies on ASCII whitespace boundaries, so on char boundaries.
        Some((&text[start..i], ascii))
    })
}

/// End of [`ALNUM_LOW`]: U+0000..U+30FF holds Latin, Greek, Cyrillic, Armenian, Hebrew,
/// Arabic, the Indic scripts, Thai, the general punctuation (curly quotes, dashes) and kana.
const ALNUM_LOW_END: u32 = 0x3100;

/// `char::is_alphanumeric` of U+0000..U+30FF, one bit a code point, written out (generated
/// from the standard library's answer; `fast_alphanumeric_equals_unicode` checks every bit):
/// a constant, so that a lookup is a load and a test, with no `OnceLock` check per character
/// and nothing to build at startup.
static ALNUM_LOW: [u64; (ALNUM_LOW_END / 64) as usize] = [
    0x03FF000000000000,
    0x07FFFFFE07FFFFFE,
    0x762C040000000000,
    0xFF7FFFFFFF7FFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0x0000501F0003FFC3,
    0x0000000000000000,
    0xBCDFFFF800000020,
    0xFFFFFFFBFFFFD740,
    0xFFBFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFC03,
    0xFFFFFFFFFFFFFFFF,
    0xFFFEFFFFFFFFFFFF,
    0xFFFFFFFF027FFFFF,
    0xBFFF0000000001FF,
    0x000787FFFFFF00B6,
    0xFFFFFFFF07FF0000,
    0xFFFFC3FFFEFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0x9FFFE1FE1FEFFFFF,
    0xFFFFFFFFFFFF0000,
    0xFFFFFFFFFFFFE000,
    0x0003FFFFFFFFFFFF,
    0x043007FFFFFFFFFF,
    0x00001FFFFCFFFFFF,
    0xFFFF07FF01FFFFFF,
    0xFFFFFFFF0080FEFF,
    0xFFFF03F8FFF003FF,
    0xEFFFFFFFFFFFFFFF,
    0xFFFEFFCFFFE1DFFF,
    0xE3C5FDFFFFF99FEF,
    0x13F3FFCFB080599F,
    0xC36DFDFFFFF987EE,
    0x003FFFC05E021987,
    0xE3EDFDFFFFFBBFEE,
    0x1E00FFCF00011BBF,
    0xE3EDFDFFFFF99FEE,
    0x00FEFFCFB0C0199F,
    0xC3FFC718D63DC7EC,
    0x0007FFC000811DC7,
    0xE3FFFDFFFFFDDFFF,
    0x7F00FFCF37601DDF,
    0xE3EFFDFFFFFDDFEF,
    0x000EFFCF70601DDF,
    0xE7FFFFFFFFFDDFFF,
    0xFDFFFFCFFFF05DDF,
    0x2FFBFFFFFC7FFFEE,
    0x000CFFC0FF5F807F,
    0x07FFFFFFFFFFFFFE,
    0x0000000003FF207F,
    0x3BFFFFAFFFFFF7D6,
    0x00000000F3FF205F,
    0x000FFFFF00000001,
    0xFFFE1FFFFFFFFEFF,
    0x1FFFFFFFFEFFFF0F,
    0x0000000000000000,
    0xF97FFFFFFFFFFFFF,
    0xFFFFFFFFFFFF03FF,
    0xFFFFFFFF3FFFFFFF,
    0xF7FFFFFFFFFF20BF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFF3D7F3DFF,
    0x7F3DFFFFFFFF3DFF,
    0xFFFFFFFFFF7FFF3D,
    0xFFFFFFFFFF3DFFFF,
    0x1FFFFE0007FFFFFF,
    0xFFFFFFFF0000FFFF,
    0x3F3FFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFE,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFF9FFFFFFFFFFF,
    0xFFFFFFFF07FFFFFE,
    0x01FFC7FFFFFFFFFF,
    0x000FFFFF800FFFFF,
    0x000DDFFF000FFFFF,
    0xFFCFFFFFFFFFFFFF,
    0x03FF03FF108001FF,
    0xFFFFFFFF03FF0000,
    0x01FFFFFFFFFFFFFF,
    0xFFFF07FFFFFFFFFF,
    0x003FFFFFFFFFFFFF,
    0x01FF0FFF7FFFFFFF,
    0x001F3FFFFFFFFFC0,
    0xFFFF0FFFFFFFFFFF,
    0x0000000007FF03FF,
    0xFFFFFFFF0FFFFFFF,
    0x001FFFFE7FFFFFFF,
    0x8000008003FF03FF,
    0x0000000000007001,
    0xFFEFFFFFFFFFFFFF,
    0x0000000003FF1FEF,
    0xFFFFF3FFFFFFFFFF,
    0x0003FFBFFFFFFFFF,
    0x007FFFFFFFFFFFFF,
    0x3FFFFFFFFFFFE3FF,
    0xE7FFFFFFFFFF07FF,
    0x046FDE0000000000,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0x001FFFFFFFF80000,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFF3F3FFFFF,
    0x3FFFFFFFAAFF3F3F,
    0x5FDFFFFFFFFFFFFF,
    0x1FDC1FFF0FCF1FDC,
    0x0000000000000000,
    0x83F3000000000000,
    0x000000001FFF03FF,
    0x0000000000000000,
    0xF3FFBD503E2FFC84,
    0xFFFFFFFFFFFF43E0,
    0x00000000000003FF,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0xFFFFFFFF00000000,
    0xFFC000000FFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0xFFC0000000000000,
    0x00000000000FFFFF,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0xFFFFFFFFFFFFFFFF,
    0x200C781FFFFFFFFF,
    0xFFFF20BFFFFFFFFF,
    0x000080FFFFFFFFFF,
    0x7F7F7F7F007FFFFF,
    0xFFFFFFFF7F7F7F7F,
    0x0000800000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x0000000000000000,
    0x1F3E03FE000000E0,
    0xFFFFFFFFFFFFFFFE,
    0xFFFFFFFEE07FFFFF,
    0xF7FFFFFFFFFFFFFF,
];

/// `char::is_alphanumeric`, with the answer below U+3100 (see [`ALNUM_LOW`]), for the CJK
/// unified ideographs and for the Hangul syllables taken from a table and two ranges instead
/// of Unicode's search.
#[inline]
pub(crate) fn is_alphanumeric(c: char) -> bool {
    let u = c as u32;
    if u < ALNUM_LOW_END {
        return ALNUM_LOW[(u / 64) as usize] & (1 << (u % 64)) != 0;
    }
    (0x4E00..=0x9FFF).contains(&u) || (0xAC00..=0xD7A3).contains(&u) || c.is_alphanumeric()
}

/// Scripts written without spaces between words.
fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x0E00..=0x0E7F
        | 0xAC00..=0xD7AF)
}

const H: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline]
fn fold(h: u64, w: u64) -> u64 {
    (h.rotate_left(7) ^ w).wrapping_mul(H)
}

/// Words read from the start of a document to pick its stopword language.
pub const LANG_SAMPLE_WORDS: u32 = 300;

/// The stopword language of a document: the list that matches most of its first
/// [`LANG_SAMPLE_WORDS`] words (a bit of [`STOPWORD_LANGS`]), or 0 when no list matches
/// enough to tell.
pub fn detect_language(text: &str) -> u64 {
    let (mut words, mut masks) = (Vec::new(), Vec::new());
    let mut seen = 0;
    for line in text.split('\n') {
        if seen >= LANG_SAMPLE_WORDS {
            break;
        }
        seen += Line::measure(0, line, None, &mut words, &mut masks).words;
    }
    language_of(&masks)
}

/// The language most stopword masks (of a document's first words) vote for; 0 when fewer
/// than three words are stopwords of any one language.
pub fn language_of(masks: &[u64]) -> u64 {
    let mut counts = [0u32; 64];
    for &m in masks {
        let mut m = m;
        while m != 0 {
            counts[m.trailing_zeros() as usize] += 1;
            m &= m - 1;
        }
    }
    let n = STOPWORD_LANGS.len();
    let (best, hits) =
        counts[..n]
            .iter()
            .enumerate()
            .fold((0, 0), |acc, (i, &c)| if c > acc.1 { (i, c) } else { acc });
    if hits >= 3 {
        1 << best
    } else {
        0
    }
}

/// The word being read: its lowercase bytes (first [`lexicon::MAX_WORD`]) and shape.
struct Word {
    buf: [u8; lexicon::MAX_WORD],
    len: usize,
    alnum_end: usize,
    alnum: bool,
    overflow: bool,
}

impl Word {
    const fn new() -> Self {
        Word {
            buf: [0; lexicon::MAX_WORD],
            len: 0,
            alnum_end: 0,
            alnum: false,
            overflow: false,
        }
    }

    /// Reads a whitespace-free token: its letters and digits lowercased, with the
    /// apostrophes and hyphens that follow a letter; `alnum_end` ends at the last letter.
    fn read(&mut self, token: &str) {
        for c in token.chars() {
            if c.is_ascii() {
                let b = c as u8;
                if b.is_ascii_alphanumeric() {
                    self.push(b.to_ascii_lowercase());
                    self.alnum = true;
                    self.alnum_end = self.len;
                } else if (b == b'\'' || b == b'-') && self.alnum {
                    self.push(b);
                }
            } else if is_alphanumeric(c) {
                let mut tmp = [0u8; 4];
                for lc in c.to_lowercase() {
                    for &b in lc.encode_utf8(&mut tmp).as_bytes() {
                        self.push(b);
                    }
                }
                self.alnum = true;
                self.alnum_end = self.len;
            }
        }
    }

    #[inline]
    fn push(&mut self, b: u8) {
        if self.len < self.buf.len() {
            self.buf[self.len] = b;
            self.len += 1;
        } else {
            self.overflow = true;
        }
    }
}

/// Reads the run of whole-word tokens that starts at `i` (a token's first byte): one to
/// sixteen ASCII letters and digits ([`crate::fingerprint::short_ascii_word`]), then
/// possibly one ASCII mark ("word,", "end."), then ASCII whitespace (as `CLASS` has it) or
/// the end of the line: ≈ 94% of the tokens on wcxb-dev. Adds to the line what the general
/// loop of [`Line::measure_with`] adds for each (counts, word hash, lexicon tallies) and
/// returns where the first token that is not such a word starts, or the line's end. A loop
/// of its own (issue 4, strip-speed23): its tallies are locals added to the line once a
/// run, the line's first word is looked up again once a line instead of a test a token,
/// and the word-and-mark tokens (one in ten) no longer go through the general loop.
/// `whole_word_path_equals_general_loop` holds it to the general loop.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn whole_word_run(
    bytes: &[u8],
    i: usize,
    l: &mut Line,
    words: &mut Vec<u64>,
    hash: &mut u64,
    tokens: &mut u32,
    first: &mut bool,
    table: &lexicon::HashedLexicon,
    lang: Option<u64>,
    stop_masks: &mut Vec<u64>,
) -> usize {
    let start_words = words.len();
    let i = match lang {
        Some(lang) => whole_words::<true>(bytes, i, l, words, hash, table, lang, stop_masks),
        None => whole_words::<false>(bytes, i, l, words, hash, table, 0, stop_masks),
    };
    let count = (words.len() - start_words) as u32;
    *tokens += count;
    l.words += count;
    if *first && count > 0 {
        // The line's first lexicon word is the run's first (looked up again: once a line
        // rather than a test a token).
        l.first_flags = table.get(words[start_words]).flags;
        *first = false;
    }
    i
}

/// [`whole_word_run`]'s loop; `COUNT` when the document's language is known (stopwords of
/// `lang` counted), else each word's stopword languages are pushed to `stop_masks`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn whole_words<const COUNT: bool>(
    bytes: &[u8],
    mut i: usize,
    l: &mut Line,
    words_out: &mut Vec<u64>,
    hash: &mut u64,
    table: &lexicon::HashedLexicon,
    lang: u64,
    stop_masks: &mut Vec<u64>,
) -> usize {
    use lexicon::{FILLER, MONTH, RELATIVE_TIME, WEEKDAY};
    let n = bytes.len();
    // Held here, not behind the reference, so that its length need not go back to memory at
    // each push.
    let mut words = std::mem::take(words_out);
    let mut line_hash = *hash;
    let (mut chars, mut digits, mut caps, mut undated, mut stop) = (0u32, 0u32, 0u32, 0u32, 0u32);
    let (mut marks, mut symbols, mut colon) = (0u32, 0u32, false);
    let mut any_flags = 0u16;
    while let Some((len, d, h)) = crate::fingerprint::short_ascii_word(bytes, i) {
        // The word ends the token, or one ASCII mark after it does ("word,", "end."; one
        // token in ten): the mark is a character and a symbol (a hyphen after a letter is no
        // symbol), makes the token no pure word, and ends the word as a separator would.
        let mark = match bytes.get(i + len) {
            None => 0,
            Some(&b) if CLASS[usize::from(b)] & SPACE != 0 => 0,
            Some(&b)
                if b < 0x80
                    && CLASS[usize::from(b)] == 0
                    && bytes
                        .get(i + len + 1)
                        .is_none_or(|&c| CLASS[usize::from(c)] & SPACE != 0) =>
            {
                symbols += u32::from(b != b'-');
                colon |= b == b':';
                marks += 1;
                1
            }
            Some(_) => break,
        };
        caps += u32::from(CLASS[usize::from(bytes[i])] & UPPER != 0);
        chars += (len + mark) as u32;
        digits += d;
        i += len + mark;
        words.push(h);
        line_hash = fold(line_hash, h);
        let e = table.get(h);
        any_flags |= e.flags;
        if e.flags & VOICE_ANY != 0 {
            for (n, class) in l.voice.iter_mut().zip(VOICE_CLASSES) {
                *n = n.saturating_add(u16::from(e.flags & class != 0));
            }
        }
        undated += u32::from(
            d == 0 && mark == 0 && e.flags & (MONTH | WEEKDAY | RELATIVE_TIME | FILLER) == 0,
        );
        if COUNT {
            stop += u32::from(e.langs & lang != 0);
        } else if e.langs != 0 {
            stop_masks.push(e.langs);
        }
        // The byte after the token is a space (tested above) or the line's end.
        if i >= n {
            break;
        }
        i += 1;
        while i < n && CLASS[usize::from(bytes[i])] & SPACE != 0 {
            i += 1;
        }
        if i >= n {
            break;
        }
    }
    *words_out = words;
    *hash = line_hash;
    l.caps += caps;
    l.chars += chars;
    l.digits += digits;
    l.letters += chars - digits - marks;
    l.symbols += symbols;
    l.colon |= colon;
    l.undated += undated;
    l.stop += stop;
    l.any_flags |= any_flags;
    i
}

impl<'a> Line<'a> {
    /// Measures a line; `lang` is the document's stopword language mask.
    pub fn new(no: u32, text: &'a str, lang: u64) -> Self {
        Line::measure(no, text, Some(lang), &mut Vec::new(), &mut Vec::new())
    }

    /// Measures a line and appends the hashes of its normalized words to `words` (the
    /// fingerprint's words, see [`crate::fingerprint::word_hashes`]; the line keeps their
    /// range). With `lang`, stopwords of that language are counted; without, `stop` stays 0
    /// and the stopword-language mask of each word in some stoplist is appended to
    /// `stop_masks` instead, so that the caller can pick the language from the document's
    /// first lines and count stopwords afterwards (`strip::measure`) without reading the
    /// text twice.
    pub fn measure(
        no: u32,
        text: &'a str,
        lang: Option<u64>,
        words: &mut Vec<u64>,
        stop_masks: &mut Vec<u64>,
    ) -> Self {
        Line::measure_with::<true>(no, text, lang, words, stop_masks)
    }

    /// [`Line::measure`]; `WHOLE_WORDS` turns on the path for the commonest tokens, one to
    /// sixteen ASCII letters and digits and perhaps one mark, followed by a space or the end
    /// of the line, which are read a run at a time ([`whole_word_run`]) rather than through
    /// the general loop. Without it (the tests' reference) every token goes through the
    /// general loop; both give the same line and words.
    #[inline(always)]
    fn measure_with<const WHOLE_WORDS: bool>(
        no: u32,
        text: &'a str,
        lang: Option<u64>,
        words: &mut Vec<u64>,
        stop_masks: &mut Vec<u64>,
    ) -> Self {
        let text = trim(text);
        let mut l = Line {
            no,
            text,
            sentence: ends_sentence(text),
            ..Line::default()
        };
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut hash: u64 = 0;
        let first_word = words.len();
        let mut fp = WordHasher::new();
        // Ends the normalized word being hashed, if any.
        macro_rules! end_word {
            () => {
                if let Some(h) = fp.end() {
                    words.push(h);
                    hash = fold(hash, h);
                }
            };
        }
        let hashed = lexicon::hashed();
        let mut unspaced = 0u32;
        let mut colon = false;
        let mut copyright = false;
        let mut first = true;
        let mut tokens = 0u32;
        let mut i = 0;
        while i < n {
            // skip spaces
            while i < n && CLASS[usize::from(bytes[i])] & SPACE != 0 {
                i += 1;
            }
            if i >= n {
                break;
            }
            if WHOLE_WORDS {
                // The commonest tokens, whole words, a run of them at a time; the token they
                // stop at (if any) is read below.
                i = whole_word_run(
                    bytes,
                    i,
                    &mut l,
                    words,
                    &mut hash,
                    &mut tokens,
                    &mut first,
                    hashed,
                    lang,
                    stop_masks,
                );
                if i >= n {
                    break;
                }
            }
            let start = i;
            tokens += 1;
            let words_before = words.len();
            let digits_before = l.digits;
            let mut pure = true;
            let mut alnum = false;
            let mut upper_first = false;
            while i < n {
                let b = bytes[i];
                if b < 128 {
                    let k = CLASS[b as usize];
                    if k & SPACE != 0 {
                        break;
                    }
                    if k & (ALPHA | DIGIT) != 0 {
                        if !alnum {
                            upper_first = k & UPPER != 0;
                            alnum = true;
                        }
                        // A run of ASCII letters and digits, found and hashed in one pass.
                        let run_start = i;
                        let (end, digits) = fp.scan_ascii_run(bytes, i);
                        i = end;
                        let run = (i - run_start) as u32;
                        l.digits += digits;
                        l.letters += run - digits;
                        l.chars += run;
                        continue;
                    }
                    i += 1;
                    l.chars += 1;
                    pure = false;
                    colon |= b == b':';
                    end_word!();
                    if b != b'-' || !alnum {
                        l.symbols += 1;
                    }
                    continue;
                }
                // A multi-byte character.
                let Some(c) = text[i..].chars().next() else {
                    break;
                };
                i += c.len_utf8();
                l.chars += 1;
                if c.is_whitespace() {
                    // Non-ASCII spaces (no-break, thin) do not split tokens (as
                    // `split_ascii_whitespace`), and are neither letters nor symbols; they
                    // do end a normalized word.
                    pure = false;
                    end_word!();
                    continue;
                }
                if is_alphanumeric(c) {
                    if !alnum {
                        upper_first = c.is_uppercase();
                        alnum = true;
                    }
                    l.letters += 1;
                    if is_unspaced(c) {
                        unspaced += 1;
                    }
                    fp.char(c);
                } else {
                    pure = false;
                    colon |= c == '：';
                    copyright |= c == '©';
                    end_word!();
                    l.symbols += 1;
                }
            }
            end_word!();
            if !alnum {
                if is_sep_token(&text[start..i]) {
                    l.seps += 1;
                }
                continue;
            }
            l.words += 1;
            if upper_first {
                l.caps += 1;
            }
            // The lexicon word: a token of one normalized word is looked up by that word's
            // hash; others ("don't", "e-mail", "U.S.") by their letters and inner
            // apostrophes and hyphens.
            let e = if words.len() == words_before + 1 {
                hashed.get(words[words_before])
            } else {
                let mut w = Word::new();
                w.read(&text[start..i]);
                if w.overflow {
                    lexicon::Entry::default()
                } else {
                    lexicon::entry_bytes(&w.buf[..w.alnum_end])
                }
            };
            if first {
                l.first_flags = e.flags;
            }
            l.any_flags |= e.flags;
            if e.flags & VOICE_ANY != 0 {
                for (n, class) in l.voice.iter_mut().zip(VOICE_CLASSES) {
                    *n = n.saturating_add(u16::from(e.flags & class != 0));
                }
            }
            use lexicon::{FILLER, MONTH, RELATIVE_TIME, WEEKDAY};
            if pure
                && l.digits == digits_before
                && e.flags & (MONTH | WEEKDAY | RELATIVE_TIME | FILLER) == 0
            {
                l.undated += 1;
            }
            match lang {
                Some(lang) => l.stop += u32::from(e.langs & lang != 0),
                None if e.langs != 0 => stop_masks.push(e.langs),
                None => {}
            }
            first = false;
        }
        l.chars += tokens.saturating_sub(1);
        if unspaced > 1 {
            l.words += unspaced / 2;
        }
        l.hash = hash;
        l.colon |= colon;
        l.copyright = copyright;
        l.first_word = u32::try_from(first_word).unwrap_or(u32::MAX);
        l.end_word = u32::try_from(words.len()).unwrap_or(u32::MAX);
        l
    }

    /// The line as output: a wrapped paragraph's pieces joined by a space.
    pub fn output(&self) -> std::borrow::Cow<'a, str> {
        if self.wrapped {
            std::borrow::Cow::Owned(super::reflow::unwrap(self.text))
        } else {
            std::borrow::Cow::Borrowed(self.text)
        }
    }

    /// A paragraph of running text: the body of a document is made of these.
    pub fn is_prose(&self) -> bool {
        // `&`, not `&&`: both are loads, and whether a line is prose is a coin toss the
        // branch predictor loses (issue 4, strip-speed24).
        self.sentence & (self.words >= 8)
    }

    /// Share of the words that are stopwords.
    pub fn stop_ratio(&self) -> f32 {
        if self.words == 0 {
            0.0
        } else {
            self.stop as f32 / self.words as f32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_alphanumeric_equals_unicode() {
        for u in 0..0x11_0000u32 {
            if let Some(c) = char::from_u32(u) {
                assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{u:#x}");
            }
        }
    }

    /// Every byte's class: the ASCII predicates' answer, and none for the bytes of
    /// multi-byte characters (the space tests index the table with any byte).
    #[test]
    fn byte_classes_of_every_byte() {
        for b in 0..=255u8 {
            let want = if b.is_ascii_lowercase() {
                ALPHA
            } else if b.is_ascii_uppercase() {
                ALPHA | UPPER
            } else if b.is_ascii_digit() {
                DIGIT
            } else if b.is_ascii_whitespace() {
                SPACE
            } else {
                0
            };
            assert_eq!(CLASS[usize::from(b)], want, "{b:#x}");
        }
    }

    proptest::proptest! {
        #[test]
        fn trims_equal_the_standard_ones(s in "[ \t\u{a0}\u{2003}a.\n]{0,12}") {
            proptest::prop_assert_eq!(trim(&s), s.trim());
            proptest::prop_assert_eq!(trim_start(&s), s.trim_start());
            proptest::prop_assert_eq!(trim_end(&s), s.trim_end());
        }
    }

    #[test]
    fn counts_and_hash() {
        let en = detect_language("the cat and the dog are in the house of the man");
        assert_ne!(en, 0);
        let l = Line::new(1, "  The Cat sat on the mat, 12 times. ", en);
        assert_eq!(l.text, "The Cat sat on the mat, 12 times.");
        assert_eq!(l.words, 8);
        assert_eq!(l.caps, 2);
        assert_eq!(l.digits, 2);
        assert!(l.sentence);
        assert!(l.stop >= 2);
        let m = Line::new(2, "the cat SAT on the mat 99 times", en);
        assert_eq!(l.hash, m.hash);
        assert_ne!(l.hash, Line::new(3, "the dog sat", en).hash);
        let s = Line::new(4, "Home › News | World", en);
        assert_eq!(s.seps, 2);
        assert_eq!(s.words, 3);
        let j = Line::new(5, "東京で会議が開かれた。", 0);
        assert!(j.sentence);
        assert!(j.words >= 4);
    }

    proptest::proptest! {
        /// Strip's one pass over a line yields the fingerprint's words of that line.
        #[test]
        fn measured_words_are_the_fingerprint_words(s in "(?s)[a-zA-Z0-9 ,.'\\-\n\u{a0}äÖßİ東京—]{0,80}|(?s).{0,80}") {
            let mut measured = Vec::new();
            for line in s.split('\n') {
                let l = Line::measure(1, line, Some(0), &mut measured, &mut Vec::new());
                proptest::prop_assert_eq!(l.end_word as usize, measured.len());
            }
            let mut direct = Vec::new();
            crate::fingerprint::word_hashes(&s, &mut direct);
            proptest::prop_assert_eq!(measured, direct);
        }
    }

    proptest::proptest! {
        /// The whole-word runs give every field of the line, and the words and stopword
        /// masks, that the general loop alone gives (seen failing with a hyphen after a word
        /// counted a symbol, a word with a mark counted undated, the first word's flags
        /// left out).
        #[test]
        fn whole_word_path_equals_general_loop(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    20 => "[a-zA-Z0-9]{1,10}",
                    5 => "[a-zA-Z0-9]{9,18}",
                    // A word and one mark (the whole-word run takes "word," too).
                    8 => "[a-zA-Z0-9]{1,17}[.,:;\\-!?)\"\x00\x7f]",
                    10 => "[ \t]{1,2}",
                    3 => "[.,:;'\\-!?()|/»©]",
                    2 => "the|and|Mai|der|un|Home|comments|e-mail|don't",
                    1 => "\u{a0}|\u{b}|\u{c}|\r|é|İ|ß|東京|’|—",
                ],
                0..30,
            ),
            lang in proptest::option::of(proptest::prelude::any::<u64>()),
        ) {
            let s = parts.concat();
            let (mut w1, mut m1, mut w2, mut m2) = (vec![7], vec![], vec![7], vec![]);
            let fast = Line::measure_with::<true>(3, &s, lang, &mut w1, &mut m1);
            let slow = Line::measure_with::<false>(3, &s, lang, &mut w2, &mut m2);
            proptest::prop_assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
            proptest::prop_assert_eq!(w1, w2);
            proptest::prop_assert_eq!(m1, m2);
        }
    }

    #[test]
    fn languages() {
        let de = detect_language("und der die das ist nicht mit dem auf für eine");
        let es = detect_language("el que de la en los las por una para con");
        assert_ne!(de, es);
        assert_eq!(detect_language("Zürich 2020"), 0);
    }
}
