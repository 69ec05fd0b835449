//! Two-phase dedup (issue 5): `thresh fingerprint` per shard (as separate machines would),
//! `thresh dedup` over all signatures, `thresh clean --drop-list` must write the same
//! clean.jsonl and dropped.jsonl, byte for byte, as one `thresh clean` over the same inputs.

mod util;

use std::path::Path;
use util::{bin, check, diff, read, repo};

/// Three JSONL shards in `dir/corpus/`: the seed articles, plus copies with light edits
/// (a dropped paragraph, changed case, site chrome, a typo) and exact copies, spread so that
/// most copies sit in another shard than their original.
fn make_corpus(dir: &Path) {
    let mut seeds: Vec<_> = std::fs::read_dir(repo().join("seeds"))
        .expect("seeds/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    seeds.sort();
    let texts: Vec<String> = seeds
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    assert!(texts.len() >= 3, "need the seed articles");
    let mut shards: Vec<Vec<String>> = vec![Vec::new(); 3];
    let mut n = 0;
    let mut push = |shard: usize, text: String| {
        n += 1;
        let line = serde_json::json!({"id": format!("d{n:03}"), "text": text});
        shards[shard].push(line.to_string());
    };
    for (i, t) in texts.iter().enumerate() {
        push(i % 3, t.clone());
        let paras: Vec<&str> = t.split('\n').collect();
        // Copy 1: another site's chrome around it, one paragraph dropped.
        let mut c1: Vec<String> = vec!["Home | News | Contact".into()];
        c1.extend(
            paras
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != paras.len() / 2)
                .map(|(_, p)| p.to_string()),
        );
        c1.push("© 2021 Example Media. All rights reserved.".into());
        push((i + 1) % 3, c1.join("\n"));
        // Copy 2: upper case first paragraph, a typo.
        let mut c2: Vec<String> = paras.iter().map(|p| p.to_string()).collect();
        if let Some(first) = c2.first_mut() {
            *first = first.to_uppercase();
        }
        let c2 = c2.join("\n").replacen("the ", "teh ", 1);
        push((i + 2) % 3, c2);
        // Copy 3: exact.
        push((i + 2) % 3, t.clone());
    }
    // Unrelated short documents and one that cleaning leaves empty.
    push(0, "A short note about nothing in particular.".into());
    push(
        1,
        "Another short note, about something else entirely.".into(),
    );
    push(2, "   ".into());
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    for (i, lines) in shards.iter().enumerate() {
        std::fs::write(
            corpus.join(format!("shard{i}.jsonl")),
            lines.join("\n") + "\n",
        )
        .expect("write shard");
    }
}

fn thresh(dir: &Path, args: &[&str]) {
    let o = bin()
        .current_dir(dir)
        .args(args)
        .arg("-q")
        .output()
        .expect("run thresh");
    check(&o, &format!("thresh {}", args.join(" ")));
}

fn compare(dir: &Path, a: &str, b: &str) {
    for f in ["clean.jsonl", "dropped.jsonl"] {
        let (x, y) = (read(&dir.join(a).join(f)), read(&dir.join(b).join(f)));
        assert!(x == y, "{a}/{f} vs {b}/{f}:\n{}", diff(&x, &y));
    }
}

