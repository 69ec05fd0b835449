//! Command-line behaviour: exit codes, stdin, messages that name the file and line, atomic
//! outputs, and `thresh fix` as a filter.

mod util;

use std::io::Write;
use std::process::Stdio;
use util::{bin, check, read, repo};

fn lines(b: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(b)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn run_stdin(args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

#[test]
fn unwritable_output_folder_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").expect("write");
    let o = bin()
        .args(["clean", "seeds", "-q", "-o"])
        .arg(file.join("out"))
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("a-file"),
        "the message names the folder"
    );
}

#[test]
fn bad_arguments_exit_2() {
    let o = bin()
        .args(["clean", "seeds", "--dedup", "sometimes"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    let o = bin()
        .args(["clean", "seeds", "--max-distance", "40", "-o"])
        .arg(tempfile::tempdir().expect("t").path())
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_lines_are_warned_about_with_file_and_line_and_the_run_goes_on() {
    let out = tempfile::tempdir().expect("tempdir");
    let o = bin()
        .args([
            "clean",
            "fixtures/jsonl/input/docs.jsonl",
            "nonexistent/file.txt",
            "-o",
        ])
        .arg(out.path())
        .output()
        .expect("run");
    check(&o, "clean");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("fixtures/jsonl/input/docs.jsonl:2"), "{err}");
    assert!(err.contains("nonexistent/file.txt"), "{err}");
    let dropped = lines(&read(&out.path().join("dropped.jsonl")));
    let unreadable: Vec<_> = dropped
        .iter()
        .filter(|d| d["reason"] == "unreadable")
        .collect();
    assert_eq!(unreadable.len(), 1);
    assert_eq!(unreadable[0]["id"], "nonexistent/file.txt");
}

#[test]
fn stdin_text_and_jsonl() {
    let out = tempfile::tempdir().expect("tempdir");
    let o = run_stdin(
        &["clean", "-", "-q", "-o", &out.path().to_string_lossy()],
        "One document from standard input, cafÃ© repaired.\n".as_bytes(),
    );
    check(&o, "clean -");
    let clean = lines(&read(&out.path().join("clean.jsonl")));
    assert_eq!(clean.len(), 1);
    assert_eq!(clean[0]["id"], "-");
    assert_eq!(
        clean[0]["text"],
        "One document from standard input, café repaired."
    );

    let o = run_stdin(
        &["clean", "-", "-q", "-o", &out.path().to_string_lossy()],
        b"{\"id\":\"a\",\"text\":\"first document on stdin\"}\n{\"text\":\"second document, different words entirely\"}\n",
    );
    check(&o, "clean - (jsonl)");
    let clean = lines(&read(&out.path().join("clean.jsonl")));
    assert_eq!(clean.len(), 2);
    assert_eq!(clean[1]["id"], "-:2");
    assert_eq!(clean[1]["source"], "-:2");
}

#[test]
fn no_temporary_files_are_left_and_outputs_repeat() {
    let out = tempfile::tempdir().expect("tempdir");
    let run = || {
        let o = bin()
            .args([
                "clean",
                "seeds",
                "fixtures/near_duplicates/input",
                "-q",
                "-o",
            ])
            .arg(out.path())
            .output()
            .expect("run");
        check(&o, "clean");
        (
            read(&out.path().join("clean.jsonl")),
            read(&out.path().join("dropped.jsonl")),
        )
    };
    let first = run();
    let second = run();
    assert_eq!(first, second);
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .expect("ls")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["clean.jsonl", "dropped.jsonl", "report.json"]);
}

#[test]
fn clean_schema_field_order() {
    let out = util::run_clean(&["fixtures/jsonl/input".into()], 1, &[]);
    let text = String::from_utf8(read(&out.path().join("clean.jsonl"))).expect("utf8");
    let first = text.lines().next().expect("a line");
    let keys: Vec<String> =
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(first)
            .expect("object")
            .keys()
            .cloned()
            .collect();
    assert_eq!(
        keys,
        ["id", "source", "text", "simhash", "changes", "url", "lang"]
    );
    let simhash = serde_json::from_str::<serde_json::Value>(first).expect("v")["simhash"]
        .as_str()
        .expect("str")
        .to_string();
    assert!(
        simhash.len() == 16
            && simhash
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
}

#[test]
fn fix_golden() {
    let input = repo().join("fixtures/fix/input.txt");
    let expected = read(&repo().join("fixtures/fix/expected.txt"));
    let o = bin().arg("fix").arg(&input).output().expect("run");
    check(&o, "fix");
    if std::env::var("GOLDEN").is_ok_and(|v| v == "overwrite") {
        std::fs::write(repo().join("fixtures/fix/expected.txt"), &o.stdout).expect("write");
        return;
    }
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&expected)
    );
    // Same through stdin, and one output line per input line.
    let o = run_stdin(&["fix"], &read(&input));
    assert_eq!(o.stdout, expected);
    let count = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count();
    assert_eq!(count(&o.stdout), count(&read(&input)));
}

/// `thresh explain` (issue 4): every line with keep/drop and its reason; no colour when
/// stdout is not a terminal.
#[test]
fn explain_golden() {
    let input = repo().join("fixtures/explain/input.txt");
    let expected_path = repo().join("fixtures/explain/expected.txt");
    let o = bin().arg("explain").arg(&input).output().expect("run");
    check(&o, "explain");
    if std::env::var("GOLDEN").is_ok_and(|v| v == "overwrite") {
        std::fs::write(&expected_path, &o.stdout).expect("write");
        return;
    }
    let expected = read(&expected_path);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&expected)
    );
    assert!(!o.stdout.contains(&0x1b), "no colour when piped");
    let lines = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count();
    assert_eq!(lines(&o.stdout), lines(&read(&input)));
    let o = bin()
        .args(["explain", "--color", "always"])
        .arg(&input)
        .output()
        .expect("run");
    assert!(o.stdout.contains(&0x1b));
}

#[test]
fn explain_missing_file_fails_with_its_name() {
    let o = bin()
        .args(["explain", "no/such/file.txt"])
        .output()
        .expect("run");
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/file.txt"));
}

#[test]
fn fix_broken_pipe_is_not_an_error() {
    let big = "cafÃ© line\n".repeat(200_000);
    let mut child = bin()
        .arg("fix")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(big.as_bytes());
    });
    drop(child.stdout.take()); // the reader goes away at once
    let o = child.wait_with_output().expect("wait");
    let _ = writer.join();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn summary_counts_one_document_in_the_singular() {
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().to_string_lossy();
    let o = run_stdin(
        &["clean", "-", "-o", &dir],
        "One document from standard input, cafÃ© repaired.\n".as_bytes(),
    );
    check(&o, "clean - (summary)");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("thresh: 1 document in, 1 kept"), "{err}");
    assert!(err.contains("1 document repaired"), "{err}");

    let o = run_stdin(
        &["clean", "-", "-o", &dir],
        b"{\"text\":\"first document on stdin\"}\n{\"text\":\"second document, different words entirely\"}\n",
    );
    check(&o, "clean - (summary, two)");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("thresh: 2 documents in, 2 kept"), "{err}");
    assert!(err.contains("0 documents repaired"), "{err}");
}
