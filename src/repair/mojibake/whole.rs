//! Whole-line decoding, the fast path of one mojibake pass (issue 3).
//!
//! Most garbled lines are garbled whole, in one encoding: every non-ASCII character of the
//! line has a byte in that encoding, and the bytes of the whole line are valid UTF-8. That is
//! ftfy's own test (Robyn Speer, ftfy, `fix_encoding_and_explain`: re-encode the text, decode
//! it as UTF-8, keep it when the text was bad). Here every candidate encoding is tried, not
//! only the first that passes:
//!
//! - When every encoding that passes gives the same reading, it is taken if the line reads
//!   badly as it stands ([`super::badness_of`]'s rules over the whole line, read only up to
//!   the first bad spot). A reading holding a character of class Bad (private use, decoding
//!   noise) does not pass.
//! - When they give different readings, each is scored, and the best is taken when no other
//!   reads as well and it reads strictly better than the line (ftfy takes the first, and
//!   reads Windows-1257 text as -1250).
//! - Under a layer just undone, a Windows-1252 reading that reads no worse than the line is
//!   taken, as the word-by-word pass takes a deeper Windows-1252 layer.
//!
//! Everything else (a line with a lost byte, a no-break space turned into a space, one
//! garbled word among clean ones, a character no encoding has) is left [`Whole::Undecided`]
//! for the word-by-word pass ([`super::fix_once`]), except under a layer just undone: there a
//! line that shows no sign of another layer (no character of class Bad, no two characters
//! whose [`PROOF`] bits meet, the test every garbled line of the eval passes in its first two
//! characters) and that no encoding reads whole is left as it is ([`Whole::NoPair`]).
//! Decoded Cyrillic and Czech hold lead/continuation pairs (`і` after a letter is one in
//! Windows-1251, `íš` in Windows-1252) but read well piece by piece (issue 3, session 22:
//! 4,018 of the eval's 4,683 deeper word passes, all changing nothing, ≈ 2.5% of the
//! instructions on its garbled lines).
//!
//! The bytes of a reading are the decoded text, so there is no decoding step: per candidate
//! encoding the work is one table load a character and a UTF-8 check as the bytes are
//! written, which stops at the first byte that does not fit.
//!
//! Most lines are read in one encoding only, so that one is guessed from the line's first
//! pair of non-ASCII characters and read in the same walk that finds the line's masks
//! ([`fused`]: one read of each character, not two). The reading is the answer when the
//! masks leave that encoding alone; when they leave others, they are read from the line's
//! UTF-8 and compared as usual; when the guess reads nothing (a character beyond the tables,
//! four bytes, a byte that does not fit), the line is walked again the long way
//! ([`masks`], then [`encode_chars`] per encoding). Both ways give the same answer
//! (proptest `fused_same_as_walk`).

use super::{
    common, info, is_noise, rules, seq_len, tables, utf8_char, Caps, Masks, Tables, BY_ID,
    DECODED_BAD, ENC_BITS, LOST, NOTHING, NOT_BAD, PROOF,
};

/// What the whole-line test says of one line.
///
/// Small, so that it comes back in a register; a fixed line's text is left in
/// [`WholeScratch::text`] (issue 3, session 24: returned with the text, it came back through
/// memory, written in eight-byte stores and read at once in sixteen, a store-forwarding
/// stall that `perf` put on ≈ 30% of `fix_changed`'s samples).
pub(super) enum Whole {
    /// Decoded in one encoding: the number of sequences decoded, and whether the text holds
    /// a lead/continuation pair. The text is in [`WholeScratch::text`].
    Fixed(u32, bool),
    /// No character of the line can lead a sequence that the next one continues, in any
    /// encoding, or the line reads well as it stands: the word-by-word pass would change
    /// nothing either. Also, under a layer just undone, a line read in no encoding whole that
    /// shows no sign of another layer (see the module docs): left as it is.
    NoPair,
    /// Left to the word-by-word pass.
    Undecided,
}

/// Buffers reused from line to line.
#[derive(Default)]
pub(super) struct WholeScratch {
    /// The reading in the encoding being tried.
    bytes: Text,
    /// The best reading so far.
    best: Text,
    /// The reading of [`fused`].
    fused: Text,
    /// The line's characters as [`masks`] read them, for [`encode_chars`].
    chars: Chars,
    /// A fixed line's text given back once it was written out ([`super::give_back`]): the
    /// next fixed line is copied into it, so that a line costs no allocation and no free
    /// (issue 3: ≈ 15M instructions on the eval's garbled lines).
    pub(super) spare: String,
    /// The text of the last line [`Whole::Fixed`], for the caller to take.
    pub(super) text: String,
    /// What [`WholeScratch::own`] says when the reading is not UTF-8 (it always is): what
    /// [`finish`] would have said instead of [`Whole::Fixed`].
    unowned_nopair: bool,
}

impl WholeScratch {
    /// Past this, a buffer is given back to the allocator.
    pub(super) const KEEP: usize = 1 << 16;

    /// The reading of the last line [`fix_whole_unowned`] said [`Whole::Fixed`]: well-formed
    /// UTF-8 by construction ([`encode`], [`fused`] and [`encode_chars`] write only sequences
    /// they checked; proptest `unowned_readings_are_utf8`), but not checked again.
    pub(super) fn reading(&self) -> &[u8] {
        self.best.bytes()
    }

    /// `w`, an answer of [`fix_whole_unowned`]; when it is [`Whole::Fixed`], the reading
    /// checked and copied into [`WholeScratch::text`] (into the string given back last,
    /// [`super::give_back`], when the caller took the last text).
    #[inline]
    pub(super) fn own(&mut self, w: Whole) -> Whole {
        let Whole::Fixed(..) = w else {
            return w;
        };
        if self.text.capacity() == 0 {
            self.text = std::mem::take(&mut self.spare);
        }
        match self.best.owned(&mut self.text) {
            Some(()) => w,
            None if self.unowned_nopair => Whole::NoPair,
            None => Whole::Undecided,
        }
    }

    pub(super) fn release(&mut self) {
        if [&self.bytes, &self.best, &self.fused]
            .iter()
            .any(|b| b.buf.len() > Self::KEEP)
        {
            let (spare, text) = (
                std::mem::take(&mut self.spare),
                std::mem::take(&mut self.text),
            );
            *self = WholeScratch {
                spare,
                text,
                ..WholeScratch::default()
            };
        }
        if self.spare.capacity() > Self::KEEP {
            self.spare = String::new();
        }
        if self.text.capacity() > Self::KEEP {
            self.text = String::new();
        }
    }
}

/// A reading: `buf[..len]`, well-formed UTF-8 ([`encode`] writes only sequences it has
/// checked). `buf` is longer, so that [`encode`] can write a few bytes past the end.
#[derive(Default)]
struct Text {
    buf: Vec<u8>,
    len: usize,
}

impl Text {
    fn bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// The reading as a `String`. The UTF-8 check cannot fail, but the crate has no `unsafe`
    /// to skip it; `simdutf8` checks 64 bytes at a time, and falls back to the standard
    /// library's check (some ten instructions a byte of non-ASCII text, 54M on the eval's
    /// garbled lines) below that, so a shorter reading is checked with zeros after it
    /// (ASCII, which leaves the reading's own bytes as well- or ill-formed as they were).
    /// A longer one is padded to a whole number of blocks the same way: `simdutf8` copies
    /// the last part of a block into a buffer on its stack with small stores and reads it
    /// back at once in wide loads, a store-forwarding stall (issue 3, session 24: −1.0%
    /// task-clock on garbled lines).
    /// The text is copied into `into`, whatever it held, in place: only its length is
    /// written anew unless it must grow (see [`Whole`]).
    fn owned(&mut self, into: &mut String) -> Option<()> {
        const BLOCK: usize = 64;
        let (len, end) = (self.len, self.len.next_multiple_of(BLOCK).max(BLOCK));
        if self.buf.len() < end {
            self.buf.resize(end, 0);
        }
        self.buf.get_mut(len..end)?.fill(0);
        let text = simdutf8::basic::from_utf8(self.buf.get(..end)?).ok()?;
        into.clear();
        into.push_str(text.get(..len)?);
        Some(())
    }
}

/// [`info`] of one code point, from the flat table of the two-byte range when it is there.
#[inline(always)]
fn flags_of(t: &Tables, cp: u32) -> u32 {
    match t.low.get(cp as usize) {
        Some(l) => l.f,
        None => char::from_u32(cp).map_or(0, info),
    }
}

/// Badness of a text (UTF-8) by [`super::badness_of`]'s rules, read straight from the text,
/// and its number of non-ASCII characters. Stops as soon as the badness exceeds `limit`
/// (badness only grows), so a garbled line is seldom read to its end.
#[inline(never)]
fn score_text(t: &Tables, text: &[u8], limit: u32) -> (u32, u32) {
    let mut score = Scorer::new(limit);
    let mut i = 0;
    while let Some(&c) = text.get(i) {
        let (cp, width) = if c < 0x80 {
            let end = plain_ascii_end(text, i);
            if end - i >= 3 {
                if !score.ascii_run(t, &text[i..end]) {
                    break;
                }
                i = end;
                continue;
            }
            (u32::from(c), 1)
        } else if c < 0xF0 {
            let (x, width) = wide_at(text, i);
            (x as u32, width)
        } else {
            let low = |k: usize| text.get(i + k).map_or(0, |&x| u32::from(x & 0x3F));
            (
                u32::from(c & 0x07) << 18 | low(1) << 12 | low(2) << 6 | low(3),
                4,
            )
        };
        i += width;
        if !score.push(t, cp) {
            break;
        }
    }
    let n = score.non_ascii;
    (score.finish(), n)
}

/// [`super::badness_of`] of a text fed one code point at a time, each scored once the next
/// one is known.
struct Scorer {
    score: u32,
    limit: u32,
    caps: Caps,
    /// Flags of the character before the one waiting, and of the one waiting.
    pf: u32,
    f: Option<u32>,
    /// Non-ASCII characters seen.
    non_ascii: u32,
}

impl Scorer {
    fn new(limit: u32) -> Scorer {
        Scorer {
            score: 0,
            limit,
            caps: Caps::default(),
            pf: NOTHING,
            f: None,
            non_ascii: 0,
        }
    }

    /// Feeds one code point; false once the badness exceeds the limit.
    #[inline(always)]
    fn push(&mut self, t: &Tables, cp: u32) -> bool {
        let nf = flags_of(t, cp);
        self.non_ascii += u32::from(cp >= 0x80);
        if let Some(f) = self.f {
            self.score += rules(self.pf, f, || nf, &mut self.caps);
            self.pf = f;
        }
        self.f = Some(nf);
        self.score <= self.limit
    }

    /// Feeds a run of ASCII characters other than `?`, three or more, at the cost of two
    /// and a look at the run's capitals. No rule scores an ASCII character other than `?`
    /// after another ASCII character (it is not [`super::SCORED`], and two ASCII letters
    /// score nothing), so from the third character on each only scores the one before it
    /// with nothing and carries the run of capitals on (issue 3: the scan for a line's first
    /// bad spot spent most of its time in the ASCII before it).
    #[inline(always)]
    fn ascii_run(&mut self, t: &Tables, run: &[u8]) -> bool {
        let (&[a, b, .., z], Some(&y)) = (run, run.len().checked_sub(2).and_then(|k| run.get(k)))
        else {
            return run.iter().all(|&c| self.push(t, u32::from(c)));
        };
        // The first is scored after the character before the run, the second after the first.
        if !self.push(t, u32::from(a)) || !self.push(t, u32::from(b)) {
            return false;
        }
        // Scored with nothing: the second to the one before the last.
        let scored = run.get(1..run.len() - 1).unwrap_or_default();
        let capitals = scored
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_uppercase())
            .count() as u32;
        if capitals as usize == scored.len() {
            self.caps.run += capitals;
        } else {
            self.caps = Caps {
                run: capitals,
                non_ascii: false,
            };
        }
        self.pf = flags_of(t, u32::from(y));
        self.f = Some(flags_of(t, u32::from(z)));
        true
    }

    fn finish(mut self) -> u32 {
        if let Some(f) = self.f {
            self.score += rules(self.pf, f, || NOTHING, &mut self.caps);
        }
        self.score
    }
}

