//! Joins the stages: read → decode → repair → strip → fingerprint → dedup → write. The only
//! module that knows about rayon. Stateless stages run in parallel over documents and
//! `collect()` keeps input order; dedup, the barrier, runs once over all fingerprints in
//! input order; so the outputs are the same for every thread count.
//!
//! Also the two phases of sharded dedup: [`fingerprint_run`] (the stateless stages, one
//! signature file per input source) and [`dedup_run`] (the barrier over signature files).
//! Dedup's index tables run on the pool through [`dedup::dedup_with`]'s runner.
//!
//! With `Config::repetition` (and strip on) a run makes one extra pass between repair and
//! strip: every document's line hashes are gathered in parallel, counted once per content
//! cluster (`strip::repetition`, a set computation, so the counts do not depend on order or
//! thread count), and strip then reads the counts. Without it each document is judged alone.
//!
//! Memory: the documents of a run are held until they are written (about the size of the
//! input text, plus fingerprints: about 130 bytes a document and its word 5-shingle keys, 4
//! bytes per shingle, roughly 4 bytes per word or 0.7 × the clean text). For corpora
//! larger than memory, shard the input and use several runs. They are freed on a detached
//! thread once the outputs are committed (`free_in_background`), not on the run's path.

use crate::config::Config;
use crate::dedup::{self, Entry};
use crate::doc::{Changes, Doc, Fingerprint, Payload, RawDoc, Reason, Rejection};
use crate::droplist::{self, DropRecord};
use crate::error::{Error, Result};
use crate::read::{self, Source};
use crate::signature::{self, Record, Shard};
use crate::write::{self, AtomicFile, Report, Timing};
use crate::{decode, fingerprint, repair, strip};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What a run reports back to its caller (the binary prints it).
#[derive(Debug, Clone)]
pub struct Summary {
    pub report: Report,
    pub out_dir: std::path::PathBuf,
    pub phases: Phases,
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
    let pool = pool(cfg.threads, true)?;
    let threads = pool.current_num_threads();
    let start = Instant::now();
    let mut summary = pool.install(|| run_in_pool(cfg, msgs))?;
    let phases = summary.phases.laps.clone();
    summary.report.timing = Some(Timing {
        wall_seconds: round_ms(start.elapsed().as_secs_f64()),
        threads,
        phases,
    });
    let mut f = AtomicFile::create(&cfg.out, write::REPORT)?;
    f.write_all(&write::report_bytes(&summary.report))?;
    f.commit()?;
    Ok(summary)
}

fn round_ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

/// Reads every input (in parallel) and maps each item through `f` on the way (the caller
/// decodes and repairs there, while the JSON line it came from is still in cache): the
/// results in input order, and the bytes read.
fn read_all<T: Send>(cfg: &Config, f: &(dyn Fn(Item) -> T + Sync)) -> (Vec<T>, u64) {
    let (sources, bad) = read::expand(&cfg.inputs);
    let per_source: Vec<(u64, Vec<T>)> =
        sources.par_iter().map(|s| read_source(s, cfg, f)).collect();
    let mut items = Vec::new();
    let mut bytes = 0;
    let mut bad = bad.into_iter().peekable();
    for (i, (n, its)) in per_source.into_iter().enumerate() {
        while let Some((_, r)) = bad.next_if(|(pos, _)| *pos <= i) {
            items.push(f(Err(r)));
        }
        bytes += n;
        // One source (the usual case): its list is the run's, not copied into another.
        if items.is_empty() {
            items = its;
        } else {
            items.extend(its);
        }
    }
    items.extend(bad.map(|(_, r)| f(Err(r))));
    (items, bytes)
}

fn read_source<T: Send>(
    src: &Source,
    cfg: &Config,
    f: &(dyn Fn(Item) -> T + Sync),
) -> (u64, Vec<T>) {
    // A plain JSONL file: each chunk is parsed (in parallel) while the next one is read.
    if let Some(chunks) = read::JsonlChunks::open(src, cfg.format) {
        let mut chunks = match chunks {
            Ok(c) => c,
            Err(r) => return (0, vec![f(Err(r))]),
        };
        let mut items = Vec::new();
        let size = chunks.size_hint();
        let mut next = chunks.next_chunk();
        loop {
            let (first, bytes) = match next {
                Ok(Some(c)) => c,
                Ok(None) => break,
                // As when the file is read whole: a file that cannot be read is one rejection.
                Err(r) => return (0, vec![f(Err(r))]),
            };
            let name = &chunks.name.clone();
            let items = &mut items;
            let ((), following) = rayon::join(
                || {
                    let lines: Vec<(usize, &[u8])> = read::jsonl_lines(&bytes).collect();
                    if items.is_empty() {
                        items.reserve(expected_items(lines.len(), bytes.len(), size));
                    }
                    // Parsed straight into `items` (an indexed iterator: no list per chunk).
                    items.par_extend(
                        lines
                            .par_iter()
                            .map(|(n, line)| f(read::jsonl_doc(name, first - 1 + n, line, cfg))),
                    );
                },
                || chunks.next_chunk(),
            );
            chunks.recycle(bytes);
            next = following;
        }
        return (chunks.bytes, items);
    }
    match read::load(src, cfg.format) {
        Err(r) => (0, vec![f(Err(r))]),
        Ok(l) if l.jsonl => {
            let lines: Vec<(usize, &[u8])> = read::jsonl_lines(&l.bytes).collect();
            let items = lines
                .par_iter()
                .map(|(n, line)| f(read::jsonl_doc(&l.name, *n, line, cfg)))
                .collect();
            (l.bytes.len() as u64, items)
        }
        Ok(l) => (l.bytes.len() as u64, vec![f(Ok(read::text_doc(l)))]),
    }
}

