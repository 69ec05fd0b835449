//! The write stage: serializes kept documents to `clean.jsonl`, dropped ones to
//! `dropped.jsonl`, and the run's accounting to `report.json`. Each file is written under a
//! temporary name in the output folder and renamed once complete, so a killed run never
//! leaves a partial file under a final name.
//!
//! Field order is fixed by the record types in [`crate::doc`]; the README documents them.

use crate::doc::{hex64, CleanRecord, Doc, DroppedRecord, Reason, Rejection, Repairs};
use crate::error::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// File names inside the output folder.
pub const CLEAN: &str = "clean.jsonl";
pub const DROPPED: &str = "dropped.jsonl";
pub const REPORT: &str = "report.json";

/// One `clean.jsonl` line, with its newline.
pub fn clean_line(doc: &Doc) -> Vec<u8> {
    let rec = CleanRecord {
        id: &doc.id,
        source: &doc.source,
        text: &doc.text,
        simhash: hex64(doc.fingerprint.simhash),
        changes: &doc.changes,
        extra: &doc.extra,
    };
    line(&rec)
}

/// One `dropped.jsonl` line for a document that was read but not kept.
pub fn dropped_doc_line(
    doc: &Doc,
    reason: Reason,
    duplicate_of: Option<&str>,
    distance: Option<u32>,
    similarity: Option<f64>,
    detail: Option<&str>,
) -> Vec<u8> {
    line(&DroppedRecord {
        id: &doc.id,
        source: &doc.source,
        reason,
        duplicate_of,
        distance,
        similarity,
        detail,
    })
}

/// One `dropped.jsonl` line for an input that never became a document.
pub fn rejection_line(r: &Rejection) -> Vec<u8> {
    line(&DroppedRecord {
        id: &r.id,
        source: &r.source,
        reason: r.reason,
        duplicate_of: None,
        distance: None,
        similarity: None,
        detail: Some(&r.detail),
    })
}

fn line<T: Serialize>(rec: &T) -> Vec<u8> {
    // Serializing these records cannot fail: string keys, no maps with non-string keys.
    let mut v =
        serde_json::to_vec(rec).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}").into_bytes());
    v.push(b'\n');
    v
}

/// Counts for `report.json`. Everything but `timing` is identical across runs and threads.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub documents_in: u64,
    pub kept: u64,
    pub dropped: BTreeMap<&'static str, u64>,
    pub lines_stripped: BTreeMap<&'static str, u64>,
    pub documents_repaired: u64,
    pub repairs: Repairs,
    pub encodings: BTreeMap<&'static str, u64>,
    pub invalid_bytes: u64,
    /// Bytes read from the inputs (after decompression).
    pub bytes_in: u64,
    /// Bytes of clean text kept (the `text` fields of `clean.jsonl`).
    pub bytes_out: u64,
    pub duplicates: DuplicateStats,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
}

/// Cluster statistics of the dedup stage.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DuplicateStats {
    /// Clusters with more than one member.
    pub clusters: u64,
    /// Documents in the largest cluster.
    pub largest_cluster: u64,
    /// Cluster size → number of clusters of that size.
    pub cluster_sizes: BTreeMap<u64, u64>,
    /// Distance to the kept copy → number of dropped duplicates.
    pub distances: BTreeMap<u32, u64>,
    /// Estimated similarity to the kept copy, in steps of 0.05 (`"0.85"` counts 0.85 to
    /// 0.8999) → number of dropped duplicates.
    pub similarities: BTreeMap<String, u64>,
}

impl DuplicateStats {
    /// Counts one dropped duplicate.
    pub fn add(&mut self, distance: u32, similarity: f64) {
        *self.distances.entry(distance).or_default() += 1;
        let step = ((similarity * 20.0 + 1e-9).floor() / 20.0).clamp(0.0, 1.0);
        *self.similarities.entry(format!("{step:.2}")).or_default() += 1;
    }

    /// Counts the clusters from their sizes (kept copy included).
    pub fn set_clusters(&mut self, sizes: impl Iterator<Item = u64>) {
        for size in sizes {
            self.clusters += 1;
            self.largest_cluster = self.largest_cluster.max(size);
            *self.cluster_sizes.entry(size).or_default() += 1;
        }
    }
}

/// Wall-clock figures: the only part of the outputs that varies between runs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timing {
    pub wall_seconds: f64,
    pub threads: usize,
    /// Wall seconds per phase of the run, in run order: where a slow run spends its time.
    #[serde(serialize_with = "ordered_map")]
    pub phases: Vec<(&'static str, f64)>,
}

fn ordered_map<S: serde::Serializer>(v: &[(&'static str, f64)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(v.len()))?;
    for (k, x) in v {
        m.serialize_entry(k, x)?;
    }
    m.end()
}

impl Report {
    pub fn drop(&mut self, reason: Reason) {
        *self.dropped.entry(reason.as_str()).or_default() += 1;
    }
}

/// Writes a file atomically: temporary name in the same folder, then rename.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    w: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    pub fn create(dir: &Path, name: &str) -> Result<Self> {
        let dest = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let f = std::fs::File::create(&tmp).map_err(|source| Error::Output {
            path: tmp.clone(),
            source,
        })?;
        Ok(AtomicFile {
            tmp,
            dest,
            w: Some(std::io::BufWriter::with_capacity(1 << 20, f)),
        })
    }

    pub fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        let Some(w) = self.w.as_mut() else {
            return Ok(());
        };
        w.write_all(bytes).map_err(|source| Error::Output {
            path: self.tmp.clone(),
            source,
        })
    }

    /// Flushes and renames into place.
    pub fn commit(mut self) -> Result<()> {
        let Some(w) = self.w.take() else {
            return Ok(());
        };
        let f = w.into_inner().map_err(|e| Error::Output {
            path: self.tmp.clone(),
            source: e.into_error(),
        })?;
        drop(f);
        std::fs::rename(&self.tmp, &self.dest).map_err(|source| Error::Output {
            path: self.dest.clone(),
            source,
        })
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed (an error or a panic on the way): leave no temporary file behind.
        if self.w.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Creates the output folder, failing early when it cannot be written.
pub fn prepare_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Output {
        path: dir.to_path_buf(),
        source,
    })?;
    let probe = dir.join(format!(".thresh-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|source| Error::Output {
        path: dir.to_path_buf(),
        source,
    })?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Serializes the report (pretty, with a final newline).
pub fn report_bytes(report: &Report) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(report).unwrap_or_default();
    v.push(b'\n');
    v
}