/// A line's characters as [`masks`] reads them, so that [`encode_chars`] does not decode the
/// line's UTF-8 again (issue 3): each non-ASCII character as its code point (the index of
/// [`Tables::padded`]), or [`NO_ID`] beyond the tables, each run of ASCII as [`RUN`]
/// plus its number in `runs`, which holds its bounds. A line of more than [`Chars::MAX`] bytes is
/// not kept (it goes to [`encode`]), so that `ids` has a fixed size and its indexes, masked,
/// need no bounds check.
struct Chars {
    /// `ids[..len]` are the line's, and two [`END`]s follow.
    ids: Box<[u16; CHARS]>,
    len: usize,
    /// Each run's start and end in the line, in order.
    runs: Vec<(usize, usize)>,
}

/// Entries of [`Chars::ids`].
const CHARS: usize = 1 << 12;

impl Chars {
    /// The longest line kept: an entry takes a byte of the line at least, and two more follow.
    const MAX: usize = CHARS - 2;
}

impl Default for Chars {
    fn default() -> Chars {
        Chars {
            ids: Box::new([END; CHARS]),
            len: 0,
            runs: Vec::new(),
        }
    }
}

/// A run of ASCII in [`Chars::ids`], plus its number (a line kept has fewer than 2,048 runs:
/// each but the last is followed by a character of two bytes at least). Masked to [`BY_ID`],
/// an entry of [`Tables::padded`] past the tables (no byte).
const RUN: u16 = 0xF800;

/// The end of the line in [`Chars::ids`], as [`RUN`] past the tables.
const END: u16 = u16::MAX;

/// A character beyond the tables in [`Chars::ids`] (three bytes long): the last entry of
/// [`Tables::padded`], which has no byte.
const NO_ID: u16 = (BY_ID - 1) as u16;

/// U+FFFD in [`Chars::ids`] (a stand-in for a lost byte in Windows-1252, [`encode`]): the
/// entry before [`NO_ID`], which has no byte either.
const FFFD_ID: u16 = NO_ID - 1;

/// The length in UTF-8 of the character whose [`Chars::ids`] entry is `x`.
#[inline(always)]
fn width(x: u16) -> usize {
    if x < 0x800 {
        2
    } else {
        3
    }
}

/// What [`masks`] finds out about a line.
struct LineMasks {
    /// The encodings in which every non-ASCII character has a byte.
    all: u16,
    /// Those in which some character can lead a sequence and the next one continue it.
    pairs: u16,
    /// Those that give every non-ASCII character the byte Windows-1252 gives it.
    same: u16,
    /// The line reads badly as it stands: it holds a character of class Bad, or two
    /// characters whose [`PROOF`] bits meet.
    bad: bool,
}

/// [`super::split`]'s line mask and pair test, without cutting the line into pieces, and the
/// encodings that read the line as Windows-1252 does. `None` as soon as no encoding holds
/// every character (U+FFFD, a character beyond the tables, a mix). With `KEEP` (a line of
/// [`Chars::MAX`] bytes at most) the line's characters go into `chars` on the way (complete
/// when the answer is `Some`).
#[inline(always)]
fn masks<const KEEP: bool>(t: &Tables, b: &[u8], chars: &mut Chars) -> Option<LineMasks> {
    // The line's "has a byte" mask in the low half, its "same as Windows-1252" in the high.
    let (mut all_same, mut pairs, mut prev_lead) = (u32::MAX, 0u16, 0u16);
    chars.runs.clear();
    let ids = &mut *chars.ids;
    let mut n = 0;
    let mut put = |x: u16| {
        if KEEP {
            ids[n & (CHARS - 1)] = x;
            n += 1;
        }
    };
    // One character's masks into the line's (the same step on both paths below).
    macro_rules! take {
        ($m:expr) => {
            let m = $m;
            all_same &= m.any_same;
            pairs |= prev_lead & m.cont;
            prev_lead = m.lead;
        };
    }
    // The two-byte range as a fixed-size view by code point, so that its characters need no
    // bounds check.
    let two: &[Masks; 0x800] = t.fast.two.as_slice().try_into().ok()?;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            // No encoding left is checked here, not at every character: a line is seldom
            // given up, and most of its characters are not ASCII.
            if all_same & ENC_BITS == 0 {
                return None;
            }
            prev_lead = 0;
            let end = ascii_end(b, i + 1);
            put(RUN | (chars.runs.len() as u16 & 0x7FF));
            if KEEP {
                chars.runs.push((i, end));
            }
            i = end;
            continue;
        }
        if c < 0xE0 {
            // `b` is a `str`: `c` leads a two-byte character, U+0080 or above.
            let c1 = b.get(i + 1).map_or(0, |&x| x & 0x3F);
            let cp = usize::from(c & 0x1F) << 6 | usize::from(c1);
            i += 2;
            put(cp as u16);
            let m = &two[cp];
            take!(m);
            continue;
        }
        let low = |k: usize| b.get(i + k).map_or(0, |&x| usize::from(x & 0x3F));
        let (cp, len) = match c {
            0..=0xDF => (usize::from(c & 0x1F) << 6 | low(1), 2),
            0xE0..=0xEF => (usize::from(c & 0x0F) << 12 | low(1) << 6 | low(2), 3),
            _ => return None,
        };
        i += len;
        let Some(m) = t.fast.wide.get(cp.wrapping_sub(0x80)) else {
            put(if cp == 0xFFFD { FFFD_ID } else { NO_ID });
            // U+FFFD may stand for a lost byte in Windows-1252 ([`encode`]); "same" stays.
            all_same &= if cp == 0xFFFD {
                0xFFFF_0001 | NOT_BAD
            } else {
                0xFFFF_0000 | NOT_BAD
            };
            if all_same & ENC_BITS == 0 {
                return None;
            }
            prev_lead = 0;
            continue;
        };
        // In the tables: the entry is below `NO_ID`.
        put(cp as u16);
        take!(m);
    }
    put(END);
    put(END);
    chars.len = n.saturating_sub(2);
    let (all, same) = ((all_same & ENC_BITS) as u16, (all_same >> 16) as u16);
    let bad = all_same & NOT_BAD == 0 || pairs & PROOF != 0;
    (all != 0).then_some(LineMasks {
        all,
        pairs: pairs & !PROOF,
        same,
        bad,
    })
}

/// What [`encode`] found out about a reading.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Reading {
    /// Its non-ASCII characters: the sequences decoded.
    n: u32,
    /// It holds a lead/continuation pair ([`super::may_have_mojibake`]), so that a further
    /// pass may find more.
    pair: bool,
}

/// The text that the bytes of `line` in the encoding whose byte table is `enc` are in UTF-8,
/// into `out`, when they are well-formed UTF-8 whose characters are none of class Bad
/// ([`super::Class`]: private use, decoding noise) but C1 controls (a layer of mojibake under
/// another holds them). `None` as soon as a character has no byte or the bytes stop being
/// UTF-8, so a wrong encoding is seldom read far. `line` is a `str` of one- to three-byte
/// characters ([`masks`] lets no other through).
///
/// One UTF-8 sequence at a time: the lead character's byte says how many continuation
/// characters follow, and those are read at once. The checked bytes are the decoded character,
/// so they go into the reading as they are, four at a time; one more load answers what the
/// next pass asks of the character (is it noise, may it lead or continue a sequence).
/// (Session 8 read one character a turn, with the sequence's state carried from turn to turn,
/// and built the reading with `String::push`: issue 3.)
///
/// With `wild` (Windows-1252), stand-ins are read inside a sequence as the word-by-word pass
/// reads them ([`super::decode_seq`]): a space for a no-break space, and one `?` or U+FFFD a
/// sequence for a lost byte, filled in with the first of [`LOST`] that gives a [`common`]
/// character, else U+FFFD when any fits at all.
#[inline(never)]
fn encode(t: &Tables, enc: &[u8], wild: bool, line: &[u8], out: &mut Text) -> Option<Reading> {
    start_reading(line, out);
    encode_from(t, enc, wild, line, out, Resume::default())
}

/// Sizes `out` for a reading of `line`. A reading is never longer than its line: every
/// sequence of k bytes comes from k characters of the line, none shorter than a byte. The
/// slack lets every write be eight bytes wide.
#[inline(always)]
fn start_reading(line: &[u8], out: &mut Text) {
    out.len = 0;
    let need = line.len() + SLACK;
    if out.buf.len() < need {
        out.buf.resize(need, 0);
    }
}

/// Where [`encode_from`] takes a reading up: at `line[i]` (the start of a character), with
/// `w` bytes of the reading written, and what was found out so far.
#[derive(Default)]
struct Resume {
    i: usize,
    w: usize,
    n: u32,
    pairs: u16,
    prev_lead: u16,
}

/// Entries of [`Tables::decoded`]: a fixed size, so that its bound is a constant.
const DECODED: usize = super::TABLE_END as usize;

/// What the next pass asks of a decoded character (U+0080 or above): its lead and
/// continuation masks; `None` when it is noise ([`encode`]).
#[inline(always)]
fn decoded(table: &[u32; DECODED], cp: u32) -> Option<(u16, u16)> {
    let d = match table.get(cp as usize) {
        Some(&d) => d,
        None if is_noise(cp) => DECODED_BAD,
        None => 0,
    };
    (d != DECODED_BAD).then_some((d as u16, (d >> 16) as u16))
}

/// [`encode`] from a point on (`out` sized by [`start_reading`]).
fn encode_from(
    t: &Tables,
    enc: &[u8],
    wild: bool,
    line: &[u8],
    out: &mut Text,
    from: Resume,
) -> Option<Reading> {
    // Fixed-size view, so that an index known to be in range needs no check.
    let low: &[u32; DECODED] = t.fast.decoded.as_slice().try_into().ok()?;
    let buf = &mut out.buf[..];
    let Resume {
        mut i,
        mut w,
        mut n,
        mut pairs,
        mut prev_lead,
    } = from;
    while let Some(&c) = line.get(i) {
        if c < 0x80 {
            // A run of ASCII is copied whole.
            let end = ascii_end(line, i);
            copy_run(buf, w, line, i, end)?;
            w += end - i;
            i = end;
            prev_lead = 0;
            continue;
        }
        let (x, width) = wide_at(line, i);
        i += width;
        let b0 = *enc.get(x.wrapping_sub(0x80))?;
        if !(0xC2..=0xF4).contains(&b0) {
            return None;
        }
        // The common case: continuation characters that are not stand-ins, in a sequence of
        // two or three bytes.
        let (seq, cp, len) = match quick_seq(enc, line, i, b0) {
            Some((seq, cp, len, next)) => {
                i = next;
                (seq, cp, len)
            }
            None => any_seq(enc, wild, line, &mut i, b0)?,
        };
        buf.get_mut(w..w + 4)?.copy_from_slice(&seq);
        w += len;
        // What the next pass asks of the character: is it noise, and may it lead or
        // continue a sequence.
        let (lead, cont) = decoded(low, cp)?;
        n += 1;
        pairs |= prev_lead & cont;
        prev_lead = lead;
    }
    out.len = w;
    Some(Reading {
        n,
        pair: pairs != 0,
    })
}