/// Room for a JSONL file's items, estimated from its first chunk (`first` lines in
/// `first_bytes` bytes) and its size: one allocation for the list of documents instead of
/// doubling it (each doubling copies every document record so far into fresh, page-faulted
/// memory). An eighth more, so that a file whose later lines are a little shorter still
/// fits; capacity past the end is never written, so it costs no memory.
fn expected_items(first: usize, first_bytes: usize, size: u64) -> usize {
    if first_bytes == 0 {
        return first;
    }
    let est = (first as u128 * u128::from(size)).div_ceil(first_bytes as u128);
    usize::try_from(est + est / 8).unwrap_or(first).max(first)
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
    let opts = repair::Options::default();
    // Most texts need no repair: a quick proof of that skips the gate's slower walk.
    if cfg.repair && !repair::untouched(&doc.text, &opts) {
        repair::apply(&mut doc, &opts);
    }
    Ok(doc)
}

/// Strip (with the corpus counts, if any) and fingerprint.
pub fn finish(doc: &mut Doc, cfg: &Config, counts: Option<&strip::Counts>) {
    if cfg.strip {
        let m = strip::measure(&doc.text);
        let repeats = counts.and_then(|c| strip::repeats(&m, c));
        let verdicts = strip::judge(&m, repeats.as_deref());
        let (words, len) = strip::kept_words(&m, &verdicts);
        let fp = fingerprint::fingerprint_words(&words, len, cfg.minhash());
        let r = strip::render(&m.lines, &verdicts, cfg.removed_lines);
        drop(m);
        strip::set(doc, r);
        doc.fingerprint = fp;
    } else {
        strip::normalize_only(doc);
        doc.fingerprint = fingerprint::fingerprint_with(&doc.text, cfg.minhash());
    }
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
    Duplicate(Dup),
}

/// A dropped duplicate, from this run's dedup or from a drop list.
struct Dup {
    exact: bool,
    of_id: String,
    /// Source of the kept copy: names its cluster.
    of_source: String,
    distance: u32,
    similarity: f64,
}

/// Runs dedup's table jobs on the rayon pool.
fn par_tables(n: usize, job: &(dyn Fn(usize) -> Vec<(u32, u32)> + Sync)) -> Vec<Vec<(u32, u32)>> {
    (0..n).into_par_iter().map(job).collect()
}

fn par_buckets(n: usize, job: &(dyn Fn(usize) -> Vec<(u64, u32)> + Sync)) -> Vec<Vec<(u64, u32)>> {
    (0..n).into_par_iter().map(job).collect()
}

/// The dedup entry of a processed document (`None`: it takes no part).
fn entry(doc: &Doc) -> Option<Entry> {
    (!doc.text.is_empty()).then_some(Entry {
        simhash: doc.fingerprint.simhash,
        exact: doc.fingerprint.exact,
        sketch: doc.fingerprint.sketch,
        len: doc.fingerprint.len,
    })
}

/// Says so when the SimHash index at this distance will be slow for this many documents
/// (an estimated 6·10¹⁰ instructions: about a minute on two cores).
fn warn_slow_index(n: usize, k: u32, msgs: &dyn Messages) {
    let cost = dedup::NearIndex::new(n, k).cost(n);
    if cost > 6e10 {
        msgs.warn(&format!(
            "near-duplicate search over {n} documents at --max-distance {k} takes an estimated \
             {cost:.0e} steps and may take long; --dedup minhash or a smaller --max-distance is \
             faster"
        ));
    }
}

