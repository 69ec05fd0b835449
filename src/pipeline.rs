//! Joins the stages: read → decode → repair → strip → fingerprint → dedup → write. The only
//! module that knows about rayon. Stateless stages run in parallel over documents and
//! `collect()` keeps input order; dedup, the barrier, runs once over all fingerprints in
//! input order; so the outputs are the same for every thread count.
//!
//! With `Config::repetition` (and strip on) a run makes one extra pass between repair and
//! strip: every document's line hashes are gathered in parallel, counted once per content
//! cluster (`strip::repetition`, a set computation, so the counts do not depend on order or
//! thread count), and strip then reads the counts. Without it each document is judged alone.
//!
//! Memory: the documents of a run are held until they are written (about the size of the
//! input text, plus fingerprints). For corpora larger than memory, shard the input and use
//! several runs.

use crate::config::Config;
use crate::dedup::{self, Entry};
use crate::doc::{Changes, Doc, Payload, RawDoc, Reason, Rejection};
use crate::error::{Error, Result};
use crate::read::{self, Source};
use crate::write::{self, AtomicFile, Report, Timing};
use crate::{decode, fingerprint, repair, strip};
use rayon::prelude::*;
use std::time::Instant;

/// What a run reports back to its caller (the binary prints it).
#[derive(Debug, Clone)]
pub struct Summary {
    pub report: Report,
    pub out_dir: std::path::PathBuf,
}

/// An input item after reading: a document, or the reason it cannot be one.
type Item = std::result::Result<RawDoc, Rejection>;

/// Something that hears about per-document problems as they happen (stderr, in the binary).
pub trait Messages: Sync {
    fn warn(&self, msg: &str);
    fn progress_total(&self, _n: u64) {}
    fn progress_inc(&self) {}
}

/// Messages go nowhere.
pub struct Silent;
impl Messages for Silent {
    fn warn(&self, _msg: &str) {}
}

/// Cleans the configured inputs into the output folder.
pub fn run(cfg: &Config, msgs: &dyn Messages) -> Result<Summary> {
    cfg.validate()?;
    write::prepare_dir(&cfg.out)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .build()
        .map_err(|e| Error::Threads(e.to_string()))?;
    let threads = pool.current_num_threads();
    let start = Instant::now();
    let mut summary = pool.install(|| run_in_pool(cfg, msgs))?;
    summary.report.timing = Some(Timing {
        wall_seconds: round_ms(start.elapsed().as_secs_f64()),
        threads,
    });
    let mut f = AtomicFile::create(&cfg.out, write::REPORT)?;
    f.write_all(&write::report_bytes(&summary.report))?;
    f.commit()?;
    Ok(summary)
}

fn round_ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

/// Reads every source (in parallel) into items in input order, and the bytes read.
fn read_all(cfg: &Config) -> (Vec<Item>, u64) {
    let (sources, bad) = read::expand(&cfg.inputs);
    let per_source: Vec<(u64, Vec<Item>)> =
        sources.par_iter().map(|s| read_source(s, cfg)).collect();
    let mut items = Vec::new();
    let mut bytes = 0;
    let mut bad = bad.into_iter().peekable();
    for (i, (n, its)) in per_source.into_iter().enumerate() {
        while let Some((_, r)) = bad.next_if(|(pos, _)| *pos <= i) {
            items.push(Err(r));
        }
        bytes += n;
        items.extend(its);
    }
    items.extend(bad.map(|(_, r)| Err(r)));
    (items, bytes)
}

fn read_source(src: &Source, cfg: &Config) -> (u64, Vec<Item>) {
    match read::load(src, cfg.format) {
        Err(r) => (0, vec![Err(r)]),
        Ok(l) if l.jsonl => {
            let lines: Vec<(usize, &[u8])> = read::jsonl_lines(&l.bytes).collect();
            let items = lines
                .par_iter()
                .map(|(n, line)| read::jsonl_doc(&l.name, *n, line, cfg))
                .collect();
            (l.bytes.len() as u64, items)
        }
        Ok(l) => (l.bytes.len() as u64, vec![Ok(read::text_doc(l))]),
    }
}

