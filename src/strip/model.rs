//! The line model: logistic regression over a line's shape and its neighbours, plus a few
//! shallow gradient-boosted trees on top that catch what a linear model cannot (where in the
//! page a short line sits, given how much of the page is prose). Trained on wcxb-dev by
//! `benches/train_strip.py` (cross-validated by domain) and shipped as data in `model.txt`
//! (`name weight` a line, then the trees). It judges the lines the hand rules leave; each
//! decision is a sum of named contributions (a weight times a feature, plus, for each tree,
//! the change of node value at each split on the path, credited to the split's feature:
//! Saabas' attribution), so `thresh explain` can say which features pushed a line out, and
//! the removal is named after the group of the feature that pushed hardest.
//!
//! Besides the line and its neighbours, the features place the line on the page: the main
//! body span ([`main_span`], the run of lines richest in prose, found in one pass) and the
//! prose block a line is in ([`prose_blocks`]). Prose outside the span or in a small block
//! (a teaser under "Related", a newsletter pitch, an author box) is the kept chrome that cost
//! strip most of its precision (issue 4, session 6). Lines are also placed against the
//! largest prose block ([`largest_block_lines`]): before it, after it, how far (session 7).
//!
//! The trees judge every line but sentences of four words or more (`trees_judge`), and never
//! split on the corpus repetition features, so a line's score is its score
//! judged alone plus the linear repetition terms ([`Model::repeat_terms`]): strip scores a
//! line once and adds what the corpus counts say (issue 4: the model must stay explainable
//! per line and cheap; a few dozen tree nodes a line). Strip scores the lines the rules left
//! eight at a time ([`Model::score_and_blame_rows`]: one line a lane with AVX2, the same
//! float operations in the same order as [`Model::score_and_blame`], so every score and
//! blame is the same float; issue 4, session strip-speed20).
//! The features of such a block are computed feature-major, straight into the rows the
//! scorer reads ([`features_block`]; session strip-speed21).

use super::features::Line;
use super::lexicon::{BYLINE, FORM, META, RELATIVE_TIME};
use std::sync::OnceLock;

/// Feature names, in vector order, each with the group a removal is named after.
pub const FEATURES: &[(&str, &str)] = &[
    ("bias", "model:bias"),
    ("log_words", "model:short"),
    ("sentence", "model:no_sentence"),
    ("stop_ratio", "model:few_stopwords"),
    ("no_lang", "model:few_stopwords"),
    ("caps_ratio", "model:capitalized"),
    ("digit_ratio", "model:digits_symbols"),
    ("symbol_ratio", "model:digits_symbols"),
    ("separators", "model:separators"),
    ("short_nonsentence", "model:short"),
    ("prev_words", "model:context"),
    ("next_words", "model:context"),
    ("prev_prose", "model:context"),
    ("next_prose", "model:context"),
    ("prose_distance", "model:context"),
    ("short_run", "model:link_list"),
    ("position", "model:position"),
    ("before_body", "model:position"),
    ("after_body", "model:position"),
    ("doc_prose_share", "model:page"),
    ("repeated_log", "model:repeated"),
    ("repeated_3", "model:repeated"),
    ("list_marker", "model:list"),
    ("ends_colon", "model:label"),
    ("chrome_words", "model:chrome_words"),
    ("avg_word_len", "model:digits_symbols"),
    ("all_caps", "model:capitalized"),
    ("prose", "model:no_sentence"),
    ("title_case", "model:capitalized"),
    ("long_line", "model:short"),
    ("heads_prose", "model:context"),
    ("short_x_page", "model:page"),
    ("repeated_x_short", "model:repeated"),
    ("in_body", "model:position"),
    ("outside_span", "model:outside_body"),
    ("span_distance", "model:outside_body"),
    ("after_span", "model:outside_body"),
    ("prose_outside_span", "model:outside_body"),
    ("span_share", "model:page"),
    ("prose_block", "model:block"),
    ("prose_block_share", "model:block"),
    ("largest_distance", "model:outside_body"),
    ("before_largest", "model:outside_body"),
    ("after_largest", "model:outside_body"),
    ("prose_after_largest", "model:outside_body"),
    ("promo_ratio", "model:promo"),
    ("policy_ratio", "model:policy"),
    ("reader_ratio", "model:voice"),
    ("we_ratio", "model:voice"),
    ("block_promo", "model:promo"),
    ("block_policy", "model:policy"),
    ("block_reader", "model:voice"),
    ("block_we", "model:voice"),
];

/// Number of features.
pub const N: usize = FEATURES.len();

const fn feature_index(name: &str) -> usize {
    let mut k = 0;
    while k < N {
        if const_str_eq(FEATURES[k].0, name) {
            return k;
        }
        k += 1;
    }
    panic!("no such feature")
}

const fn const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The only features that read the corpus repetition counts ([`Model::repeat_terms`]).
const REPEATED_LOG: usize = feature_index("repeated_log");
const REPEATED_3: usize = feature_index("repeated_3");
const REPEATED_X_SHORT: usize = feature_index("repeated_x_short");

/// Per-document context a line's features read.
pub struct DocContext<'a> {
    pub lines: &'a [Line<'a>],
    /// Unrelated documents holding each line (1: none but this one).
    pub repeats: &'a [u32],
    /// Line is prose ([`Line::is_prose`]).
    pub prose: &'a [bool],
    /// Per line: distance to the nearest other prose line (7: none within 6).
    pub prose_dist: Vec<u32>,
    /// Per line: length of the run of short non-sentences it belongs to (0: not short).
    pub short_run: Vec<u32>,
    /// Index of the first and last prose line.
    pub first_prose: Option<usize>,
    pub last_prose: Option<usize>,
    /// Share of the document's words in prose lines.
    pub prose_share: f32,
    /// Whether the document has a stopword language.
    pub has_lang: bool,
    /// The main body span ([`main_span`]): first and last line (`end < start`: no prose).
    pub span: (usize, usize),
    /// Share of the document's words inside the span.
    pub span_share: f32,
    /// Per line: words of the prose block it is in (0: not a prose line; [`prose_blocks`]).
    pub block: Vec<u32>,
    /// Words of the document's largest prose block (at least 1).
    pub largest_block: u32,
    /// First and last line of the largest prose block ([`largest_block_lines`]; `end <
    /// start`: no prose).
    pub largest: (usize, usize),
    /// Per line: the share of words in each [`Line::voice`] class, over its prose block for
    /// a prose line, over the line for the others ([`block_voice`]).
    pub voice: Vec<[f32; 4]>,
}

impl<'a> DocContext<'a> {
    pub fn new(
        lines: &'a [Line<'a>],
        repeats: &'a [u32],
        prose: &'a [bool],
        has_lang: bool,
    ) -> Self {
        let total: u32 = lines.iter().map(|l| l.words).sum();
        let in_prose: u32 = lines
            .iter()
            .zip(prose)
            .filter(|(_, p)| **p)
            .map(|(l, _)| l.words)
            .sum();
        let n = lines.len();
        // Nearest prose line in the window [i - 6, i - 6 + 12] (clipped at the start, so
        // the first lines look up to 12 ahead), other than the line itself; 7 when there is
        // none.
        let mut prose_dist = vec![u32::MAX; n];
        let mut prev: Option<usize> = None;
        for (i, d) in prose_dist.iter_mut().enumerate() {
            let lo = i.saturating_sub(6);
            if let Some(p) = prev.filter(|&p| p >= lo) {
                *d = (i - p) as u32;
            }
            if prose[i] {
                prev = Some(i);
            }
        }
        let mut next: Option<usize> = None;
        for i in (0..n).rev() {
            let hi = i.saturating_sub(6) + 12;
            if let Some(q) = next.filter(|&q| q <= hi) {
                prose_dist[i] = prose_dist[i].min((q - i) as u32);
            }
            if prose[i] {
                next = Some(i);
            }
        }
        for d in &mut prose_dist {
            if *d == u32::MAX {
                *d = 7;
            }
        }
        // Length of the run of short non-sentences a line is in, counting at most 19 lines
        // before it and 40 lines in all.
        let short: Vec<bool> = lines.iter().map(is_short_nonsentence).collect();
        let mut back = vec![0u32; n];
        for i in 1..n {
            if short[i - 1] {
                back[i] = back[i - 1] + 1;
            }
        }
        let mut fwd = 0u32;
        let mut short_run = vec![0u32; n];
        for i in (0..n).rev() {
            if short[i] {
                short_run[i] = (1 + back[i].min(19) + fwd).min(40);
                fwd += 1;
            } else {
                fwd = 0;
            }
        }
        let span = main_span(lines, prose);
        let in_span: u32 = lines
            .get(span.0..=span.1)
            .map_or(0, |s| s.iter().map(|l| l.words).sum());
        let block = prose_blocks(lines, prose);
        let largest_block = block.iter().copied().max().unwrap_or(0).max(1);
        let largest = largest_block_lines(lines, prose, &block);
        let voice = block_voice(lines, prose);
        DocContext {
            lines,
            repeats,
            prose,
            prose_dist,
            short_run,
            span,
            span_share: if total == 0 {
                0.0
            } else {
                in_span as f32 / total as f32
            },
            block,
            largest_block,
            largest,
            voice,
            first_prose: prose.iter().position(|p| *p),
            last_prose: prose.iter().rposition(|p| *p),
            prose_share: if total == 0 {
                0.0
            } else {
                in_prose as f32 / total as f32
            },
            has_lang,
        }
    }
}