/// What becomes of each input (`None`: rejected): empty, kept, or a duplicate by this run's
/// dedup or from the drop list.
fn fates(
    cfg: &Config,
    done: &[std::result::Result<Doc, Rejection>],
    msgs: &dyn Messages,
) -> Result<Vec<Option<Fate>>> {
    let fate = |d: &std::result::Result<Doc, Rejection>, dup: Option<Dup>| match (d, dup) {
        (Err(_), _) => None,
        (Ok(doc), _) if doc.text.is_empty() => Some(Fate::Empty),
        (Ok(_), Some(x)) => Some(Fate::Duplicate(x)),
        (Ok(_), None) => Some(Fate::Kept),
    };
    if let Some(path) = &cfg.drop_list {
        let drops = droplist::read(path)?;
        let dups: Vec<Option<Dup>> = done
            .iter()
            .map(|d| {
                let doc = d.as_ref().ok()?;
                let r = drops.get(&doc.source)?;
                Some(Dup {
                    exact: r.reason == "exact_duplicate",
                    of_id: r.duplicate_of.clone(),
                    of_source: r.duplicate_of_source.clone(),
                    distance: r.distance,
                    similarity: r.similarity,
                })
            })
            .collect();
        if !drops.is_empty() && dups.iter().all(Option::is_none) {
            // Applying a list shard by shard leaves most entries unmatched; none at all
            // usually means the inputs were named differently (./a.jsonl vs a.jsonl).
            msgs.warn(&format!(
                "none of the {} documents in {} is among these inputs: name the inputs as \
                 they were named to `thresh fingerprint` (sources are matched as written)",
                drops.len(),
                path.display()
            ));
        }
        return Ok(done.par_iter().zip(dups).map(|(d, x)| fate(d, x)).collect());
    }
    // In parallel, as the other serial steps around dedup: each of these takes about 0.3–1 ms
    // on 20,000 documents (each document's record read from memory), on one core while the
    // other idles.
    let entries: Vec<Option<Entry>> = done
        .par_iter()
        .map(|d| d.as_ref().ok().and_then(entry))
        .collect();
    let per_doc = cfg.minhash().map_or(0, |p| p.bands);
    let mut hashes: Vec<u32> = Vec::new();
    if per_doc > 0 {
        for d in done {
            let b = d.as_ref().map_or(&[][..], |d| &d.fingerprint.bands[..]);
            hashes.extend((0..per_doc).map(|x| b.get(x).copied().unwrap_or(u32::MAX)));
        }
    }
    let bands = dedup::Bands {
        per_doc,
        hashes: &hashes,
    };
    if cfg.dedup == crate::config::DedupMode::Near {
        warn_slow_index(entries.iter().flatten().count(), cfg.max_distance, msgs);
    }
    let sets: Vec<&[u32]> = done
        .par_iter()
        .map(|d| d.as_ref().map_or(&[][..], |d| &d.fingerprint.shingles[..]))
        .collect();
    let clusters = dedup::clusters(
        &entries,
        bands,
        dedup::Sets(&sets),
        &cfg.dedup_params(),
        &cfg.dedup_check(),
        &par_tables,
    );
    // Each document's record and fate in one parallel pass.
    Ok(done
        .par_iter()
        .enumerate()
        .map(|(i, d)| {
            let dup = clusters.duplicate(&entries, i).and_then(|x| {
                let kept = done[x.of].as_ref().ok()?;
                Some(Dup {
                    exact: x.exact,
                    of_id: kept.id.clone(),
                    of_source: kept.source.clone(),
                    distance: x.distance,
                    similarity: x.similarity,
                })
            });
            fate(d, dup)
        })
        .collect())
}

/// A document after strip's first pass: read once, judged alone, fingerprinted.
struct Judged<'a> {
    m: strip::Measured<'a>,
    /// The verdicts judged alone, kept when they are final (no repetition pass).
    alone: Option<Vec<strip::Verdict>>,
    fp: Fingerprint,
    sig: Option<strip::repetition::Signature>,
}