/// [`encode`] of a line whose characters [`masks`] put in `chars`: the same reading, read
/// from the code points instead of the line's UTF-8 (issue 3: decoding the line's characters
/// again was a fifth of `encode`). Sequences of two or three bytes whose continuation
/// characters are non-ASCII and have continuation bytes are read here; at any other (a
/// stand-in, a lost byte, four bytes, a byte that does not fit) the reading goes on with
/// [`encode_from`] from that sequence's lead character.
#[inline(never)]
fn encode_chars(
    t: &Tables,
    e: usize,
    line: &[u8],
    chars: &Chars,
    out: &mut Text,
) -> Option<Reading> {
    let low: &[u32; DECODED] = t.fast.decoded.as_slice().try_into().ok()?;
    let enc = t.encode.get(e)?;
    let padded: &[u8; BY_ID] = t.fast.padded.get(e)?;
    // A reading is no longer than its line, so a view of `OUT` bytes holds it: each
    // sequence is written at a masked index, without a bounds check.
    start_reading(line, out);
    if out.buf.len() < OUT {
        out.buf.resize(OUT, 0);
    }
    let buf: &mut [u8; OUT] = out.buf.get_mut(..OUT)?.try_into().ok()?;
    let ids = &*chars.ids;
    let (mut n, mut pairs, mut prev_lead) = (0u32, 0u16, 0u16);
    let (mut k, mut w) = (0usize, 0usize);
    // Bytes at the start of the next run that a sequence took as a stand-in (0 or 1).
    let mut skip = 0;
    // Windows-1252 reads stand-ins ([`any_seq`]).
    let wild = e == 0;
    // The byte of entry `k` when it is a continuation byte (a run and the end have none).
    // `k` is at most one past the line's entries here, so the entry is the line's or `END`.
    let cont_at = |k: usize| {
        let b = padded[usize::from(ids[k & (CHARS - 1)]) & (BY_ID - 1)];
        (b & 0xC0 == 0x80).then_some(b)
    };
    // Only what each sequence needs is kept from one to the next (the run's number is in its
    // entry, the line's end is an entry), so that the loop's state stays in registers.
    loop {
        let x = ids[k & (CHARS - 1)];
        if x >= RUN {
            if x == END {
                break;
            }
            let &(start, end) = chars.runs.get(usize::from(x - RUN))?;
            let start = start + std::mem::take(&mut skip);
            copy_run(buf, w, line, start, end)?;
            w += end - start;
            k += 1;
            // A run that a stand-in took whole leaves the characters around it side by side.
            if start < end {
                prev_lead = 0;
            }
            continue;
        }
        let b0 = padded[usize::from(x) & (BY_ID - 1)];
        if !(0xC2..=0xF4).contains(&b0) {
            return None;
        }
        let quick = if b0 >= 0xF0 {
            None
        } else if b0 < 0xE0 {
            cont_at(k + 1).map(|b1| {
                let cp = u32::from(b0 & 0x1F) << 6 | u32::from(b1 & 0x3F);
                ([b0, b1, 0, 0], cp, 2)
            })
        } else {
            cont_at(k + 1)
                .filter(|&b1| seq_len(b0, b1).is_some())
                .and_then(|b1| Some((b1, cont_at(k + 2)?)))
                .map(|(b1, b2)| {
                    let cp = u32::from(b0 & 0x0F) << 12
                        | u32::from(b1 & 0x3F) << 6
                        | u32::from(b2 & 0x3F);
                    ([b0, b1, b2, 0], cp, 3)
                })
        };
        let Some((seq, cp, len)) = quick else {
            // A sequence of two or three bytes whose last byte is a stand-in (the first byte
            // of the run that follows, a space or `?`, or U+FFFD) is read here too, as
            // [`any_seq`] reads it (issue 3: such a sequence sent the rest of its line to the
            // byte path, ≈ 8% of the instructions on the eval's garbled lines).
            if wild && b0 < 0xF0 {
                if let Some((seq, cp, len, run)) =
                    stand_in_seq(line, chars, b0, k, &cont_at).ok()?
                {
                    // A run whose first byte is the stand-in is copied next, less that byte.
                    k += if b0 < 0xE0 { 2 } else { 3 } - usize::from(run);
                    skip = usize::from(run);
                    let at = w & (CHARS - 1);
                    buf[at..at + 4].copy_from_slice(&seq);
                    w += len;
                    let (lead, cont) = decoded(low, cp)?;
                    n += 1;
                    pairs |= prev_lead & cont;
                    prev_lead = lead;
                    continue;
                }
            }
            // The lead character's place in the line: after the last run before it, past the
            // characters since.
            let before = ids.get(..k.min(CHARS))?;
            let since = before.iter().rev().take_while(|&&x| x < RUN);
            let run = before.len() - since.clone().count();
            let run_end = match run.checked_sub(1).map(|j| before[j]) {
                Some(x) => chars.runs.get(usize::from(x - RUN))?.1,
                None => 0,
            };
            let i = run_end + since.map(|&x| width(x)).sum::<usize>();
            let from = Resume {
                i,
                w,
                n,
                pairs,
                prev_lead,
            };
            return encode_from(t, enc, e == 0, line, out, from);
        };
        k += len;
        let at = w & (CHARS - 1);
        buf[at..at + 4].copy_from_slice(&seq);
        w += len;
        let (lead, cont) = decoded(low, cp)?;
        n += 1;
        pairs |= prev_lead & cont;
        prev_lead = lead;
    }
    out.len = w;
    Some(Reading {
        n,
        pair: pairs != 0,
    })
}

/// The sequence of two or three bytes led by byte `b0` (0xC2..=0xEF) at entry `k` of
/// `chars`, when its last byte is a stand-in in Windows-1252 and the others are
/// continuation bytes (`cont_at`): `Ok(Some(..))` with its bytes, code point and length
/// decoded, and whether the stand-in is the first byte of a run; `Ok(None)` when it is not
/// such a sequence (the byte path decides); `Err` when it is and reads as nothing, as
/// [`any_seq`] reads it.
#[inline(always)]
#[allow(clippy::type_complexity)]
fn stand_in_seq(
    line: &[u8],
    chars: &Chars,
    b0: u8,
    k: usize,
    cont_at: &impl Fn(usize) -> Option<u8>,
) -> Result<Option<([u8; 4], u32, usize, bool)>, ()> {
    let len = if b0 < 0xE0 { 2 } else { 3 };
    let mut seq = [b0, 0, 0, 0];
    if len == 3 {
        match cont_at(k + 1).filter(|&b1| seq_len(b0, b1).is_some()) {
            Some(b1) => seq[1] = b1,
            None => return Ok(None),
        }
    }
    let y = chars.ids[(k + len - 1) & (CHARS - 1)];
    // The stand-in's byte (0xA0 for a space, 0 for a lost byte) and whether its entry is
    // taken whole.
    let (b, whole) = if y == FFFD_ID {
        (0, true)
    } else if (RUN..END).contains(&y) {
        let Some(&(start, _)) = chars.runs.get(usize::from(y - RUN)) else {
            return Ok(None);
        };
        match line.get(start) {
            Some(b' ') => (0xA0, false),
            Some(b'?') => (0, false),
            _ => return Ok(None),
        }
    } else {
        return Ok(None);
    };
    let run = !whole;
    if b == 0 {
        let d = fill_lost(&mut seq[..len], len - 1).ok_or(())?;
        let mut out = [0; 4];
        let l = d.encode_utf8(&mut out).len();
        return Ok(Some((out, d as u32, l, run)));
    }
    seq[len - 1] = b;
    let cp = if len == 2 {
        // The second byte also rules out overlong forms ([`any_seq`]).
        seq_len(b0, b).ok_or(())?;
        u32::from(b0 & 0x1F) << 6 | u32::from(b & 0x3F)
    } else {
        u32::from(b0 & 0x0F) << 12 | u32::from(seq[1] & 0x3F) << 6 | u32::from(b & 0x3F)
    };
    Ok(Some((seq, cp, len, run)))
}

/// The sequence led by byte `b0` (0xC2..=0xF4) whose continuation characters start at
/// `line[i]`, when it has two or three bytes and every continuation character is a non-ASCII character with a
/// continuation byte: its bytes, its code point, its length and where it ends in `line`.
/// `None` leaves the sequence to [`any_seq`], which reads every case.
#[inline(always)]
fn quick_seq(enc: &[u8], line: &[u8], i: usize, b0: u8) -> Option<([u8; 4], u32, usize, usize)> {
    if b0 >= 0xF0 {
        return None;
    }
    let (b1, i) = quick_cont(enc, line, i)?;
    if b0 < 0xE0 {
        let cp = u32::from(b0 & 0x1F) << 6 | u32::from(b1 & 0x3F);
        return Some(([b0, b1, 0, 0], cp, 2, i));
    }
    seq_len(b0, b1)?;
    let (b2, i) = quick_cont(enc, line, i)?;
    let cp = u32::from(b0 & 0x0F) << 12 | u32::from(b1 & 0x3F) << 6 | u32::from(b2 & 0x3F);
    Some(([b0, b1, b2, 0], cp, 3, i))
}

/// The continuation byte of the non-ASCII character at `line[i]` and where the character
/// ends; `None` for an ASCII character (a stand-in, maybe) or one without such a byte.
#[inline(always)]
fn quick_cont(enc: &[u8], line: &[u8], i: usize) -> Option<(u8, usize)> {
    if *line.get(i)? < 0xC0 {
        return None;
    }
    let (x, width) = wide_at(line, i);
    let b = *enc.get(x.wrapping_sub(0x80))?;
    (b & 0xC0 == 0x80).then_some((b, i + width))
}

/// The sequence led by byte `b0` whose continuation characters start at `line[*i]`, in every
/// case (stand-ins, a lost byte, four bytes): its bytes (those of U+FFFD when a lost byte
/// fits no way but one not [`common`]), its code point and its length; `*i` moves past it.
#[inline(never)]
#[allow(clippy::needless_range_loop)] // `k` is also where a lost byte is
fn any_seq(
    enc: &[u8],
    wild: bool,
    line: &[u8],
    i: &mut usize,
    b0: u8,
) -> Option<([u8; 4], u32, usize)> {
    let len = match b0 {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut seq = [b0, 0, 0, 0];
    // Where a lost byte is (0: none).
    let mut lost_at = 0;
    for k in 1..len {
        let c = *line.get(*i)?;
        let b = if c < 0x80 {
            *i += 1;
            match c {
                b' ' if wild => 0xA0,
                b'?' if wild && lost_at == 0 => {
                    lost_at = k;
                    continue;
                }
                _ => return None,
            }
        } else {
            let (x, width) = wide_at(line, *i);
            *i += width;
            match enc.get(x.wrapping_sub(0x80)) {
                Some(&b) => b,
                None if x == 0xFFFD && wild && lost_at == 0 => {
                    lost_at = k;
                    continue;
                }
                None => return None,
            }
        };
        if b & 0xC0 != 0x80 {
            return None;
        }
        // The second byte also rules out overlong forms, surrogates and code points beyond
        // U+10FFFF.
        if k == 1 {
            seq_len(b0, b)?;
        }
        seq[k] = b;
    }
    finish_seq(seq, len, lost_at)
}

/// A read sequence's bytes, code point and length: as read when no byte was lost
/// (`lost_at` 0), else the character [`fill_lost`] gives for it, re-encoded.
#[inline(always)]
fn finish_seq(mut seq: [u8; 4], len: usize, lost_at: usize) -> Option<([u8; 4], u32, usize)> {
    if lost_at == 0 {
        let mut cp = u32::from(seq[0]) & (0x7F >> len);
        for &b in &seq[1..len] {
            cp = cp << 6 | u32::from(b & 0x3F);
        }
        return Some((seq, cp, len));
    }
    let d = fill_lost(&mut seq[..len], lost_at)?;
    let mut out = [0; 4];
    let l = d.encode_utf8(&mut out).len();
    Some((out, d as u32, l))
}

/// How many bytes past a reading's length [`encode`] keeps in its buffer.
const SLACK: usize = 8;

/// The part of its buffer [`encode_chars`] writes to: a line kept ([`Chars::MAX`]) and slack.
const OUT: usize = CHARS + SLACK;

/// The code point of the two- or three-byte character of `line` at `i`, and its length
/// (a lead byte from 0xE0 up is read as three bytes).
#[inline(always)]
fn wide_at(line: &[u8], i: usize) -> (usize, usize) {
    let low = |k: usize| line.get(i + k).map_or(0, |&x| usize::from(x & 0x3F));
    let c = line.get(i).map_or(0, |&c| usize::from(c));
    if c < 0xE0 {
        ((c & 0x1F) << 6 | low(1), 2)
    } else {
        ((c & 0x0F) << 12 | low(1) << 6 | low(2), 3)
    }
}

/// Where the run of ASCII bytes other than `?` of `b` from `i` ends.
#[inline(always)]
fn plain_ascii_end(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|&c| c < 0x80 && c != b'?') {
        i += 1;
    }
    i
}

