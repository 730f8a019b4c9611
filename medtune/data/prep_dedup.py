"""Row identity for preparation: text normalization, alignment filtering, exact and near-duplicate removal.

Each row carries two normalized keys. `key` is its identity (the whole input: claim + evidence, question +
options, question + answer), used for duplicates and label conflicts. `group` is what must never appear in
two splits (the claim, the question): rows sharing a group travel together when splits are carved.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from medtune.data.schemas import Example
from medtune.data.tasks import get_task

# A split's rank when the same row appears twice: the copy in an evaluation split is kept and the training
# copy dropped, the usual decontamination direction (train is cleaned against test, never the reverse).
ROLE_RANK = {"test": 0, "validation": 1, "train": 2, "pool": 3}

_URL = re.compile(r"https?://\S+|www\.\S+")
_NON_WORD = re.compile(r"[^\w\s]")


def normalize(text: str | None) -> str:
    """Case-folded, NFKC, URLs and punctuation removed, whitespace collapsed.

    URLs are dropped because reposted tweets differ only in their t.co link; a text that is nothing but a URL
    keeps its raw form so that all such rows do not collapse into one.
    """
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = _NON_WORD.sub(" ", _URL.sub(" ", folded)).split()
    return " ".join(words) if words else " ".join(folded.split())


@dataclass
class Row:
    """One example on its way through preparation."""

    uid: str
    example: Example
    source_split: str
    role: str  # train | validation | test | pool
    official: bool
    order: int
    raw_label: str | None = None
    key: str = ""
    group: str = ""
    main: str = ""  # normalized input text
    extra: str = ""  # normalized second part (evidence, options, answer, later turns)
    tags: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str | None:
        return self.example.label

    @property
    def priority(self) -> tuple[int, int, int]:
        return (0 if self.official else 1, ROLE_RANK.get(self.role, 9), self.order)


def set_keys(row: Row, task: str) -> None:
    ex = row.example
    text = normalize(ex.text)
    if ex.messages:
        extra = " ".join(normalize(t.content) for t in ex.messages[1:])
    else:
        extra = normalize(ex.text_pair or ex.target or "")
    row.main, row.extra = text, extra
    row.key = f"{text}\x1f{extra}" if extra else text
    # MedHallu pairs a faithful and a hallucinated answer to one question: the question (with its evidence)
    # is what must stay in one split, not the answer being judged.
    row.group = normalize(ex.text_pair) if get_task(task).group_by_context and ex.text_pair else text


def drop_conflicts(rows: list[Row]) -> tuple[list[Row], list[dict[str, Any]]]:
    """Alignment filtering: rows with the same identity but different labels are all dropped and listed."""
    by_key: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_key[row.key].append(row)
    conflicted, groups = set(), []
    for members in by_key.values():
        labels = {m.label for m in members}
        if len(labels) > 1:
            conflicted.update(m.uid for m in members)
            by_label: dict[str, list[str]] = defaultdict(list)
            for m in members:
                by_label[str(m.label)].append(m.uid)
            groups.append({"text": _preview(members[0]), "labels": dict(by_label)})
    return [r for r in rows if r.uid not in conflicted], groups


def drop_exact_duplicates(rows: list[Row]) -> tuple[list[Row], list[dict[str, str]]]:
    """Rows with the same identity and label: the highest-priority copy stays."""
    kept: dict[str, Row] = {}
    dropped = []
    for row in sorted(rows, key=lambda r: r.priority):
        first = kept.get(row.key)
        if first is None:
            kept[row.key] = row
        else:
            dropped.append({"id": row.uid, "kept": first.uid, "split": row.source_split})
    keep_ids = {r.uid for r in kept.values()}
    return [r for r in rows if r.uid in keep_ids], dropped


# --- near duplicates: MinHash over character 5-grams with LSH banding ------------------------------------
# One-permutation MinHash (Li, Owen & Zhang, NeurIPS 2012): each shingle is hashed once, the top 6 bits pick
# one of 64 bins and a bin keeps its smallest value, so a signature costs one pass instead of 64. Empty bins
# (short texts) borrow from the next non-empty bin, "densification" after Shrivastava & Li (ICML 2014).
# 16 bands of 4 values put pairs above Jaccard ~0.5 into a shared bucket; candidates are then checked against
# the exact Jaccard of their shingle sets, so the threshold itself is exact.
SHINGLE = 5
N_HASH, BANDS = 64, 16
_BIN_SHIFT = np.uint64(64 - 6)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: spreads rolling-hash values over all 64 bits (uint64 arithmetic wraps)."""
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def shingles(text: str, seed: int = 0) -> np.ndarray:
    """Sorted, unique 64-bit hashes of the text's character 5-grams."""
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8).astype(np.uint64)
    if len(data) < SHINGLE:
        data = np.concatenate([data, np.zeros(SHINGLE - len(data), dtype=np.uint64)])
    n = len(data) - SHINGLE + 1
    h = np.full(n, np.uint64(seed + 1), dtype=np.uint64)
    for j in range(SHINGLE):
        h = h * np.uint64(257) + data[j:j + n]
    return np.unique(_mix(h))