/// Wall time per phase of a run.
#[derive(Debug, Clone)]
pub struct Phases {
    last: Instant,
    pub laps: Vec<(&'static str, f64)>,
}

impl Default for Phases {
    fn default() -> Self {
        Phases {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }
}

impl Phases {
    /// Ends the phase `name` now.
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps
            .push((name, round_ms((now - self.last).as_secs_f64())));
        self.last = now;
    }
}

fn run_in_pool(cfg: &Config, msgs: &dyn Messages) -> Result<Summary> {
    let mut phases = Phases::default();
    // Without strip nothing waits for the whole corpus before the fingerprint: each document
    // is finished (layout normalization, fingerprint) as soon as it is repaired, in the same
    // parallel pass as reading, while its text is still in cache.
    let prepare_and_finish = |it: Item| {
        it.and_then(|raw| prepare(raw, cfg)).map(|mut doc| {
            if !cfg.strip {
                finish(&mut doc, cfg, None);
            }
            doc
        })
    };
    let ((mut done, bytes_in), ()) = rayon::join(
        || read_all(cfg, &prepare_and_finish),
        || {
            if cfg.strip {
                strip::warm_up();
            }
        },
    );
    phases.lap("read_decode_repair");
    msgs.progress_total(done.len() as u64);

    // Strip reads each document once (measure: lines, words, line rules, the model's alone
    // scores); the fingerprint comes from the text the document keeps judged alone (plus the
    // lines the model removed with little confidence, see `strip::FINGERPRINT_MARGIN`), so that
    // it does not depend on the rest of the corpus: `thresh fingerprint` on one shard
    // computes the same one, and two-phase dedup equals a single run.
    if cfg.strip {
        let repetition = cfg.repetition;
        let minhash = cfg.minhash();
        let measured: Vec<Option<Judged>> = done
            .par_iter()
            .map(|d| {
                d.as_ref().ok().map(|doc| {
                    let mut m = strip::measure(&doc.text);
                    let alone = strip::judge(&m, None);
                    let (words, len) = strip::kept_words(&m, &alone);
                    let fp = fingerprint::fingerprint_words(&words, len, minhash);
                    // Corpus repetition: signatures in parallel, counted once below
                    // (order-independent).
                    let sig = repetition.then(|| strip::repetition::signature_of(&m));
                    m.words = Vec::new();
                    Judged {
                        m,
                        alone: (!repetition).then_some(alone),
                        fp,
                        sig,
                    }
                })
            })
            .collect();
        phases.lap("strip_measure");
        let counts = repetition.then(|| {
            let sigs: Vec<&strip::repetition::Signature> = measured
                .iter()
                .filter_map(|m| m.as_ref().and_then(|m| m.sig.as_ref()))
                .collect();
            strip::Counts::build_with(&sigs, &par_buckets, &par_tables)
        });
        phases.lap("repetition_counts");
        let detail = cfg.removed_lines;
        let outcomes: Vec<Option<(strip::Rendered, Fingerprint)>> = measured
            .into_par_iter()
            .map(|m| {
                m.map(|Judged { m, alone, fp, .. }| {
                    // Judged again with the corpus counts (keeping every document's verdicts
                    // alone until here instead would hold 40 bytes a line of the corpus).
                    let verdicts = match (alone, &counts) {
                        (Some(v), _) => v,
                        (None, Some(c)) => strip::judge(&m, strip::repeats(&m, c).as_deref()),
                        (None, None) => strip::judge(&m, None),
                    };
                    let r = strip::render(&m.lines, &verdicts, detail);
                    msgs.progress_inc();
                    (r, fp)
                })
            })
            .collect();
        done.par_iter_mut()
            .zip(outcomes)
            .for_each(|(d, o)| match (d, o) {
                (Ok(doc), Some((r, fp))) => {
                    strip::set(doc, r);
                    doc.fingerprint = fp;
                }
                _ => msgs.progress_inc(),
            });
    } else {
        // Finished while reading (above).
        for _ in &done {
            msgs.progress_inc();
        }
    }

    phases.lap("strip_judge");
    // The barrier: dedup over all fingerprints, in input order.
    let fates = fates(cfg, &done, msgs)?;
    phases.lap("dedup");

    let mut report = Report {
        bytes_in,
        ..Report::default()
    };

    // Serialize in parallel and write in order, a group of documents at a time (`in_order`
    // below): later groups are serialized while earlier ones are written, and at most
    // `AHEAD` groups' output is held in memory.
    // A document's line goes to the end of `clean` or of `dropped`.
    let serialize = |d: &std::result::Result<Doc, Rejection>,
                     fate: &Option<Fate>,
                     clean: &mut Vec<u8>,
                     dropped: &mut Vec<u8>| {
        match (d, fate) {
            (Err(r), _) => dropped.extend_from_slice(&write::rejection_line(r)),
            (Ok(doc), Some(Fate::Kept)) | (Ok(doc), None) => write::clean_line_into(clean, doc),
            (Ok(doc), Some(Fate::Empty)) => {
                let detail = format!("{} lines removed, no text left", doc.changes.lines_removed);
                dropped.extend_from_slice(&write::dropped_doc_line(
                    doc,
                    Reason::EmptyAfterCleaning,
                    None,
                    None,
                    None,
                    Some(&detail),
                ));
            }
            (Ok(doc), Some(Fate::Duplicate(x))) => {
                let reason = if x.exact {
                    Reason::ExactDuplicate
                } else {
                    Reason::NearDuplicate
                };
                dropped.extend_from_slice(&write::dropped_doc_line(
                    doc,
                    reason,
                    Some(&x.of_id),
                    Some(x.distance),
                    Some(x.similarity),
                    None,
                ));
            }
        }
    };
    let mut clean = AtomicFile::create(&cfg.out, write::CLEAN)?;
    let mut dropped = AtomicFile::create(&cfg.out, write::DROPPED)?;
    let mut warned = 0usize;
    const MAX_WARNINGS: usize = 20;
    // Documents serialized into one pair of buffers: a buffer (sized once) per group instead
    // of one per document, fewer and larger writes, and fewer buffers freed by the writing
    // thread that another thread allocated (glibc locks the other thread's arena each time).
    const GROUP: usize = 64;
    // Groups serialized ahead of the one written next, at most: about 1,000 documents'
    // output held at once (peak memory; as the two 512-document chunks before).
    const AHEAD: usize = 16;
    let mut cluster_size: std::collections::BTreeMap<&str, u64> = Default::default();
    let mut stripped: Vec<(&'static str, u64)> = Vec::new();
    // (Freeing each document's text here, on the thread that serialized it, was slower at
    // two threads: glibc's arenas take a lock when a thread frees another thread's memory.)
    let ser_group = |g: usize| -> (Vec<u8>, Vec<u8>) {
        let r = g * GROUP..((g + 1) * GROUP).min(done.len());
        let (docs, fates) = (&done[r.clone()], &fates[r]);
        let room = docs
            .iter()
            .zip(fates)
            .map(|(d, f)| match (d, f) {
                (Ok(doc), Some(Fate::Kept) | None) => write::clean_line_room(doc),
                _ => 0,
            })
            .sum();
        let (mut clean, mut dropped) = (Vec::with_capacity(room), Vec::new());
        for (x, (d, fate)) in docs.iter().zip(fates).enumerate() {
            // The next kept text is fetched while this one is written: the texts are
            // cold by now (45 MB on the dedup corpus, beyond L3).
            if let Some((Ok(next), Some(Fate::Kept) | None)) = docs.get(x + 1).zip(fates.get(x + 1))
            {
                crate::prefetch(next.text.as_bytes());
                crate::prefetch(&next.id.as_bytes()[..next.id.len().min(1)]);
                crate::prefetch(&next.source.as_bytes()[..next.source.len().min(1)]);
            }
            serialize(d, fate, &mut clean, &mut dropped);
        }
        (clean, dropped)
    };
    // Written and tallied in input order, a group at a time, by whichever worker finds the
    // next group ready (see `in_order`): no worker waits for the others between groups.
    let mut write_group = |g: usize, (c, d): (Vec<u8>, Vec<u8>)| -> Result<()> {
        clean.write_all(&c)?;
        dropped.write_all(&d)?;
        let r = g * GROUP..((g + 1) * GROUP).min(done.len());
        for (d, fate) in done[r.clone()].iter().zip(&fates[r]) {
            report.documents_in += 1;
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
                    for (&rule, &k) in &doc.changes.removed_by {
                        match stripped.iter_mut().find(|(r, _)| *r == rule) {
                            Some((_, n)) => *n += u64::from(k),
                            None => stripped.push((rule, u64::from(k))),
                        }
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
                            report.duplicates.add(x.distance, x.similarity);
                            *cluster_size.entry(x.of_source.as_str()).or_insert(1) += 1;
                        }
                    }
                }
            }
        }
        Ok(())
    };
    in_order(
        done.len().div_ceil(GROUP),
        AHEAD,
        &ser_group,
        &mut write_group,
    )?;
    for (rule, n) in stripped {
        *report.lines_stripped.entry(rule).or_default() += n;
    }
    phases.lap("serialize_write");
    if warned > MAX_WARNINGS {
        msgs.warn(&format!(
            "… and {} more problems: see {}",
            warned - MAX_WARNINGS,
            cfg.out.join(write::DROPPED).display()
        ));
    }
    report
        .duplicates
        .set_clusters(cluster_size.values().copied());
    clean.commit()?;
    dropped.commit()?;
    phases.lap("commit");
    free_in_background((done, fates));
    Ok(Summary {
        report,
        out_dir: cfg.out.clone(),
        phases,
    })
}