/// Where the run of ASCII bytes of `b` from `i` ends, eight bytes at a time.
#[inline(always)]
fn ascii_end(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..i + 8) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let high = u64::from_le_bytes(chunk) & 0x8080_8080_8080_8080;
        if high != 0 {
            return i + (high.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while b.get(i).is_some_and(|&c| c < 0x80) {
        i += 1;
    }
    i
}

/// Copies the run `line[i..end]` into `buf` at `w`; a run of up to eight bytes as eight
/// bytes, when there are eight to copy and room for them (what lies past the run is written
/// over next, or is past the reading's end).
#[inline(always)]
fn copy_run(buf: &mut [u8], w: usize, line: &[u8], i: usize, end: usize) -> Option<()> {
    if end - i <= 8 {
        if let (Some(dst), Some(src)) = (buf.get_mut(w..w + 8), line.get(i..i + 8)) {
            dst.copy_from_slice(src);
            return Some(());
        }
    }
    buf.get_mut(w..w + (end - i))?
        .copy_from_slice(line.get(i..end)?);
    Some(())
}

/// The character of a sequence whose byte at `lost_at` was lost: the first of [`LOST`] that
/// gives a [`common`] one, else U+FFFD when any gives a character at all.
///
/// A two- or three-byte sequence whose kept bytes are a lead and continuation bytes is
/// answered from [`LOST_FILL`] (issue 3, session 22: trying the five bytes was ≈ 9% of the
/// instructions on lines with lost bytes); anything else by [`fill_lost_slow`].
#[inline]
fn fill_lost(seq: &mut [u8], lost_at: usize) -> Option<char> {
    let Some(key) = lost_key(seq, lost_at) else {
        return fill_lost_slow(seq, lost_at);
    };
    let table = LOST_FILL.get_or_init(|| {
        let mut t = Box::new([0u32; LOST_KEYS]);
        for (key, v) in t.iter_mut().enumerate() {
            let (mut seq, len, lost_at) = lost_seq(key);
            *v = fill_lost_slow(&mut seq[..len], lost_at).map_or(0, u32::from);
        }
        t
    });
    match table.get(key).copied()? {
        0 => None,
        cp => char::from_u32(cp),
    }
}

/// [`fill_lost`] of every key of [`lost_key`], as a code point (0: none), built the first
/// time a lost byte is read.
static LOST_FILL: std::sync::OnceLock<Box<[u32; LOST_KEYS]>> = std::sync::OnceLock::new();

/// Keys of [`lost_key`]: a two-byte sequence by its lead's five low bits; a three-byte one
/// by its lead's four and its kept continuation byte's six, lost second or third.
const LOST_KEYS: usize = 32 + 2 * 1024;

/// [`LOST_FILL`]'s entry for a sequence whose kept bytes are a lead of its length and
/// continuation bytes (all that [`fill_lost`] reads of them), or `None`.
#[inline(always)]
fn lost_key(seq: &[u8], lost_at: usize) -> Option<usize> {
    let low = |b: u8| usize::from(b & 0x3F);
    match (seq, lost_at) {
        (&[b0, _], 1) if (0xC2..=0xDF).contains(&b0) => Some(usize::from(b0 & 0x1F)),
        (&[b0, _, b2], 1) if b0 & 0xF0 == 0xE0 && b2 & 0xC0 == 0x80 => {
            Some(32 + (usize::from(b0 & 0x0F) << 6 | low(b2)))
        }
        (&[b0, b1, _], 2) if b0 & 0xF0 == 0xE0 && b1 & 0xC0 == 0x80 => {
            Some(32 + 1024 + (usize::from(b0 & 0x0F) << 6 | low(b1)))
        }
        _ => None,
    }
}

/// The inverse of [`lost_key`]: a sequence of key `key` (its bytes, the lost one 0; its
/// length) and where its byte was lost.
fn lost_seq(key: usize) -> ([u8; 3], usize, usize) {
    let three = |k: usize| ((k >> 6) as u8 & 0x0F, k as u8 & 0x3F);
    if let Some(k) = key.checked_sub(32 + 1024) {
        let (hi, lo) = three(k);
        ([0xE0 | hi, 0x80 | lo, 0], 3, 2)
    } else if let Some(k) = key.checked_sub(32) {
        let (hi, lo) = three(k);
        ([0xE0 | hi, 0, 0x80 | lo], 3, 1)
    } else {
        ([0xC0 | key as u8, 0, 0], 2, 1)
    }
}

/// [`fill_lost`] the long way: each byte of [`LOST`] tried in turn.
fn fill_lost_slow(seq: &mut [u8], lost_at: usize) -> Option<char> {
    let mut any = false;
    for &b in &LOST {
        seq[lost_at] = b;
        if let Some(d) = utf8_char(seq) {
            if common(d) {
                return Some(d);
            }
            any = true;
        }
    }
    any.then_some('\u{FFFD}')
}

/// The encodings [`fix_whole`] reads a line in, from its masks: those that hold every
/// character and some pair, less those that read it as Windows-1252 does when it is one.
#[inline(always)]
fn candidates(m: &LineMasks) -> u16 {
    let mut encs = m.all & m.pairs;
    if encs & 1 != 0 {
        encs &= !(m.same & !1);
    }
    encs
}

/// The encoding a line is most likely garbled in: the first of those in which its first
/// non-ASCII character leads a sequence and the next one continues it (ftfy's own guess is
/// the first encoding that works, Robyn Speer, ftfy). `None` when the first non-ASCII
/// character is not followed by another, or they make no pair.
#[inline(always)]
fn guess(t: &Tables, line: &[u8]) -> Option<usize> {
    let v = View::of(t)?;
    let mut i = ascii_end(line, 0);
    let m0 = masks_at(v, line, &mut i)?;
    let m1 = masks_at(v, line, &mut i)?;
    let pair = m0.lead & m1.cont & ENC_BITS as u16;
    (pair != 0).then(|| pair.trailing_zeros() as usize)
}

/// [`Tables::two`] and [`Tables::masks`] as fixed-size views, so that a character's masks
/// are one load, without a bounds check.
#[derive(Clone, Copy)]
struct View<'t> {
    two: &'t [Masks; 0x800],
    wide: &'t [Masks; WIDE],
}

/// Entries of [`Tables::masks`].
const WIDE: usize = (super::TABLE_END - 0x80) as usize;

impl View<'_> {
    fn of(t: &Tables) -> Option<View<'_>> {
        Some(View {
            two: t.fast.two.get(..0x800)?.try_into().ok()?,
            wide: t.fast.wide.as_slice().try_into().ok()?,
        })
    }
}

/// The code point and masks of the non-ASCII character at `line[*i]` (moving `*i` past
/// it), when it has two or three bytes and is in the tables; `None` otherwise, `*i` as it
/// was (ASCII, the line's end, four bytes, U+FFFD or a character no encoding has: [`masks`]
/// reads those).
#[inline(always)]
fn char_at<'t>(v: View<'t>, line: &[u8], i: &mut usize) -> Option<(usize, &'t Masks)> {
    match *line.get(*i..)? {
        [c, c1, ..] if c & 0xE0 == 0xC0 => {
            let cp = usize::from(c & 0x1F) << 6 | usize::from(c1 & 0x3F);
            *i += 2;
            Some((cp, &v.two[cp & 0x7FF]))
        }
        [c, c1, c2, ..] if c & 0xF0 == 0xE0 => {
            let cp =
                usize::from(c & 0x0F) << 12 | usize::from(c1 & 0x3F) << 6 | usize::from(c2 & 0x3F);
            let m = v.wide.get(cp.wrapping_sub(0x80))?;
            *i += 3;
            Some((cp, m))
        }
        _ => None,
    }
}

/// [`char_at`]'s masks alone.
#[inline(always)]
fn masks_at<'t>(v: View<'t>, line: &[u8], i: &mut usize) -> Option<&'t Masks> {
    char_at(v, line, i).map(|(_, m)| m)
}

/// [`masks`] and [`encode_chars`] in encoding `e` in one walk over the line (issue 3: the
/// two passes read every non-ASCII character twice). A turn reads one sequence: its lead
/// character and the continuation characters it asks for, each folded into the line's masks
/// as [`masks`] folds it and turned into its byte in `e`. `None` at anything but a sequence
/// of two or three bytes of non-ASCII characters in the tables that decodes to a character
/// that is not noise (a stand-in, a lost byte, four bytes, a byte that does not fit): the
/// line is then read by [`masks`] and [`encode_chars`] from the start. A line of at most
/// [`Chars::MAX`] bytes.
///
/// Inlined into [`fix_whole`], its one caller: as a function of its own, its answer came back
/// through memory, written in two-byte stores and read at once in eight, a store-forwarding
/// stall that `perf` put on ≈ 10% of `fix_whole`'s samples (issue 3, session 24: −3.8%
/// instructions and −1.7% task-clock on garbled lines; the walk's registers came out better
/// too).
#[inline(always)]
fn fused(t: &Tables, e: usize, line: &[u8], out: &mut Text) -> Option<(LineMasks, Reading)> {
    let f = &*t.fast;
    let low: &[u32; DECODED] = &f.decoded;
    let padded: &[u8; BY_ID] = f.padded.get(e)?;
    let v = View {
        two: &f.two,
        wide: &f.wide,
    };
    start_reading(line, out);
    if out.buf.len() < OUT {
        out.buf.resize(OUT, 0);
    }
    let buf: &mut [u8; OUT] = out.buf.get_mut(..OUT)?.try_into().ok()?;
    let (mut all_same, mut pairs, mut prev_lead) = (u32::MAX, 0u16, 0u16);
    // The reading's pairs, as [`encode_chars`] finds them.
    let (mut n, mut pairs2, mut prev2) = (0u32, 0u16, 0u16);
    let (mut i, mut w) = (0usize, 0usize);
    // One character into the line's masks, and its byte.
    macro_rules! take {
        ($cp:expr, $m:expr) => {{
            let m = $m;
            all_same &= m.any_same;
            pairs |= prev_lead & m.cont;
            prev_lead = m.lead;
            padded[$cp & (BY_ID - 1)]
        }};
    }
    while let Some(&c) = line.get(i) {
        if c < 0x80 {
            prev_lead = 0;
            prev2 = 0;
            let end = ascii_end(line, i + 1);
            copy_run(buf, w, line, i, end)?;
            w += end - i;
            i = end;
            continue;
        }
        let (cp0, m0) = char_at(v, line, &mut i)?;
        let b0 = take!(cp0, m0);
        if !(0xC2..=0xEF).contains(&b0) {
            return None;
        }
        // A continuation character that is not a non-ASCII character in the tables may be a
        // stand-in ([`stand_in_fused`]; the walk's state goes there and back by value, so
        // that it stays in registers here).
        macro_rules! stand_in {
            ($seq:expr) => {{
                let st = Walk {
                    i,
                    all_same,
                    pairs,
                    prev_lead,
                };
                let (st, read) = stand_in_fused(v, padded, e == 0, line, st, b0, $seq)?;
                (i, all_same, pairs, prev_lead) = (st.i, st.all_same, st.pairs, st.prev_lead);
                read
            }};
        }
        let (seq, cp, len) = match char_at(v, line, &mut i) {
            None => stand_in!([b0, 0, 0]),
            Some((cp1, m1)) => {
                let b1 = take!(cp1, m1);
                if b0 < 0xE0 {
                    if b1 & 0xC0 != 0x80 {
                        return None;
                    }
                    let cp = u32::from(b0 & 0x1F) << 6 | u32::from(b1 & 0x3F);
                    ([b0, b1, 0, 0], cp, 2)
                } else {
                    // The second byte also rules out overlong forms and surrogates.
                    seq_len(b0, b1)?;
                    match char_at(v, line, &mut i) {
                        None => stand_in!([b0, b1, 0]),
                        Some((cp2, m2)) => {
                            let b2 = take!(cp2, m2);
                            if b2 & 0xC0 != 0x80 {
                                return None;
                            }
                            let cp = u32::from(b0 & 0x0F) << 12
                                | u32::from(b1 & 0x3F) << 6
                                | u32::from(b2 & 0x3F);
                            ([b0, b1, b2, 0], cp, 3)
                        }
                    }
                }
            }
        };
        let at = w & (CHARS - 1);
        buf[at..at + 4].copy_from_slice(&seq);
        w += len;
        let (lead, cont) = decoded(low, cp)?;
        n += 1;
        pairs2 |= prev2 & cont;
        prev2 = lead;
    }
    out.len = w;
    let (all, same) = ((all_same & ENC_BITS) as u16, (all_same >> 16) as u16);
    let bad = all_same & NOT_BAD == 0 || pairs & PROOF != 0;
    let m = LineMasks {
        all,
        pairs: pairs & !PROOF,
        same,
        bad,
    };
    let r = Reading {
        n,
        pair: pairs2 != 0,
    };
    Some((m, r))
}