/// The stateless stages for one document, judged alone (no corpus repetition counts):
/// decode, repair, strip, fingerprint.
pub fn process(raw: RawDoc, cfg: &Config) -> std::result::Result<Doc, Rejection> {
    let mut doc = prepare(raw, cfg)?;
    finish(&mut doc, cfg, None);
    Ok(doc)
}

/// Decode and repair.
pub fn prepare(raw: RawDoc, cfg: &Config) -> std::result::Result<Doc, Rejection> {
    let decoded = match raw.payload {
        Payload::Bytes(b) => decode::decode(&b, &raw.source)?,
        Payload::Text(t) => decode::from_text(t),
    };
    let mut doc = Doc {
        id: raw.id,
        source: raw.source,
        text: decoded.text,
        extra: raw.extra,
        bytes_in: raw.bytes_in,
        changes: Changes {
            encoding: decoded.encoding,
            invalid_bytes: decoded.invalid,
            ..Changes::default()
        },
        fingerprint: Default::default(),
    };
    if cfg.repair {
        repair::apply(&mut doc, &repair::Options::default());
    }
    Ok(doc)
}

/// Strip (with the corpus counts, if any) and fingerprint.
pub fn finish(doc: &mut Doc, cfg: &Config, counts: Option<&strip::Counts>) {
    if cfg.strip {
        strip::apply(doc, counts);
    } else {
        strip::normalize_only(doc);
    }
    doc.fingerprint = fingerprint::fingerprint(&doc.text);
}

/// `thresh explain`: decodes and repairs one text file (`-`: standard input) and renders
/// strip's decision for each of its lines (see `strip::explain`). The document is judged
/// alone: no corpus repetition counts.
pub fn explain(path: &std::path::Path, color: bool) -> std::result::Result<String, Rejection> {
    let src = if path.as_os_str() == "-" {
        Source::Stdin
    } else {
        Source::File(path.to_path_buf())
    };
    let loaded = read::load(&src, crate::config::Format::Text)?;
    let doc = prepare(read::text_doc(loaded), &Config::default())?;
    Ok(strip::explain::render(&doc.text, None, color))
}

/// What became of one input.
enum Fate {
    Kept,
    Empty,
    Duplicate(dedup::Duplicate),
}