/// Runs `produce(g)` for every `g` in `0..n` on every worker of the current pool and hands
/// each result to `consume(g, _)` in rising order of `g`, one call at a time.
///
/// Workers take the next `g` from a shared counter (so results come in nearly in order)
/// and at most `ahead` positions past the one consumed next (memory stays bounded). The
/// worker whose result is the next to consume, when no one is consuming, consumes it and
/// every following one that is ready, then goes back to producing. So no worker waits for
/// another between items: with a `rayon::join` per chunk of items (serialize chunk k + 1
/// while chunk k is written), both workers met at every chunk's end, one idle while the other
/// finished its last group, and each meeting put a thread to sleep and woke it again.
/// The first error from `consume` stops the run and is returned.
fn in_order<T: Send>(
    n: usize,
    ahead: usize,
    produce: &(dyn Fn(usize) -> T + Sync),
    consume: &mut (dyn FnMut(usize, T) -> Result<()> + Send),
) -> Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex, PoisonError};
    struct Queue<T> {
        /// Results from position `next` on, `None` where not produced yet.
        ready: std::collections::VecDeque<Option<T>>,
        /// The next position to consume.
        next: usize,
        /// A worker is consuming (only one at a time).
        consuming: bool,
        failed: Option<Error>,
    }
    let ahead = ahead.max(1);
    let claim = AtomicUsize::new(0);
    let queue = Mutex::new(Queue {
        ready: std::collections::VecDeque::new(),
        next: 0,
        consuming: false,
        failed: None,
    });
    // Signalled whenever `next` moves (or the run fails): workers wait on it when they are
    // `ahead` positions past it.
    let moved = Condvar::new();
    let consume = Mutex::new(consume);
    let work = || loop {
        let g = claim.fetch_add(1, Ordering::Relaxed);
        if g >= n {
            return;
        }
        {
            // The worker holding position `next` never waits here (g == next < next +
            // ahead), so `next` keeps moving while others wait.
            let mut q = queue.lock().unwrap_or_else(PoisonError::into_inner);
            while g >= q.next + ahead && q.failed.is_none() {
                q = moved.wait(q).unwrap_or_else(PoisonError::into_inner);
            }
            if q.failed.is_some() {
                return;
            }
        }
        let item = produce(g);
        let mut q = queue.lock().unwrap_or_else(PoisonError::into_inner);
        if q.failed.is_some() {
            return;
        }
        let slot = g - q.next;
        if q.ready.len() <= slot {
            q.ready.resize_with(slot + 1, || None);
        }
        q.ready[slot] = Some(item);
        if q.consuming {
            continue;
        }
        q.consuming = true;
        let mut c = consume.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(item) = q.ready.front_mut().and_then(Option::take) {
            q.ready.pop_front();
            let at = q.next;
            q.next += 1;
            drop(q);
            moved.notify_all();
            let r = c(at, item);
            q = queue.lock().unwrap_or_else(PoisonError::into_inner);
            if let Err(e) = r {
                q.failed = Some(e);
                moved.notify_all();
                return;
            }
        }
        q.consuming = false;
    };
    rayon::scope(|s| {
        for _ in 1..rayon::current_num_threads() {
            s.spawn(|_| work());
        }
        work();
    });
    let q = queue.into_inner().unwrap_or_else(PoisonError::into_inner);
    match q.failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Drops `x` on a thread of its own, which nobody waits for.
///
/// At the end of a run every document (text, shingle set, strings of its record) is freed
/// one allocation at a time: 20,000 documents, 48 MB of JSONL, took 15–20 ms of a 0.2 s run
/// (`thresh clean --no-strip`, 2 threads), on one thread, after the last output was written,
/// with nothing left to overlap it. Handed to a detached thread, the freeing overlaps the
/// report and the caller's own work; when the caller is the binary, the process usually exits
/// first and the kernel takes the memory back whole. If no thread can be started, `x` is
/// dropped here, as before.
fn free_in_background<T: Send + 'static>(x: T) {
    // On failure to start the thread, `spawn` drops the closure, and `x` with it, here.
    let _ = std::thread::Builder::new()
        .name("thresh-free".into())
        .spawn(move || drop(x));
}

/// What `thresh fingerprint` did.
#[derive(Debug, Clone, Default)]
pub struct FingerprintSummary {
    /// Signature files written.
    pub shards: usize,
    /// Input documents seen.
    pub documents_in: u64,
    /// Documents with a signature (the others were rejected or left empty).
    pub signatures: u64,
    pub wall_seconds: f64,
}

