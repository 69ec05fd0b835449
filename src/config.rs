//! Resolved configuration: every knob a run takes, validated once. The binary builds it from
//! the command line; library users build it directly or from JSON (`serde(default)`).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// How near-duplicates are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DedupMode {
    /// Exact duplicates (same normalized text) and near duplicates (SimHash distance).
    #[default]
    Near,
    /// Exact duplicates, and near duplicates found by MinHash LSH bands (`bands × rows`).
    Minhash,
    /// Exact duplicates only.
    Exact,
    /// Keep everything.
    Off,
}

/// How a near-duplicate candidate is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Verify {
    /// Exact Jaccard of the two documents' word 5-shingle sets (`min_jaccard`); the sets cost
    /// 4 bytes per shingle of every document.
    #[default]
    Exact,
    /// The 64-byte sketches' estimate (`min_similarity`); no sets kept.
    Sketch,
}

/// How verified near-duplicate pairs become clusters (see `dedup::cluster`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ClusterRule {
    /// Leader (star) clusters in keep order: a document is dropped only for a kept document
    /// it was verified against.
    #[default]
    Star,
    /// Connected components of the verified pairs (union-find): a chain A~B~C drops C for A
    /// even when A and C are not alike.
    Components,
}

/// How an input file is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `.jsonl`/`.ndjson` (after `.gz`/`.zst`) is JSONL, anything else one document a file;
    /// standard input is JSONL when its first non-blank byte is `{`.
    #[default]
    Auto,
    /// Every input is one document.
    Text,
    /// Every input holds one JSON object a line.
    Jsonl,
}

/// Which copy of a duplicate cluster is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum KeepRule {
    /// The first document in input order.
    #[default]
    First,
    /// The document with the longest clean text (ties: first in input order).
    Longest,
}

/// Everything a `clean` run needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Files, folders, or `-` for standard input.
    pub inputs: Vec<PathBuf>,
    /// Output folder for `clean.jsonl`, `dropped.jsonl`, `report.json`.
    pub out: PathBuf,
    /// Worker threads; 0 means all cores.
    pub threads: usize,
    pub format: Format,
    /// JSONL field holding the text.
    pub text_field: String,
    /// JSONL field holding the id.
    pub id_field: String,
    pub dedup: DedupMode,
    /// Largest SimHash Hamming distance of a near-duplicate candidate.
    pub max_distance: u32,
    /// How candidates are verified.
    pub verify: Verify,
    /// Least exact word 5-shingle Jaccard for a candidate to count as a near duplicate
    /// (`verify: exact`).
    pub min_jaccard: f64,
    /// Least estimated word 5-shingle Jaccard for a candidate to count as a near duplicate
    /// (`verify: sketch`).
    pub min_similarity: f64,
    /// MinHash LSH bands and rows per band (`dedup: minhash`).
    pub bands: usize,
    pub rows: usize,
    pub keep: KeepRule,
    /// How verified pairs become clusters.
    pub cluster: ClusterRule,
    /// Apply this drop list (written by `thresh dedup`) instead of deduplicating.
    pub drop_list: Option<PathBuf>,
    /// Run the repair stage.
    pub repair: bool,
    /// Run the strip stage.
    pub strip: bool,
    /// Strip lines that repeat across many unrelated documents (needs the whole corpus).
    pub repetition: bool,
    /// List each removed line in the output (`changes.removed`), not only counts per rule.
    pub removed_lines: bool,
    /// Silence progress and summary on stderr.
    pub quiet: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            inputs: Vec::new(),
            out: PathBuf::from("out"),
            threads: 0,
            format: Format::Auto,
            text_field: "text".into(),
            id_field: "id".into(),
            dedup: DedupMode::Near,
            max_distance: crate::dedup::DEFAULT_MAX_DISTANCE,
            verify: Verify::Exact,
            min_jaccard: crate::dedup::DEFAULT_MIN_JACCARD,
            min_similarity: crate::dedup::DEFAULT_MIN_SIMILARITY,
            bands: crate::dedup::DEFAULT_BANDS,
            rows: crate::dedup::DEFAULT_ROWS,
            keep: KeepRule::First,
            cluster: ClusterRule::Star,
            drop_list: None,
            repair: true,
            strip: true,
            repetition: true,
            removed_lines: false,
            quiet: false,
        }
    }
}

impl Config {
    /// The dedup stage's parameters.
    pub fn dedup_params(&self) -> crate::dedup::Params {
        crate::dedup::Params {
            mode: self.dedup,
            max_distance: self.max_distance,
            min_similarity: self.min_similarity,
            keep: self.keep,
        }
    }

    /// How dedup verifies candidates.
    pub fn dedup_check(&self) -> crate::dedup::Check {
        crate::dedup::Check {
            verify: self.verify,
            min_jaccard: self.min_jaccard,
            cluster: self.cluster,
        }
    }

    /// MinHash LSH shape when `dedup` is `minhash`.
    pub fn minhash(&self) -> Option<crate::fingerprint::MinHashParams> {
        (self.dedup == DedupMode::Minhash).then_some(crate::fingerprint::MinHashParams {
            bands: self.bands,
            rows: self.rows,
        })
    }

    /// Checks values that clap cannot; call once before a run.
    pub fn validate(&self) -> crate::Result<()> {
        if self.inputs.is_empty() {
            return Err(crate::Error::Config("no input given".into()));
        }
        if self.max_distance > crate::dedup::MAX_SUPPORTED_DISTANCE {
            return Err(crate::Error::Config(format!(
                "--max-distance {} is too large (at most {})",
                self.max_distance,
                crate::dedup::MAX_SUPPORTED_DISTANCE
            )));
        }
        if !(0.0..=1.0).contains(&self.min_jaccard) {
            return Err(crate::Error::Config(format!(
                "--min-jaccard {} is not between 0 and 1",
                self.min_jaccard
            )));
        }
        if !(0.0..=1.0).contains(&self.min_similarity) {
            return Err(crate::Error::Config(format!(
                "--min-similarity {} is not between 0 and 1",
                self.min_similarity
            )));
        }
        if self.bands == 0 || self.rows == 0 || self.bands * self.rows > 1024 {
            return Err(crate::Error::Config(format!(
                "--bands {} × --rows {} must be between 1 and 1024 hashes",
                self.bands, self.rows
            )));
        }
        if self.text_field.is_empty() || self.id_field.is_empty() {
            return Err(crate::Error::Config("field names must not be empty".into()));
        }
        Ok(())
    }
}