fn run_in_pool(cfg: &Config, msgs: &dyn Messages) -> Result<Summary> {
    let (items, bytes_in) = read_all(cfg);
    msgs.progress_total(items.len() as u64);
    let mut done: Vec<std::result::Result<Doc, Rejection>> = items
        .into_par_iter()
        .map(|it| it.and_then(|raw| prepare(raw, cfg)))
        .collect();

    // Corpus repetition counts: signatures in parallel, counted once (order-independent).
    let counts = (cfg.strip && cfg.repetition).then(|| {
        let sigs: Vec<strip::repetition::Signature> = done
            .par_iter()
            .map(|d| match d {
                Ok(doc) => strip::repetition::signature(&doc.text),
                Err(_) => Default::default(),
            })
            .collect();
        strip::Counts::build(&sigs)
    });
    done.par_iter_mut().for_each(|d| {
        if let Ok(doc) = d {
            finish(doc, cfg, counts.as_ref());
        }
        msgs.progress_inc();
    });

    // The barrier: dedup over all fingerprints, in input order.
    let entries: Vec<Option<Entry>> = done
        .iter()
        .map(|d| match d {
            Ok(doc) if !doc.text.is_empty() => Some(Entry {
                fp: doc.fingerprint,
                len: doc.text.len(),
            }),
            _ => None,
        })
        .collect();
    let dups = dedup::dedup(&entries, cfg.dedup, cfg.max_distance, cfg.keep);

    let mut report = Report {
        bytes_in,
        ..Report::default()
    };
    let fates: Vec<Option<Fate>> = done
        .iter()
        .zip(&dups)
        .map(|(d, dup)| match (d, dup) {
            (Err(_), _) => None,
            (Ok(doc), _) if doc.text.is_empty() => Some(Fate::Empty),
            (Ok(_), Some(x)) => Some(Fate::Duplicate(*x)),
            (Ok(_), None) => Some(Fate::Kept),
        })
        .collect();

    // Serialize in parallel, write in order.
    let lines: Vec<(bool, Vec<u8>)> = done
        .par_iter()
        .zip(fates.par_iter())
        .map(|(d, fate)| match (d, fate) {
            (Err(r), _) => (false, write::rejection_line(r)),
            (Ok(doc), Some(Fate::Kept)) | (Ok(doc), None) => (true, write::clean_line(doc)),
            (Ok(doc), Some(Fate::Empty)) => {
                let detail = format!("{} lines removed, no text left", doc.changes.lines_removed);
                (
                    false,
                    write::dropped_doc_line(
                        doc,
                        Reason::EmptyAfterCleaning,
                        None,
                        None,
                        Some(&detail),
                    ),
                )
            }
            (Ok(doc), Some(Fate::Duplicate(x))) => {
                let reason = if x.exact {
                    Reason::ExactDuplicate
                } else {
                    Reason::NearDuplicate
                };
                let of = done[x.of].as_ref().map(|k| k.id.as_str()).ok();
                (
                    false,
                    write::dropped_doc_line(doc, reason, of, Some(x.distance), None),
                )
            }
        })
        .collect();

    let mut clean = AtomicFile::create(&cfg.out, write::CLEAN)?;
    let mut dropped = AtomicFile::create(&cfg.out, write::DROPPED)?;
    let mut warned = 0usize;
    const MAX_WARNINGS: usize = 20;
    let mut cluster_size: std::collections::BTreeMap<usize, u64> = Default::default();
    for ((d, fate), (is_clean, bytes)) in done.iter().zip(&fates).zip(&lines) {
        report.documents_in += 1;
        if *is_clean {
            clean.write_all(bytes)?;
        } else {
            dropped.write_all(bytes)?;
        }
        match (d, fate) {
            (Err(r), _) => {
                report.drop(r.reason);
                if warned < MAX_WARNINGS {
                    msgs.warn(&format!("{}: {}", r.reason.as_str(), r.detail));
                }
                warned += 1;
            }
            (Ok(doc), fate) => {
                *report.encodings.entry(doc.changes.encoding).or_default() += 1;
                report.invalid_bytes += doc.changes.invalid_bytes;
                let r = &doc.changes.repairs;
                if r.any() {
                    report.documents_repaired += 1;
                }
                report.repairs.mojibake += r.mojibake;
                report.repairs.html_entities += r.html_entities;
                report.repairs.control_chars += r.control_chars;
                report.repairs.nfc += r.nfc;
                for rm in &doc.changes.removed {
                    *report.lines_stripped.entry(rm.rule).or_default() += 1;
                }
                match fate {
                    Some(Fate::Kept) | None => {
                        report.kept += 1;
                        report.bytes_out += doc.text.len() as u64;
                    }
                    Some(Fate::Empty) => report.drop(Reason::EmptyAfterCleaning),
                    Some(Fate::Duplicate(x)) => {
                        report.drop(if x.exact {
                            Reason::ExactDuplicate
                        } else {
                            Reason::NearDuplicate
                        });
                        *report.duplicates.distances.entry(x.distance).or_default() += 1;
                        *cluster_size.entry(x.of).or_insert(1) += 1;
                    }
                }
            }
        }
    }
    if warned > MAX_WARNINGS {
        msgs.warn(&format!(
            "… and {} more problems: see {}",
            warned - MAX_WARNINGS,
            cfg.out.join(write::DROPPED).display()
        ));
    }
    for size in cluster_size.values() {
        report.duplicates.clusters += 1;
        report.duplicates.largest_cluster = report.duplicates.largest_cluster.max(*size);
        *report.duplicates.cluster_sizes.entry(*size).or_default() += 1;
    }
    clean.commit()?;
    dropped.commit()?;
    Ok(Summary {
        report,
        out_dir: cfg.out.clone(),
    })
}