/// A sequence read: its bytes, code point and length.
type Seq = ([u8; 4], u32, usize);

/// The state of [`fused`]'s walk that [`stand_in_fused`] moves on.
struct Walk {
    i: usize,
    all_same: u32,
    pairs: u16,
    prev_lead: u16,
}

/// The rest of a sequence of [`fused`] led by byte `b0` (0xC2..=0xEF), whose bytes before
/// the first 0 of `seq` (1 or 2 of them) were read, at a character that is not a non-ASCII
/// character in the tables: with `wild` (Windows-1252), a stand-in as [`any_seq`] reads it
/// (a space for a no-break space; one `?` or U+FFFD a sequence for a lost byte, filled in
/// by [`fill_lost`]), folded into the line's masks as [`masks`] folds an ASCII character or
/// U+FFFD. Its bytes, code point and length, as [`any_seq`] gives them; `None` where
/// [`any_seq`] gives none or [`fused`] would not read on (a character beyond the tables,
/// four bytes).
#[cold]
#[inline(never)]
#[allow(clippy::needless_range_loop)] // `k` is also where a lost byte is
fn stand_in_fused(
    v: View<'_>,
    padded: &[u8; BY_ID],
    wild: bool,
    line: &[u8],
    mut st: Walk,
    b0: u8,
    seq: [u8; 3],
) -> Option<(Walk, Seq)> {
    let len = if b0 < 0xE0 { 2 } else { 3 };
    let mut seq = [seq[0], seq[1], seq[2], 0];
    let k0 = if seq[1] == 0 { 1 } else { 2 };
    // Where a lost byte is (0: none).
    let mut lost_at = 0;
    for k in k0..len {
        let c = *line.get(st.i)?;
        let b = if c < 0x80 {
            if !wild {
                return None;
            }
            st.i += 1;
            st.prev_lead = 0;
            match c {
                b' ' => 0xA0,
                b'?' if lost_at == 0 => {
                    lost_at = k;
                    continue;
                }
                _ => return None,
            }
        } else if let Some((cp, m)) = char_at(v, line, &mut st.i) {
            st.all_same &= m.any_same;
            st.pairs |= st.prev_lead & m.cont;
            st.prev_lead = m.lead;
            padded[cp & (BY_ID - 1)]
        } else if wild && lost_at == 0 && line.get(st.i..st.i + 3) == Some(&[0xEF, 0xBF, 0xBD]) {
            // U+FFFD, as [`masks`] folds it: it may stand for a lost byte in Windows-1252.
            st.i += 3;
            st.all_same &= 0xFFFF_0001 | NOT_BAD;
            st.prev_lead = 0;
            lost_at = k;
            continue;
        } else {
            return None;
        };
        if b & 0xC0 != 0x80 {
            return None;
        }
        if k == 1 {
            seq_len(b0, b)?;
        }
        seq[k] = b;
    }
    Some((st, finish_seq(seq, len, lost_at)?))
}

/// The whole-line test of one pass. See the module docs. `deeper`: a previous pass changed
/// the line. A fixed line's text is in [`WholeScratch::text`].
#[cfg(test)]
pub(super) fn fix_whole(line: &str, deeper: bool, s: &mut WholeScratch) -> Whole {
    let w = fix_whole_unowned(line, deeper, s);
    s.own(w)
}

/// [`fix_whole`], with a fixed line's text left as bytes ([`WholeScratch::reading`]), for
/// [`WholeScratch::own`] to make a `String` of when one is needed.
#[inline(never)]
pub(super) fn fix_whole_unowned(line: &str, deeper: bool, s: &mut WholeScratch) -> Whole {
    let t = tables();
    let line = line.as_bytes();
    // Lines longer than `Chars` holds (hardly any) are read from their UTF-8.
    let keep = line.len() <= Chars::MAX;
    // Most lines are read in one encoding only: guessed, and read with the masks in one
    // walk. When that encoding turns out to be the only one the line is read in, that
    // reading is the answer; otherwise the line is read again the long way.
    if keep {
        if let Some(e) = guess(t, line) {
            if let Some((m, n)) = fused(t, e, line, &mut s.fused) {
                if candidates(&m) == 1 << e {
                    std::mem::swap(&mut s.fused, &mut s.best);
                    return decide(t, line, deeper, &m, s, (None, n), e);
                }
                // Other encodings to try: read from the line's UTF-8, this one kept.
                return read_all(t, line, deeper, &m, false, Some((e, n)), s);
            }
        }
    }
    fix_whole_walk(line, deeper, s)
}

/// [`fix_whole`] the long way: the line's masks first, then a reading in every encoding
/// they leave.
fn fix_whole_walk(line: &[u8], deeper: bool, s: &mut WholeScratch) -> Whole {
    let t = tables();
    let keep = line.len() <= Chars::MAX;
    let m = if keep {
        masks::<true>(t, line, &mut s.chars)
    } else {
        masks::<false>(t, line, &mut s.chars)
    };
    let Some(m) = m else {
        return Whole::Undecided;
    };
    read_all(t, line, deeper, &m, keep, None, s)
}

/// The rest of [`fix_whole`] once the line's masks are known: a reading in every encoding
/// they leave, from the characters [`masks`] kept (`kept`) or from the line's UTF-8, except
/// in the encoding of `known`, whose reading is in `s.fused` ([`fused`]).
fn read_all(
    t: &Tables,
    line: &[u8],
    deeper: bool,
    m: &LineMasks,
    kept: bool,
    known: Option<(usize, Reading)>,
    s: &mut WholeScratch,
) -> Whole {
    if m.pairs == 0 {
        return Whole::NoPair;
    }
    let Some(line_bad0) = line_bad0(t, line, deeper, m) else {
        return Whole::NoPair;
    };
    // Encodings that give every character Windows-1252's byte give its reading: tried once.
    let encs = candidates(m);
    // The best reading: its badness once a second reading made scoring necessary, its
    // number of decoded characters; and whether another reading, different, scores the same.
    let mut best: Option<(Option<u32>, Reading)> = None;
    let (mut tied, mut best_enc) = (false, 0);
    // The encodings to try, in order, one set bit at a time (issue 3: a turn for each of the
    // ten encodings cost ≈ 12M instructions on the eval's garbled lines, most lines trying one).
    let mut left = encs;
    while left != 0 {
        let e = left.trailing_zeros() as usize;
        left &= left - 1;
        let Some(enc) = t.encode.get(e) else {
            break;
        };
        let reading = match known {
            Some((k, n)) if k == e => {
                std::mem::swap(&mut s.fused, &mut s.bytes);
                Some(n)
            }
            _ if kept => encode_chars(t, e, line, &s.chars, &mut s.bytes),
            _ => encode(t, enc, e == 0, line, &mut s.bytes),
        };
        let Some(n) = reading else {
            continue;
        };
        let Some((best_bad, _)) = best else {
            best = Some((None, n));
            best_enc = e;
            std::mem::swap(&mut s.bytes, &mut s.best);
            continue;
        };
        if s.bytes.bytes() == s.best.bytes() {
            continue;
        }
        // Two readings: the one that reads best, if one does (issue 3: ftfy takes the first
        // encoding that round-trips, and reads Windows-1257 text as -1250).
        let b = best_bad.unwrap_or_else(|| score_text(t, s.best.bytes(), u32::MAX).0);
        let bad = score_text(t, s.bytes.bytes(), b).0;
        if bad < b {
            best = Some((Some(bad), n));
            best_enc = e;
            tied = false;
            std::mem::swap(&mut s.bytes, &mut s.best);
        } else {
            best = best.map(|(_, n)| (Some(b), n));
            tied |= bad == b;
        }
    }
    finish(t, line, deeper, line_bad0, best, tied, best_enc, s)
}

/// The line's badness before any reading, or a number from 1 up to it ([`fix_whole`]);
/// under a layer just undone, 0 for "not known" unless the walk proved the line bad (a line
/// [`finish`] then leaves as it is, not to the word-by-word pass). `None` when the line reads
/// well as it stands (nothing to do).
#[inline(always)]
fn line_bad0(t: &Tables, line: &[u8], deeper: bool, m: &LineMasks) -> Option<u32> {
    if m.bad {
        Some(1)
    } else if deeper {
        Some(0)
    } else {
        match score_text(t, line, 0).0 {
            0 => None,
            bad => Some(bad),
        }
    }
}

/// [`fix_whole`] of a line read in the one encoding `e` it can be read in, whose reading
/// is in `s.best`.
fn decide(
    t: &Tables,
    line: &[u8],
    deeper: bool,
    m: &LineMasks,
    s: &mut WholeScratch,
    best: (Option<u32>, Reading),
    e: usize,
) -> Whole {
    let Some(line_bad0) = line_bad0(t, line, deeper, m) else {
        return Whole::NoPair;
    };
    finish(t, line, deeper, line_bad0, Some(best), false, e, s)
}

/// The end of [`fix_whole`]: the best reading (`s.best`), unless another read as well
/// (`tied`), taken when the line reads worse as it stands.
#[allow(clippy::too_many_arguments)]
fn finish(
    t: &Tables,
    line: &[u8],
    deeper: bool,
    line_bad0: u32,
    best: Option<(Option<u32>, Reading)>,
    tied: bool,
    best_enc: usize,
    s: &mut WholeScratch,
) -> Whole {
    // What is not taken goes to the word-by-word pass, unless this is a deeper pass over a
    // line that shows no sign of another layer (`line_bad0` 0, [`line_bad0`]: the walk found
    // no class Bad character and no [`PROOF`] pair); see the module docs.
    let undecided = || {
        if line_bad0 == 0 {
            Whole::NoPair
        } else {
            Whole::Undecided
        }
    };
    let Some((bad, n)) = best else {
        return undecided();
    };
    if tied {
        return undecided();
    }
    // The line must read worse as it stands (ftfy's first guard). With one reading, looking
    // for the first bad spot of the line is enough: its reading is real UTF-8 throughout.
    let limit = bad.unwrap_or(0);
    let line_bad = if line_bad0 > limit {
        line_bad0
    } else {
        score_text(t, line, limit).0
    };
    // Under a layer just undone, a Windows-1252 reading that reads no worse is taken too, as
    // the word-by-word pass takes a deeper Windows-1252 layer (`An t-Ã’gmhios`, where `’`
    // is no bad sign, is `An t-Ògmhios` twice garbled).
    let take = line_bad > limit
        || deeper && best_enc == 0 && {
            // `line_bad` is exact here: it did not exceed the limit.
            let reading = bad.unwrap_or_else(|| score_text(t, s.best.bytes(), line_bad).0);
            reading <= line_bad
        };
    if !take {
        return undecided();
    }
    s.unowned_nopair = line_bad0 == 0;
    Whole::Fixed(n.n, n.pair)
}

