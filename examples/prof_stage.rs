//! Runs one stage over the wcxb-dev pages, for profiling with callgrind:
//! `valgrind --tool=callgrind target/release/examples/prof_stage strip`.
use thresh::{fingerprint, repair, strip};

fn main() {
    let stage = std::env::args().nth(1).unwrap_or_else(|| "strip".into());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/wcxb-dev/text");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    let docs: Vec<String> = paths
        .iter()
        .take(300)
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let mut n = 0usize;
    for d in &docs {
        match stage.as_str() {
            "strip" => {
                n += strip::analyze(d, None)
                    .verdicts
                    .iter()
                    .filter(|v| v.rule.is_some())
                    .count()
            }
            "fingerprint" => n += fingerprint::fingerprint(d).simhash as usize & 1,
            _ => n += d.lines().map(|l| repair::fix_line(l).len()).sum::<usize>(),
        }
    }
    println!("{n}");
}
