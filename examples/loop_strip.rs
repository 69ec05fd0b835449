//! Runs `strip::analyze` over the criterion bench's corpus (seeds + wcxb-dev text) N times
//! (first argument, default 5), for `perf record` / `perf stat`: the bench's work alone.
use thresh::strip;

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = Vec::new();
    for dir in [
        root.join("seeds"),
        root.join("../shared/eval/wcxb-dev/text"),
    ] {
        if let Ok(rd) = std::fs::read_dir(&dir) {
            let mut paths: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            docs.extend(paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()));
        }
    }
    let t = std::time::Instant::now();
    let mut n = 0usize;
    for _ in 0..reps {
        for d in &docs {
            n += strip::analyze(d, None)
                .verdicts
                .iter()
                .filter(|v| v.rule.is_some())
                .count();
        }
    }
    let bytes: usize = docs.iter().map(String::len).sum::<usize>() * reps;
    let s = t.elapsed().as_secs_f64();
    eprintln!("{n} {:.1} MB/s", bytes as f64 / s / 1e6);
}