#[cfg(test)]
mod tests {
    use super::super::{Class, Look, CLASS};
    use super::*;
    use proptest::prelude::*;

    fn whole_at(line: &str, deeper: bool) -> Option<String> {
        let mut s = WholeScratch::default();
        match fix_whole(line, deeper, &mut s) {
            Whole::Fixed(..) => Some(s.text),
            _ => None,
        }
    }

    fn whole(line: &str) -> Option<String> {
        whole_at(line, false)
    }

    #[test]
    fn decodes_lines_garbled_whole() {
        assert_eq!(whole("cafÃ© crÃ¨me").as_deref(), Some("café crème"));
        assert_eq!(whole("Ð¿Ñ€Ð¸Ð²ÐµÑ‚").as_deref(), Some("привет"));
        // One layer a pass.
        assert_eq!(whole("donÃ¢â‚¬â„¢t").as_deref(), Some("donâ€™t"));
        // Valid in Windows-1250 and -1257 alike; -1257 reads better (ftfy takes -1250).
        assert_eq!(whole("Ć˛Ć¦t xpad").as_deref(), Some("Þæt xpad"));
    }

    #[test]
    fn a_layer_under_a_layer_may_read_no_better() {
        // `’` is no bad sign: alone the line reads well, under a layer just undone it is
        // taken in Windows-1252.
        assert_eq!(whole_at("An t-Ã’gmhios", false), None);
        assert_eq!(
            whole_at("An t-Ã’gmhios", true).as_deref(),
            Some("An t-Ògmhios")
        );
    }

    #[test]
    fn windows_1252_reads_stand_ins() {
        // A lost byte (`Á` is C3 81, and 0x81 has no character in Windows-1252), a no-break
        // space taken for a space.
        assert_eq!(whole("Ã? bientÃ´t").as_deref(), Some("Á bientôt"));
        assert_eq!(whole("Ã\u{FFFD} bientÃ´t").as_deref(), Some("Á bientôt"));
        assert_eq!(whole("Ã  bientÃ´t").as_deref(), Some("à bientôt"));
        // Only in Windows-1252: a Windows-1250 reading has no stand-ins.
        assert_eq!(whole("Ă? Ĺ›").as_deref(), None);
    }

    /// [`fill_lost`]'s table gives what trying the five bytes gives, for every sequence of
    /// two or three bytes with one lost (and the keys of [`lost_key`] invert).
    #[test]
    fn lost_bytes_from_the_table() {
        for key in 0..LOST_KEYS {
            let (seq, len, lost_at) = lost_seq(key);
            assert_eq!(
                lost_key(&seq[..len], lost_at),
                (key >= 2).then_some(key),
                "{key}"
            );
        }
        let bytes = (0x80u8..=0xFF).chain([0x00, 0x3F, 0x41, 0x7F]);
        for b0 in 0xC0u8..=0xFF {
            for b in bytes.clone() {
                for (mut seq, lost_at) in [
                    (vec![b0, 0], 1),
                    (vec![b0, 0, b], 1),
                    (vec![b0, b, 0], 2),
                    (vec![b0, b, 0x80, 0], 3),
                ] {
                    let want = fill_lost_slow(&mut seq.clone(), lost_at);
                    assert_eq!(fill_lost(&mut seq, lost_at), want, "{b0:x} {b:x} {lost_at}");
                }
            }
        }
    }

    /// Under a layer just undone, decoded text that holds lead/continuation pairs but no
    /// sign of another layer is left as it is; with a sign (`Ã±`, a second layer in one
    /// word) it still goes to the word-by-word pass, which decodes it.
    #[test]
    fn deeper_lines_without_a_sign_stay() {
        let said = |line: &str, deeper: bool| match fix_whole(
            line,
            deeper,
            &mut WholeScratch::default(),
        ) {
            Whole::Fixed(..) => 0,
            Whole::NoPair => 1,
            Whole::Undecided => 2,
        };
        for s in [
            // Belarusian, Macedonian, Ukrainian: `ў`, `ј`, `і` continue a Windows-1251 pair.
            "Выкарыстоўваць новы шрыфт",
            "Боја на прозорецот",
            "Малі літери",
            // Czech: `íš` is a pair in Windows-1252, `ř` no character there.
            "Příliš mnoho souborů",
        ] {
            assert_eq!(said(s, true), 1, "{s:?}");
            // What the word-by-word pass would have said: nothing to change.
            let mut scratch = super::super::Scratch::default();
            assert!(super::super::fix_once(s, &mut scratch).is_none(), "{s:?}");
        }
        for s in ["contraseÃ±a de niño", "Ãšltimo Ñandú"] {
            assert_eq!(said(s, true), 2, "{s:?}");
        }
        assert_eq!(
            super::super::fix("contraseÃƒÂ±a de niño").0,
            "contraseña de niño"
        );
    }

    #[test]
    fn leaves_the_rest_undecided() {
        for s in [
            // One garbled word among clean non-ASCII ones.
            "Größe cafÃ©",
            // Valid in MacRoman ("’é" is D5 8E there), but the line reads well as it is.
            "modifiable en l’état",
            // Valid in Windows-1252, but U+E000 (private use) is no text.
            "xî€€x",
            "plain ascii",
        ] {
            assert_eq!(whole(s), None, "{s:?}");
        }
        assert!(matches!(
            fix_whole("café", false, &mut WholeScratch::default()),
            Whole::NoPair
        ));
    }

