//! Helpers shared by the integration tests: running the binary in a fresh temp dir, reading
//! outputs, and printing expected-vs-got readably.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_thresh"));
    c.current_dir(repo());
    c
}

pub fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()))
}

/// Runs `thresh clean` on inputs (relative to the repo) into a fresh temp dir.
pub fn run_clean(inputs: &[String], threads: usize, extra: &[String]) -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("tempdir");
    let o = bin()
        .arg("clean")
        .args(inputs)
        .arg("-o")
        .arg(out.path())
        .args(["--threads", &threads.to_string(), "-q"])
        .args(extra)
        .output()
        .expect("run thresh");
    check(&o, "thresh clean");
    out
}

pub fn check(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what} failed ({}):\nstdout: {}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The report with its `timing` member removed, pretty-printed as thresh writes it.
pub fn report_without_timing(p: &Path) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_slice(&read(p)).expect("report.json is JSON");
    v.as_object_mut().expect("object").shift_remove("timing");
    let mut b = serde_json::to_vec_pretty(&v).expect("serialize");
    b.push(b'\n');
    b
}

/// A line diff: the first differing lines with their numbers.
pub fn diff(want: &[u8], got: &[u8]) -> String {
    let w = String::from_utf8_lossy(want);
    let g = String::from_utf8_lossy(got);
    let (wl, gl): (Vec<&str>, Vec<&str>) = (w.lines().collect(), g.lines().collect());
    let mut out = String::new();
    let mut shown = 0;
    for i in 0..wl.len().max(gl.len()) {
        let (a, b) = (wl.get(i), gl.get(i));
        if a != b {
            out.push_str(&format!(
                "  line {}:\n    expected: {}\n    got:      {}\n",
                i + 1,
                a.unwrap_or(&"<none>"),
                b.unwrap_or(&"<none>")
            ));
            shown += 1;
            if shown == 5 {
                out.push_str("  …\n");
                break;
            }
        }
    }
    out
}