fn two_phase_equals_single_run(dedup_args: &[&str]) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    make_corpus(dir);
    let mut single = vec!["clean", "corpus", "-o", "single"];
    single.extend(dedup_args);
    thresh(dir, &single);
    let dropped = read(&dir.join("single/dropped.jsonl"));
    let text = String::from_utf8_lossy(&dropped);
    assert!(text.contains("\"near_duplicate\""), "{text}");
    assert!(text.contains("\"exact_duplicate\""), "{text}");

    // Phase 1, one invocation per shard (as on separate machines), in reverse order.
    let minhash = dedup_args.contains(&"minhash");
    for shard in [
        "corpus/shard2.jsonl",
        "corpus/shard1.jsonl",
        "corpus/shard0.jsonl",
    ] {
        let mut a = vec!["fingerprint", shard, "-o", "sig"];
        if minhash {
            // The band shape is fixed when fingerprinting: the same as the single run's.
            let at = dedup_args.iter().position(|&x| x == "--dedup").unwrap_or(0);
            a.extend(&dedup_args[at..]);
        }
        if dedup_args.contains(&"sketch") {
            a.extend(["--verify", "sketch"]);
        }
        thresh(dir, &a);
    }
    // Phase 2: cluster everything.
    let mut d = vec!["dedup", "sig", "-o", "drop.jsonl", "--threads", "2"];
    d.extend(dedup_args);
    thresh(dir, &d);
    // Apply to the whole input at once…
    thresh(
        dir,
        &[
            "clean",
            "corpus",
            "-o",
            "applied",
            "--drop-list",
            "drop.jsonl",
        ],
    );
    compare(dir, "single", "applied");
    // …and shard by shard: the outputs concatenate to the single run's. Corpus repetition
    // counts need the whole corpus, so this comparison judges each document alone on both
    // sides (`--no-repetition`); the fingerprints never depend on those counts.
    let mut alone = vec!["clean", "corpus", "-o", "single_alone", "--no-repetition"];
    alone.extend(dedup_args);
    thresh(dir, &alone);
    let mut clean = Vec::new();
    let mut dropped = Vec::new();
    for i in 0..3 {
        let out = format!("part{i}");
        thresh(
            dir,
            &[
                "clean",
                &format!("corpus/shard{i}.jsonl"),
                "-o",
                &out,
                "--drop-list",
                "drop.jsonl",
                "--threads",
                "1",
                "--no-repetition",
            ],
        );
        clean.extend(read(&dir.join(&out).join("clean.jsonl")));
        dropped.extend(read(&dir.join(&out).join("dropped.jsonl")));
    }
    let want = read(&dir.join("single_alone/clean.jsonl"));
    assert!(
        clean == want,
        "per-shard clean.jsonl:\n{}",
        diff(&want, &clean)
    );
    let want = read(&dir.join("single_alone/dropped.jsonl"));
    assert!(
        dropped == want,
        "per-shard dropped.jsonl:\n{}",
        diff(&want, &dropped)
    );
}

#[test]
fn issue5_two_phase_equals_single_run() {
    two_phase_equals_single_run(&[]);
}

#[test]
fn issue5_two_phase_equals_single_run_keep_longest() {
    two_phase_equals_single_run(&["--keep", "longest", "--max-distance", "12"]);
}

#[test]
fn issue5_two_phase_equals_single_run_minhash() {
    two_phase_equals_single_run(&["--dedup", "minhash", "--bands", "20", "--rows", "4"]);
}

#[test]
fn issue5_two_phase_equals_single_run_verified_by_sketch() {
    two_phase_equals_single_run(&["--verify", "sketch"]);
}

/// Exact verification needs the shingle sets: signatures made without them are refused.
#[test]
fn issue5_exact_dedup_refuses_signatures_without_sets() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    make_corpus(dir);
    thresh(
        dir,
        &[
            "fingerprint",
            "corpus/shard0.jsonl",
            "-o",
            "sig",
            "--verify",
            "sketch",
        ],
    );
    let o = bin()
        .current_dir(dir)
        .args(["dedup", "sig", "-o", "drop.jsonl"])
        .output()
        .expect("run");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no shingle sets"), "{err}");
    thresh(
        dir,
        &["dedup", "sig", "-o", "drop.jsonl", "--verify", "sketch"],
    );
}

#[test]
fn issue5_dedup_refuses_mixed_signatures() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    make_corpus(dir);
    thresh(dir, &["fingerprint", "corpus/shard0.jsonl", "-o", "sig"]);
    thresh(
        dir,
        &[
            "fingerprint",
            "corpus/shard1.jsonl",
            "-o",
            "sig",
            "--no-strip",
        ],
    );
    let o = bin()
        .current_dir(dir)
        .args(["dedup", "sig", "-o", "drop.jsonl"])
        .output()
        .expect("run");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("other options"), "{err}");
}

#[test]
fn issue5_dedup_without_signatures_is_a_usage_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(tmp.path().join("sig")).expect("mkdir");
    let o = bin()
        .current_dir(tmp.path())
        .args(["dedup", "sig", "-o", "drop.jsonl"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("thresh fingerprint"), "{err}");
}

#[test]
fn issue5_unmatched_drop_list_warns() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    make_corpus(dir);
    thresh(dir, &["fingerprint", "corpus", "-o", "sig"]);
    thresh(dir, &["dedup", "sig", "-o", "drop.jsonl"]);
    let o = bin()
        .current_dir(dir)
        .args([
            "clean",
            "./corpus",
            "-o",
            "out",
            "--drop-list",
            "drop.jsonl",
        ])
        .output()
        .expect("run");
    check(&o, "thresh clean ./corpus --drop-list");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("none of the"), "{err}");
}