    /// [`encode`] as session 8 wrote it (one character of the line a turn, the sequence's state
    /// carried from turn to turn, the reading built with `String::push`), to hold the new one to.
    fn encode_reference(
        t: &Tables,
        enc: &[u8],
        wild: bool,
        text: &str,
        out: &mut String,
    ) -> Option<Reading> {
        const BAD: u32 = Class::Bad as u32;
        let line = text.as_bytes();
        // Fixed-size views, so that an index known to be in range needs no check.
        let low: &[Look; 0x800] = t.low.as_slice().try_into().ok()?;
        let enc_low: &[u8; 0x800] = enc.get(..0x800)?.try_into().ok()?;
        out.clear();
        out.reserve(line.len());
        // The UTF-8 sequence being read: its bytes, its length, how many are in, where a lost
        // byte is (0: none), and its code point so far.
        let (mut seq, mut len, mut have, mut lost_at) = ([0u8; 4], 0usize, 0usize, 0usize);
        let mut cp = 0u32;
        let (mut n, mut pairs, mut prev_lead) = (0u32, 0u16, 0u16);
        let mut i = 0;
        // A decoded character: into the reading, and what the next pass asks of it: is it
        // noise, and may it lead or continue a sequence (one load in the two-byte range).
        macro_rules! emit {
            ($d:expr) => {{
                let d: char = $d;
                out.push(d);
                let cp = d as u32;
                let (f, lead, cont) = match low.get(cp as usize) {
                    Some(l) => (l.f, l.lead, l.cont),
                    None => {
                        let m = t.fast.wide.get((cp as usize).wrapping_sub(0x80));
                        let (lead, cont) = m.map_or((0, 0), |m| (m.lead, m.cont));
                        (flags_of(t, cp), lead, cont)
                    }
                };
                if cp >= 0xA0 && f & CLASS == BAD {
                    return None;
                }
                n += 1;
                pairs |= prev_lead & cont;
                prev_lead = lead;
            }};
        }
        'chars: while i < line.len() {
            let c = line[i];
            let d = {
                // The common case first: two characters of the line's two-byte range that give a
                // lead byte of a two-byte sequence and a continuation byte.
                if have == 0 && (0xC2..0xE0).contains(&c) {
                    if let Some(d) = pair_reference(enc_low, line, i) {
                        i += 4;
                        // Its own copy, where `d` is known to be below U+0800.
                        emit!(d);
                        continue 'chars;
                    }
                }
                let byte = if c < 0x80 {
                    if have == 0 {
                        // A run of ASCII is copied whole (ASCII bytes are character boundaries).
                        let end = line[i..]
                            .iter()
                            .position(|&b| b >= 0x80)
                            .map_or(line.len(), |k| i + k);
                        out.push_str(text.get(i..end)?);
                        i = end;
                        prev_lead = 0;
                        continue 'chars;
                    }
                    i += 1;
                    match c {
                        b' ' if wild => 0xA0,
                        b'?' if wild && lost_at == 0 => {
                            lost_at = have;
                            0
                        }
                        _ => return None,
                    }
                } else {
                    // `line` is a `str`, and [`masks`] let only one- to three-byte characters through.
                    let low = |k: usize| line.get(i + k).map_or(0, |&x| usize::from(x & 0x3F));
                    let (x, w) = if c < 0xE0 {
                        (usize::from(c & 0x1F) << 6 | low(1), 2)
                    } else {
                        (usize::from(c & 0x0F) << 12 | low(1) << 6 | low(2), 3)
                    };
                    i += w;
                    match enc.get(x.wrapping_sub(0x80)) {
                        Some(&b) => b,
                        None if x == 0xFFFD && wild && have != 0 && lost_at == 0 => {
                            lost_at = have;
                            0
                        }
                        None => return None,
                    }
                };
                if have == 0 {
                    len = match byte {
                        0xC2..=0xDF => 2,
                        0xE0..=0xEF => 3,
                        0xF0..=0xF4 => 4,
                        _ => return None,
                    };
                    cp = u32::from(byte) & (0x7F >> len);
                } else if lost_at != have {
                    if byte & 0xC0 != 0x80 {
                        return None;
                    }
                    // The second byte also rules out overlong forms, surrogates and code points
                    // beyond U+10FFFF.
                    if have == 1 {
                        seq_len(seq[0], byte)?;
                    }
                    cp = cp << 6 | u32::from(byte & 0x3F);
                }
                seq[have] = byte;
                have += 1;
                if have < len {
                    continue 'chars;
                }
                let d = if lost_at == 0 {
                    char::from_u32(cp)?
                } else {
                    fill_lost(&mut seq[..len], lost_at)?
                };
                (have, lost_at) = (0, 0);
                d
            };
            emit!(d);
        }
        if have != 0 {
            return None;
        }
        Some(Reading {
            n,
            pair: pairs != 0,
        })
    }

    /// Session 8's two-character fast path of [`encode_reference`].
    fn pair_reference(enc: &[u8; 0x800], line: &[u8], i: usize) -> Option<char> {
        let &[c0, c1, c2, c3] = line.get(i..i + 4)? else {
            return None;
        };
        if !(0xC2..0xE0).contains(&c2) {
            return None;
        }
        let x = |lead: u8, cont: u8| usize::from(lead & 0x1F) << 6 | usize::from(cont & 0x3F);
        // Both are at least U+0080 (`c0`, `c2` lead two-byte characters): the mask only tells
        // the compiler that the index is in range.
        let b0 = enc[(x(c0, c1) - 0x80) & 0x7FF];
        let b1 = enc[(x(c2, c3) - 0x80) & 0x7FF];
        if !(0xC2..0xE0).contains(&b0) || b1 & 0xC0 != 0x80 {
            return None;
        }
        char::from_u32(u32::from(b0 & 0x1F) << 6 | u32::from(b1 & 0x3F))
    }

    /// Characters put into garbled lines, to reach every path of [`encode`]: the stand-ins
    /// (space, `?`, U+FFFD), ASCII, a C1 control, characters of two and three bytes that are
    /// continuation or lead bytes somewhere, and characters no encoding has.
    const EDITS: &[char] = &[
        ' ', '?', '\u{FFFD}', 'a', '\u{81}', '\u{9D}', '€', '’', '™', 'Ã', 'â', 'ð', 'Ð', '©',
        '日', 'ж', '\u{2500}', '\u{E000}', 'Ă',
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The sequence-at-a-time [`encode`] gives what session 8's character-at-a-time one
        /// gave, reading and counts, in every encoding, with and without stand-ins, on lines
        /// garbled whole and then edited.
        #[test]
        fn encode_same_as_reference(
            s in sentence(),
            e in 0..garble().len(),
            edits in prop::collection::vec(
                (any::<prop::sample::Index>(), prop::sample::select(EDITS), any::<bool>()),
                0..4,
            ),
        ) {
            let garbler = encoding_rs::Encoding::for_label(garble()[e].as_bytes()).expect("label");
            let garbled = garbler.decode_without_bom_handling(s.as_bytes()).0;
            let mut chars: Vec<char> = garbled.chars().collect();
            for (at, c, insert) in edits {
                let k = at.index(chars.len() + 1);
                if insert || k == chars.len() {
                    chars.insert(k, c);
                } else {
                    chars[k] = c;
                }
            }
            let line: String = chars.into_iter().collect();
            let t = tables();
            let mut text = Text::default();
            let mut want = String::new();
            for enc in &t.encode {
                for wild in [false, true] {
                    let got = encode(t, enc, wild, line.as_bytes(), &mut text);
                    let reference = encode_reference(t, enc, wild, &line, &mut want);
                    prop_assert_eq!(got, reference, "{:?} wild {}", line, wild);
                    if got.is_some() {
                        prop_assert_eq!(text.bytes(), want.as_bytes());
                        let mut into = String::new();
                        prop_assert_eq!(text.owned(&mut into), Some(()));
                        prop_assert_eq!(&into, &want);
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6000))]

        /// [`encode_chars`], from the characters [`masks`] kept, gives what [`encode`] gives
        /// from the line's UTF-8 (reading and counts), in every encoding, with and without
        /// stand-ins, on lines garbled whole (in one encoding, or a layer under another) and
        /// then edited; and [`masks`] finds the same whether it keeps the characters or not.
        #[test]
        fn encode_chars_same_as_encode(
            s in sentence(),
            e in 0..garble().len(),
            twice in any::<bool>(),
            edits in prop::collection::vec(
                (any::<prop::sample::Index>(), prop::sample::select(EDITS), any::<bool>()),
                0..4,
            ),
        ) {
            let line = garble_and_edit(&s, e, twice, edits);
            prop_assume!(line.len() <= Chars::MAX);
            let t = tables();
            let mut kept = Chars::default();
            let found = masks::<true>(t, line.as_bytes(), &mut kept);
            let plain = masks::<false>(t, line.as_bytes(), &mut Chars::default());
            prop_assert_eq!(
                found.as_ref().map(|m| (m.all, m.pairs, m.same)),
                plain.map(|m| (m.all, m.pairs, m.same))
            );
            prop_assert_eq!(
                found.as_ref().map(|m| (m.all, m.pairs, m.same)),
                masks_reference(t, &line),
                "{:?}", line
            );
            // (A line no encoding holds, half of them or so, has nothing to read.)
            if found.is_none() {
                return Ok(());
            }
            let (mut a, mut b) = (Text::default(), Text::default());
            // Stand-ins are read in Windows-1252 only, as `fix_whole` reads them.
            for (e, enc) in t.encode.iter().enumerate() {
                let got = encode_chars(t, e, line.as_bytes(), &kept, &mut a);
                let want = encode(t, enc, e == 0, line.as_bytes(), &mut b);
                prop_assert_eq!(got, want, "{:?} in {}", line, e);
                if got.is_some() {
                    prop_assert_eq!(a.bytes(), b.bytes());
                }
            }
        }
    }

    /// Stand-ins read by [`encode_chars`] itself (a space or `?` that is a run of its own or
    /// starts a longer one, U+FFFD, as the last byte of a sequence of two or three bytes):
    /// the same reading and counts as [`encode`]. `Ã Â©` is `à©` with the no-break space
    /// turned into a space: the run of one space is taken whole, so `à` and `©` stand side by
    /// side in the reading and make a pair.
    #[test]
    fn encode_chars_reads_stand_ins() {
        let t = tables();
        for line in [
            "Ã Â©",
            "xÃ Â© y",
            "cafÃ ok",
            "Ã? Ã\u{fffd}Â©",
            "Ã?x â€? â€\u{fffd}Ã©",
            "â€ x",
            "Ã ?",
        ] {
            let mut kept = Chars::default();
            assert!(
                masks::<true>(t, line.as_bytes(), &mut kept).is_some(),
                "{line:?}"
            );
            let (mut a, mut b) = (Text::default(), Text::default());
            let enc = &t.encode[0];
            let got = encode_chars(t, 0, line.as_bytes(), &kept, &mut a);
            let want = encode(t, enc, true, line.as_bytes(), &mut b);
            assert_eq!(got, want, "{line:?}");
            if got.is_some() {
                assert_eq!(a.bytes(), b.bytes(), "{line:?}");
            }
        }
        let mut kept = Chars::default();
        let line = "Ã Â©".as_bytes();
        masks::<true>(t, line, &mut kept);
        let got = encode_chars(t, 0, line, &kept, &mut Text::default());
        assert_eq!(got, Some(Reading { n: 2, pair: true }));
    }

    /// [`masks`] one character at a time, from the table's fields: the encodings that have
    /// a byte for every non-ASCII character (U+FFFD: Windows-1252 only), those with a lead
    /// character followed by a continuation one, those that give every character in the
    /// tables Windows-1252's byte. `None` when no encoding is left or a character has four
    /// bytes.
    fn masks_reference(t: &Tables, line: &str) -> Option<(u16, u16, u16)> {
        let (mut all, mut pairs, mut same, mut prev_lead) = (ENC_BITS as u16, 0, u16::MAX, 0);
        for c in line.chars() {
            let cp = c as usize;
            if cp < 0x80 {
                prev_lead = 0;
                continue;
            }
            if cp >= 0x10000 {
                return None;
            }
            match t.fast.wide.get(cp - 0x80) {
                Some(m) => {
                    all &= m.any();
                    same &= m.same();
                    pairs |= prev_lead & m.cont & !PROOF;
                    prev_lead = m.lead;
                }
                None => {
                    all &= if cp == 0xFFFD { 1 } else { 0 };
                    prev_lead = 0;
                }
            }
        }
        (all != 0).then_some((all, pairs, same))
    }

    /// [`masks`]' `bad` from one character, or pair of characters, at a time: a character of
    /// class Bad below the tables' end, or two non-ASCII characters in a row, both with a
    /// byte in some encoding, whose [`super::super::proof_bits`] meet.
    fn bad_reference(t: &Tables, s: &str) -> bool {
        let table = |c: char| (0x80..super::super::TABLE_END).contains(&(c as u32));
        let class_bad = s
            .chars()
            .any(|c| table(c) && info(c) & CLASS == Class::Bad as u32);
        let has_byte = |c: char| table(c) && t.fast.wide[c as usize - 0x80].any() != 0;
        let chars: Vec<char> = s.chars().collect();
        let pair = chars.windows(2).any(|w| {
            has_byte(w[0])
                && has_byte(w[1])
                && super::super::proof_bits(info(w[0])).0 & super::super::proof_bits(info(w[1])).1
                    != 0
        });
        class_bad || pair
    }

    /// What both `masks_find_*` properties check on a line: `masks` says it reads badly
    /// exactly when [`bad_reference`] does, and then it does.
    fn masks_bad_agrees(s: &str) -> Result<(), TestCaseError> {
        let t = tables();
        let mut chars = Chars::default();
        if let Some(m) = masks::<true>(t, s.as_bytes(), &mut chars) {
            prop_assert_eq!(m.bad, bad_reference(t, s));
            prop_assert!(!m.bad || score_text(t, s.as_bytes(), 0).0 > 0);
        }
        Ok(())
    }

    proptest! {
        /// `masks` says a line reads badly exactly when it holds a character of class Bad or
        /// a pair whose proof bits meet, and then the line reads badly, as `fix_whole` takes
        /// for granted.
        #[test]
        fn masks_find_class_bad(
            s in "[a ?\u{80}-\u{2FF}\u{400}\u{700}\u{1680}\u{2013}-\u{2022}\u{2500}\u{2600}\u{4E00}\u{FFFD}]{0,40}"
        ) {
            masks_bad_agrees(&s)?;
        }

        /// The same on text that Windows-1252 has every character of (so that `masks` seldom
        /// gives up), with Cyrillic, C1 controls, IPA, U+FFFD and CJK among it.
        #[test]
        fn masks_find_bad_pairs(
            s in "[a ?\u{A0}-\u{FF}\u{152}\u{153}\u{160}\u{161}\u{178}\u{17D}\u{17E}\u{192}\u{2C6}\u{2DC}\u{2013}-\u{2022}\u{2026}\u{2030}\u{2039}\u{203A}\u{20AC}\u{2122}\u{400}-\u{45F}\u{80}-\u{9F}\u{250}\u{FFFD}\u{4E00}]{0,30}"
        ) {
            masks_bad_agrees(&s)?;
        }
    }

    /// Mojibake of the common shapes is proved bad by the walk alone.
    #[test]
    fn masks_prove_common_mojibake_bad() {
        let t = tables();
        let mut chars = Chars::default();
        for s in [
            "cafÃ©",
            "Ã¼ber",
            "itâ€™s",
            "Ð¿Ñ€Ð¸Ð²ÐµÑ‚",
            "ÎšÎ±Î»Î·",
            "Ã‰tÃ©",
            "Å¡kola",
        ] {
            let m = masks::<true>(t, s.as_bytes(), &mut chars);
            assert!(m.is_some_and(|m| m.bad), "{s}");
        }
    }

    /// [`decoded`], from [`Tables::decoded`], says what the flags say: `None` for a character
    /// of class Bad other than a C1 control (a layer under another holds those), else its lead
    /// and continuation masks (below U+0800 from the look-up table, above from the masks).
    #[test]
    fn decoded_reads_the_flags() {
        let t = tables();
        for cp in 0x80..0x11_0000u32 {
            let want = if cp < 0x800 {
                let l = &t.low[cp as usize];
                let bad = cp >= 0xA0 && l.f & CLASS == Class::Bad as u32;
                (!bad).then_some((l.lead, l.cont))
            } else {
                let m = t.fast.wide.get(cp as usize - 0x80);
                (!is_noise(cp)).then(|| m.map_or((0, 0), |m| (m.lead, m.cont)))
            };
            assert_eq!(
                decoded(t.fast.decoded.as_slice().try_into().expect("size"), cp),
                want,
                "U+{cp:04X}"
            );
        }
    }

    /// A line longer than [`Chars`] holds is read from its UTF-8, and reads the same.
    #[test]
    fn long_lines_are_read_from_their_bytes() {
        let line = "cafÃ© crÃ¨me Ð¿Ñ€Ð¸Ð²ÐµÑ‚ ".repeat(200);
        assert!(line.len() > Chars::MAX);
        let want = "café crème привет ".repeat(200);
        assert_eq!(whole(&line).as_deref(), Some(want.as_str()));
    }

    /// [`score_text`] as it was before runs of ASCII were fed whole: one code point at a
    /// time.
    fn score_text_reference(t: &Tables, text: &str, limit: u32) -> (u32, u32) {
        let mut score = Scorer::new(limit);
        for c in text.chars() {
            if !score.push(t, c as u32) {
                break;
            }
        }
        let n = score.non_ascii;
        (score.finish(), n)
    }

    /// Non-ASCII between [`score_text`]'s runs of ASCII: capitals and small letters whose
    /// run of capitals carries over the ASCII, mojibake, marks, CJK after Latin, a
    /// character of four bytes.
    const WIDE_PIECES: &[&str] = &[
        "É", "é", "Ã©", "ÃŠ", "Ж", "ж", "日", "을", "\u{301}", "—", "’", "©", "ǅ", "\u{E000}", "𝔸",
    ];

    /// Runs of ASCII (capitals, small letters, `?` between letters) after non-ASCII.
    fn scored_text() -> impl Strategy<Value = String> {
        let piece = (prop::sample::select(WIDE_PIECES), "[ABx ?.]{0,6}");
        prop::collection::vec(piece, 0..12).prop_map(|p| {
            p.into_iter()
                .map(|(wide, run)| format!("{wide}{run}"))
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20000))]

        /// Runs of ASCII fed whole score as they did one character at a time, at every limit.
        #[test]
        fn score_text_same_as_reference(
            text in scored_text(),
            limit in prop::sample::select(vec![0, 1, 2, 3, 5, u32::MAX]),
        ) {
            let t = tables();
            prop_assert_eq!(
                score_text(t, text.as_bytes(), limit),
                score_text_reference(t, &text, limit)
            );
        }
    }

    #[test]
    fn ascii_runs_carry_the_capitals() {
        let t = tables();
        // A run of capitals started before the ASCII goes on through it (`ÉABC` then a
        // small `é`), or ends in it; a `?` between letters scores inside a run.
        for text in ["ÉABCé", "ÉABxCDEé", "ÉAxyé", "xÉAB CDé", "ab?cd", "ÃABC?xé"] {
            for limit in [0, 1, u32::MAX] {
                assert_eq!(
                    score_text(t, text.as_bytes(), limit),
                    score_text_reference(t, text, limit),
                    "{text:?} {limit}"
                );
            }
        }
    }

    #[test]
    fn owned_checks_short_and_long_readings() {
        let (zh, ru, euro) = ("日本語".repeat(30), "ж".repeat(40), "€".repeat(22));
        for s in ["", "é", "x".repeat(64).as_str(), &zh, &ru, &euro] {
            // Stale bytes past the end, as `encode` leaves them: no UTF-8 on their own.
            let mut buf = s.as_bytes().to_vec();
            buf.extend_from_slice(&[0xE6, 0x97, 0xFF]);
            let mut text = Text { buf, len: s.len() };
            let mut into = String::new();
            assert_eq!(text.owned(&mut into), Some(()));
            assert_eq!(into, s);
            // A spare string's old text does not stay.
            let mut spare = "stale text, longer than some readings".to_string();
            assert_eq!(text.owned(&mut spare), Some(()));
            assert_eq!(spare, s);
        }
        let mut bad = Text {
            buf: vec![b'a', 0xC3],
            len: 2,
        };
        assert_eq!(bad.owned(&mut String::new()), None);
    }

    /// [`encode`] asks [`is_noise`] instead of [`info`] from U+0800 up: there it must be
    /// class Bad and nothing else, as [`noise_block`] says.
    #[test]
    fn noise_blocks_are_the_wide_bad_class() {
        for cp in 0..=0x10_FFFF {
            assert_eq!(is_noise(cp), super::super::noise_block(cp), "U+{cp:04X}");
        }
        for cp in 0x800..=0x10_FFFF {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            assert_eq!(
                super::super::noise_block(cp),
                info(c) & CLASS == Class::Bad as u32,
                "U+{cp:04X}"
            );
        }
    }

    /// Clean words of many scripts (no mojibake among them).
    const CLEAN: &[&str] = &[
        "the",
        "naïve",
        "café",
        "Größe",
        "straße",
        "años",
        "São",
        "ÉTÉ",
        "«bonjour»",
        "“quoted”",
        "it’s",
        "—",
        "…",
        "€5",
        "Łódź",
        "żółć",
        "Čech",
        "ŠKODA",
        "İstanbul",
        "ağaç",
        "ırmak",
        "Ελληνικά",
        "ΑΘΗΝΑ",
        "Привет",
        "ВІКІ",
        "їжак",
        "Српски",
        "עברית",
        "العربية",
        "日本語",
        "한국어",
        "ไทย",
        "Việt",
        "əlavə",
        "ɛ",
        "30°C",
        "½",
        "©2024",
        "™",
        "Þæt",
        "Ògmhios",
        "Ñ",
    ];

    /// The candidate encodings that `encoding_rs` can garble with (it has no CP437).
    /// What a [`Whole`] says, comparable.
    fn said(w: Whole, s: WholeScratch) -> (u8, Option<(String, u32, bool)>) {
        match w {
            Whole::Fixed(n, pair) => (0, Some((s.text, n, pair))),
            Whole::NoPair => (1, None),
            Whole::Undecided => (2, None),
        }
    }

    /// A line garbled whole (in one encoding, or a layer under Windows-1252), then edited.
    fn garbled_line() -> impl Strategy<Value = String> {
        (
            sentence(),
            0..garble().len(),
            any::<bool>(),
            prop::collection::vec(
                (
                    any::<prop::sample::Index>(),
                    prop::sample::select(EDITS),
                    any::<bool>(),
                ),
                0..3,
            ),
        )
            .prop_map(|(s, e, twice, edits)| garble_and_edit(&s, e, twice, edits))
    }

    /// `s` garbled in encoding `e` of [`garble`] (then as Windows-1252 again if `twice`),
    /// with `edits` applied: at an index, a character inserted or put in place of one.
    fn garble_and_edit(
        s: &str,
        e: usize,
        twice: bool,
        edits: Vec<(prop::sample::Index, char, bool)>,
    ) -> String {
        let garbler = encoding_rs::Encoding::for_label(garble()[e].as_bytes()).expect("label");
        let mut garbled = garbler
            .decode_without_bom_handling(s.as_bytes())
            .0
            .into_owned();
        if twice {
            garbled = encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(garbled.as_bytes())
                .0
                .into_owned();
        }
        let mut chars: Vec<char> = garbled.chars().collect();
        for (at, c, insert) in edits {
            let k = at.index(chars.len() + 1);
            if insert || k == chars.len() {
                chars.insert(k, c);
            } else {
                chars[k] = c;
            }
        }
        chars.into_iter().collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// [`fused`], when it reads a line, finds the masks [`masks`] finds and the reading
        /// [`encode_chars`] reads, in every encoding; and [`fix_whole`] (which takes the
        /// fused reading when its encoding is the only candidate) says what
        /// [`fix_whole_walk`] says, with and without a layer just undone.
        #[test]
        fn fused_same_as_walk(line in garbled_line(), deeper in any::<bool>()) {
            prop_assume!(line.len() <= Chars::MAX);
            let t = tables();
            let b = line.as_bytes();
            let mut kept = Chars::default();
            let walked = masks::<true>(t, b, &mut kept);
            let (mut a, mut c) = (Text::default(), Text::default());
            for e in 0..t.encode.len() {
                let Some((m, r)) = fused(t, e, b, &mut a) else {
                    continue;
                };
                let w = walked.as_ref().map(|w| (w.all, w.pairs, w.same, w.bad));
                prop_assert_eq!(Some((m.all, m.pairs, m.same, m.bad)), w, "{:?} in {}", line, e);
                let want = encode_chars(t, e, b, &kept, &mut c);
                prop_assert_eq!(Some(r), want, "{:?} in {}", line, e);
                prop_assert_eq!(a.bytes(), c.bytes());
            }
            let (mut s1, mut s2) = (WholeScratch::default(), WholeScratch::default());
            let fast = said(fix_whole(&line, deeper, &mut s1), s1);
            let slow = fix_whole_walk(b, deeper, &mut s2);
            let slow = said(s2.own(slow), s2);
            prop_assert_eq!(fast, slow, "{:?}", line);
        }

        /// A reading that [`fix_whole_unowned`] leaves as bytes (and [`super::super::Stream`]
        /// writes out without a UTF-8 check) is UTF-8, and [`WholeScratch::own`] makes of it
        /// what [`fix_whole`] says.
        #[test]
        fn unowned_readings_are_utf8(line in garbled_line(), deeper in any::<bool>()) {
            let (mut s1, mut s2) = (WholeScratch::default(), WholeScratch::default());
            let w = fix_whole_unowned(&line, deeper, &mut s1);
            if let Whole::Fixed(..) = w {
                prop_assert!(std::str::from_utf8(s1.reading()).is_ok(), "{:?}", line);
            }
            let unowned = said(s1.own(w), s1);
            prop_assert_eq!(unowned, said(fix_whole(&line, deeper, &mut s2), s2));
        }
    }

    /// The fused walk reads common mojibake, and guesses its encoding from the first pair.
    #[test]
    fn fused_reads_common_mojibake() {
        let t = tables();
        for (line, e, want) in [
            ("cafÃ© crÃ¨me", 0, "café crème"),
            ("itâ€™s â€œquotedâ€\u{9d}", 0, "it’s “quoted”"),
            ("Ð¿Ñ€Ð¸Ð²ÐµÑ‚", 0, "привет"),
            ("РїСЂРёРІРµС‚ РјРёСЂ", 1, "привет мир"),
        ] {
            assert_eq!(guess(t, line.as_bytes()), Some(e), "{line:?}");
            let mut out = Text::default();
            let (m, r) = fused(t, e, line.as_bytes(), &mut out).expect(line);
            assert_ne!(candidates(&m) & 1 << e, 0, "{line:?}");
            assert_eq!(out.bytes(), want.as_bytes());
            assert_eq!(r.n, want.chars().filter(|c| !c.is_ascii()).count() as u32);
        }
        // Stand-ins, in Windows-1252 only: the same masks and reading as the two passes.
        for line in [
            "Ã la",
            "Ã Â©",
            "xÃ Â© y",
            "cafÃ ok",
            "Ã? Ã\u{fffd}Â©",
            "Ã?x â€? â€\u{fffd}Ã©",
            "â€ x",
            "Ã ?",
            "â€?â€?",
        ] {
            let mut kept = Chars::default();
            let walked = masks::<true>(t, line.as_bytes(), &mut kept).expect(line);
            let (mut a, mut b) = (Text::default(), Text::default());
            let want = encode_chars(t, 0, line.as_bytes(), &kept, &mut b);
            let (m, r) = fused(t, 0, line.as_bytes(), &mut a).expect(line);
            assert_eq!(
                (m.all, m.pairs, m.same, m.bad),
                (walked.all, walked.pairs, walked.same, walked.bad),
                "{line:?}"
            );
            assert_eq!(Some(r), want, "{line:?}");
            assert_eq!(a.bytes(), b.bytes(), "{line:?}");
            assert!(fused(t, 4, line.as_bytes(), &mut a).is_none(), "{line:?}");
        }
    }

    fn garble() -> Vec<&'static str> {
        super::super::ENCODINGS
            .into_iter()
            .filter(|e| *e != "cp437")
            .collect()
    }

    fn sentence() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(CLEAN), 1..12).prop_map(|w| w.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Clean text is never decoded whole.
        #[test]
        fn clean_text_is_left_to_the_word_pass(s in sentence(), deeper in any::<bool>()) {
            prop_assert_eq!(whole_at(&s, deeper), None);
        }

        /// A line garbled whole in one encoding, when decoded whole, comes back as it was.
        #[test]
        fn garbled_text_comes_back(s in sentence(), e in 0..garble().len()) {
            let enc = encoding_rs::Encoding::for_label(garble()[e].as_bytes()).expect("label");
            let garbled = enc.decode_without_bom_handling(s.as_bytes()).0.into_owned();
            if let Some(fixed) = whole(&garbled) {
                prop_assert_eq!(fixed, s);
            }
        }
    }
}