/// The options that change fingerprints, recorded in every signature file.
fn settings(cfg: &Config) -> String {
    format!(
        "repair={} strip={} format={:?} text_field={} id_field={}",
        cfg.repair, cfg.strip, cfg.format, cfg.text_field, cfg.id_field
    )
}

/// Run by each worker thread as it starts: grows the thread's heap once, up front, so that
/// it is not grown a page at a time while documents are read.
///
/// glibc gives each thread its own heap (an "arena") and grows it by exactly what an
/// allocation needs, one `mprotect` call a page: a run that keeps every document's text and
/// shingles made about 24,000 such calls (20,000 documents, 48 MB), and its time in the
/// kernel fell by about 40% without them. Two glibc
/// behaviours (mallopt(3): "M_MMAP_THRESHOLD", dynamic threshold) are used here, with safe
/// code: freeing a block that was mapped on its own (31 MiB: above the starting 128 KiB
/// threshold, below the 32 MiB cap) raises the threshold to its size and the trim threshold
/// to twice that; then two 28 MiB blocks come from the thread's heap, which grows once to
/// hold them and, when they are freed, is not trimmed back (56 MiB is below the new trim
/// threshold). Nothing is written to the blocks, so no memory becomes resident. Other
/// allocators, and glibc without these behaviours, just allocate and free three blocks.
fn warm_heap() {
    let mapped: Vec<u8> = Vec::with_capacity(31 << 20);
    drop(std::hint::black_box(mapped));
    let a: Vec<u8> = Vec::with_capacity(28 << 20);
    let a = std::hint::black_box(a);
    let b: Vec<u8> = Vec::with_capacity(28 << 20);
    drop(std::hint::black_box(b));
    drop(a);
}

/// The worker pool. `warm`: the workers read and keep documents, so each grows its heap once
/// at start ([`warm_heap`]); not for the dedup barrier alone, whose large short-lived
/// vectors are better mapped and unmapped on their own (warming raised the peak memory of 10
/// million fingerprints, `examples/dedup_scale`, by 57 MB).
fn pool(threads: usize, warm: bool) -> Result<rayon::ThreadPool> {
    let b = rayon::ThreadPoolBuilder::new().num_threads(threads);
    let b = if warm {
        b.start_handler(|_| warm_heap())
    } else {
        b
    };
    b.build().map_err(|e| Error::Threads(e.to_string()))
}

/// `thresh fingerprint`: runs the stateless stages over every input source and writes one
/// signature file per source into `cfg.out` (see [`crate::signature`]).
pub fn fingerprint_run(cfg: &Config, msgs: &dyn Messages) -> Result<FingerprintSummary> {
    cfg.validate()?;
    write::prepare_dir(&cfg.out)?;
    let start = Instant::now();
    let mut summary = pool(cfg.threads, true)?.install(|| -> Result<FingerprintSummary> {
        let (sources, bad) = read::expand(&cfg.inputs);
        for (_, r) in &bad {
            msgs.warn(&format!("{}: {}", r.reason.as_str(), r.detail));
        }
        let mp = cfg.minhash();
        let sets = cfg.verify == crate::config::Verify::Exact;
        let mut summary = FingerprintSummary::default();
        for src in &sources {
            let (_, records) = read_source(src, cfg, &|it: Item| {
                let doc = it.and_then(|raw| process(raw, cfg)).ok()?;
                let e = entry(&doc)?;
                Some(Record {
                    id: doc.id,
                    source: doc.source,
                    entry: e,
                    bands: doc.fingerprint.bands,
                    shingles: if sets {
                        doc.fingerprint.shingles
                    } else {
                        Vec::new()
                    },
                })
            });
            summary.documents_in += records.len() as u64;
            let records: Vec<Record> = records.into_iter().flatten().collect();
            summary.signatures += records.len() as u64;
            let shard = Shard {
                bands: mp.map_or(0, |p| p.bands as u32),
                rows: mp.map_or(0, |p| p.rows as u32),
                sets,
                settings: settings(cfg),
                source: src.name(),
                records,
            };
            signature::write(&cfg.out, &shard)?;
            free_in_background(shard);
            summary.shards += 1;
        }
        Ok(summary)
    })?;
    summary.wall_seconds = round_ms(start.elapsed().as_secs_f64());
    Ok(summary)
}

/// What `thresh dedup` did.
#[derive(Debug, Clone, Default)]
pub struct DedupSummary {
    pub shards: usize,
    pub documents: u64,
    pub dropped: u64,
    pub stats: write::DuplicateStats,
    pub wall_seconds: f64,
}

