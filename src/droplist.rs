//! Drop lists: what `thresh dedup` decided over a set of signature files, one JSONL line per
//! dropped duplicate, applied by `thresh clean --drop-list`. Documents are matched by
//! `source` (input path plus `:<line>` for JSONL), which is unique within a run.
//!
//! Field order is fixed: `source`, `id`, `reason` (`exact_duplicate` or `near_duplicate`),
//! `duplicate_of` (id of the kept copy), `duplicate_of_source`, `distance`, `similarity`.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// One line of a drop list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DropRecord {
    pub source: String,
    pub id: String,
    pub reason: String,
    pub duplicate_of: String,
    pub duplicate_of_source: String,
    pub distance: u32,
    pub similarity: f64,
}

/// One drop-list line, with its newline.
pub fn line(rec: &DropRecord) -> Vec<u8> {
    let mut v = serde_json::to_vec(rec).unwrap_or_default();
    v.push(b'\n');
    v
}

/// Reads a drop list into a map by `source`.
pub fn read(path: &Path) -> Result<HashMap<String, DropRecord>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Input {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = HashMap::new();
    for (n, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let rec: DropRecord = serde_json::from_str(l).map_err(|e| Error::Format {
            path: path.to_path_buf(),
            detail: format!("line {}: not a drop-list record: {e}", n + 1),
        })?;
        if rec.reason != "exact_duplicate" && rec.reason != "near_duplicate" {
            return Err(Error::Format {
                path: path.to_path_buf(),
                detail: format!("line {}: unknown reason {:?}", n + 1, rec.reason),
            });
        }
        out.insert(rec.source.clone(), rec);
    }
    Ok(out)
}
