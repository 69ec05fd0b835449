#!/usr/bin/env python3
"""Per-decision precision of a thresh run: for every document dropped as a duplicate, the
exact word-5-gram Jaccard (harness normalization, common.py) with the copy it names in
`duplicate_of`, and whether the two come from one generator cluster.

run.py scores every pair inside a predicted cluster, so a cluster A~B~C whose A and C are
only 0.7 alike costs precision even when every decision was right; this script scores the
decisions themselves ("was this document dropped in favour of a real copy?"). run.py prints
the same numbers in its "dec P" columns; this script scores an existing output folder.

    python3 benches/dedup_eval/drop_precision.py OUTDIR [--corpus data/corpus.jsonl]
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir", help="a thresh clean output folder (reads dropped.jsonl)")
    ap.add_argument("--corpus", default=os.path.join(here, "data", "corpus.jsonl"))
    a = ap.parse_args()
    docs = {d["id"]: d for d in common.read_jsonl(a.corpus)}
    n = j8 = j7 = gen = tw8 = disagree = 0
    tw_cache = {}

    def tw(i):
        if i not in tw_cache:
            tw_cache[i] = common.shingle_hashes_from_words(common.thresh_words(docs[i]["text"]))
        return tw_cache[i]

    for line in open(os.path.join(a.outdir, "dropped.jsonl"), encoding="utf-8"):
        r = json.loads(line)
        if r["reason"] not in ("near_duplicate", "exact_duplicate"):
            continue
        x, y = docs[r["id"]], docs[r["duplicate_of"]]
        j = common.jaccard(common.shingle_hashes(x["text"]), common.shingle_hashes(y["text"]))
        t = common.jaccard(tw(r["id"]), tw(r["duplicate_of"])) >= 0.8
        n += 1
        tw8 += t
        disagree += t != (j >= 0.8)
        j8 += j >= 0.8
        j7 += j >= 0.7
        gen += x["cluster"] == y["cluster"]
    if n == 0:
        print("no duplicates dropped")
        return
    print(f"dropped as duplicates: {n}")
    print(f"  J>=0.8 with the kept copy: {j8 / n:.3f}")
    print(f"  J>=0.7 with the kept copy: {j7 / n:.3f}")
    print(f"  same generator cluster:    {gen / n:.3f}")
    print(f"  J>=0.8 with thresh's normalization (common.thresh_words): {tw8 / n:.3f}; "
          f"{disagree} decisions on which the two normalizations disagree at 0.8")


if __name__ == "__main__":
    main()