/// What a line that is not prose costs the main body span, per word and per line: a
/// paragraph of prose adds its words, a menu or a list of links between two paragraphs
/// subtracts twice its words and two per line (tuned on wcxb-dev, out of fold:
/// `benches/train_strip.py`).
const SPAN_GAP_PER_WORD: i64 = 2;
const SPAN_GAP_PER_LINE: i64 = 2;

/// The main body span: the run of lines that maximises prose words minus the cost of the
/// other lines ([`SPAN_GAP_PER_WORD`], [`SPAN_GAP_PER_LINE`]), found in one pass (the maximum
/// subarray). Text far from it (a teaser of another article, a newsletter box, a privacy
/// notice below the footer) is prose too, but separated from the body by chrome. First and
/// last line, inclusive; empty (`(1, 0)`) when there is no prose.
pub fn main_span(lines: &[Line], prose: &[bool]) -> (usize, usize) {
    let (mut best, mut cur, mut start) = (0i64, 0i64, 0usize);
    let mut span = (1, 0);
    for (i, (l, &p)) in lines.iter().zip(prose).enumerate() {
        let w = i64::from(l.words);
        let v = if p {
            w
        } else if l.sentence && l.words >= 4 {
            1
        } else {
            -(SPAN_GAP_PER_WORD * w + SPAN_GAP_PER_LINE)
        };
        if cur <= 0 {
            cur = v;
            start = i;
        } else {
            cur += v;
        }
        if cur > best {
            best = cur;
            span = (start, i);
        }
    }
    span
}

/// Longest line (in words) that may stand between two prose lines of one block (a subheading,
/// a caption).
const BLOCK_GAP_WORDS: u32 = 12;

/// Whether line `k` continues a prose block: a prose line, or a line of at most
/// [`BLOCK_GAP_WORDS`] words followed by a prose line.
fn continues_block(lines: &[Line], prose: &[bool], k: usize) -> bool {
    prose[k] || (k + 1 < lines.len() && prose[k + 1] && lines[k].words <= BLOCK_GAP_WORDS)
}

/// First and last line of the largest prose block (the first of equal ones), whose words are
/// `block`'s ([`prose_blocks`]); `(1, 0)` when there is no prose. The article body is usually
/// this block; prose far after it (a teaser, a comment, a pitch) is not the body, even when the
/// main span ([`main_span`]) reaches it over little chrome.
pub fn largest_block_lines(lines: &[Line], prose: &[bool], block: &[u32]) -> (usize, usize) {
    let max = block.iter().copied().max().unwrap_or(0);
    match (0..lines.len()).find(|&i| prose[i] && block[i] == max) {
        Some(start) if max > 0 => {
            let mut end = start;
            while end + 1 < lines.len() && continues_block(lines, prose, end + 1) {
                end += 1;
            }
            (start, end)
        }
        _ => (1, 0),
    }
}

/// Calls `f(start, end)` for each prose block, lines `start..end`: a run of prose lines, where
/// a single line of at most [`BLOCK_GAP_WORDS`] words between two of them does not break it.
fn for_each_block(lines: &[Line], prose: &[bool], mut f: impl FnMut(usize, usize)) {
    let n = lines.len();
    let mut i = 0;
    while i < n {
        if !prose[i] {
            i += 1;
            continue;
        }
        let mut k = i;
        while k < n && continues_block(lines, prose, k) {
            k += 1;
        }
        f(i, k);
        i = k;
    }
}

/// Per line: the words of prose in its block, for prose lines (0 for the others). A block is a
/// run of prose lines, where a single line of at most [`BLOCK_GAP_WORDS`] words between two
/// of them does not break it. The body of an article is a long block; a teaser, a bio or a
/// newsletter box stands alone.
pub fn prose_blocks(lines: &[Line], prose: &[bool]) -> Vec<u32> {
    let mut block = vec![0u32; lines.len()];
    for_each_block(lines, prose, |start, end| {
        let sum = (start..end)
            .filter(|&j| prose[j])
            .fold(0u32, |s, j| s.saturating_add(lines[j].words));
        for j in (start..end).filter(|&j| prose[j]) {
            block[j] = sum;
        }
    });
    block
}

/// Per line: the share of its words in each [`Line::voice`] class (promotion, policy, the
/// reader, the site), taken over the prose lines of its block for a prose line, so that a
/// newsletter pitch or a privacy notice of several paragraphs is judged as one text, and over
/// the line alone for the others (issue 4, session 9: most of the prose strip still keeps
/// wrongly is the site talking after the article: pitches, disclaimers, policies).
pub fn block_voice(lines: &[Line], prose: &[bool]) -> Vec<[f32; 4]> {
    let ratios = |counts: [u32; 4], words: u32| counts.map(|c| c as f32 / words.max(1) as f32);
    let mut voice: Vec<[f32; 4]> = lines
        .iter()
        .map(|l| ratios(l.voice.map(u32::from), l.words))
        .collect();
    for_each_block(lines, prose, |start, end| {
        let (mut counts, mut words) = ([0u32; 4], 0u32);
        for l in (start..end).filter(|&j| prose[j]).map(|j| &lines[j]) {
            for (c, &v) in counts.iter_mut().zip(&l.voice) {
                *c = c.saturating_add(u32::from(v));
            }
            words = words.saturating_add(l.words);
        }
        let r = ratios(counts, words);
        for j in (start..end).filter(|&j| prose[j]) {
            voice[j] = r;
        }
    });
    voice
}

/// `ln(1 + x)` for counts below [`LN1P_TABLE`] (nearly all of them), filled once. [`features`] takes it
/// once a line rather than checking the `OnceLock` at each of its eight uses.
fn ln1p_table() -> &'static [f32; LN1P_TABLE] {
    static TABLE: OnceLock<[f32; LN1P_TABLE]> = OnceLock::new();
    TABLE.get_or_init(|| std::array::from_fn(|i| (i as f32).ln_1p()))
}

/// Entries of [`ln1p_table`]: line distances and the words of prose blocks in long pages
/// reach past 256 (`libm`'s `log1pf` was ~1% of the time with 256 entries).
const LN1P_TABLE: usize = 1024;

/// `ln(1 + x)`, from `table` ([`ln1p_table`]) below [`LN1P_TABLE`].
#[inline]
fn ln1p(table: &[f32; LN1P_TABLE], x: u32) -> f32 {
    match table.get(x as usize) {
        Some(&v) => v,
        None => (x as f32).ln_1p(),
    }
}

pub fn is_short_nonsentence(l: &Line) -> bool {
    (l.words <= 3) & !l.sentence
}

/// Starts like a list item: a bullet or `1.`/`2)`.
fn list_marker(t: &str) -> bool {
    let mut c = t.chars();
    match c.next() {
        Some('•' | '·' | '*' | '-' | '–' | '►' | '▪' | '◦' | '✓' | '✔') => true,
        Some(d) if d.is_ascii_digit() => {
            let rest = t.trim_start_matches(|c: char| c.is_ascii_digit());
            rest.starts_with(". ") || rest.starts_with(") ")
        }
        _ => false,
    }
}

/// What [`features`] and [`features_block`] both derive for line `i` before they lay it out:
/// its corpus count, its shape, and where it stands against the prose, the main body span and
/// the largest prose block.
struct Place {
    rep: u32,
    ln_rep: f32,
    short: f32,
    before: bool,
    after: bool,
    title: bool,
    chrome_words: bool,
    heads: bool,
    outside: bool,
    span_dist: usize,
    largest_dist: usize,
}

#[inline(always)]
fn place(ctx: &DocContext, i: usize) -> Place {
    let l = &ctx.lines[i];
    let rep = ctx.repeats.get(i).copied().unwrap_or(1).max(1);
    // With no span (no prose), every line is outside it, at no distance.
    let (s0, s1) = ctx.span;
    let (l0, l1) = ctx.largest;
    let distance = |a: usize, e: usize| {
        if e < a {
            0
        } else if i < a {
            a - i
        } else {
            i.saturating_sub(e)
        }
    };
    Place {
        rep,
        ln_rep: if rep == 1 { 0.0 } else { (rep as f32).ln() },
        short: is_short_nonsentence(l) as u8 as f32,
        before: ctx.first_prose.is_none_or(|f| i < f),
        after: ctx.last_prose.is_none_or(|e| i > e),
        title: l.words >= 2 && !l.sentence && l.caps * 10 >= l.words * 8,
        chrome_words: l.words <= 6 && l.any_flags & (META | FORM | BYLINE | RELATIVE_TIME) != 0,
        heads: l.words <= 15 && !l.sentence && ctx.lines.get(i + 1).is_some_and(Line::is_prose),
        outside: i < s0 || i > s1,
        span_dist: distance(s0, s1),
        largest_dist: distance(l0, l1),
    }
}

