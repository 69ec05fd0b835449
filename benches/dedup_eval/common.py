"""Shared helpers for the dedup evaluation harness (stdlib + numpy only).

Normalization used for every Jaccard number in this harness
-----------------------------------------------------------
1. lowercase (``str.lower``);
2. delete every character whose Unicode category is punctuation (P*) or
   symbol (S*)  -- e.g. ``don't`` -> ``dont``, ``a-b`` -> ``ab``;
3. replace every Unicode decimal digit (category Nd) with ``0``
   (``2021`` -> ``0000``);
4. split on whitespace (``str.split()``) into words.

Shingles are word 5-grams of that word list (a document with fewer than five
words has a single shingle made of all its words, and none if it has no
word).  Jaccard = |A & B| / |A | B| over the *sets* of shingles.

Shingles are stored as 64-bit hashes (each word hashed once with blake2b,
five word hashes combined with fixed odd multipliers and a 64-bit finalizer);
with ~10^7 distinct shingles the chance of any collision is ~10^-5, so the
numbers are exact for all practical purposes.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Dict, Iterator, List, Sequence, Tuple

import numpy as np

SHINGLE_K = 5
MASK64 = (1 << 64) - 1


# --------------------------------------------------------------------------
# normalization


class _NormTable(dict):
    """str.translate table built lazily: P*/S* -> deleted, Nd -> '0'."""

    def __missing__(self, cp: int):
        cat = unicodedata.category(chr(cp))
        if cat[0] in "PS":
            val = None
        elif cat == "Nd":
            val = "0"
        else:
            val = cp
        self[cp] = val
        return val


_TABLE = _NormTable()


def normalize_words(text: str) -> List[str]:
    """The documented normalization: returns the list of words."""
    return text.lower().translate(_TABLE).split()


def thresh_words(text: str) -> List[str]:
    """An emulation of thresh's fingerprint normalization (src/fingerprint.rs), *not* the
    harness's: every character that is not a letter or digit ends a word (``don't`` ->
    ``don t``, ``a-b.c`` -> ``a b c``, as datatrove's punctuation-to-space), letters are
    lowercased (keeping only the alphanumeric characters of the lowercase form), ASCII digits
    become ``0``. Used only to measure how often the two normalizations disagree at 0.8."""
    out: List[str] = []
    cur: List[str] = []
    for ch in text:
        if ch.isalnum():
            if "0" <= ch <= "9":
                cur.append("0")
            else:
                cur.extend(c for c in ch.lower() if c.isalnum())
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


# --------------------------------------------------------------------------
# shingle hashing

_WORD_CACHE: Dict[str, int] = {}
# fixed odd 64-bit multipliers, one per position in the 5-gram
_POS_MULT = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
    ],
    dtype=np.uint64,
)


def _word_hash(w: str) -> int:
    h = _WORD_CACHE.get(w)
    if h is None:
        h = int.from_bytes(hashlib.blake2b(w.encode("utf-8"), digest_size=8).digest(), "little")
        if len(_WORD_CACHE) < 5_000_000:
            _WORD_CACHE[w] = h
    return h


def _fmix64(v: np.ndarray) -> np.ndarray:
    v = v ^ (v >> np.uint64(33))
    v = v * np.uint64(0xFF51AFD7ED558CCD)
    v = v ^ (v >> np.uint64(33))
    v = v * np.uint64(0xC4CEB9FE1A85EC53)
    v = v ^ (v >> np.uint64(33))
    return v


def shingle_hashes_from_words(words: Sequence[str], k: int = SHINGLE_K) -> np.ndarray:
    """Sorted unique uint64 hashes of the word k-gram set."""
    n = len(words)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    wh = np.fromiter((_word_hash(w) for w in words), dtype=np.uint64, count=n)
    if n < k:
        # single shingle made of all words (positions 0..n-1)
        acc = np.uint64(n)
        with np.errstate(over="ignore"):
            for i in range(n):
                acc = acc + wh[i] * _POS_MULT[i]
            return _fmix64(np.array([acc], dtype=np.uint64))
    m = n - k + 1
    with np.errstate(over="ignore"):
        acc = np.full(m, np.uint64(k), dtype=np.uint64)
        for i in range(k):
            acc = acc + wh[i : i + m] * _POS_MULT[i]
        acc = _fmix64(acc)
    return np.unique(acc)


def shingle_hashes(text: str) -> np.ndarray:
    return shingle_hashes_from_words(normalize_words(text))


def shingle_strings(text: str, k: int = SHINGLE_K) -> List[str]:
    """Shingles as strings (for peers that hash shingles themselves)."""
    words = normalize_words(text)
    if not words:
        return []
    if len(words) < k:
        return [" ".join(words)]
    return [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard of two sorted-unique uint64 arrays."""
    if a.size == 0 and b.size == 0:
        return 1.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)


