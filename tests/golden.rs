//! Golden tests: every case under `fixtures/` runs through the real binary at one and at four
//! threads; `clean.jsonl`, `dropped.jsonl` and the report (minus its `timing`) must equal the
//! expected files byte for byte. `GOLDEN=overwrite cargo test` rewrites them.

mod util;

use std::path::{Path, PathBuf};
use util::{diff, read, repo, run_clean};

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join("fixtures"))
        .expect("fixtures/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "fix" && n != "explain"))
        .collect();
    v.sort();
    v
}

/// Inputs of a case, relative to the repository root.
fn inputs(case: &Path) -> Vec<String> {
    let rel = case.strip_prefix(repo()).expect("under repo");
    match std::fs::read_to_string(case.join("inputs")) {
        Ok(s) => s
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
        Err(_) => vec![rel.join("input").to_string_lossy().into_owned()],
    }
}

fn args(case: &Path) -> Vec<String> {
    std::fs::read_to_string(case.join("args"))
        .map(|s| {
            s.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn golden_cases() {
    let overwrite = std::env::var("GOLDEN").is_ok_and(|v| v == "overwrite");
    let mut failures = Vec::new();
    let cases = cases();
    assert!(
        cases.len() >= 10,
        "expected the golden cases, found {}",
        cases.len()
    );
    for case in &cases {
        let name = case
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        for threads in [1, 4] {
            let out = run_clean(&inputs(case), threads, &args(case));
            let got = [
                ("clean.jsonl", read(&out.path().join("clean.jsonl"))),
                ("dropped.jsonl", read(&out.path().join("dropped.jsonl"))),
                (
                    "report.json",
                    util::report_without_timing(&out.path().join("report.json")),
                ),
            ];
            for (file, bytes) in got {
                let expected = case.join("expected").join(file);
                if overwrite && threads == 1 {
                    std::fs::create_dir_all(expected.parent().expect("parent")).expect("mkdir");
                    std::fs::write(&expected, &bytes).expect("write golden");
                    continue;
                }
                let want = std::fs::read(&expected).unwrap_or_default();
                if want != bytes {
                    failures.push(format!(
                        "{name} (--threads {threads}) {file}:\n{}",
                        diff(&want, &bytes)
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches (GOLDEN=overwrite cargo test rewrites):\n{}",
        failures.join("\n")
    );
}

/// Nothing disappears: every input document is a line of clean.jsonl or of dropped.jsonl.
#[test]
fn every_document_is_accounted_for() {
    for case in cases() {
        let out = run_clean(&inputs(&case), 2, &args(&case));
        let count = |f: &str| {
            read(&out.path().join(f))
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64
        };
        let report: serde_json::Value =
            serde_json::from_slice(&read(&out.path().join("report.json"))).expect("report");
        let docs_in = report["documents_in"].as_u64().expect("documents_in");
        assert_eq!(
            count("clean.jsonl") + count("dropped.jsonl"),
            docs_in,
            "{}",
            case.display()
        );
        assert_eq!(
            report["kept"].as_u64(),
            Some(count("clean.jsonl")),
            "{}",
            case.display()
        );
        let dropped: u64 = report["dropped"]
            .as_object()
            .expect("dropped")
            .values()
            .filter_map(|v| v.as_u64())
            .sum();
        assert_eq!(dropped, count("dropped.jsonl"), "{}", case.display());
    }
}