/// The feature vector of line `i`.
pub fn features(ctx: &DocContext, i: usize) -> [f32; N] {
    let t = ln1p_table();
    let lines = ctx.lines;
    let l = &lines[i];
    let n = lines.len();
    let words = l.words.max(1) as f32;
    let prev = i.checked_sub(1).map(|j| &lines[j]);
    let next = lines.get(i + 1);
    let dist = ctx.prose_dist[i];
    let run = ctx.short_run[i];
    let letters = l.letters.max(1) as f32;
    let Place {
        rep,
        ln_rep,
        short,
        before,
        after,
        title,
        chrome_words,
        heads,
        outside,
        span_dist,
        largest_dist,
    } = place(ctx, i);
    let (l0, l1) = ctx.largest;
    let b = |x: bool| x as u8 as f32;
    [
        1.0,
        ln1p(t, l.words),
        b(l.sentence),
        if ctx.has_lang { l.stop_ratio() } else { 0.0 },
        b(!ctx.has_lang),
        l.caps as f32 / words,
        l.digits as f32 / (letters + l.digits as f32),
        l.symbols as f32 / l.chars.max(1) as f32,
        b(l.seps > 0),
        short,
        prev.map_or(0.0, |p| ln1p(t, p.words)),
        next.map_or(0.0, |p| ln1p(t, p.words)),
        b(i > 0 && ctx.prose[i - 1]),
        b(i + 1 < n && ctx.prose[i + 1]),
        ln1p(t, dist),
        ln1p(t, run),
        if n > 1 {
            i as f32 / (n - 1) as f32
        } else {
            0.0
        },
        b(before),
        b(after),
        ctx.prose_share,
        ln_rep,
        b(rep >= 3),
        b(list_marker(l.text)),
        b(l.text.ends_with([':', '：'])),
        b(chrome_words),
        (l.chars as f32 / words).min(20.0) / 10.0,
        b(l.letters > 3 && l.caps == l.words && !l.text.chars().any(char::is_lowercase)),
        b(l.is_prose()),
        b(title),
        b(l.words >= 30),
        b(heads),
        short * ctx.prose_share,
        ln_rep * short,
        b(!before && !after),
        b(outside),
        ln1p(t, u32::try_from(span_dist).unwrap_or(u32::MAX)),
        b(i > ctx.span.1),
        b(outside && ctx.prose[i]),
        ctx.span_share,
        ln1p(t, ctx.block[i]),
        ctx.block[i] as f32 / ctx.largest_block as f32,
        ln1p(t, u32::try_from(largest_dist).unwrap_or(u32::MAX)),
        b(l0 <= l1 && i < l0),
        b(l0 <= l1 && i > l1),
        b(l0 <= l1 && i > l1 && ctx.prose[i]),
        f32::from(l.voice[0]) / words,
        f32::from(l.voice[1]) / words,
        f32::from(l.voice[2]) / words,
        f32::from(l.voice[3]) / words,
        ctx.voice[i][0],
        ctx.voice[i][1],
        ctx.voice[i][2],
        ctx.voice[i][3],
    ]
}

/// Feature-major feature vectors of a block of up to [`BLOCK`] lines: `rows[k][j]` is
/// feature `k` of the block's line `j` (the layout the block scorer reads, one line a lane).
pub type Rows = [[f32; BLOCK]; N];

/// [`features`] of the lines `at` (at most [`BLOCK`]), written feature-major into `rows`:
/// what is read from each line (counts, table logarithms, flags) is gathered line by line
/// straight into its row, and the ratios and products are then computed lane by lane over
/// the eight lines (vector divisions and multiplications where the target has them), the
/// same float operations on the same operands as [`features`], so every feature is the same
/// float (`features_block_equals_features`). Lanes past `at.len()` hold values to ignore.
/// Line by line, the vector was built one feature at a time, stored, copied into a block and
/// transposed (≈ 440 instructions a line; issue 4, session strip-speed21).
pub fn features_block(ctx: &DocContext, at: &[usize], rows: &mut Rows) {
    let t = ln1p_table();
    let lines = ctx.lines;
    let n = lines.len();
    let b = |x: bool| x as u8 as f32;
    // What the ratios read, per lane.
    let mut words = [1f32; BLOCK];
    let mut caps = [0f32; BLOCK];
    let mut digits = [0f32; BLOCK];
    let mut letters = [1f32; BLOCK];
    let mut symbols = [0f32; BLOCK];
    let mut chars_max1 = [1f32; BLOCK];
    let mut chars = [0f32; BLOCK];
    let mut stop = [0f32; BLOCK];
    let mut pos = [0f32; BLOCK];
    let mut block = [0f32; BLOCK];
    let mut voice = [[0f32; BLOCK]; 4];
    let (_, s1) = ctx.span;
    let (l0, l1) = ctx.largest;
    for (j, &i) in at.iter().enumerate().take(BLOCK) {
        let l = &lines[i];
        words[j] = l.words.max(1) as f32;
        caps[j] = l.caps as f32;
        digits[j] = l.digits as f32;
        letters[j] = l.letters.max(1) as f32;
        symbols[j] = l.symbols as f32;
        chars_max1[j] = l.chars.max(1) as f32;
        chars[j] = l.chars as f32;
        // `stop_ratio`: 0 for a line of no words (which has no stopwords either).
        stop[j] = if l.words == 0 { 0.0 } else { l.stop as f32 };
        pos[j] = i as f32;
        block[j] = ctx.block[i] as f32;
        for (v, &c) in voice.iter_mut().zip(&l.voice) {
            v[j] = f32::from(c);
        }
        let prev = i.checked_sub(1).map(|j| &lines[j]);
        let next = lines.get(i + 1);
        let pl = place(ctx, i);
        rows[1][j] = ln1p(t, l.words);
        rows[2][j] = b(l.sentence);
        rows[8][j] = b(l.seps > 0);
        rows[9][j] = pl.short;
        rows[10][j] = prev.map_or(0.0, |p| ln1p(t, p.words));
        rows[11][j] = next.map_or(0.0, |p| ln1p(t, p.words));
        rows[12][j] = b(i > 0 && ctx.prose[i - 1]);
        rows[13][j] = b(i + 1 < n && ctx.prose[i + 1]);
        rows[14][j] = ln1p(t, ctx.prose_dist[i]);
        rows[15][j] = ln1p(t, ctx.short_run[i]);
        rows[17][j] = b(pl.before);
        rows[18][j] = b(pl.after);
        rows[20][j] = pl.ln_rep;
        rows[21][j] = b(pl.rep >= 3);
        rows[22][j] = b(list_marker(l.text));
        rows[23][j] = b(l.text.ends_with([':', '：']));
        rows[24][j] = b(pl.chrome_words);
        rows[26][j] =
            b(l.letters > 3 && l.caps == l.words && !l.text.chars().any(char::is_lowercase));
        rows[27][j] = b(l.is_prose());
        rows[28][j] = b(pl.title);
        rows[29][j] = b(l.words >= 30);
        rows[30][j] = b(pl.heads);
        rows[33][j] = b(!pl.before && !pl.after);
        rows[34][j] = b(pl.outside);
        rows[35][j] = ln1p(t, u32::try_from(pl.span_dist).unwrap_or(u32::MAX));
        rows[36][j] = b(i > s1);
        rows[37][j] = b(pl.outside && ctx.prose[i]);
        rows[39][j] = ln1p(t, ctx.block[i]);
        rows[41][j] = ln1p(t, u32::try_from(pl.largest_dist).unwrap_or(u32::MAX));
        rows[42][j] = b(l0 <= l1 && i < l0);
        rows[43][j] = b(l0 <= l1 && i > l1);
        rows[44][j] = b(l0 <= l1 && i > l1 && ctx.prose[i]);
        for (c, &v) in ctx.voice[i].iter().enumerate() {
            rows[49 + c][j] = v;
        }
    }
    // The ratios and products, lane by lane.
    let last = (n.max(2) - 1) as f32;
    let largest = ctx.largest_block as f32;
    for j in 0..BLOCK {
        rows[0][j] = 1.0;
        rows[3][j] = if ctx.has_lang {
            stop[j] / words[j]
        } else {
            0.0
        };
        rows[4][j] = b(!ctx.has_lang);
        rows[5][j] = caps[j] / words[j];
        rows[6][j] = digits[j] / (letters[j] + digits[j]);
        rows[7][j] = symbols[j] / chars_max1[j];
        rows[16][j] = if n > 1 { pos[j] / last } else { 0.0 };
        rows[19][j] = ctx.prose_share;
        rows[25][j] = (chars[j] / words[j]).min(20.0) / 10.0;
        rows[31][j] = rows[9][j] * ctx.prose_share;
        rows[32][j] = rows[20][j] * rows[9][j];
        rows[38][j] = ctx.span_share;
        rows[40][j] = block[j] / largest;
        for (c, v) in voice.iter().enumerate() {
            rows[45 + c][j] = v[j] / words[j];
        }
    }
}

/// The removal name of feature `k` (its group).
pub fn group(k: usize) -> &'static str {
    if k == 0 {
        "model:bias"
    } else {
        FEATURES[k].1
    }
}

/// Depth of the boosted trees: each is a complete binary tree (training pads shallower
/// leaves with splits that always go left).
pub const TREE_DEPTH: usize = 3;
const SPLITS: usize = (1 << TREE_DEPTH) - 1;
const NODES: usize = 2 * SPLITS + 1;
/// Node indexes are masked with these (array lengths minus one), so that the tree walk needs
/// no bounds checks.
const SPLIT_MASK: usize = SPLITS;
const NODE_MASK: usize = NODES;

/// Trees [`Model::scored`] walks side by side.
const WALK_LANES: usize = 8;

/// A boosted tree in heap order: node `n`'s children are `2n + 1` (feature at most the
/// threshold) and `2n + 2` (greater); nodes `SPLITS..` are leaves.
#[derive(Debug, Clone)]
pub struct Tree {
    /// Per inner node (the last entry unused): the feature index, below [`N`].
    feature: [u8; SPLITS + 1],
    threshold: [f32; SPLITS + 1],
    /// Per node (the last entry unused): its value (the root's at 0, the leaves' from
    /// `SPLITS`).
    value: [f32; NODES + 1],
    /// Per node other than the root: its value minus its parent's, what the parent's split
    /// feature contributes when the path goes through it.
    delta: [f32; NODES + 1],
}