def _signature(hashes: np.ndarray) -> np.ndarray:
    bins = (hashes >> _BIN_SHIFT).astype(np.int64)
    sig = np.zeros(N_HASH, dtype=np.uint64)
    filled = np.zeros(N_HASH, dtype=bool)
    first = np.unique(bins, return_index=True)  # hashes are sorted, so a bin's first entry is its minimum
    sig[first[0]] = hashes[first[1]]
    filled[first[0]] = True
    if not filled.all():
        full, empty = np.flatnonzero(filled), np.flatnonzero(~filled)
        donors = full[np.searchsorted(full, empty) % len(full)]
        sig[empty] = _mix(sig[donors] + empty.astype(np.uint64))
    return sig


def _signatures(sets: list[np.ndarray]) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.stack([_signature(s) for s in sets])


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def near_duplicate_pairs(texts: list[str], threshold: float, seed: int = 0) -> list[tuple[int, int, float]]:
    """Pairs (i < j) whose character 5-gram Jaccard similarity is at least `threshold`.

    Within each LSH bucket every member is compared with the bucket's first member only (a star, not all
    pairs): templated texts (MedQuAD's "These resources address…" answers) fill buckets of hundreds, and
    all-pairs would be quadratic. Members linked to the same first member end up in one cluster anyway.
    Candidates are screened by the share of agreeing MinHash values, then confirmed with the exact Jaccard.
    """
    if len(texts) < 2:
        return []
    with np.errstate(over="ignore"):
        sets = [shingles(t, seed) for t in texts]
    sig = _signatures(sets)
    rows_per_band = N_HASH // BANDS
    firsts, others = [], []
    for band in range(BANDS):
        heads: dict[bytes, int] = {}
        block = np.ascontiguousarray(sig[:, band * rows_per_band:(band + 1) * rows_per_band])
        for i in range(len(texts)):
            head = heads.setdefault(block[i].tobytes(), i)
            if head != i:
                firsts.append(head)
                others.append(i)
    if not firsts:
        return []
    cand = np.unique(np.stack([np.array(firsts), np.array(others)], axis=1), axis=0)
    estimate = (sig[cand[:, 0]] == sig[cand[:, 1]]).mean(axis=1)
    # 64 hashes estimate J with a standard error of about 0.06 at J = 0.75; 0.15 of slack keeps real pairs.
    cand = cand[estimate >= threshold - 0.15]
    pairs = []
    for i, j in cand.tolist():
        sim = _jaccard(sets[i], sets[j])
        if sim >= threshold:
            pairs.append((i, j, round(sim, 4)))
    return pairs


def drop_near_duplicates(rows: list[Row], threshold: float, seed: int = 0
                         ) -> tuple[list[Row], list[dict[str, Any]], list[dict[str, Any]]]:
    """Clusters of near-identical rows keep their highest-priority member.

    Members with the same label are dropped as near duplicates; members whose label differs from the kept
    row's are listed as near conflicts and kept (they may be a real minimal pair such as a negated claim).
    """
    # Compared part by part: two claims sharing one long evidence passage are different examples, even though
    # the passage would dominate a similarity computed on the concatenation.
    pairs = [(i, j, sim) for i, j, sim in near_duplicate_pairs([r.main for r in rows], threshold, seed)
             if _similar_extra(rows[i], rows[j], threshold, seed)]
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    best: dict[tuple[int, int], float] = {}
    for i, j, sim in pairs:
        parent[find(i)] = find(j)
        best[(i, j)] = sim
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        clusters[find(i)].append(i)
    dropped, conflicts, drop_ids = [], [], set()
    for members in clusters.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: rows[i].priority)
        head = rows[members[0]]
        for i in members[1:]:
            row = rows[i]
            sim = best.get((min(i, members[0]), max(i, members[0])))
            entry = {"id": row.uid, "kept": head.uid, "similarity": sim, "split": row.source_split}
            if row.label == head.label:
                dropped.append(entry)
                drop_ids.add(row.uid)
            else:
                conflicts.append({**entry, "labels": [head.label, row.label]})
    return [r for r in rows if r.uid not in drop_ids], dropped, conflicts


def _similar_extra(a: Row, b: Row, threshold: float, seed: int) -> bool:
    if a.extra == b.extra:
        return True
    if not a.extra or not b.extra:
        return False
    with np.errstate(over="ignore"):
        return _jaccard(shingles(a.extra, seed), shingles(b.extra, seed)) >= threshold


def _preview(row: Row, width: int = 160) -> str:
    text = " ".join(row.example.text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