/// `thresh dedup`: clusters the documents of every signature file under `inputs` (shards in
/// byte-wise order of their source paths, documents in file order: the order a single
/// `thresh clean` over the same sorted inputs sees) and writes the drop list to `out`.
pub fn dedup_run(
    inputs: &[PathBuf],
    params: &dedup::Params,
    check: &dedup::Check,
    out: &Path,
    threads: usize,
    msgs: &dyn Messages,
) -> Result<DedupSummary> {
    let start = Instant::now();
    let files = signature::list(inputs)?;
    if files.is_empty() {
        return Err(Error::Config(
            "no signature files (*.thsig) found: run `thresh fingerprint` first".into(),
        ));
    }
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Config(format!("{} is not a file name", out.display())))?;
    write::prepare_dir(&dir)?;
    let mut summary = pool(threads, false)?.install(|| -> Result<DedupSummary> {
        let shards: Vec<Result<(PathBuf, Shard)>> = files
            .par_iter()
            .map(|f| signature::read(f).map(|s| (f.clone(), s)))
            .collect();
        let mut shards = shards.into_iter().collect::<Result<Vec<_>>>()?;
        shards.sort_by(|a, b| a.1.source.as_bytes().cmp(b.1.source.as_bytes()));
        let (first_path, first) = &shards[0];
        for (path, s) in &shards {
            if (s.bands, s.rows, s.sets, &s.settings)
                != (first.bands, first.rows, first.sets, &first.settings)
            {
                return Err(Error::Format {
                    path: path.clone(),
                    detail: format!(
                        "made with other options than {} ({} bands × {} rows, shingle sets {}, {}; \
                         there {} × {}, {}, {})",
                        first_path.display(),
                        s.bands,
                        s.rows,
                        s.sets,
                        s.settings,
                        first.bands,
                        first.rows,
                        first.sets,
                        first.settings
                    ),
                });
            }
        }
        let exact = check.verify == crate::config::Verify::Exact
            && params.mode != crate::config::DedupMode::Exact
            && params.mode != crate::config::DedupMode::Off;
        if exact && !first.sets {
            return Err(Error::Config(format!(
                "{} holds no shingle sets (made with `thresh fingerprint --verify sketch`): \
                 run `thresh fingerprint` again without it, or dedup with --verify sketch",
                first_path.display()
            )));
        }
        if params.mode == crate::config::DedupMode::Minhash && first.bands == 0 {
            return Err(Error::Config(
                "--dedup minhash needs signatures made with `thresh fingerprint --dedup minhash`"
                    .into(),
            ));
        }
        let shard_bands = first.bands as usize;
        let records: Vec<Record> = shards.into_iter().flat_map(|(_, s)| s.records).collect();
        let entries: Vec<Option<Entry>> = records.iter().map(|r| Some(r.entry)).collect();
        let per_doc = if params.mode == crate::config::DedupMode::Minhash {
            shard_bands
        } else {
            0
        };
        let mut hashes: Vec<u32> = Vec::new();
        if per_doc > 0 {
            for r in &records {
                hashes.extend((0..per_doc).map(|x| r.bands.get(x).copied().unwrap_or(u32::MAX)));
            }
        }
        let bands = dedup::Bands {
            per_doc,
            hashes: &hashes,
        };
        if params.mode == crate::config::DedupMode::Near {
            warn_slow_index(entries.len(), params.max_distance, msgs);
        }
        let sets: Vec<&[u32]> = records.iter().map(|r| &r.shingles[..]).collect();
        let dups = dedup::cluster(
            &entries,
            bands,
            dedup::Sets(&sets),
            params,
            check,
            &par_tables,
        );
        let mut f = AtomicFile::create(&dir, &name)?;
        let mut summary = DedupSummary {
            documents: records.len() as u64,
            ..DedupSummary::default()
        };
        let mut cluster_size: std::collections::BTreeMap<usize, u64> = Default::default();
        for (r, d) in records.iter().zip(&dups) {
            let Some(d) = d else { continue };
            let kept = &records[d.of];
            f.write_all(&droplist::line(&DropRecord {
                source: r.source.clone(),
                id: r.id.clone(),
                reason: if d.exact {
                    "exact_duplicate"
                } else {
                    "near_duplicate"
                }
                .into(),
                duplicate_of: kept.id.clone(),
                duplicate_of_source: kept.source.clone(),
                distance: d.distance,
                similarity: d.similarity,
            }))?;
            summary.dropped += 1;
            summary.stats.add(d.distance, d.similarity);
            *cluster_size.entry(d.of).or_insert(1) += 1;
        }
        summary.stats.set_clusters(cluster_size.values().copied());
        f.commit()?;
        drop(sets);
        free_in_background(records);
        Ok(summary)
    })?;
    summary.shards = files.len();
    summary.wall_seconds = round_ms(start.elapsed().as_secs_f64());
    Ok(summary)
}