impl Tree {
    /// One walk from the root to a leaf: adds each split's contribution to `c` (by the split
    /// feature) and returns the leaf's value.
    #[inline]
    fn walk(&self, x: &[f32; N], c: &mut [f32; N]) -> f32 {
        let mut n = 0;
        for _ in 0..TREE_DEPTH {
            let k = usize::from(self.feature[n & SPLIT_MASK]);
            let right = x[k] > self.threshold[n & SPLIT_MASK];
            n = 2 * n + 1 + usize::from(right);
            c[k] += self.delta[n & NODE_MASK];
        }
        self.value[n & NODE_MASK]
    }
}

/// Weights, threshold and trees, parsed once from `model.txt`.
pub struct Model {
    pub weights: [f32; N],
    /// Lines scoring below this are removed.
    pub threshold: f32,
    pub trees: Vec<Tree>,
    /// The sum of the trees' root values (credited to the bias).
    roots: f32,
    /// The trees as [`Model::score_and_blame_rows`] reads them.
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    lanes: Vec<TreeLanes>,
}

/// A tree of depth 3 laid out for [`Model::score_and_blame_rows`]: its splits' features
/// and thresholds, the deltas of its depth-1 nodes, and the deltas and values of its
/// depth-2 nodes and of its leaves, eight to a register, in node order.
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
#[derive(Debug, Clone)]
struct TreeLanes {
    feature: [usize; SPLITS],
    threshold: [f32; SPLITS],
    delta: [f32; 3],
    delta_mid: safe_arch::m256,
    delta_leaf: safe_arch::m256,
    value_leaf: safe_arch::m256,
}

#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
impl TreeLanes {
    fn of(t: &Tree) -> Self {
        TreeLanes {
            feature: std::array::from_fn(|j| usize::from(t.feature[j]) % N),
            threshold: std::array::from_fn(|j| t.threshold[j]),
            delta: [0.0, t.delta[1], t.delta[2]],
            delta_mid: safe_arch::m256::from_array(std::array::from_fn(|j| t.delta[3 + j % 4])),
            delta_leaf: safe_arch::m256::from_array(std::array::from_fn(|j| t.delta[SPLITS + j])),
            value_leaf: safe_arch::m256::from_array(std::array::from_fn(|j| t.value[SPLITS + j])),
        }
    }
}

/// Lines [`Model::score_and_blame_rows`] scores at once (one per lane of an AVX register).
pub const BLOCK: usize = 8;

const MODEL_TXT: &str = include_str!("model.txt");

/// The shipped model; `None` when `model.txt` does not match [`FEATURES`] (then only the
/// hand rules run).
pub fn model() -> Option<&'static Model> {
    static M: OnceLock<Option<Model>> = OnceLock::new();
    M.get_or_init(|| parse(MODEL_TXT)).as_ref()
}

/// Parses `name value` lines (every feature must be present, plus `threshold`), then the
/// trees: `tree`, followed by `split NODE FEATURE THRESHOLD VALUE` for each of its
/// [`SPLITS`] inner nodes and `leaf NODE VALUE` for each leaf. A tree may not split on a
/// repetition feature (see the module docs).
pub fn parse(text: &str) -> Option<Model> {
    let mut weights = [f32::NAN; N];
    let mut threshold = None;
    let mut trees: Vec<Tree> = Vec::new();
    let feature = |name: &str| FEATURES.iter().position(|(f, _)| *f == name);
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let name = parts.next()?;
        let mut number = || parts.next()?.parse::<f32>().ok();
        match name {
            "tree" => trees.push(Tree {
                feature: [0; SPLITS + 1],
                threshold: [f32::NAN; SPLITS + 1],
                value: [f32::NAN; NODES + 1],
                delta: [0.0; NODES + 1],
            }),
            "split" => {
                let tree = trees.last_mut()?;
                let n: usize = parts.next()?.parse().ok()?;
                let k = feature(parts.next()?)?;
                if n >= SPLITS || [REPEATED_LOG, REPEATED_3, REPEATED_X_SHORT].contains(&k) {
                    return None;
                }
                tree.feature[n] = u8::try_from(k).ok()?;
                tree.threshold[n] = parts.next()?.parse().ok()?;
                tree.value[n] = parts.next()?.parse().ok()?;
            }
            "leaf" => {
                let tree = trees.last_mut()?;
                let n: usize = parts.next()?.parse().ok()?;
                if !(SPLITS..NODES).contains(&n) {
                    return None;
                }
                tree.value[n] = parts.next()?.parse().ok()?;
            }
            "threshold" => threshold = Some(number()?),
            _ => weights[feature(name)?] = number()?,
        }
    }
    if weights.iter().any(|w| w.is_nan()) {
        return None;
    }
    for t in &mut trees {
        if t.value[..NODES]
            .iter()
            .chain(&t.threshold[..SPLITS])
            .any(|v| v.is_nan())
        {
            return None;
        }
        for n in 1..NODES {
            t.delta[n] = t.value[n] - t.value[(n - 1) / 2];
        }
    }
    Some(Model {
        weights,
        threshold: threshold?,
        roots: trees.iter().map(|t| t.value[0]).sum(),
        #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
        lanes: trees.iter().map(TreeLanes::of).collect(),
        trees,
    })
}

impl Model {
    /// The score (log-odds of content, minus the threshold) of a feature vector.
    pub fn score(&self, x: &[f32; N]) -> f32 {
        self.score_and_blame(x).0
    }

    /// The score and [`Model::most_negative`] of a feature vector, in one pass.
    pub fn score_and_blame(&self, x: &[f32; N]) -> (f32, (usize, f32)) {
        let mut c = [0f32; N];
        let score = self.scored(x, &mut c);
        (score, most_negative_of(&c))
    }

    /// [`Model::score_and_blame`] of each line of a block, given feature-major (`x[k][j]` is
    /// feature `k` of the block's line `j`, as [`features_block`] writes it; lanes past the
    /// block's lines give results to ignore). With AVX2 the eight lines are scored side by side, one per
    /// lane, the same float operations in the same order as the line-by-line walk, so that
    /// every score and blame is the same float (`block_equals_line_by_line`): the linear
    /// part as eight products a feature and the same four-lane sum; each tree's seven
    /// splits compared for all eight lines at once (a split's feature is the same in every
    /// lane), the path picked with blends, its leaf value and deltas looked up with one
    /// permute each, and a split's delta added to its feature's contributions in the lanes
    /// whose path goes through it; the blame as a running minimum and its first position.
    /// Line by line, the tree walk's loads chain one on the other and its contributions are
    /// stored one float at a time (≈ 700 instructions a line; issue 4, session
    /// strip-speed20; until strip-speed21 the block came line-major and was transposed).
    pub fn score_and_blame_rows(&self, x: &Rows) -> [(f32, (usize, f32)); BLOCK] {
        #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
        {
            self.score_and_blame_lanes(|k| safe_arch::m256::from_array(x[k]))
        }
        #[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
        {
            self.score_and_blame_rows_scalar(x)
        }
    }

    /// [`Model::score_and_blame_rows`] line by line: the fallback and the reference.
    #[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "avx2"))))]
    fn score_and_blame_rows_scalar(&self, x: &Rows) -> [(f32, (usize, f32)); BLOCK] {
        std::array::from_fn(|j| self.score_and_blame(&std::array::from_fn(|k| x[k][j])))
    }

