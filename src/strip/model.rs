//! The line model: logistic regression over a line's shape and its neighbours, trained on
//! wcxb-dev by `benches/train_strip.py` (cross-validated by domain) and shipped as data in
//! `model.txt` (`name weight` a line). It judges the lines the hand rules leave; each
//! decision is a sum of named contributions, so `thresh explain` can say which features
//! pushed a line out, and the removal is named after the group that pushed hardest.

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
];

/// Number of features.
pub const N: usize = FEATURES.len();

/// Per-document context a line's features read.
pub struct DocContext<'a> {
    pub lines: &'a [Line<'a>],
    /// Unrelated documents holding each line (1: none but this one).
    pub repeats: &'a [u32],
    /// Line is prose ([`Line::is_prose`]).
    pub prose: &'a [bool],
    /// Index of the first and last prose line.
    pub first_prose: Option<usize>,
    pub last_prose: Option<usize>,
    /// Share of the document's words in prose lines.
    pub prose_share: f32,
    /// Whether the document has a stopword language.
    pub has_lang: bool,
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
        DocContext {
            lines,
            repeats,
            prose,
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

fn ln1p(x: u32) -> f32 {
    (x as f32).ln_1p()
}

fn is_short_nonsentence(l: &Line) -> bool {
    l.words <= 3 && !l.sentence
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

/// The feature vector of line `i`.
pub fn features(ctx: &DocContext, i: usize) -> [f32; N] {
    let lines = ctx.lines;
    let l = &lines[i];
    let n = lines.len();
    let words = l.words.max(1) as f32;
    let prev = i.checked_sub(1).map(|j| &lines[j]);
    let next = lines.get(i + 1);
    let mut dist = u32::MAX;
    for (j, p) in ctx
        .prose
        .iter()
        .enumerate()
        .skip(i.saturating_sub(6))
        .take(13)
    {
        if *p && j != i {
            dist = dist.min(u32::try_from(j.abs_diff(i)).unwrap_or(u32::MAX));
        }
    }
    let dist = if dist == u32::MAX { 7 } else { dist };
    let mut run = 0u32;
    if is_short_nonsentence(l) {
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
    let rep = ctx.repeats.get(i).copied().unwrap_or(1).max(1);
    let short = is_short_nonsentence(l) as u8 as f32;
    let letters = l.letters.max(1) as f32;
    let before = ctx.first_prose.is_none_or(|f| i < f);
    let after = ctx.last_prose.is_none_or(|e| i > e);
    let title = l.words >= 2 && !l.sentence && l.caps * 10 >= l.words * 8;
    let chrome_words = l.words <= 6 && l.any_flags & (META | FORM | BYLINE | RELATIVE_TIME) != 0;
    let heads = l.words <= 15 && !l.sentence && next.is_some_and(Line::is_prose);
    let b = |x: bool| x as u8 as f32;
    [
        1.0,
        ln1p(l.words),
        b(l.sentence),
        if ctx.has_lang { l.stop_ratio() } else { 0.0 },
        b(!ctx.has_lang),
        l.caps as f32 / words,
        l.digits as f32 / (letters + l.digits as f32),
        l.symbols as f32 / l.chars.max(1) as f32,
        b(l.seps > 0),
        short,
        prev.map_or(0.0, |p| ln1p(p.words)),
        next.map_or(0.0, |p| ln1p(p.words)),
        b(i > 0 && ctx.prose[i - 1]),
        b(i + 1 < n && ctx.prose[i + 1]),
        ln1p(dist),
        ln1p(run),
        if n > 1 {
            i as f32 / (n - 1) as f32
        } else {
            0.0
        },
        b(before),
        b(after),
        ctx.prose_share,
        (rep as f32).ln(),
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
        (rep as f32).ln() * short,
        b(!before && !after),
    ]
}

/// Weights and threshold, parsed once from `model.txt`.
pub struct Model {
    pub weights: [f32; N],
    /// Lines scoring below this are removed.
    pub threshold: f32,
}

const MODEL_TXT: &str = include_str!("model.txt");

/// The shipped model; `None` when `model.txt` does not match [`FEATURES`] (then only the
/// hand rules run).
pub fn model() -> Option<&'static Model> {
    static M: OnceLock<Option<Model>> = OnceLock::new();
    M.get_or_init(|| parse(MODEL_TXT)).as_ref()
}

/// Parses `name value` lines; every feature must be present, plus `threshold`.
pub fn parse(text: &str) -> Option<Model> {
    let mut weights = [f32::NAN; N];
    let mut threshold = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, value) = line.split_once(char::is_whitespace)?;
        let v: f32 = value.trim().parse().ok()?;
        if name == "threshold" {
            threshold = Some(v);
        } else {
            let k = FEATURES.iter().position(|(f, _)| *f == name)?;
            weights[k] = v;
        }
    }
    if weights.iter().any(|w| w.is_nan()) {
        return None;
    }
    Some(Model {
        weights,
        threshold: threshold?,
    })
}

impl Model {
    /// The score (log-odds of content, minus the threshold) of a feature vector.
    pub fn score(&self, x: &[f32; N]) -> f32 {
        self.weights.iter().zip(x).map(|(w, x)| w * x).sum::<f32>() - self.threshold
    }

    /// The group of the feature that pushed the score down the most: the removal's name.
    pub fn blame(&self, x: &[f32; N]) -> &'static str {
        let mut best = ("model:bias", 0.0f32);
        for (k, (w, x)) in self.weights.iter().zip(x).enumerate().skip(1) {
            let c = w * x;
            if c < best.1 {
                best = (FEATURES[k].1, c);
            }
        }
        best.0
    }

    /// The named contributions of a feature vector, largest magnitude first.
    pub fn contributions(&self, x: &[f32; N]) -> Vec<(&'static str, f32)> {
        let mut v: Vec<(&'static str, f32)> = FEATURES
            .iter()
            .zip(self.weights.iter().zip(x))
            .map(|((name, _), (w, x))| (*name, w * x))
            .filter(|(_, c)| c.abs() > 0.05)
            .collect();
        v.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(b.0)));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_model_matches_features() {
        assert!(
            model().is_some(),
            "model.txt must name every feature and a threshold"
        );
    }

    #[test]
    fn list_markers() {
        assert!(list_marker("• item"));
        assert!(list_marker("3. Preheat"));
        assert!(!list_marker("2020 was a year"));
    }
}