/// Dedup over ready-made entries on `threads` workers (0: all cores): the barrier alone, for
/// benches and library users that keep their own fingerprints.
pub fn dedup_entries(
    entries: &[Option<Entry>],
    bands: dedup::Bands<'_>,
    sets: dedup::Sets<'_>,
    params: &dedup::Params,
    check: &dedup::Check,
    threads: usize,
) -> Result<Vec<Option<dedup::Duplicate>>> {
    Ok(pool(threads, false)?
        .install(|| dedup::cluster(entries, bands, sets, params, check, &par_tables)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Output lines are written in input order across the serializer's groups and chunks:
    /// 5,000 documents (kept, exact copies, rejected lines, empty ones) give every id once, in
    /// order, in one file or the other, and the same bytes at 1 and 3 threads.
    #[test]
    fn lines_keep_input_order_across_groups_and_chunks() {
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join("in.jsonl");
        let mut lines = String::new();
        for i in 0..5000 {
            let line = match i % 7 {
                0 => "{\"id\": 1}".to_string(),
                1 => format!("{{\"id\": \"d{i:05}\", \"text\": \"  \"}}"),
                2 | 3 => format!(
                    "{{\"id\": \"d{i:05}\", \"text\": \"the same words in every copy of \\n this \\\"doc\\\" {}\"}}",
                    i % 50
                ),
                _ => {
                    // Words of its own (digits would all normalize to 0): i in letters.
                    let w = |k: usize| -> String {
                        (0..4).map(|p| char::from(b'a' + (k / 26usize.pow(p) % 26) as u8)).collect()
                    };
                    format!(
                        "{{\"id\": \"d{i:05}\", \"text\": \"{} {} {} {} {} {}\"}}",
                        w(i),
                        w(i * 7),
                        w(i * 13 + 5),
                        w(i * 31 + 2),
                        w(i * 37 + 1),
                        w(i * 41 + 3)
                    )
                }
            };
            lines.push_str(&line);
            lines.push('\n');
        }
        std::fs::write(&input, lines).expect("write input");
        let mut outs = Vec::new();
        for threads in [1, 3] {
            let cfg = Config {
                inputs: vec![input.clone()],
                out: dir.path().join(format!("out{threads}")),
                threads,
                strip: false,
                ..Config::default()
            };
            run(&cfg, &Silent).expect("run");
            let read = |f: &str| std::fs::read(cfg.out.join(f)).expect("output");
            outs.push((read(write::CLEAN), read(write::DROPPED)));
        }
        assert!(outs[0] == outs[1], "outputs differ between 1 and 3 threads");
        let ids = |bytes: &[u8]| -> Vec<usize> {
            bytes
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .map(|l| {
                    let v: serde_json::Value = serde_json::from_slice(l).expect("json line");
                    // Every line names its source, "path:line" (line numbers from 1).
                    let source = v["source"].as_str().expect("source");
                    let n: usize = source
                        .rsplit(':')
                        .next()
                        .and_then(|n| n.parse().ok())
                        .expect("line");
                    n - 1
                })
                .collect()
        };
        let (clean, dropped) = (ids(&outs[0].0), ids(&outs[0].1));
        assert!(
            clean.windows(2).all(|w| w[0] < w[1]),
            "clean.jsonl out of order"
        );
        assert!(
            dropped.windows(2).all(|w| w[0] < w[1]),
            "dropped.jsonl out of order"
        );
        assert!(
            clean.len() > 2000 && dropped.len() > 2000,
            "{} {}",
            clean.len(),
            dropped.len()
        );
        let mut all: Vec<usize> = clean.into_iter().chain(dropped).collect();
        all.sort_unstable();
        assert_eq!(all, (0..5000).collect::<Vec<_>>());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// `in_order` consumes every result once, in order, never produces more than `ahead`
        /// positions past the one consumed next, and stops at the first error, at any thread
        /// count (producers take uneven time, so results come in out of order).
        #[test]
        fn in_order_consumes_in_order(
            n in 0usize..400,
            ahead in 1usize..12,
            threads in 1usize..5,
            fail_at in proptest::option::of(0usize..400),
            seed in 0u64..1000,
        ) {
            use std::sync::atomic::{AtomicUsize, Ordering};
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
            // The next position to consume, as the consumer sees it (the queue moves it just
            // before the call, so a producer may be one position further than this shows).
            let next = AtomicUsize::new(0);
            let too_far = AtomicUsize::new(0);
            let produce = |g: usize| -> usize {
                if g > next.load(Ordering::SeqCst) + ahead {
                    too_far.fetch_add(1, Ordering::SeqCst);
                }
                // Uneven work: some items spin much longer than others.
                let spins = (g as u64 ^ seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54;
                for _ in 0..spins {
                    std::hint::spin_loop();
                }
                if spins.is_multiple_of(7) {
                    std::thread::yield_now();
                }
                g * 3
            };
            let mut got = Vec::new();
            let mut consume = |g: usize, x: usize| -> Result<()> {
                if Some(g) == fail_at {
                    return Err(Error::Config(format!("fail at {g}")));
                }
                got.push((g, x));
                next.store(g + 1, Ordering::SeqCst);
                Ok(())
            };
            let r = pool.install(|| in_order(n, ahead, &produce, &mut consume));
            let upto = fail_at.filter(|&f| f < n).unwrap_or(n);
            proptest::prop_assert_eq!(r.is_err(), upto < n);
            let want: Vec<(usize, usize)> = (0..upto).map(|g| (g, g * 3)).collect();
            proptest::prop_assert_eq!(got, want);
            proptest::prop_assert_eq!(too_far.load(Ordering::SeqCst), 0);
        }
    }

    /// What is handed over is dropped (on the other thread), not leaked.
    #[test]
    fn expected_items_covers_the_file_with_a_margin() {
        // 100 lines in the first 1,000 bytes of a 10,000-byte file: 1,000 lines, 1,125 room.
        assert_eq!(expected_items(100, 1000, 10_000), 1125);
        // Never less than the first chunk's lines; an empty chunk estimates nothing.
        assert_eq!(expected_items(7, 1000, 0), 7);
        assert_eq!(expected_items(0, 0, 10_000), 0);
        // No overflow on a huge size.
        assert!(expected_items(1, 1, u64::MAX) >= 1);
    }

    #[test]
    fn free_in_background_drops() {
        struct Tell(std::sync::mpsc::Sender<std::thread::ThreadId>);
        impl Drop for Tell {
            fn drop(&mut self) {
                let _ = self.0.send(std::thread::current().id());
            }
        }
        let (tx, rx) = std::sync::mpsc::channel();
        free_in_background(vec![Tell(tx.clone()), Tell(tx)]);
        for _ in 0..2 {
            let who = rx
                .recv_timeout(std::time::Duration::from_secs(10))
                .expect("dropped");
            assert_ne!(who, std::thread::current().id());
        }
    }
}