    /// The block scorer over feature rows: `row(k)` is feature `k` of the eight lines.
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    #[inline(always)]
    fn score_and_blame_lanes(
        &self,
        row: impl Fn(usize) -> safe_arch::m256,
    ) -> [(f32, (usize, f32)); BLOCK] {
        use safe_arch::{
            add_m256, bitand_m256, bitandnot_m256, blend_varying_m256, cast_to_m256_from_m256i,
            cast_to_m256i_from_m256, cmp_op_mask_m256, m256, m256i, mul_m256, set_splat_m256,
            shuffle_av_f32_all_m256, sub_m256, zeroed_m256,
        };
        // `_CMP_GT_OQ`: false when either side is NaN, as `>`.
        const GT: i32 = 0x1E;
        let splat = set_splat_m256;
        let mut c = [zeroed_m256(); N];
        for (k, c) in c.iter_mut().enumerate() {
            *c = mul_m256(splat(self.weights[k]), row(k));
        }
        // `sum`: four lanes over the chunks of four, then the remainder.
        let mut lanes = [zeroed_m256(); 4];
        let mut chunks = c.chunks_exact(4);
        for ch in &mut chunks {
            for (l, &v) in lanes.iter_mut().zip(ch) {
                *l = add_m256(*l, v);
            }
        }
        let mut score = add_m256(add_m256(lanes[0], lanes[2]), add_m256(lanes[1], lanes[3]));
        for &v in chunks.remainder() {
            score = add_m256(score, v);
        }
        score = sub_m256(score, splat(self.threshold));
        // `trees_judge`, lane by lane.
        let long_sentence = bitand_m256(
            cmp_op_mask_m256::<GT>(row(SENTENCE), splat(0.5)),
            cmp_op_mask_m256::<GT>(row(LOG_WORDS), splat(1.5)),
        );
        let judged = bitandnot_m256(
            long_sentence,
            cast_to_m256_from_m256i(m256i::from([-1i32; 8])),
        );
        if safe_arch::move_mask_m256(judged) != 0 {
            c[0] = blend_varying_m256(c[0], add_m256(c[0], splat(self.roots)), judged);
            let bits = |m: m256, b: i32| {
                safe_arch::bitand_m256i(cast_to_m256i_from_m256(m), m256i::from([b; 8]))
            };
            for t in &self.lanes {
                let split =
                    |j: usize| cmp_op_mask_m256::<GT>(row(t.feature[j]), splat(t.threshold[j]));
                // The decision at each depth: right (all ones) or left.
                let r0 = split(0);
                let r1 = blend_varying_m256(split(1), split(2), r0);
                let r2 = blend_varying_m256(
                    blend_varying_m256(split(3), split(4), r1),
                    blend_varying_m256(split(5), split(6), r1),
                    r0,
                );
                // Depth 1: node 1 or 2, reached from the root's split.
                // The delta is added in every lane, as +0.0 in the lanes whose path does not
                // go through the split: a contribution keeps its value, but for a -0.0 that
                // becomes +0.0, which the blame reads alike (it takes negative values only).
                // As a blend of the old and the new value, the compiler stored it with a
                // masked store (`vmaskmovps`), which the next tree's load of the same
                // contribution cannot take its value from: it waited for the store to reach
                // the cache (issue 4, session strip-speed21).
                let add = |c: &mut m256, d: m256, through: m256| {
                    *c = add_m256(*c, bitand_m256(d, bitand_m256(through, judged)));
                };
                let all = cast_to_m256_from_m256i(m256i::from([-1i32; 8]));
                add(
                    &mut c[t.feature[0]],
                    blend_varying_m256(splat(t.delta[1]), splat(t.delta[2]), r0),
                    all,
                );
                // Depth 2: nodes 3 to 6, reached from node 1 (left) or 2 (right).
                let mid = safe_arch::bitor_m256i(bits(r0, 2), bits(r1, 1));
                let d2 = shuffle_av_f32_all_m256(t.delta_mid, mid);
                add(&mut c[t.feature[1]], d2, bitandnot_m256(r0, all));
                add(&mut c[t.feature[2]], d2, r0);
                // Depth 3: the leaves (nodes 7 to 14), reached from nodes 3 to 6.
                let leaf = safe_arch::bitor_m256i(
                    safe_arch::bitor_m256i(bits(r0, 4), bits(r1, 2)),
                    bits(r2, 1),
                );
                let d3 = shuffle_av_f32_all_m256(t.delta_leaf, leaf);
                let (l0, r0n) = (bitandnot_m256(r0, all), r0);
                let (l1, r1n) = (bitandnot_m256(r1, all), r1);
                add(&mut c[t.feature[3]], d3, bitand_m256(l0, l1));
                add(&mut c[t.feature[4]], d3, bitand_m256(l0, r1n));
                add(&mut c[t.feature[5]], d3, bitand_m256(r0n, l1));
                add(&mut c[t.feature[6]], d3, bitand_m256(r0n, r1n));
                let v = shuffle_av_f32_all_m256(t.value_leaf, leaf);
                score = blend_varying_m256(score, add_m256(score, v), judged);
            }
        }
        let (score, blame) = (score.to_array(), most_negative_block(&c));
        std::array::from_fn(|j| (score[j], blame[j]))
    }

    /// The score, and each feature's contribution to it: weight × value, plus, for every
    /// tree, the change of node value at each split on the feature along the path. The trees'
    /// root values count as the bias's.
    #[inline(always)]
    fn scored(&self, x: &[f32; N], c: &mut [f32; N]) -> f32 {
        for ((c, w), x) in c.iter_mut().zip(&self.weights).zip(x) {
            *c = w * x;
        }
        let mut score = sum(c) - self.threshold;
        if !trees_judge(x) {
            return score;
        }
        c[0] += self.roots;
        // Eight trees at a time, level by level: each level of a walk is a chain of two loads
        // and a compare on the one before, so walking the trees one after the other left the
        // core waiting on one chain; side by side, eight are in flight. The contributions and
        // the leaf values are then added in the order of the tree-by-tree walk, so every sum
        // is the same float (`interleaved_walk_equals_tree_by_tree`; issue 4, session
        // strip-speed17).
        let mut chunks = self.trees.chunks_exact(WALK_LANES);
        for group in &mut chunks {
            let mut n = [0usize; WALK_LANES];
            let mut path = [[(0usize, 0usize); TREE_DEPTH]; WALK_LANES];
            for d in 0..TREE_DEPTH {
                for ((t, n), path) in group.iter().zip(&mut n).zip(&mut path) {
                    let k = usize::from(t.feature[*n & SPLIT_MASK]);
                    let right = x.get(k).is_some_and(|&v| v > t.threshold[*n & SPLIT_MASK]);
                    *n = 2 * *n + 1 + usize::from(right);
                    path[d] = (k, *n);
                }
            }
            for ((t, n), path) in group.iter().zip(&n).zip(&path) {
                for &(k, node) in path {
                    if let Some(c) = c.get_mut(k) {
                        *c += t.delta[node & NODE_MASK];
                    }
                }
                score += t.value[n & NODE_MASK];
            }
        }
        for t in chunks.remainder() {
            score += t.walk(x, c);
        }
        score
    }

    /// [`Model::scored`]'s tree part walked tree by tree (the reference of the interleaved
    /// walk).
    #[cfg(test)]
    fn scored_tree_by_tree(&self, x: &[f32; N], c: &mut [f32; N]) -> f32 {
        for ((c, w), x) in c.iter_mut().zip(&self.weights).zip(x) {
            *c = w * x;
        }
        let mut score = sum(c) - self.threshold;
        if !trees_judge(x) {
            return score;
        }
        c[0] += self.roots;
        for t in &self.trees {
            score += t.walk(x, c);
        }
        score
    }

    /// The part of the score that corpus repetition adds to a line's score judged alone
    /// (where `rep` is 1 and the repetition features are 0): `rep` unrelated documents hold
    /// the line, `short` is [`is_short_nonsentence`]. Strip scores a line once, alone, and
    /// adds this for the corpus judgement instead of computing every feature again.
    pub fn repeat_terms(&self, rep: u32, short: bool) -> f32 {
        if rep <= 1 {
            return 0.0;
        }
        self.repeat_contributions(rep, short)
            .iter()
            .map(|&(_, c)| c)
            .sum()
    }

    /// The contributions (feature index, weight × value) of the three repetition features,
    /// in feature order, for a line held by `rep` > 1 unrelated documents.
    fn repeat_contributions(&self, rep: u32, short: bool) -> [(usize, f32); 3] {
        let ln = (rep as f32).ln();
        let b = |x: bool| x as u8 as f32;
        // In feature order (a test checks it).
        [
            (REPEATED_LOG, self.weights[REPEATED_LOG] * ln),
            (REPEATED_3, self.weights[REPEATED_3] * b(rep >= 3)),
            (
                REPEATED_X_SHORT,
                self.weights[REPEATED_X_SHORT] * (ln * b(short)),
            ),
        ]
    }

    /// The feature (index, contribution) that pushed the score down the most; `(0, 0.0)`
    /// (the bias) when none did. The first such feature wins a tie.
    pub fn most_negative(&self, x: &[f32; N]) -> (usize, f32) {
        self.score_and_blame(x).1
    }

    /// [`Model::most_negative`] of a line's features with corpus counts, from that of its
    /// features judged alone (where the repetition features are 0): only the repetition
    /// features' contributions change.
    pub fn most_negative_with_repeats(
        &self,
        alone: (usize, f32),
        rep: u32,
        short: bool,
    ) -> (usize, f32) {
        if rep <= 1 {
            return alone;
        }
        // The smallest negative contribution, the first feature on a tie.
        let mut best = (0, 0.0f32);
        for (k, c) in std::iter::once(alone).chain(self.repeat_contributions(rep, short)) {
            if c < best.1 || c == best.1 && c < 0.0 && k < best.0 {
                best = (k, c);
            }
        }
        best
    }

    /// The named contributions of a feature vector, largest magnitude first.
    pub fn contributions(&self, x: &[f32; N]) -> Vec<(&'static str, f32)> {
        let mut c = [0f32; N];
        self.scored(x, &mut c);
        let mut v: Vec<(&'static str, f32)> = FEATURES
            .iter()
            .zip(c)
            .map(|((name, _), c)| (*name, c))
            .filter(|(_, c)| c.abs() > 0.05)
            .collect();
        v.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(b.0)));
        v
    }
}

const SENTENCE: usize = feature_index("sentence");
const LOG_WORDS: usize = feature_index("log_words");

/// Whether the trees judge a line: all but sentences of four words or more (`log_words` is
/// ln(1 + words)), which the linear part scores alone. On wcxb-dev the trees learn that the
/// last lines of a page are chrome (its footers); on text without chrome that removed an
/// article's last paragraph (the seeds). `benches/train_strip.py` trains them on the same
/// lines (`tree_lines`).
fn trees_judge(x: &[f32; N]) -> bool {
    !(x[SENTENCE] > 0.5 && x[LOG_WORDS] > 1.5)
}

/// The sum of a vector, in four lanes (so that it compiles to vector additions): a fixed
/// order, so the same on every machine.
fn sum(c: &[f32; N]) -> f32 {
    let mut lanes = [0f32; 4];
    let mut chunks = c.chunks_exact(4);
    for ch in &mut chunks {
        for (l, v) in lanes.iter_mut().zip(ch) {
            *l += v;
        }
    }
    let mut s = (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]);
    for v in chunks.remainder() {
        s += v;
    }
    s
}

