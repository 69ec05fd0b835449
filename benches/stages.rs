//! Criterion benches, one group per stage, on real text: the seeds, plus the wcxb-dev pages
//! when `../shared/eval/wcxb-dev/text` is present (scraped pages with their chrome).
//!
//! `cargo bench --bench stages` (all) or `cargo bench --bench stages -- repair` (one group).
//! Throughput is reported in bytes of input text per second.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use std::path::Path;
use thresh::dedup::{Bands, Entry, Params};
use thresh::doc::{Changes, Doc, Fingerprint, Sketch};
use thresh::{fingerprint, repair, strip};

/// Real documents: the seeds and, if present, the wcxb-dev pages.
fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = Vec::new();
    for dir in [
        root.join("seeds"),
        root.join("../shared/eval/wcxb-dev/text"),
    ] {
        if let Ok(rd) = std::fs::read_dir(&dir) {
            let mut paths: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for p in paths {
                if let Ok(s) = std::fs::read_to_string(&p) {
                    docs.push(s);
                }
            }
        }
    }
    docs
}

fn doc(text: &str) -> Doc {
    Doc {
        id: String::new(),
        source: String::new(),
        text: text.to_string(),
        extra: Default::default(),
        bytes_in: text.len() as u64,
        changes: Changes::default(),
        fingerprint: Fingerprint::default(),
    }
}

fn bytes(docs: &[String]) -> u64 {
    docs.iter().map(|d| d.len() as u64).sum()
}

fn bench_decode(c: &mut Criterion, docs: &[String]) {
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Bytes(bytes(docs)));
    g.bench_function("utf8", |b| {
        b.iter(|| {
            for d in docs {
                black_box(thresh::decode::decode(d.as_bytes(), "x").ok());
            }
        })
    });
    let latin: Vec<Vec<u8>> = docs
        .iter()
        .map(|d| encoding_rs::WINDOWS_1252.encode(d).0.into_owned())
        .collect();
    g.throughput(Throughput::Bytes(
        latin.iter().map(|d| d.len() as u64).sum(),
    ));
    g.bench_function("windows_1252_detected", |b| {
        b.iter(|| {
            for d in &latin {
                black_box(thresh::decode::decode(d, "x").ok());
            }
        })
    });
    g.finish();
}

fn bench_repair(c: &mut Criterion, docs: &[String]) {
    let mut g = c.benchmark_group("repair");
    let ascii: Vec<String> = docs
        .iter()
        .map(|d| d.chars().filter(char::is_ascii).collect())
        .collect();
    let non_ascii: Vec<String> = docs.iter().filter(|d| !d.is_ascii()).cloned().collect();
    let garbled: Vec<String> = non_ascii
        .iter()
        .map(|d| {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(d.as_bytes())
                .0
                .into_owned()
        })
        .collect();
    let opts = repair::Options::default();
    for (name, set) in [
        ("clean_ascii", &ascii),
        ("clean_non_ascii", &non_ascii),
        ("garbled_1252", &garbled),
    ] {
        g.throughput(Throughput::Bytes(bytes(set)));
        g.bench_function(name, |b| {
            b.iter_batched(
                || set.iter().map(|t| doc(t)).collect::<Vec<_>>(),
                |mut ds| {
                    for d in &mut ds {
                        repair::apply(d, &opts);
                    }
                    ds
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

fn bench_strip(c: &mut Criterion, docs: &[String]) {
    let mut g = c.benchmark_group("strip");
    g.throughput(Throughput::Bytes(bytes(docs)));
    g.bench_function("rules", |b| {
        b.iter(|| {
            for d in docs {
                black_box(strip::analyze(d, None).verdicts);
            }
        })
    });
    g.bench_function("signature", |b| {
        b.iter(|| {
            for d in docs {
                black_box(strip::repetition::signature(d));
            }
        })
    });
    g.finish();
}

fn bench_fingerprint(c: &mut Criterion, docs: &[String]) {
    let mut g = c.benchmark_group("fingerprint");
    let norms: Vec<String> = docs.iter().map(|d| fingerprint::normalize(d)).collect();
    g.throughput(Throughput::Bytes(bytes(&norms)));
    g.bench_function("simhash_own_xxh3", |b| {
        b.iter(|| {
            for n in &norms {
                black_box(fingerprint::simhash(n));
            }
        })
    });
    g.bench_function("simhash_naive_loop_xxh3", |b| {
        // The same hashes through the textbook 64-adds-per-feature loop (the old code).
        b.iter(|| {
            for n in &norms {
                black_box(fingerprint::simhash_of_hashes_naive(
                    fingerprint::shingles(n).map(|s| {
                        xxhash_rust::xxh3::xxh3_64_with_seed(s.as_bytes(), fingerprint::SEED)
                    }),
                ));
            }
        })
    });
    g.bench_function("simhash_crate_sip", |b| {
        b.iter(|| {
            for n in &norms {
                black_box(fingerprint::simhash_crate(n));
            }
        })
    });
    g.throughput(Throughput::Bytes(bytes(docs)));
    g.bench_function("full_fingerprint", |b| {
        b.iter(|| {
            for d in docs {
                black_box(fingerprint::fingerprint(d));
            }
        })
    });
    g.finish();
}

fn bench_dedup(c: &mut Criterion) {
    let mut g = c.benchmark_group("dedup");
    // Synthetic fingerprints: 200k random ones, a tenth of them near copies of another.
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let n = 200_000;
    let mut entries: Vec<Option<Entry>> = Vec::with_capacity(n);
    for i in 0..n {
        let r = next();
        let mut sketch = Sketch::default();
        for c in sketch.0.chunks_mut(8) {
            c.copy_from_slice(&next().to_le_bytes());
        }
        let e = match entries.get(i.wrapping_sub(1)) {
            Some(Some(prev)) if i % 10 == 9 => Entry {
                simhash: prev.simhash ^ (1 << (r % 64)) ^ (1 << ((r >> 8) % 64)),
                exact: next(),
                sketch: prev.sketch,
                len: 100,
            },
            _ => Entry {
                simhash: r,
                exact: next(),
                sketch,
                len: 100,
            },
        };
        entries.push(Some(e));
    }
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(10);
    // Synthetic entries have no shingle sets: verified by sketches, leader clustering.
    let sketch = thresh::dedup::Check {
        verify: thresh::config::Verify::Sketch,
        ..Default::default()
    };
    for k in [6, 9] {
        let p = Params {
            max_distance: k,
            ..Params::default()
        };
        g.bench_function(format!("near_k{k}_200k_1thread"), |b| {
            b.iter(|| {
                black_box(thresh::dedup::cluster(
                    &entries,
                    Bands::NONE,
                    thresh::dedup::Sets::NONE,
                    &p,
                    &sketch,
                    &thresh::dedup::sequential,
                ))
            })
        });
        g.bench_function(format!("near_k{k}_200k_all_threads"), |b| {
            b.iter(|| {
                black_box(thresh::pipeline::dedup_entries(
                    &entries,
                    Bands::NONE,
                    thresh::dedup::Sets::NONE,
                    &p,
                    &sketch,
                    0,
                ))
            })
        });
    }
    g.finish();
}

fn all(c: &mut Criterion) {
    let docs = corpus();
    bench_decode(c, &docs);
    bench_repair(c, &docs);
    bench_strip(c, &docs);
    bench_fingerprint(c, &docs);
    bench_dedup(c);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(3));
    targets = all
}
criterion_main!(benches);