# --------------------------------------------------------------------------
# MinHash + LSH banding (used only to find *candidate* pairs; every number
# reported is then computed exactly)


class MinHasher:
    def __init__(self, num_perm: int = 128, seed: int = 1):
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.xor = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)[:, None] * np.uint64(2)
        self.mul = (rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1))[:, None]

    def signature(self, sh: np.ndarray) -> np.ndarray:
        if sh.size == 0:
            return np.full(self.num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
        with np.errstate(over="ignore"):
            v = (sh[None, :] ^ self.xor) * self.mul
            v = v ^ (v >> np.uint64(31))
        return v.min(axis=1)


class BandIndex:
    """LSH band index over MinHash signatures (bands x rows <= num_perm)."""

    def __init__(self, bands: int, rows: int):
        self.bands = bands
        self.rows = rows
        self.tables: List[Dict[bytes, List[int]]] = [dict() for _ in range(bands)]

    def keys(self, sig: np.ndarray) -> List[bytes]:
        r = self.rows
        return [sig[b * r : (b + 1) * r].tobytes() for b in range(self.bands)]

    def query(self, sig: np.ndarray) -> set:
        out = set()
        for t, key in zip(self.tables, self.keys(sig)):
            lst = t.get(key)
            if lst:
                out.update(lst)
        return out

    def insert(self, idx: int, sig: np.ndarray) -> None:
        for t, key in zip(self.tables, self.keys(sig)):
            t.setdefault(key, []).append(idx)

    def candidate_pairs(self, max_bucket: int = 2000) -> Iterator[Tuple[int, int]]:
        """All (i<j) pairs sharing at least one bucket (may repeat)."""
        for t in self.tables:
            for lst in t.values():
                if len(lst) < 2:
                    continue
                if len(lst) > max_bucket:
                    lst = lst[:max_bucket]
                for x in range(len(lst)):
                    a = lst[x]
                    for y in range(x + 1, len(lst)):
                        b = lst[y]
                        yield (a, b) if a < b else (b, a)


# --------------------------------------------------------------------------
# misc


class UnionFind:
    def __init__(self):
        self.parent: Dict[str, str] = {}

    def find(self, x):
        p = self.parent
        if x not in p:
            p[x] = x
            return x
        root = x
        while p[root] != root:
            root = p[root]
        while p[x] != root:
            p[x], x = root, p[x]
        return root

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                p, c = ra, rb
            else:
                p, c = rb, ra
            self.parent[c] = p


def read_jsonl(path: str) -> Iterator[dict]:
    with open(path, "r", encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield json.loads(line)


def read_pairs(path: str) -> Dict[Tuple[str, str], float]:
    out: Dict[Tuple[str, str], float] = {}
    with open(path, "r", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("id_a\t"):
                continue
            a, b, j = line.rstrip("\n").split("\t")
            out[(a, b) if a < b else (b, a)] = float(j)
    return out


def pair_key(a: str, b: str) -> Tuple[str, str]:
    return (a, b) if a < b else (b, a)