/// The feature (index, contribution) with the smallest negative contribution other than the
/// bias, the first on a tie; `(0, 0.0)` when none is negative. With AVX (x86-64-v3): the
/// contributions, padded with zeros to seven blocks of eight, reduced with `vminps` in eight
/// lanes, then the first position of the minimum from the `vcmpeqps` masks (`movemask`,
/// `trailing_zeros`): ≈ 40 instructions a line against ≈ 130 for the four-lane loop and the
/// position scan of [`most_negative_of_scalar`], which it equals
/// (`most_negative_avx_equals_scalar`; issue 4, session strip-speed18).
#[cfg(all(target_arch = "x86_64", target_feature = "avx"))]
#[inline(never)]
fn most_negative_of(c: &[f32; N]) -> (usize, f32) {
    use safe_arch::{cmp_op_mask_m256, m256, min_m256, move_mask_m256, set_splat_m256};
    const BLOCKS: usize = N.div_ceil(8);
    let mut p = [0f32; 8 * BLOCKS];
    p[..N].copy_from_slice(c);
    // The bias is left out: as 0, it never is a negative minimum.
    p[0] = 0.0;
    let block =
        |j: usize| m256::from(<[f32; 8]>::try_from(&p[8 * j..8 * j + 8]).unwrap_or_default());
    // `min_m256(v, m)` is `if v < m { v } else { m }` lane by lane, as the scalar fold (a NaN
    // contribution is never taken), and starting from 0 keeps only negative values.
    let mut m = m256::default();
    for j in 0..BLOCKS {
        m = min_m256(block(j), m);
    }
    let min = <[f32; 8]>::from(m)
        .iter()
        .fold(0f32, |m, &v| if v < m { v } else { m });
    if min < 0.0 {
        let splat = set_splat_m256(min);
        let mut at = 0u64;
        for j in 0..BLOCKS {
            // Ordered, non-signalling equality (`_CMP_EQ_OQ`).
            let eq = cmp_op_mask_m256::<0>(block(j), splat);
            at |= u64::from(move_mask_m256(eq) as u8) << (8 * j);
        }
        if at != 0 {
            return (at.trailing_zeros() as usize, min);
        }
    }
    (0, 0.0)
}

/// [`most_negative_of`] of each lane of a block's contributions (`c[k]` holds feature `k`'s
/// of the block's eight lines): the running minimum of the contributions but the bias's,
/// from 0, and the first feature that lowered it to its last value, which is the first
/// position of the minimum (`most_negative_block_equals_scalar`).
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
fn most_negative_block(c: &[safe_arch::m256; N]) -> [(usize, f32); BLOCK] {
    use safe_arch::{blend_varying_m256, cmp_op_mask_m256, set_splat_m256, zeroed_m256};
    // `_CMP_LT_OQ`: false when either side is NaN, as `<`.
    const LT: i32 = 0x11;
    let mut min = zeroed_m256();
    let mut at = zeroed_m256();
    for (k, &v) in c.iter().enumerate().skip(1) {
        let lower = cmp_op_mask_m256::<LT>(v, min);
        min = blend_varying_m256(min, v, lower);
        at = blend_varying_m256(at, set_splat_m256(k as f32), lower);
    }
    let (min, at) = (min.to_array(), at.to_array());
    std::array::from_fn(|j| {
        if min[j] < 0.0 {
            (at[j] as usize, min[j])
        } else {
            (0, 0.0)
        }
    })
}

/// [`most_negative_of`] elsewhere.
#[cfg(not(all(target_arch = "x86_64", target_feature = "avx")))]
#[inline(always)]
fn most_negative_of(c: &[f32; N]) -> (usize, f32) {
    most_negative_of_scalar(c)
}

