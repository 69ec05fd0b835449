#!/usr/bin/env python3
"""Train strip's line model (logistic regression) on wcxb-dev and write src/strip/model.txt.

  cargo build --release --example strip_features
  target/release/examples/strip_features ../shared/eval/wcxb-dev/text > /tmp/feat.tsv
  python3 benches/train_strip.py /tmp/feat.tsv            # CV report + writes model.txt
  python3 benches/train_strip.py /tmp/feat.tsv --dry-run  # CV report only

Labels: a line is content when its lowercase words, joined, occur in the page's ground truth
(lines of under four words must equal a whole ground-truth line, so that "Home" or "Share"
do not count as content because the word appears in the article). Lines removed by the hand
rules are left out of training. Each line weighs its share of the page's words, so that every
page counts the same, as in the per-page F1 the benchmark reports.

Cross-validation: 5 folds grouped by domain (no domain in both train and test). The
threshold is chosen on the out-of-fold scores to maximise mean per-page F1 (score.py's
bag-of-words metric, computed on the kept lines); the figures printed are out-of-fold.
"""
import argparse
import json
import re
import sys
import zlib
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WCXB = (REPO / ".." / "shared" / "eval" / "wcxb-dev").resolve()
WORD = re.compile(r"\w+")


def norm_words(s):
    return WORD.findall(s.lower())


def load(path, gt):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        names = header[3:-1]
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < len(header):
                parts += [""] * (len(header) - len(parts))
            pid, no, rule = parts[0], int(parts[1]), parts[2]
            x = [float(v) for v in parts[3:3 + len(names)]]
            text = "\t".join(parts[3 + len(names):])
            rows.append((pid, no, rule, x, text))
    return names, rows


def labels(rows, gt):
    truth_text, truth_lines = {}, {}
    for pid, g in gt.items():
        mc = g["main_content"]
        truth_text[pid] = " " + " ".join(norm_words(mc)) + " "
        truth_lines[pid] = {" ".join(norm_words(l)) for l in mc.split("\n") if l.strip()}
    y = []
    for pid, _, _, _, text in rows:
        w = norm_words(text)
        if pid not in gt or not w:
            y.append(0)
            continue
        j = " ".join(w)
        if len(w) >= 4:
            y.append(int(f" {j} " in truth_text[pid]))
        else:
            y.append(int(j in truth_lines[pid]))
    return np.array(y, dtype=float)


def fit(X, y, w, l2=1e-3, iters=30):
    """Weighted logistic regression by Newton's method."""
    beta = np.zeros(X.shape[1])
    W = w / w.sum()
    for _ in range(iters):
        z = X @ beta
        p = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
        g = X.T @ (W * (p - y)) + l2 * beta
        H = (X * (W * p * (1 - p))[:, None]).T @ X + l2 * np.eye(X.shape[1])
        step = np.linalg.solve(H, g)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return beta


BAGS = {}
TRUTH = {}


def page_f1(gt, pages, keep):
    """Mean per-page F1 (score.py's metric) given which rows are kept."""
    f1s, ps, bypt = [], [], defaultdict(list)
    for pid, idx in pages.items():
        if pid not in TRUTH:
            TRUTH[pid] = Counter(norm_words(gt[pid]["main_content"]))
        t = TRUTH[pid]
        pred = Counter()
        for i in idx:
            if keep[i]:
                if i not in BAGS:
                    BAGS[i] = Counter(norm_words(ROWS[i][4]))
                pred.update(BAGS[i])
        tp = sum((t & pred).values())
        n_p, n_t = sum(pred.values()), sum(t.values())
        if n_p == 0 and n_t == 0:
            p = r = f = 1.0
        else:
            p = tp / n_p if n_p else 0.0
            r = tp / n_t if n_t else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f)
        ps.append(p)
        bypt[gt[pid]["page_type"]].append(f)
    return np.mean(f1s), np.mean(ps), {k: np.mean(v) for k, v in sorted(bypt.items())}


ROWS = []


def main():
    global ROWS
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("features")
    ap.add_argument("--wcxb", default=str(WCXB))
    ap.add_argument("--out", default=str(REPO / "src" / "strip" / "model.txt"))
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--threshold", type=float, default=None,
                    help="write this threshold instead of the CV-best one (strip's guards restore "
                         "recall, so the bare model's best threshold is too low for thresh; 0 is shipped)")
    a = ap.parse_args()
    gt = json.loads((Path(a.wcxb) / "ground-truth.json").read_text(encoding="utf-8"))
    names, ROWS = load(a.features, gt)
    rows = ROWS
    y = labels(rows, gt)
    X = np.array([r[3] for r in rows])
    pid = [r[0] for r in rows]
    hand = np.array([r[2] != "-" for r in rows])
    nwords = np.array([max(1, len(norm_words(r[4]))) for r in rows], dtype=float)
    page_words = defaultdict(float)
    for p, n in zip(pid, nwords):
        page_words[p] += n
    w = np.array([n / page_words[p] for p, n in zip(pid, nwords)])
    in_gt = np.array([p in gt for p in pid])
    pages = defaultdict(list)
    for i, p in enumerate(pid):
        if p in gt:
            pages[p].append(i)

    # folds grouped by domain (stable hash)
    dom = {p: g.get("domain") or p for p, g in gt.items()}
    fold = np.array([zlib.crc32(dom.get(p, p).encode()) % a.folds for p in pid])
    train = ~hand & in_gt
    oof = np.zeros(len(rows))
    for k in range(a.folds):
        tr = train & (fold != k)
        beta = fit(X[tr], y[tr], w[tr])
        oof[fold == k] = X[fold == k] @ beta

    keep_all = ~hand
    f_rules, p_rules, _ = page_f1(gt, pages, keep_all)
    print(f"hand rules only: F1 {f_rules:.4f} P {p_rules:.4f}")
    best = None
    for thr in np.arange(-1.0, 0.51, 0.25):
        keep = ~hand & (oof >= thr)
        f, p, by = page_f1(gt, pages, keep)
        print(f"threshold {thr:+.2f}: out-of-fold F1 {f:.4f} P {p:.4f} " + " ".join(f"{t} {v:.3f}" for t, v in by.items()))
        if best is None or f > best[0]:
            best = (f, thr)
    thr = best[1] if a.threshold is None else a.threshold
    print(f"best threshold {thr:+.2f}: out-of-fold mean page F1 {best[0]:.4f} (domain-grouped {a.folds}-fold CV)")

    beta = fit(X[train], y[train], w[train])
    for n, b in sorted(zip(names, beta), key=lambda t: -abs(t[1])):
        print(f"  {n:20s} {b:+.3f}")
    if not a.dry_run:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write("# strip line model: logistic regression weights, written by benches/train_strip.py\n")
            f.write(f"# trained on wcxb-dev ({int(train.sum())} lines); out-of-fold mean page F1 {best[0]:.4f}\n")
            for n, b in zip(names, beta):
                f.write(f"{n} {b:.5f}\n")
            f.write(f"threshold {thr:.3f}\n")
        print(f"wrote {a.out}")


if __name__ == "__main__":
    sys.exit(main())