/// [`most_negative_of`] without AVX, and the reference of the AVX version.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "avx"))))]
#[inline(never)]
fn most_negative_of_scalar(c: &[f32; N]) -> (usize, f32) {
    // Branch-free: the smallest contribution first (in four lanes, so that it compiles to
    // vector minimums; the minimum does not depend on the order), then its first position.
    // The bias is left out by starting from it as 0 (the fold starts from 0 anyway).
    let mut lanes = [0f32; 4];
    for (j, ch) in c.chunks_exact(4).enumerate() {
        let mut v: [f32; 4] = [ch[0], ch[1], ch[2], ch[3]];
        if j == 0 {
            v[0] = 0.0;
        }
        lanes = std::array::from_fn(|q| if v[q] < lanes[q] { v[q] } else { lanes[q] });
    }
    let min = c[N / 4 * 4..]
        .iter()
        .chain(&lanes)
        .fold(0f32, |m, &v| if v < m { v } else { m });
    if min < 0.0 {
        if let Some(k) = c[1..].iter().position(|&v| v == min) {
            return (k + 1, min);
        }
    }
    (0, 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The interleaved tree walk gives the score and every contribution, bit for bit,
        /// that the tree-by-tree walk gives: on feature vectors drawn around the shipped
        /// model's thresholds (either side, and on them) and anywhere.
        #[test]
        fn interleaved_walk_equals_tree_by_tree(
            picks in proptest::collection::vec((0usize..64, 0u8..4, -3.0f32..3.0), N),
            long_sentence in proptest::prelude::any::<bool>(),
        ) {
            let Some(m) = model() else { return Ok(()); };
            let thresholds: Vec<f32> = m.trees.iter().flat_map(|t| t.threshold[..SPLITS].to_vec()).collect();
            let mut x = [0f32; N];
            for (v, &(i, how, r)) in x.iter_mut().zip(&picks) {
                let t = thresholds[i % thresholds.len()];
                *v = match how {
                    0 => t,
                    1 => t + 1e-3,
                    2 => t - 1e-3,
                    _ => r,
                };
            }
            if !long_sentence {
                x[SENTENCE] = 0.0;
            }
            let (mut c1, mut c2) = ([0f32; N], [0f32; N]);
            let s1 = m.scored(&x, &mut c1);
            let s2 = m.scored_tree_by_tree(&x, &mut c2);
            proptest::prop_assert_eq!(s1.to_bits(), s2.to_bits());
            proptest::prop_assert_eq!(c1.map(f32::to_bits), c2.map(f32::to_bits));
        }
    }

    proptest::proptest! {
        /// A block of eight lines scored side by side gives every line the score and the
        /// blame, bit for bit, that scoring it alone gives: on feature vectors drawn on and
        /// around the shipped trees' thresholds (either side), anywhere, with ties and
        /// zeros of both signs among the contributions, and lines the trees judge or not.
        #[test]
        fn block_equals_line_by_line(
            picks in proptest::collection::vec((0usize..64, 0u8..7, -3.0f32..3.0), N * BLOCK),
            long_sentence in proptest::collection::vec(proptest::prelude::any::<bool>(), BLOCK),
        ) {
            let Some(m) = model() else { return Ok(()); };
            let thresholds: Vec<f32> = m.trees.iter().flat_map(|t| t.threshold[..SPLITS].to_vec()).collect();
            let mut x: Rows = [[0.0; BLOCK]; N];
            for (p, &(i, how, r)) in picks.iter().enumerate() {
                let t = thresholds[i % thresholds.len()];
                x[p % N][p / N] = match how {
                    0 => t,
                    1 => t + 1e-3,
                    2 => t - 1e-3,
                    3 => 0.0,
                    4 => -0.0,
                    _ => r,
                };
            }
            for (j, &long) in long_sentence.iter().enumerate() {
                if !long {
                    x[SENTENCE][j] = 0.0;
                }
            }
            let block = m.score_and_blame_rows(&x);
            let alone = m.score_and_blame_rows_scalar(&x);
            for (b, a) in block.iter().zip(&alone) {
                proptest::prop_assert_eq!(b.0.to_bits(), a.0.to_bits());
                proptest::prop_assert_eq!((b.1 .0, b.1 .1.to_bits()), (a.1 .0, a.1 .1.to_bits()));
            }
        }
    }

    /// Lines of many shapes for the block feature proptests: prose, menus, labels, figures,
    /// capitals, list items, separators, the site's voice, other scripts, empty of words.
    const SHAPES: [&str; 16] = [
        "Home",
        "News and more",
        "This is a long sentence that ends the way prose ends, with a period.",
        "Short one.",
        "MENU",
        "Posted: 12 March 2024",
        "1. First item of the list",
        "Home | About | Contact",
        "Subscribe to our newsletter and get your free guide today, we promise no spam.",
        "• Privacy Policy",
        "$175,000 +13.1% 3.5",
        "Die Regierung hat am Montag neue Regeln für den Handel mit Energie beschlossen.",
        "東京の天気は晴れです。",
        "--- | ---",
        "ALL CAPS HEADLINE HERE",
        "We use cookies to improve your experience on our site. Read our policy.",
    ];

    proptest::proptest! {
        /// The features of a block of lines computed feature-major equal, bit for bit, each
        /// line's [`features`]: documents of lines of many shapes, with and without a
        /// stopword language, corpus counts or none, any lines of them in a block.
        #[test]
        fn features_block_equals_features(
            doc in proptest::collection::vec((0usize..SHAPES.len(), 1u32..30), 1..40),
            picks in proptest::collection::vec(0usize..1000, 1..=BLOCK),
            has_lang in proptest::prelude::any::<bool>(),
            counted in proptest::prelude::any::<bool>(),
        ) {
            let lang = if has_lang { 1 } else { 0 };
            let lines: Vec<Line> = doc.iter().map(|&(k, _)| Line::new(1, SHAPES[k], lang)).collect();
            let prose: Vec<bool> = lines.iter().map(Line::is_prose).collect();
            let repeats: Vec<u32> = doc.iter().map(|&(_, r)| if counted { r } else { 1 }).collect();
            let ctx = DocContext::new(&lines, &repeats, &prose, has_lang);
            let at: Vec<usize> = picks.iter().map(|&p| p % lines.len()).collect();
            let mut rows: Rows = [[f32::NAN; BLOCK]; N];
            features_block(&ctx, &at, &mut rows);
            for (j, &i) in at.iter().enumerate() {
                let x = features(&ctx, i);
                for k in 0..N {
                    proptest::prop_assert_eq!(rows[k][j].to_bits(), x[k].to_bits(), "feature {} of line {}", FEATURES[k].0, i);
                }
            }
            // The block scorer over the rows equals the line-by-line scores.
            let Some(m) = model() else { return Ok(()); };
            let block = m.score_and_blame_rows(&rows);
            let alone = m.score_and_blame_rows_scalar(&rows);
            for (b, a) in block.iter().zip(&alone).take(at.len()) {
                proptest::prop_assert_eq!(b.0.to_bits(), a.0.to_bits());
                proptest::prop_assert_eq!((b.1 .0, b.1 .1.to_bits()), (a.1 .0, a.1 .1.to_bits()));
            }
        }
    }

    /// A contribution for the blame proptests: zeros of both signs, NaN, repeated values
    /// (ties) more often than chance would give them, else `r`.
    fn tricky_value(how: u8, r: f32) -> f32 {
        match how {
            0 => 0.0,
            1 => -0.0,
            2 => -1.5,
            3 => f32::NAN,
            4 | 5 => -2.5,
            _ => r,
        }
    }

    proptest::proptest! {
        /// The blame of each lane of a block equals the scalar one: ties (the first wins),
        /// the bias left out, zeros of both signs, NaN, and values anywhere.
        #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
        #[test]
        fn most_negative_block_equals_scalar(
            picks in proptest::collection::vec((0u8..8, -3f32..3.0), N * BLOCK),
        ) {
            let mut c = [[0f32; BLOCK]; N];
            for (p, &(how, r)) in picks.iter().enumerate() {
                c[p % N][p / N] = tricky_value(how, r);
            }
            let block = most_negative_block(&c.map(safe_arch::m256::from_array));
            for (j, b) in block.iter().enumerate() {
                let a = most_negative_of_scalar(&std::array::from_fn(|k| c[k][j]));
                proptest::prop_assert_eq!((b.0, b.1.to_bits()), (a.0, a.1.to_bits()));
            }
        }
    }

    proptest::proptest! {
        /// The AVX minimum and its position equal the scalar ones: ties (the first wins),
        /// the bias left out, zeros of both signs, NaN, and values anywhere.
        #[test]
        fn most_negative_avx_equals_scalar(
            picks in proptest::collection::vec((0u8..8, -3f32..3.0), N),
        ) {
            let mut c = [0f32; N];
            for (v, &(how, r)) in c.iter_mut().zip(&picks) {
                *v = tricky_value(how, r);
            }
            let (a, b) = (most_negative_of(&c), most_negative_of_scalar(&c));
            proptest::prop_assert_eq!((a.0, a.1.to_bits()), (b.0, b.1.to_bits()));
        }
    }

    #[test]
    fn ln1p_from_the_table_equals_ln_1p() {
        let t = ln1p_table();
        for x in (0..LN1P_TABLE as u32 + 600).chain([u32::MAX]) {
            assert_eq!(ln1p(t, x).to_bits(), (x as f32).ln_1p().to_bits(), "{x}");
        }
    }

    #[test]
    fn shipped_model_matches_features() {
        assert!(
            model().is_some(),
            "model.txt must name every feature and a threshold"
        );
    }

    /// The context arrays equal the window scans they replace.
    #[test]
    fn context_arrays_equal_window_scans() {
        let texts = [
            "Home",
            "News and more",
            "This is a long sentence that ends the way prose ends, with a period.",
            "Short one.",
            "Menu",
        ];
        let mut x = 12345u64;
        for round in 0..400 {
            let n = (x % 60) as usize;
            let mut doc = Vec::new();
            for _ in 0..n {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Half the documents have little prose, so that the nearest one is far.
                let k = (x % texts.len() as u64) as usize;
                doc.push(if round % 2 == 1 && k == 2 && !x.is_multiple_of(4) {
                    texts[0]
                } else {
                    texts[k]
                });
            }
            let lines: Vec<Line> = doc.iter().map(|t| Line::new(1, t, 0)).collect();
            let prose: Vec<bool> = lines.iter().map(Line::is_prose).collect();
            let ones = vec![1; n];
            let ctx = DocContext::new(&lines, &ones, &prose, false);
            for i in 0..n {
                let mut dist = u32::MAX;
                for (j, p) in prose.iter().enumerate().skip(i.saturating_sub(6)).take(13) {
                    if *p && j != i {
                        dist = dist.min(j.abs_diff(i) as u32);
                    }
                }
                let dist = if dist == u32::MAX { 7 } else { dist };
                assert_eq!(ctx.prose_dist[i], dist, "dist {i} of {doc:?}");
                let mut run = 0u32;
                if is_short_nonsentence(&lines[i]) {
                    run = 1;
                    let mut j = i;
                    while j > 0 && run < 20 && is_short_nonsentence(&lines[j - 1]) {
                        j -= 1;
                        run += 1;
                    }
                    let mut j = i + 1;
                    while j < n && run < 40 && is_short_nonsentence(&lines[j]) {
                        j += 1;
                        run += 1;
                    }
                }
                assert_eq!(ctx.short_run[i], run, "run {i} of {doc:?}");
            }
        }
    }

    /// Scoring a line alone and adding what repetition contributes gives the score and the
    /// blamed feature of the full feature vector with the corpus counts.
    #[test]
    fn repetition_added_afterwards_equals_full_features() {
        const _: () = assert!(REPEATED_LOG < REPEATED_3 && REPEATED_3 < REPEATED_X_SHORT);
        let m = model().expect("shipped model");
        let texts = [
            "Home",
            "Share this",
            "Follow us on Twitter and Facebook",
            "This is a long sentence that ends the way prose ends, with a period.",
            "Copyright 2024 Example Media",
        ];
        let lines: Vec<Line> = texts.iter().map(|t| Line::new(1, t, 0)).collect();
        let prose: Vec<bool> = lines.iter().map(Line::is_prose).collect();
        let ones = vec![1; lines.len()];
        let alone = DocContext::new(&lines, &ones, &prose, true);
        for rep in [1, 2, 3, 7, 40, 1000] {
            let reps = vec![rep; lines.len()];
            let full = DocContext::new(&lines, &reps, &prose, true);
            for (i, line) in lines.iter().enumerate() {
                let (xa, xf) = (features(&alone, i), features(&full, i));
                let short = is_short_nonsentence(line);
                let added = m.score(&xa) + m.repeat_terms(rep, short);
                assert!((added - m.score(&xf)).abs() < 1e-4, "{rep} {i}");
                let blamed = m.most_negative_with_repeats(m.most_negative(&xa), rep, short);
                let direct = m.most_negative(&xf);
                assert_eq!(blamed.0, direct.0, "{rep} {i}");
                assert!((blamed.1 - direct.1).abs() < 1e-6, "{rep} {i}");
            }
        }
    }

    /// A model text: every weight 0 but `log_words` 1, threshold 0.5, then `trees`.
    fn text_with(trees: &str) -> String {
        let mut t = String::new();
        for (name, _) in FEATURES {
            let w = if *name == "log_words" { 1.0 } else { 0.0 };
            t.push_str(&format!("{name} {w}\n"));
        }
        t.push_str("threshold 0.5\n");
        t.push_str(trees);
        t
    }

    /// One tree: position > 0.8 at the root, then caps_ratio; its left half padded with
    /// splits on `bias` (always left).
    const TREE: &str = "tree
split 0 position 0.8 0.1
split 1 bias 1 0.4
split 2 caps_ratio 0.5 -0.3
split 3 bias 1 0.4
split 4 bias 1 0.4
split 5 caps_ratio 0.9 0.2
split 6 bias 1 -0.6
leaf 7 0.4
leaf 8 0.4
leaf 9 0.4
leaf 10 0.4
leaf 11 0.2
leaf 12 0.2
leaf 13 -0.6
leaf 14 -0.6
";

    /// The score is the linear part plus the leaf reached; the contributions (Saabas) credit
    /// each split's change of node value to its feature and add up to the score.
    #[test]
    fn trees_score_and_attribute_along_the_path() {
        let m = parse(&text_with(TREE)).expect("model with a tree");
        let (pos, caps, words) = (
            feature_index("position"),
            feature_index("caps_ratio"),
            feature_index("log_words"),
        );
        let mut x = [0f32; N];
        x[0] = 1.0;
        x[words] = 2.0;
        // Early in the page: the left branch, padded down to leaf 7.
        x[pos] = 0.1;
        assert!((m.score(&x) - (2.0 - 0.5 + 0.4)).abs() < 1e-6);
        // Late in the page with many capitals: root (0.1) -> node 2 (-0.3: position -0.4) ->
        // node 6 (-0.6: caps_ratio -0.3) -> leaf 14 (-0.6: bias, 0).
        x[pos] = 0.9;
        x[caps] = 0.7;
        let score = m.score(&x);
        assert!((score - (2.0 - 0.5 - 0.6)).abs() < 1e-6, "{score}");
        let mut c = [0f32; N];
        let s = m.scored(&x, &mut c);
        assert!((c[pos] - (-0.3 - 0.1)).abs() < 1e-6, "{c:?}");
        assert!((c[caps] - (-0.6 + 0.3)).abs() < 1e-6, "{c:?}");
        assert!(
            (c[0] - 0.1).abs() < 1e-6,
            "the root value goes to the bias: {c:?}"
        );
        assert!((c.iter().sum::<f32>() - 0.5 - s).abs() < 1e-5);
        assert_eq!(m.most_negative(&x), (pos, c[pos]));
        assert_eq!(group(m.most_negative(&x).0), "model:position");
    }

    /// A tree may not read the repetition features (the score must stay "alone + repetition
    /// terms"), and every node of a tree must be given.
    #[test]
    fn trees_on_repetition_or_incomplete_are_refused() {
        assert!(parse(&text_with(
            &TREE.replace("caps_ratio 0.9", "repeated_log 0.9")
        ))
        .is_none());
        assert!(parse(&text_with(&TREE.replace("leaf 12 0.2\n", ""))).is_none());
        assert!(parse(&text_with(&TREE.replace("split 3 ", "split 9 "))).is_none());
        assert!(parse(&text_with("")).is_some_and(|m| m.trees.is_empty()));
    }

    fn measured(doc: &[&str]) -> (Vec<Line<'static>>, Vec<bool>) {
        let lines: Vec<Line<'static>> = doc
            .iter()
            .map(|t| Line::new(1, Box::leak(t.to_string().into_boxed_str()), 0))
            .collect();
        let prose = lines.iter().map(Line::is_prose).collect();
        (lines, prose)
    }

    /// The main body span is the article's paragraphs: a teaser paragraph after a block of
    /// links, or a newsletter box before the menu, stays outside; a short sentence next to the
    /// body (an answer of a FAQ) is inside. English, German, Spanish and Polish bodies.
    #[test]
    fn main_span_is_the_body_between_the_chrome() {
        let doc = [
            "Newsletter: Melden Sie sich jetzt an und erhalten Sie jede Woche die besten Geschichten.",
            "Home",
            "Nachrichten",
            "Sport",
            "Kultur",
            "Der Stadtrat hat am Donnerstag den neuen Haushalt für das kommende Jahr beschlossen.",
            "Die Opposition kritisierte vor allem die geplanten Kürzungen bei den Schulen der Stadt.",
            "Zwischenüberschrift",
            "El alcalde dijo que las obras del puerto empezarán en junio y durarán cuatro meses.",
            "Nie wiadomo jeszcze, ile będzie kosztować remont mostu nad rzeką w centrum miasta.",
            "Wann beginnen die Arbeiten?",
            "Related",
            "Other story one",
            "Other story two",
            "Other story three",
            "Another teaser paragraph that reads like prose but belongs to a different article.",
        ];
        let (lines, prose) = measured(&doc);
        assert_eq!(main_span(&lines, &prose), (5, 10));
        let ones = vec![1; lines.len()];
        let ctx = DocContext::new(&lines, &ones, &prose, true);
        let k = feature_index("outside_span");
        let x: Vec<[f32; N]> = (0..lines.len()).map(|i| features(&ctx, i)).collect();
        assert_eq!(x[0][k], 1.0, "newsletter box before the menu");
        assert_eq!(x[15][k], 1.0, "teaser after the related links");
        assert!(x[5..=10].iter().all(|x| x[k] == 0.0));
        assert!(x[15][feature_index("span_distance")] > x[11][feature_index("span_distance")]);
        // No prose: no span, every line outside it at no distance.
        let (lines, prose) = measured(&["Home", "Shop", "Linen Shirt", "€45"]);
        let (s0, s1) = main_span(&lines, &prose);
        assert!(s1 < s0);
        let ones = vec![1; lines.len()];
        let ctx = DocContext::new(&lines, &ones, &prose, true);
        assert_eq!(features(&ctx, 2)[feature_index("span_distance")], 0.0);
        assert_eq!(features(&ctx, 2)[k], 1.0);
    }

    /// A prose block runs over single short lines (a subheading) but not over two; lines
    /// that are not prose have none.
    #[test]
    fn prose_blocks_bridge_one_short_line() {
        let p1 = "Le conseil municipal a voté jeudi le nouveau budget pour l'année prochaine.";
        let p2 = "Rada miasta przyjęła w czwartek nowy budżet na przyszły rok po długiej debacie.";
        let doc = [p1, "Un sous-titre", p2, "Menu", "Kontakt", p1];
        let (lines, prose) = measured(&doc);
        let b = prose_blocks(&lines, &prose);
        let (w1, w2) = (lines[0].words, lines[2].words);
        assert_eq!(b, vec![w1 + w2, 0, w1 + w2, 0, 0, w1]);
    }

    /// A prose line's voice shares are its block's (a pitch of two paragraphs is judged as one
    /// text); other lines keep their own. English, French, German, Spanish; a news paragraph
    /// has none.
    #[test]
    fn voice_is_shared_over_the_prose_block() {
        let news = "Le conseil municipal a voté jeudi le nouveau budget pour l'année prochaine.";
        let pitch =
            "Abonnez-vous à notre newsletter gratuite et recevez nos offres chaque semaine.";
        let plug =
            "Melden Sie sich für unseren kostenlosen Newsletter an und erhalten Sie Angebote.";
        let doc = [
            news,
            "Menu",
            "Kontakt",
            pitch,
            plug,
            "Suscríbete a nuestro boletín",
        ];
        let (lines, prose) = measured(&doc);
        let ones = vec![1; lines.len()];
        let ctx = DocContext::new(&lines, &ones, &prose, true);
        let x: Vec<[f32; N]> = (0..lines.len()).map(|i| features(&ctx, i)).collect();
        let k = |name| feature_index(name);
        let (promo, block_promo, block_we) = (k("promo_ratio"), k("block_promo"), k("block_we"));
        assert!(x[0][k("promo_ratio")..=k("block_we")]
            .iter()
            .all(|&v| v == 0.0));
        // The pitch and the plug are one block: the same block shares, from both lines' words.
        assert_eq!(
            lines[3].voice,
            [4, 0, 0, 2],
            "abonnez-vous, newsletter, gratuite, offres; notre, nos"
        );
        assert_eq!(
            lines[4].voice,
            [3, 0, 0, 1],
            "kostenlosen, newsletter, angebote; unseren"
        );
        let words = (lines[3].words + lines[4].words) as f32;
        assert_eq!(x[3][block_promo], 7.0 / words);
        assert_eq!(x[4][block_promo], 7.0 / words);
        assert_eq!(x[4][block_we], 3.0 / words);
        assert!(x[3][promo] != x[4][promo]);
        // Not prose: its own shares (suscríbete, boletín; nuestro).
        assert_eq!(x[5][block_promo], 2.0 / 4.0);
        assert_eq!(x[5][block_we], 1.0 / 4.0);
        let en = measured(&["Sign up for our free trial: we send you a demo in your inbox."]).0;
        assert_eq!(
            en[0].voice,
            [5, 0, 2, 2],
            "sign, free, trial, demo, inbox; you, your; our, we"
        );
        let policy = measured(&["Wir verarbeiten personenbezogene Daten gemäß Gesetz."]).0;
        assert_eq!(policy[0].voice, [0, 3, 0, 1]);
    }

    /// The largest prose block runs from its first to its last prose line, over a subheading;
    /// a comment or a teaser after a menu is after it, a standfirst before the menu before
    /// it. French, Polish, Italian, English; no prose: no block, and the features are 0.
    #[test]
    fn largest_block_places_lines_before_and_after_the_body() {
        let p1 = "Le conseil municipal a voté jeudi le nouveau budget pour l'année prochaine.";
        let p2 = "Rada miasta przyjęła w czwartek nowy budżet na przyszły rok po długiej debacie.";
        let p3 = "Il sindaco ha detto che i lavori al porto inizieranno a giugno e dureranno mesi.";
        let teaser = "Great article, thanks for sharing it with us, I will send it to my friends.";
        let doc = [
            teaser,
            "Menu",
            "Kontakt",
            p1,
            "Un sous-titre",
            p2,
            p3,
            "Share",
            "Tweet",
            teaser,
        ];
        let (lines, prose) = measured(&doc);
        let b = prose_blocks(&lines, &prose);
        assert_eq!(largest_block_lines(&lines, &prose, &b), (3, 6));
        let ones = vec![1; lines.len()];
        let ctx = DocContext::new(&lines, &ones, &prose, true);
        let x: Vec<[f32; N]> = (0..lines.len()).map(|i| features(&ctx, i)).collect();
        let (before, after) = (
            feature_index("before_largest"),
            feature_index("after_largest"),
        );
        let (dist, prose_after) = (
            feature_index("largest_distance"),
            feature_index("prose_after_largest"),
        );
        assert_eq!((x[0][before], x[0][after]), (1.0, 0.0));
        assert!(x[3..=6]
            .iter()
            .all(|x| x[before] == 0.0 && x[after] == 0.0 && x[dist] == 0.0));
        assert_eq!(
            (x[7][after], x[7][prose_after]),
            (1.0, 0.0),
            "a share button"
        );
        assert_eq!((x[9][after], x[9][prose_after]), (1.0, 1.0), "a comment");
        assert!(x[9][dist] > x[7][dist]);
        // Two blocks of the same size: the first is the largest.
        let (lines, prose) = measured(&[p1, "Menu", "Kontakt", p1]);
        let b = prose_blocks(&lines, &prose);
        assert_eq!(largest_block_lines(&lines, &prose, &b), (0, 0));
        // No prose at all.
        let (lines, prose) = measured(&["Home", "Shop", "Linen Shirt", "€45"]);
        let b = prose_blocks(&lines, &prose);
        let (l0, l1) = largest_block_lines(&lines, &prose, &b);
        assert!(l1 < l0);
        let ctx = DocContext::new(&lines, &ones[..4], &prose, true);
        let x = features(&ctx, 2);
        assert!([before, after, dist, prose_after]
            .iter()
            .all(|&k| x[k] == 0.0));
    }

    #[test]
    fn list_markers() {
        assert!(list_marker("• item"));
        assert!(list_marker("3. Preheat"));
        assert!(!list_marker("2020 was a year"));
    }
}
